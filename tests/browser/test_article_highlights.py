"""The seed's article page in Chromium: the marks are the stored spans, and a mark's reason shows
in words, inside the text column, at laptop and phone width."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 900}


@pytest.fixture
def seed_article(transactional_db):
    """The seed article, ingested and extracted by the real pipeline."""
    from tracker.extraction.extract import extract_article
    from tracker.ingestion.models import Article
    from tracker.ingestion.seeds import load_seeds

    assert not load_seeds().errors
    article = Article.objects.get(language="ar")
    extract_article(article.id)
    article.refresh_from_db()
    return article


def stored_texts(article) -> set[str]:
    texts = {article.text[s:e] for p in article.positions.all() for s, e, *_ in p.spans}
    run = article.extraction_runs.filter(status="done").first()
    return texts | {article.text[s:e] for s, e, *_ in run.mentions}


def box(locator) -> dict:
    found = locator.bounding_box()
    assert found is not None
    return found


def hover_and_check_the_reason(page, mark) -> str:
    mark.scroll_into_view_if_needed()
    mark.hover()
    tip = page.locator("#why-tip")
    expect(tip).to_be_visible()
    column, shown = box(page.locator(".article .text")), box(tip)
    assert shown["x"] >= column["x"] - 1, "the reason starts outside the text column"
    assert shown["x"] + shown["width"] <= column["x"] + column["width"] + 1, (
        "the reason runs out of the text column"
    )
    side = box(page.locator(".article-side"))
    overlaps = not (
        shown["x"] + shown["width"] <= side["x"]
        or side["x"] + side["width"] <= shown["x"]
        or shown["y"] + shown["height"] <= side["y"]
        or side["y"] + side["height"] <= shown["y"]
    )
    assert not overlaps, "the reason covers the side panel"
    return tip.inner_text()


def test_the_marks_are_the_stored_spans_and_their_reasons_stay_in_the_text_column(
    logged_in_page, live_server, seed_article, screenshot
):
    page = logged_in_page
    page.set_viewport_size(LAPTOP)
    page.goto(f"{live_server.url}/articles/{seed_article.id}/")
    expect(page.locator("article.article")).to_have_attribute("dir", "rtl")
    stored = stored_texts(seed_article)
    found = page.locator(".text mark.hl-actor, .text mark.hl-proposal, .text mark.hl-stance")
    assert found.count() >= 10
    # Where two mentions overlap a mark holds a piece of one: it is always inside a stored span.
    for text in found.all_inner_texts():
        assert any(text.strip() in whole for whole in stored), (
            f"“{text}” is marked but the extractor did not match it"
        )
    assert stored & set(found.all_inner_texts())

    # The leftmost mark of a right-to-left text is where the old box ran over the side panel.
    actors = page.locator(".text mark.hl-actor")
    lefts = [box(actors.nth(i))["x"] for i in range(min(actors.count(), 40))]
    leftmost = actors.nth(lefts.index(min(lefts)))
    words = hover_and_check_the_reason(page, leftmost)
    assert words.startswith("Actor: ") and "holder:" not in words and "alias:" not in words
    screenshot("article-highlight-reason")
    rightmost = actors.nth(lefts.index(max(lefts)))
    hover_and_check_the_reason(page, rightmost)

    cue = page.locator(".text mark.hl-stance.hl-evidence").first
    words = hover_and_check_the_reason(page, cue)
    assert "Stance: " in words and "stance:" not in words

    page.set_viewport_size(PHONE)
    page.mouse.move(0, 0)
    expect(page.locator("#why-tip")).to_be_hidden()
    page.locator(".text mark.hl-evidence").first.focus()
    expect(page.locator("#why-tip")).to_be_visible()
    column, shown = box(page.locator(".article .text")), box(page.locator("#why-tip"))
    assert (
        column["x"] - 1 <= shown["x"]
        and shown["x"] + shown["width"] <= column["x"] + column["width"] + 1
    )
    assert (
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        <= 1
    )
    full = screenshot("article-highlight-reason-phone")
    page.screenshot(path=str(full.with_name("article-highlight-reason-phone-view.png")))
    page.keyboard.press("Escape")
    expect(page.locator("#why-tip")).to_be_hidden()
