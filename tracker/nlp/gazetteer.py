"""Finding actor mentions: aliases matched on the actor key stream, weak aliases, venues.

Strong aliases count wherever they occur; weak ones ("the alliance", "МИД")
only after the same actor was named by a strong alias earlier in the article.
A capital or seat ("Paris", "в Москве", "في واشنطن") right after a locative
preposition is a venue, not the government it may stand for; so is a place in the
dateline that opens a wire story ("Warschau/Berlin (Reuters) -", "VILNIUS, (Reuters) –").
A person's title used again without the name ("le président français Emmanuel Macron … le
président français a estimé") names that person, when no other person bore it.
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
    found = [
        h for h in doc.pack.actors.find_keys(index, list(filter(None, akeys))) if _case_ok(doc, h)
    ]
    # A weak alias counts only after its actor was named: one that cannot yet ("глава Пентагона"
    # before the Pentagon's chief is named) must not hide the mentions inside it ("Пентагона").
    first_named: dict[str, int] = {}
    for h in found:
        if h.payload[1] != "weak" and h.payload[0] is not None:
            first_named[h.payload[0]] = min(first_named.get(h.payload[0], h.start), h.start)
    hits = resolve_overlaps(
        [
            h
            for h in found
            if h.payload[1] != "weak" or first_named.get(h.payload[0], h.start) < h.start
        ]
    )
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
        if chosen[1] == "weak" and len({p[0] for p in payloads if p[0] in named}) > 1:
            continue  # "the US president" after both Biden and Trump were named: neither
        name, strength, alias, venue = chosen
        kind = doc.resources.kind_of(name)
        span = ActorSpan(start, end, name, kind, f"alias:{strength}:{doc.language}:{alias}", alias)
        if (venue and is_place(doc, start, end)) or start < dateline:
            venues.append(span)
            continue
        if strength != "weak":
            named.add(name)
        mentions.append(span)
    return _title_mentions(doc, mentions), venues


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
        if any(h.payload[0] == "complementizer" and h.payload[3] > 0 for h in hits):
            return False  # "مشيرا إلى أن الولايات المتحدة": a clause opens, its subject follows
        for hit in hits:
            if hit.payload[0] == "locative" and hit.payload[3] > 0:
                return True
        if len(token.surface) > 3:
            return False
        k -= 1
        steps += 1
    return False


TITLE_WORDS = 4  # the most words of a person's title before the name
# Cue categories that end a title: a verb, a stance or a clause marker is no part of one. The
# attribution's skip over a title also stops at examples and locatives; the title pass here also at
# coordinations, past markers, requests and agents (it has no other check for them).
TITLE_STOPS = frozenset(
    {
        *STANCES,
        "warning",
        "report_verb",
        "complementizer",
        "boundary",
        "negation",
        "modality",
        "source",
        "partner",
        "comitative",
    }
)
NOT_IN_TITLE = TITLE_STOPS | {"coord", "past", "request", "agent"}


def _title_tokens(doc: Document, person: ActorSpan, ending: dict[int, ActorSpan]) -> list[int]:
    """The tokens of the title right before a person's name, in its sentence: a few words with no
    verb, cue or other person among them; a state or body in it is part of it ("US Secretary of
    State", "глава МИД Франции")."""
    lo = doc.sentences[doc.sentence_of[person.start]][0]
    k, title = person.start - 1, []
    while k >= lo and len(title) < TITLE_WORDS:
        inner = ending.get(k + 1)
        if inner is not None:
            if inner.kind == "person":
                break
            title[:0] = range(inner.start, inner.end)
            k = inner.start - 1
            continue
        if doc.tokens[k].kind != "word" or any(
            h.payload[0] in NOT_IN_TITLE and h.payload[3] > 0 for h in doc.cues_ending[k + 1]
        ):
            break
        title.insert(0, k)
        k -= 1
    return title


def _title_mentions(doc: Document, mentions: list[ActorSpan]) -> list[ActorSpan]:
    """The mentions with those of persons by a title they bore earlier in the article: every tail
    of two words or more of a title before a name ("the French president", "président français"),
    with at least one word longer than three letters, borne by that person alone. A state or body
    inside the repeated title gives way to the person."""
    ending = {m.end: m for m in mentions}
    bearers: dict[tuple[str, ...], set[str]] = {}
    introduced: dict[tuple[str, ...], int] = {}  # where the title first stands before the name
    for m in mentions:
        if m.kind != "person":
            continue
        title = _title_tokens(doc, m, ending)
        for i in range(len(title) - 1):
            tail = title[i:]
            if all(len(doc.tokens[k].surface) <= 3 for k in tail):
                continue
            keys = tuple(doc.akeys[k] for k in tail)
            bearers.setdefault(keys, set()).add(m.actor)
            introduced.setdefault(keys, tail[0])
    by_first: dict[str, list[tuple[str, ...]]] = {}
    for keys, actors in bearers.items():
        if len(actors) == 1:
            by_first.setdefault(keys[0], []).append(keys)
    if not by_first:
        return mentions
    for titles in by_first.values():
        titles.sort(key=len, reverse=True)  # the longest title first
    persons = {k for m in mentions if m.kind == "person" for k in range(m.start, m.end)}
    starting = {m.start: m for m in mentions}
    akeys, sentence_of = doc.akeys, doc.sentence_of
    added: list[ActorSpan] = []
    k = 0
    while k < len(akeys):
        titles = by_first.get(akeys[k])
        if not titles:
            k += 1
            continue
        for keys in titles:
            end = k + len(keys)
            if introduced[keys] < k and tuple(akeys[k:end]) == keys:
                break
        else:
            k += 1
            continue
        after = starting.get(end)
        if (
            sentence_of[end - 1] == sentence_of[k]
            and persons.isdisjoint(range(k, end))
            and not (after is not None and after.kind == "person")  # the title and name again
        ):
            (actor,) = bearers[keys]
            alias = doc.span_text(k, end)
            added.append(ActorSpan(k, end, actor, "person", f"title:{doc.language}:{alias}", alias))
        k = end
    if not added:
        return mentions
    taken = {k for m in added for k in range(m.start, m.end)}
    kept = [m for m in mentions if taken.isdisjoint(range(m.start, m.end))]
    return sorted(kept + added, key=lambda m: m.start)
