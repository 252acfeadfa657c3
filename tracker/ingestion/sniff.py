"""Telling text from binary before anything is stored as an article.

A file or a response body is binary when it starts like a known binary format
(magic bytes), contains NUL bytes outside UTF-16/32 text, or is more than a
small share control characters or undecodable bytes. The answer names what it
looks like, so the refusal can say so. Formats without a signature here (a
database file, an unknown program's data) are refused by the NUL-byte rule:
text never contains one.
"""

from __future__ import annotations

import codecs

# (prefix, what it looks like); checked at offset 0.
MAGIC = [
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "a Linux executable"),
    (b"\xcf\xfa\xed\xfe", "a macOS executable"),
    (b"\xce\xfa\xed\xfe", "a macOS executable"),
    (b"\xca\xfe\xba\xbe", "a macOS or Java binary"),
    (b"\x00asm", "a WebAssembly module"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (or an Office document)"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ\x00", "an xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a zstd archive"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"RIFF", "a RIFF file (audio, video or WebP image)"),
    (b"OggS", "an Ogg audio or video file"),
    (b"ID3", "an MP3 audio file"),
    (b"fLaC", "a FLAC audio file"),
    (b"\x1aE\xdf\xa3", "a Matroska or WebM video"),
    (b"\x00\x00\x01\x00", "an icon"),
]
# Magic numbers a line of text could start with: they count only next to a non-text byte.
_PRINTABLE_MAGIC = {b"MZ", b"BZh", b"ID3", b"RIFF", b"OggS", b"fLaC"}
# ISO-BMFF (MP4, HEIC, AVIF) has its marker at offset 4.
_FTYP = b"ftyp"
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
]
_BOMLESS_XML = [
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
]
_SAMPLE = 65536
# What a file with NUL bytes and no known signature looks like to the person who sent it.
NUL_KIND = "a binary file such as a database or a program (it contains NUL bytes)"
# More than this share of control characters or undecodable bytes is not text in any language.
MAX_JUNK_SHARE = 0.05
_TEXT_CONTROLS = {"\t", "\n", "\r", "\f", "\v"}


def binary_kind(data: bytes) -> str | None:
    """What ``data`` looks like if it is not text ("a PNG image", "binary data"), else None."""
    head = data[:_SAMPLE]
    for magic, kind in MAGIC:
        if head.startswith(magic) and (magic not in _PRINTABLE_MAGIC or _binary_byte(head[:32])):
            return kind
    if head[4:8] == _FTYP:
        return "an MP4 or HEIF media file"
    encoding = next((name for bom, name in _BOMS if head.startswith(bom)), None)
    # XML in UTF-16 or UTF-32 without a BOM starts with "<" and NULs (XML 1.0, appendix F).
    encoding = encoding or next(
        (name for start, name in _BOMLESS_XML if head.startswith(start)), None
    )
    if encoding is None:
        if b"\x00" in data:
            return NUL_KIND
        encoding = "utf-8"
    text = _decode_sample(head, encoding)
    if not text:
        return None
    junk = sum(
        1
        for char in text
        if char == "\ufffd" or (ord(char) < 32 and char not in _TEXT_CONTROLS) or char == "\x7f"
    )
    if encoding == "utf-8" and junk > MAX_JUNK_SHARE * len(text):
        # Not UTF-8: a legacy single-byte encoding decodes anything, so judge its control bytes.
        legacy = head.decode("latin-1")
        junk = sum(1 for char in legacy if ord(char) < 32 and char not in _TEXT_CONTROLS)
        junk += sum(1 for char in legacy if char == "\x7f")
        text = legacy
    if junk > MAX_JUNK_SHARE * len(text):
        return "binary data (too many control characters)"
    return None


def _binary_byte(chunk: bytes) -> bool:
    return any(byte < 9 or 13 < byte < 32 for byte in chunk)


def _decode_sample(head: bytes, encoding: str) -> str:
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    # final=False: a character cut at the end of the sample is not counted as an error.
    return decoder.decode(head, final=False).lstrip("\ufeff")
