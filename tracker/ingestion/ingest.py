"""Storing an article once, whatever it came from, and handing it to extraction.

Every way in (seeds, pasted text, uploads, URLs, feeds, bulk files) ends in
``store_article``: it cleans the text, refuses text longer than
INGEST_MAX_ARTICLE_CHARS, refuses exact duplicates by canonical URL and content
hash (safely under concurrency), files the article under its story
(near-duplicates, see dedup.py) and, on commit, hands it to whatever registered
with ``when_stored`` (extraction queues it).

Text a person uploaded or pasted only claims its URL: it never stops the
article fetched from that URL later, which is stored and linked to the upload.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from tracker.core.handoff import Handoff
from tracker.ingestion import dedup
from tracker.ingestion.models import (
    Article,
    IngestRun,
    MinHashBand,
    Source,
    Story,
    content_hash,
)
from tracker.ingestion.text import clean_line, prepare_text
from tracker.nlp.language import detect_language
from tracker.nlp.vocabulary import LANGUAGES

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
    uploaded: bool = False,
    uploaded_by=None,
) -> Stored:
    """Store one article unless it is already known.

    ``uploaded`` marks text a person supplied (with ``uploaded_by``, when known): it is a
    duplicate of an article with the same URL, but a fetched article is never a duplicate of
    an uploaded one by URL alone; it is stored and the uploaded copies are linked to it.

    With ``enqueue`` it is handed over (``when_stored``: extraction queues it) once the
    transaction commits (inside ``ingest_batch``, together with the batch's other articles); a
    broker failure there is logged and left to the sweep.
    """
    limit = settings.INGEST_MAX_ARTICLE_CHARS
    if len(text or "") > limit:
        raise IngestError(
            f"The article's text is {len(text):,} characters long; the limit is {limit:,} "
            "(INGEST_MAX_ARTICLE_CHARS)."
        )
    text = prepare_text(text or "")
    if not text:
        raise IngestError("The article has no text.")
    title = clean_line(title or "")[:1000] or text.split("\n", 1)[0][:200]
    url = dedup.canonical_url(url) or None
    if url and len(url) > 2000:
        raise IngestError("The URL is longer than 2000 characters.")
    digest = content_hash(text)
    existing = _find_existing(url, digest, uploaded=uploaded)
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
            nearest = _nearest_story(signature, keys, source)
            if nearest is None:
                story_id = Story.objects.create().id
            else:
                story_id, new_source = nearest
            article = Article.objects.create(
                title=title,
                text=text,
                language=language,
                published=published,
                url=url,
                author=clean_line(author or "")[:300],
                source=source,
                ingest_run=run,
                uploaded=uploaded,
                uploaded_by=uploaded_by if uploaded else None,
                content_hash=digest,
                state=Article.State.INGESTED,
                state_changed_at=timezone.now(),
                minhash=dedup.pack(signature) if signature else None,
                story_id=story_id,
            )
            if nearest is None:
                Story.objects.filter(id=story_id).lead_with(article)
            else:
                transaction.on_commit(partial(_count_in_story, story_id, new_source), robust=True)
            if keys:
                _insert_bands(article.id, keys)
            if url and not uploaded:
                Article.objects.link_uploaded_copies(article)
    except IntegrityError:
        # Another worker stored the same URL or text a moment ago: theirs wins.
        existing = _find_existing(url, digest, uploaded=uploaded)
        if existing is None:
            raise
        return Stored(existing, created=False)
    if enqueue:
        transaction.on_commit(partial(_extract_later, article.id), robust=True)
    return Stored(article, created=True)


def _nearest_story(
    signature: list[int] | None, keys: list[int], source: Source | None
) -> tuple[int, bool] | None:
    """The story of the nearest earlier near-duplicate, and whether ``source`` is new to it; or None.

    Candidates come from the LSH band index: the newest few articles per band key (an index
    range each, so the cost does not grow with the table or with a key that many articles
    share), ranked by how many bands they share; only the best few are compared exactly.
    """
    if not keys:
        return None
    best: tuple[float, int, bool] | None = None
    for story_id, packed, has_source in _candidates(keys, source.id if source else None):
        if not packed:
            continue
        score = dedup.similarity(signature, dedup.unpack(packed))
        if score >= dedup.SAME_STORY and (best is None or score > best[0]):
            best = (score, story_id, not has_source)
    return None if best is None else best[1:]


# What happens to articles once they are stored: extraction registers it at start-up
# (ExtractionConfig.ready), so ingestion, below extraction, does not import it. An article nobody
# was handed to waits in "ingested" for the sweep.
_hand_over = Handoff()


def when_stored(handler: Callable[[list[int]], None]) -> None:
    """Call ``handler(article_ids)`` with the articles stored with ``enqueue``, after they commit
    (a batch's at once inside ``ingest_batch``). Registering twice registers once."""
    _hand_over.register(handler)


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
            _hand_over(extract)


def _apply_story_counts(pending: dict[int, list[int]]) -> None:
    try:
        with transaction.atomic():
            for story_id in sorted(pending):
                articles, sources = pending[story_id]
                Story.objects.filter(id=story_id).count_in(articles, sources)
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
    Story.objects.filter(id=story_id).count_in(1, 1 if new_source else 0)


def _candidates(keys: list[int], source_id: int | None) -> list[tuple[int, bytes, bool]]:
    """(story id, packed MinHash, whether the story has an article from the source) of the
    articles sharing the most band keys, in one statement.

    Raw SQL because this runs for every article: the newest few articles per key (one index
    range each), ranked by keys shared; then one index probe per candidate story for the source.
    The keys go in as one array, so the statement has one shape whatever their number.
    """
    params = {
        "keys": keys,
        "per_key": dedup.PER_KEY_CANDIDATES,
        "limit": dedup.MAX_CANDIDATES,
        "source": source_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(_CANDIDATES, params)
        return cursor.fetchall()


_CANDIDATES = """
WITH hits AS (
  SELECT h.article_id FROM unnest(%(keys)s::bigint[]) AS k(key) CROSS JOIN LATERAL (
    SELECT article_id FROM ingestion_minhashband WHERE key = k.key ORDER BY article_id DESC
    LIMIT %(per_key)s
  ) AS h
),
best AS (
  SELECT article_id, COUNT(*) AS shared FROM hits GROUP BY article_id
  ORDER BY shared DESC, article_id DESC LIMIT %(limit)s
),
candidates AS (
  SELECT a.story_id, a.minhash FROM best JOIN ingestion_article a ON a.id = best.article_id
  WHERE a.story_id IS NOT NULL
),
-- One probe per candidate story, as a scalar subquery with LIMIT 1 so that it stays a probe: an
-- EXISTS may be planned as a hash of every article of the source, which stale statistics during
-- a bulk load make look cheap.
sourced AS (
  SELECT st.story_id, (
    SELECT 1 FROM ingestion_article s
    WHERE s.source_id = %(source)s AND s.story_id = st.story_id LIMIT 1
  ) IS NOT NULL AS has_source
  FROM (SELECT DISTINCT story_id FROM candidates) AS st
)
SELECT c.story_id, c.minhash, sourced.has_source FROM candidates c JOIN sourced USING (story_id)
"""


def _extract_later(article_id: int) -> None:
    waiting = getattr(_batch, "extract", None)
    if waiting is not None:
        waiting.append(article_id)
    else:
        _hand_over([article_id])


def _find_existing(url: str | None, digest: str, *, uploaded: bool = False) -> Article | None:
    """The stored article with this URL (preferred) or this text, if any. A fetched article
    looks for the URL among fetched articles only: an upload's claim on it does not count.

    Asked for every incoming article and nearly always answered "none", so the question is one
    small raw statement; the article is loaded only when there is one.
    """
    table = Article._meta.db_table
    # No ORDER BY: with one, PostgreSQL may walk the primary key instead of the two unique indexes.
    sql = f"SELECT id, url FROM {table} WHERE content_hash = %s"  # noqa: S608 - table name only
    params = [digest]
    if url:
        sql += " OR url = %s" if uploaded else " OR (url = %s AND NOT uploaded)"
        params.append(url)
    with connection.cursor() as cursor:
        cursor.execute(sql + " LIMIT 2", params)
        found = cursor.fetchall()
    if not found:
        return None
    article_id = next((i for i, found_url in found if url and found_url == url), found[0][0])
    return Article.objects.get(id=article_id)


def _insert_bands(article_id: int, keys: list[int]) -> None:
    """The article's LSH band rows in one statement, without a model instance per row."""
    keys = sorted(set(keys))
    table = MinHashBand._meta.db_table
    rows = ", ".join(["(%s, %s)"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (article_id, key) VALUES {rows}",  # noqa: S608 - placeholders only
            [value for key in keys for value in (article_id, key)],
        )


def _language_for(text: str, declared: str | None) -> str:
    if declared in LANGUAGES:
        return declared
    if declared and declared != "unknown":
        # A language we do not support is recorded as such, never guessed.
        return "unknown"
    return detect_language(text)
