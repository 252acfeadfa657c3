"""Celery tasks for extraction: thin wrappers that take ids and call ``extract``."""

from __future__ import annotations

import datetime as dt
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import timezone

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
def extract_article(article_id: int) -> str:
    try:
        run = extract.extract_article(article_id)
    except SoftTimeLimitExceeded as exc:
        failed = extract.ExtractionRun.objects.filter(
            article_id=article_id, status="running"
        ).first()
        if failed:
            extract.mark_failed(article_id, failed, exc)
        return "timeout"
    return "skipped" if run is None else run.status


@shared_task(soft_time_limit=60, time_limit=90)
def sweep_stuck_articles() -> int:
    """Re-queue articles left waiting or half-extracted, e.g. after a broker outage or a killed worker."""
    cutoff = timezone.now() - dt.timedelta(seconds=settings.STUCK_AFTER_SECONDS)
    requeued = 0
    for article_id, state in Article.objects.stuck(cutoff).values_list("id", "state")[:500]:
        if state == Article.State.EXTRACTING:
            moved = Article.objects.filter(
                id=article_id, state=state, state_changed_at__lt=cutoff
            ).update(state=Article.State.INGESTED, state_changed_at=timezone.now())
        else:
            moved = Article.objects.filter(
                id=article_id, state=state, state_changed_at__lt=cutoff
            ).update(state_changed_at=timezone.now())
        if moved:
            extract_article.delay(article_id)
            requeued += 1
    if requeued:
        logger.info("Sweep re-queued %d stuck articles", requeued)
    return requeued
