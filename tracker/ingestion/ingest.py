"""Storing an article once, whatever it came from, and handing it to extraction.

Every way in (seeds, pasted text, uploads, URLs, feeds, bulk files) ends in
``store_article``: it cleans the text, refuses exact duplicates by canonical
URL and content hash (safely under concurrency), files the article under its
story (near-duplicates, see dedup.py) and queues extraction on commit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections import Counter
from dataclasses import dataclass
from functools import partial

from django.db import IntegrityError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from tracker.core.queue import QueueUnavailable
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

logger = logging.getLogger(__name__)


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

    With ``enqueue`` its extraction is queued once the transaction commits (inside
    ``ingest_batch``, together with the batch's other articles); a broker failure
    there is logged and left to the sweep.
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
    keys = dedup.band_keys(signature) if signature else []
    try:
        with transaction.atomic():
            # The story is found before the article is written, so the article is inserted with
            # its story_id (an UPDATE of the article row would rewrite its search vector and
            # every index entry). A new story gets its lead article once the article exists.
            story_id = _nearest_story(signature, keys)
            new_story = story_id is None
            if new_story:
                story_id = Story.objects.create().id
            else:
                new_source = source is None or not (
                    Article.objects.filter(story_id=story_id, source_id=source.id).exists()
                )
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
                story_id=story_id,
            )
            if new_story:
                Story.objects.filter(id=story_id).update(lead_article=article)
            else:
                transaction.on_commit(partial(_count_in_story, story_id, new_source), robust=True)
            if keys:
                MinHashBand.objects.bulk_create(
                    [MinHashBand(article=article, key=key) for key in set(keys)]
                )
    except IntegrityError:
        # Another worker stored the same URL or text a moment ago: theirs wins.
        existing = _find_existing(url, digest)
        if existing is None:
            raise
        return Stored(existing, created=False)
    if enqueue:
        transaction.on_commit(partial(_extract_later, article.id), robust=True)
    return Stored(article, created=True)


def file_under_story(article: Article, signature: list[int] | None) -> int:
    """Put a new article in the story of its nearest earlier near-duplicate, or start a story.

    Candidates come from the LSH band index (articles sharing a band key) and are
    compared by estimated Jaccard similarity; the counts on the story are updated
    in the same transaction as the article.
    """
    keys = dedup.band_keys(signature) if signature else []
    story_id = _nearest_story(signature, keys, exclude=article.id)
    if story_id is None:
        story_id = Story.objects.create(lead_article=article).id
    else:
        # Counted after commit, in a statement of its own: a popular story's row is then locked
        # for an instant, never for a whole batch (two batches would queue or deadlock on it).
        new_source = article.source_id is None or not (
            Article.objects.filter(story_id=story_id, source_id=article.source_id).exists()
        )
        transaction.on_commit(partial(_count_in_story, story_id, new_source), robust=True)
    Article.objects.filter(id=article.id).update(story_id=story_id)
    article.story_id = story_id
    if keys:
        MinHashBand.objects.bulk_create(
            [MinHashBand(article=article, key=key) for key in set(keys)]
        )
    return story_id


def _nearest_story(
    signature: list[int] | None, keys: list[int], exclude: int | None = None
) -> int | None:
    """The story of the nearest earlier near-duplicate, or None.

    Candidates come from the LSH band index: the newest few articles per band key (an index
    range each, so the cost does not grow with the table or with a key that many articles
    share), ranked by how many bands they share; only the best few are compared exactly.
    """
    if not keys:
        return None
    best: tuple[float, int] | None = None
    shared = Counter(
        article_id for article_id in _newest_articles_per_band(keys) if article_id != exclude
    )
    best_ids = [article_id for article_id, _ in shared.most_common(dedup.MAX_CANDIDATES)]
    if not best_ids:
        return None
    candidates = Article.objects.filter(id__in=best_ids, story__isnull=False)
    for story_id, packed in candidates.values_list("story_id", "minhash"):
        if not packed:
            continue
        score = dedup.similarity(signature, dedup.unpack(packed))
        if score >= dedup.SAME_STORY and (best is None or score > best[0]):
            best = (score, story_id)
    return None if best is None else best[1]


_batch = threading.local()


@contextlib.contextmanager
def ingest_batch():
    """Gather what the commit hooks of the articles stored inside this block would do one at a
    time, and do it once at the end:

    - story counts: one short transaction, a statement per story in id order (rows locked for an
      instant, always in the same order, so batches never deadlock);
    - extraction: the new articles are queued in tasks of ``EXTRACTION_BATCH_SIZE``, not one
      task each.
    """
    if getattr(_batch, "stories", None) is not None:  # nested: the outer block does it
        yield
        return
    stories: dict[int, list[int]] = {}
    extract: list[int] = []
    _batch.stories, _batch.extract = stories, extract
    try:
        yield
    finally:
        _batch.stories = _batch.extract = None
        if stories:
            _apply_story_counts(stories)
        if extract:
            queue_quietly(extract)


def _apply_story_counts(pending: dict[int, list[int]]) -> None:
    try:
        with transaction.atomic():
            for story_id in sorted(pending):
                articles, sources = pending[story_id]
                Story.objects.filter(id=story_id).update(
                    article_count=F("article_count") + articles,
                    source_count=F("source_count") + sources,
                    updated_at=timezone.now(),
                )
    except (
        Exception
    ):  # like a robust commit hook: the articles are stored; only the counts are lost
        logger.exception("Updating the counts of %d stories failed", len(pending))


def _count_in_story(story_id: int, new_source: bool) -> None:
    pending = getattr(_batch, "stories", None)
    if pending is not None:
        counts = pending.setdefault(story_id, [0, 0])
        counts[0] += 1
        counts[1] += 1 if new_source else 0
        return
    Story.objects.filter(id=story_id).update(
        article_count=F("article_count") + 1,
        source_count=F("source_count") + (1 if new_source else 0),
        updated_at=timezone.now(),
    )


def _newest_articles_per_band(keys: list[int]) -> list[int]:
    """Raw SQL because this runs for every article: one index range per key, in one statement
    (the ORM spends longer compiling twenty unioned subqueries than the database runs them)."""
    table = MinHashBand._meta.db_table
    part = f"SELECT article_id FROM (SELECT article_id FROM {table} WHERE key = %s ORDER BY article_id DESC LIMIT %s) AS b{{}}"  # noqa: S608
    sql = " UNION ALL ".join(part.format(i) for i in range(len(keys)))
    params: list[int] = []
    for key in keys:
        params.extend([key, dedup.PER_KEY_CANDIDATES])
    with connection.cursor() as cursor:
        cursor.execute(
            sql, params
        )  # only the table name and placeholders are formatted into the SQL
        return [row[0] for row in cursor.fetchall()]


def queue_quietly(article_ids: list[int]) -> None:
    """Queue extraction of these articles; a broker that is down is logged, not raised."""
    from tracker.extraction.tasks import queue_extraction

    with contextlib.suppress(QueueUnavailable):  # logged by send(); the sweep queues them later
        queue_extraction(article_ids)


def _extract_later(article_id: int) -> None:
    waiting = getattr(_batch, "extract", None)
    if waiting is not None:
        waiting.append(article_id)
    else:
        queue_quietly([article_id])


def _find_existing(url: str | None, digest: str) -> Article | None:
    # No ORDER BY: with one, PostgreSQL may walk the primary key instead of the two unique indexes.
    condition = Q(content_hash=digest) | Q(url=url) if url else Q(content_hash=digest)
    found = list(Article.objects.filter(condition)[:2])
    if not found:
        return None
    return next((a for a in found if url and a.url == url), found[0])


def _language_for(text: str, declared: str | None) -> str:
    if declared in SUPPORTED_LANGUAGES:
        return declared
    if declared and declared != "unknown":
        # A language we do not support is recorded as such, never guessed.
        return "unknown"
    from tracker.extraction.language import detect_language

    return detect_language(text)
