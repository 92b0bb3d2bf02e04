"""Canonical text and the offset model.

A source's text is canonicalised once, at import, and never changes after:

* decoded to ``str`` (see :func:`decode`), byte-order mark dropped;
* newlines normalised to ``"\\n"`` (CRLF, lone CR, U+2028/U+2029, NEL);
* Unicode NFC.

Every offset in thematica is a Python ``str`` index into that canonical text
(a Unicode code point), start inclusive, end exclusive. Other counts (UTF-16
units in the browser, NVivo's CRLF-as-two) are converted at the edges only.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import unicodedata
from dataclasses import dataclass

from .errors import EncodingError, InvalidInput

_NEWLINES = re.compile(r"\r\n|\r|\u2028|\u2029|\u0085")
# Control characters that never occur in a transcript; their presence means binary data.
_BINARY = re.compile(r"[\x00-\x08\x0e-\x1f]")

#: Encodings tried in order when the file has no byte-order mark.
FALLBACK_ENCODINGS = ("utf-8", "cp1252")


def canonicalise(text: str) -> str:
    """Return ``text`` in canonical form: no BOM, ``\\n`` newlines, NFC."""
    if text.startswith("\ufeff"):
        text = text[1:]
    text = _NEWLINES.sub("\n", text)
    return unicodedata.normalize("NFC", text)


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes, and the encoding that decoded it."""

    text: str
    encoding: str


def decode(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode file bytes to canonical text.

    With ``encoding`` given, only that encoding is tried. Otherwise a BOM
    decides (UTF-8, UTF-16 LE/BE, UTF-32); without one, strict UTF-8, then
    cp1252. Bytes that decode to control characters are binary, not text.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise InvalidInput(f"unknown encoding {encoding!r}") from None
        candidates: tuple[str, ...] = (encoding,)
    elif data.startswith(codecs.BOM_UTF32_LE) or data.startswith(codecs.BOM_UTF32_BE):
        candidates = ("utf-32",)
    elif data.startswith(codecs.BOM_UTF8):
        candidates = ("utf-8-sig",)
    elif data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        candidates = ("utf-16",)
    else:
        candidates = FALLBACK_ENCODINGS
    for name in candidates:
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        if _BINARY.search(text):
            continue
        return Decoded(canonicalise(text), "utf-8" if name == "utf-8-sig" else name)
    tried = ", ".join(candidates)
    raise EncodingError(
        f"the file is not text in a supported encoding (tried {tried}); "
        "name the encoding with --encoding if you know it"
    )


def sha256(data: bytes) -> str:
    """Hex SHA-256 of ``data`` (sources are matched across projects by it)."""
    return hashlib.sha256(data).hexdigest()


def check_bounds(length: int, start: int, end: int) -> None:
    """Raise :class:`InvalidInput` unless ``0 <= start < end <= length`` (a non-empty span of a text)."""
    if not (0 <= start < end <= length):
        raise InvalidInput(f"span {start}..{end} is not inside the text (0..{length}, end exclusive, non-empty)")


def context(text: str, start: int, end: int, width: int = 120) -> tuple[str, str]:
    """The text before and after a span, cut to ``width`` code points at word edges."""
    before = text[max(0, start - width) : start]
    after = text[end : end + width]
    if start - width > 0 and " " in before:
        before = before[before.index(" ") + 1 :]
    if end + width < len(text) and " " in after:
        after = after[: after.rindex(" ")]
    return before, after


_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*", re.UNICODE)


def words(text: str) -> list[str]:
    """Words of ``text``, lower-cased (letters, with inner apostrophes)."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def utf16_to_index(text: str, units: int) -> int:
    """Convert a UTF-16 code-unit offset into ``text`` to a code-point index."""
    if units < 0:
        raise InvalidInput(f"negative offset {units}")
    count = 0
    for index, char in enumerate(text):
        if count >= units:
            if count > units:
                raise InvalidInput(f"UTF-16 offset {units} falls inside a surrogate pair")
            return index
        count += 2 if ord(char) > 0xFFFF else 1
    if count == units:
        return len(text)
    if count > units:
        raise InvalidInput(f"UTF-16 offset {units} falls inside a surrogate pair")
    raise InvalidInput(f"UTF-16 offset {units} is past the end of the text")


def index_to_utf16(text: str, index: int) -> int:
    """Convert a code-point index into ``text`` to a UTF-16 code-unit offset."""
    if not 0 <= index <= len(text):
        raise InvalidInput(f"offset {index} is outside the text")
    return index + sum(1 for char in text[:index] if ord(char) > 0xFFFF)


def passages(text: str, max_chars: int = 1000) -> list[tuple[int, str]]:
    """Split text into passages for the search index: (start offset, passage).

    A passage is a line (paragraph); a longer one is cut after a sentence
    end (". ", "? ", "! "), else at a space, into pieces of at most ``max_chars``.
    """
    result: list[tuple[int, str]] = []
    offset = 0
    for line in text.split("\n"):
        start = offset
        offset += len(line) + 1
        while len(line) > max_chars:
            cut = max(line.rfind(". ", 0, max_chars), line.rfind("? ", 0, max_chars), line.rfind("! ", 0, max_chars))
            cut = cut + 2 if cut > 0 else line.rfind(" ", 0, max_chars) + 1 or max_chars
            result.append((start, line[:cut]))
            start += cut
            line = line[cut:]
        if line.strip():
            result.append((start, line))
    return result


def find_quote(text: str, quote: str, occurrence: int | None = None) -> tuple[int, int]:
    """The span of ``quote`` in ``text`` (quote canonicalised first).

    Raises :class:`InvalidInput` when it is absent, or when it occurs more
    than once and ``occurrence`` (1-based) does not say which.
    """
    needle = canonicalise(quote).strip()
    if not needle:
        raise InvalidInput("the quote is empty")
    starts = []
    index = text.find(needle)
    while index >= 0:
        starts.append(index)
        index = text.find(needle, index + 1)
    if not starts:
        raise InvalidInput(f"the text does not contain {needle[:60]!r}")
    if occurrence is None:
        if len(starts) > 1:
            raise InvalidInput(f"{needle[:60]!r} occurs {len(starts)} times; say which occurrence")
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise InvalidInput(f"{needle[:60]!r} occurs {len(starts)} times, not {occurrence}")
    start = starts[occurrence - 1]
    return start, start + len(needle)
