"""Small template helpers: stance symbols and labels, query strings with one key changed."""

from django import template

from tracker.dashboard.highlight import rule_in_words
from tracker.nlp.learned import describe
from tracker.nlp.vocabulary import STANCES

register = template.Library()


@register.filter
def stance_symbol(stance: str) -> str:
    return STANCES[stance].symbol if stance in STANCES else "·"


@register.filter
def stance_label(stance: str) -> str:
    """The verb: "supports", "opposes", "considering"."""
    return STANCES[stance].verb if stance in STANCES else stance


def date_text(date, stated_on=None, is_past: bool = False, approximate: bool = False) -> str:
    """How every page writes a position's date: “19 Aug 2025”; “before 20 Aug 2025” for an earlier
    statement reported without its own date; “≈ 29 Nov 2026” when the article had no publication
    date and the date was reckoned from when it was ingested."""
    if approximate:
        return f"≈ {stated_on or date:%-d %b %Y}"
    if stated_on:
        return f"{stated_on:%-d %b %Y}"
    if is_past:
        return f"before {date:%-d %b %Y}"
    return f"{date:%-d %b %Y}"


@register.simple_tag
def position_date(position) -> str:
    """``date_text`` of a Position."""
    return date_text(
        position.timeline_date,
        position.stated_on,
        position.is_past,
        getattr(position, "date_approximate", False),
    )


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
