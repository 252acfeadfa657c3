"""Celery tasks for extraction: thin wrappers that take ids and call ``extract``."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from tracker.core.queue import QueueUnavailable, send
from tracker.extraction import extract
from tracker.ingestion.models import Article

logger = logging.getLogger(__name__)


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=150,
)
def extract_articles(article_ids: list[int]) -> int:
    """Extract a batch of articles; returns how many this task extracted or failed."""
    try:
        runs = extract.extract_batch(article_ids)
    except extract.Interrupted as exc:
        # Out of time: the article in hand failed; the others go back to the queue, one per task.
        for article_id in exc.released:
            extract_articles.delay([article_id])
        return len(article_ids) - len(exc.released)
    return len(runs)


def queue_extraction(article_ids: list[int]) -> None:
    """Queue extraction of these articles in tasks of ``EXTRACTION_BATCH_SIZE``; raises
    QueueUnavailable when the broker is down (the articles are saved: the sweep takes them)."""
    size = settings.EXTRACTION_BATCH_SIZE
    for start in range(0, len(article_ids), size):
        send(extract_articles, list(article_ids[start : start + size]))


def queue_quietly(article_ids: list[int]) -> None:
    """Queue extraction of these articles; a broker that is down is logged, not raised."""
    with contextlib.suppress(QueueUnavailable):  # logged by send(); the sweep queues them later
        queue_extraction(article_ids)


def requeue(articles) -> int:
    """Send articles (a queryset) back to extraction, attempts reset (``ArticleQuerySet.requeue``),
    and queue them when the transaction commits; returns how many."""
    ids = articles.requeue()
    transaction.on_commit(lambda: queue_quietly(ids))
    return len(ids)


WORKER_STOPPED = (
    "The worker stopped before this extraction finished (killed, out of memory or restarted)."
)


@shared_task(soft_time_limit=60, time_limit=90)
def sweep_stuck_articles() -> int:
    """Re-queue articles left waiting or half-extracted, e.g. after a broker outage or a killed
    worker, and close the run records their dead workers left open as abandoned."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.STUCK_AFTER_SECONDS)
    runs = extract.ExtractionRun.objects
    requeued = []
    for article_id, state, attempts in Article.objects.stuck(cutoff).values_list(
        "id", "state", "attempts"
    )[:500]:
        still = Article.objects.filter(id=article_id, state=state, state_changed_at__lt=cutoff)
        open_runs = runs.filter(article_id=article_id)
        with transaction.atomic():
            if state == Article.State.EXTRACTING and attempts >= settings.EXTRACTION_MAX_ATTEMPTS:
                # Its extraction stopped the worker (killed, out of memory) every time: a poison
                # article is given up, visibly, instead of taking workers down for ever.
                if still.fail(
                    f"Given up after {attempts} attempts: the extraction stopped its "
                    "worker each time. Fix the cause, then use Retry in admin."
                ):
                    open_runs.abandon(f"{WORKER_STOPPED} Given up after {attempts} attempts.")
                continue
            if state == Article.State.EXTRACTING:
                moved = still.release()
                if moved:
                    open_runs.abandon(f"{WORKER_STOPPED} The sweep re-queued the article.")
            else:
                moved = still.touch()
        if moved:
            requeued.append(article_id)
    # Records a worker left open after it had let go of the article (it died between failing or
    # giving back the article and closing the record).
    closed = runs.orphaned(cutoff).abandon(WORKER_STOPPED)
    queue_extraction(requeued)
    if requeued or closed:
        logger.info(
            "Sweep re-queued %d stuck articles, closed %d abandoned extraction runs",
            len(requeued),
            closed,
        )
    return len(requeued)
