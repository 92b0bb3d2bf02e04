"""Text-like transcripts: plain text, Markdown and RTF."""

from __future__ import annotations

from pathlib import Path

from striprtf.striprtf import rtf_to_text

from ..errors import EncodingError, ImportError_
from ..text import canonicalise
from .base import ReadDocument
from .files import ReadOptions, decode, document, reason, require_text
from .turns import find_turns


def read_txt(path: Path, data: bytes, options: ReadOptions) -> ReadDocument:
    """Plain text, decoded by :func:`thematica.text.decode`."""
    return _read_text(path, data, options, "txt")


def read_md(path: Path, data: bytes, options: ReadOptions) -> ReadDocument:
    """Markdown, kept as written; turn detection accepts ``**Label:**``."""
    return _read_text(path, data, options, "md")


def _read_text(path: Path, data: bytes, options: ReadOptions, kind: str) -> ReadDocument:
    decoded = decode(data, options.encoding, path)
    require_text(decoded.text, path)
    turns = find_turns(decoded.text, options.rules)
    return document(path, kind, decoded.text, turns, data, decoded.encoding)


def read_rtf(path: Path, data: bytes, options: ReadOptions) -> ReadDocument:
    """RTF through striprtf (``\\'e9`` and ``\\u`` escapes, ``\\ansicpg`` code pages)."""
    decoded = decode(data, options.encoding, path)
    if not decoded.text.lstrip().startswith("{\\rtf"):
        raise ImportError_(f"{path.name} is not a valid RTF file (it does not start with {{\\rtf)")
    try:
        raw = rtf_to_text(decoded.text)
    except (UnicodeDecodeError, LookupError) as exc:
        raise EncodingError(
            f"{path.name}: an escaped character is not valid in the RTF's code page ({reason(exc)})"
        ) from exc
    text = canonicalise(raw)
    require_text(text, path)
    return document(path, "rtf", text, find_turns(text, options.rules), data, decoded.encoding)
