"""Storing an article once, whatever it came from, and handing it to extraction.

Every way in (seeds, pasted text, uploads, URLs, feeds, bulk files) ends in
``store_article``: it cleans the text, refuses exact duplicates by URL and
content hash (safely under concurrency) and queues extraction on commit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, transaction
from django.utils import timezone

from tracker.core.queue import QueueUnavailable, send
from tracker.ingestion.models import SUPPORTED_LANGUAGES, Article, IngestRun, Source, content_hash
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
    digest = content_hash(text)
    existing = _find_existing(url, digest)
    if existing is not None:
        return Stored(existing, created=False)
    language = _language_for(text, language)
    try:
        with transaction.atomic():
            article = Article.objects.create(
                title=title,
                text=text,
                language=language,
                published=published,
                url=url or None,
                author=author[:300],
                source=source,
                ingest_run=run,
                content_hash=digest,
                state=Article.State.INGESTED,
                state_changed_at=timezone.now(),
            )
    except IntegrityError:
        # Another worker stored the same URL or text a moment ago: theirs wins.
        existing = _find_existing(url, digest)
        if existing is None:
            raise
        return Stored(existing, created=False)
    if enqueue:
        transaction.on_commit(partial(_queue_quietly, article.id), robust=True)
    return Stored(article, created=True)


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
