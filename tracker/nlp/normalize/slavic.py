"""Russian and Ukrainian keys: pymorphy3 lemmas, with a suffix-stripping key for proper names.

pymorphy3 is right for common words (готовы → готовый, войска → войско) but
unreliable for names (Песков → песок, Києві → кий, Сибіги unknown). A word that
has a proper-noun reading, or that the dictionary does not know, gets a name
key instead: case ending stripped and front vowels folded, so that
Трамп/Трампа/Трампом, Захарова/Захаровой and Київ/Києва/Києві agree. The
choice depends on the word form only (never on capitalisation), so aliases and
text always get the same key.
"""

from __future__ import annotations

import threading
from functools import lru_cache

import pymorphy3

from tracker.nlp.normalize.base import Analyzer, fold_keep_letters

_PROPER = {"Surn", "Name", "Patr", "Geox", "Orgn", "Trad"}
_SUFFIXES = {
    "ru": sorted(
        [
            "ами",
            "ями",
            "ого",
            "его",
            "ому",
            "ему",
            "ыми",
            "ими",
            "ой",
            "ей",
            "ом",
            "ем",
            "ам",
            "ям",
            "ах",
            "ях",
            "ую",
            "юю",
            "ая",
            "яя",
            "ое",
            "ее",
            "ые",
            "ие",
            "ый",
            "ий",
            "ых",
            "их",
            "ым",
            "им",
            "а",
            "я",
            "у",
            "ю",
            "е",
            "ы",
            "и",
            "о",
            "ь",
            "й",
        ],
        key=len,
        reverse=True,
    ),
    "uk": sorted(
        [
            "ами",
            "ями",
            "ого",
            "ому",
            "ими",
            "ій",
            "ої",
            "ою",
            "ею",
            "єю",
            "ах",
            "ях",
            "ом",
            "ем",
            "єм",
            "ий",
            "им",
            "их",
            "а",
            "я",
            "у",
            "ю",
            "е",
            "є",
            "і",
            "ї",
            "и",
            "о",
            "ь",
            "й",
        ],
        key=len,
        reverse=True,
    ),
}
_FRONT_VOWELS = str.maketrans({c: "и" for c in "еєиіїёэы"})
_local = threading.local()


def _morph(language: str) -> pymorphy3.MorphAnalyzer:
    analyzers = getattr(_local, "analyzers", None)
    if analyzers is None:
        analyzers = _local.analyzers = {}
    if language not in analyzers:
        analyzers[language] = pymorphy3.MorphAnalyzer(lang=language)
    return analyzers[language]


def name_key(language: str, word: str) -> str:
    for suffix in _SUFFIXES[language]:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word.translate(_FRONT_VOWELS)


@lru_cache(maxsize=300_000)
def slavic_key(language: str, word: str) -> str:
    upper = word.isupper()
    word = fold_keep_letters(word).replace("\u2019", "'").replace("\u02bc", "'")
    if language == "ru":
        word = word.replace("ё", "е")
    if not any("\u0400" <= ch <= "\u04ff" for ch in word):
        return word  # Latin names, numbers: as folded
    if upper or len(word) <= 2:
        return word
    parses = _morph(language).parse(word)
    if not parses:
        return name_key(language, word)
    if any(_PROPER & p.tag.grammemes for p in parses[:4]) or not parses[0].is_known:
        return name_key(language, word)
    # Front vowels folded on lemmas too, so a lemma and a name key of the same word agree (Київ / Києві).
    return parses[0].normal_form.translate(_FRONT_VOWELS)


class SlavicAnalyzer(Analyzer):
    def __init__(self, language: str):
        self.language = language

    def actor_key(self, word: str) -> str:
        return slavic_key(self.language, word)

    lex_key = actor_key

    def cases(self, word: str) -> frozenset[str]:
        return _cases(self.language, word)


CASES = frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct", "voct", "gen2", "acc2", "loc2"})


@lru_cache(maxsize=20_000)
def _cases(language: str, word: str) -> frozenset[str]:
    """A proper name stands in the plural only as a plural-only name ("Нидерланды"): a plural
    nominative reading of a singular name ("Франции" as "Frances") is left out."""
    found: set[str] = set()
    for parse in _morph(language).parse(word):
        grammemes = parse.tag.grammemes
        cases = grammemes & CASES
        if "nomn" in cases and "plur" in grammemes and "Pltm" not in grammemes:
            cases = cases - {"nomn"}
        found |= cases | (grammemes & {"Fixd"})
    return frozenset(found)
