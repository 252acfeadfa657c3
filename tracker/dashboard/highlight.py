"""Article text with evidence, actor, proposal and stance spans marked up, safely.

Spans come from positions (the evidence offsets) and from finding the actor's
aliases and the lexicon entries that fired near each evidence. The text is
cut at every span boundary in one sweep; each piece is escaped, and pieces
under a span are wrapped in a ``<mark>`` whose ``data-why`` says why it was
extracted.

Anyone who may submit text can make an article of a megabyte without a full
stop, so the work here is bounded whatever the text: mentions are looked for
in a window of at most ``WINDOW_CHARS`` around each evidence, a position gets
at most ``MAX_MENTIONS`` mention spans, a page at most ``MAX_SPANS`` spans.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from tracker.extraction.models import ActorAlias, LexiconEntry, Position

STANCE_CATEGORIES = {"support", "oppose", "considering"}
SENTENCE_ENDS = ".!?؟\n"
WINDOW_CHARS = 400  # how far before and after an evidence its sentence may reach
MAX_MENTIONS = 40  # actor, proposal and cue spans per position
MAX_SPANS = 2000  # spans per page


@dataclass
class Span:
    start: int
    end: int
    kind: str  # evidence | actor | proposal | stance
    why: str
    position_id: int
    stance: str = ""


@dataclass
class Segment:
    text: str
    spans: list[Span] = field(default_factory=list)


def _find_all(text: str, needle: str, lo: int, hi: int):
    if not needle.strip():
        return
    for match in re.finditer(re.escape(needle), text[lo:hi], flags=re.IGNORECASE):
        yield lo + match.start(), lo + match.end()


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around an evidence span, cut to ``WINDOW_CHARS`` on each side (and to
    ``WINDOW_CHARS`` past the start of an evidence longer than that): mentions are looked for
    there, never in the whole article."""
    floor = max(0, start - WINDOW_CHARS)
    ceiling = min(len(text), end + WINDOW_CHARS, start + 3 * WINDOW_CHARS)
    lo = max((text.rfind(c, floor, start) for c in SENTENCE_ENDS), default=-1)
    lo = lo + 1 if lo != -1 else floor
    ends = [i for i in (text.find(c, end, ceiling) for c in SENTENCE_ENDS) if i != -1]
    return lo, (min(ends) + 1 if ends else ceiling)


def rule_names(position: Position) -> list[str]:
    rules = position.rules or []
    if isinstance(rules, dict):
        rules = [f"{k}: {v}" for k, v in rules.items()]
    return [str(rule) for rule in rules]


def spans_for(text: str, positions: list[Position], language: str) -> list[Span]:
    """Every span to mark: evidence from the offsets, then mentions found near each evidence."""
    actor_ids = {p.actor_id for p in positions}
    aliases: dict[int, list[str]] = {}
    for actor_id, alias in ActorAlias.objects.filter(actor_id__in=actor_ids).values_list(
        "actor_id", "text"
    ):
        aliases.setdefault(actor_id, []).append(alias)
    lexicon: dict[str, list[tuple[str, str]]] = {}
    for category, kind, entry in LexiconEntry.objects.filter(
        language=language, active=True
    ).values_list("category", "proposal_kind", "text"):
        key = kind if category == "proposal" else category
        lexicon.setdefault(key, []).append((entry, category))

    spans: list[Span] = []
    for position in positions:
        if len(spans) >= MAX_SPANS:
            break
        start, end = max(0, position.start), min(len(text), position.end)
        if end <= start:
            continue
        rules = rule_names(position)
        label = f"{position.actor.name} · {position.get_stance_display().lower()} · {position.proposal.title}"
        why = label + (" — rules: " + ", ".join(rules) if rules else "")
        spans.append(Span(start, end, "evidence", why, position.id, position.stance))
        lo, hi = sentence_bounds(text, start, end)
        mentions: list[Span] = []
        for alias in sorted(
            {position.actor.name, *aliases.get(position.actor_id, [])}, key=len, reverse=True
        ):
            why = f"Actor: {position.actor.name} (alias “{alias}”)"
            for s, e in _find_all(text, alias, lo, hi):
                mentions.append(Span(s, e, "actor", why, position.id))
        for entry, _ in lexicon.get(position.proposal.kind, []):
            why = f"Proposal: {position.proposal.title} (lexicon “{entry}”)"
            for s, e in _find_all(text, entry, lo, hi):
                mentions.append(Span(s, e, "proposal", why, position.id))
        for entry, category in lexicon.get(position.stance, []):
            why = f"Stance cue: {category} (lexicon “{entry}”)"
            for s, e in _find_all(text, entry, lo, hi):
                mentions.append(Span(s, e, "stance", why, position.id, position.stance))
        spans.extend(mentions[: min(MAX_MENTIONS, MAX_SPANS - len(spans))])
    return spans


def segments(text: str, spans: list[Span]) -> list[Segment]:
    """Cut the text at every span boundary, in one sweep over the sorted boundaries: each piece
    lists the spans covering it, in the order they were given."""
    opening: dict[int, list[int]] = {}
    closing: dict[int, list[int]] = {}
    for index, span in enumerate(spans):
        if span.end > span.start:
            opening.setdefault(span.start, []).append(index)
            closing.setdefault(span.end, []).append(index)
    points = sorted({0, len(text), *opening, *closing})
    active: set[int] = set()
    out = []
    for lo, hi in zip(points, points[1:], strict=False):
        active.difference_update(closing.get(lo, ()))
        active.update(opening.get(lo, ()))
        out.append(Segment(text[lo:hi], [spans[i] for i in sorted(active)]))
    return out


def render(text: str, spans: list[Span]) -> SafeString:
    """HTML for the text with spans marked; every piece of article text is escaped."""
    parts: list[str] = []
    for segment in segments(text, spans):
        if not segment.spans:
            parts.append(escape(segment.text).replace("\n\n", "</p><p>").replace("\n", "<br>"))
            continue
        piece = escape(segment.text).replace("\n", "<br>")
        kinds = sorted({s.kind for s in segment.spans})
        stances = sorted({s.stance for s in segment.spans if s.stance})
        classes = " ".join([*(f"hl-{k}" for k in kinds), *(f"stance-{s}" for s in stances)])
        why = "\n".join(dict.fromkeys(s.why for s in segment.spans))
        ids = " ".join(f"position-{i}" for i in sorted({s.position_id for s in segment.spans}))
        parts.append(
            format_html(
                '<mark class="hl {}" tabindex="0" data-why="{}" aria-describedby="{}">',
                classes,
                why,
                ids,
            )
            + piece
            + "</mark>"
        )
    return mark_safe("<p>" + "".join(parts) + "</p>")  # noqa: S308 - every piece above was escaped


def snippet(text: str, q: str, width: int = 110) -> SafeString:
    """A short escaped excerpt around the first query word found, with the words marked."""
    words = [w.strip('"') for w in q.split() if len(w.strip('"-')) > 1 and w.upper() != "OR"]
    pattern = (
        re.compile("|".join(re.escape(w.lstrip("-")) for w in words), re.IGNORECASE)
        if words
        else None
    )
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - width) if match else 0
    end = min(len(text), (match.end() if match else 0) + width * 2)
    piece = text[start:end]
    parts, last = [], 0
    for found in pattern.finditer(piece) if pattern else []:
        parts.append(escape(piece[last : found.start()]))
        parts.append(format_html("<mark>{}</mark>", found.group()))
        last = found.end()
    parts.append(escape(piece[last:]))
    prefix = "… " if start else ""
    suffix = " …" if end < len(text) else ""
    return mark_safe(prefix + "".join(parts) + suffix)  # noqa: S308 - pieces escaped above
