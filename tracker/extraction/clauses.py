"""The clause shown to people as a position's evidence, around the words the pipeline matched.

The pipeline's span runs from the first to the last word it used (holder, cue,
proposal), so it may start inside a parenthesis or a quotation ("البنتاغون)
تجري…"). People read the clause instead: the part of the sentence between
semicolons or dashes (between commas too when that part is long), widened so
that every bracket and quotation mark in it has its partner, and never cut
inside a word. Pure text work, linear in the window it looks at.
"""

from __future__ import annotations

import re

HARD = frozenset(";؛\n")  # always end a clause
DASHES = frozenset("—–")  # end a clause when spaced: "troops — and"
SOFT = frozenset(",،:")  # end a clause only when the clause would otherwise be long
LONG = 300  # characters: a longer clause is cut at the commas around the span
WINDOW = 1000  # characters looked at on each side of the span, whatever the sentence
EDGE = frozenset(" \t\r\n\u00a0,;:،؛—–-")  # stripped from both ends of a clause

# What each opening mark may be closed by. Quotation marks differ by language: English “…”,
# German „…“ and »…«, French and Russian «…». A mark closes the innermost open one if it can,
# otherwise it opens, so one table serves all six languages.
PAIRS = {
    "(": ")",
    "[": "]",
    "{": "}",
    "«": "»",
    "»": "«",
    "‹": "›",
    "“": "”",
    "„": "“”",
    "‚": "‘’",
    "‘": "’",
    '"': '"',
    "「": "」",
    "『": "』",
}
CLOSERS = frozenset("".join(PAIRS.values())) - frozenset(PAIRS)
MARKS = re.compile("[" + re.escape("".join(sorted(frozenset(PAIRS) | CLOSERS))) + "]")


def clause_bounds(
    text: str, start: int, end: int, sentence_start: int = 0, sentence_end: int | None = None
) -> tuple[int, int]:
    """The clause around ``text[start:end]`` within its sentence, as offsets: it always contains
    the span, has its brackets and quotes balanced where the sentence allows, and begins and
    ends at word boundaries."""
    if sentence_end is None:
        sentence_end = len(text)
    start, end = max(0, start), min(len(text), max(start, end))
    floor = max(0, min(sentence_start, start), start - WINDOW)
    ceiling = min(len(text), max(sentence_end, end), end + WINDOW)
    pairs, stray = _pairs(text, floor, ceiling)

    lo = _boundary_before(text, floor, start, HARD, dashes=True)
    hi = _boundary_after(text, end, ceiling, HARD, dashes=True)
    if hi - lo > LONG:
        lo = max(lo, _boundary_before(text, lo, start, SOFT, dashes=False))
        hi = min(hi, _boundary_after(text, end, hi, SOFT, dashes=False))
    lo, hi = _balance(lo, hi, pairs, floor, ceiling)
    # A mark without a partner anywhere in the sentence is left out, unless the span holds it.
    for at in stray:
        if lo <= at < start:
            lo = at + 1
        elif end <= at < hi:
            hi = at
            break
    lo, hi = _balance(lo, hi, pairs, floor, ceiling)
    lo, hi = _whole_words(text, lo, hi, floor, ceiling)
    lo, hi = min(lo, start), max(hi, end)
    while lo < start and text[lo] in EDGE:
        lo += 1
    while hi > end and text[hi - 1] in EDGE:
        hi -= 1
    return lo, hi


def clause(
    text: str, start: int, end: int, sentence_start: int = 0, sentence_end: int | None = None
) -> str:
    lo, hi = clause_bounds(text, start, end, sentence_start, sentence_end)
    return text[lo:hi]


def _pairs(text: str, lo: int, hi: int) -> tuple[list[tuple[int, int]], list[int]]:
    """Matched (open, close) offsets of brackets and quotes in ``text[lo:hi]``, and the offsets
    of marks that found no partner there."""
    stack: list[int] = []
    pairs: list[tuple[int, int]] = []
    stray: list[int] = []
    for mark in MARKS.finditer(text, lo, hi):
        i, ch = mark.start(), mark.group()
        if stack and ch in PAIRS[text[stack[-1]]]:
            pairs.append((stack.pop(), i))
        elif ch in PAIRS:
            stack.append(i)
        elif ch in CLOSERS:
            # A closer whose opener is further down the stack closes it (and strands the rest).
            for depth in range(len(stack) - 1, -1, -1):
                if ch in PAIRS[text[stack[depth]]]:
                    pairs.append((stack[depth], i))
                    stray.extend(stack[depth + 1 :])
                    del stack[depth:]
                    break
            else:
                stray.append(i)
    stray.extend(stack)
    return pairs, sorted(stray)


def _balance(lo: int, hi: int, pairs: list[tuple[int, int]], floor: int, ceiling: int):
    """Widen [lo, hi) until no pair has one mark inside and the other outside. Pairs nest or are
    disjoint, so one pass over them sorted by their opening mark, repeated while it widens, ends
    after a few passes."""
    changed = True
    while changed:
        changed = False
        for a, b in pairs:
            inside_a, inside_b = lo <= a < hi, lo <= b < hi
            if inside_a != inside_b:
                lo, hi = max(floor, min(lo, a)), min(ceiling, max(hi, b + 1))
                changed = True
    return lo, hi


def _spaced(text: str, i: int) -> bool:
    return 0 < i < len(text) - 1 and text[i - 1].isspace() and text[i + 1].isspace()


def _boundary_before(text: str, floor: int, start: int, marks, *, dashes: bool) -> int:
    for i in range(start - 1, floor - 1, -1):
        ch = text[i]
        if ch in marks or (dashes and ch in DASHES and _spaced(text, i)):
            return i + 1
    return floor


def _boundary_after(text: str, end: int, ceiling: int, marks, *, dashes: bool) -> int:
    for i in range(end, ceiling):
        ch = text[i]
        if ch in marks or (dashes and ch in DASHES and _spaced(text, i)):
            return i
    return ceiling


def _word_char(ch: str) -> bool:
    return ch.isalnum() or ch in "_'’\u200c\u200d" or "\u0610" <= ch <= "\u065f"


def _whole_words(text: str, lo: int, hi: int, floor: int, ceiling: int) -> tuple[int, int]:
    """Move the ends out to word boundaries, or in when the window itself cut a word."""
    while lo > 0 and _word_char(text[lo - 1]) and _word_char(text[lo]):
        if lo == floor:  # the window cut the word: drop its tail rather than reach further
            while lo < hi and _word_char(text[lo]):
                lo += 1
            break
        lo -= 1
    while hi < len(text) and hi > 0 and _word_char(text[hi - 1]) and _word_char(text[hi]):
        if hi == ceiling:
            while hi > lo and _word_char(text[hi - 1]):
                hi -= 1
            break
        hi += 1
    return lo, hi
