"""Compiled matchers for the pure pipeline: actor aliases and lexicons per language.

The contract between the data files, the database and the engine is two record
types, both plain dataclasses:

``ActorRecord(name, kind, parent, aliases, country=None)``
    ``name`` is the canonical English name (unique); ``kind`` one of state,
    government_body, international_org, alliance, person, party, armed_force,
    group; ``parent`` the canonical name of the parent actor or None (a
    minister's ministry, a ministry's state); ``aliases`` a list of
    ``(text, language, strength)`` with language an ISO code or "" (every
    language) and strength "strong" or "weak" (weak aliases count only after
    the same actor was matched by a strong alias earlier in the article);
    ``country`` an optional ISO 3166 code used when no parent leads to a state.

``LexiconRecord(language, category, proposal_kind, text, weight)``
    ``category`` is one of ``vocabulary.LEXICON_CATEGORIES``; ``proposal_kind`` is set for
    ``proposal``, ``proposal_cue`` and ``anchor``; ``weight`` in 0..1 (0 turns
    an entry off while still letting it win a longest match, e.g. the negation
    "not only"). In ``text`` a leading or trailing ``*`` makes the first or last
    word match as a word suffix or prefix (German compounds "*trupp", Arabic
    verb stems "تعهد*"). A word written ``=word`` matches that form only, not the other words
    its stem or lemma key stands for (``=bereit`` is "ready", not "bereits" "already"; ``=hätte``
    is not "hatte"): compared casefolded with its accents, as the text spells it. ``==word``
    also keeps the word's case (a capital allowed on its first letter): ``==us`` is the pronoun,
    not "US". The marks go on whole words, not on a wildcard's side. ``LEXICON_TEXT_HELP`` says
    the same for curators editing entries.

Lexicon files (``data/lexicons/*.yaml``) hold one language each::

    language: en
    support:                  # category: list of entries
      - ready to
      - send | 0.5            # "text | weight"
      - =including            # this form only: not "include"
    proposal:                 # proposal categories: kind -> list of entries
      ground_troops: [troops, peacekeepers]

Actor files (``data/actors/*.yaml``) are lists of
``{name, kind, parent, country, aliases: {lang: [...]}, weak: {lang: [...]}}``.
"""

from __future__ import annotations

import bisect
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import accumulate, compress, repeat
from operator import add, attrgetter
from pathlib import Path
from typing import NamedTuple

import ahocorasick
import yaml

from tracker.nlp.normalize import (
    SUPPORTED_LANGUAGES,
    Analyzer,
    Token,
    fold,
    fold_keep_letters,
    get_analyzer,
    tokenize,
)
from tracker.nlp.normalize.arabic import PROCLITICS, citation_key, drop_article
from tracker.nlp.normalize.base import APOSTROPHES, unify_apostrophes
from tracker.nlp.normalize.european import FR_ELISIONS
from tracker.nlp.vocabulary import LEXICON_CATEGORIES

DEFAULT_DATA_DIR = Path(__file__).resolve().parent / "data"

EXACT_MARK = "="  # before a word: this form only; doubled: this form in this case
LEXICON_TEXT_HELP = (
    "Words match by their stem, so one form covers its inflections (a trailing * lets a word "
    "begin a longer one, a leading * end one). Write =word to match that form only, not its stem siblings "
    '(=bereit is not "bereits"), accents as the text spells them; ==word also keeps its case, '
    'a capital first letter allowed (==us is not "US"). "text | 0.6" in the data files sets '
    "the weight."
)

CATEGORIES = tuple(LEXICON_CATEGORIES)
GROUP_PROPOSAL = frozenset({"proposal", "proposal_cue", "anchor"})


class RoleRecord(NamedTuple):
    office: str
    start: date | None = None
    end: date | None = None
    speaks_for: str | None = None  # the state or body the holder speaks for, when not implied


@dataclass(frozen=True)
class ActorRecord:
    name: str
    kind: str
    parent: str | None
    aliases: Sequence[tuple[str, str, str]] = ()
    country: str | None = None
    roles: Sequence[RoleRecord] = ()


@dataclass(frozen=True)
class LexiconRecord:
    language: str
    category: str
    proposal_kind: str | None
    text: str
    weight: float = 1.0


@dataclass(frozen=True)
class ActorInfo:
    name: str
    kind: str
    parent: str | None
    country: str | None


class Exact(NamedTuple):
    """What one word of an entry marked ``=`` or ``==`` requires of the text's word."""

    form: str  # ``exact_form`` of the word
    shape: str | None  # its letters when their case must be kept too (``==``), else None


def exact_form(word: str, language: str) -> str:
    """The form an ``=`` word is compared by: casefolded with its accents (hätte is not hatte),
    apostrophes unified; Arabic drops its optional marks (tashkeel) as ``fold`` does."""
    word = unify_apostrophes(word)
    return fold(word) if language == "ar" else unicodedata.normalize("NFC", fold_keep_letters(word))


# A slotted dataclass, not a named tuple: every scan of the pipeline reads hits' fields, and the
# interpreter reads a slot much faster than a named tuple's field, which it does not specialize.
# Still hashable as the tuple of its fields; nothing changes a hit once built.
@dataclass(slots=True, unsafe_hash=True)
class Hit:
    """A phrase found in a token stream: tokens [start, end) of the article's token list."""

    start: int
    end: int
    payload: tuple


class PhraseMatcher:
    """Aho-Corasick over a stream of space-separated token keys, with word-boundary checks.

    Each pattern is the keys joined by single spaces, padded with a space on
    each side unless that side is a wildcard; the stream is padded the same way,
    so a hit can only start and end on token boundaries (or inside a token on a
    wildcard side). Overlaps are resolved by the caller (longest first).

    Each pattern stores (its length, the number of keys it spans when padded on
    both sides, else None, its payloads).

    A matcher without wildcards also keeps its patterns as a trie of whole keys, read from the
    last key back (``_by_last``): ``find_keys`` walks it over the token keys themselves, which
    finds the same hits as the automaton without building the stream text or visiting the
    automaton's nodes character by character.
    """

    def __init__(self) -> None:
        self._automaton = ahocorasick.Automaton()
        self._count = 0
        self._finalized = False
        # Last key → [the trie of the keys before it, the payloads of the pattern that starts
        # here, or None]; the payload lists are the automaton's own.
        self._by_last: dict[str, list] = {}
        self._wildcards = False

    def add(
        self,
        keys: Sequence[str],
        payload: tuple,
        *,
        prefix_wild: bool = False,
        suffix_wild: bool = False,
    ) -> None:
        keys = [k for k in keys if k]
        if not keys:
            return
        pattern = ("" if prefix_wild else " ") + " ".join(keys) + ("" if suffix_wild else " ")
        if self._automaton.exists(pattern):
            _, _, payloads = self._automaton.get(pattern)
            if payload not in payloads:
                payloads.append(payload)
        else:
            spanned = None if prefix_wild or suffix_wild else pattern.count(" ") - 1
            payloads = [payload]
            self._automaton.add_word(pattern, (len(pattern), spanned, payloads))
            if spanned is not None:
                self._add_to_trie(pattern[1:-1].split(" "), payloads)
        if prefix_wild or suffix_wild:
            self._wildcards = True
        self._count += 1

    def _add_to_trie(self, pieces: list[str], payloads: list) -> None:
        """A whole-key pattern, by the keys a stream would hold: its text between single spaces."""
        earlier = self._by_last
        node = None
        for piece in reversed(pieces):
            piece = sys.intern(piece)  # as the token keys are (see Document.build)
            node = earlier.get(piece)
            if node is None:
                node = earlier[piece] = [{}, None]
            earlier = node[0]
        node[1] = payloads

    def entries(self, keys: str) -> list[tuple]:
        """The payloads of the entries spelled exactly ``keys`` (space-separated, no wildcard)."""
        if not self._count:
            return []
        found = self._automaton.get(" " + keys + " ", None)
        return found[2] if found else []

    def finalize(self) -> None:
        if self._count:
            self._automaton.make_automaton()
        self._finalized = True

    def find_keys(self, index: list[int], keys: list[str]) -> list[Hit]:
        """``find(Stream.from_keys(index, keys))``: the same hits in the same order. Without
        wildcards it walks the trie of whole keys; with them it falls back to the automaton."""
        if self._wildcards or not self._count or not keys:
            return self.find(Stream.from_keys(index, keys))
        if "" in keys or " ".join(keys).count(" ") != len(keys) - 1:
            keys = Stream.build(zip(index, keys, strict=True)).keys  # as the stream spells them
        hits = []
        # The trie node each key ends, None for most: looked up in C, and only the keys that end
        # a pattern are walked.
        nodes = list(map(self._by_last.get, keys))
        for j in compress(range(len(keys)), nodes):
            node = nodes[j]
            # The patterns ending with key j, walked back shortest first; the automaton reports
            # the hits of one end longest first, so they are taken in reverse.
            ending = []
            i = j
            while True:
                earlier, payloads = node
                if payloads is not None:
                    ending.append((index[i], payloads))
                i -= 1
                if i < 0 or not earlier:
                    break
                node = earlier.get(keys[i])
                if node is None:
                    break
            b = index[j] + 1
            for a, payloads in reversed(ending):
                for payload in payloads:
                    hits.append(Hit(a, b, payload))
        return hits

    def find(self, stream: Stream) -> list[Hit]:
        if not self._count or not stream.keys:
            return []
        hits = []
        positions, index, text = stream.positions, stream.index, stream.text
        bisect_right = bisect.bisect_right
        append = hits.append
        for end_char, (length, spanned, payloads) in self._automaton.iter(text):
            start_char = end_char - length + 1
            if spanned is not None:  # whole keys, from the one after the leading space
                first = bisect_right(positions, start_char)
                last = first + spanned - 1
            else:
                if text[start_char] == " ":
                    first = bisect_right(positions, start_char)
                else:
                    first = bisect_right(positions, start_char) - 1
                last = bisect_right(positions, end_char - (text[end_char] == " ")) - 1
                if first < 0 or last < first:
                    continue
            a, b = index[first], index[last] + 1
            for payload in payloads:
                append(Hit(a, b, payload))
        return hits


@dataclass
class Stream:
    """Token keys joined by spaces; ``index[k]`` is the article token of the k-th key."""

    text: str
    positions: list[int]
    index: list[int]
    keys: list[str]

    @classmethod
    def build(cls, keys_by_token: Iterable[tuple[int, str]]) -> Stream:
        parts = [" "]
        positions = []
        index = []
        keys = []
        pos = 1
        for token_index, key in keys_by_token:
            key = key.replace(" ", "_") or "_"
            positions.append(pos)
            index.append(token_index)
            keys.append(key)
            parts.append(key)
            parts.append(" ")
            pos += len(key) + 1
        return cls("".join(parts), positions, index, keys)

    @classmethod
    def from_keys(cls, index: list[int], keys: list[str]) -> Stream:
        """Same as ``build`` for parallel lists, joined in C; falls back when a key is empty or has a space."""
        if not keys:
            return cls(" ", [], [], [])
        body = " ".join(keys)
        if "" in keys or body.count(" ") != len(keys) - 1:
            return cls.build(zip(index, keys, strict=True))
        # Each key starts one space after the previous one ends: 1 + the lengths before it, plus one each.
        positions = list(accumulate(map(add, map(len, keys[:-1]), repeat(1)), initial=1))
        return cls(" " + body + " ", positions, index, keys)


def resolve_overlaps(hits: list[Hit]) -> list[Hit]:
    """Longest match wins (in tokens); overlapping shorter hits are dropped. Linear in the hits' lengths.

    Hits of several tokens are settled first, longest first; a one-token hit (most of them) is then
    kept unless one of those covers its token. Several entries for the same span (one word in two
    categories) are all kept. The result is in text order.
    """
    longer = sorted(
        [h for h in hits if h.end - h.start != 1], key=lambda h: (h.start - h.end, h.start)
    )
    owner: dict[int, tuple[int, int]] = {}
    get = owner.get
    kept = []
    for hit in longer:
        start, end = hit.start, hit.end
        span = (start, end)
        for k in range(start, end):
            if get(k, span) != span:
                break  # a longer (or earlier) hit holds this token
        else:
            for k in range(start, end):
                owner[k] = span
            kept.append(hit)
    kept += [h for h in hits if h.end - h.start == 1 and h.start not in owner]
    kept.sort(key=attrgetter("start"))
    return kept


@dataclass
class LanguagePack:
    language: str
    analyzer: Analyzer
    actors: PhraseMatcher
    # payloads (category, proposal kind, entry text, weight, the ``Exact`` of each key or None)
    lexicon: PhraseMatcher
    fillers: frozenset[str]
    split_words: bool  # the analyzer splits elisions and possessives
    # Texts of the oppose entries that, negated, mean considering (see ``_exclusions``).
    exclusions: frozenset[str] = frozenset()
    # Word form → its pieces and keys (filled by Document.build; keys depend on the form only).
    token_cache: dict[str, tuple] = field(default_factory=dict, repr=False, compare=False)


def _entry_tokens(analyzer: Analyzer, text: str) -> list[tuple[Token, int]]:
    """The entry's tokens, each with the number of ``=`` marks written before it (0, 1 or 2).

    An elided word ("n'", "qu'", the "d'" of "en faveur d'") is kept as one word with its
    apostrophe: in text the elision is split off the next word as one token ("qu'il" is "qu'" +
    "il"), but alone in an entry the tokenizer parts the letters from the apostrophe."""
    out: list[tuple[Token, int]] = []
    marks, mark_end = 0, -1
    for token in tokenize(text):
        if token.kind in ("para", "nl"):
            continue
        if token.kind == "punct" and token.surface == EXACT_MARK and mark_end in (-1, token.start):
            marks, mark_end = marks + 1, token.end
            continue
        if marks and not (token.kind == "word" and token.start == mark_end):
            marks = 0  # a mark before no word marks nothing
        previous = out[-1][0] if out else None
        if (
            analyzer.language == "fr"
            and token.kind == "punct"
            and token.surface in APOSTROPHES
            and previous is not None
            and previous.kind == "word"
            and previous.end == token.start
            and previous.surface.casefold() in FR_ELISIONS
        ):
            out[-1] = (
                Token(previous.start, token.end, previous.surface + token.surface, "word"),
                out[-1][1],
            )
            continue
        out.append((token, min(marks, 2)))
        marks, mark_end = 0, -1
    return out


def _word_keys(analyzer: Analyzer, text: str, key: str) -> list[str]:
    return _entry_keys(analyzer, text, key)[0]


def _entry_keys(analyzer: Analyzer, text: str, key: str) -> tuple[list[str], list[Exact | None]]:
    """The entry's keys, and for each what the text's word must be when it is marked ``=``."""
    keys: list[str] = []
    exact: list[Exact | None] = []
    for token, marks in _entry_tokens(analyzer, text):
        if token.kind == "punct":
            keys.append(token.surface)
            exact.append(None)
            continue
        pieces = (
            analyzer.split(token.surface)
            if hasattr(analyzer, "split")
            else [(0, len(token.surface))]
        )
        for a, b in pieces:
            piece = token.surface[a:b]
            exact.append(
                Exact(
                    exact_form(piece, analyzer.language),
                    "".join(ch for ch in piece if ch.isalpha()) if marks == 2 else None,
                )
                if marks
                else None
            )
            if analyzer.language == "ar":
                key_ = citation_key(piece)
                keys.append(
                    key_
                    if key_ in analyzer.vocabulary or not hasattr(analyzer, "vocabulary")
                    else analyzer.actor_key(piece)
                )
            else:
                keys.append(
                    analyzer.actor_key(piece) if key == "actor" else analyzer.lex_key(piece)
                )
    return keys, exact


def _exclusions(entries: list[tuple[LexiconRecord, list[str]]]) -> frozenset[str]:
    """The oppose entries of exclusion, read off the lexicon: those whose negation it lists as a
    considering cue ("did not rule out" makes "rule out" one, "nicht ausgeschlossen"
    "ausgeschlossen", "не исключил" "исключил", "لم يستبعد" "يستبعد"). Ruling a step out is
    opposition, but not ruling it out keeps it on the table: negated in any other word order
    ("schließt … nicht aus", "ne devait pas « être exclu »") these read as considering too, where
    other oppose cues flip to support ("lehnt … nicht ab")."""
    negations = {
        keys[0]
        for record, keys in entries
        if record.category == "negation" and record.weight > 0 and len(keys) == 1
    }
    oppose: dict[str, list[str]] = {}
    for record, keys in entries:
        if record.category == "oppose" and record.weight > 0:
            oppose.setdefault(" ".join(keys), []).append(record.text)
    found: set[str] = set()
    for record, keys in entries:
        if record.category != "considering" or record.weight <= 0 or negations.isdisjoint(keys):
            continue
        rest = [k for k in keys if k not in negations]
        for i in range(len(rest)):
            for j in range(i + 1, len(rest) + 1):
                found.update(oppose.get(" ".join(rest[i:j]), ()))
    return frozenset(found)


def _pattern_keys(
    analyzer: Analyzer, text: str, key: str
) -> tuple[list[str], bool, bool, tuple[Exact | None, ...] | None]:
    """The keys of a lexicon entry, its wildcard sides, and what its ``=`` words require of the
    text, one per key (None when no word is marked: the entry matches by keys alone)."""
    text = text.strip()
    if text.lstrip(EXACT_MARK).startswith("*"):
        text = text.lstrip(EXACT_MARK)  # a word fragment has no form of its own
    prefix_wild = text.startswith("*")
    suffix_wild = text.endswith("*")
    text = text.strip("*").strip()
    keys, exact = _entry_keys(analyzer, text, key)
    if (prefix_wild or suffix_wild) and analyzer.language in ("ru", "uk"):
        # A word fragment has no lemma: fold it instead.
        words = text.split()
        if prefix_wild:
            keys[0] = words[0].casefold()
        if suffix_wild:
            keys[-1] = words[-1].casefold()
    if exact and suffix_wild:
        exact[-1] = None
    kept = [e for k, e in zip(keys, exact, strict=True) if k]  # the matcher drops empty keys
    return keys, prefix_wild, suffix_wild, tuple(kept) if any(kept) else None


NOT_ACTOR = "not_actor"  # strength slot of a blocking entry in the actor matcher
CASE_SHAPE_MAX_LETTERS = 4


def case_shape(alias: str) -> str | None:
    """The letters of a short alias whose capitals must be capitals in the text too, else None.

    Acronyms and short names (≤ 4 letters: US, UK, EU, UE, AfD, PiS, Xi, Дан) collide with
    common words once case-folded (us, eu, pis, дан "given"), so their capitals are required.
    Scripts without case (Arabic) and longer aliases match case-insensitively.
    """
    letters = "".join(ch for ch in alias if ch.isalpha())
    if not letters or len(letters) > CASE_SHAPE_MAX_LETTERS or letters == letters.lower():
        return None
    return letters


def case_matches(shape: str | None, surface: str, *, small: bool = False) -> bool:
    """True when every capital of ``shape`` is a capital in ``surface`` (letters compared in order);
    with ``small``, every small letter but the first is small too (a lexicon word marked ``==``:
    "us" and a sentence's "Us", not "US")."""
    if shape is None:
        return True
    letters = [ch for ch in surface if ch.isalpha()]
    if len(letters) < len(shape):
        return False
    return all(
        b.isupper() if a.isupper() else not (small and k and b.isupper())
        for k, (a, b) in enumerate(zip(shape, letters[: len(shape)], strict=True))
    )


def exact_matches(exact: Exact, surface: str, language: str) -> bool:
    """True when the text's word ``surface`` is the form an ``=``/``==`` lexicon word requires."""
    return exact_form(surface, language) == exact.form and case_matches(
        exact.shape, surface, small=True
    )


def _without_clitic_forms(vocabulary: set[str]) -> set[str]:
    """Arabic entries written with a proclitic ("لقوات" in "القيادة العليا لقوات الحلفاء") are not words of
    their own when the bare form is known too ("قوات"): left in, they would stop the analyzer from
    stripping the clitic everywhere else ("انتشار لقوات" must read "قوات")."""

    def inflected(word: str) -> bool:
        for pre in PROCLITICS:
            if word.startswith(pre) and len(word) - len(pre) >= 3:
                rest = word[len(pre) :]
                if rest in vocabulary or drop_article(rest) in vocabulary:
                    return True
        return False

    return {w for w in vocabulary if w.endswith("*") or not inflected(w)}


def _drop_strong_shadowed_by_weak(
    aliases: list[tuple[str, str, str]],
) -> list[tuple[str, str, str]]:
    """A text listed as weak for an actor is weak, even when it is also the canonical name.

    The canonical name is always added as a strong alias of every language (the database loader
    does the same); "the West" is the group's name, but its bare mention ("the West was not
    interested in peace") counts only after an explicit strong alias (Western allies ...).
    """
    weak = {(fold(text), language) for text, language, strength in aliases if strength == "weak"}
    if not weak:
        return list(aliases)
    weak_any = {text for text, _ in weak}
    kept = []
    for text, language, strength in aliases:
        if strength != "weak":
            key = fold(text)
            if (key, language) in weak or (language == "" and key in weak_any):
                continue
        kept.append((text, language, strength))
    return kept


@dataclass(frozen=True)
class Resources:
    """Everything the pipeline needs, compiled once; share one instance (it is read-only)."""

    actors: dict[str, ActorInfo]
    packs: dict[str, LanguagePack]
    neutral: LanguagePack
    lexicon_size: int = 0
    alias_count: int = 0
    state_by_country: dict[str, str] = field(default_factory=dict)
    alias_texts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Each actor's chain of parents, resolved once: attribution and features ask for it per mention.
    lineage: dict[str, tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "lineage", {name: self._parents(name) for name in self.actors})

    @classmethod
    def from_records(
        cls, actors: Iterable[ActorRecord], lexicon: Iterable[LexiconRecord]
    ) -> Resources:
        actors = list(actors)
        lexicon = [r for r in lexicon if r.category in CATEGORIES and r.text and r.text.strip("* ")]
        infos: dict[str, ActorInfo] = {}
        alias_lists: dict[str, list[tuple[str, str, str]]] = {}
        for record in actors:
            previous = infos.get(record.name)
            infos[record.name] = ActorInfo(
                record.name,
                record.kind or (previous.kind if previous else "group"),
                record.parent if record.parent else (previous.parent if previous else None),
                record.country or (previous.country if previous else None),
            )
            alias_lists.setdefault(record.name, []).extend(record.aliases)
            alias_lists[record.name].append((record.name, "", "strong"))
        alias_lists = {
            name: _drop_strong_shadowed_by_weak(aliases) for name, aliases in alias_lists.items()
        }
        states = {
            info.country.upper(): name
            for name, info in infos.items()
            if info.kind == "state" and info.country
        }

        ar_vocab: set[str] = set()
        for aliases in alias_lists.values():
            for text, language, _ in aliases:
                if language in ("ar", ""):
                    ar_vocab.update(
                        citation_key(t.surface) for t in tokenize(text) if t.kind == "word"
                    )
        for record in lexicon:
            if record.language == "ar":
                words = [t.surface for t in tokenize(record.text.strip("* ")) if t.kind == "word"]
                ar_vocab.update(citation_key(w) for w in words)
                if record.text.strip().endswith("*") and words:
                    ar_vocab.add(citation_key(words[-1]) + "*")

        ar_vocab = _without_clitic_forms(ar_vocab)
        packs = {}
        alias_count = 0
        for language in SUPPORTED_LANGUAGES:
            analyzer = get_analyzer(language, frozenset(ar_vocab))
            venues = set()
            fillers = set()
            lex = PhraseMatcher()
            entries: list[tuple[LexiconRecord, list[str]]] = []
            for record in lexicon:
                if record.language != language:
                    continue
                if record.category == "venue":
                    venues.add(" ".join(_word_keys(analyzer, record.text, "actor")))
                if record.category == "not_actor":
                    continue  # compiled into the actor matcher below
                if record.category == "filler":
                    keys = _word_keys(analyzer, record.text, "actor")
                    if len(keys) == 1:  # single words only: compared with the token's name key
                        fillers.add(keys[0])
                    continue
                keys, pre, suf, exact = _pattern_keys(analyzer, record.text, "lex")
                entries.append((record, keys))
                lex.add(
                    keys,
                    (
                        record.category,
                        record.proposal_kind or None,
                        record.text,
                        float(record.weight),
                        exact,
                    ),
                    prefix_wild=pre,
                    suffix_wild=suf,
                )
            lex.finalize()
            matcher = PhraseMatcher()
            for name, aliases in alias_lists.items():
                for text, alias_language, strength in aliases:
                    if alias_language not in ("", language):
                        continue
                    keys = _word_keys(analyzer, text, "actor")
                    venue = " ".join(keys) in venues
                    matcher.add(keys, (name, strength or "strong", text, venue, case_shape(text)))
                    alias_count += 1
            for record in lexicon:
                if (
                    record.language == language
                    and record.category == "not_actor"
                    and record.weight > 0
                ):
                    # Longest match wins, so "Latin America" hides the alias "America" inside it.
                    matcher.add(
                        _word_keys(analyzer, record.text, "actor"),
                        (None, NOT_ACTOR, record.text, False, None),
                    )
            matcher.finalize()
            packs[language] = LanguagePack(
                language,
                analyzer,
                matcher,
                lex,
                frozenset(fillers),
                hasattr(analyzer, "split"),
                _exclusions(entries),
            )
        neutral_analyzer = Analyzer()
        neutral = PhraseMatcher()
        for name, aliases in alias_lists.items():
            for text, alias_language, strength in aliases:
                if alias_language == "" or len(text) >= 4:
                    neutral.add(
                        _word_keys(neutral_analyzer, text, "actor"),
                        (name, strength or "strong", text, False, case_shape(text)),
                    )
        neutral.finalize()
        return cls(
            actors=infos,
            packs=packs,
            neutral=LanguagePack(
                "unknown", neutral_analyzer, neutral, PhraseMatcher(), frozenset(), False
            ),
            lexicon_size=len(lexicon),
            alias_count=alias_count,
            state_by_country=states,
            alias_texts={
                name: tuple(dict.fromkeys(t for t, _, _ in aliases))
                for name, aliases in alias_lists.items()
            },
        )

    # Hierarchy helpers -------------------------------------------------
    def ancestors(self, name: str) -> tuple[str, ...]:
        return self.lineage.get(name, ())

    def _parents(self, name: str) -> tuple[str, ...]:
        chain = []
        seen = {name}
        info = self.actors.get(name)
        while info and info.parent and info.parent not in seen:
            chain.append(info.parent)
            seen.add(info.parent)
            info = self.actors.get(info.parent)
        return tuple(chain)

    def state_of(self, name: str) -> str | None:
        """The state an actor belongs to: itself, the first state among its ancestors, or its country's state."""
        info = self.actors.get(name)
        if info is None:
            return None
        if info.kind == "state":
            return name
        for ancestor in self.ancestors(name):
            if self.actors.get(ancestor) and self.actors[ancestor].kind == "state":
                return ancestor
        if info.country:
            return self.state_by_country.get(info.country.upper())
        return None

    def kind_of(self, name: str) -> str:
        info = self.actors.get(name)
        return info.kind if info else "group"

    def hierarchy(self) -> dict[str, str | None]:
        return {name: info.parent for name, info in self.actors.items()}


# Reading the data files ------------------------------------------------


class _TextLoader(yaml.SafeLoader):
    """YAML whose plain scalars are all text: a lexicon entry "no" or "on" stays the word, where
    YAML 1.1 would read it as a boolean (and "1945" as a number)."""

    yaml_implicit_resolvers: dict = {}


def read_lexicon_records(lexicon_dir: Path) -> list[LexiconRecord]:
    records = []
    for path in sorted(Path(lexicon_dir).glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_TextLoader) or {}  # noqa: S506 (a SafeLoader)
        if not isinstance(data, dict) or "language" not in data:
            raise ValueError(f"{path.name}: expected a mapping with a 'language' key")
        language = data["language"]
        for category, entries in data.items():
            if category == "language":
                continue
            if category not in CATEGORIES:
                raise ValueError(f"{path.name}: unknown category {category!r}")
            if isinstance(entries, dict):
                for kind, texts in entries.items():
                    records.extend(_entries(language, category, kind, texts))
            else:
                records.extend(_entries(language, category, None, entries))
    return records


def _entries(language: str, category: str, kind: str | None, texts) -> list[LexiconRecord]:
    out = []
    for item in texts or []:
        text, weight = str(item), 1.0
        if "|" in text:
            text, _, raw = text.rpartition("|")
            weight = float(raw)
        out.append(LexiconRecord(language, category, kind, text.strip(), weight))
    return out


def read_actor_records(actor_dir: Path) -> list[ActorRecord]:
    """The one reader of the actor files: the database load (``catalogue.sync_data_files``) and
    the file-compiled resources of the tests and the evaluation both use it."""
    records = []
    for path in sorted(Path(actor_dir).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        if not isinstance(data, list):
            raise ValueError(f"{path.name}: expected a list of actors")
        for entry in data:
            if not isinstance(entry, dict) or not entry.get("name") or not entry.get("kind"):
                raise ValueError(f"{path.name}: every actor needs a name and a kind: {entry!r}")
            aliases = []
            for strength, key in (("strong", "aliases"), ("weak", "weak")):
                for language, texts in (entry.get(key) or {}).items():
                    for text in texts or []:
                        if not isinstance(text, str):
                            raise ValueError(
                                f"{path.name}: {entry['name']}: alias {text!r} is read as "
                                f"{type(text).__name__}, not text: put it in quotes"
                            )
                        aliases.append((text, language, strength))
            records.append(
                ActorRecord(
                    str(entry["name"]),
                    entry["kind"],
                    entry.get("parent") or None,
                    aliases,
                    (entry.get("country") or "").upper()[:2] or None,
                    [
                        RoleRecord(
                            role["office"],
                            role.get("start"),
                            role.get("end"),
                            role.get("speaks_for"),
                        )
                        for role in entry.get("roles") or []
                    ],
                )
            )
    return records


def load_resources_from_files(data_dir: Path = DEFAULT_DATA_DIR) -> Resources:
    data_dir = Path(data_dir)
    return Resources.from_records(
        read_actor_records(data_dir / "actors"), read_lexicon_records(data_dir / "lexicons")
    )


_default: dict[str, Resources] = {}


def default_resources() -> Resources:
    """Resources from the data files, compiled once per process (tests, the evaluation CLI)."""
    if "files" not in _default:
        _default["files"] = load_resources_from_files()
    return _default["files"]
