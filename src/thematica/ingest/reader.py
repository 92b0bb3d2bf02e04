"""``read_file``: pick the reader for a transcript by its suffix."""

from __future__ import annotations

from collections.abc import Callable, Collection
from pathlib import Path

from ..errors import UnsupportedFormat
from .base import ReadDocument
from .files import ReadOptions, read_bytes
from .office import read_docx, read_odt
from .pdf import read_pdf
from .plain import read_md, read_rtf, read_txt
from .survey import SURVEY_SUFFIXES
from .timed import read_srt, read_vtt
from .turns import TurnRules

Reader = Callable[[Path, bytes, ReadOptions], ReadDocument]

_READERS: dict[str, Reader] = {
    ".txt": read_txt,
    ".text": read_txt,
    ".md": read_md,
    ".markdown": read_md,
    ".docx": read_docx,
    ".pdf": read_pdf,
    ".rtf": read_rtf,
    ".odt": read_odt,
    ".vtt": read_vtt,
    ".srt": read_srt,
}

#: Suffixes :func:`read_file` reads (lower case; matching ignores case).
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(sorted(_READERS))


def read_file(
    path: Path,
    *,
    encoding: str | None = None,
    speaker_pattern: str | None = None,
    interviewer_labels: Collection[str] | None = None,
) -> ReadDocument:
    """Read one transcript into canonical text, speaker turns and its original bytes.

    ``encoding`` forces the decoding of text formats (txt, md, rtf, vtt, srt);
    ``speaker_pattern`` and ``interviewer_labels`` are as for
    :func:`~thematica.ingest.detect_turns` (for VTT/SRT they apply to cue labels).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    reader = _READERS.get(suffix)
    if reader is None:
        hint = " (import it as a survey)" if suffix in SURVEY_SUFFIXES else ""
        raise UnsupportedFormat(
            f"{path.name}: cannot read {suffix or 'files without a suffix'} files{hint}; "
            f"supported: {', '.join(SUPPORTED_SUFFIXES)}"
        )
    options = ReadOptions(encoding, TurnRules.make(speaker_pattern, interviewer_labels))
    return reader(path, read_bytes(path), options)
