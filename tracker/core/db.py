"""Database helpers: dropped connections in long-lived workers, and a bulk insert for wide rows.

A worker keeps its connection across tasks (``WORKER_DB_REUSE_MAX``); when the server drops it
(a restart, a failover, ``pg_terminate_backend``), Django would go on using the dead connection,
and every later task in that process would fail the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence

from django.db import connection, connections, models


def drop_broken_connections() -> None:
    """Close the connections the server has dropped, so the next query opens a fresh one. One
    ``SELECT 1`` a connection; connections inside a transaction are left to it."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block and not conn.is_usable():
            conn.close()


def bulk_insert(objects: Sequence[models.Model]) -> None:
    """Insert rows of one model in one statement, as ``bulk_create`` does (no signals, no
    ``save()``; new rows get their primary keys), for rows that carry JSON.

    ``bulk_create`` sends each column as a PostgreSQL array literal, which psycopg escapes
    element by element in Python: every quotation mark of a JSON value costs a regular-expression
    substitution, and an extraction batch's positions and mention lists have tens of thousands.
    Here the rows travel as one JSON document, written by the json module's C encoder and read
    by ``jsonb_to_recordset``: a third of the time, client and server together, for the same rows.
    Values are the fields' ``pre_save`` values (``auto_now`` and defaults included); every column
    type the models use reads back from JSON unchanged (text, numbers, booleans, dates,
    timestamps, JSON).
    """
    if not objects:
        return
    meta = type(objects[0])._meta
    # Rows that already have their keys (records replaced under the same ids) keep them.
    keyed = all(obj.pk is not None for obj in objects)
    fields = [f for f in meta.concrete_fields if (keyed or not f.primary_key) and not f.generated]
    rows = [{f.column: f.pre_save(obj, add=True) for f in fields} for obj in objects]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    # Without a length, as Django's own bulk insert casts: the table's column enforces it.
    types = ", ".join(f"{quote(f.column)} {f.db_type(connection).split('(')[0]}" for f in fields)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) SELECT {columns} "  # noqa: S608 - model metadata, values in params
            f"FROM jsonb_to_recordset(%s::jsonb) AS new({types}) RETURNING {quote(meta.pk.column)}",
            [json.dumps(rows, ensure_ascii=False, default=_json_value)],
        )
        for obj, (pk,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = pk
            obj._state.adding = False
            obj._state.db = connection.alias


def _json_value(value):
    if isinstance(value, dt.date):  # datetimes too: ISO 8601 with the time zone
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} has no JSON form for bulk_insert")
