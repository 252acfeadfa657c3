"""Celery tasks for ingestion: thin wrappers that take ids and call ``runs``."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from tracker.core.queue import send
from tracker.ingestion import runs
from tracker.ingestion.fetch import TransientFetchError, backoff_seconds
from tracker.ingestion.models import IngestRun, PendingItem, Source

logger = logging.getLogger(__name__)

DB_ERRORS = (OperationalError, InterfaceError)


@shared_task(
    autoretry_for=DB_ERRORS,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def process_run(run_id: int) -> int:
    """Fan a run's waiting items out to ``ingest_items`` tasks; returns how many tasks were sent."""
    run = IngestRun.objects.filter(id=run_id).first()
    if run is None or run.is_finished:
        return 0
    groups = runs.batches(run)
    for group in groups:
        ingest_items.delay(run_id, group)
    runs.close_run_if_done(run_id)
    return len(groups)


@shared_task(
    bind=True,
    autoretry_for=DB_ERRORS,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=None,
    soft_time_limit=240,
    time_limit=300,
)
def ingest_items(self, run_id: int, item_ids: list[int]) -> int:
    """Ingest some items of a run. A transient fetch error (network, 5xx, 429) is retried with
    exponential backoff and jitter, or after the server's Retry-After; the item's attempt count
    bounds the retries, so ``max_retries`` is left to it."""
    try:
        outcome = runs.process_items(run_id, item_ids)
    except runs.RetryLater as exc:
        logger.info("Run %s: retrying %s in %.0fs (%s)", run_id, item_ids, exc.delay, exc)
        raise self.retry(countdown=exc.delay, exc=exc) from None
    return outcome.new


@shared_task(
    bind=True,
    autoretry_for=DB_ERRORS,
    retry_backoff=2,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=150,
)
def poll_feed(self, source_id: int, run_id: int | None = None) -> str:
    """Poll one feed (beat runs this per source at the source's interval; admin's "poll now" too)."""
    source = Source.objects.filter(id=source_id).first()
    if source is None:
        return "gone"
    run = IngestRun.objects.filter(id=run_id).first() if run_id else None
    if run is None:
        run = runs.open_feed_run(source)
    try:
        runs.poll_source(source, run=run)
    except TransientFetchError as exc:
        if self.request.retries + 1 >= settings.FETCH_MAX_ATTEMPTS:
            runs.feed_failed(
                source, run, f"{exc} (gave up after {self.request.retries + 1} attempts)"
            )
            return "failed"
        delay = backoff_seconds(self.request.retries, exc.retry_after)
        raise self.retry(
            args=[source_id, run.id], countdown=delay, exc=exc, max_retries=None
        ) from None
    process_run.delay(run.id)
    return "ok"


@shared_task(soft_time_limit=60, time_limit=90)
def sweep_pending_items() -> int:
    """Re-dispatch items whose message was lost or whose worker died (their claims are let go,
    so any worker may take them), and close runs a dead worker left open after their last item;
    returns how many tasks were sent."""
    now = timezone.now()
    waiting = now - dt.timedelta(seconds=settings.STUCK_AFTER_SECONDS)
    stale = now - dt.timedelta(seconds=runs.CLAIM_STALE_SECONDS)
    lost = PendingItem.objects.filter(claimed_at__isnull=True, created_at__lt=waiting)
    died = PendingItem.objects.filter(claimed_at__lt=stale)
    sent = 0
    by_run: dict[int, list[int]] = {}
    for item_id, run_id in lost.values_list("id", "run_id")[:5000]:
        by_run.setdefault(run_id, []).append(item_id)
    for run_id, ids in by_run.items():
        for start in range(0, len(ids), settings.INGEST_CHUNK_SIZE):
            ingest_items.delay(run_id, ids[start : start + settings.INGEST_CHUNK_SIZE])
            sent += 1
    # Items whose worker died go one per task: one of them may be what killed it. The attempt
    # the dead worker made stays counted, so an item that keeps killing workers is given up.
    for item_id, run_id, claim in died.values_list("id", "run_id", "claim")[:500]:
        if PendingItem.objects.filter(id=item_id, claim=claim, claimed_at__lt=stale).release():
            logger.warning(
                "Run %s: the worker ingesting item %s stopped (killed, out of memory or "
                "restarted); the item is queued again",
                run_id,
                item_id,
            )
            ingest_items.delay(run_id, [item_id])
            sent += 1
    # A worker that died after storing a run's last batch but before closing the run.
    for run_id in IngestRun.objects.filter(
        status__in=[IngestRun.Status.QUEUED, IngestRun.Status.RUNNING],
        created_at__lt=waiting,
        items_seen__gt=0,
        pending__isnull=True,
    ).values_list("id", flat=True)[:500]:
        runs.close_run_if_done(run_id)
    if sent:
        logger.info("Ingestion sweep re-dispatched %d task(s)", sent)
    return sent


def dispatch_run(run_id: int) -> None:
    """Queue a run now; raises QueueUnavailable (with a message for people) if the broker is down.
    The run and its items are already saved, so the sweep takes them up later in that case."""
    send(process_run, run_id)
