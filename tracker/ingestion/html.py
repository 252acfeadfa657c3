"""Main text and metadata out of a web page, and plain text out of feed HTML.

Stored article text is always plain text. Pages go through trafilatura (main
text, title, date, author); anything else from outside that contains markup
(feed summaries) is stripped with nh3, which also drops script and style
content, before it is unescaped to text.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re
from dataclasses import dataclass

import nh3

_BLOCK_TAGS = re.compile(r"(?i)<\s*(/p|br\s*/?|/div|/li|/h[1-6]|/blockquote|/tr)\s*>")


@dataclass(frozen=True)
class PageText:
    title: str
    text: str
    author: str = ""
    published: dt.date | None = None


def extract_page(page: str, url: str | None = None) -> PageText:
    """The article in ``page``; empty text when the page has none."""
    import trafilatura

    document = trafilatura.bare_extraction(
        page,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        include_links=False,
        favor_precision=True,
    )
    if document is None:
        return PageText(title=_html_title(page), text=html_to_text(page))
    title = " ".join((document.title or "").split())
    text = document.text or ""
    lines = [line.strip() for line in text.split("\n")]
    if lines and title and lines[0] == title:
        lines = lines[1:]
    text = "\n\n".join(line for line in lines if line)
    return PageText(
        title=title or _html_title(page),
        text=text,
        author=" ".join((document.author or "").split()),
        published=_date(document.date),
    )


def html_to_text(fragment: str) -> str:
    """Markup to plain text: block ends become line breaks, every tag and script goes."""
    fragment = _BLOCK_TAGS.sub("\n", fragment or "")
    cleaned = nh3.clean(fragment, tags=set(), attributes={}, strip_comments=True)
    text = html_lib.unescape(cleaned)
    return "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()


def safe_html(fragment: str) -> str:
    """Outside HTML that is shown as HTML: a small allow-list of tags, no scripts or handlers."""
    return nh3.clean(
        fragment or "",
        tags={"p", "br", "b", "strong", "i", "em", "ul", "ol", "li", "blockquote", "a"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https"},
    )


def _html_title(page: str) -> str:
    match = re.search(r"(?is)<title[^>]*>(.*?)</title>", page[:200_000])
    return html_to_text(match.group(1))[:1000] if match else ""


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None
