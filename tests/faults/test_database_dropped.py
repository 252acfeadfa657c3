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
from tracker.extraction.models import ExtractionRun
from tracker.ingestion.models import Article
from tracker.ingestion.runs import start_bulk_run
from tracker.ingestion.tasks import dispatch_run

ARTICLES = 200
WORKER_ENV = {"EXTRACTION_BATCH_SIZE": "20", "INGEST_CHUNK_SIZE": "50"}


def terminate_other_connections() -> int:
    """End every other session on the test database: the worker's (nothing else uses it)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


@pytest.mark.slow
def test_a_batch_whose_database_connections_are_dropped_is_retried_and_completes(workers, tmp_path):
    data = synthetic_articles(tmp_path / "dropped.jsonl", ARTICLES, seed=13)
    with data.open("rb") as lines:
        run = start_bulk_run(data.name, lines)
    worker = workers(**WORKER_ENV)
    dispatch_run(run.id)
    in_flight = Article.objects.filter(ingest_run=run, state=Article.State.EXTRACTING)
    extracted = Article.objects.filter(ingest_run=run, state=Article.State.EXTRACTED)
    dropped = 0
    for _ in range(2):
        wait_for(in_flight.exists, 60, "an extraction batch in flight")
        dropped += terminate_other_connections()
        before = extracted.count()
        # Let the worker get going again before the next cut.
        wait_for(lambda before=before: extracted.count() > before, 60, "extraction to go on")
    assert dropped >= 2
    settle([run.id], timeout=60)  # no sweep: the task's own retry has to finish the work

    assert worker.alive()
    assert_extracted_exactly_once_as_undisturbed([run.id], ARTICLES)
    assert "Retry in" in worker.log(), "the broken batch was retried by the task"
    assert not ExtractionRun.objects.filter(status=ExtractionRun.Status.ABANDONED).exists()
    print(f"{dropped} connections dropped; {worker.log().count('Retry in')} task retries")
