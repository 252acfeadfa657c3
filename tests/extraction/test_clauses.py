"""The evidence clause: whole words, balanced brackets and quotes, the matched span always inside."""

import time

import pytest

from tracker.extraction.clauses import LONG, clause, clause_bounds


def around(text: str, matched: str) -> str:
    """The clause around the first occurrence of ``matched`` in a one-sentence ``text``."""
    start = text.index(matched)
    return clause(text, start, start + len(matched), 0, len(text))


def test_arabic_evidence_takes_the_whole_parenthesis_not_a_stray_closing_one():
    text = (
        "وبحسب وكالة رويترز، قال مسؤولون أميركيون إن وزارة الدفاع (البنتاغون) تجري مناورات "
        "لإرسال الأسلحة إلى أوكرانيا."
    )
    shown = around(text, "البنتاغون) تجري مناورات لإرسال الأسلحة")
    assert shown.startswith(("قال مسؤولون", "وبحسب"))
    assert "(البنتاغون)" in shown and shown.count("(") == shown.count(")")
    assert shown.endswith("أوكرانيا.")


def test_english_clause_ends_at_a_semicolon_and_keeps_the_quotation_whole():
    text = (
        "The talks went on; Trump said “we will send air defence” to Kyiv; the rest was left open."
    )
    assert around(text, "we will send air defence”") == (
        "Trump said “we will send air defence” to Kyiv"
    )


def test_french_guillemets_are_balanced():
    text = "Le ministre a déclaré : « la France est prête à envoyer des troupes », selon l'AFP."
    shown = around(text, "prête à envoyer des troupes »")
    assert shown.count("«") == shown.count("»") == 1
    assert "la France est prête à envoyer des troupes" in shown


def test_german_low_high_quotes_are_balanced():
    text = "Merz sagte am Montag „Deutschland schließt Bodentruppen aus“ und ging."
    shown = around(text, "schließt Bodentruppen aus“")
    assert "„Deutschland schließt Bodentruppen aus“" in shown


def test_russian_clause_never_starts_inside_a_word():
    text = "Песков заявил, что Кремль (Москва) отвергает размещение войск НАТО на Украине."
    start = text.index("ремль")  # a span that starts one letter into a word
    lo, hi = clause_bounds(text, start, text.index("войск") + 5, 0, len(text))
    shown = text[lo:hi]
    assert shown.startswith("Песков") or shown.startswith("что Кремль")
    assert "Кремль (Москва) отвергает размещение войск" in shown


def test_ukrainian_long_sentence_is_cut_at_the_commas_around_the_span():
    filler = "з багатьма подробицями про переговори, " * 12
    text = (
        "Як повідомляє агентство, "
        + filler
        + "Зеленський закликав розмістити іноземні війська в Україні, "
        + filler
        + "і це все."
    )
    assert len(text) > LONG
    shown = around(text, "закликав розмістити іноземні війська")
    assert shown == "Зеленський закликав розмістити іноземні війська в Україні"


def test_a_stray_bracket_outside_the_span_is_left_out():
    text = "Note 1) Russia rejected any deployment of troops."
    shown = around(text, "Russia rejected any deployment")
    assert shown == "Russia rejected any deployment of troops."


def test_the_clause_always_contains_the_span_even_when_the_span_holds_a_stray_mark():
    text = "x) Russia rejected troops; later."
    start, end = 0, text.index(";")
    lo, hi = clause_bounds(text, start, end, 0, len(text))
    assert lo <= start and hi >= end


@pytest.mark.parametrize(
    ("text", "matched", "expected"),
    [
        (
            "Paris — qui hésite — envisage des frappes.",
            "envisage des frappes",
            "envisage des frappes.",
        ),
        (
            "Berlin will Luftverteidigung liefern.",
            "Luftverteidigung",
            "Berlin will Luftverteidigung liefern.",
        ),
        ("Київ «вітає» рішення.", "«вітає", "Київ «вітає» рішення."),
    ],
)
def test_dashes_bound_clauses_and_quotes_pair_up(text, matched, expected):
    assert around(text, matched) == expected


def test_a_megabyte_sentence_is_looked_at_only_near_the_span():
    text = "word " * 200_000 + "Russia rejected troops " + "word " * 200_000
    start = text.index("Russia")
    started = time.perf_counter()
    for _ in range(100):
        lo, hi = clause_bounds(text, start, start + 22, 0, len(text))
    elapsed = time.perf_counter() - started
    assert hi - lo <= 2 * 1000 + 22
    assert text[lo:hi].startswith("word") and text[lo:hi].endswith("word")
    assert elapsed < 5, f"100 clauses took {elapsed:.1f}s"
