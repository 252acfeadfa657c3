"""manage.py ingest --feed URL polls one feed once, in this process, the way beat polls a source."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from tests.ingestion.conftest import FIXTURES, Reply, fixture_bytes
from tracker.ingestion.models import Article, IngestRun, Source

RSS = {"Content-Type": "application/rss+xml", "ETag": '"v1"'}


def ingest(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("ingest", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_ingest_feed_polls_a_new_feed_once_and_prints_the_counts_line(
    http_server, allow_loopback, db
):
    http_server.routes["/feed.xml"] = Reply(200, fixture_bytes("feeds", "rss.xml"), RSS)
    out, _ = ingest("--feed", http_server.url("/feed.xml"))
    run = IngestRun.objects.get()
    assert out.strip() == f"Run {run.id} done: 2 seen, 2 new, 0 duplicate, 0 failed."
    assert (run.kind, run.submitted) == ("feed", http_server.url("/feed.xml"))
    assert Article.objects.count() == 2
    # Trying a feed does not add it as a feed source; its articles go under the site's source.
    assert not Source.objects.filter(kind=Source.Kind.FEED).exists()
    assert {a.source.name for a in Article.objects.all()} == {"127.0.0.1"}


def test_ingest_feed_polls_an_existing_source_as_beat_would(http_server, allow_loopback, db):
    http_server.routes["/feed.xml"] = Reply(200, fixture_bytes("feeds", "rss.xml"), RSS)
    source = Source.objects.create(
        name="Desk", kind=Source.Kind.FEED, url=http_server.url("/feed.xml")
    )
    ingest("--feed", source.url)
    source.refresh_from_db()
    assert (source.etag, source.last_status) == ('"v1"', "ok")
    assert IngestRun.objects.get().source == source
    out, _ = ingest("--feed", source.url)
    assert "0 new, 2 duplicate" in out


def test_ingest_feed_records_a_hostile_feed_as_a_failed_run(http_server, allow_loopback, db):
    body = (FIXTURES / "hostile" / "billion_laughs.xml").read_bytes()
    http_server.routes["/feed.xml"] = Reply(200, body, RSS)
    with pytest.raises(CommandError, match="Nothing was ingested"):
        ingest("--feed", http_server.url("/feed.xml"))
    run = IngestRun.objects.get()
    assert run.status == "failed" and "declares XML entities" in run.errors[0]["error"]


def test_ingest_feed_uses_the_safe_fetcher(db):
    with pytest.raises(CommandError, match="Nothing was ingested"):
        ingest("--feed", "http://127.0.0.1/feed.xml")
    run = IngestRun.objects.get()
    assert "it is a loopback address" in run.errors[0]["error"]


def test_ingest_needs_exactly_one_of_a_target_or_a_feed(db):
    with pytest.raises(CommandError, match="either"):
        ingest()
    with pytest.raises(CommandError, match="either"):
        ingest("-", "--feed", "https://example.org/feed.xml")
