"""Re-running extraction over one article, a selection or everything, as a tracked job.

``create_job`` records the job and one item per article (``tasks.start_job`` also hands the items
to Celery when the transaction commits); ``run_item`` is what a worker does with one item (also
callable inline by ``manage.py reextract --now``).
"""

from __future__ import annotations

from django.db import transaction

from tracker.curation.models import ReextractionItem, ReextractionJob
from tracker.extraction import extract
from tracker.ingestion.models import Article


def create_job(*, article_ids=None, user=None) -> ReextractionJob:
    """``article_ids=None`` means every article."""
    articles = (
        Article.objects.all()
        if article_ids is None
        else Article.objects.filter(id__in=list(article_ids))
    )
    ids = list(articles.order_by("id").values_list("id", flat=True))
    if article_ids is None:
        scope = ReextractionJob.Scope.ALL
    else:
        scope = ReextractionJob.Scope.ARTICLE if len(ids) == 1 else ReextractionJob.Scope.SELECTION
    with transaction.atomic():
        job = ReextractionJob.objects.create(scope=scope, total=len(ids), created_by=user)
        ReextractionItem.objects.bulk_create(
            [ReextractionItem(job=job, article_id=article_id) for article_id in ids],
            batch_size=1000,
        )
        if not ids:
            job.refresh_progress()
    return job


def run_item(item_id: int) -> str:
    """Extract one item's article again; idempotent (a claimed or finished item is left alone)."""
    if not ReextractionItem.objects.filter(id=item_id).claim():
        return "skipped"
    item = ReextractionItem.objects.select_related("job").get(id=item_id)
    Article.objects.filter(id=item.article_id).requeue()
    try:
        run = extract.extract_article(item.article_id)
    except Exception as exc:
        if extract.is_transient(exc):
            # Give the item back so the task's retry can claim it again.
            ReextractionItem.objects.filter(id=item_id).release()
            raise
        # A time limit: the article stays as extract left it, the job still finishes.
        running = extract.ExtractionRun.objects.filter(
            article_id=item.article_id, status="running"
        ).first()
        if running:
            extract.mark_failed(item.article_id, running, exc)
        run = None
        failed = True
    else:
        failed = run is not None and run.status == run.Status.FAILED
    state = ReextractionItem.State.FAILED if failed else ReextractionItem.State.DONE
    ReextractionItem.objects.filter(id=item_id).finish(state)
    item.job.refresh_progress()
    return state
