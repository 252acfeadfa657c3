"""The review queue in a real browser: confirm with a click, reject with a keystroke, see it on the timeline."""

import re

import pytest
from playwright.sync_api import expect

from tests.conftest import make_article, make_position, role_user
from tracker.extraction.models import Actor, Position

TEXT = "Paris said it was ready to send troops to Ukraine. Moscow rejected any deployment of NATO troops."


@pytest.mark.browser
def test_a_curator_confirms_with_a_click_and_the_position_appears_confirmed_on_the_timeline(
    page, live_server, transactional_db, screenshot
):
    for name in ("France", "Russia"):
        Actor.objects.get_or_create(name=name, defaults={"kind": "state"})
    article = make_article(title="Troops for Ukraine", text=TEXT)
    france = make_position(
        article,
        "France",
        "ground_troops",
        "support",
        "ready to send troops",
        sentence=TEXT.split(". ")[0] + ".",
        confidence=0.4,
    )
    russia = make_position(
        article,
        "Russia",
        "ground_troops",
        "oppose",
        "rejected any deployment of NATO troops",
        sentence=TEXT.split(". ")[1],
        confidence=0.6,
    )
    role_user("cora", "Curator", staff=True)
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cora")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    page.click("nav >> text=Review")
    page.wait_for_url(f"{live_server.url}/review/")
    expect(page.locator("#review-counters")).to_contain_text("2 left to review")
    expect(page.locator(f"#position-{france.pk} mark")).to_have_text("ready to send troops")
    screenshot("review-queue-before")

    page.locator(f"#position-{france.pk}").get_by_role("button", name=re.compile("Confirm")).click()
    expect(page.locator(f"#position-{france.pk} .badge")).to_have_text("Confirmed")
    expect(page.locator("#review-counters")).to_contain_text("1 left to review")
    screenshot("review-queue-confirmed")

    # One keystroke: the next position has the focus; "r" rejects it.
    expect(page.locator(f"#position-{russia.pk}")).to_be_focused()
    page.keyboard.press("r")
    expect(page.locator(f"#position-{russia.pk} .badge")).to_have_text("Rejected")
    expect(page.locator("#review-counters")).to_contain_text("0 left to review")

    page.reload()
    expect(page.locator(f"#position-{france.pk}")).to_have_count(0)
    expect(page.get_by_text("Nothing left to review.")).to_be_visible()

    page.goto(f"{live_server.url}/")
    entry = page.locator("article", has_text="ready to send troops").first
    expect(entry.locator(".badge")).to_have_text(re.compile("confirmed", re.IGNORECASE))
    expect(
        page.locator("article", has_text="rejected any deployment of NATO troops")
    ).to_have_count(0)
    screenshot("timeline-confirmed")
    assert Position.objects.get(pk=france.pk).review_status == "confirmed"
    assert violations == []
