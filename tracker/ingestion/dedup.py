"""Recognising the same article and the same story.

Three levels: the canonical URL (tracking parameters and fragments dropped,
scheme and host normalised), the content hash of the text (exact duplicates,
see ``models.content_hash``), and MinHash with LSH banding for near-duplicates.

The MinHash is one-permutation hashing: every word 3-shingle is hashed once,
the hash picks one of 60 bins and each bin keeps its minimum, so a signature
costs one hash per shingle. The signature is cut into 20 bands of 3 values;
each band's key is an indexed row (MinHashBand). Candidates are the articles
sharing a band key (for a Jaccard similarity of 0.5 that is 93% likely, for
0.1 about 2%); only they are compared, by the share of equal bins. No
all-pairs comparison, and SimHash was rejected because on news-length texts a
few changed words move it further than a banded lookup can reach.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import struct
import unicodedata
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

# Query parameters that only track the reader; removing them never changes the page.
TRACKING_PARAMS = {
    "fbclid",
    "gclid",
    "dclid",
    "gbraid",
    "wbraid",
    "msclkid",
    "yclid",
    "twclid",
    "igshid",
    "mc_cid",
    "mc_eid",
    "_ga",
    "_gl",
    "ref_src",
    "ref_url",
    "cmpid",
    "ocid",
    "smid",
    "sref",
    "at_medium",
    "at_campaign",
    "ito",
    "spm",
    "__twitter_impression",
    "s_cid",
    "icid",
}
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "oly_")


def canonical_url(url: str | None) -> str | None:
    """The form of ``url`` used to recognise the same page.

    Lower-case host without "www.", https for http, no default port, no
    fragment, no user info, no tracking parameters (utm_*, fbclid, gclid...);
    other parameters keep their order. News sites serve the same page over
    http and https and with and without "www.", so those never make two articles.
    """
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    if scheme not in {"http", "https"} or not parts.hostname:
        return url
    host = parts.hostname.rstrip(".").lower()
    with contextlib.suppress(UnicodeError):
        host = host.encode("idna").decode("ascii")
    host = host.removeprefix("www.")
    if ":" in host:
        host = f"[{host}]"
    if port and not (port == 80 and scheme == "http") and not (port == 443 and scheme == "https"):
        host = f"{host}:{port}"
    path = quote(unquote(parts.path or "/"), safe="/%:@!$&'()*+,;=-._~")
    path = re.sub(r"/{2,}", "/", path)
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    params = [
        (name, value)
        for name, value in parse_qsl(parts.query, keep_blank_values=True)
        if name.lower() not in TRACKING_PARAMS and not name.lower().startswith(TRACKING_PREFIXES)
    ]
    return urlunsplit(("https", host, path, urlencode(params, doseq=True), ""))


BINS = 60
ROWS = 3
BANDS_COUNT = BINS // ROWS
SAME_STORY = (
    0.5  # estimated Jaccard similarity of word 3-shingles from which two texts are one story
)
MIN_TOKENS = 40  # below this a signature says little; short texts form their own story
MAX_CANDIDATES = 20  # articles compared exactly per new article
PER_KEY_CANDIDATES = 25  # newest articles looked at per band key
_EMPTY = (1 << 64) - 1
_WORD = re.compile(r"\w+", re.UNICODE)


def tokens(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKC", text).casefold()
    return _WORD.findall(folded)


def minhash(text: str) -> list[int] | None:
    """One-permutation MinHash (BINS values) of the word 3-shingles; None for very short texts."""
    words = tokens(text)
    if len(words) < MIN_TOKENS:
        return None
    mins = [_EMPTY] * BINS
    for i in range(len(words) - 2):
        shingle = f"{words[i]} {words[i + 1]} {words[i + 2]}"
        value = int.from_bytes(
            hashlib.blake2b(shingle.encode("utf-8"), digest_size=8).digest(), "little"
        )
        slot = value % BINS
        if value < mins[slot]:
            mins[slot] = value
    return mins


def pack(signature: list[int]) -> bytes:
    return struct.pack(f"<{len(signature)}Q", *signature)


def unpack(data: bytes | memoryview) -> list[int]:
    data = bytes(data)
    return list(struct.unpack(f"<{len(data) // 8}Q", data))


def band_keys(signature: list[int]) -> list[int]:
    """One signed 64-bit key per band; bands holding an empty bin are left out (they would all agree)."""
    keys = []
    for band in range(BANDS_COUNT):
        values = signature[band * ROWS : (band + 1) * ROWS]
        if _EMPTY in values:
            continue
        raw = band.to_bytes(1, "little") + b"".join(v.to_bytes(8, "little") for v in values)
        key = int.from_bytes(hashlib.blake2b(raw, digest_size=8).digest(), "little", signed=True)
        keys.append(key)
    return keys


def similarity(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity: the share of bins (filled in either) holding the same minimum."""
    filled = [(x, y) for x, y in zip(a, b, strict=True) if x != _EMPTY or y != _EMPTY]
    if not filled:
        return 0.0
    return sum(1 for x, y in filled if x == y) / len(filled)
