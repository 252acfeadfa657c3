"""Reading RSS and Atom feeds into entries, refusing the XML tricks feeds can carry.

feedparser reads every dialect. It is always handed a byte stream: given bytes
it first tries them as a file name or URL, so a feed answering
"/etc/something" would be read from the local disk. A feed that declares an
internal DTD subset or entities anywhere is refused up front, after the same
conversion to UTF-8 feedparser makes (so UTF-16 or a long comment hides
nothing): its strict parser expands entities up to expat's limit and its
loose parser then expands simple ones again. Each entry's text is capped by
INGEST_MAX_ARTICLE_CHARS.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import dataclass

import feedparser
from django.conf import settings
from feedparser.encodings import convert_to_utf8

from tracker.ingestion.html import html_to_text

_ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_FIRST_TAG = re.compile(rb"<\w")
_SPACE = re.compile(r"[\s\ufeff]*")
_DOCTYPE_STOP = re.compile(r"[\"'\[>]")
# A feed entry whose own content is at least this long is ingested without fetching its page.
FULL_TEXT_CHARS = 600
DTD_REFUSED = (
    "The feed declares XML entities (a DTD in its DOCTYPE); the tracker refuses such feeds "
    "because entity expansion can exhaust memory (billion laughs)."
)


class FeedError(ValueError):
    """The feed cannot be read; the message says why."""


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str
    text: str  # plain text of the entry's content or summary
    published: dt.date | None
    author: str
    problem: str = ""  # why the entry cannot be stored (too long), else empty

    @property
    def has_full_text(self) -> bool:
        return len(self.text) >= FULL_TEXT_CHARS


def parse_feed(
    body: bytes, *, base_url: str = "", headers: dict[str, str] | None = None
) -> tuple[list[FeedEntry], str]:
    """Entries of the feed in ``body`` and a warning (empty when the feed was well-formed)."""
    if not body.strip():
        raise FeedError("The feed is empty.")
    response_headers = {k.lower(): v for k, v in (headers or {}).items()}
    if base_url:
        response_headers["content-location"] = base_url
    refuse_entity_declarations(body, response_headers)
    parsed = feedparser.parse(
        io.BytesIO(body),  # never bytes: those are tried as a path or a URL first
        response_headers=response_headers,
        sanitize_html=True,
        resolve_relative_uris=True,
    )
    warning = ""
    if parsed.bozo:
        problem = parsed.get("bozo_exception")
        warning = f"The feed is not well-formed XML ({problem})."
        if not parsed.entries:
            raise FeedError(warning)
    if not parsed.entries and not parsed.get("feed"):
        raise FeedError("This is not an RSS or Atom feed.")
    limit = settings.INGEST_MAX_ARTICLE_CHARS
    entries = []
    for item in parsed.entries:
        link = (item.get("link") or "").strip()
        body_html = ""
        if item.get("content"):
            body_html = max((c.get("value", "") for c in item.content), key=len)
        summary = item.get("summary", "")
        markup = body_html if len(body_html) > len(summary) else summary
        problem = ""
        # Markup is at least as long as its text: a very long one is refused before converting.
        text = html_to_text(markup) if len(markup) <= 4 * limit else ""
        if len(markup) > 4 * limit or len(text) > limit:
            problem = (
                f"the entry's text is longer than {limit:,} characters (INGEST_MAX_ARTICLE_CHARS)"
            )
            text = ""
        entries.append(
            FeedEntry(
                url=link,
                title=html_to_text(item.get("title", "")[:10_000])[:1000],
                text=text,
                published=_entry_date(item),
                author=html_to_text(item.get("author", "")[:3000])[:300],
                problem=problem,
            )
        )
    return entries, warning


def refuse_entity_declarations(body: bytes, headers: dict[str, str] | None = None) -> None:
    """Raise FeedError if the feed has an internal DTD subset or declares entities anywhere.

    The check reads the document as feedparser will (its own conversion to UTF-8, so a UTF-16
    or UTF-32 feed is seen as text), walks the whole prolog by XML's rules, however long its
    comments are, and looks where feedparser's loose parser looks for declarations.
    """
    scratch = {}
    try:
        converted = convert_to_utf8(dict(headers or {}), body, scratch)
    except Exception:  # feedparser reports its own problems later; check the raw bytes then
        converted = body
    # feedparser's loose parser takes entity declarations from everything before the first
    # "<" and word character, which is not always where XML puts the root element.
    first_tag = _FIRST_TAG.search(converted)
    loose_head = converted[: first_tag.start()] if first_tag else converted
    if _ENTITY_DECLARATION.search(loose_head) or _prolog_has_dtd(
        converted.decode("utf-8", errors="replace")
    ):
        raise FeedError(DTD_REFUSED)


def _prolog_has_dtd(text: str) -> bool:
    """Whether a DOCTYPE with an internal subset, or any other declaration, stands before the
    root element. One pass, so a megabyte of comments costs a megabyte of reading."""
    at, end = 0, len(text)
    while at < end:
        at = _SPACE.match(text, at).end()
        if text.startswith("<?", at):
            close = text.find("?>", at + 2)
            if close < 0:
                return False
            at = close + 2
        elif text.startswith("<!--", at):
            close = text.find("-->", at + 4)
            if close < 0:
                return False
            at = close + 3
        elif text[at : at + 9].upper() == "<!DOCTYPE":
            at += 9
            while (stop := _DOCTYPE_STOP.search(text, at)) is not None:
                char = stop.group()
                if char == "[":
                    return True
                if char == ">":
                    break
                close = text.find(char, stop.end())  # a quoted system or public id
                if close < 0:
                    return False
                at = close + 1
            else:
                return False
            at = stop.end()
        else:
            # The root element (or text that is not XML); any other <!...> here is a declaration.
            return text.startswith("<!", at)
    return False


def _entry_date(item) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = item.get(key)
        if value:
            try:
                return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
            except ValueError:
                continue
    return None
