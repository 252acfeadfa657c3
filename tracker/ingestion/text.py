"""Clean-up applied to every article's text before it is stored."""

from __future__ import annotations

import re
import unicodedata

from tracker.ingestion.models import normalise_for_hash

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATES = re.compile(r"[\ud800-\udfff]")
_BLANK_LINES = re.compile(r"\n\s*\n+")


def clean_text(text: str) -> str:
    """NFC, no control characters or lone surrogates, unified newlines, trimmed lines."""
    text = _SURROGATES.sub("", text)
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROL.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return "\n".join(lines).strip()


def collapse_repeated_paragraphs(text: str) -> str:
    """Drop paragraphs (or lines) that repeat an earlier one word for word.

    Pages and feeds often repeat the lede (the seed article does); stored text keeps it once.
    """
    seen: set[str] = set()
    paragraphs: list[str] = []
    for block in _BLANK_LINES.split(text):
        lines = []
        for line in block.split("\n"):
            key = normalise_for_hash(line)
            if key and len(key) > 40 and key in seen:
                continue
            if key:
                seen.add(key)
            lines.append(line)
        kept = "\n".join(lines).strip()
        if kept:
            paragraphs.append(kept)
    return "\n\n".join(paragraphs)


def clean_line(text: str) -> str:
    """A title or a name: one line, no control characters (PostgreSQL refuses NUL), NFC."""
    return " ".join(clean_text(text).split())


def prepare_text(text: str) -> str:
    return collapse_repeated_paragraphs(clean_text(text))
