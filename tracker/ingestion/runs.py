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
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from urllib.parse import urlsplit

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from tracker.ingestion import dedup
from tracker.ingestion.feeds import FeedError, parse_feed
from tracker.ingestion.fetch import (
    FetchError,
    Limits,
    RefusedURL,
    TransientFetchError,
    decode_body,
    fetch,
)
from tracker.ingestion.html import extract_page
from tracker.ingestion.ingest import IngestError, ingest_batch, store_article
from tracker.ingestion.models import LANGUAGE_CHOICES, Article, IngestRun, PendingItem, Source

logger = logging.getLogger(__name__)

UPLOAD_EXTENSIONS = {".html", ".htm", ".txt", ".jsonl"}
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
            run=run, kind=PendingItem.Kind.URL, position=1, payload={"url": url}
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
            run=run, kind=PendingItem.Kind.ARTICLE, position=1, payload=payload
        )
    return run


def start_file_run(name: str, data: bytes, *, user=None) -> IngestRun:
    """An uploaded or local file: .html/.htm page, .txt article, or .jsonl bulk (one article a line)."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in UPLOAD_EXTENSIONS:
        raise IngestError(f"{name}: only .html, .txt and .jsonl files can be ingested.")
    if len(data) > settings.INGEST_MAX_UPLOAD_BYTES:
        raise IngestError(
            f"{name} is larger than the limit of {settings.INGEST_MAX_UPLOAD_BYTES:,} bytes."
        )
    if not data.strip():
        raise IngestError(f"{name} is empty.")
    if suffix == ".jsonl":
        return start_bulk_run(name, data, user=user)
    text = decode_body(data)
    if suffix == ".txt":
        first, _, rest = text.lstrip("\ufeff").strip().partition("\n")
        title, body = (first.strip(), rest) if rest.strip() else (PurePath(name).stem, text)
        item = (PendingItem.Kind.ARTICLE, {"title": title, "text": body})
    else:
        item = (PendingItem.Kind.HTML, {"html": text, "name": name})
    with transaction.atomic():
        run = IngestRun.objects.create(
            kind=IngestRun.Kind.UPLOAD, submitted=name[:2000], submitted_by=user, items_seen=1
        )
        PendingItem.objects.create(run=run, kind=item[0], position=1, payload=item[1])
    return run


def start_bulk_run(
    name: str, data: bytes | Iterable[bytes], *, user=None, source: Source | None = None
) -> IngestRun:
    """One article a line (url, title, text, language, published, source; extra fields ignored).

    Good lines become items; bad lines are counted as failed with their line numbers at once.
    """
    lines = data.splitlines() if isinstance(data, bytes) else data
    with transaction.atomic():
        run = IngestRun.objects.create(
            kind=IngestRun.Kind.BULK,
            submitted=name[:2000],
            submitted_by=user,
            source=source,
            status=IngestRun.Status.QUEUED,
        )
        batch: list[PendingItem] = []
        errors: list[dict] = []
        seen = failed = 0
        for number, raw in enumerate(lines, start=1):
            if not raw.strip():
                continue
            seen += 1
            try:
                payload = _bulk_line(raw)
            except IngestError as exc:
                failed += 1
                errors.append({"item": f"line {number}", "error": str(exc)})
                continue
            batch.append(
                PendingItem(
                    run=run, kind=PendingItem.Kind.ARTICLE, position=number, payload=payload
                )
            )
            if len(batch) >= 1000:
                PendingItem.objects.bulk_create(batch)
                batch = []
        PendingItem.objects.bulk_create(batch)
        run.items_seen = seen
        run.items_failed = failed
        run.errors = errors[: IngestRun.SHOWN_ERRORS]
        if seen == failed:
            run.status = IngestRun.Status.FAILED if seen else IngestRun.Status.DONE
            run.finished_at = timezone.now()
            if not seen:
                run.errors = [{"item": name, "error": "The file has no lines."}]
        run.save()
    return run


def _bulk_line(raw: bytes) -> dict:
    try:
        record = json.loads(raw)
    except UnicodeDecodeError as exc:
        raise IngestError(f"not UTF-8 (byte {exc.start})") from None
    except ValueError as exc:
        raise IngestError(f"not valid JSON ({exc})") from None
    if not isinstance(record, dict):
        raise IngestError("not a JSON object")
    text = record.get("text")
    if not isinstance(text, str) or not text.strip():
        raise IngestError("no text")
    payload = {}
    for key in ("url", "title", "language", "published", "source", "author"):
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise IngestError(f"{key} must be a string")
        payload[key] = value
    payload["text"] = text
    if payload["published"]:
        _parse_date(payload["published"])
    return payload


# --- Feeds -------------------------------------------------------------------------------------


def poll_source(
    source: Source, *, run: IngestRun | None = None, limits: Limits | None = None
) -> IngestRun:
    """One conditional GET of a feed; new entries become items. Raises TransientFetchError to retry."""
    run = run or IngestRun.objects.create(
        kind=IngestRun.Kind.FEED,
        source=source,
        submitted=source.url[:2000],
        status=IngestRun.Status.RUNNING,
    )
    headers = {}
    if source.etag:
        headers["If-None-Match"] = source.etag
    if source.last_modified:
        headers["If-Modified-Since"] = source.last_modified
    try:
        response = fetch(source.url, headers=headers, limits=limits)
        if response.not_modified:
            _feed_succeeded(source, run, "not modified", response.headers)
            return run
        entries, warning = parse_feed(response.body, base_url=response.url)
    except TransientFetchError:
        raise
    except (FetchError, FeedError) as exc:
        feed_failed(source, run, str(exc))
        return run
    known = set()
    urls = [dedup.canonical_url(e.url) for e in entries if e.url]
    if urls:
        known = set(Article.objects.filter(url__in=urls).values_list("url", flat=True))
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
                    payload={**payload, "text": entry.text},
                )
            )
        else:
            items.append(
                PendingItem(
                    run=run,
                    kind=PendingItem.Kind.URL,
                    position=number,
                    payload={**payload, "fallback_text": entry.text},
                )
            )
    if warning and not items and not duplicates:
        # Malformed and nothing usable in it: the poll failed, and counts towards flagging the feed.
        feed_failed(source, run, warning)
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


def _feed_succeeded(source: Source, run: IngestRun, status: str, headers: dict[str, str]) -> None:
    lowered = {k.lower(): v for k, v in headers.items()}
    Source.objects.filter(id=source.id).update(
        etag=lowered.get("etag", source.etag)[:500],
        last_modified=lowered.get("last-modified", source.last_modified)[:100],
        last_polled_at=timezone.now(),
        last_status=status,
        last_error="",
        consecutive_failures=0,
    )
    if status == "not modified":
        IngestRun.objects.filter(id=run.id).update(
            status=IngestRun.Status.DONE, finished_at=timezone.now()
        )


def feed_failed(source: Source, run: IngestRun, message: str) -> None:
    IngestRun.objects.filter(id=run.id).update(
        status=IngestRun.Status.FAILED,
        finished_at=timezone.now(),
        errors=[{"item": source.url, "error": message}],
    )
    Source.objects.filter(id=source.id).update(
        last_polled_at=timezone.now(),
        last_status="failed",
        last_error=message[:2000],
        consecutive_failures=F("consecutive_failures") + 1,
    )


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
    now = timezone.now()
    stale = now - dt.timedelta(seconds=CLAIM_STALE_SECONDS)
    token = uuid.uuid4()
    PendingItem.objects.filter(run_id=run_id, id__in=item_ids).filter(
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=stale)
    ).update(claimed_at=now, claim=token, attempts=F("attempts") + 1)
    IngestRun.objects.filter(id=run_id, status=IngestRun.Status.QUEUED).update(
        status=IngestRun.Status.RUNNING
    )
    return list(
        PendingItem.objects.filter(claim=token).select_related("run", "run__source").order_by("id")
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
        # Rolled back: give the items back at once so the retry can claim them.
        PendingItem.objects.filter(id__in=[item.id for item in items]).update(
            claimed_at=None, claim=None
        )
        raise
    close_run_if_done(run_id)
    return outcome


def _ingest_each(
    items: list[PendingItem], outcome: Outcome, limits: Limits | None
) -> RetryLater | None:
    sources: dict[str, Source] = {}
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
            stored = ingest_item(item, sources=sources, limits=limits)
        except TransientFetchError as exc:
            if item.attempts >= settings.FETCH_MAX_ATTEMPTS:
                outcome.failed += 1
                outcome.errors.append(
                    {"item": label, "error": f"{exc} (gave up after {item.attempts} attempts)"}
                )
                outcome.done_ids.append(item.id)
                continue
            from tracker.ingestion.fetch import backoff_seconds

            PendingItem.objects.filter(id=item.id).update(claimed_at=None, claim=None)
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
    item: PendingItem, *, sources: dict[str, Source] | None = None, limits: Limits | None = None
):
    payload = item.payload
    run = item.run
    source = run.source
    language = payload.get("language") or (source.language if source else "") or None
    if language and language not in _LANGUAGES:
        language = "unknown"  # a language we do not support is recorded as such, never guessed
    published = _parse_date(payload.get("published")) if payload.get("published") else None
    title = payload.get("title") or ""
    author = payload.get("author") or ""
    if item.kind == PendingItem.Kind.ARTICLE:
        if payload.get("source"):
            source = _named_source(payload["source"], sources if sources is not None else {})
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
    done = F("items_new") + F("items_duplicate") + F("items_failed")
    finished = (
        IngestRun.objects.filter(
            id=run_id, status__in=[IngestRun.Status.QUEUED, IngestRun.Status.RUNNING]
        )
        .alias(done=done)
        .filter(done__gte=F("items_seen"))
    )
    changed = finished.update(status=IngestRun.Status.DONE, finished_at=timezone.now())
    if changed:
        # A run where every item failed is a failed run; partial failures are listed on a done run.
        IngestRun.objects.filter(
            id=run_id, items_failed__gte=F("items_seen"), items_seen__gt=0
        ).update(status=IngestRun.Status.FAILED)
    return bool(changed)


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


def _named_source(name: str, cache: dict[str, Source]) -> Source:
    name = " ".join(name.split())[:200]
    if name not in cache:
        cache[name] = Source.objects.get_or_create(
            name=name, defaults={"kind": Source.Kind.MANUAL}
        )[0]
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
