"""Arabic keys: orthographic normalisation plus clitic stripping checked against known entries.

Orthography: tashkeel and tatweel removed, أ إ آ ٱ → ا, ؤ ئ → ء, ة → ه, ى → ي.
Clitics: proclitics (و ف, ب ل ك, س of the future, ال and their combinations
وال بال فال كال لل وب ول فب ...) and attached pronouns (ه ها هم هما كم نا ...)
are stripped only when what remains is a known entry (an alias or lexicon
word), because many stems begin with these letters (وارسو، واشنطن، بلاد).
The definite article is dropped from every key, so الناتو, والناتو, للناتو
and بالناتو all give ناتو.
"""

from __future__ import annotations

import re

from tracker.nlp.normalize.base import Analyzer

_TASHKEEL = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ORTHO = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ؤ": "ء",
        "ئ": "ء",
        "ة": "ه",
        "ى": "ي",
        "\u06cc": "ي",
        "\u06a9": "ك",
    }
)
# Conjunction, then preposition or future س, in every combination the language allows.
_CONJ = ("", "و", "ف")
_PREP = ("", "ب", "ل", "ك", "س")
PROCLITICS = sorted({c + p for c in _CONJ for p in _PREP} - {""}, key=len, reverse=True)
PREPOSITIONAL = ("ب", "ل", "ك")
PRONOUN_SUFFIXES = sorted(
    ["ه", "ها", "هم", "هن", "هما", "كم", "كن", "كما", "نا", "ني", "ي", "ك"], key=len, reverse=True
)
_MIN_STEM = 2


def orthographic(word: str) -> str:
    return _TASHKEEL.sub("", word).translate(_ORTHO).casefold()


def drop_article(word: str) -> str:
    if word.startswith("ال") and len(word) - 2 >= _MIN_STEM:
        return word[2:]
    if word.startswith("لل") and len(word) - 2 >= _MIN_STEM:  # لل = ل + ال
        return word[2:]
    return word


def citation_key(word: str) -> str:
    """Key of a word as written in an alias or lexicon entry (no clitic guessing)."""
    return drop_article(orthographic(word))


class ArabicAnalyzer(Analyzer):
    language = "ar"

    def __init__(self, vocabulary: frozenset[str]):
        # Entries ending in "*" are prefixes (verb stems: تعهد* covers تعهدت، تعهدات).
        self.vocabulary = frozenset(w for w in vocabulary if not w.endswith("*"))
        self.prefixes = frozenset(w[:-1] for w in vocabulary if w.endswith("*") and len(w) > 2)
        self._cache: dict[str, tuple[str, bool]] = {}

    def _analyse(self, word: str) -> tuple[str, bool]:
        hit = self._cache.get(word)
        if hit is not None:
            return hit
        result = self._compute(word)
        if len(self._cache) < 500_000:
            self._cache[word] = result
        return result

    def _known(self, key: str) -> bool:
        if key in self.vocabulary:
            return True
        prefixes = self.prefixes
        return any(key[:n] in prefixes for n in range(2, len(key) + 1)) if prefixes else False

    def _compute(self, word: str) -> tuple[str, bool]:
        base = orthographic(word)
        plain = drop_article(base)
        if self._known(plain):
            return plain, base.startswith("لل")
        if self._known(base):
            return base, False
        for pre in PROCLITICS:
            if not (base.startswith(pre) and len(base) - len(pre) >= _MIN_STEM):
                continue
            stem = base[len(pre) :]
            prep = pre.endswith(PREPOSITIONAL)
            forms = [stem]
            if pre.endswith("ل") and stem.startswith("ل"):
                forms.append("ا" + stem)  # لل = ل + ال: للكرملين → الكرملين
            for form in forms:
                key = drop_article(form)
                if self._known(key):
                    return key, prep
        for pre in ("", *PROCLITICS):
            if not base.startswith(pre):
                continue
            key = drop_article(base[len(pre) :])
            for suf in PRONOUN_SUFFIXES:
                if key.endswith(suf) and len(key) - len(suf) >= _MIN_STEM + 1:
                    short = key[: -len(suf)]
                    if short in self.vocabulary:
                        return short, pre.endswith(PREPOSITIONAL)
        # Unknown word: strip a conjunction or preposition before the article (والحرب → حرب), nothing riskier.
        for pre in ("وال", "فال", "بال", "كال", "وبال", "ولل", "لل", "ال"):
            if base.startswith(pre) and len(base) - len(pre) >= 3:
                return base[len(pre) :], pre.endswith(("بال", "كال", "لل"))
        return plain, False

    def actor_key(self, word: str) -> str:
        return self._analyse(word)[0]

    lex_key = actor_key

    def is_clitic_prep(self, word: str) -> bool:
        return self._analyse(word)[1]
