"""CSV and JSON for every list, streamed so a million rows never sit in memory."""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse

CHUNK = 2000


class _Echo:
    def write(self, value: str) -> str:
        return value


def _plain(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _csv_cell(value):
    value = _plain(value)
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        # Spreadsheets run cells that start like formulas; quote them as text.
        return "'" + value
    return value


def stream(
    rows: Iterable[dict], header: list[str], fmt: str, filename: str
) -> StreamingHttpResponse:
    """A streamed CSV or JSON download of ``rows`` (dicts keyed by ``header``)."""
    if fmt == "csv":
        writer = csv.writer(_Echo())

        def lines() -> Iterator[str]:
            yield "\ufeff" + writer.writerow(
                header
            )  # BOM: Excel then reads UTF-8 (Arabic, Cyrillic)
            for row in rows:
                yield writer.writerow([_csv_cell(row.get(key)) for key in header])

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    else:

        def items() -> Iterator[str]:
            yield "["
            first = True
            for row in rows:
                yield ("\n" if first else ",\n") + json.dumps(
                    {key: _plain(row.get(key)) for key in header}, ensure_ascii=False
                )
                first = False
            yield "\n]\n"

        response = StreamingHttpResponse(items(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Export columns as (header, field) pairs: one list, so header and values cannot drift apart.
POSITION_COLUMNS = [
    ("id", "id"),
    ("timeline_date", "timeline_date"),
    ("stated_on", "stated_on"),
    ("is_past", "is_past"),
    ("date_approximate", "date_approximate"),
    ("actor_id", "actor_id"),
    ("actor", "actor__name"),
    ("proposal", "proposal__kind"),
    ("stance", "stance"),
    ("review_status", "review_status"),
    ("confidence", "confidence"),
    ("evidence", "evidence"),
    ("rules", "rules"),
    ("article_id", "article_id"),
    ("article_title", "article__title"),
    ("article_url", "article__url"),
    ("language", "article__language"),
    ("source", "article__source__name"),
]
POSITION_HEADER = [header for header, _ in POSITION_COLUMNS]

SHIFT_COLUMNS = [
    ("id", "id"),
    ("timeline_date", "timeline_date"),
    ("actor_id", "actor_id"),
    ("actor", "actor__name"),
    ("proposal", "proposal__kind"),
    ("from_stance", "from_stance"),
    ("to_stance", "to_stance"),
    ("confidence", "confidence"),
    ("before_position_id", "before_id"),
    ("before_date", "before__timeline_date"),
    ("before_evidence", "before__evidence"),
    ("after_position_id", "after_id"),
    ("after_evidence", "after__evidence"),
    ("after_article_id", "after__article_id"),
]
SHIFT_HEADER = [header for header, _ in SHIFT_COLUMNS]


def _rows(qs, columns) -> Iterator[dict]:
    values = qs.values_list(*(field for _, field in columns))
    headers = [header for header, _ in columns]
    for row in values.iterator(chunk_size=CHUNK):
        yield dict(zip(headers, row, strict=True))


def position_rows(qs) -> Iterator[dict]:
    return _rows(qs, POSITION_COLUMNS)


def shift_rows(qs) -> Iterator[dict]:
    return _rows(qs, SHIFT_COLUMNS)
