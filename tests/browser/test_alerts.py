"""Save a timeline view as a watchlist, ingest an article that matches, and see the header's
unread count rise and the alert with its evidence; pictures of the alert pages at laptop and
phone widths."""

from __future__ import annotations

import datetime as dt

import pytest

from tracker.alerts.models import Alert, Watchlist
from tracker.ingestion.ingest import store_article

TEXT = (
    "Kremlin spokesman Dmitry Peskov said on Tuesday that the deployment of foreign troops "
    "on Ukrainian soil was unacceptable to Russia."
)
LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def both_widths(page, screenshot, name):
    page.set_viewport_size(LAPTOP)
    screenshot(name)
    page.set_viewport_size(PHONE)
    screenshot(f"{name}-phone")
    page.set_viewport_size(LAPTOP)


@pytest.mark.slow
def test_a_saved_view_alerts_its_owner_in_the_header_and_on_the_alerts_page(
    logged_in_page, live_server, celery_worker, screenshot
):
    page = logged_in_page
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/?proposal=ground_troops")
    page.click("text=Watch this view")
    page.wait_for_url("**/alerts/watchlists/new/**")
    assert page.locator("select[name=proposal]").input_value() == "ground_troops"
    page.fill("#id_name", "Ground troops")
    both_widths(page, screenshot, "alerts-watch-this-view")
    page.click("button:has-text('Watch')")
    page.wait_for_url(f"{live_server.url}/alerts/watchlists/")
    assert Watchlist.objects.get().filters == {"proposal": "ground_troops"}
    both_widths(page, screenshot, "alerts-watchlists")

    page.goto(f"{live_server.url}/")
    assert page.locator(".unread-count").count() == 0
    stored = store_article(title="Peskov", text=TEXT, language="en", published=dt.date(2025, 9, 4))
    assert stored.created
    # The worker extracts and matches; the header polls every 20 s.
    page.wait_for_selector(".unread-count", timeout=90_000)
    count = int(page.locator(".unread-count").inner_text())
    assert count == Alert.objects.count() >= 1
    both_widths(page, screenshot, "alerts-unread-count")

    page.click("#alerts-link")
    page.wait_for_url(f"{live_server.url}/alerts/")
    first = page.locator("article.alert").first
    assert "ground troops" in first.locator("header strong").inner_text()
    assert "foreign troops" in first.locator("blockquote.evidence").inner_text()
    both_widths(page, screenshot, "alerts-notifications")

    page.goto(f"{live_server.url}/alerts/feeds/")
    page.fill("#id_name", "Feed reader")
    page.click("button:has-text('Make a token')")
    assert page.locator("#new-token").inner_text().startswith("trk_")
    both_widths(page, screenshot, "alerts-feeds")

    watchlist = Watchlist.objects.get()
    page.goto(f"{live_server.url}/alerts/watchlists/{watchlist.id}/edit/")
    both_widths(page, screenshot, "alerts-watchlist-edit")
