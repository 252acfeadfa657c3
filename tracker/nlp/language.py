"""Language identification restricted to the languages the tracker supports."""

from __future__ import annotations

from functools import lru_cache

from tracker.nlp.normalize import SUPPORTED_LANGUAGES

MIN_CONFIDENCE = 0.5
SAMPLE_CHARS = 2000


@lru_cache(maxsize=1)
def _detector():
    from lingua import Language, LanguageDetectorBuilder

    languages = [
        Language.ARABIC,
        Language.ENGLISH,
        Language.FRENCH,
        Language.GERMAN,
        Language.RUSSIAN,
        Language.UKRAINIAN,
    ]
    return (
        LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()
    )


def detect_language(text: str) -> str:
    """ISO 639-1 code of ``text`` among ar, en, fr, de, ru, uk; 'unknown' when unsure."""
    sample = (text or "")[:SAMPLE_CHARS]
    if sum(ch.isalpha() for ch in sample) < 10:
        return "unknown"
    try:
        values = _detector().compute_language_confidence_values(sample)
    except Exception:
        return "unknown"
    if not values or values[0].value < MIN_CONFIDENCE:
        return "unknown"
    code = values[0].language.iso_code_639_1.name.lower()
    return code if code in SUPPORTED_LANGUAGES else "unknown"
