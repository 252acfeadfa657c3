"""Emails go to a real SMTP server (aiosmtpd on a spare local port): one alert at once, or a daily
digest at the user's hour, each with a plain-text and an HTML part and one working unsubscribe
link."""

from __future__ import annotations

import datetime as dt
import email
import re
import socket
import threading
from email import policy
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from tests.alerts.conftest import article, extract_and_match, watch
from tracker.alerts import tasks
from tracker.alerts.models import AlertPreferences, Delivery, Watchlist

ARABIC = "أكدت وزارة الخارجية الروسية رفضها القاطع لأي انتشار لقوات أجنبية في أوكرانيا."
TROOPS = "Germany said it is ready to consider sending ground troops to Ukraine."


class Inbox:
    """Stores every message the server accepts; ``hold`` makes DATA wait until released."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.hold = threading.Event()
        self.hold.set()

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        while not self.hold.is_set():
            await asyncio.sleep(0.05)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp(settings):
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    settings.SITE_URL = "http://testserver"
    yield inbox
    controller.stop()


def parts(message):
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html


def unsubscribe_path(text: str) -> str:
    links = re.findall(r"http://testserver(/alerts/unsubscribe/[^/\s]+/)", text)
    assert len(links) == 1, links
    return links[0]


def test_an_immediate_alert_arrives_with_both_parts_rtl_evidence_and_a_working_unsubscribe(
    smtp, alice, client
):
    alice.email = "alice@example.org"
    alice.save()
    watchlist = watch(alice, name="Russia on troops", email=Watchlist.Email.IMMEDIATE)
    extract_and_match(
        article(ARABIC, language="ar", title="الخارجية الروسية"),
        ("Russia", "ground_troops", "oppose", ARABIC),
    )
    delivery = Delivery.objects.get()
    assert tasks.deliver(delivery.id) == Delivery.Status.SENT

    [message] = smtp.messages
    assert message["To"] == "alice@example.org"
    assert message["Subject"] == "[Tracker] Russia takes a first position: opposes ground troops"
    text, html = parts(message)
    assert ARABIC in text and "Russia takes a first position: opposes ground troops" in text
    assert re.search(r'<blockquote class="evidence" lang="ar" dir="rtl"[^>]*>' + ARABIC, html)
    assert str(delivery.idempotency_key) in message["Message-ID"]

    path = unsubscribe_path(text)
    assert path in html
    assert message["List-Unsubscribe"].strip() == f"<http://testserver{path}>"
    page = client.get(path)  # a mail client's link preview changes nothing
    assert page.status_code == 200 and "Stop email" in page.content.decode()
    watchlist.refresh_from_db()
    assert watchlist.email == Watchlist.Email.IMMEDIATE
    assert client.post(path).status_code == 200
    watchlist.refresh_from_db()
    assert watchlist.email == Watchlist.Email.OFF


def test_a_tampered_unsubscribe_link_is_refused(client, alice):
    watchlist = watch(alice, email=Watchlist.Email.IMMEDIATE)
    from tracker.alerts.delivery import unsubscribe_token

    token = unsubscribe_token(watchlist)
    assert client.post(f"/alerts/unsubscribe/{token[:-2]}xx/").status_code == 404
    watchlist.refresh_from_db()
    assert watchlist.email == Watchlist.Email.IMMEDIATE


def test_the_digest_goes_out_once_at_the_users_hour_grouped_by_proposal(smtp, alice):
    alice.email = "alice@example.org"
    alice.save()
    AlertPreferences.objects.create(user=alice, time_zone="Asia/Riyadh", digest_hour=9)
    watch(alice, email=Watchlist.Email.DIGEST)
    extract_and_match(
        article(ARABIC, language="ar", day=1), ("Russia", "ground_troops", "oppose", ARABIC)
    )
    extract_and_match(article(TROOPS, day=2), ("Germany", "ground_troops", "considering", TROOPS))
    air = "Egypt said it opposes any Western air support for Kyiv."
    extract_and_match(article(air, day=3), ("Egypt", "air_support", "oppose", air))
    assert Delivery.objects.filter(status=Delivery.Status.DIGEST).count() == 3

    eight_in_riyadh = dt.datetime(2025, 9, 10, 5, 0, tzinfo=dt.UTC)
    assert tasks.send_digests(eight_in_riyadh.isoformat()) == 0
    nine_in_riyadh = dt.datetime(2025, 9, 10, 6, 10, tzinfo=dt.UTC)
    assert tasks.send_digests(nine_in_riyadh.isoformat()) == 1
    assert tasks.send_digests(nine_in_riyadh.isoformat()) == 0  # once a day

    [message] = smtp.messages
    assert message["Subject"] == "[Tracker] Daily digest: 3 alerts"
    text, html = parts(message)
    # Grouped by proposal: both ground-troops alerts under one heading, air support apart.
    assert text.count("== Ground troops ==") == 1 and text.count("== Air support ==") == 1
    assert text.index("Germany") > text.index("== Ground troops ==")
    assert 'dir="rtl"' in html and 'dir="ltr"' in html
    unsubscribe_path(text)
    assert set(Delivery.objects.values_list("status", flat=True)) == {Delivery.Status.SENT}


def test_an_smtp_server_that_is_down_leaves_the_delivery_to_retry(settings, alice):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = (
        "127.0.0.1",
        free_port(),
        False,
    )
    settings.EMAIL_TIMEOUT = 2
    alice.email = "alice@example.org"
    alice.save()
    watch(alice, email=Watchlist.Email.IMMEDIATE)
    extract_and_match(article(TROOPS), ("Germany", "ground_troops", "considering", TROOPS))
    delivery = Delivery.objects.get()
    assert tasks.deliver(delivery.id) == Delivery.Status.PENDING
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.PENDING and delivery.attempts == 1
    assert "ConnectionRefusedError" in delivery.error
    assert delivery.next_attempt_at is not None


def test_unsubscribe_path_is_relative_to_site_url(settings, alice):
    settings.SITE_URL = "https://tracker.example.org/"
    from tracker.alerts.delivery import unsubscribe_link

    link = unsubscribe_link(watch(alice))
    assert urlsplit(link).netloc == "tracker.example.org"
    assert urlsplit(link).path.startswith("/alerts/unsubscribe/")
