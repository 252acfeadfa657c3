"""The dashboard in a real Chromium: timeline, filters without reload, Arabic article, matrix, export."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.conftest import make_article, make_position
from tracker.extraction.models import Actor

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
def small_world(transactional_db):
    for name, kind in [
        ("Kremlin", "government_body"),
        ("Donald Trump", "person"),
        ("Russian Foreign Ministry", "government_body"),
    ]:
        Actor.objects.get_or_create(name=name, defaults={"kind": kind})
    early = make_article(
        title="Kremlin rejects air support",
        published=dt.date(2025, 8, 1),
        text="The Kremlin rejected any Western air support for Ukraine.",
    )
    late = make_article(
        title="Kremlin open to air support talks",
        published=dt.date(2025, 8, 19),
        text="The Kremlin said it was considering air support arrangements.",
    )
    patriots = make_article(
        title="Patriots",
        published=dt.date(2025, 9, 1),
        text="Trump said the United States would send Patriot air defense systems.",
    )
    make_position(early, "Kremlin", "air_support", "oppose", "rejected any Western air support")
    make_position(
        late, "Kremlin", "air_support", "considering", "considering air support arrangements"
    )
    make_position(
        patriots, "Donald Trump", "air_defense", "support", "would send Patriot air defense systems"
    )


@pytest.fixture
def seeded(transactional_db):
    """The seed article, ingested and extracted by the real pipeline."""
    from tracker.extraction.extract import extract_article
    from tracker.ingestion.models import Article
    from tracker.ingestion.seeds import load_seeds

    report = load_seeds()
    assert not report.errors
    for article_id in Article.objects.values_list("id", flat=True):
        extract_article(article_id)
    return Article.objects.get(language="ar")


def test_the_seed_positions_are_on_the_timeline(logged_in_page, live_server, seeded, screenshot):
    page = logged_in_page
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/")
    expect(page).to_have_title("Timeline · Tracker")
    entries = page.locator("#entries .position")
    expect(entries.first).to_be_visible()
    assert entries.count() >= 2
    expect(page.locator("#entries .evidence[dir=rtl]").first).to_be_visible()
    expect(page.locator("#entries h2.day-head").first).to_contain_text("2025")
    screenshot("timeline-seed")
    page.set_viewport_size(PHONE)
    screenshot("timeline-seed-phone")
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 1
    )


def test_a_filter_updates_the_list_and_the_url_without_a_reload(
    logged_in_page, live_server, small_world, screenshot
):
    page = logged_in_page
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/")
    expect(page.locator("#entries")).to_contain_text("Patriot")
    page.evaluate("window.__sameDocument = true")
    entries = page.evaluate("history.length")
    page.select_option("select[name=proposal]", "air_support")
    expect(page.locator("#entries")).not_to_contain_text("Patriot")
    expect(page.locator("#entries .position")).to_have_count(2)
    # Only the filter that is set, and the history entry replaced, not one added per change.
    expect(page).to_have_url(f"{live_server.url}/?proposal=air_support")
    assert page.evaluate("history.length") == entries
    assert page.evaluate("window.__sameDocument") is True  # no page load happened
    screenshot("timeline-filtered")
    page.reload()
    expect(page.locator("#entries .position")).to_have_count(2)


def test_the_arabic_article_reads_right_to_left_with_spans_highlighted(
    logged_in_page, live_server, seeded, screenshot
):
    page = logged_in_page
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/articles/{seeded.id}/")
    article = page.locator("article.article")
    expect(article).to_have_attribute("dir", "rtl")
    assert article.evaluate("el => getComputedStyle(el).direction") == "rtl"
    marks = page.locator(".text mark.hl-evidence")
    assert marks.count() >= 1
    marks.first.focus()
    why = marks.first.get_attribute("data-why")
    assert why and "(confidence " in why
    expect(page.locator(".article-side .position").first).to_be_visible()
    screenshot("article-arabic")
    page.set_viewport_size(PHONE)
    screenshot("article-arabic-phone")


def test_a_positions_why_shows_the_models_reasons_in_words(
    logged_in_page, live_server, seeded, screenshot
):
    page = logged_in_page
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/articles/{seeded.id}/")
    first = page.locator(".article-side .position details").first
    first.locator("summary").click()
    reasons = first.locator("ul.why li")
    expect(reasons.first).to_be_visible()
    assert "|" not in reasons.first.inner_text() and "(+" in reasons.first.inner_text()
    screenshot("article-why")
    page.set_viewport_size(PHONE)
    expect(reasons.first).to_be_visible()
    screenshot("article-why-phone")
    first.screenshot(path=str(screenshot("article-why-phone").with_name("article-why-panel.png")))


def test_clicking_a_matrix_cell_shows_its_evidence(
    logged_in_page, live_server, small_world, screenshot
):
    page = logged_in_page
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/matrix/")
    cell = page.locator("td.cell.stance-considering a").first
    expect(cell).to_contain_text("?")
    cell.click()
    panel = page.locator("#evidence-panel")
    expect(panel).to_contain_text("considering air support arrangements")
    expect(panel).to_contain_text("rejected any Western air support")
    expect(page).to_have_url(f"{live_server.url}/matrix/")
    screenshot("matrix-evidence")
    page.set_viewport_size(PHONE)
    screenshot("matrix-phone")
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 1
    )


def test_export_csv_downloads_a_file_with_the_header(
    logged_in_page, live_server, small_world, tmp_path
):
    page = logged_in_page
    page.goto(f"{live_server.url}/?proposal=air_support")
    with page.expect_download() as download_info:
        page.locator(".exports a", has_text="CSV").click()
    download = download_info.value
    assert download.suggested_filename == "positions.csv"
    path = tmp_path / "positions.csv"
    download.save_as(path)
    with path.open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:9] == [
        "id",
        "timeline_date",
        "stated_on",
        "is_past",
        "date_approximate",
        "actor_id",
        "actor",
        "proposal",
        "stance",
    ]
    assert {row[6] for row in rows[1:]} == {"Kremlin"}


def test_other_pages_render_at_both_widths(logged_in_page, live_server, small_world, screenshot):
    page = logged_in_page
    kremlin = Actor.objects.get(name="Kremlin")
    for name, url in [
        ("actor", f"/actors/{kremlin.id}/"),
        ("proposal", "/proposals/air_support/"),
        ("shifts", "/shifts/"),
        ("search", "/search/?q=Kremlin"),
        ("actors", "/actors/"),
    ]:
        page.set_viewport_size(LAPTOP)
        page.goto(f"{live_server.url}{url}")
        expect(page.locator("main h1")).to_be_visible()
        screenshot(name)
        page.set_viewport_size(PHONE)
        screenshot(f"{name}-phone")
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 1, f"{url} scrolls sideways on a phone"
