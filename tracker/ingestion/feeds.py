"""Reading RSS and Atom feeds into entries, refusing the XML tricks feeds can carry.

feedparser reads every dialect. It does not expand entities declared in a
document's DTD (its strict parser stops at them, its loose parser leaves them
as text), but a feed that declares entities at all is hostile or broken, so it
is refused up front with a clear error instead of relying on parser details.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import feedparser

from tracker.ingestion.html import html_to_text

_ENTITY_DECLARATION = re.compile(rb"<!\s*ENTITY", re.IGNORECASE)
_DOCTYPE_SUBSET = re.compile(rb"<!DOCTYPE[^>\[]*\[", re.IGNORECASE)
# A feed entry whose own content is at least this long is ingested without fetching its page.
FULL_TEXT_CHARS = 600


class FeedError(ValueError):
    """The feed cannot be read; the message says why."""


@dataclass(frozen=True)
class FeedEntry:
    url: str
    title: str
    text: str  # plain text of the entry's content or summary
    published: dt.date | None
    author: str

    @property
    def has_full_text(self) -> bool:
        return len(self.text) >= FULL_TEXT_CHARS


def parse_feed(body: bytes, *, base_url: str = "") -> tuple[list[FeedEntry], str]:
    """Entries of the feed in ``body`` and a warning (empty when the feed was well-formed)."""
    if not body.strip():
        raise FeedError("The feed is empty.")
    probe = body[:65536]
    for candidate in (probe, _utf16_as_ascii(probe)):
        if _ENTITY_DECLARATION.search(candidate) or _DOCTYPE_SUBSET.search(candidate):
            raise FeedError(
                "The feed declares XML entities in its DOCTYPE; the tracker refuses such feeds "
                "because entity expansion can exhaust memory (billion laughs)."
            )
    parsed = feedparser.parse(
        body,
        response_headers={"content-location": base_url} if base_url else None,
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
    entries = []
    for item in parsed.entries:
        link = (item.get("link") or "").strip()
        body_html = ""
        if item.get("content"):
            body_html = max((c.get("value", "") for c in item.content), key=len)
        summary = item.get("summary", "")
        text = html_to_text(body_html if len(body_html) > len(summary) else summary)
        entries.append(
            FeedEntry(
                url=link,
                title=html_to_text(item.get("title", ""))[:1000],
                text=text,
                published=_entry_date(item),
                author=html_to_text(item.get("author", ""))[:300],
            )
        )
    return entries, warning


def _entry_date(item) -> dt.date | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        value = item.get(key)
        if value:
            try:
                return dt.date(value.tm_year, value.tm_mon, value.tm_mday)
            except ValueError:
                continue
    return None


def _utf16_as_ascii(data: bytes) -> bytes:
    """UTF-16 feeds hide '<!ENTITY' from a byte search; drop the NUL bytes to see it."""
    return data.replace(b"\x00", b"") if b"\x00" in data else b""
