"""Small template helpers: stance symbols and labels, query strings with one key changed."""

from django import template

from tracker.dashboard.highlight import rule_in_words
from tracker.extraction.learned import describe

register = template.Library()

SYMBOLS = {"support": "✔", "considering": "?", "oppose": "✖"}
LABELS = {"support": "supports", "considering": "considering", "oppose": "opposes"}


@register.filter
def stance_symbol(stance: str) -> str:
    return SYMBOLS.get(stance, "·")


@register.filter
def stance_label(stance: str) -> str:
    return LABELS.get(stance, stance)


@register.simple_tag
def position_date(position) -> str:
    """“19 Aug 2025”, or “before 20 Aug 2025” for a reported earlier statement without its own date."""
    if position.stated_on:
        return f"{position.stated_on:%-d %b %Y}"
    if position.is_past:
        return f"before {position.timeline_date:%-d %b %Y}"
    return f"{position.timeline_date:%-d %b %Y}"


@register.filter
def rule_words(rule) -> str:
    """A rule identifier of the extractor in words."""
    return rule_in_words(rule)


@register.filter
def why_words(why) -> list[tuple[str, float]]:
    """The learned model's strongest features of a position, in words, with their weights."""
    out = []
    for item in why or []:
        if isinstance(item, list | tuple) and len(item) == 2 and isinstance(item[0], str):
            try:
                out.append((describe(item[0]), float(item[1])))
            except (TypeError, ValueError):
                continue
    return out
