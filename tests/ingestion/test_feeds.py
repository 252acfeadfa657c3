"""Feeds are polled politely (conditional GET), on their own schedule, and hostile feeds are refused."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from tests.ingestion.conftest import Reply, fixture_bytes, html_reply
from tracker.ingestion.feeds import FeedError, parse_feed
from tracker.ingestion.models import Article, IngestRun, Source
from tracker.ingestion.runs import poll_source, process_run_inline

RSS = "application/rss+xml"


def feed_source(url: str, **fields) -> Source:
    return Source.objects.create(
        name=fields.pop("name", "Kyiv Security Desk"), kind=Source.Kind.FEED, url=url, **fields
    )


def etag_route(body: bytes, etag: str = '"v1"'):
    def route(handler):
        if handler.headers.get("If-None-Match") == etag:
            return Reply(304, b"", {"ETag": etag})
        return Reply(
            200,
            body,
            {"Content-Type": RSS, "ETag": etag, "Last-Modified": "Thu, 04 Sep 2025 19:00:00 GMT"},
        )

    return route


def test_a_feed_poll_stores_its_entries_once_and_then_asks_with_a_conditional_get(
    http_server, allow_loopback, db
):
    http_server.routes["/feed.xml"] = etag_route(fixture_bytes("feeds", "rss.xml"))
    source = feed_source(http_server.url("/feed.xml"))
    run = process_run_inline(poll_source(source))
    assert (run.status, run.items_seen, run.items_new) == ("done", 2, 2)
    article = Article.objects.get(title__startswith="Twenty-six countries")
    assert article.url == "https://news.example.org/2025/09/04/reassurance-force"
    assert article.author == "Olena Kovalenko" and article.published.isoformat() == "2025-09-04"
    assert article.source == source and "Dmitry Peskov said the deployment" in article.text
    source.refresh_from_db()
    assert (source.etag, source.last_status, source.consecutive_failures) == ('"v1"', "ok", 0)

    second = poll_source(source)
    assert http_server.requests[-1]["headers"]["If-None-Match"] == '"v1"'
    assert (
        http_server.requests[-1]["headers"]["If-Modified-Since"] == "Thu, 04 Sep 2025 19:00:00 GMT"
    )
    second.refresh_from_db()
    source.refresh_from_db()
    assert (second.status, second.items_seen, source.last_status) == ("done", 0, "not modified")
    assert Article.objects.count() == 2


def test_entries_already_known_by_url_are_counted_as_duplicates_without_fetching(
    http_server, allow_loopback, db
):
    http_server.routes["/feed.xml"] = Reply(
        200, fixture_bytes("feeds", "rss.xml"), {"Content-Type": RSS}
    )
    source = feed_source(http_server.url("/feed.xml"))
    process_run_inline(poll_source(source))
    again = process_run_inline(poll_source(source))
    assert (again.items_seen, again.items_new, again.items_duplicate) == (2, 0, 2)


def test_entries_with_only_a_summary_are_fetched_from_their_page(http_server, allow_loopback, db):
    atom = fixture_bytes("feeds", "atom_summaries.xml").replace(
        b"{base}", http_server.base.encode()
    )
    http_server.routes["/atom.xml"] = Reply(200, atom, {"Content-Type": "application/atom+xml"})
    http_server.routes["/pages/hegseth.html"] = html_reply(fixture_bytes("pages", "hegseth.html"))
    run = process_run_inline(poll_source(feed_source(http_server.url("/atom.xml"))))
    assert (run.items_new, run.items_failed) == (1, 0)
    article = Article.objects.get()
    assert article.title == "Hegseth rules out NATO membership for Kyiv"
    assert "Any security guarantee must be backed" in article.text and "alert(" not in article.text


def test_a_billion_laughs_feed_is_refused_with_a_clear_error(http_server, allow_loopback, db):
    http_server.routes["/lol.xml"] = Reply(
        200, fixture_bytes("feeds", "billion_laughs.xml"), {"Content-Type": RSS}
    )
    source = feed_source(http_server.url("/lol.xml"))
    run = poll_source(source)
    run.refresh_from_db()
    assert run.status == "failed"
    assert (
        "declares XML entities" in run.errors[0]["error"]
        and "billion laughs" in run.errors[0]["error"]
    )
    assert not Article.objects.exists()
    with pytest.raises(FeedError):
        parse_feed(fixture_bytes("feeds", "billion_laughs.xml").decode().encode("utf-16"))


def test_a_malformed_feed_is_a_recorded_failure_and_repeated_failures_flag_the_source(
    http_server, allow_loopback, settings, admin_client
):
    settings.FEED_FAILING_AFTER = 3
    http_server.routes["/broken.xml"] = Reply(
        200, fixture_bytes("feeds", "malformed.xml"), {"Content-Type": RSS}
    )
    source = feed_source(http_server.url("/broken.xml"))
    healthy = feed_source(http_server.url("/feed.xml"), name="Healthy feed")
    for _ in range(3):
        run = poll_source(source)
    run.refresh_from_db()
    source.refresh_from_db()
    assert run.status == "failed" and "not well-formed" in run.errors[0]["error"]
    assert (source.consecutive_failures, source.last_status, source.is_failing) == (
        3,
        "failed",
        True,
    )
    listing = admin_client.get(
        reverse("admin:ingestion_source_changelist") + "?failing=yes"
    ).content.decode()
    assert "Kyiv Security Desk" in listing and healthy.name not in listing
    assert "⚠ 3" in listing


def test_a_feed_that_answers_slowly_times_out(http_server, allow_loopback, settings, db):
    from tracker.ingestion.fetch import TransientFetchError

    settings.FETCH_READ_TIMEOUT = 1
    http_server.routes["/slow.xml"] = Reply(
        200, fixture_bytes("feeds", "rss.xml"), {"Content-Type": RSS}, delay=3
    )
    with pytest.raises(TransientFetchError, match="did not answer in time"):
        poll_source(feed_source(http_server.url("/slow.xml")))


def test_a_feed_poll_that_keeps_failing_transiently_is_recorded_as_a_failure(
    http_server, allow_loopback, settings, db
):
    from tracker.ingestion.tasks import poll_feed

    settings.FETCH_MAX_ATTEMPTS = 1
    http_server.routes["/down.xml"] = Reply(503, b"down", {"Content-Type": "text/plain"})
    source = feed_source(http_server.url("/down.xml"))
    assert poll_feed.apply(args=[source.id]).get() == "failed"
    source.refresh_from_db()
    assert source.consecutive_failures == 1 and "503" in source.last_error
    assert IngestRun.objects.get(source=source).status == "failed"


def test_saving_a_feed_schedules_its_polling_at_its_own_interval(db):
    source = Source.objects.create(
        name="Feed", kind=Source.Kind.FEED, url="https://news.example.org/rss", poll_interval=15
    )
    task = PeriodicTask.objects.get(name=source.periodic_task_name)
    assert (
        task.task,
        json.loads(task.args),
        task.interval.every,
        task.interval.period,
        task.enabled,
    ) == ("tracker.ingestion.tasks.poll_feed", [source.id], 15, "minutes", True)
    source.poll_interval = 90
    source.save()
    assert PeriodicTask.objects.get(name=source.periodic_task_name).interval.every == 90
    source.active = False
    source.save()
    assert not PeriodicTask.objects.filter(name=source.periodic_task_name).exists()
    source.active = True
    source.save()
    name = source.periodic_task_name
    assert PeriodicTask.objects.filter(name=name).exists()
    source.delete()
    assert not PeriodicTask.objects.filter(name=name).exists()


def test_sources_that_are_not_feeds_get_no_schedule(db):
    Source.objects.create(name="Site", kind=Source.Kind.SITE, url="https://example.org/")
    assert not PeriodicTask.objects.filter(task="tracker.ingestion.tasks.poll_feed").exists()


@pytest.mark.slow
def test_poll_now_in_admin_polls_the_feed_through_a_worker(
    http_server, allow_loopback, celery_worker, admin_user
):
    from django.test import Client

    http_server.routes["/feed.xml"] = Reply(
        200, fixture_bytes("feeds", "rss.xml"), {"Content-Type": RSS}
    )
    source = feed_source(http_server.url("/feed.xml"))
    client = Client()
    client.force_login(admin_user)
    response = client.post(
        reverse("admin:ingestion_source_changelist"),
        {"action": "poll_now", "_selected_action": [source.id]},
        follow=True,
    )
    assert "1 feed(s) queued for polling" in response.content.decode()
    import time

    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and Article.objects.count() < 2:
        time.sleep(0.2)
    assert Article.objects.filter(source=source).count() == 2
    source.refresh_from_db()
    assert source.last_status == "ok"
    listing = client.get(reverse("admin:ingestion_source_changelist")).content.decode()
    assert ">ok<" in listing
