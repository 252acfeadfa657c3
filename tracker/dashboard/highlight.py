"""Article text with what the extractor found marked up, exactly where it found it.

Every mark comes from stored offsets: each position's evidence clause and the
actor, proposal and cue mentions it was built from (``Position.spans``), and
the article's other actor and proposal mentions (``ExtractionRun.mentions`` of
its newest finished run). Nothing is searched for again, so what is marked is
what fired, with its rule said in words. The text is cut at every mark
boundary in one sweep over the sorted boundaries; each piece is escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from tracker.extraction.models import PROPOSAL_KINDS, Position
from tracker.nlp.pipeline import CUE_KINDS, SPAN_KINDS

MAX_SPANS = 5000  # marks per page; the article's own positions come first
PROPOSAL_TITLES = dict(PROPOSAL_KINDS)
STANCE_LABELS = {value: label.lower() for value, label in Position.Stance.choices}
CSS = {"evidence": "hl-evidence", "actor": "hl-actor", "proposal": "hl-proposal"} | {
    kind: "hl-stance" for kind in CUE_KINDS
}


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str  # evidence, or one of SPAN_KINDS
    why: str  # the reason in words, shown when the mark is hovered or focused
    position_id: int | None = None  # None for a mention no shown position was built from
    stance: str = ""


@dataclass
class Segment:
    text: str
    spans: list[Span] = field(default_factory=list)


# --- Rules in words --------------------------------------------------------------------------

HOLDER_WORDS = {
    "clause-subject": "named as the subject of the clause",
    "clause-first-actor": "named first in the clause, as its subject",
    "apposition": "named before the words describing them, as the subject of the verb",
    "verb-first-subject": "named as the subject right after the verb that opens the clause",
    "report-subject": "named as the one who said it",
    "sentence-subject": "named as the subject of the sentence",
    "report-implicit-subject": "the person named just before, the implied speaker",
    "quote-speaker": "the speaker of the quotation",
    "quote-implicit-speaker": "the person named before the quotation, taken as its speaker",
    "reported-clause": "the speaker of the reported clause",
    "speaker-own-state": "an official speaking for their own state or body",
    "carried-over": "the holder of the sentence before, carried over",
    "pronoun_we": "“we” in a quotation, its speaker",
    "pronoun_person": "a pronoun standing for the person or body named before",
    "pronoun_country": "a pronoun standing for the country named before",
    "passive-agent": "named as the agent of a passive (proposed by …)",
    "owner": "named as the owner of the stance (the request of …)",
    "postverbal-subject": "named right after the verb as its subject or agent",
    "pronoun_they": "a plural pronoun standing for the actors named together before",
    "comitative": "acting together with the subject (together with …)",
    "relative": "named right before the relative clause they are the subject of (…, who …)",
}
ANAPHORA_WORDS = {
    "last-person": "the person named before (earlier in the sentence, else first in the one before)",
    "last-group": "the actors last named together",
    "same-sentence-actor": "the body named earlier in the sentence",
}
CONTEXT_WORDS = {
    "same": "the actor and the proposal meet in one sentence",
    "quote": "the actor is quoted on the proposal",
    "holder": "the actor holds it through a pronoun or as the speaker of a quotation",
    "prev": "the actor is named in the sentence before",
    "anaphor": "the proposal is referred back to",
    "topic": "the proposal is the article's main topic",
    "headline": "the actor and the proposal meet in the headline",
}
CUE_WORDS = {
    "support": "a stance cue of support",
    "oppose": "a stance cue of opposition",
    "considering": "a stance cue of considering",
    "warning": "a warning, read as opposition",
}
MARKER_WORDS = {
    "negation": "a negation, which turns the stance around",
    "modality": "a modal, which makes the stance one of considering",
    "past": "a marker of an earlier statement",
}
DATE_WORDS = {
    "explicit": "the date named in the sentence",
    "relative": "a day relative to publication",
    "weekday": "a weekday before publication",
}


def rule_in_words(rule: str) -> str:
    """One rule identifier of the extractor, said for people: 'holder:clause-subject:Russia' →
    'holder: named as the subject of the clause'."""
    head, _, rest = str(rule).partition(":")
    parts = rest.split(":")
    last = parts[-1] if parts else ""
    if head == "holder":
        words = HOLDER_WORDS.get(parts[0])
        return f"who holds it: {words}" if words else "who holds it: found by the attribution rules"
    if head == "anaphora":
        return f"who holds it: {ANAPHORA_WORDS.get(rest, 'the person named before, through a pronoun')}"
    if head == "alias":
        return f"catalogue name “{last}”"
    if head == "title":
        return f"the title “{rest.partition(':')[2]}” they bore earlier in the article"
    if head == "proposal":
        return f"proposal phrase “{last}”"
    if head == "stance":
        return f"{CUE_WORDS.get(parts[0], 'a stance cue')} “{last}”"
    if head in MARKER_WORDS:
        return f"{MARKER_WORDS[head]} “{last}”"
    if head == "model":
        return f"kept by the learned model (version {rest})"
    if head == "context":
        return CONTEXT_WORDS.get(rest, "the learned model's reading of the context")
    if head == "date":
        return f"dated by {DATE_WORDS.get(parts[0], 'a date')} “{last}”"
    return str(rule)


def _proposal_title(kind: str) -> str:
    return PROPOSAL_TITLES.get(kind, kind.replace("_", " "))


def _mention_why(kind: str, name: str, rule: str, matched: str) -> str:
    words = rule_in_words(rule)
    if kind == "actor":
        alias = rule.rsplit(":", 1)[-1]
        if matched.casefold() != alias.casefold():
            words += f", written “{matched}” here"
        return f"Actor: {name} ({words})"
    if kind == "proposal":
        return f"Proposal: {_proposal_title(name)} ({words})"
    if kind == "cue":
        return f"Stance: {STANCE_LABELS.get(name, name)} ({words})"
    return words[:1].upper() + words[1:]


def _position_why(position: Position) -> str:
    rules = [str(r) for r in (position.rules or []) if isinstance(r, str)]
    lines = [
        f"{position.actor.name} {STANCE_LABELS.get(position.stance, position.stance)} "
        f"{position.proposal.title.lower()} (confidence {position.confidence:.2f})"
    ]
    holders = [rule_in_words(r) for r in rules if r.startswith(("holder:", "anaphora:"))]
    if holders:
        lines.append(holders[-1][:1].upper() + holders[-1][1:])
    lines += [rule_in_words(r).capitalize() for r in rules if r.startswith(("model:", "context:"))]
    return "\n".join(lines)


# --- Spans from what was stored ------------------------------------------------------------------


def _valid(item, length: int):
    """A stored [start, end, kind, name, rule], or None when it is not one (or not in this text)."""
    if not isinstance(item, list | tuple) or len(item) != 5:
        return None
    start, end, kind, name, rule = item
    if not (isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= length):
        return None
    if kind not in SPAN_KINDS:
        return None
    return start, end, kind, str(name), str(rule)


def spans_for(
    text: str, positions: list[Position], mentions: list | None
) -> tuple[list[Span], int]:
    """Every mark of the page: each position's evidence and the mentions it was built from, then
    the article's other mentions, at most ``MAX_SPANS`` in all; and how many were left out."""
    length = len(text)
    spans: list[Span] = []
    used: set[tuple[int, int, str]] = set()
    for position in positions:
        start, end = max(0, position.start), min(length, position.end)
        if end > start:
            spans.append(
                Span(start, end, "evidence", _position_why(position), position.id, position.stance)
            )
        for item in position.spans or []:
            span = _valid(item, length)
            if span is None:
                continue
            start, end, kind, name, rule = span
            why = _mention_why(kind, name, rule, text[start:end])
            stance = position.stance if kind in CUE_KINDS else ""
            spans.append(Span(start, end, kind, why, position.id, stance))
            used.add((start, end, kind))
    for item in mentions or []:
        span = _valid(item, length)
        if span is None or (span[0], span[1], span[2]) in used:
            continue
        start, end, kind, name, rule = span
        spans.append(Span(start, end, kind, _mention_why(kind, name, rule, text[start:end])))
    return spans[:MAX_SPANS], max(0, len(spans) - MAX_SPANS)


# --- Rendering -------------------------------------------------------------------------------


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


def _paragraphs(escaped: str) -> str:
    return escaped.replace("\n\n", "</p><p>").replace("\n", "<br>")


def render(text: str, spans: list[Span]) -> SafeString:
    """HTML for the text with spans marked; every piece of article text and every reason is
    escaped (``html.escape``, what Django's ``escape`` does without its lazy-string wrapper, which
    cost more than the rest of the page)."""
    parts: list[str] = []
    for segment in segments(text, spans):
        piece = html.escape(segment.text)
        if not segment.spans:
            parts.append(_paragraphs(piece))
            continue
        kinds = sorted({CSS[s.kind] for s in segment.spans})
        found = [s for s in segment.spans if s.kind != "evidence"]
        if found and all(s.position_id is None for s in found):
            kinds.append("hl-mention")  # found in the article, but no shown position uses it
        stances = sorted({s.stance for s in segment.spans if s.stance})
        classes = html.escape(" ".join([*kinds, *(f"stance-{s}" for s in stances)]))
        # The innermost reason first: the word's own, then the evidence around it.
        inner_first = sorted(segment.spans, key=lambda s: s.end - s.start)
        why = html.escape("\n".join(dict.fromkeys(s.why for s in inner_first)))
        ids = sorted({s.position_id for s in segment.spans if s.position_id is not None})
        described = " ".join(f"position-{int(i)}" for i in ids)
        described = f' aria-describedby="{described}"' if described else ""
        parts.append(
            f'<mark class="hl {classes}" tabindex="0" data-why="{why}"{described}>'
            + piece.replace("\n", "<br>")
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
