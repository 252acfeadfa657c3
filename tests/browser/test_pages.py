"""Every page at laptop (1366x900) and phone (390x844) width, as a curator sees it: nothing scrolls
sideways on a phone, the matrix shows all seven proposals, and a state's stance stated by its prime
minister shows on the state's page. A screenshot of each page at both widths lands in
test-results/screenshots/ (``pages-<name>-laptop.png``, ``pages-<name>-phone.png``)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.browser.conftest import close_and_settle
from tests.conftest import make_article, make_position, role_user
from tracker.alerts.models import Watchlist
from tracker.extraction.models import PROPOSAL_KINDS, Actor, ActorAlias, ActorRole

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}
OVERFLOW = "document.documentElement.scrollWidth - window.innerWidth"


@pytest.fixture
def world(transactional_db):
    """Poland through Tusk, Finland on every proposal, the Kremlin in Arabic, a shift."""
    actors = {}
    for name, kind in [
        ("Poland", "state"),
        ("Donald Tusk", "person"),
        ("Finland", "state"),
        ("Kremlin", "government_body"),
    ]:
        actors[name], _ = Actor.objects.get_or_create(name=name, defaults={"kind": kind})
    ActorRole.objects.filter(actor=actors["Donald Tusk"]).delete()
    ActorRole.objects.create(
        actor=actors["Donald Tusk"],
        office="Prime Minister of Poland",
        start=dt.date(2023, 12, 13),
        capacity="head_of_government",
        speaks_for=actors["Poland"],
    )
    tusk = make_article(
        title="Tusk: no Polish troops in Ukraine",
        published=dt.date(2025, 3, 3),
        text="Donald Tusk said Poland does not plan to send troops to Ukraine.",
    )
    make_position(
        tusk, "Donald Tusk", "ground_troops", "oppose", "does not plan to send troops to Ukraine"
    )
    for n, (kind, _) in enumerate(PROPOSAL_KINDS):
        article = make_article(
            title=f"Finland on {kind}",
            published=dt.date(2025, 2, 1) + dt.timedelta(days=n),
            text=f"Finland said it supports {kind.replace('_', ' ')} for Ukraine.",
        )
        make_position(article, "Finland", kind, "support", f"supports {kind.replace('_', ' ')}")
    arabic = make_article(
        title="الكرملين يرفض",
        language="ar",
        published=dt.date(2025, 8, 1),
        text="رفض الكرملين أي غطاء جوي غربي لأوكرانيا.",
    )
    make_position(arabic, "Kremlin", "air_support", "oppose", "رفض الكرملين أي غطاء جوي")
    later = make_article(
        title="Kremlin open to talks",
        published=dt.date(2025, 8, 19),
        text="The Kremlin said it was considering air support arrangements.",
    )
    make_position(
        later, "Kremlin", "air_support", "considering", "considering air support arrangements"
    )
    return {**actors, "article": arabic}


@pytest.fixture
def curator_page(page, live_server, world):
    role_user("cora", "Curator", staff=True)
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "cora")
    page.fill("#id_password", "correct horse battery")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")
    yield page
    close_and_settle(page)


def test_no_page_scrolls_sideways_on_a_phone(curator_page, live_server, world, screenshot):
    page = curator_page
    watchlist = Watchlist.objects.create(
        owner=get_user_model().objects.get(username="cora"),
        name="Ground troops, Poland and its officials, in any language",
        filters={"proposal": "ground_troops", "actor": str(world["Poland"].id)},
    )
    pages = {
        "timeline": "/",
        "matrix": "/matrix/",
        "matrix-states": "/matrix/?actor_kind=state",
        "actors": "/actors/",
        "actor-poland": f"/actors/{world['Poland'].id}/",
        "actor-kremlin": f"/actors/{world['Kremlin'].id}/",
        "proposals": "/proposals/",
        "proposal": "/proposals/ground_troops/",
        "shifts": "/shifts/",
        "article-arabic": f"/articles/{world['article'].id}/",
        "search": "/search/?q=Kremlin",
        "search-empty": "/search/?q=zzzzqqqq",
        "review": "/review/",
        "merge": "/review/merge/",
        "submit": "/submit/",
        "not-found": "/actors/999999/",
        "alerts": "/alerts/",
        "watchlists": "/alerts/watchlists/",
        "watchlist-edit": f"/alerts/watchlists/{watchlist.id}/edit/",
        "feeds": "/alerts/feeds/",
    }
    for name, url in pages.items():
        for width, size in (("laptop", LAPTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            page.goto(f"{live_server.url}{url}")
            expect(page.locator("main h1")).to_be_visible()
            screenshot(f"pages-{name}-{width}")
            assert page.evaluate(OVERFLOW) <= 0, f"{url} scrolls sideways at {width} width"


def test_polands_page_shows_tusks_position_rolled_up(curator_page, live_server, world):
    page = curator_page
    for size in (LAPTOP, PHONE):
        page.set_viewport_size(size)
        page.goto(f"{live_server.url}/actors/{world['Poland'].id}/")
        row = page.locator("table.stances tr", has_text="Ground troops")
        expect(row.locator(".cell.stance-oppose")).to_contain_text("via Donald Tusk, 3 Mar 2025")
        expect(row.locator("q")).to_be_visible()  # the evidence, on screen on a phone too
        box = row.locator("q").bounding_box()
        assert box and box["x"] + min(box["width"], 40) <= size["width"]


def test_all_seven_matrix_columns_are_visible_at_laptop_width(curator_page, live_server, world):
    page = curator_page
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/matrix/")
    headers = page.locator("table.matrix thead th a")
    expect(headers).to_have_count(7)
    for index in range(7):
        header = headers.nth(index)
        expect(header).to_be_in_viewport()
        box = header.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= LAPTOP["width"]
    finland = page.locator("table.matrix tr", has_text="Finland")
    cells = finland.locator("td.cell.stance-support")
    expect(cells).to_have_count(7)
    for index in range(7):
        expect(cells.nth(index)).to_be_in_viewport()
    # Nothing covers the last column: it is what the browser finds at its centre.
    last = cells.nth(6).bounding_box()
    hit = page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).closest('td')?.dataset.proposal",
        [last["x"] + last["width"] / 2, last["y"] + last["height"] / 2],
    )
    assert hit == "NATO membership"


def test_every_proposal_is_reachable_on_a_phone_and_evidence_opens_in_view(
    curator_page, live_server, world, screenshot
):
    page = curator_page
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/matrix/")
    finland = page.locator("table.matrix tr", has_text="Finland")
    cells = finland.locator("td.cell")
    expect(cells).to_have_count(7)
    for index, (_, title) in enumerate(PROPOSAL_KINDS):
        cell = cells.nth(index)
        cell.scroll_into_view_if_needed()
        expect(cell).to_be_in_viewport()
        assert cell.get_attribute("data-proposal") == title
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    cells.nth(6).locator("a").click()
    panel = page.locator("#evidence-panel")
    expect(panel).to_contain_text("supports nato membership")
    expect(panel.locator("h2")).to_be_in_viewport()
    screenshot("pages-matrix-evidence-phone")


def test_the_review_queue_is_styled_and_the_picker_finds_an_actor_typed_in_arabic(
    curator_page, live_server, world, screenshot
):
    ActorAlias.objects.get_or_create(actor=world["Kremlin"], text="الكرملين", language="ar")
    page = curator_page
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/review/")
    first = page.locator(".review-item").first
    # Styled: the decision buttons sit side by side, the item is a card.
    confirm = first.locator("button.confirm").bounding_box()
    reject = first.locator("button.reject").bounding_box()
    assert abs(confirm["y"] - reject["y"]) < 4 and reject["x"] > confirm["x"]
    assert first.evaluate("el => getComputedStyle(el).borderTopStyle") == "solid"
    first.locator("a.edit").click()
    search = first.locator("input[type=search]")
    expect(search).to_be_visible()
    # The edit form arrives by htmx: type only once htmx has bound the search box's trigger,
    # or the input event can come first and be lost.
    page.wait_for_function(
        "el => Boolean(el['htmx-internal-data'] && el['htmx-internal-data'].initHash)",
        arg=search.element_handle(),
    )
    search.fill("الكرملين")
    option = page.locator(".actor-option", has_text="Kremlin")
    expect(option).to_be_visible()
    screenshot("pages-review-picker-laptop")
    option.locator("input").check()
    page.keyboard.press("Escape")
    expect(page.locator(".review-item .edit-form")).to_have_count(0)
    page.set_viewport_size(PHONE)
    screenshot("pages-review-after-cancel-phone")
    assert page.evaluate(OVERFLOW) <= 0


def test_n_new_show_reveals_a_back_dated_position(curator_page, live_server, world, screenshot):
    page = curator_page
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/")
    expect(page.locator("#entries .position").first).to_be_visible()
    archive = make_article(
        title="From the archive",
        published=dt.date(2024, 6, 1),
        text="The Kremlin ruled out a no-fly zone in June 2024.",
    )
    make_position(archive, "Kremlin", "no_fly_zone", "oppose", "ruled out a no-fly zone")
    show = page.locator("a.new-items")
    expect(show).to_contain_text("1 new position — show", timeout=40_000)  # the 20 s poll
    show.click()
    just_added = page.locator(".just-added")
    expect(just_added).to_contain_text("ruled out a no-fly zone")
    expect(just_added.locator(".position.is-new")).to_be_in_viewport()
    screenshot("pages-timeline-just-added-laptop")
    page.set_viewport_size(PHONE)
    screenshot("pages-timeline-just-added-phone")
    assert page.evaluate(OVERFLOW) <= 0
