"""A user never receives, by any channel, a position the dashboard would not show them: checked
when the alert is recorded and again when each delivery goes out."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import Permission
from django.core import mail

from tests.alerts.conftest import article, extract_and_match, watch
from tracker.alerts import tasks
from tracker.alerts.models import AlertPreferences, Delivery, FeedToken, Watchlist, Webhook
from tracker.extraction.models import Position

TROOPS = "Germany said it is ready to consider sending ground troops to Ukraine."


def _one_alert_on_every_channel(alice):
    alice.email = "alice@example.org"
    alice.save()
    immediate = watch(alice, name="now", email=Watchlist.Email.IMMEDIATE)
    watch(alice, name="daily", email=Watchlist.Email.DIGEST)
    Webhook.objects.create(watchlist=immediate, url="https://93.184.215.14/hook", secret="s")
    AlertPreferences.objects.create(user=alice, time_zone="UTC", digest_hour=7)
    return extract_and_match(article(TROOPS), ("Germany", "ground_troops", "considering", TROOPS))[
        0
    ]


def _send_everything():
    for delivery in Delivery.objects.filter(status=Delivery.Status.PENDING):
        tasks.deliver(delivery.id)
    tasks.send_digests(dt.datetime(2025, 9, 10, 7, 5, tzinfo=dt.UTC).isoformat())


def test_losing_the_permission_stops_every_channel(alice, client):
    position = _one_alert_on_every_channel(alice)
    assert Delivery.objects.count() == 3  # email now, the webhook, the digest
    alice.user_permissions.remove(Permission.objects.get(codename="view_position"))
    _send_everything()
    assert mail.outbox == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SKIPPED}
    client.force_login(alice)
    assert client.get("/alerts/").status_code == 403
    _, token = FeedToken.issue(alice, "reader")
    assert client.get(f"/feeds/positions/?token={token}").status_code == 403
    assert position.id


def test_a_position_rejected_after_its_alert_is_sent_nowhere(alice, analyst_client):
    position = _one_alert_on_every_channel(alice)
    Position.objects.filter(id=position.id).update(review_status=Position.Review.REJECTED)
    _send_everything()
    assert mail.outbox == []
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SKIPPED}
    assert TROOPS not in analyst_client.get("/alerts/").content.decode()
    assert "unread-count" not in analyst_client.get("/alerts/unread/").content.decode()


def test_with_the_permission_the_same_alert_goes_out(alice):
    _one_alert_on_every_channel(alice)
    Webhook.objects.all().delete()
    _send_everything()
    assert sorted(m.subject for m in mail.outbox) == [
        "[Tracker] Daily digest: 1 alert",
        "[Tracker] Germany takes a first position: considering ground troops",
    ]
