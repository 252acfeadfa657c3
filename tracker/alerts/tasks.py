"""Celery tasks for alerts: match a saved batch, send one delivery, send the digests that are due,
and sweep up deliveries whose message or worker was lost. Each takes ids and is idempotent."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import InterfaceError, OperationalError, transaction
from django.urls import reverse
from django.utils import timezone

from tracker.alerts import delivery as outbox
from tracker.alerts import matching
from tracker.alerts.models import Delivery, Webhook
from tracker.core.queue import QueueUnavailable, send
from tracker.extraction.models import Position
from tracker.ingestion.fetch import backoff_seconds

logger = logging.getLogger(__name__)
DB_ERRORS = (OperationalError, InterfaceError)


def queue_matching(position_ids) -> None:
    """Match these positions once the transaction that saved them commits (one task a batch).
    A broker that is down loses nothing: ``rematch_recent`` matches recent positions again."""
    ids = sorted(set(position_ids))
    if ids:
        transaction.on_commit(lambda: _send_quietly(match_batch, ids))


def _send_quietly(task, *args) -> None:
    with contextlib.suppress(QueueUnavailable):  # logged by send; rematch_recent catches up
        send(task, *args)


@shared_task(
    autoretry_for=DB_ERRORS,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=True,
    max_retries=5,
    soft_time_limit=60,
    time_limit=90,
)
def match_batch(position_ids: list[int]) -> int:
    """Record the alerts a saved batch raises and queue their deliveries; returns how many."""
    delivery_ids = matching.match_positions(position_ids)
    for delivery_id in delivery_ids:
        deliver.delay(delivery_id)
    return len(delivery_ids)


@shared_task(bind=True, soft_time_limit=60, time_limit=90, max_retries=None)
def deliver(self, delivery_id: int) -> str:
    """Send one delivery; a failed webhook is tried again with backoff, and switched off after
    WEBHOOK_DISABLE_AFTER failures in a row."""
    item = Delivery.objects.claim(delivery_id)
    if item is None:
        return "not pending"
    try:
        if item.channel == Delivery.Channel.EMAIL:
            status = outbox.send_email_delivery(item)
        else:
            status = outbox.send_webhook_delivery(item)
    except outbox.DeliveryFailed as exc:
        return _failed(item, str(exc), exc.transient)
    except DB_ERRORS:
        Delivery.objects.filter(id=item.id).release()
        raise
    except Exception as exc:  # an SMTP server down, a template bug: logged on the row, retried
        logger.exception("Delivery %s failed", item.id)
        return _failed(item, f"{type(exc).__name__}: {exc}", transient=True)
    Delivery.objects.filter(id=item.id).finish(status)
    return status


def _failed(item: Delivery, error: str, transient: bool) -> str:
    final = not transient or item.attempts >= settings.ALERT_MAX_ATTEMPTS
    if final:
        Delivery.objects.filter(id=item.id).fail(error)
    else:
        delay = backoff_seconds(item.attempts, base=settings.ALERT_RETRY_BASE_SECONDS)
        Delivery.objects.filter(id=item.id).retry(error, delay)
        deliver.apply_async(args=[item.id], countdown=delay)
    if item.webhook_id and item.webhook.record_failure(error):
        _tell_owner_hook_off(item.webhook_id, error)
    return Delivery.Status.FAILED if final else Delivery.Status.PENDING


def _tell_owner_hook_off(webhook_id: int, error: str) -> None:
    hook = Webhook.objects.select_related("watchlist__owner").get(id=webhook_id)
    owner = hook.watchlist.owner
    limit = settings.WEBHOOK_DISABLE_AFTER
    logger.warning("Webhook %s of watchlist %s switched off: %s", hook.id, hook.watchlist_id, error)
    if owner.email:
        send_mail(
            f"[Tracker] Webhook switched off: {hook.watchlist.name}",
            f"The webhook {hook.url} of your watchlist “{hook.watchlist.name}” failed {limit} "
            f"times in a row and has been switched off.\n\nLast error: {error}\n\n"
            f"Fix the receiver, then switch it on again: "
            f"{outbox.absolute(reverse('alerts:watchlist-edit', args=[hook.watchlist_id]))}\n",
            None,
            [owner.email],
        )


@shared_task(
    autoretry_for=DB_ERRORS, retry_backoff=30, max_retries=3, soft_time_limit=240, time_limit=300
)
def send_digests(now: str | None = None) -> int:
    """Send the digests due this hour in each user's time zone; returns how many went out."""
    moment = dt.datetime.fromisoformat(now) if now else timezone.now()
    return outbox.send_digests(moment)


@shared_task(soft_time_limit=60, time_limit=90)
def sweep_deliveries(now: str | None = None) -> int:
    """Re-queue deliveries whose message was lost: pending past their time, or held by a worker
    that stopped (sending for longer than ALERT_STUCK_AFTER_SECONDS)."""
    moment = dt.datetime.fromisoformat(now) if now else timezone.now()
    Delivery.objects.unstick(moment - dt.timedelta(seconds=settings.ALERT_STUCK_AFTER_SECONDS))
    late = moment - dt.timedelta(seconds=60)
    ids = list(Delivery.objects.lost(late).values_list("id", flat=True)[:1000])
    for delivery_id in ids:
        deliver.delay(delivery_id)
    return len(ids)


@shared_task(autoretry_for=DB_ERRORS, max_retries=3, soft_time_limit=240, time_limit=300)
def rematch_recent(minutes: int = 30) -> int:
    """Match the positions saved in the last ``minutes`` again, in extraction-sized batches: a
    batch whose message was lost is matched here; for the others nothing is recorded twice."""
    since = timezone.now() - dt.timedelta(minutes=minutes)
    ids = list(
        Position.objects.filter(created_at__gte=since).order_by("id").values_list("id", flat=True)
    )
    size = settings.EXTRACTION_BATCH_SIZE
    sent = 0
    for start in range(0, len(ids), size):
        for delivery_id in matching.match_positions(ids[start : start + size]):
            deliver.delay(delivery_id)
            sent += 1
    return sent
