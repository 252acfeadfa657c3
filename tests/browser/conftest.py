"""Playwright against Debian's Chromium and Django's live server.

Screenshots of every page visited land in test-results/screenshots/ so people
can look at what the tests saw.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from django.db import connection

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# SCREENSHOT_DIR moves them (pytest-playwright empties test-results/ when a session starts,
# so two sessions running side by side would delete each other's pictures).
SCREENSHOTS = Path(
    os.environ.get("SCREENSHOT_DIR")
    or Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
)
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make test` installs it (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def screenshot(page):
    """screenshot("name") saves the current page as test-results/screenshots/name.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def logged_in_page(page, live_server, transactional_db, django_user_model):
    """A page logged in through the real login form as an analyst."""
    from tests.conftest import ANALYST_PERMISSIONS, grant

    grant(
        django_user_model.objects.create_user("analyst", password="a long browser passphrase"),
        *ANALYST_PERMISSIONS,
    )
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "analyst")
    page.fill("#id_password", "a long browser passphrase")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    yield page
    close_and_settle(page)


def close_and_settle(page, timeout: float = 10.0) -> None:
    """Close the page, then wait until the live server's queries are done, so the flush that ends a
    transactional test never races a request still in flight (the unread-count poll fires on every
    page load; a TRUNCATE beside a request's transaction can deadlock)."""
    page.close()
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
                " AND state IN ('active', 'idle in transaction')"
            )
            if cursor.fetchone()[0] == 0:
                return
            time.sleep(0.05)
