"""Template helpers for the review queue: the sentence with its evidence marked, safely escaped."""

from __future__ import annotations

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()


@register.filter
def evidence_in_context(position) -> str:
    """The sentence with the evidence clause in <mark>, and inside it, in <b>, the actor, proposal
    and cue words the extractor matched; every piece of article text is escaped."""
    sentence, evidence = position.sentence or "", position.evidence or ""
    at = sentence.find(evidence) if evidence else -1
    marked = format_html("<mark>{}</mark>", _matched_words(position, evidence))
    if at < 0:
        return format_html("{} {}", sentence, marked) if sentence else marked
    return format_html("{}{}{}", sentence[:at], marked, sentence[at + len(evidence) :])


def _matched_words(position, evidence: str) -> str:
    """The evidence with the stored spans inside it in <b> (overlapping ones: the first wins)."""
    if len(evidence) != position.end - position.start:
        return evidence  # a curator rewrote the evidence: the offsets no longer describe it
    inside = sorted(
        (s - position.start, e - position.start)
        for s, e, *_ in (
            item for item in position.spans or [] if isinstance(item, list) and len(item) == 5
        )
        if isinstance(s, int) and isinstance(e, int) and position.start <= s < e <= position.end
    )
    parts, last = [], 0
    for s, e in inside:
        if s < last:
            continue
        parts.append(format_html("{}<b>{}</b>", evidence[last:s], evidence[s:e]))
        last = e
    parts.append(format_html("{}", evidence[last:]))
    return format_html_join("", "{}", ((part,) for part in parts))


@register.filter
def percent(value) -> str:
    return f"{round(100 * float(value or 0))}%"
