"""Database connections in long-lived worker processes.

A worker keeps its connection across tasks (``WORKER_DB_REUSE_MAX``); when the server drops it
(a restart, a failover, ``pg_terminate_backend``), Django would go on using the dead connection,
and every later task in that process would fail the same way.
"""

from __future__ import annotations

from django.db import connections


def drop_broken_connections() -> None:
    """Close the connections the server has dropped, so the next query opens a fresh one. One
    ``SELECT 1`` a connection; connections inside a transaction are left to it."""
    for conn in connections.all(initialized_only=True):
        if conn.connection is not None and not conn.in_atomic_block and not conn.is_usable():
            conn.close()
