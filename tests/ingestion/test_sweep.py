"""The ingestion sweep lets go of items a dead worker held and closes runs it left open."""

import datetime as dt

import pytest
from django.utils import timezone

from tracker.ingestion import runs, tasks
from tracker.ingestion.models import IngestRun, PendingItem

LINES = b'{"title": "A", "text": "First article text."}\n{"title": "B", "text": "Second."}\n'
LONG_AGO = timezone.now() - dt.timedelta(hours=2)


@pytest.fixture
def dispatched(monkeypatch):
    sent: list[tuple[int, list[int]]] = []
    monkeypatch.setattr(tasks.ingest_items, "delay", lambda run_id, ids: sent.append((run_id, ids)))
    return sent


def test_items_a_dead_worker_claimed_are_let_go_and_queued_one_by_one(db, dispatched):
    run = runs.start_bulk_run("two.jsonl", LINES)
    PendingItem.objects.filter(run=run).update(created_at=LONG_AGO)
    first, second = PendingItem.objects.filter(run=run).order_by("id")
    runs.claim_items(run.id, [first.id, second.id])  # then the worker was killed
    PendingItem.objects.filter(run=run).update(claimed_at=LONG_AGO)
    assert tasks.sweep_pending_items() == 2
    assert sorted(dispatched) == [(run.id, [first.id]), (run.id, [second.id])]
    assert not PendingItem.objects.filter(run=run, claimed_at__isnull=False).exists()
    # Any worker may take them now; the dead worker's attempt still counts.
    outcome = runs.process_items(run.id, [first.id, second.id])
    assert outcome.new == 2
    run.refresh_from_db()
    assert run.status == IngestRun.Status.DONE


def test_a_run_left_open_after_its_last_item_is_closed(db, dispatched):
    run = runs.start_bulk_run("two.jsonl", LINES)
    # The worker stored every item and died before closing the run.
    PendingItem.objects.filter(run=run).delete()
    IngestRun.objects.filter(id=run.id).update(
        status=IngestRun.Status.RUNNING, items_new=2, created_at=LONG_AGO
    )
    tasks.sweep_pending_items()
    run.refresh_from_db()
    assert run.status == IngestRun.Status.DONE and run.finished_at


def test_a_run_still_working_is_left_open(db, dispatched):
    run = runs.start_bulk_run("two.jsonl", LINES)
    IngestRun.objects.filter(id=run.id).update(created_at=LONG_AGO)
    tasks.sweep_pending_items()
    assert IngestRun.objects.get(id=run.id).status == IngestRun.Status.QUEUED
