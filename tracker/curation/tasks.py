"""Celery tasks for re-extraction jobs: they take ids and call ``jobs``."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from tracker.curation import jobs
from tracker.curation.models import ReextractionItem


@shared_task(soft_time_limit=120, time_limit=150)
def fan_out(job_id: int) -> int:
    item_ids = list(
        ReextractionItem.objects.filter(
            job_id=job_id, state=ReextractionItem.State.QUEUED
        ).values_list("id", flat=True)
    )
    for item_id in item_ids:
        reextract_item.delay(item_id)
    return len(item_ids)


@shared_task(
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=120,
    time_limit=150,
)
def reextract_item(item_id: int) -> str:
    return jobs.run_item(item_id)
