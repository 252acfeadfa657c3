"""The same page, the same text and the same story are each recognised, and stored once."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from tracker.ingestion import dedup
from tracker.ingestion.ingest import store_article
from tracker.ingestion.models import Article, MinHashBand, Source, Story

DEV = [
    json.loads(line)
    for line in (Path(__file__).resolve().parents[1] / "fixtures" / "dev.jsonl")
    .read_text(encoding="utf-8")
    .splitlines()
]
EN = next(d for d in DEV if d["id"] == "dev-en-001")
EN_OTHER = next(d for d in DEV if d["id"] == "dev-en-002")


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        (
            "HTTP://WWW.Example.COM:80/a/b/?utm_source=x&id=3&fbclid=abc#frag",
            "https://example.com/a/b?id=3",
        ),
        (
            "https://example.com/story?gclid=1&utm_campaign=y&utm_medium=z",
            "https://example.com/story",
        ),
        ("https://news.example.org:8443/x?b=2&a=1", "https://news.example.org:8443/x?b=2&a=1"),
        ("https://example.com", "https://example.com/"),
        ("https://example.com//double//slash/", "https://example.com/double/slash"),
        (
            "https://пример.укр/новини",
            "https://xn--e1afmkfd.xn--j1amh/%D0%BD%D0%BE%D0%B2%D0%B8%D0%BD%D0%B8",
        ),
    ],
)
def test_canonical_urls_drop_tracking_parameters_fragments_and_case(url, canonical):
    assert dedup.canonical_url(url) == canonical


def test_the_same_page_with_tracking_parameters_is_stored_once(db):
    first = store_article(
        title="A",
        text=EN["text"],
        language="en",
        url="https://www.example.org/news/1?utm_source=twitter",
    )
    second = store_article(
        title="A",
        text=EN["text"] + " Updated.",
        language="en",
        url="http://example.org/news/1#comments",
    )
    assert first.created and not second.created
    assert second.article.id == first.article.id
    assert Article.objects.get().url == "https://example.org/news/1"


def test_exact_duplicate_text_is_refused_by_its_content_hash(db):
    first = store_article(title="A", text=EN["text"], language="en", url="https://a.example.org/1")
    second = store_article(
        title="B",
        text="  " + EN["text"].upper() + "\n",
        language="en",
        url="https://b.example.org/2",
    )
    assert not second.created and second.article == first.article


def lightly_edited(text: str) -> str:
    """What a syndication partner does: a dateline, a changed word or two, a footer."""
    edited = text.replace("Thursday", "Thursday evening").replace("formally", "officially")
    return (
        "PARIS (Agence Exemple) — " + edited + "\n\nThis article was republished with permission."
    )


def test_a_republished_story_with_small_edits_joins_the_same_story(
    db, django_capture_on_commit_callbacks
):
    le_monde = Source.objects.create(name="Le Monde (test)")
    wire = Source.objects.create(name="Wire (test)")
    with django_capture_on_commit_callbacks(execute=True):
        first = store_article(
            title="26 countries", text=EN["text"], language="en", source=le_monde, enqueue=False
        )
        copy = store_article(
            title="26 countries commit",
            text=lightly_edited(EN["text"]),
            language="en",
            source=wire,
            enqueue=False,
        )
        again = store_article(
            title="26 countries (update)",
            text=lightly_edited(EN["text"]) + " More soon.",
            language="en",
            source=wire,
            enqueue=False,
        )
    assert copy.created and again.created
    story = Story.objects.get(id=first.article.story_id)
    assert copy.article.story_id == story.id == again.article.story_id
    assert story.lead_article_id == first.article.id
    assert (story.article_count, story.source_count, story.other_sources) == (3, 2, 1)


def test_unrelated_articles_are_separate_stories(db):
    a = store_article(title="A", text=EN["text"], language="en")
    b = store_article(title="B", text=EN_OTHER["text"], language="en")
    assert a.article.story_id != b.article.story_id
    assert Story.objects.get(id=b.article.story_id).article_count == 1


def test_candidates_come_from_the_band_index_not_from_every_article(
    db, django_assert_max_num_queries
):
    for record in DEV:
        store_article(title=record["title"], text=record["text"], language=record["language"])
    assert MinHashBand.objects.count() > 0
    # Storing one more article costs a fixed number of queries however many articles exist.
    with django_assert_max_num_queries(12):
        store_article(title="Copy", text=lightly_edited(EN["text"]), language="en")


def test_near_duplicate_signatures_agree_and_unrelated_ones_do_not():
    a, b = dedup.minhash(EN["text"]), dedup.minhash(lightly_edited(EN["text"]))
    c = dedup.minhash(EN_OTHER["text"])
    assert dedup.similarity(a, b) >= 0.8
    assert dedup.similarity(a, c) < 0.1
    assert set(dedup.band_keys(a)) & set(dedup.band_keys(b))
    assert dedup.minhash("Too short to say anything.") is None


@pytest.mark.django_db(transaction=True)
def test_several_workers_storing_the_same_url_at_the_same_moment_store_one_article():
    workers = 8
    barrier = threading.Barrier(workers)
    results, errors = [], []

    def worker(number: int) -> None:
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=10)
            stored = store_article(
                title=f"Copy {number}",
                text=f"{EN['text']}\n\nEdition {number}.",
                language="en",
                url="https://example.org/same?utm_source=" + str(number),
            )
            results.append((stored.article.id, stored.created))
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Article.objects.count() == 1
    assert len({article_id for article_id, _ in results}) == 1
    assert sum(1 for _, created in results if created) == 1
    story = Story.objects.get()
    assert story.article_count == 1
