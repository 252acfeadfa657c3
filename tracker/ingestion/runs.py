"""Ingest runs: turning a submission or a feed poll into pending items, and items into articles.

A run is created with its items in one transaction (a URL, an uploaded page,
pasted text, every good line of a bulk file, every new feed entry); bad input
is recorded on the run at once, with line numbers. Workers then claim items in
small batches, store each through ``store_article`` and count the outcome on
the run; the last batch closes the run. Items live in the database, so a lost
message or a dead worker loses nothing (the sweep re-dispatches them), and an
item that keeps killing its worker is given up after a few attempts instead of
blocking the queue.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import BinaryIO
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.utils import timezone

from tracker.core.db import drop_broken_connections
from tracker.ingestion import dedup
from tracker.ingestion.feeds import FeedError, parse_feed
from tracker.ingestion.fetch import (
    FetchError,
    Limits,
    RefusedURL,
    TransientFetchError,
    backoff_seconds,
    decode_body,
    fetch,
)
from tracker.ingestion.html import extract_page
from tracker.ingestion.ingest import IngestError, ingest_batch, store_article
from tracker.ingestion.models import LANGUAGE_CHOICES, Article, IngestRun, PendingItem, Source
from tracker.ingestion.sniff import binary_kind
from tracker.ingestion.text import clean_line

logger = logging.getLogger(__name__)

UPLOAD_EXTENSIONS = {".html", ".htm", ".txt", ".jsonl"}
# Runs whose article text a person supplied rather than a fetch.
UPLOADED_KINDS = {IngestRun.Kind.UPLOAD, IngestRun.Kind.PASTE, IngestRun.Kind.BULK}
MAX_ITEM_ATTEMPTS = 3  # an item that crashed or timed out a worker this often is given up
CLAIM_STALE_SECONDS = 900  # longer than any task's hard time limit
_LANGUAGES = {code for code, _ in LANGUAGE_CHOICES}


class RetryLater(Exception):
    """A URL item hit a transient error; the caller retries it after ``delay`` seconds."""

    def __init__(self, delay: float, message: str):
        super().__init__(message)
        self.delay = delay


# --- Starting runs ------------------------------------------------------------------------


def start_url_run(url: str, *, user=None, kind: str = IngestRun.Kind.URL) -> IngestRun:
    url = (url or "").strip()
    scheme = urlsplit(url).scheme.lower() if url else ""
    if scheme not in {"http", "https"}:
        raise IngestError(f"Only http:// and https:// URLs can be ingested, not {url[:200]!r}.")
    with transaction.atomic():
        run = IngestRun.objects.create(
            kind=kind, submitted=url[:2000], submitted_by=user, items_seen=1
        )
        PendingItem.objects.create(
            run=run, kind=PendingItem.Kind.URL, position=1, payload=storable({"url": url})
        )
    return run


def start_paste_run(
    *, title: str, text: str, language: str = "", published: dt.date | None = None, user=None
) -> IngestRun:
    if not (text or "").strip():
        raise IngestError("The pasted text is empty.")
    payload = {
        "title": title,
        "text": text,
        "language": language or None,
        "published": published.isoformat() if published else None,
    }
    with transaction.atomic():
        run = IngestRun.objects.create(
            kind=IngestRun.Kind.PASTE,
            submitted=(title or text[:80])[:2000],
            submitted_by=user,
            items_seen=1,
        )
        PendingItem.objects.create(
            run=run, kind=PendingItem.Kind.ARTICLE, position=1, payload=storable(payload)
        )
    return run


def start_file_run(name: str, data: bytes | BinaryIO, *, user=None) -> IngestRun:
    """An uploaded or local file: .html/.htm page, .txt article, or .jsonl bulk (one article a line).

    ``data`` is bytes or a binary file (Django's upload, an open file): a bulk file is read a
    line at a time, never whole; a single page is read only up to FETCH_MAX_BYTES.
    """
    suffix = PurePath(name).suffix.lower()
    if suffix not in UPLOAD_EXTENSIONS:
        raise IngestError(f"{name}: only .html, .txt and .jsonl files can be ingested.")
    stream = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    stream.seek(0, io.SEEK_END)
    size = stream.tell()
    stream.seek(0)
    limit = settings.INGEST_MAX_UPLOAD_BYTES
    if size > limit:
        raise IngestError(
            f"{name} is {size:,} bytes; the limit is {limit:,} bytes (INGEST_MAX_UPLOAD_BYTES)."
        )
    head = stream.read(65536)
    stream.seek(0)
    if size <= len(head) and not head.strip():
        raise IngestError(f"{name} is empty.")
    _refuse_binary(name, head)
    if suffix == ".jsonl":
        return start_bulk_run(name, stream, user=user)
    page_limit = settings.FETCH_MAX_BYTES
    if size > page_limit:
        raise IngestError(
            f"{name} is {size:,} bytes; one .html or .txt article can be at most "
            f"{page_limit:,} bytes (FETCH_MAX_BYTES). Send many articles as a .jsonl file."
        )
    data = stream.read(page_limit)
    if not data.strip():
        raise IngestError(f"{name} is empty.")
    _refuse_binary(name, data)
    text = decode_body(data)
    if suffix == ".txt":
        if len(text) > settings.INGEST_MAX_ARTICLE_CHARS:
            raise IngestError(
                f"{name} has {len(text):,} characters; the limit is "
                f"{settings.INGEST_MAX_ARTICLE_CHARS:,} (INGEST_MAX_ARTICLE_CHARS)."
            )
        first, _, rest = text.lstrip("\ufeff").strip().partition("\n")
        title, body = (first.strip(), rest) if rest.strip() else (PurePath(name).stem, text)
        item = (PendingItem.Kind.ARTICLE, {"title": title[:1000], "text": body})
    else:
        item = (PendingItem.Kind.HTML, {"html": text, "name": name})
    with transaction.atomic():
        run = IngestRun.objects.create(
            kind=IngestRun.Kind.UPLOAD, submitted=name[:2000], submitted_by=user, items_seen=1
        )
        PendingItem.objects.create(run=run, kind=item[0], position=1, payload=storable(item[1]))
    return run


def storable(payload: dict) -> dict:
    """The payload without NULs and lone surrogates, which PostgreSQL's jsonb refuses (and
    clean_text drops from the article anyway): one in a bulk line must not fail the upload."""
    return {
        key: _UNSTORABLE.sub("", value) if isinstance(value, str) else value
        for key, value in payload.items()
    }


def _refuse_binary(name: str, data: bytes) -> None:
    kind = binary_kind(data)
    if kind:
        raise IngestError(
            f"{name} is not a text file (it looks like {kind}). Expected a .txt article or an "
            ".html page in UTF-8 or another text encoding, or a .jsonl file with one JSON "
            "article a line."
        )


_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# A batch of bulk items is written once it holds this many items or this many bytes of text.
_BULK_BATCH_ITEMS = 1000
_BULK_BATCH_BYTES = 16 * 1024 * 1024


def start_bulk_run(
    name: str,
    data: bytes | BinaryIO | Iterable[bytes],
    *,
    user=None,
    source: Source | None = None,
) -> IngestRun:
    """One article a line (url, title, text, language, published, source; extra fields ignored).

    Good lines become items; bad lines are counted as failed at once, the first
    ``IngestRun.SHOWN_ERRORS`` with their line numbers and the rest as a count. Memory stays
    bounded whatever the file: it is read a line at a time, a line longer than
    INGEST_MAX_LINE_BYTES is skipped without being held, and items are written in batches.
    """
    lines = read_lines(
        io.BytesIO(data) if isinstance(data, bytes | bytearray) else data,
        settings.INGEST_MAX_LINE_BYTES,
    )
    with transaction.atomic():
        run = IngestRun.objects.create(
            kind=IngestRun.Kind.BULK,
            submitted=name[:2000],
            submitted_by=user,
            source=source,
            status=IngestRun.Status.QUEUED,
        )
        batch: list[PendingItem] = []
        batch_bytes = 0
        errors: list[dict] = []
        seen = failed = 0
        for number, raw in lines:
            if raw is not None and not raw.strip():
                continue
            seen += 1
            try:
                if raw is None:
                    raise IngestError(
                        f"longer than {settings.INGEST_MAX_LINE_BYTES:,} bytes "
                        "(INGEST_MAX_LINE_BYTES)"
                    )
                payload = _bulk_line(raw)
            except IngestError as exc:
                failed += 1
                if len(errors) < IngestRun.SHOWN_ERRORS:
                    errors.append({"item": f"line {number}", "error": str(exc)})
                continue
            batch.append(
                PendingItem(
                    run=run,
                    kind=PendingItem.Kind.ARTICLE,
                    position=number,
                    payload=storable(payload),
                )
            )
            batch_bytes += len(raw)
            if len(batch) >= _BULK_BATCH_ITEMS or batch_bytes >= _BULK_BATCH_BYTES:
                PendingItem.objects.bulk_create(batch)
                batch, batch_bytes = [], 0
        PendingItem.objects.bulk_create(batch)
        if failed > len(errors):
            errors.append(
                {
                    "item": "more lines",
                    "error": f"{failed - len(errors):,} more bad lines are counted but not listed",
                }
            )
        run.items_seen = seen
        run.items_failed = failed
        run.errors = errors if seen else [{"item": name, "error": "The file has no lines."}]
        run.save(update_fields=["items_seen", "items_failed", "errors"])
        if seen == failed:  # nothing left to ingest: done if empty, failed if every line was bad
            IngestRun.objects.filter(id=run.id).close_if_done()
            run.refresh_from_db(fields=["status", "finished_at"])
    return run


def read_lines(
    stream: BinaryIO | Iterable[bytes], limit: int
) -> Iterator[tuple[int, bytes | None]]:
    """(line number, line) for each line of ``stream``; None for a line longer than ``limit``
    bytes, which is skipped in small reads instead of being held in memory."""
    readline = getattr(stream, "readline", None)
    if readline is None:  # an iterable of lines
        for number, line in enumerate(stream, start=1):
            yield number, (line if len(line.rstrip(b"\r\n")) <= limit else None)
        return
    number = 0
    while True:
        line = readline(limit + 2)  # the limit, "\r\n", and one byte to tell a longer line
        if not line:
            return
        number += 1
        if line.endswith(b"\n") and len(line.rstrip(b"\r\n")) <= limit:
            yield number, line
            continue
        if not line.endswith(b"\n") and len(line) <= limit:
            yield number, line  # the last line, without a newline
            continue
        while line and not line.endswith(b"\n"):
            line = readline(65536)
        yield number, None


def _bulk_line(raw: bytes) -> dict:
    try:
        record = json.loads(raw)
    except UnicodeDecodeError as exc:
        raise IngestError(f"not UTF-8 (byte {exc.start + 1})") from None
    except json.JSONDecodeError as exc:
        # The decoder's own "line 1 column 76 (char 75)" is about the line, not the file.
        raise IngestError(f"not valid JSON at column {exc.colno} ({exc.msg})") from None
    except ValueError as exc:
        raise IngestError(f"not valid JSON ({exc})") from None
    except RecursionError:
        raise IngestError("not valid JSON (nested too deeply)") from None
    if not isinstance(record, dict):
        raise IngestError("not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise IngestError("no text")
    if len(text) > settings.INGEST_MAX_ARTICLE_CHARS:
        raise IngestError(
            f"the text is {len(text):,} characters long; the limit is "
            f"{settings.INGEST_MAX_ARTICLE_CHARS:,} (INGEST_MAX_ARTICLE_CHARS)"
        )
    payload = {}
    for key in ("url", "title", "language", "published", "source", "author"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise IngestError(f"{key} must be a string")
        payload[key] = value[:10_000] if value else value
    payload["text"] = text
    if payload["published"]:
        _parse_date(payload["published"])
    return payload


# --- Feeds -------------------------------------------------------------------------------------


def poll_source(
    source: Source, *, run: IngestRun | None = None, limits: Limits | None = None
) -> IngestRun:
    """One conditional GET of a feed; new entries become items. Raises TransientFetchError to retry."""
    return _poll(source.url, run or open_feed_run(source), source, limits)


def open_feed_run(source: Source, url: str | None = None) -> IngestRun:
    """The run that records one poll of a feed (its retries included)."""
    return IngestRun.objects.create(
        kind=IngestRun.Kind.FEED,
        source=source,
        submitted=(url or source.url)[:2000],
        status=IngestRun.Status.RUNNING,
    )


def check_feed(
    url: str, *, limits: Limits | None = None, sleep: Callable[[float], None] = time.sleep
) -> IngestRun:
    """Poll the feed at ``url`` once, in this process (``manage.py ingest --feed``), the way the
    scheduled task does: transient errors are retried with backoff up to FETCH_MAX_ATTEMPTS.

    A feed Source with this URL is polled as itself. Any other URL is polled without
    conditional GET and without touching a Source's polling state, its articles filed under
    the web site's source, like a submitted URL's: how an operator tries a feed before adding it.
    """
    url = (url or "").strip()
    source = Source.objects.filter(kind=Source.Kind.FEED, url=url).first()
    if source is None and urlsplit(url).scheme.lower() not in {"http", "https"}:
        raise IngestError(f"Only http:// and https:// feeds can be polled, not {url[:200]!r}.")
    run = open_feed_run(source or _site_source(url), url)
    attempts = settings.FETCH_MAX_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            return _poll(url, run, source, limits)
        except TransientFetchError as exc:
            if attempt >= attempts:
                feed_failed(source, run, f"{exc} (gave up after {attempt} attempts)", url=url)
                run.refresh_from_db()
                return run
            sleep(backoff_seconds(attempt - 1, exc.retry_after, cap=30))
    return run


def _poll(url: str, run: IngestRun, source: Source | None, limits: Limits | None) -> IngestRun:
    """Fetch and parse the feed at ``url`` into the run's items; ``source`` (a feed Source, or
    None for a one-off check) gets the conditional GET and the record of how the poll went."""
    headers = {}
    if source is not None and source.etag:
        headers["If-None-Match"] = source.etag
    if source is not None and source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    try:
        response = fetch(url, headers=headers, limits=limits)
        if response.not_modified:
            _feed_succeeded(source, run, "not modified", response.headers)
            return run
        entries, warning = parse_feed(response.body, base_url=response.url)
    except TransientFetchError:
        raise
    except (FetchError, FeedError) as exc:
        feed_failed(source, run, str(exc), url=url)
        return run
    known = set()
    urls = [dedup.canonical_url(e.url) for e in entries if e.url]
    if urls:
        # An uploaded copy does not make an entry known: the fetched article is linked to it.
        known = set(
            Article.objects.filter(url__in=urls, uploaded=False).values_list("url", flat=True)
        )
    items, errors = [], []
    duplicates = 0
    for number, entry in enumerate(entries, start=1):
        canonical = dedup.canonical_url(entry.url) if entry.url else None
        payload = {
            "title": entry.title,
            "url": entry.url or None,
            "author": entry.author,
            "published": entry.published.isoformat() if entry.published else None,
        }
        if canonical and canonical in known:
            duplicates += 1
        elif entry.problem:
            errors.append({"item": f"entry {number}", "error": entry.problem})
        elif entry.has_full_text or not entry.url:
            if not entry.text:
                errors.append(
                    {"item": f"entry {number}", "error": "the entry has no link and no text"}
                )
                continue
            items.append(
                PendingItem(
                    run=run,
                    kind=PendingItem.Kind.ARTICLE,
                    position=number,
                    payload=storable({**payload, "text": entry.text}),
                )
            )
        else:
            items.append(
                PendingItem(
                    run=run,
                    kind=PendingItem.Kind.URL,
                    position=number,
                    payload=storable({**payload, "fallback_text": entry.text}),
                )
            )
    if warning and not items and not duplicates:
        # Malformed and nothing usable in it: the poll failed, and counts towards flagging the feed.
        feed_failed(source, run, warning, url=url)
        return run
    if warning:
        errors.insert(0, {"item": "feed", "error": warning})
    with transaction.atomic():
        PendingItem.objects.bulk_create(items)
        run.items_seen = len(entries)
        run.items_duplicate = duplicates
        run.items_failed = len([e for e in errors if e["item"] != "feed"])
        run.errors = errors
        run.save()
        _feed_succeeded(source, run, "ok", response.headers)
    close_run_if_done(run.id)
    return run


def _feed_succeeded(
    source: Source | None, run: IngestRun, status: str, headers: dict[str, str]
) -> None:
    if source is not None:
        source.record_poll_success(status, headers)
    if status == "not modified":
        IngestRun.objects.filter(id=run.id).finish()


def feed_failed(source: Source | None, run: IngestRun, message: str, *, url: str = "") -> None:
    IngestRun.objects.filter(id=run.id).fail(
        [{"item": url or (source.url if source else run.submitted), "error": message}]
    )
    if source is not None:
        source.record_poll_failure(message)


# --- Processing items --------------------------------------------------------------------------


@dataclass
class Outcome:
    new: int = 0
    duplicate: int = 0
    failed: int = 0
    errors: list[dict] = field(default_factory=list)
    article_ids: list[int] = field(default_factory=list)
    done_ids: list[int] = field(default_factory=list)


def claim_items(run_id: int, item_ids: list[int]) -> list[PendingItem]:
    """Claim the items nobody holds (or whose holder died) with one conditional update; a
    concurrent claimer waits for the row and then finds it taken, so no item is lost or doubled."""
    stale = timezone.now() - dt.timedelta(seconds=CLAIM_STALE_SECONDS)
    token = uuid.uuid4()
    PendingItem.objects.filter(run_id=run_id, id__in=item_ids).claim(token, stale_before=stale)
    IngestRun.objects.filter(id=run_id).start()
    return list(
        PendingItem.objects.filter(claim=token)
        .select_related("run", "run__source", "run__submitted_by")
        .order_by("id")
    )


def process_items(run_id: int, item_ids: list[int], *, limits: Limits | None = None) -> Outcome:
    """Ingest the claimable items among ``item_ids``; raises RetryLater for a transient URL error.

    Items that need no network (bulk lines, pasted text, uploaded pages) are stored in one
    transaction per batch, together with the run's counts: one commit instead of one per
    article, and a batch that fails on the database leaves nothing behind and is tried again.
    """
    items = claim_items(run_id, item_ids)
    if not items:
        return Outcome()
    if any(item.kind == PendingItem.Kind.URL for item in items):
        outcome = Outcome()
        try:
            retry = _ingest_each(items, outcome, limits)
        finally:
            record_outcome(run_id, outcome)
        if retry is not None:
            raise retry
        return outcome
    try:
        with ingest_batch(), transaction.atomic():
            outcome = Outcome()
            _ingest_each(items, outcome, limits)
            record_outcome(run_id, outcome, close=False)
    except BaseException:
        # Rolled back: give the items back at once so the retry can claim them (on a fresh
        # connection if the server dropped this one).
        drop_broken_connections()
        PendingItem.objects.filter(id__in=[item.id for item in items]).release()
        raise
    close_run_if_done(run_id)
    return outcome


def _ingest_each(
    items: list[PendingItem], outcome: Outcome, limits: Limits | None
) -> RetryLater | None:
    sources: dict[str, Source | None] = {}
    retry: RetryLater | None = None
    for item in items:
        label = _label(item)
        if item.attempts > MAX_ITEM_ATTEMPTS:
            outcome.failed += 1
            outcome.errors.append(
                {
                    "item": label,
                    "error": f"given up after {MAX_ITEM_ATTEMPTS} attempts "
                    "(it stopped or timed out the worker each time)",
                }
            )
            outcome.done_ids.append(item.id)
            continue
        try:
            stored = ingest_item(item, sources=sources, limits=limits, notes=outcome.errors)
        except TransientFetchError as exc:
            if item.attempts >= settings.FETCH_MAX_ATTEMPTS:
                outcome.failed += 1
                outcome.errors.append(
                    {"item": label, "error": f"{exc} (gave up after {item.attempts} attempts)"}
                )
                outcome.done_ids.append(item.id)
                continue
            PendingItem.objects.filter(id=item.id).release()
            retry = RetryLater(backoff_seconds(item.attempts, exc.retry_after), str(exc))
            continue
        except (IngestError, FetchError, FeedError) as exc:
            outcome.failed += 1
            outcome.errors.append({"item": label, "error": str(exc)})
            outcome.done_ids.append(item.id)
            continue
        except (OperationalError, InterfaceError, SoftTimeLimitExceeded):
            raise  # the database or the clock, not the item: the batch is tried again
        except Exception as exc:
            # A bug or a pathological input must cost one item, never the whole batch.
            logger.exception("Ingesting %s of run %s failed", label, items[0].run_id)
            outcome.failed += 1
            outcome.errors.append(
                {"item": label, "error": f"unexpected error: {type(exc).__name__}: {exc}"}
            )
            outcome.done_ids.append(item.id)
            continue
        if stored.created:
            outcome.new += 1
        else:
            outcome.duplicate += 1
        outcome.article_ids.append(stored.article.id)
        outcome.done_ids.append(item.id)
    return retry


def ingest_item(
    item: PendingItem,
    *,
    sources: dict[str, Source | None] | None = None,
    limits: Limits | None = None,
    notes: list[dict] | None = None,
):
    payload = item.payload
    run = item.run
    source = run.source
    # Text a person supplied is marked as such, with who supplied it (None on the command line).
    uploaded = item.kind != PendingItem.Kind.URL and run.kind in UPLOADED_KINDS
    language = payload.get("language") or (source.language if source else "") or None
    if language and language not in _LANGUAGES:
        language = "unknown"  # a language we do not support is recorded as such, never guessed
    published = _parse_date(payload.get("published")) if payload.get("published") else None
    title = payload.get("title") or ""
    author = payload.get("author") or ""
    if item.kind == PendingItem.Kind.ARTICLE:
        if payload.get("source"):
            named = _named_source(
                payload["source"], sources if sources is not None else {}, run, notes
            )
            source = named or source
        text = payload.get("text") or ""
        url = payload.get("url") or None
        if url and urlsplit(url).scheme.lower() not in {"http", "https"}:
            raise IngestError(f"url must be http or https, not {url[:100]!r}")
    elif item.kind == PendingItem.Kind.HTML:
        page = extract_page(payload["html"])
        text, url = page.text, None
        title = title or page.title or PurePath(payload.get("name") or "page").stem
        author = author or page.author
        published = published or page.published
        if not text:
            raise IngestError("no article text found in the page")
    else:
        fetched = fetch(payload["url"], limits=limits)
        url = fetched.url
        if source is None:
            source = _site_source(url)
        if fetched.content_type == "text/plain":
            text = fetched.text()
        else:
            page = extract_page(fetched.text(), url=url)
            text = page.text
            title = title or page.title
            author = author or page.author
            published = published or page.published
        if not text.strip():
            text = payload.get("fallback_text") or ""
        if not text.strip():
            raise IngestError(f"no article text found at {url}")
    return store_article(
        title=title,
        text=text,
        language=language,
        published=published,
        url=url,
        author=author,
        source=source,
        run=run,
        uploaded=uploaded,
        uploaded_by=run.submitted_by if uploaded else None,
    )


def record_outcome(run_id: int, outcome: Outcome, *, close: bool = True) -> None:
    """Add a batch's counts and errors to its run (locked, so batches on other workers add up)."""
    if not (outcome.done_ids or outcome.errors):
        return
    with transaction.atomic():
        run = IngestRun.objects.select_for_update().get(id=run_id)
        run.items_new += outcome.new
        run.items_duplicate += outcome.duplicate
        run.items_failed += outcome.failed
        room = IngestRun.SHOWN_ERRORS - len(run.errors)
        if room > 0:
            run.errors = run.errors + outcome.errors[:room]
        shown = IngestRun.SHOWN_ARTICLES - len(run.article_ids)
        if shown > 0:
            run.article_ids = (
                run.article_ids
                + [i for i in outcome.article_ids if i not in run.article_ids][:shown]
            )
        run.save(
            update_fields=["items_new", "items_duplicate", "items_failed", "errors", "article_ids"]
        )
        PendingItem.objects.filter(id__in=outcome.done_ids).delete()
    if close:
        close_run_if_done(run_id)


def close_run_if_done(run_id: int) -> bool:
    return IngestRun.objects.filter(id=run_id).close_if_done()


def batches(run: IngestRun) -> list[list[int]]:
    """The run's waiting items, grouped as tasks take them: URL items alone, others by the chunk size."""
    fetches, others = [], []
    for item_id, kind in (
        PendingItem.objects.filter(run=run).order_by("id").values_list("id", "kind")
    ):
        (fetches if kind == PendingItem.Kind.URL else others).append(item_id)
    size = settings.INGEST_CHUNK_SIZE
    return [[i] for i in fetches] + [others[n : n + size] for n in range(0, len(others), size)]


def process_run_inline(
    run: IngestRun, *, limits: Limits | None = None, sleep: Callable[[float], None] = time.sleep
) -> IngestRun:
    """Ingest every item of ``run`` in this process (the ``ingest`` command), retrying transient errors."""
    for batch in batches(run):
        while True:
            try:
                process_items(run.id, batch, limits=limits)
                break
            except RetryLater as exc:
                logger.info("Retrying in %.1fs: %s", exc.delay, exc)
                sleep(exc.delay)
    run.refresh_from_db()
    return run


def _label(item: PendingItem) -> str:
    if item.run.kind == IngestRun.Kind.BULK:
        return f"line {item.position}"
    return (
        item.payload.get("url")
        or item.payload.get("name")
        or item.payload.get("title")
        or f"item {item.position}"
    )


def _parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value[:10])
    except (TypeError, ValueError):
        raise IngestError(f"published {value!r} is not a date (YYYY-MM-DD)") from None


def _named_source(
    name: str, cache: dict[str, Source | None], run: IngestRun, notes: list[dict] | None
) -> Source | None:
    """The Source a bulk line names. A new one is created only for someone who may add sources
    (or on the command line); otherwise the line is stored without a source, with a note."""
    name = clean_line(name)[:200]
    if not name:
        return None
    if name not in cache:
        found = Source.objects.filter(name=name).first()
        user = run.submitted_by
        if found is None and (user is None or user.has_perm("ingestion.add_source")):
            found = Source.objects.get_or_create(name=name, defaults={"kind": Source.Kind.MANUAL})[
                0
            ]
        elif found is None and notes is not None:
            notes.append(
                {
                    "item": f"source {name[:100]!r}",
                    "error": "note: not a known source, and only people who may add sources "
                    "can create one; its articles were stored without a source",
                }
            )
        cache[name] = found
    return cache[name]


def _site_source(url: str) -> Source | None:
    """Pages submitted by URL are grouped by web site, so stories count their sources."""
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    if not host:
        return None
    source, _ = Source.objects.get_or_create(
        name=host[:200], defaults={"kind": Source.Kind.SITE, "url": f"https://{host}/"}
    )
    return source


__all__ = [
    "RefusedURL",
    "RetryLater",
    "batches",
    "check_feed",
    "close_run_if_done",
    "feed_failed",
    "poll_source",
    "process_items",
    "process_run_inline",
    "start_bulk_run",
    "start_file_run",
    "start_paste_run",
    "start_url_run",
]
