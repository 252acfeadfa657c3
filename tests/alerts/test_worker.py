"""A real Celery worker: an ingested article that matches a watchlist raises one alert, mailed
once; re-extracting the article and re-running the batch change nothing."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.core import mail

from tests.alerts.conftest import watch
from tracker.alerts.models import Alert, Delivery, Watchlist
from tracker.alerts.tasks import match_batch
from tracker.curation.models import ReextractionJob
from tracker.curation.tasks import start_job
from tracker.ingestion.ingest import store_article

TEXT = (
    "Kremlin spokesman Dmitry Peskov said on Tuesday that the deployment of foreign troops "
    "on Ukrainian soil was unacceptable to Russia."
)


def wait_for(predicate, timeout=45.0, what="it"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
def test_an_ingested_article_is_alerted_and_mailed_once_whatever_runs_again(celery_worker, alice):
    alice.email = "alice@example.org"
    alice.save()
    watch(alice, name="Troops", proposal="ground_troops", email=Watchlist.Email.IMMEDIATE)
    stored = store_article(title="Peskov", text=TEXT, language="en", published=dt.date(2025, 9, 4))
    positions = wait_for(
        lambda: list(stored.article.positions.filter(proposal__kind="ground_troops")),
        what="the extraction",
    )
    wait_for(
        lambda: Delivery.objects.filter(status=Delivery.Status.SENT).count() == len(positions),
        what="one email per position",
    )
    alerts = set(Alert.objects.values_list("id", "position_id"))
    assert {p for _, p in alerts} == {p.id for p in positions}
    assert len(mail.outbox) == len(positions)

    # Re-extract the article, then re-run the batch by hand.
    job = start_job(article_ids=[stored.article.id])
    wait_for(
        lambda: ReextractionJob.objects.get(id=job.id).status == ReextractionJob.Status.DONE,
        what="the re-extraction",
    )
    match_batch.delay([p.id for p in positions])
    time.sleep(3)
    assert set(Alert.objects.values_list("id", "position_id")) == alerts
    assert Delivery.objects.count() == len(positions)
    assert len(mail.outbox) == len(positions)
