"""Storing an article once, whatever it came from, and handing it to extraction.

Every way in (seeds, pasted text, uploads, URLs, feeds, bulk files) ends in
``store_article``: it cleans the text, refuses exact duplicates by canonical
URL and content hash (safely under concurrency), files the article under its
story (near-duplicates, see dedup.py) and queues extraction on commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from tracker.core.queue import QueueUnavailable, send
from tracker.ingestion import dedup
from tracker.ingestion.models import (
    SUPPORTED_LANGUAGES,
    Article,
    IngestRun,
    MinHashBand,
    Source,
    Story,
    content_hash,
)
from tracker.ingestion.text import prepare_text


class IngestError(ValueError):
    """Input we cannot store, with a message for the person who sent it."""


@dataclass(frozen=True)
class Stored:
    article: Article
    created: bool


def store_article(
    *,
    title: str,
    text: str,
    language: str | None = None,
    published: dt.date | None = None,
    url: str | None = None,
    author: str = "",
    source: Source | None = None,
    run: IngestRun | None = None,
    enqueue: bool = True,
) -> Stored:
    """Store one article unless it is already known.

    With ``enqueue`` its extraction is queued once the transaction commits; a
    broker failure there is logged and left to the sweep. Callers that must tell
    a person about a broker failure pass ``enqueue=False`` and use
    ``queue_extraction`` themselves.
    """
    text = prepare_text(text or "")
    if not text:
        raise IngestError("The article has no text.")
    title = " ".join((title or "").split())[:1000] or text.split("\n", 1)[0][:200]
    url = dedup.canonical_url(url) or None
    if url and len(url) > 2000:
        raise IngestError("The URL is longer than 2000 characters.")
    digest = content_hash(text)
    existing = _find_existing(url, digest)
    if existing is not None:
        return Stored(existing, created=False)
    language = _language_for(text, language)
    signature = dedup.minhash(text)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=title,
                text=text,
                language=language,
                published=published,
                url=url,
                author=" ".join((author or "").split())[:300],
                source=source,
                ingest_run=run,
                content_hash=digest,
                state=Article.State.INGESTED,
                state_changed_at=timezone.now(),
                minhash=dedup.pack(signature) if signature else None,
            )
            file_under_story(article, signature)
    except IntegrityError:
        # Another worker stored the same URL or text a moment ago: theirs wins.
        existing = _find_existing(url, digest)
        if existing is None:
            raise
        return Stored(existing, created=False)
    if enqueue:
        transaction.on_commit(partial(_queue_quietly, article.id), robust=True)
    return Stored(article, created=True)


def file_under_story(article: Article, signature: list[int] | None) -> Story:
    """Put a new article in the story of its nearest earlier near-duplicate, or start a story.

    Candidates come from the LSH band index (articles sharing a band key) and are
    compared by estimated Jaccard similarity; the counts on the story are updated
    in the same transaction as the article.
    """
    keys = dedup.band_keys(signature) if signature else []
    best: tuple[float, int] | None = None
    if keys:
        candidates = (
            Article.objects.filter(bands__key__in=keys, story__isnull=False)
            .exclude(id=article.id)
            .values_list("id", "story_id", "minhash")
            .distinct()[: dedup.MAX_CANDIDATES]
        )
        for _candidate_id, story_id, packed in candidates:
            if not packed:
                continue
            score = dedup.similarity(signature, dedup.unpack(packed))
            if score >= dedup.SAME_STORY and (best is None or score > best[0]):
                best = (score, story_id)
    if best is None:
        story = Story.objects.create(lead_article=article)
    else:
        story = Story.objects.get(id=best[1])
        new_source = article.source_id is None or not (
            Article.objects.filter(story=story, source_id=article.source_id).exists()
        )
        Story.objects.filter(id=story.id).update(
            article_count=F("article_count") + 1,
            source_count=F("source_count") + (1 if new_source else 0),
            updated_at=timezone.now(),
        )
    Article.objects.filter(id=article.id).update(story=story)
    article.story = story
    if keys:
        MinHashBand.objects.bulk_create([MinHashBand(article=article, key=key) for key in set(keys)])
    return story


def queue_extraction(article_id: int) -> None:
    """Queue extraction now; raises QueueUnavailable when the broker is down."""
    from tracker.extraction.tasks import extract_article

    send(extract_article, article_id)


def _queue_quietly(article_id: int) -> None:
    try:
        queue_extraction(article_id)
    except QueueUnavailable:
        pass  # logged by send(); the sweep re-queues the article


def _find_existing(url: str | None, digest: str) -> Article | None:
    query = Article.objects.filter(content_hash=digest)
    if url:
        query = Article.objects.filter(url=url) | query
    return query.order_by("id").first()


def _language_for(text: str, declared: str | None) -> str:
    if declared in SUPPORTED_LANGUAGES:
        return declared
    if declared and declared != "unknown":
        # A language we do not support is recorded as such, never guessed.
        return "unknown"
    from tracker.extraction.language import detect_language

    return detect_language(text)
