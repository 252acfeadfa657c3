"""Template helpers for the review queue: the sentence with its evidence marked, safely escaped."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.filter
def evidence_in_context(position) -> str:
    """The sentence with the evidence in <mark>; every piece of article text is escaped."""
    sentence, evidence = position.sentence or "", position.evidence or ""
    at = sentence.find(evidence) if evidence else -1
    if at < 0:
        if sentence:
            return format_html("{} <mark>{}</mark>", sentence, evidence)
        return format_html("<mark>{}</mark>", evidence)
    return format_html(
        "{}<mark>{}</mark>{}",
        sentence[:at],
        sentence[at : at + len(evidence)],
        sentence[at + len(evidence) :],
    )


@register.filter
def percent(value) -> str:
    return f"{round(100 * float(value or 0))}%"
