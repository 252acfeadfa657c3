"""English, French and German keys: elision and possessive splitting, Snowball stems for cues.

Names keep their surface (folded) so that a demonym noun ("Europeans",
"Europäer") stays apart from the adjective ("European", "europäische"); cues are
stemmed so that "deploy/deployed/deploying" or "Bodentruppen/Bodentruppe" agree.
German compounds are matched by lexicon wildcards on the stems ("*trupp").
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

import Stemmer

from tracker.nlp.normalize.base import Analyzer, fold, unify_apostrophes

FR_ELISIONS = ("l", "d", "j", "n", "s", "c", "m", "t", "qu", "lorsqu", "puisqu", "jusqu", "quoiqu")
# German separable particles: in a main clause the finite verb comes second and its particle goes to
# the clause end ("schließt die Entsendung aus" is "ausschließen").
SEPARABLE_PARTICLES = frozenset(
    (
        "ab",
        "an",
        "auf",
        "aus",
        "bei",
        "dar",
        "ein",
        "fest",
        "fort",
        "her",
        "hin",
        "los",
        "mit",
        "nach",
        "vor",
        "weg",
        "weiter",
        "zu",
        "zurück",
        "zusammen",
        "zurecht",
    )
)
# Endings of a finite present or weak past form, longest first: setzt, sagte, sagten, lehnen, weist.
_FINITE_ENDINGS = ("test", "tet", "ten", "te", "st", "en", "et", "t", "e")
_STEMMERS = {"en": "english", "fr": "french", "de": "german"}
_local = threading.local()


def _stemmer(language: str) -> Stemmer.Stemmer:
    stemmers = getattr(_local, "stemmers", None)
    if stemmers is None:
        stemmers = _local.stemmers = {}
    if language not in stemmers:
        stemmers[language] = Stemmer.Stemmer(_STEMMERS[language])
    return stemmers[language]


@lru_cache(maxsize=200_000)
def _stem(language: str, word: str) -> str:
    return fold(_stemmer(language).stemWord(word))


def separable_infinitives(particle: str, verb: str) -> list[str]:
    """The words a split German verb may be listed as: the particle joined to the finite form
    (aus + schloss: "ausschloss") and to each stem it may have, as an infinitive (aus + schließt:
    "ausschließen"; zu + sagte: "zusagen"; zurück + weist: "zurückweisen")."""
    particle, verb = particle.casefold(), verb.casefold()
    forms = [particle + verb]
    for ending in _FINITE_ENDINGS:
        if verb.endswith(ending) and len(verb) - len(ending) >= 2:
            forms.append(particle + verb[: -len(ending)] + "en")
    return forms


class EuropeanAnalyzer(Analyzer):
    def __init__(self, language: str):
        self.language = language

    def split(self, surface: str) -> list[tuple[int, int]]:
        """Split French elisions (l'OTAN → l' + OTAN) and English possessives (Trump's → Trump + 's)."""
        word = unify_apostrophes(surface)
        if "'" not in word:
            return [(0, len(surface))]
        if self.language == "fr":
            head, _, rest = word.partition("'")
            if head.casefold() in FR_ELISIONS and rest:
                cut = len(head) + 1
                return [(0, cut), (cut, len(surface))]
        if self.language == "en":
            low = word.casefold()
            if low.endswith("'s") and len(word) > 2:
                return [(0, len(surface) - 2), (len(surface) - 2, len(surface))]
            if low.endswith("n't"):
                return [(0, len(surface) - 3), (len(surface) - 3, len(surface))]
        return [(0, len(surface))]

    def actor_key(self, word: str) -> str:
        return _actor_key(self.language, word)

    def lex_key(self, word: str) -> str:
        return _lex_key(self.language, word)


# A German adjective declines with its noun (deutsche, deutschen, deutsches; Vereinigte,
# Vereinigten), and so does a participle-like plural noun (Staat, Staaten): a name's words ending in
# an adjective suffix (-isch, -sch, -ig, -lich) or a participle's -t match by what comes before the ending.
GERMAN_ADJECTIVE = re.compile(r"^(.{3,}(?:sch|ig|lich|t))(?:e|en|er|es|em)$")


@lru_cache(maxsize=300_000)
def _actor_key(language: str, word: str) -> str:
    key = fold(unify_apostrophes(word)).strip("'")
    if language == "de":
        adjective = GERMAN_ADJECTIVE.match(key)
        if adjective:  # "die Vereinigten Staaten", "des deutschen Verteidigungsministeriums"
            return adjective.group(1)
        if len(key) >= 5 and key.endswith("s") and not key.endswith("ss"):
            key = key[:-1]  # genitive: des Kremls, Deutschlands
    return key


@lru_cache(maxsize=300_000)
def _lex_key(language: str, word: str) -> str:
    word = unify_apostrophes(word).casefold()
    if word.endswith("'"):
        return word  # French elided article or pronoun: l', n', qu'
    if language == "en" and word in ("'s", "n't"):
        return "not" if word == "n't" else word
    return _stem(language, word)
