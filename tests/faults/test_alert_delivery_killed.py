"""A worker SIGKILLed in the middle of mailing an alert: the alert stays one alert, the sweep gives
the delivery to a new worker, and every copy the SMTP server saw carries the same Message-ID, so
a mail system keeps one."""

from __future__ import annotations

import asyncio
import datetime as dt
import email
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from tests.alerts.conftest import article, save_positions, watch
from tests.faults.conftest import free_port, wait_for
from tracker.alerts.matching import match_positions
from tracker.alerts.models import Alert, Delivery, Watchlist
from tracker.alerts.tasks import deliver, sweep_deliveries

TROOPS = "Germany said it is ready to consider sending ground troops to Ukraine."


class HeldInbox:
    """An SMTP server that keeps the first message's DATA waiting until released."""

    def __init__(self):
        self.messages = []
        self.in_data = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.in_data.set()
        while not self.release.is_set():
            await asyncio.sleep(0.05)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.mark.slow
def test_a_worker_killed_mid_delivery_sends_the_alert_again_under_the_same_id(
    workers, alice, settings
):
    inbox = HeldInbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        alice.email = "alice@example.org"
        alice.save()
        watch(alice, email=Watchlist.Email.IMMEDIATE)
        positions = save_positions(
            article(TROOPS), ("Germany", "ground_troops", "considering", TROOPS)
        )
        [delivery_id] = match_positions([p.id for p in positions])
        env = {"EMAIL_URL": f"smtp+plain://127.0.0.1:{smtp.port}"}
        deliver.delay(delivery_id)
        worker = workers(**env)
        wait_for(inbox.in_data.is_set, 60, "the worker to be sending the email")
        assert Delivery.objects.get(id=delivery_id).status == Delivery.Status.SENDING
        worker.kill()
        killed_at = timezone.now()
        inbox.release.set()

        # Beat's sweep, once the hold has outlived ALERT_STUCK_AFTER_SECONDS.
        later = killed_at + dt.timedelta(seconds=settings.ALERT_STUCK_AFTER_SECONDS + 1)
        assert sweep_deliveries(later.isoformat()) == 1
        workers(**env)
        wait_for(
            lambda: Delivery.objects.get(id=delivery_id).status == Delivery.Status.SENT,
            60,
            "the delivery to be sent by the new worker",
        )
        wait_for(lambda: inbox.messages, 10, "the message")
    finally:
        smtp.stop()

    assert Alert.objects.count() == 1
    assert Delivery.objects.count() == 1
    assert len({m["Message-ID"] for m in inbox.messages}) == 1
    assert Delivery.objects.get(id=delivery_id).attempts == 2
