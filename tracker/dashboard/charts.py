"""Server-rendered SVG charts: stance sparklines and weekly stacked bars.

Geometry is computed here; the templates only draw it. Stances differ by
shape and pattern as well as colour, so the charts never rely on colour alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

from tracker.nlp.vocabulary import STANCES

STANCE_Y = {"support": 6, "considering": 16, "oppose": 26}


@dataclass
class Mark:
    x: float
    y: float
    stance: str
    date: dt.date
    position_id: int
    article_id: int
    title: str = ""


def _marks_svg(marks: list[Mark]) -> str:
    """The SVG shapes of a sparkline's marks: 280 marks through {% if %} and float
    localisation in the template cost ~40 ms per actor page; this costs ~1 ms."""
    shapes = []
    for m in marks:
        title = f"<title>{escape(m.title)}</title>"
        if m.stance == "support":
            shapes.append(
                f'<path d="M{m.x} {m.y}m-4 3h8l-4-7z" class="mark support">{title}</path>'
            )
        elif m.stance == "oppose":
            shapes.append(
                f'<path d="M{m.x} {m.y}m-4 -3h8l-4 7z" class="mark oppose">{title}</path>'
            )
        else:
            shapes.append(
                f'<circle cx="{m.x}" cy="{m.y}" r="3.2" class="mark considering">{title}</circle>'
            )
    return mark_safe("\n".join(shapes))  # noqa: S308 - numbers, and titles escaped above


def sparkline(positions, width: int = 240, pad: int = 6) -> dict:
    """Points for one actor's positions on one proposal, oldest first."""
    if not positions:
        return {"marks": [], "points": "", "width": width}
    first, last = positions[0].timeline_date, positions[-1].timeline_date
    span = max((last - first).days, 1)
    marks = []
    for position in positions:
        x = pad + (width - 2 * pad) * (
            (position.timeline_date - first).days / span if len(positions) > 1 else 0.5
        )
        # Titles are formatted here: hundreds of |date filters in the template cost tens of ms.
        marks.append(
            Mark(
                round(x, 1),
                STANCE_Y[position.stance],
                position.stance,
                position.timeline_date,
                position.id,
                position.article_id,
                f"{position.timeline_date:%-d %b %Y}: {STANCES[position.stance].verb}",
            )
        )
    return {
        "marks": marks,
        "marks_svg": _marks_svg(marks),
        "points": " ".join(f"{m.x},{m.y}" for m in marks),
        "width": width,
        "first": first,
        "last": last,
    }


def weekly_bars(
    rows: list[dict], first: dt.date | None, weeks: int = 52, width: int = 720, height: int = 180
) -> dict:
    """Stacked bars per week (support at the bottom, considering, oppose on top)."""
    if first is None:
        return {"bars": [], "weeks": 0}
    counts: dict[dt.date, dict[str, int]] = {}
    for row in rows:
        week = row["week"]
        if isinstance(week, dt.datetime):
            week = week.date()
        counts.setdefault(week, {})[row["stance"]] = row["n"]
    starts = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    peak = max((sum(c.values()) for c in counts.values()), default=0) or 1
    left, bottom = 36, 20
    plot_w, plot_h = width - left - 8, height - bottom - 8
    step = plot_w / weeks
    bars, table = [], []
    for i, start in enumerate(starts):
        week_counts = counts.get(start, {})
        y = height - bottom
        segments = []
        for stance in ("support", "considering", "oppose"):
            n = week_counts.get(stance, 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            segments.append({"stance": stance, "n": n, "y": round(y, 1), "h": round(h, 1)})
        bars.append(
            {
                "x": round(left + i * step + 1, 1),
                "w": round(max(step - 2, 1), 1),
                "week": start,
                "segments": segments,
                "total": sum(week_counts.values()),
            }
        )
        if week_counts:
            table.append({"week": start, **{s: week_counts.get(s, 0) for s in STANCE_Y}})
    values = sorted({0, peak // 2, peak}) if peak >= 4 else sorted({0, peak})
    ticks = [{"y": round(height - bottom - plot_h * v / peak, 1), "label": v} for v in values]
    months = []
    for index, bar in enumerate(bars):
        if bar["week"].day <= 7 or index == 0:
            label = bar["week"].strftime("%b" if weeks > 16 else "%-d %b")
            months.append({"x": bar["x"], "label": label})
    return {
        "bars": bars,
        "ticks": ticks,
        "months": months,
        "width": width,
        "height": height,
        "left": left,
        "baseline": height - bottom,
        "table": table,
        "peak": peak,
        "weeks": weeks,
    }
