"""Small holes: the generated secret key file, passwords in configuration errors, the
password-reset views that cannot send mail."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from django.urls import NoReverseMatch, reverse

from tests.core.test_settings import run_check
from tracker.config import persistent_secret, redact_url

ROOT = Path(__file__).resolve().parents[2]


def test_the_secret_key_file_is_created_with_mode_0600_whatever_the_umask(tmp_path, monkeypatch):
    # No chmod afterwards may be needed: a file created readable and narrowed later is readable
    # by others for a moment (or for ever, if the process dies in between).
    monkeypatch.setattr(os, "chmod", lambda *args, **kwargs: None)
    monkeypatch.setattr(Path, "chmod", lambda *args, **kwargs: None)
    path = tmp_path / "var" / "secret_key"
    previous = os.umask(0)
    try:
        secret = persistent_secret(path)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == secret and len(secret) >= 50
    assert persistent_secret(path) == secret
    assert [p.name for p in path.parent.iterdir()] == ["secret_key"]  # no temporary left


def test_a_secret_key_file_another_process_wrote_first_is_kept(tmp_path, monkeypatch):
    path = tmp_path / "secret_key"
    real_link = os.link

    def racing_link(source, target):
        Path(target).write_text("the-other-process-key")  # it won the race
        return real_link(source, target)

    monkeypatch.setattr(os, "link", racing_link)
    assert persistent_secret(path) == "the-other-process-key"
    assert path.read_text() == "the-other-process-key"


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("redis://:s3cret-pw@redis.internal:6379/0", "redis://:***@redis.internal:6379/0"),
        ("postgres://tracker:s3cret-pw@db:5432/tracker", "postgres://tracker:***@db:5432/tracker"),
        ("redis://redis.internal:6379/0", "redis://redis.internal:6379/0"),
    ],
)
def test_urls_are_shown_without_their_password(url, shown):
    assert redact_url(url) == shown


@pytest.mark.parametrize(
    "env",
    [
        {"CELERY_BROKER_URL": "amqp://guest:s3cret-pw@rabbit.internal:5672//"},
        {"DATABASE_URL": "postgres://tracker:s3cret-pw@db.internal:notaport/tracker"},
    ],
)
def test_a_configuration_error_never_prints_a_password(tmp_path, env):
    result = run_check(tmp_path, SECRET_KEY="x" * 40, **env)
    assert result.returncode != 0
    assert "Configuration error:" in result.stderr
    assert "s3cret-pw" not in result.stderr + result.stdout
    assert "***" in result.stderr


def test_there_are_no_password_reset_views_while_no_email_is_configured(client):
    for name in ("password_reset", "password_reset_done", "password_reset_complete"):
        with pytest.raises(NoReverseMatch):
            reverse(name)
    assert client.get("/accounts/password_reset/").status_code == 404
    assert client.get("/accounts/reset/MQ/set-password/").status_code == 404
    assert reverse("login") == "/accounts/login/" and reverse("logout") == "/accounts/logout/"
