"""Celery tasks for re-extraction jobs: they take ids and call ``jobs``."""

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from tracker.curation import jobs
from tracker.curation.models import ReextractionItem, ReextractionJob


def start_job(*, article_ids=None, user=None) -> ReextractionJob:
    """Record a re-extraction job (``jobs.create_job``) and fan its items out to the workers when
    the transaction commits. ``article_ids=None`` means every article."""
    with transaction.atomic():
        job = jobs.create_job(article_ids=article_ids, user=user)
        if job.total:
            transaction.on_commit(lambda: fan_out.delay(job.pk))
    return job


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
