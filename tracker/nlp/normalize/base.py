"""Tokens and folding: what every language's analyzer builds on."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from tracker.nlp.vocabulary import LANGUAGES

SUPPORTED_LANGUAGES = tuple(LANGUAGES)

# Letters and digits plus combining marks (Arabic tashkeel, tatweel, Latin and
# Cyrillic accents): Python's \w does not count marks, which would split words.
_MARKS = "\u0300-\u036f\u0483-\u0489\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640"
_LETTER = rf"[\w{_MARKS}]"
APOSTROPHES = "'\u2019\u02bc\u2018`"


def unify_apostrophes(word: str) -> str:
    """Every apostrophe of APOSTROPHES written as the plain one."""
    for ch in APOSTROPHES[1:]:
        word = word.replace(ch, "'")
    return word


TOKEN_RE = re.compile(
    rf"(?P<word>{_LETTER}+(?:[{APOSTROPHES}\-\u2010\u2011]{_LETTER}+)*)"  # words, incl. l'OTAN, п'ятої, IRIS-T
    r"|(?P<para>\n\s*\n)"  # paragraph break
    r"|(?P<nl>\n)"
    r"|(?P<punct>[^\s\w])"  # any other single visible character: punctuation, quotes
)
_TATWEEL = "\u0640"  # Arabic elongation: typography, never identity
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_UNSAFE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # either of them

QUOTE_OPEN = {"«": "»", "\u201c": "\u201d", "\u201e": "\u201c", '"': '"', "\u2039": "\u203a"}
SENTENCE_END = {".", "!", "?", "\u061f", "\u2026"}


@dataclass(slots=True)
class Token:
    """One token of the original text: ``text[start:end] == surface``."""

    start: int
    end: int
    surface: str
    kind: str  # "word", "punct", "para" (blank line), "nl"


def sanitize(text: str) -> str:
    """Same length as ``text`` (offsets stay valid): lone surrogates and control characters become safe."""
    if _UNSAFE.search(text):  # one scan of the text, which is almost always clean
        text = _SURROGATES.sub("\ufffd", text)
        text = _CONTROL.sub(" ", text)
    return text


def tokenize(text: str) -> list[Token]:
    """One regex pass; the named group that matched is the token's kind."""
    return [Token(m.start(), m.end(), m.group(), m.lastgroup) for m in TOKEN_RE.finditer(text)]


def fold(text: str) -> str:
    """The one key words, names and aliases are compared by: casefolded, compatibility forms
    unified (NFKC), diacritics dropped (Latin accents, Cyrillic breves, Arabic tashkeel), Arabic
    tatweel dropped, runs of whitespace made one space. Ukrainian й/ї and Russian й/ё keep only
    their base letter, which is what a lenient match wants (``fold_keep_letters`` keeps them)."""
    if text.isascii():
        return " ".join(text.lower().split())
    text = unicodedata.normalize("NFKC", text).casefold()
    decomposed = unicodedata.normalize("NFD", text).replace(_TATWEEL, "")
    kept = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(unicodedata.normalize("NFC", kept).split())


def fold_keep_letters(text: str) -> str:
    """Casefold without stripping marks that make letters in Cyrillic (й, ї, ё handled by callers)."""
    return unicodedata.normalize("NFKC", text).casefold()


class Analyzer:
    """Language-neutral fallback: folded surface for both keys."""

    language = "xx"

    def actor_key(self, word: str) -> str:
        return fold(word)

    def lex_key(self, word: str) -> str:
        return fold(word)

    def cases(self, word: str) -> frozenset[str]:
        """The grammatical cases the word may stand in ("nomn", "gent", …, and "Fixd" for an
        indeclinable word); empty when the language's analyzer does not tell."""
        return frozenset()

    def is_clitic_prep(self, word: str) -> bool:
        """True when the word carries an attached preposition (Arabic ل/ب/ك): 'لكييف' = 'to Kyiv'."""
        return False
