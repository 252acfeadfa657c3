"""The database drops a worker's connections mid-batch (pg_terminate_backend, as a restart or a
failover would): the batch is retried on a fresh connection and the result is complete."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.faults.conftest import (
    assert_extracted_exactly_once_as_undisturbed,
    settle,
    synthetic_articles,
    wait_for,
)
from tracker.ingestion.models import Article
from tracker.ingestion.runs import process_run_inline, start_bulk_run

ARTICLES = 200
WORKER_ENV = {"EXTRACTION_BATCH_SIZE": "10"}  # for what the worker queues again


def terminate_other_connections() -> int:
    """End every other session on the test database: the worker's (nothing else uses it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.slow
def test_a_batch_whose_database_connections_are_dropped_is_retried_and_completes(
    workers, sweep, tmp_path, settings
):
    settings.EXTRACTION_BATCH_SIZE = 10  # queued from this process: twenty batches
    data = synthetic_articles(tmp_path / "dropped.jsonl", ARTICLES, seed=13)
    # Stored here, by the bulk path of `manage.py ingest`: the worker only extracts, so the cuts
    # land in extraction batches.
    with data.open("rb") as lines:
        run = process_run_inline(start_bulk_run(data.name, lines))
    assert run.items_new == ARTICLES
    worker = workers(**WORKER_ENV)
    in_flight = Article.objects.filter(ingest_run=run, state=Article.State.EXTRACTING)
    waiting = Article.objects.filter(
        ingest_run=run, state__in=[Article.State.INGESTED, Article.State.EXTRACTING]
    )
    extracted = Article.objects.filter(ingest_run=run, state=Article.State.EXTRACTED)
    cuts = 0
    for _ in range(2):
        wait_for(lambda: in_flight.exists() or not waiting.exists(), 60, "a batch in flight")
        if terminate_other_connections() and in_flight.exists():
            cuts += 1
        # The worker gets going again before the next cut.
        done = extracted.count()
        wait_for(
            lambda done=done: extracted.count() > done or not waiting.exists(), 60, "more work done"
        )
    assert cuts, "no extraction batch was in flight when the connections were cut"
    # The task's retry finishes the work. Only a cut that lands on a claim's COMMIT leaves the
    # client unsure whether it committed; those articles wait for the sweep, as in production.
    settle([run.id], timeout=60, sweep=sweep)

    assert worker.alive()
    assert_extracted_exactly_once_as_undisturbed([run.id], ARTICLES)
    assert "Retry in" in worker.log(), "the broken batch was retried by the task"
    print(f"connections cut mid-batch {cuts} times; {worker.log().count('Retry in')} task retries")
