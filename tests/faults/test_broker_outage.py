"""The broker goes away, three times, while a bulk ingestion and its extraction are under way,
and comes back empty (a Redis without persistence): submissions made meanwhile are saved and the
user is told so, the sweep re-queues what the broker lost, and in the end nothing is lost and
nothing is extracted twice."""

from __future__ import annotations

import time

import pytest
from django.utils import timezone

from tests.faults.conftest import (
    assert_extracted_exactly_once_as_undisturbed,
    busy,
    settle,
    synthetic_articles,
    wait_for,
)
from tracker.core.queue import QueueUnavailable
from tracker.ingestion.models import Article, IngestRun
from tracker.ingestion.runs import start_bulk_run
from tracker.ingestion.tasks import dispatch_run

ARTICLES = 150
OUTAGES = 3
OUTAGE_SECONDS = 2.0
DURING_OUTAGE = 20  # articles of the bulk file submitted while the broker is down
WORKER_ENV = {"EXTRACTION_BATCH_SIZE": "10", "INGEST_CHUNK_SIZE": "20"}
CLEAR_MESSAGE = "The task queue is not reachable right now"


@pytest.mark.slow
def test_a_broker_outage_during_bulk_ingestion_loses_nothing_and_extracts_nothing_twice(
    workers, sweep, publish_to, client, alice, tmp_path
):
    broker = publish_to
    client.force_login(alice)
    data = synthetic_articles(tmp_path / "outage.jsonl", ARTICLES, seed=17)
    with data.open("rb") as lines:
        first = start_bulk_run(data.name, lines)
    run_ids = [first.id]
    current = {"worker": workers(**WORKER_ENV), "restarts": 0}

    def supervise() -> None:
        """What a process manager does: a worker that died is started again (see the README)."""
        if not current["worker"].alive():
            sweep(timezone.now())  # nothing of the dead worker's is alive any more
            current["worker"] = workers(**WORKER_ENV)
            current["restarts"] += 1

    extracted = Article.objects.filter(state=Article.State.EXTRACTED)

    def progress(beyond: int) -> bool:
        supervise()
        if not busy():
            sweep(timezone.now(), at_once=False)
        return extracted.count() > beyond

    dispatch_run(first.id)
    wait_for(
        lambda: IngestRun.objects.get(id=first.id).items_new > 0, 60, "the bulk ingestion to start"
    )
    for outage in range(OUTAGES):
        broker.stop()
        started = time.monotonic()
        # A submission from the page: saved, and the user is told it will be processed later.
        html = client.post(
            "/submit/",
            {
                "kind": "paste",
                "paste-title": f"Pasted during outage {outage}",
                "paste-language": "en",
                "paste-published": "2025-09-04",
                "paste-text": f"Outage {outage}: Kremlin spokesman Dmitry Peskov said on Tuesday "
                "that the deployment of foreign troops on Ukrainian soil was unacceptable.",
            },
            follow=True,
        ).content.decode()
        assert CLEAR_MESSAGE in html
        run_ids.append(IngestRun.objects.get(submitted=f"Pasted during outage {outage}").id)
        # A bulk file handed in by code: saved, and the caller gets the same clear error.
        more = synthetic_articles(
            tmp_path / f"during{outage}.jsonl", DURING_OUTAGE, seed=100 + outage
        )
        with more.open("rb") as lines:
            run = start_bulk_run(more.name, lines)
        run_ids.append(run.id)
        with pytest.raises(QueueUnavailable, match="saved and will be processed automatically"):
            dispatch_run(run.id)
        time.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - started)))  # the outage itself
        broker.start()  # empty: every message it held is gone
        before = extracted.count()
        wait_for(lambda before=before: progress(before), 60, f"work to go on after outage {outage}")

    settle(run_ids, timeout=60, sweep=sweep, supervise=supervise)
    total = ARTICLES + OUTAGES * (DURING_OUTAGE + 1)
    assert_extracted_exactly_once_as_undisturbed(run_ids, total)
    print(f"worker restarts after the outages: {current['restarts']}")
