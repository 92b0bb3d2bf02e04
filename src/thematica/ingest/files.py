"""What every reader shares: the size limit, reading bytes, decoding, one-line errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import text as textmod
from ..errors import EmptyDocument, EncodingError, ImportError_, InvalidInput
from .base import ReadDocument, TurnSpan
from .turns import TurnRules

#: Largest file thematica reads (checked before reading).
MAX_FILE_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class ReadOptions:
    """Options a reader gets: the text ``encoding`` (text formats only) and turn rules."""

    encoding: str | None = None
    rules: TurnRules = field(default_factory=TurnRules.make)


def read_bytes(path: Path) -> bytes:
    """The file's bytes; refuses missing, empty and over-large files before reading them."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportError_(f"cannot read {path}: {exc.strerror or exc}") from exc
    if size > MAX_FILE_BYTES:
        raise InvalidInput(
            f"{path.name} is {size / 2**20:.0f} MiB, over the limit of "
            f"{MAX_FILE_BYTES // 2**20} MiB per file; split it into smaller files"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ImportError_(f"cannot read {path}: {exc.strerror or exc}") from exc
    if len(data) > MAX_FILE_BYTES:  # grew since stat
        raise InvalidInput(f"{path.name} is over the limit of {MAX_FILE_BYTES // 2**20} MiB")
    if not data:
        raise EmptyDocument(f"{path.name} is empty")
    return data


def decode(data: bytes, encoding: str | None, path: Path) -> textmod.Decoded:
    """:func:`thematica.text.decode`, with the file named in the error."""
    try:
        return textmod.decode(data, encoding)
    except EncodingError as exc:
        raise EncodingError(f"{path.name}: {exc}") from exc


def reason(exc: BaseException) -> str:
    """A library error as a short single line, for our messages."""
    message = " ".join(str(exc).split()) or type(exc).__name__
    return message if len(message) <= 160 else message[:157] + "..."


def require_text(text: str, path: Path, what: str = "holds no text") -> None:
    """Raise :class:`EmptyDocument` if ``text`` is blank."""
    if not text.strip():
        raise EmptyDocument(f"{path.name} {what}")


def document(
    path: Path,
    kind: str,
    text: str,
    turns: tuple[TurnSpan, ...],
    original: bytes,
    encoding: str | None = None,
) -> ReadDocument:
    """A :class:`ReadDocument` named after the file."""
    return ReadDocument(
        name=path.stem,
        kind=kind,
        text=text,
        turns=turns,
        original=original,
        file_name=path.name,
        encoding=encoding,
    )
