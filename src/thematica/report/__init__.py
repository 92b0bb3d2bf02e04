"""The findings report (Braun & Clarke phase 6): DOCX, HTML and Markdown from a ReportInput.

``write_report(input, out_dir)`` is the entry point; ``document.build_document``
lays the report out as neutral blocks and one writer per format renders them.
The writers are imported only when a report is written, so importing
``thematica.report.data`` stays cheap.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..errors import InvalidInput
from .data import ReportInput

FORMATS = ("docx", "html", "md")


def write_report(
    input: ReportInput,
    out_dir: Path,
    formats: Iterable[str] = FORMATS,
    stem: str = "report",
) -> list[Path]:
    """Write the report to ``out_dir/<stem>.<format>`` for each format; return the files written.

    Formats: "docx", "html", "md" (also "markdown"). Raises InvalidInput for
    any other format or a stem that is not a plain file name.
    """
    wanted = [("md" if f.lower().lstrip(".") == "markdown" else f.lower().lstrip(".")) for f in formats]
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown:
        raise InvalidInput(f"unknown report format {unknown[0]!r}: use {', '.join(FORMATS)}")
    if not stem or Path(stem).name != stem or stem in (".", ".."):
        raise InvalidInput(f"report name {stem!r} must be a plain file name")
    from .document import build_document
    from .docx_writer import write_docx
    from .html_writer import write_html
    from .markdown_writer import write_markdown

    writers = {"docx": write_docx, "html": write_html, "md": write_markdown}
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    blocks = build_document(input)
    written = []
    for fmt in dict.fromkeys(wanted):
        written.append(writers[fmt](blocks, out / f"{stem}.{fmt}"))
    return written


__all__ = ["write_report", "FORMATS", "ReportInput"]
