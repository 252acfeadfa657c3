"""Security: login throttling, a strict Content-Security-Policy, deploy checks, no inline scripts."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_repeated_failed_logins_lock_the_account_out(client, curator):
    for _ in range(5):
        response = client.post("/accounts/login/", {"username": "cora", "password": "wrong guess"})
    assert response.status_code == 429
    response = client.post(
        "/accounts/login/", {"username": "cora", "password": "correct horse battery"}
    )
    assert response.status_code == 429, "even the right password is refused while locked out"
    assert "Too many failed logins" in response.content.decode()


def test_a_successful_login_still_works_below_the_limit(client, curator):
    client.post("/accounts/login/", {"username": "cora", "password": "wrong guess"})
    response = client.post(
        "/accounts/login/", {"username": "cora", "password": "correct horse battery"}
    )
    assert response.status_code == 302


def test_pages_carry_a_content_security_policy_allowing_only_our_own_files(
    curator_client, positions
):
    policy = curator_client.get("/review/")["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";") if part.strip())
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["default-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


def test_htmx_is_told_not_to_inject_its_indicator_style(curator_client, positions):
    html = curator_client.get("/review/").content.decode()
    assert '"includeIndicatorStyles": false' in html


PAGE_TEMPLATES = sorted(
    [ROOT / "templates" / "base.html"]
    + [
        path
        for folder in ("curation", "dashboard", "registration")
        for path in (ROOT / "templates" / folder).rglob("*.html")
    ]
)


@pytest.mark.parametrize("template", PAGE_TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_templates_have_no_inline_scripts_or_styles(template):
    text = template.read_text(encoding="utf-8")
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), (
        "inline <script> needs 'unsafe-inline'"
    )
    assert not re.search(r"<style\b", text), "inline <style> needs 'unsafe-inline'"
    assert not re.search(r"\sstyle=", text), "style attributes need 'unsafe-inline'"
    assert not re.search(r"\shx-on[:-]|\son[a-z]+=", text), "inline handlers need 'unsafe-inline'"


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    # The browser tests set DJANGO_ALLOW_ASYNC_UNSAFE in this process; production never has it.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "HTTPS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    env.update(
        DEBUG="false",
        HTTPS="true",
        SECRET_KEY="Vq8#kP2$wL9!nR4^tY7&zB1*cF6%hJ3@mX5-dG0+sA8~eU2-Qw7rT4yU",
        DATABASE_URL=os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tracker"),
        ALLOWED_HOSTS="tracker.example.org",
        TRACKER_VAR_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_cookies_are_secure_and_host_only(tmp_path):
    env = {
        **os.environ,
        "DEBUG": "false",
        "HTTPS": "true",
        "TRACKER_VAR_DIR": str(tmp_path),
        "SECRET_KEY": "Vq8#kP2$wL9!nR4^tY7&zB1*cF6%hJ3@mX5-dG0+sA8~eU2-Qw7rT4yU",
    }
    code = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'tracker.settings'); django.setup();"
        "from django.conf import settings as s;"
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.CSRF_COOKIE_HTTPONLY,"
        " s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS > 0)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and code
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "True",
        "__Host-sessionid",
        "__Host-csrftoken",
        "True",
        "True",
    ], result.stderr


def test_password_validators_refuse_a_weak_password(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("12345678")
