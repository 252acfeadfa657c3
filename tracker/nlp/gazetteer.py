"""Finding actor mentions: aliases matched on the actor key stream, weak aliases, venues.

Strong aliases count wherever they occur; weak ones ("the alliance", "МИД")
only after the same actor was named by a strong alias earlier in the article.
A capital or seat ("Paris", "в Москве", "في واشنطن") right after a locative
preposition is a venue, not the government it may stand for; so is a place in the
dateline that opens a wire story ("Warschau/Berlin (Reuters) -", "VILNIUS, (Reuters) –").
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import compress

from tracker.nlp.normalize.document import Document
from tracker.nlp.resources import NOT_ACTOR, case_matches, resolve_overlaps
from tracker.nlp.vocabulary import STANCES


# Slotted, not frozen: built many times an article, and a frozen dataclass pays an
# object.__setattr__ call for each field; nothing changes one after it is built.
@dataclass(slots=True)
class ActorSpan:
    start: int  # token range [start, end)
    end: int
    actor: str
    kind: str
    rule: str
    alias: str


def find_actor_spans(doc: Document) -> tuple[list[ActorSpan], list[ActorSpan]]:
    """Return (mentions, venues): actor mentions in text order and the suppressed venue mentions."""
    akeys = doc.akeys
    # Only word and punctuation tokens have keys: the others are left out (compress and filter
    # pick the tokens with a key, and their keys, without a Python loop).
    index = list(compress(range(len(akeys)), akeys))
    found = doc.pack.actors.find_keys(index, list(filter(None, akeys)))
    hits = resolve_overlaps([h for h in found if _case_ok(doc, h)])
    dateline = dateline_end(doc)
    mentions: list[ActorSpan] = []
    venues: list[ActorSpan] = []
    named: set[str] = set()
    by_span: dict[tuple[int, int], list[tuple]] = {}
    for hit in hits:
        by_span.setdefault((hit.start, hit.end), []).append(hit.payload)
    # resolve_overlaps leaves spans that are disjoint or equal, in text order: so are these.
    for (start, end), payloads in by_span.items():
        if any(p[1] == NOT_ACTOR for p in payloads):
            continue  # "Latin America": a name, but no actor
        if len(payloads) > 1:  # most spans name one actor
            payloads.sort(key=lambda p: (p[1] == "weak", doc.resources.kind_of(p[0]) != "state"))
        chosen = None
        for name, strength, alias, venue, _ in payloads:
            if strength != "weak" or name in named:
                chosen = (name, strength, alias, venue)
                break
        if chosen is None:
            continue
        name, strength, alias, venue = chosen
        kind = doc.resources.kind_of(name)
        span = ActorSpan(start, end, name, kind, f"alias:{strength}:{doc.language}:{alias}", alias)
        if (venue and is_place(doc, start, end)) or start < dateline:
            venues.append(span)
            continue
        if strength != "weak":
            named.add(name)
        mentions.append(span)
    return mentions, venues


DATELINE_TOKENS = 12
DASHES = {"-", "–", "—"}


def dateline_end(doc: Document) -> int:
    """The index of the dash that ends a wire story's dateline, or 0 when the text has none.

    A dateline is the article's first words up to a dash, on one line, naming where and through
    which agency it was filed: "Berlin (dpa) -", "ZAPORIZHZHIA, Ukraine (Reuters) -",
    "Москва. 4 сентября. INTERFAX.RU -". It needs an agency in brackets or a word in capitals,
    so that a headline such as "Trump - the deal is off" keeps its actor.
    """
    tokens = doc.tokens
    bracket = capitals = False
    for k in range(min(DATELINE_TOKENS, len(tokens))):
        token = tokens[k]
        if token.kind in ("para", "nl"):
            return 0
        if token.kind == "punct" and token.surface in DASHES:
            return k if k and (bracket or capitals) else 0
        if token.surface == "(":
            bracket = True
        elif token.kind == "word" and len(token.surface) >= 4 and token.surface.isupper():
            capitals = True
    return 0


def _case_ok(doc: Document, hit) -> bool:
    shape = hit.payload[4]
    if shape is None:
        return True
    return case_matches(shape, "".join(doc.tokens[k].surface for k in range(hit.start, hit.end)))


# Languages where "in X" before a third-person-plural reporting verb or stance verb names who
# spoke: "В Кремле заявили", "У Білому домі наголосили", "в МИД считают", "у Литві виступили за"
# are "the Kremlin said", "the White House stressed", "the Foreign Ministry believes", "Lithuania
# came out for".
PLACE_SPEAKS = ("ru", "uk")


def is_place(doc: Document, start: int, end: int) -> bool:
    """Tokens [start, end) name a place, not a holder: governed by a locative preposition, unless
    the language lets "in X said" name the institution as the speaker (PLACE_SPEAKS)."""
    if not governed_by_locative(doc, start):
        return False
    speaks = (
        doc.language in PLACE_SPEAKS
        and end < len(doc.tokens)
        and doc.sentence_of[end] == doc.sentence_of[start]
    )
    if not speaks:
        return True
    for hit in doc.cues_at[end]:
        if hit.payload[3] <= 0 or hit.start != end:
            continue
        # Only when "in X" opens the sentence: "В Кремле заявили", "Також у Литві виступили за …",
        # not "Орбан на саміті … у Вашингтоні заявив" nor "… отправка миротворцев на Украину
        # недопустима". At most an adverb ("Також", "Ранее") and the preposition before the place.
        if hit.payload[0] in ("report_verb", *STANCES) and words_before(doc, start) <= 2:
            return False
    return True


def words_before(doc: Document, k: int) -> int:
    """The words of token ``k``'s sentence before it: how near the sentence's opening it stands."""
    first = doc.sentences[doc.sentence_of[k]][0]
    return sum(1 for j in range(first, k) if doc.tokens[j].kind == "word")


def governed_by_locative(doc: Document, i: int) -> bool:
    """True when token i follows a locative preposition (allowing one article in between)."""
    if doc.prep[i]:
        return True
    k = i - 1
    steps = 0
    while k >= 0 and steps < 2:
        token = doc.tokens[k]
        if token.kind != "word":
            return False
        hits = doc.cues_ending[k + 1]
        if any(h.payload[0] == "owner_noun" and h.payload[3] > 0 for h in hits):
            return False  # "la demande de l'Espagne": the genitive of a noun, not a place
        for hit in hits:
            if hit.payload[0] == "locative" and hit.payload[3] > 0:
                return True
        if len(token.surface) > 3:
            return False
        k -= 1
        steps += 1
    return False
