"""Small template helpers: stance symbols and labels, query strings with one key changed."""

from django import template

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
