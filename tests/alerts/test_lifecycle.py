"""A delivery's status, a webhook's health, a watchlist's switches and a user's digest day change
only through their models' methods; each transition is checked on the real database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.alerts.conftest import article, extract_and_match, watch
from tracker.alerts.models import AlertPreferences, Delivery, Watchlist, Webhook

TROOPS = "Germany said it is ready to consider sending ground troops to Ukraine."


@pytest.fixture
def hooked(alice):
    """A watchlist with two webhooks and an email, and the alert's three deliveries."""
    watchlist = watch(alice, name="Germany on troops", email=Watchlist.Email.IMMEDIATE)
    hooks = [
        Webhook.objects.create(
            watchlist=watchlist, url=f"https://hooks.example.org/{n}", secret=Webhook.new_secret()
        )
        for n in (1, 2)
    ]
    extract_and_match(article(TROOPS), ("Germany", "ground_troops", "considering", TROOPS))
    return watchlist, hooks


def one(hook: Webhook) -> Delivery:
    return Delivery.objects.get(webhook=hook)


def test_a_pending_delivery_is_claimed_once_and_counts_the_attempt(hooked):
    _, (hook, _) = hooked
    delivery = one(hook)
    claimed = Delivery.objects.claim(delivery.id)
    assert (claimed.status, claimed.attempts) == (Delivery.Status.SENDING, 1)
    assert claimed.claimed_at is not None
    assert Delivery.objects.claim(delivery.id) is None  # a second worker gets nothing


def test_a_retried_delivery_waits_for_its_time_then_is_claimed_again(hooked):
    _, (hook, _) = hooked
    delivery = Delivery.objects.claim(one(hook).id)
    Delivery.objects.filter(id=delivery.id).retry("The hook answered 503.", 3600)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.error) == (Delivery.Status.PENDING, "The hook answered 503.")
    assert delivery.next_attempt_at > timezone.now() + dt.timedelta(minutes=59)
    assert Delivery.objects.claim(delivery.id) is None
    Delivery.objects.filter(id=delivery.id).update(next_attempt_at=timezone.now())
    assert Delivery.objects.claim(delivery.id).attempts == 2


def test_finish_fail_and_release_record_how_sending_ended(hooked):
    _, (first, second) = hooked
    sent = Delivery.objects.claim(one(first).id)
    Delivery.objects.filter(id=sent.id).finish(Delivery.Status.SENT)
    sent.refresh_from_db()
    assert (sent.status, sent.error) == (Delivery.Status.SENT, "")
    assert sent.sent_at is not None
    failed = Delivery.objects.claim(one(second).id)
    Delivery.objects.filter(id=failed.id).fail("x" * 3000)
    failed.refresh_from_db()
    assert (failed.status, len(failed.error)) == (Delivery.Status.FAILED, 2000)
    Delivery.objects.filter(id=failed.id).release()
    assert Delivery.objects.get(id=failed.id).status == Delivery.Status.PENDING


def test_the_sweep_gives_back_only_deliveries_held_too_long_and_finds_lost_ones(hooked):
    _, (stuck, fresh) = hooked
    for hook in (stuck, fresh):
        Delivery.objects.claim(one(hook).id)
    long_ago = timezone.now() - dt.timedelta(hours=1)
    Delivery.objects.filter(webhook=stuck).update(claimed_at=long_ago)
    assert Delivery.objects.unstick(timezone.now() - dt.timedelta(minutes=5)) == 1
    assert (one(stuck).status, one(fresh).status) == (
        Delivery.Status.PENDING,
        Delivery.Status.SENDING,
    )
    Delivery.objects.filter(webhook=stuck).update(created_at=long_ago)
    lost = Delivery.objects.lost(timezone.now() - dt.timedelta(minutes=1))
    assert list(lost.filter(webhook__isnull=False)) == [one(stuck)]


def test_an_admins_resend_starts_a_fresh_count(hooked):
    _, (hook, _) = hooked
    delivery = Delivery.objects.claim(one(hook).id)
    Delivery.objects.filter(id=delivery.id).fail("The hook answered 410.")
    Delivery.objects.filter(id=delivery.id).resend()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.error, delivery.next_attempt_at) == (
        Delivery.Status.PENDING,
        0,
        "",
        None,
    )


def test_the_failure_that_reaches_the_limit_switches_the_hook_off_once(hooked, settings):
    settings.WEBHOOK_DISABLE_AFTER = 2
    _, (hook, other) = hooked
    assert hook.record_failure("The hook answered 500.") is False
    assert hook.record_failure("The hook answered 502.") is True
    assert hook.record_failure("The hook answered 502.") is False  # already off
    hook.refresh_from_db()
    assert not hook.active and hook.consecutive_failures == 3
    assert "the last: The hook answered 502." in hook.disabled_reason
    assert (one(hook).status, one(hook).error) == (
        Delivery.Status.SKIPPED,
        "The webhook was switched off.",
    )
    assert one(other).status == Delivery.Status.PENDING  # another hook's deliveries stay


def test_a_success_resets_the_count_and_switching_on_clears_the_reason(hooked, settings):
    settings.WEBHOOK_DISABLE_AFTER = 1
    _, (hook, _) = hooked
    hook.record_failure("The hook answered 500.")
    hook.switch(on=True)
    hook.refresh_from_db()
    assert (hook.active, hook.consecutive_failures, hook.disabled_reason) == (True, 0, "")
    Webhook.objects.filter(id=hook.id).update(consecutive_failures=4)
    hook.record_success()
    hook.refresh_from_db()
    assert hook.consecutive_failures == 0
    hook.switch(on=False)
    assert Webhook.objects.get(id=hook.id).active is False


def test_digest_deliveries_are_sent_or_skipped_without_losing_their_error(hooked):
    watchlist, _ = hooked
    email = Delivery.objects.get(alert__watchlist=watchlist, channel=Delivery.Channel.EMAIL)
    Delivery.objects.filter(id=email.id).update(status=Delivery.Status.DIGEST, error="kept")
    Delivery.objects.filter(id=email.id).skip()
    email.refresh_from_db()
    assert (email.status, email.error) == (Delivery.Status.SKIPPED, "kept")
    Delivery.objects.filter(id=email.id).sent_in_digest()
    email.refresh_from_db()
    assert (email.status, email.attempts) == (Delivery.Status.SENT, 1)


def test_a_digest_day_is_claimed_once_and_given_back_when_the_mail_failed(alice):
    AlertPreferences.of(alice)
    day = dt.date(2025, 9, 1)
    assert AlertPreferences.objects.claim_digest_day(day, [alice.id]) == [alice.id]
    assert AlertPreferences.objects.claim_digest_day(day, [alice.id]) == []
    AlertPreferences.objects.filter(user=alice).give_back_digest_day()
    assert AlertPreferences.objects.claim_digest_day(day, [alice.id]) == [alice.id]
    assert AlertPreferences.objects.claim_digest_day(day + dt.timedelta(days=1), [alice.id]) == [
        alice.id
    ]


def test_read_marks_only_move_forward_and_switches_change_one_field(alice):
    prefs = AlertPreferences.of(alice)
    prefs.mark_read(40)
    prefs.mark_read(30)  # an older page opened in another tab
    assert AlertPreferences.objects.get(id=prefs.id).last_read_alert == 40
    watchlist = watch(alice, email=Watchlist.Email.DIGEST)
    watchlist.set_paused(True)
    watchlist.stop_emails()
    stored = Watchlist.objects.get(id=watchlist.id)
    assert (stored.paused, stored.email) == (True, Watchlist.Email.OFF)
