"""Tokenisation and per-language normalisation shared by aliases, lexicons and article text.

Text is never rewritten: ``tokenize`` returns tokens with offsets into the
original string, and each language's ``Analyzer`` turns a token's surface into
matching keys. Two keys per token: ``actor_key`` (names: light, keeps nouns and
adjectives apart) and ``lex_key`` (lexicon cues: stems or lemmas). Aliases and
lexicon entries go through the very same analyzer, so the keys always agree.
"""

from __future__ import annotations

from tracker.nlp.normalize.arabic import ArabicAnalyzer
from tracker.nlp.normalize.base import (
    QUOTE_OPEN,
    SENTENCE_END,
    SUPPORTED_LANGUAGES,
    TOKEN_RE,
    Analyzer,
    Token,
    fold,
    fold_keep_letters,
    sanitize,
    tokenize,
)
from tracker.nlp.normalize.european import EuropeanAnalyzer
from tracker.nlp.normalize.slavic import SlavicAnalyzer

__all__ = [
    "QUOTE_OPEN",
    "SENTENCE_END",
    "SUPPORTED_LANGUAGES",
    "TOKEN_RE",
    "Analyzer",
    "Token",
    "fold",
    "fold_keep_letters",
    "get_analyzer",
    "sanitize",
    "tokenize",
]


def get_analyzer(language: str, vocabulary: frozenset[str] = frozenset()) -> Analyzer:
    """The analyzer for a language; ``vocabulary`` (Arabic) lists the keys of known entries."""
    if language == "ar":
        return ArabicAnalyzer(vocabulary)
    if language in ("ru", "uk"):
        return SlavicAnalyzer(language)
    if language in ("en", "fr", "de"):
        return EuropeanAnalyzer(language)
    return Analyzer()
