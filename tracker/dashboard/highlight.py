"""Article text with evidence, actor, proposal and stance spans marked up, safely.

Spans come from positions (the evidence offsets) and from finding the actor's
aliases and the lexicon entries that fired inside each evidence. The text is
cut at every span boundary; each piece is escaped, and pieces under a span are
wrapped in a ``<mark>`` whose ``data-why`` says why it was extracted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from tracker.extraction.models import ActorAlias, LexiconEntry, Position

STANCE_CATEGORIES = {"support", "oppose", "considering"}


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


SENTENCE_ENDS = ".!?؟\n"


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around an evidence span: mentions are looked for there, not in the whole article."""
    lo = max((text.rfind(c, 0, start) for c in SENTENCE_ENDS), default=-1) + 1
    ends = [i for i in (text.find(c, end) for c in SENTENCE_ENDS) if i != -1]
    return lo, (min(ends) + 1 if ends else len(text))


def rule_names(position: Position) -> list[str]:
    rules = position.rules or []
    if isinstance(rules, dict):
        rules = [f"{k}: {v}" for k, v in rules.items()]
    return [str(rule) for rule in rules]


def spans_for(text: str, positions: list[Position], language: str) -> list[Span]:
    """Every span to mark: evidence from the offsets, then mentions found inside each evidence."""
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
        start, end = max(0, position.start), min(len(text), position.end)
        if end <= start:
            continue
        rules = rule_names(position)
        label = f"{position.actor.name} · {position.get_stance_display().lower()} · {position.proposal.title}"
        why = label + (" — rules: " + ", ".join(rules) if rules else "")
        spans.append(Span(start, end, "evidence", why, position.id, position.stance))
        lo, hi = sentence_bounds(text, start, end)
        for alias in sorted(
            {position.actor.name, *aliases.get(position.actor_id, [])}, key=len, reverse=True
        ):
            for s, e in _find_all(text, alias, lo, hi):
                spans.append(
                    Span(
                        s,
                        e,
                        "actor",
                        f"Actor: {position.actor.name} (alias “{alias}”)",
                        position.id,
                    )
                )
        for entry, _ in lexicon.get(position.proposal.kind, []):
            for s, e in _find_all(text, entry, lo, hi):
                spans.append(
                    Span(
                        s,
                        e,
                        "proposal",
                        f"Proposal: {position.proposal.title} (lexicon “{entry}”)",
                        position.id,
                    )
                )
        for entry, category in lexicon.get(position.stance, []):
            for s, e in _find_all(text, entry, lo, hi):
                spans.append(
                    Span(
                        s,
                        e,
                        "stance",
                        f"Stance cue: {category} (lexicon “{entry}”)",
                        position.id,
                        position.stance,
                    )
                )
    return spans


def segments(text: str, spans: list[Span]) -> list[Segment]:
    cuts = {0, len(text)}
    for span in spans:
        cuts.update((span.start, span.end))
    points = sorted(cuts)
    out = []
    for lo, hi in zip(points, points[1:], strict=False):
        covering = [s for s in spans if s.start <= lo and s.end >= hi]
        out.append(Segment(text[lo:hi], covering))
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
