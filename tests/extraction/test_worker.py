"""A real Celery worker on Redis takes an article from ingested to extracted."""

import datetime as dt
import time

import pytest
from django.utils import timezone

from tracker.core.queue import QueueUnavailable, send
from tracker.extraction.tasks import sweep_stuck_articles
from tracker.ingestion.ingest import store_article
from tracker.ingestion.models import Article

TEXT = (
    "Kremlin spokesman Dmitry Peskov said on Tuesday that the deployment of foreign troops "
    "on Ukrainian soil was unacceptable to Russia."
)


def wait_for_state(article_id, state, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        article = Article.objects.get(id=article_id)
        if article.state == state:
            return article
        time.sleep(0.2)
    raise AssertionError(f"article {article_id} still {article.state!r} after {timeout}s")


@pytest.mark.slow
def test_a_worker_extracts_an_ingested_article(celery_worker):
    stored = store_article(title="Peskov", text=TEXT, language="en", published=dt.date(2025, 9, 4))
    assert stored.created
    article = wait_for_state(stored.article.id, Article.State.EXTRACTED)
    assert article.positions.filter(
        actor__name="Dmitry Peskov", proposal__kind="ground_troops", stance="oppose"
    ).exists()


@pytest.mark.slow
def test_the_sweep_requeues_an_article_whose_message_was_lost(celery_worker, settings):
    article = Article.objects.create(
        title="Lost", text=TEXT, language="en", published=dt.date(2025, 9, 4)
    )
    Article.objects.filter(id=article.id).update(
        state_changed_at=timezone.now() - dt.timedelta(hours=1)
    )
    assert sweep_stuck_articles() == 1
    assert wait_for_state(article.id, Article.State.EXTRACTED).positions.exists()


def test_a_broker_that_is_down_gives_a_clear_error(monkeypatch):
    from celery import Celery

    # Celery prefers the environment's broker URL over the one given here.
    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)
    # Not made the current app: later tests rely on the project's being the current one.
    dead = Celery("dead", broker="redis://127.0.0.1:1/0", set_as_current=False)
    assert dead.conf.broker_url == "redis://127.0.0.1:1/0"
    dead.conf.broker_connection_timeout = 1
    dead.conf.broker_connection_retry = False

    @dead.task(name="tracker.tests.noop")
    def noop(article_id):
        return article_id

    with pytest.raises(QueueUnavailable, match="saved and will be processed automatically"):
        send(noop, 1)
