"""The article page: highlighted spans with their reasons, escaped text, right to left for Arabic."""

import datetime as dt

from tests.conftest import make_article, make_position
from tracker.dashboard import highlight
from tracker.extraction.models import LexiconEntry


def test_evidence_and_actor_spans_are_highlighted_with_why(analyst_client, world):
    article = world["articles"]["early"]
    html = analyst_client.get(f"/articles/{article.id}/").content.decode()
    assert '<mark class="hl hl-evidence stance-oppose"' in html
    assert "rules: stance:oppose:rejected" in html
    assert 'tabindex="0"' in html  # reachable by keyboard, so focus shows the reason too
    assert f'aria-describedby="position-{world["opposed"].id}"' in html
    assert f'id="position-{world["opposed"].id}"' in html
    assert 'class="legend"' in html


def test_lexicon_entries_inside_the_evidence_are_marked(analyst_client, world):
    LexiconEntry.objects.get_or_create(
        language="en", category="oppose", proposal_kind="", text="rejected"
    )
    LexiconEntry.objects.get_or_create(
        language="en", category="proposal", proposal_kind="air_support", text="air support"
    )
    html = analyst_client.get(f"/articles/{world['articles']['early'].id}/").content.decode()
    assert "hl-stance" in html and "Stance cue: oppose (lexicon “rejected”)" in html
    assert "hl-proposal" in html and "Proposal: Air support (lexicon “air support”)" in html


def test_arabic_article_reads_right_to_left(analyst_client, world):
    html = analyst_client.get(f"/articles/{world['articles']['arabic'].id}/").content.decode()
    assert 'class="article" lang="ar" dir="rtl"' in html
    text = html.split('<div class="text">')[1]
    assert 'class="hl hl-evidence' in text and "القاطع لأي انتشار" in text
    # The actor named just before the evidence, in the same sentence, is marked as the actor.
    assert 'class="hl hl-actor" tabindex="0" data-why="Actor: Russian Foreign Ministry' in text


def test_article_text_with_html_and_scripts_is_shown_as_text(analyst_client, catalogue):
    evil = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    article = make_article(
        title='<b onmouseover="alert(1)">Title</b>',
        text=f"Trump said {evil} the US would send air defence. ",
        published=dt.date(2025, 9, 1),
    )
    make_position(
        article,
        "Donald Trump",
        "air_defense",
        "support",
        f"{evil} the US would send air defence",
        rules=['<svg onload="alert(1)">'],
    )
    html = analyst_client.get(f"/articles/{article.id}/").content.decode()
    assert "<script>alert" not in html and "<img src=x" not in html and "<svg onload" not in html
    assert "<b onmouseover" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;svg onload=&quot;alert(1)&quot;&gt;" in html
    for url in (
        "/",
        "/matrix/",
        f"/actors/{catalogue['Donald Trump'].id}/",
        "/search/?q=Trump",
        "/proposals/air_defense/",
    ):
        assert "<script>alert" not in analyst_client.get(url).content.decode()


def test_overlapping_spans_are_cut_into_escaped_segments():
    spans = [
        highlight.Span(0, 9, "evidence", "why <1>", 1, "support"),
        highlight.Span(4, 12, "actor", "a&b", 2),
    ]
    html = str(highlight.render("a<b>c d&e fgh", spans))
    assert html == (
        '<p><mark class="hl hl-evidence stance-support" tabindex="0" data-why="why &lt;1&gt;" '
        'aria-describedby="position-1">a&lt;b&gt;</mark>'
        '<mark class="hl hl-actor hl-evidence stance-support" tabindex="0" data-why="why &lt;1&gt;\na&amp;b" '
        'aria-describedby="position-1 position-2">c d&amp;e</mark>'
        '<mark class="hl hl-actor" tabindex="0" data-why="a&amp;b" aria-describedby="position-2"> fg</mark>h</p>'
    )


def test_article_shows_source_dates_and_missing_page(analyst_client, world):
    html = analyst_client.get(f"/articles/{world['articles']['english'].id}/").content.decode()
    assert "Published</dt><dd>1 Sep 2025" in html and "Extraction</dt>" in html
    assert analyst_client.get("/articles/999999/").status_code == 404


def test_a_megabyte_article_without_punctuation_renders_in_seconds(analyst_client, catalogue):
    """Anyone who may submit text can make one; it once pinned a web worker for minutes."""
    import time

    LexiconEntry.objects.get_or_create(
        language="en", category="support", proposal_kind="", text="would send"
    )
    LexiconEntry.objects.get_or_create(
        language="en", category="proposal", proposal_kind="air_defense", text="air defence"
    )
    unit = "Trump said the US would send air defence "
    text = (unit * (1_000_000 // len(unit) + 1))[:1_000_000]
    article = make_article(title="No full stop", text=text, published=dt.date(2025, 9, 1))
    evidence = "the US would send air defence"
    middle = text.find(evidence, 500_000)
    make_position(
        article,
        "Donald Trump",
        "air_defense",
        "support",
        evidence,
        start=middle,
        end=middle + len(evidence),
    )
    started = time.perf_counter()
    response = analyst_client.get(f"/articles/{article.id}/")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="hl hl-evidence stance-support"' in html and "hl-actor" in html
    assert html.count("<mark") <= highlight.MAX_SPANS
    # Linear work is well under a second here; the quadratic cut took about 12 minutes.
    assert elapsed < 10, f"the article page took {elapsed:.1f}s"


def test_mentions_are_looked_for_near_the_evidence_only_and_capped():
    text = "Trump " * 5000 + "Trump would send air defence " + "Trump " * 5000
    start = text.find("would send")
    spans = [highlight.Span(start, start + 10, "evidence", "why", 1, "support")]
    lo, hi = highlight.sentence_bounds(text, start, start + 10)
    assert start - lo <= highlight.WINDOW_CHARS and hi - (start + 10) <= highlight.WINDOW_CHARS
    spans += [
        highlight.Span(s, e, "actor", "Actor: Trump", 1)
        for s, e in highlight._find_all(text, "Trump", lo, hi)
    ]
    pieces = highlight.segments(text, spans)
    assert "".join(piece.text for piece in pieces) == text
    assert sum(1 for piece in pieces if piece.spans) == len(spans)
