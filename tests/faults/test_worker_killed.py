"""A worker SIGKILLed while extraction batches are in flight loses nothing: a new worker and the
sweep finish the work, every article is extracted exactly once with the positions an
undisturbed run gives, and no record is left running."""

from __future__ import annotations

import pytest
from django.utils import timezone

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

ARTICLES = 300
WORKER_ENV = {"EXTRACTION_BATCH_SIZE": "20", "INGEST_CHUNK_SIZE": "50"}


@pytest.mark.slow
def test_a_worker_killed_mid_batch_loses_nothing_and_extracts_nothing_twice(
    workers, sweep, tmp_path
):
    data = synthetic_articles(tmp_path / "killed.jsonl", ARTICLES, seed=11)
    with data.open("rb") as lines:
        run = start_bulk_run(data.name, lines)
    dispatch_run(run.id)
    in_flight = Article.objects.filter(ingest_run=run, state=Article.State.EXTRACTING)
    held: set[int] = set()
    for _ in range(3):  # in the rare case a kill lands between two batches, kill again
        worker = workers(**WORKER_ENV)
        wait_for(in_flight.exists, 60, "an extraction batch in flight")
        worker.kill()
        held = set(in_flight.values_list("id", flat=True))
        if held:
            break
        sweep(timezone.now())
    assert held, "no batch was in flight when the worker was killed"
    # Beat runs the sweep; nothing of the dead worker's is alive, so all it held counts as lost.
    sweep(timezone.now())
    workers(**WORKER_ENV)
    settle([run.id], timeout=60, sweep=sweep)

    assert_extracted_exactly_once_as_undisturbed([run.id], ARTICLES)
    abandoned = ExtractionRun.objects.filter(status=ExtractionRun.Status.ABANDONED)
    assert held <= set(abandoned.values_list("article_id", flat=True))
    assert all("worker stopped" in error for error in abandoned.values_list("error", flat=True))
    print(f"killed holding {len(held)} articles; {abandoned.count()} runs closed as abandoned")
