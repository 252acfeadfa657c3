"""A feed's polling state, a story's counts and an article's detected language and uploaded
copies change only through their models' methods; each is checked on the real database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_article
from tracker.ingestion.models import Article, Source, Story


@pytest.fixture
def feed(db):
    return Source.objects.create(
        name="Desk feed", kind=Source.Kind.FEED, url="https://desk.example.org/feed.xml"
    )


def test_a_failed_poll_is_counted_on_the_row_and_a_good_one_starts_the_count_again(feed):
    other_copy = Source.objects.get(id=feed.id)  # a second worker's copy of the same row
    feed.record_poll_failure("The server answered 503.")
    other_copy.record_poll_failure("x" * 3000)
    stored = Source.objects.get(id=feed.id)
    assert (stored.last_status, stored.consecutive_failures) == ("failed", 2)
    assert len(stored.last_error) == 2000 and stored.last_polled_at is not None
    assert (feed.last_status, feed.last_error) == ("failed", "The server answered 503.")

    feed.record_poll_success(
        "ok", {"ETag": '"v2"', "Last-Modified": "Mon, 01 Sep 2025 08:00:00 GMT"}
    )
    stored = Source.objects.get(id=feed.id)
    assert (stored.last_status, stored.last_error, stored.consecutive_failures) == ("ok", "", 0)
    assert (stored.etag, stored.last_modified) == ('"v2"', "Mon, 01 Sep 2025 08:00:00 GMT")


def test_a_poll_without_validators_keeps_the_last_ones_and_touches_nothing_an_admin_edits(feed):
    feed.record_poll_success("ok", {"etag": '"v1"'})
    Source.objects.filter(id=feed.id).update(name="Renamed desk", poll_interval=15)
    feed.record_poll_success("not modified", {})
    stored = Source.objects.get(id=feed.id)
    assert (stored.etag, stored.last_status) == ('"v1"', "not modified")
    assert (stored.name, stored.poll_interval) == ("Renamed desk", 15)


def test_recording_a_poll_is_one_statement(feed):
    with CaptureQueriesContext(connection) as queries:
        feed.record_poll_failure("timeout")
        feed.record_poll_success("ok", {})
    assert len(queries) == 2


def test_story_counts_add_up_atomically(db):
    story = Story.objects.create()
    Story.objects.filter(id=story.id).count_in(3, 1)
    Story.objects.filter(id=story.id).count_in(1, 0)
    story.refresh_from_db()
    assert (story.article_count, story.source_count) == (5, 2)
    lead = make_article(title="First", text="The first article of the story.", story=story)
    Story.objects.filter(id=story.id).lead_with(lead)
    assert Story.objects.get(id=story.id).lead_article == lead


def test_an_article_stored_without_a_language_takes_the_detected_one_only(db):
    unknown = make_article(title="Unknown", text="Some text.", language="unknown")
    unknown.take_detected_language("de")
    assert Article.objects.get(id=unknown.id).language == "de"
    english = make_article(title="English", text="Other text.", language="en")
    english.take_detected_language("fr")
    english.take_detected_language("unknown")
    assert Article.objects.get(id=english.id).language == "en"


def test_a_fetch_links_the_uploads_that_claimed_its_url(db):
    url = "https://news.example.org/a"
    upload = make_article(title="Uploaded", text="As uploaded.", url=url, uploaded=True)
    other = make_article(title="Elsewhere", text="Another page.", url=url + "/b", uploaded=True)
    fetched = make_article(title="Fetched", text="As fetched.", url=url)
    assert Article.objects.link_uploaded_copies(fetched) == 1
    assert Article.objects.get(id=upload.id).fetched_copy == fetched
    assert Article.objects.get(id=other.id).fetched_copy is None
