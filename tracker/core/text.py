"""Text folding shared by the database side: case- and diacritic-insensitive keys."""

from __future__ import annotations

import unicodedata

# Arabic short vowels, shadda, sukun, superscript alef and tatweel carry no identity.
_ARABIC_MARKS = {chr(c) for c in range(0x064B, 0x0660)} | {"\u0670", "\u0640"}


def fold(text: str) -> str:
    """Casefold, drop combining marks and Arabic tashkeel, collapse whitespace."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        ch for ch in decomposed if not unicodedata.combining(ch) and ch not in _ARABIC_MARKS
    )
    # Ukrainian й/ї and Russian й/ё decompose into a base letter and a mark; the
    # folded key keeps only the base, which is what a lenient name match wants.
    return " ".join(unicodedata.normalize("NFC", kept).casefold().split())
