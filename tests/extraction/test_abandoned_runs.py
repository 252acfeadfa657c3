"""The sweep closes the run records a dead worker left open, as abandoned, saying why."""

import datetime as dt

import pytest
from django.utils import timezone

from tracker.extraction import extract, tasks
from tracker.extraction.models import ExtractionRun
from tracker.ingestion.models import Article

TEXT = "Kremlin spokesman Dmitry Peskov said foreign troops in Ukraine were unacceptable."
HOUR_AGO = timezone.now() - dt.timedelta(hours=1)


@pytest.fixture
def queued(monkeypatch):
    sent: list[int] = []
    monkeypatch.setattr(tasks, "queue_extraction", sent.extend)
    return sent


def claimed_by_a_worker_that_died(text: str = TEXT) -> tuple[Article, ExtractionRun]:
    article = Article.objects.create(title="Peskov", text=text, language="en")
    ((_, run),) = extract.claim([article.id])
    Article.objects.filter(id=article.id).update(state_changed_at=HOUR_AGO)
    ExtractionRun.objects.filter(id=run.id).update(started_at=HOUR_AGO)
    return article, run


def test_the_run_of_a_requeued_article_is_closed_as_abandoned(db, queued):
    article, run = claimed_by_a_worker_that_died()
    assert tasks.sweep_stuck_articles() == 1 and queued == [article.id]
    run.refresh_from_db()
    assert run.status == ExtractionRun.Status.ABANDONED and run.finished_at
    assert "worker stopped" in run.error and "re-queued" in run.error
    assert Article.objects.get(id=article.id).state == Article.State.INGESTED


def test_the_run_of_a_given_up_article_is_closed_as_abandoned(db, queued, settings):
    settings.EXTRACTION_MAX_ATTEMPTS = 1
    article, run = claimed_by_a_worker_that_died()
    assert tasks.sweep_stuck_articles() == 0 and queued == []
    run.refresh_from_db()
    assert run.status == ExtractionRun.Status.ABANDONED and "Given up after 1" in run.error
    assert Article.objects.get(id=article.id).state == Article.State.FAILED


def test_a_run_left_open_after_its_article_moved_on_is_closed(db, queued):
    # The worker died between failing the article and closing its record.
    article, run = claimed_by_a_worker_that_died()
    Article.objects.filter(id=article.id).update(state=Article.State.FAILED)
    tasks.sweep_stuck_articles()
    run.refresh_from_db()
    assert run.status == ExtractionRun.Status.ABANDONED and "worker stopped" in run.error


def test_a_run_whose_article_was_claimed_again_since_is_closed(db, queued):
    article, old = claimed_by_a_worker_that_died()
    Article.objects.filter(id=article.id).update(state=Article.State.INGESTED)
    ((_, new),) = extract.claim([article.id])
    tasks.sweep_stuck_articles()
    old.refresh_from_db()
    new.refresh_from_db()
    assert old.status == ExtractionRun.Status.ABANDONED
    assert new.status == ExtractionRun.Status.RUNNING, "a live extraction is left alone"


def test_live_and_finished_runs_are_left_alone(db, queued):
    live = Article.objects.create(title="Live", text=TEXT + " Live.", language="en")
    ((_, running),) = extract.claim([live.id])
    done, _ = claimed_by_a_worker_that_died()
    Article.objects.filter(id=done.id).update(state=Article.State.EXTRACTED)
    ExtractionRun.objects.filter(article=done).update(status=ExtractionRun.Status.DONE)
    assert tasks.sweep_stuck_articles() == 0
    running.refresh_from_db()
    assert running.status == ExtractionRun.Status.RUNNING
    assert ExtractionRun.objects.get(article=done).status == ExtractionRun.Status.DONE
