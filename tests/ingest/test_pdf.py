"""PDF: the text layer, page joining, scans and damaged files."""

from __future__ import annotations

import pytest

from thematica.errors import EmptyDocument, ImportError_
from thematica.ingest import read_file


def test_pdf_pages_joined_by_blank_line(write, make_pdf) -> None:  # type: ignore[no-untyped-def]
    data = make_pdf(
        [["Interviewer: Was the café open?", "P02: Yes (mostly)."], ["Interviewer: Thanks."]]
    )
    doc = read_file(write("p02.pdf", data))
    assert (doc.kind, doc.name, doc.original, doc.encoding) == ("pdf", "p02", data, None)
    assert doc.text == "Interviewer: Was the café open?\nP02: Yes (mostly).\n\nInterviewer: Thanks."
    assert [doc.text[t.start : t.end] for t in doc.turns] == [
        "Was the café open?",
        "Yes (mostly).",
        "Thanks.",
    ]
    assert [t.participant_key for t in doc.turns] == [None, "P02", None]


def test_pdf_without_text_layer(write, make_pdf) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EmptyDocument, match=r"scan\.pdf has no text layer; it may be a scan"):
        read_file(write("scan.pdf", make_pdf([None, None])))


@pytest.mark.parametrize("keep", [0.5, 0.1])
def test_truncated_pdf(write, make_pdf, keep: float) -> None:  # type: ignore[no-untyped-def]
    data = make_pdf([["Interviewer: hello"]])
    with pytest.raises(ImportError_, match=r"^cut\.pdf is not a valid PDF file or is damaged"):
        read_file(write("cut.pdf", data[: int(len(data) * keep)]))


def test_garbage_pdf(write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportError_, match="not a valid PDF"):
        read_file(write("junk.pdf", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4))
