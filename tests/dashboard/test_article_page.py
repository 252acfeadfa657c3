"""The article page: the marks are the extractor's own stored spans, said in words, escaped,
right to left for Arabic, linear in the number of spans."""

import datetime as dt
import html as htmllib
import re
import time

import pytest

from tests.conftest import make_article, make_position
from tracker.dashboard import highlight
from tracker.extraction import extract
from tracker.extraction.models import ExtractionRun, Position
from tracker.ingestion.models import Article

MARK = re.compile(
    r'<mark class="hl ([^"]*)" tabindex="0" data-why="([^"]*)"[^>]*>(.*?)</mark>', re.S
)


def marks(page: str) -> list[tuple[set[str], str, str]]:
    """(classes, reason, text) of every mark in the article text of a page."""
    text = page.split('<div class="text"')[1].split('<div class="why-tip"')[0]
    return [
        (set(classes.split()), htmllib.unescape(why), htmllib.unescape(inner))
        for classes, why, inner in MARK.findall(text)
    ]


def extracted(text: str, language: str, **fields) -> Article:
    """An article run through the real extraction (pipeline and save)."""
    article = make_article(
        text=text,
        language=language,
        state=Article.State.INGESTED,
        published=dt.date(2025, 8, 20),
        **fields,
    )
    run = extract.extract_article(article.id)
    assert run.status == ExtractionRun.Status.DONE, run.error
    article.refresh_from_db()
    return article


RUSSIAN = (
    "Глава МИД Германии заявил, что Германия не исключает отправку миротворцев на Украину. "
    "Министр обороны Великобритании поддержал поставки ПВО Украине."
)
ARABIC = "وأكدت فرنسا استعدادها لإرسال قوات إلى أوكرانيا. ورفضت روسيا نشر قوات الناتو في أوكرانيا."


def test_the_marked_words_are_the_inflected_russian_forms_that_fired(analyst_client):
    article = extracted(RUSSIAN, "ru")
    uk = article.positions.get(actor__name="United Kingdom", proposal__kind="air_defense")
    found = {(kind, article.text[s:e]) for s, e, kind, _name, _rule in uk.spans}
    assert {("actor", "Великобритании"), ("proposal", "ПВО"), ("cue", "поддержал")} <= found
    # The catalogue says "Великобритания": a substring search for it finds nothing here.
    assert "Великобритания" not in article.text

    page = analyst_client.get(f"/articles/{article.id}/").content.decode()
    shown = marks(page)
    actor = [m for m in shown if "hl-actor" in m[0] and m[2] == "Великобритании"]
    assert actor, "the genitive form that fired is marked, whole"
    classes, why, _ = actor[0]
    assert "hl-evidence" in classes  # inside the evidence clause of its position
    assert why.startswith(
        "Actor: United Kingdom (catalogue name “Великобритания”, written “Великобритании” here)"
    )
    assert any(m[2] == "миротворцев" and "hl-proposal" in m[0] for m in shown)
    assert any(m[2] == "поддержал" and "hl-stance" in m[0] for m in shown)
    # Every actor, proposal and cue mark is exactly a stored span of the article.
    stored = {article.text[s:e] for p in article.positions.all() for s, e, *_ in p.spans} | {
        article.text[s:e] for s, e, *_ in article.extraction_runs.get().mentions
    }
    for classes, _why, text in shown:
        if classes & {"hl-actor", "hl-proposal", "hl-stance"}:
            assert text in stored, text


def test_arabic_marks_take_the_clitics_the_substring_search_left_out(analyst_client):
    article = extracted(ARABIC, "ar")
    page = analyst_client.get(f"/articles/{article.id}/").content.decode()
    assert 'class="article" lang="ar" dir="rtl"' in page
    shown = marks(page)
    assert any(text == "ورفضت" and "hl-stance" in classes for classes, _, text in shown)
    assert any(text == "لإرسال قوات" and "hl-proposal" in classes for classes, _, text in shown)
    assert any(text == "روسيا" and "hl-actor" in classes for classes, _, text in shown)


def test_reasons_are_said_in_words_without_rule_identifiers(analyst_client):
    article = extracted(RUSSIAN, "ru")
    shown = marks(analyst_client.get(f"/articles/{article.id}/").content.decode())
    assert shown
    for _classes, why, _text in shown:
        assert not re.search(r"\b(holder|alias|stance|proposal|model|context):[a-z]", why), why
    reasons = "\n".join(why for _, why, _ in shown)
    assert "Who holds it: named as" in reasons or "Kept by the learned model" in reasons


def test_mentions_no_position_uses_are_marked_as_plain_mentions(analyst_client):
    article = extracted(RUSSIAN, "ru")
    shown = marks(analyst_client.get(f"/articles/{article.id}/").content.decode())
    ukraine = [m for m in shown if m[2] in ("Украину", "Украине")]
    assert len(ukraine) == 2
    for classes, why, _text in ukraine:
        assert "hl-mention" in classes and "hl-actor" in classes
        assert why.startswith("Actor: Ukraine (catalogue name “Украина”, written")


def test_re_extraction_replaces_the_spans_and_curated_positions_keep_theirs(analyst_client):
    article = extracted(RUSSIAN, "ru")
    kept = article.positions.get(actor__name="United Kingdom", proposal__kind="air_defense")
    kept.review_status = Position.Review.CONFIRMED
    kept.spans = [[0, 4, "actor", "United Kingdom", "alias:strong:ru:Глав"]]
    kept.save()
    other = article.positions.exclude(id=kept.id).first()
    Position.objects.filter(id=other.id).update(spans=[])
    Article.objects.filter(id=article.id).update(state=Article.State.INGESTED)
    extract.extract_article(article.id)

    kept.refresh_from_db()
    assert kept.spans == [[0, 4, "actor", "United Kingdom", "alias:strong:ru:Глав"]]
    assert article.positions.get(id=other.id).spans, "the machine's position got its spans again"
    runs = list(article.extraction_runs.order_by("-started_at"))
    assert len(runs) == 2 and runs[0].mentions and runs[1].mentions is None


def test_an_article_extracted_before_spans_were_kept_says_so_and_marks_only_evidence(
    analyst_client, world
):
    article = world["articles"]["early"]
    ExtractionRun.objects.create(
        article=article, status=ExtractionRun.Status.DONE, extractor_version="2025.9"
    )
    page = analyst_client.get(f"/articles/{article.id}/").content.decode()
    assert "extracted before the tracker kept what it matched" in page
    shown = marks(page)
    assert [text for _, _, text in shown] == ["rejected any Western air support"]
    assert shown[0][0] == {"hl-evidence", "stance-oppose"}
    assert shown[0][1].startswith("Kremlin opposes air support (confidence 0.50)")


def test_the_evidence_mark_links_its_position_in_the_side_panel(analyst_client, world):
    article = world["articles"]["early"]
    page = analyst_client.get(f"/articles/{article.id}/").content.decode()
    assert '<mark class="hl hl-evidence stance-oppose"' in page
    assert f'aria-describedby="position-{world["opposed"].id}"' in page
    assert f'id="position-{world["opposed"].id}"' in page
    assert 'class="legend"' in page and 'role="tooltip"' in page


def test_the_why_panel_says_the_rules_in_words(analyst_client, world):
    page = analyst_client.get(f"/articles/{world['articles']['early'].id}/").content.decode()
    assert "a stance cue of opposition “rejected”" in page


def test_hostile_article_text_and_stored_spans_are_escaped(analyst_client, catalogue):
    evil = '<script>alert("x")</script>"><img src=x onerror=alert(1)>'
    article = extracted(
        f'Trump said {evil} the United States would send air defence to Ukraine. "Trump<b>" ',
        "en",
        title='<b onmouseover="alert(1)">Title</b>',
    )
    position = article.positions.first()
    assert position is not None and position.spans
    Position.objects.filter(id=position.id).update(
        spans=[
            *position.spans,
            [
                0,
                5,
                "actor",
                '"><script>alert(2)</script>',
                'alias:strong:en:"><svg onload=alert(3)>',
            ],
        ],
        rules=['<svg onload="alert(1)">'],
    )
    page = analyst_client.get(f"/articles/{article.id}/").content.decode()
    for raw in ("<script>alert", "<img src=x", "<svg onload", "<b onmouseover", "<b>"):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert any("hl-actor" in classes for classes, _, _ in marks(page))


def test_stored_spans_that_do_not_fit_the_text_are_ignored(analyst_client, world):
    position = world["opposed"]
    Position.objects.filter(id=position.id).update(
        spans=[
            [-1, 3, "actor", "Kremlin", "x"],
            [4, 10_000, "actor", "Kremlin", "x"],
            [9, 4, "actor", "Kremlin", "x"],
            ["4", "11", "actor", "Kremlin", "x"],
            [4, 11, "banner", "Kremlin", "x"],
            "garbage",
            [4, 11, "actor", "Kremlin", "alias:strong:en:Kremlin"],
        ]
    )
    page = analyst_client.get(f"/articles/{position.article_id}/").content.decode()
    assert [text for classes, _, text in marks(page) if "hl-actor" in classes] == ["Kremlin"]


def test_overlapping_spans_are_cut_into_escaped_segments():
    spans = [
        highlight.Span(0, 9, "evidence", "why <1>", 1, "support"),
        highlight.Span(4, 12, "actor", "a&b", 2),
    ]
    html = str(highlight.render("a<b>c d&e fgh", spans))
    assert html == (
        '<p><mark class="hl hl-evidence stance-support" tabindex="0" data-why="why &lt;1&gt;" '
        'aria-describedby="position-1">a&lt;b&gt;</mark>'
        '<mark class="hl hl-actor hl-evidence stance-support" tabindex="0" data-why="a&amp;b\nwhy &lt;1&gt;" '
        'aria-describedby="position-1 position-2">c d&amp;e</mark>'
        '<mark class="hl hl-actor" tabindex="0" data-why="a&amp;b" aria-describedby="position-2"> fg</mark>h</p>'
    )


def test_nested_spans_keep_the_inner_mark_exact():
    text = "Russia rejected troops."
    spans = [
        highlight.Span(0, 22, "evidence", "e", 1, "oppose"),
        highlight.Span(0, 6, "actor", "a", 1),
        highlight.Span(7, 15, "cue", "c", 1, "oppose"),
        highlight.Span(7, 15, "cue", "c", 2, "oppose"),  # the same cue used by two positions
    ]
    pieces = highlight.segments(text, spans)
    assert [p.text for p in pieces] == ["Russia", " ", "rejected", " troops", "."]
    assert [len(p.spans) for p in pieces] == [2, 1, 3, 1, 0]


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        (
            "holder:verb-first-subject:Трамп",
            "who holds it: named as the subject right after the verb that opens the clause",
        ),
        ("holder:clause-subject:Russia", "who holds it: named as the subject of the clause"),
        (
            "holder:passive-agent:France",
            "who holds it: named as the agent of a passive (proposed by …)",
        ),
        ("anaphora:last-group", "who holds it: the actors last named together"),
        (
            "anaphora:last-person",
            "who holds it: the person named before (earlier in the sentence, else first in the "
            "one before)",
        ),
        (
            "holder:clause-first-actor:Spain",
            "who holds it: named first in the clause, as its subject",
        ),
        (
            "holder:apposition",
            "who holds it: named before the words describing them, as the subject of the verb",
        ),
        ("stance:oppose:ar:رفض", "a stance cue of opposition “رفض”"),
        ("negation:en:no", "a negation, which turns the stance around “no”"),
        ("proposal:ground_troops:de:Bodentruppen", "proposal phrase “Bodentruppen”"),
        ("context:prev", "the actor is named in the sentence before"),
        ("context:holder", "the actor holds it through a pronoun or as the speaker of a quotation"),
        ("model:2026.1-logreg", "kept by the learned model (version 2026.1-logreg)"),
        ("date:weekday:ru:вторник", "dated by a weekday before publication “вторник”"),
        (
            "holder:comitative",
            "who holds it: acting together with the subject (together with …)",
        ),
        (
            "holder:relative:France",
            "who holds it: named right before the relative clause they are the subject of (…, who …)",
        ),
        (
            "title:fr:le président français",
            "the title “le président français” they bore earlier in the article",
        ),
    ],
)
def test_rules_in_words(rule, words):
    assert highlight.rule_in_words(rule) == words


def test_rendering_is_linear_in_the_number_of_spans():
    """20,000 spans render in a few seconds even on a busy machine; a cut quadratic in the spans
    (the one this page once had took 12 minutes on a megabyte) would take many minutes."""
    unit = "Trump would send air defence. "
    count = 4_000
    text = unit * count
    spans = []
    for k in range(count):
        base = k * len(unit)
        spans += [
            highlight.Span(base, base + len(unit) - 1, "evidence", "e", k, "support"),
            highlight.Span(base, base + 5, "actor", "a", k),
            highlight.Span(base + 6, base + 16, "cue", "c", k, "support"),
            highlight.Span(base + 17, base + 28, "proposal", "p", k),
            highlight.Span(base + 17, base + 28, "proposal", "p", None),
        ]
    started = time.perf_counter()
    html = str(highlight.render(text, spans))
    elapsed = time.perf_counter() - started
    assert html.count("<mark") == 6 * count  # per sentence: evidence alone twice, with each mention
    assert elapsed < 30, f"rendering {len(spans)} spans took {elapsed:.1f}s"


def test_article_shows_source_dates_and_missing_page(analyst_client, world):
    html = analyst_client.get(f"/articles/{world['articles']['english'].id}/").content.decode()
    assert "Published</dt><dd>1 Sep 2025" in html and "Extraction</dt>" in html
    assert analyst_client.get("/articles/999999/").status_code == 404


def test_a_megabyte_article_without_punctuation_renders_in_seconds(analyst_client, catalogue):
    """Anyone who may submit text can make one; its marks are capped and cut in one sweep."""
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
        spans=[[middle - 11, middle - 6, "actor", "Donald Trump", "alias:strong:en:Trump"]],
    )
    mentions = [
        [k, k + 5, "actor", "Donald Trump", "alias:strong:en:Trump"]
        for k in range(0, len(text), len(unit))
    ]
    ExtractionRun.objects.create(
        article=article, status=ExtractionRun.Status.DONE, mentions=mentions
    )
    started = time.perf_counter()
    response = analyst_client.get(f"/articles/{article.id}/")
    elapsed = time.perf_counter() - started
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="hl hl-evidence stance-support"' in html and "hl-actor" in html
    assert html.count("<mark") <= highlight.MAX_SPANS + 10
    # The evidence, its actor (also one of the article's mentions) and the other mentions.
    left_out = 1 + len(mentions) - highlight.MAX_SPANS
    assert f"{left_out} more mentions found in this article are not marked" in html
    assert elapsed < 10, f"the article page took {elapsed:.1f}s"
