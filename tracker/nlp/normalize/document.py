"""An article prepared for extraction: tokens with keys, sentences, paragraphs, quotes and lexicon hits.

Built once per article by the pipeline and read by the gazetteer, proposal,
stance, attribution and date modules. Token indices are the currency between
them; ``tokens[i].start/end`` map back to the original text.
"""

from __future__ import annotations

import bisect
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import compress
from operator import attrgetter

from tracker.nlp.normalize import QUOTE_OPEN, SENTENCE_END, TOKEN_RE, Token
from tracker.nlp.normalize.european import SEPARABLE_PARTICLES, separable_infinitives
from tracker.nlp.resources import (
    GROUP_PROPOSAL,
    Hit,
    LanguagePack,
    Resources,
    exact_matches,
    resolve_overlaps,
)

_ABBREVIATIONS = {
    "mr",
    "mrs",
    "ms",
    "dr",
    "st",
    "gen",
    "sen",
    "rep",
    "gov",
    "lt",
    "col",
    "no",
    "vs",
    "etc",
    "jr",
    "m",
    "mme",
    "hr",
    "fr",
    "nr",
    "bzw",
    "z",
    "b",
    "vgl",
    "т",
    "г",
    "им",
    "гг",
    "тыс",
    "млн",
    "млрд",
    "ст",
    "р",
    "ін",
    "тис",
}
_CLOSERS = {"»", "\u201d", "\u201c", '"', ")", "]", "\u2019", "\u203a"}
_TRAILERS = frozenset(_CLOSERS | SENTENCE_END)
_CLAUSE_MARKS = frozenset(",;:\u060c\u061b\u2014\u2013")
SEPARABLE_REACH = 25  # tokens from a German particle back to its verb
_CLAUSE_OPENERS = frozenset(("boundary", "complementizer"))
_CLAUSE_STOPS = frozenset(";:()\u2014\u2013")
MAX_SENTENCE_TOKENS = (
    150  # news sentences stay well below (the development set's longest: 56 tokens)
)


# Quote marks do not break a phrase: "ne devait pas « être exclu »", "an “irreversible path” to".
_QUOTE_MARKS = frozenset(QUOTE_OPEN) | frozenset(QUOTE_OPEN.values())
# Direct speech opened by a dash at the start of a line (ru, uk), closed by a dash after a comma.
DIALOGUE_LANGUAGES = {"ru", "uk"}
DIALOGUE = "dialogue"
DIALOGUE_DASHES = {"–", "—"}
DIALOGUE_CLOSERS = {",", "?", "!", "…"}
TOKEN_CACHE_SIZE = 300_000  # distinct word forms remembered per language pack
_NO_KEYS = ("", "", False, False)  # the row of a paragraph or line break: no key, not read


def _analyse_word(pack: LanguagePack, surface: str) -> tuple:
    """((start, end, piece, (actor key, lexicon key, clitic preposition, read by the lexicon)), ...)
    for one word form of the pack's language: the inner tuple is the piece's row of the document's
    parallel lists (``Document.build``)."""
    analyzer = pack.analyzer
    pieces = analyzer.split(surface) if pack.split_words else ((0, len(surface)),)
    arabic = pack.language == "ar"
    out = []
    for a, b in pieces:
        piece = surface[a:b]
        # Interned, as the matchers' keys are: a key found in a matcher is then the very same
        # string, compared by identity rather than character by character.
        akey = sys.intern(analyzer.actor_key(piece))
        out.append(
            (
                a,
                b,
                piece,
                (
                    akey,
                    sys.intern(analyzer.lex_key(piece)),
                    analyzer.is_clitic_prep(piece) if arabic else False,
                    _reads_lexicon(pack, piece, akey),
                ),
            )
        )
    return tuple(out)


def _reads_lexicon(pack: LanguagePack, surface: str, akey: str) -> bool:
    """Whether the lexicon reads a word or punctuation token: fillers are skipped by their name key,
    quote marks do not break a phrase."""
    return akey not in pack.fillers and surface not in _QUOTE_MARKS


@dataclass
class Document:
    text: str
    language: str
    pack: LanguagePack
    resources: Resources
    tokens: list[Token]
    akeys: list[str]
    lkeys: list[str]
    prep: list[bool]
    lexical: list[bool]  # the tokens the lexicon reads (_reads_lexicon); no paragraph or line break
    sentence_of: list[int] = field(default_factory=list)
    sentences: list[tuple[int, int]] = field(default_factory=list)  # token ranges [a, b)
    paragraph_of_sentence: list[int] = field(default_factory=list)
    sentence_rank: list[int] = field(
        default_factory=list
    )  # ordinal among sentences that have words
    quote_of: list[int] = field(default_factory=list)  # quote id or -1
    quotes: list[tuple[int, int]] = field(default_factory=list)  # token ranges of quote contents
    cues: list[Hit] = field(default_factory=list)  # stance cues and markers, overlaps resolved
    proposal_hits: list[Hit] = field(default_factory=list)
    # The cues by start token and by end token (exclusive): entries 0 to len(tokens), empty where
    # no cue starts or ends. The scans of stance, attribution and features read them token by token.
    cues_at: list[Sequence[Hit]] = field(default_factory=list)
    cues_ending: list[Sequence[Hit]] = field(default_factory=list)
    # A German separable verb's cue (its finite verb's token) → the token of its particle.
    particle_of: dict[int, int] = field(default_factory=dict)

    @classmethod
    def build(cls, text: str, language: str, pack: LanguagePack, resources: Resources) -> Document:
        cache = pack.token_cache
        if len(cache) > TOKEN_CACHE_SIZE:
            cache.clear()
        tokens: list[Token] = []
        # Each token's (actor key, lexicon key, clitic preposition, read by the lexicon): a word's
        # row comes whole from the cache, and the rows are split into the four lists at the end, in C.
        rows: list[tuple[str, str, bool, bool]] = []
        # The tokens that are not words: all that segmentation and quotes read.
        marks: list[int] = []
        add_token, add_row = tokens.append, rows.append
        for m in TOKEN_RE.finditer(text):
            kind = m.lastgroup
            surface = m.group()
            start, end = m.span()
            if kind == "word":
                entry = cache.get(surface)
                if entry is None:
                    entry = cache[surface] = _analyse_word(pack, surface)
                if len(entry) == 1:
                    add_token(Token(start, end, surface, "word"))
                    add_row(entry[0][3])
                    continue
                for a, b, piece, row in entry:
                    add_token(Token(start + a, start + b, piece, "word"))
                    add_row(row)
                continue
            marks.append(len(tokens))
            add_token(Token(start, end, surface, kind))
            if kind == "punct":
                add_row((surface, surface, False, _reads_lexicon(pack, surface, surface)))
            else:
                add_row(_NO_KEYS)
        columns = zip(*rows, strict=True) if rows else ((), (), (), ())  # every row has four
        akeys, lkeys, prep, lexical = map(list, columns)
        doc = cls(text, language, pack, resources, tokens, akeys, lkeys, prep, lexical)
        doc._segment(marks)
        doc._find_quotes(marks)
        doc._match_lexicon()
        return doc

    # Segmentation ------------------------------------------------------
    def _segment(self, marks: list[int]) -> None:
        """Sentences end at . ! ? … (not after abbreviations), line and paragraph breaks.

        A run longer than MAX_SENTENCE_TOKENS (lists, tables, text without punctuation) is not a
        sentence: it is cut after its last clause mark (comma, semicolon, dash) or, lacking one,
        where the limit is reached, so that per-sentence work stays bounded on any input.

        ``marks`` are the indices of the tokens that are not words, in order: only they can end a
        sentence or be a clause mark, so the words between them are skipped but for the limit.
        """
        tokens = self.tokens
        n = len(tokens)
        sentences = []
        paragraph = 0
        paragraphs = []
        start = 0
        last_clause = -1
        m = 0
        while True:
            i = marks[m] if m < len(marks) else n
            # The words before the next mark (or the end): a run reaching the limit is cut there.
            while start + MAX_SENTENCE_TOKENS - 1 < i:
                word = start + MAX_SENTENCE_TOKENS - 1
                cut = last_clause if last_clause - start >= MAX_SENTENCE_TOKENS // 3 else word
                sentences.append((start, cut + 1))
                paragraphs.append(paragraph)
                start = cut + 1
                last_clause = -1
            if i == n:
                break
            token = tokens[i]
            kind = token.kind
            end_here = False
            if kind == "para" or kind == "nl":
                end_here = True
            elif kind == "punct":
                surface = token.surface
                if surface in SENTENCE_END:
                    end_here = not self._is_abbreviation(i)
                    if end_here:
                        while (
                            i + 1 < n
                            and tokens[i + 1].kind == "punct"
                            and tokens[i + 1].surface in _TRAILERS
                        ):
                            i += 1
                elif surface in _CLAUSE_MARKS:
                    last_clause = i
            if end_here:
                if i + 1 > start:
                    sentences.append((start, i + 1))
                    paragraphs.append(paragraph)
                if kind == "para":
                    paragraph += 1
                start = i + 1
                last_clause = -1
            elif i + 1 - start >= MAX_SENTENCE_TOKENS:
                cut = last_clause if last_clause - start >= MAX_SENTENCE_TOKENS // 3 else i
                sentences.append((start, cut + 1))
                paragraphs.append(paragraph)
                start = cut + 1
                last_clause = -1
            m += 1
            while m < len(marks) and marks[m] <= i:
                m += 1  # trailers taken into the sentence end above
        if start < n:
            sentences.append((start, n))
            paragraphs.append(paragraph)
        sentence_of = [0] * n
        for k, (a, b) in enumerate(sentences):
            sentence_of[a:b] = [k] * (b - a)
        self.sentence_of = sentence_of
        self.sentences = sentences
        self.paragraph_of_sentence = paragraphs
        # Ordinal of each sentence among those with words (line and paragraph breaks make empty ones).
        rank, ranks = -1, []
        for a, b in sentences:
            if any(tokens[k].kind == "word" for k in range(a, b)):
                rank += 1
            ranks.append(max(rank, 0))
        self.sentence_rank = ranks

    def _is_abbreviation(self, i: int) -> bool:
        tokens = self.tokens
        if tokens[i].surface != ".":
            return False
        prev = tokens[i - 1] if i > 0 else None
        if prev is None or prev.kind != "word" or prev.end != tokens[i].start:
            return False
        if len(prev.surface) == 1 and prev.surface.isalpha() and prev.surface.isupper():
            return True  # U.S., J. D. Vance
        if prev.surface.casefold() in _ABBREVIATIONS:
            return True
        j = i + 1
        while j < len(tokens) and tokens[j].kind == "punct" and tokens[j].surface in _TRAILERS:
            j += 1  # "(… – Ред.) готові": the word after the closing bracket
        nxt = tokens[j] if j < len(tokens) else None
        return (
            nxt is not None
            and nxt.kind == "word"
            and nxt.surface[:1].islower()
            and self.language != "ar"
        )

    def _find_quotes(self, marks: list[int]) -> None:
        """Quotes open and close on punctuation and end at a paragraph break: only ``marks`` (the
        tokens that are not words) are read. In Russian and Ukrainian a dash that opens a line
        opens direct speech, which a dash after a comma closes ("– Мы готовы помочь, – заявил
        Песков.") or else the paragraph's end."""
        tokens = self.tokens
        quote_of = [-1] * len(tokens)
        quotes = []
        open_at = None
        closer = None
        brackets = 0  # brackets open inside direct speech
        dialogue = self.language in DIALOGUE_LANGUAGES
        for i in marks:
            token = tokens[i]
            if token.kind == "para":
                if open_at is not None and closer == DIALOGUE and i - open_at > 1:
                    quotes.append((open_at + 1, i))
                open_at = None
                continue
            if token.kind != "punct":
                continue
            ch = token.surface
            if closer == DIALOGUE and open_at is not None:
                if ch == "(":
                    brackets += 1
                elif ch == ")":
                    brackets = max(0, brackets - 1)
                elif (
                    ch in DIALOGUE_DASHES
                    and tokens[i - 1].surface in DIALOGUE_CLOSERS
                    and not brackets  # "(країни Європи, – Ред.)": the editor's note goes on
                ):
                    quotes.append((open_at + 1, i - 1))
                    open_at = None
                continue
            if open_at is not None and ch == closer:
                if i - open_at > 1:
                    quotes.append((open_at + 1, i))
                open_at = None
            elif open_at is None and ch in QUOTE_OPEN:
                open_at, closer = i, QUOTE_OPEN[ch]
            elif (
                open_at is None
                and dialogue
                and ch in DIALOGUE_DASHES
                and (i == 0 or tokens[i - 1].kind in ("para", "nl"))
            ):
                open_at, closer, brackets = i, DIALOGUE, 0
        for q, (a, b) in enumerate(quotes):
            for j in range(a, b):
                quote_of[j] = q
        self.quote_of = quote_of
        self.quotes = quotes

    # Lexicon -------------------------------------------------------------
    def _match_lexicon(self) -> None:
        index = list(compress(range(len(self.tokens)), self.lexical))
        keys = list(compress(self.lkeys, self.lexical))
        sentence_of = self.sentence_of
        # Hits must not run across sentence ends, and an entry with "=" words must name their forms.
        hits = [
            h
            for h in self.pack.lexicon.find_keys(index, keys)
            if sentence_of[h.start] == sentence_of[h.end - 1]
            and (h.payload[4] is None or self._exact_ok(h, index))
        ]
        if self.language == "de":
            hits = self._join_separable_verbs(hits)
        # An owner noun ("la demande de") overlaps the cue it names ("demande"): it is kept beside
        # the cues rather than competing with them.
        owners = [h for h in hits if h.payload[0] == "owner_noun"]
        cues = resolve_overlaps(
            [h for h in hits if h.payload[0] not in GROUP_PROPOSAL and h.payload[0] != "owner_noun"]
        )
        self.cues = sorted(cues + owners, key=attrgetter("start")) if owners else cues
        self.proposal_hits = resolve_overlaps([h for h in hits if h.payload[0] in GROUP_PROPOSAL])
        cues_at: list[Sequence[Hit]] = [()] * (len(self.tokens) + 1)
        cues_ending: list[Sequence[Hit]] = [()] * (len(self.tokens) + 1)
        for hit in self.cues:
            cues_at[hit.start] = (*cues_at[hit.start], hit)
            cues_ending[hit.end] = (*cues_ending[hit.end], hit)
        self.cues_at, self.cues_ending = cues_at, cues_ending

    def _exact_ok(self, hit: Hit, index: list[int]) -> bool:
        """The words of the hit that its entry marks ``=`` are the forms it names (matched by key,
        "bereits" is also "bereit"). ``index``: the tokens of the keys the lexicon read."""
        first = bisect.bisect_left(index, hit.start)
        tokens, language = self.tokens, self.language
        return all(
            exact is None or exact_matches(exact, tokens[index[first + j]].surface, language)
            for j, exact in enumerate(hit.payload[4])
        )

    def _join_separable_verbs(self, hits: list[Hit]) -> list[Hit]:
        """German main clauses split a verb from its particle: "schließt die Entsendung aus",
        "sagte der Ukraine Hilfe zu". A particle that ends its clause (before punctuation or a
        clause-opening word) is joined to the closest lowercase word before it, in the same
        clause, that makes a lexicon entry with it: listed as the finite pair ("wies zurück") or
        as the compound ("ausschließen", "zusagen"). The cue is placed on the finite verb, so it
        pairs with the proposals between verb and particle; readings of the verb alone ("sagte"
        as a reporting verb) and of the particle give way to it.
        """
        tokens, lkeys = self.tokens, self.lkeys
        lexicon, analyzer = self.pack.lexicon, self.pack.analyzer
        opens: set[int] = set()  # tokens that open a clause (a boundary or complementizer word)
        spans: set[tuple[int, int]] = set()  # entries that already read verb to particle
        for hit in hits:
            if hit.payload[0] in _CLAUSE_OPENERS and hit.payload[3] > 0:
                opens.add(hit.start)
            if hit.end - hit.start > 1 and hit.payload[0] not in GROUP_PROPOSAL:
                spans.add((hit.start, hit.end))
        joined: list[Hit] = []
        taken: set[int] = set()
        n = len(tokens)
        for k, token in enumerate(tokens):
            if token.kind != "word" or token.surface not in SEPARABLE_PARTICLES:
                continue
            nxt = k + 1
            sentence = self.sentence_of[k]
            if (
                nxt < n
                and self.sentence_of[nxt] == sentence
                and tokens[nxt].kind == "word"
                and nxt not in opens
            ):
                continue  # not at the clause end: a preposition ("aus Berlin")
            first = max(self.sentences[sentence][0], k - SEPARABLE_REACH)
            for v in range(k - 1, first - 1, -1):
                verb = tokens[v]
                if verb.kind != "word":
                    if verb.surface in _CLAUSE_STOPS:
                        break
                    continue
                if not verb.surface[:1].islower() or verb.surface in SEPARABLE_PARTICLES:
                    if v in opens:
                        break
                    continue
                if (v, k + 1) in spans:
                    break  # "schließt nicht aus" is an entry of its own
                # entries of one form ("=") name a word as written, not a verb joined to its particle
                payloads = [
                    p
                    for p in lexicon.entries(f"{lkeys[v]} {lkeys[k]}")
                    if p[0] not in GROUP_PROPOSAL and p[4] is None
                ]
                for form in separable_infinitives(token.surface, verb.surface):
                    payloads += [
                        p
                        for p in lexicon.entries(analyzer.lex_key(form))
                        if p[0] not in GROUP_PROPOSAL and p[4] is None
                    ]
                if payloads:
                    self.particle_of[v] = k
                    taken.update((v, k))
                    # one reading per category: "schließt aus", "ausschließen" and "ausschloss" agree
                    by_category = {p[0]: p for p in reversed(payloads)}
                    joined += [Hit(v, v + 1, p) for p in by_category.values()]
                    break
                if v in opens:
                    break
        if not joined:
            return hits
        kept = [
            h
            for h in hits
            if h.payload[0] in GROUP_PROPOSAL or taken.isdisjoint(range(h.start, h.end))
        ]
        return kept + joined

    # Helpers -------------------------------------------------------------
    def words(self, a: int, b: int) -> list[int]:
        return [k for k in range(a, b) if self.tokens[k].kind == "word"]

    def span_text(self, a: int, b: int) -> str:
        return self.text[self.tokens[a].start : self.tokens[b - 1].end]
