"""extract never raises and stays bounded, whatever the input."""

import time

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.nlp.pipeline import extract
from tracker.nlp.resources import default_resources

LANGUAGES = st.sampled_from(["ar", "en", "fr", "de", "ru", "uk", "es", "unknown", None])


@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=400), language=LANGUAGES)
def test_extract_never_raises_on_any_text(text, language):
    result = extract(text, language=language, published=None, resources=default_resources())
    for p in result.positions:
        assert 0 <= p.start <= p.end <= len(text)


@settings(max_examples=30, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from(
            [
                "Trump",
                "ترامب",
                "Трамп",
                "troops",
                "قوات",
                "войска",
                "\x00",
                "\ud800",
                "\u200f",
                "«",
                "»",
                '"',
                "not",
                "لن",
                "не",
                "\n\n",
                "...",
                "NATO",
            ]
        ),
        max_size=80,
    ),
    language=LANGUAGES,
)
def test_extract_handles_mixed_scripts_controls_and_surrogates(parts, language):
    text = " ".join(parts)
    result = extract(text, language=language, published=None, resources=default_resources())
    assert result.language


def test_empty_text_and_unsupported_language():
    resources = default_resources()
    assert extract("", language="en", published=None, resources=resources).positions == []
    spanish = extract(
        "Donald Trump dijo que enviará tropas.", language="es", published=None, resources=resources
    )
    assert spanish.language == "es" and spanish.positions == []
    assert "Donald Trump" in spanish.actors


def test_one_megabyte_article_is_bounded():
    text = (
        "Polish Prime Minister Donald Tusk said Poland would not deploy soldiers to Ukraine. "
        * 12_000
    )[:1_000_000]
    started = time.perf_counter()
    result = extract(text, language="en", published=None, resources=default_resources())
    assert (
        time.perf_counter() - started < 10
    )  # the < 2 s target is measured by manage.py bench_extraction
    assert len(result.positions) < 50


def test_one_megabyte_without_sentence_punctuation_is_bounded():
    # No full stop anywhere: one "sentence" of 200,000 tokens unless it is cut (MAX_SENTENCE_TOKENS).
    words = "Macron said France is ready to send troops and Russia rejected the plan while Kyiv asked for Patriot"
    text = (" ".join(words.split()) + " ") * 10_000
    started = time.perf_counter()
    result = extract(text[:1_000_000], language="en", published=None, resources=default_resources())
    assert (
        time.perf_counter() - started < 60
    )  # linear: about 1.5 s idle; the quadratic version took 190 s
    assert result.positions
