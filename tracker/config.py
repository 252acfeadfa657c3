"""Small helpers that read settings from environment variables.

Each helper names the variable in its error, so a bad value stops start-up
with one message that says what to fix.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


class ConfigError(ImproperlyConfigured):
    """An environment variable is missing or has a value we cannot use."""


def envstr(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return default if value is None else value.strip()


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    word = value.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(f"{name} must be true or false (1/0, yes/no, on/off), not {value!r}")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    value = os.environ.get(name)
    if value is None or not value.strip():
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, not {value!r}") from None
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {number}")
    return number


def envlist(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def envports(name: str, default: list[str]) -> list[tuple[int, int]]:
    """Ports and ranges ("80,443,8000-8100") as inclusive (low, high) pairs."""
    ranges = []
    for item in envlist(name, default):
        low, _, high = item.partition("-")
        try:
            pair = (int(low), int(high or low))
        except ValueError:
            pair = (0, 0)
        if not 1 <= pair[0] <= pair[1] <= 65535:
            raise ConfigError(
                f"{name} must list ports or ranges such as 80,443,8000-8100, not {item!r}"
            )
        ranges.append(pair)
    return ranges


def redact_url(url: str) -> str:
    """``url`` with its password replaced by ***, for error messages and logs."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "(an unparseable URL)"
    if not password:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))


def persistent_secret(path: Path) -> str:
    """Return the secret kept in ``path``, creating it on first use (embedded mode).

    The file is written under a temporary name with mode 0600 from the start, then linked into
    place: nobody ever sees it readable by others or half written, and of two processes starting
    at once, the second finds the first one's key and uses it.
    """
    if path.exists():
        secret = path.read_text().strip()
        if secret:
            return secret
        path.unlink()  # an empty file left by an older version
    path.parent.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(50)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secret)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            os.link(temporary, path)
        except FileExistsError:
            return path.read_text().strip()
    finally:
        temporary.unlink(missing_ok=True)
    return secret


EMAIL_SCHEMES = {"smtp": (True, False), "smtps": (False, True), "smtp+plain": (False, False)}


def email_settings(url: str, host: str) -> tuple[str, dict]:
    """The email backend and SMTP settings from EMAIL_URL (or EMAIL_HOST); the console backend
    when neither is set."""
    if not url:
        if host:
            return "django.core.mail.backends.smtp.EmailBackend", {"host": host}
        return "django.core.mail.backends.console.EmailBackend", {}
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        parts, port = None, None
    if parts is None or (parts.scheme not in EMAIL_SCHEMES and parts.scheme != "console"):
        raise ConfigError(
            "EMAIL_URL must be smtp://user:password@host:587 (STARTTLS), smtps://…:465, "
            f"smtp+plain://host:25 or console://, not {redact_url(url)!r}"
        )
    if parts.scheme == "console":
        return "django.core.mail.backends.console.EmailBackend", {}
    if not parts.hostname:
        raise ConfigError(f"EMAIL_URL has no host name: {redact_url(url)!r}")
    tls, ssl = EMAIL_SCHEMES[parts.scheme]
    return "django.core.mail.backends.smtp.EmailBackend", {
        "host": parts.hostname,
        "port": port or (465 if ssl else 587 if tls else 25),
        "user": unquote(parts.username or ""),
        "password": unquote(parts.password or ""),
        "tls": tls,
        "ssl": ssl,
    }
