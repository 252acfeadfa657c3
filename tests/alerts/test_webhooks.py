"""Webhooks: signed JSON to a local receiver (under the test-only loopback allowance), retries
and switching off, the delivery log, and the outbound rules of article fetching."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core import mail

from tests.alerts.conftest import article, extract_and_match, watch
from tracker.alerts import tasks
from tracker.alerts.forms import WebhookForm
from tracker.alerts.models import Delivery, Webhook

TROOPS = "Germany said it is ready to consider sending ground troops to Ukraine."


class Receiver:
    """A local HTTP server that checks what a webhook consumer should check."""

    def __init__(self, secret: str = ""):
        self.secret = secret
        self.received: list[dict] = []
        self.status = 200
        self.redirect_to: str | None = None
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.redirect_to:
                    self.send_response(307)
                    self.send_header("Location", receiver.redirect_to)
                    self.end_headers()
                    return
                expected = (
                    "sha256=" + hmac.new(receiver.secret.encode(), body, hashlib.sha256).hexdigest()
                )
                signed = hmac.compare_digest(expected, self.headers["X-Tracker-Signature"])
                data = json.loads(body)
                fresh = abs(time.time() - data["timestamp"]) < 300
                receiver.received.append(
                    {
                        "signed": signed,
                        "fresh": fresh,
                        "headers": dict(self.headers),
                        "data": data,
                    }
                )
                self.send_response(receiver.status if signed and fresh else 401)
                self.end_headers()
                self.wfile.write(b'{"ok": true, "note": "thanks"}')

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def loopback_allowed(settings):
    """The test-only allowance: loopback addresses on any port (settings.py never sets it)."""
    settings.FETCH_ALLOW_PRIVATE_ADDRESSES = ["127.0.0.0/8"]
    settings.FETCH_ALLOWED_PORTS = [(1, 65535)]


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


def hooked_alert(owner, url):
    watchlist = watch(owner, name="Germany on troops")
    hook = Webhook.objects.create(watchlist=watchlist, url=url, secret=Webhook.new_secret())
    extract_and_match(article(TROOPS), ("Germany", "ground_troops", "considering", TROOPS))
    return hook, Delivery.objects.get(webhook=hook)


def test_a_delivery_is_signed_timestamped_and_logged(loopback_allowed, receiver, alice):
    hook, delivery = hooked_alert(alice, receiver.url)
    receiver.secret = hook.secret
    assert tasks.deliver(delivery.id) == Delivery.Status.SENT

    [got] = receiver.received
    assert got["signed"] and got["fresh"]
    assert got["headers"]["Idempotency-Key"] == str(delivery.idempotency_key)
    assert got["headers"]["Content-Type"] == "application/json"
    data = got["data"]
    assert data["id"] == str(delivery.idempotency_key)
    assert data["type"] == "alert.first"
    assert data["alert"]["actor"]["name"] == "Germany"
    assert data["alert"]["stance"] == "considering"
    assert data["alert"]["evidence"] == TROOPS
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.response_status == 200
    assert delivery.latency_ms is not None
    assert delivery.response_excerpt.startswith('{"ok": true')


def test_a_forged_signature_is_what_the_receiver_refuses(loopback_allowed, receiver, alice):
    hook, delivery = hooked_alert(alice, receiver.url)
    receiver.secret = "whsec_not-the-hooks-secret"
    tasks.deliver(delivery.id)
    assert receiver.received[0]["signed"] is False
    delivery.refresh_from_db()
    assert delivery.response_status == 401
    assert delivery.status == Delivery.Status.FAILED  # a 4xx is not retried


def test_failures_are_retried_then_the_hook_is_switched_off_and_its_owner_told(
    loopback_allowed, receiver, alice, settings
):
    settings.WEBHOOK_DISABLE_AFTER = 2
    settings.ALERT_MAX_ATTEMPTS = 5
    alice.email = "alice@example.org"
    alice.save()
    hook, delivery = hooked_alert(alice, receiver.url)
    receiver.secret = hook.secret
    receiver.status = 503
    assert tasks.deliver(delivery.id) == Delivery.Status.PENDING
    delivery.refresh_from_db()
    assert delivery.next_attempt_at is not None  # backoff: not before then
    assert tasks.deliver(delivery.id) == "not pending"
    Delivery.objects.filter(id=delivery.id).update(next_attempt_at=None)
    tasks.deliver(delivery.id)
    hook.refresh_from_db()
    assert not hook.active and "2 failed deliveries in a row" in hook.disabled_reason
    assert [m.subject for m in mail.outbox] == ["[Tracker] Webhook switched off: Germany on troops"]
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SKIPPED
    assert delivery.attempts == 2 and delivery.response_status == 503


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://[::1]/hook",
        "https://example.org:22/hook",
        "ftp://example.org/hook",
    ],
)
def test_private_loopback_and_odd_port_urls_are_refused_when_a_hook_is_added(url, db):
    form = WebhookForm({"url": url})
    assert not form.is_valid()
    assert "url" in form.errors


def test_a_hook_saved_before_is_still_refused_at_delivery_without_the_allowance(receiver, alice):
    hook, delivery = hooked_alert(alice, receiver.url)
    assert tasks.deliver(delivery.id) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert "loopback" in delivery.error or "port" in delivery.error
    assert receiver.received == []


def test_a_redirect_to_a_private_address_is_refused(loopback_allowed, receiver, alice):
    hook, delivery = hooked_alert(alice, receiver.url)
    receiver.redirect_to = "http://10.0.0.7/internal"
    assert tasks.deliver(delivery.id) == Delivery.Status.FAILED
    delivery.refresh_from_db()
    assert "10.0.0.7" in delivery.error and "private" in delivery.error


def test_the_allowance_fails_the_deploy_check(settings):
    from tracker.alerts.checks import private_addresses_refused

    settings.FETCH_ALLOW_PRIVATE_ADDRESSES = False
    assert private_addresses_refused(None) == []
    settings.FETCH_ALLOW_PRIVATE_ADDRESSES = ["127.0.0.0/8"]
    assert [e.id for e in private_addresses_refused(None)] == ["alerts.E001"]


def test_no_environment_variable_can_turn_the_allowance_on():
    import os
    import subprocess
    import sys

    env = {**os.environ, "FETCH_ALLOW_PRIVATE_ADDRESSES": "127.0.0.0/8", "DEBUG": "true"}
    out = subprocess.run(  # noqa: S603 - a fixed command line
        [
            sys.executable,
            "-c",
            "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'tracker.settings'; "
            "django.setup(); from django.conf import settings; "
            "print(repr(settings.FETCH_ALLOW_PRIVATE_ADDRESSES))",
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip().splitlines()[-1] == "False"
