"""Plain text, Markdown and RTF: decoding, canonical text, turns, bad input."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from thematica.errors import (
    EmptyDocument,
    EncodingError,
    ImportError_,
    InvalidInput,
    UnsupportedFormat,
)
from thematica.ingest import MAX_FILE_BYTES, SUPPORTED_SUFFIXES, read_file
from thematica.model import Role

TRANSCRIPT = (
    "Interview 7, 3 May\n\nInterviewer: Was it “easy”?\nP07: Not at all — café staff helped.\n"
)


def said(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [doc.text[t.start : t.end] for t in doc.turns]


def test_txt_document_fields(write) -> None:  # type: ignore[no-untyped-def]
    path = write("p07 interview.txt", TRANSCRIPT)
    doc = read_file(path)
    assert (doc.name, doc.kind, doc.file_name, doc.encoding) == (
        "p07 interview",
        "txt",
        "p07 interview.txt",
        "utf-8",
    )
    assert doc.text == TRANSCRIPT and doc.original == path.read_bytes()
    assert said(doc) == ["Was it “easy”?", "Not at all — café staff helped."]
    assert [(t.speaker, t.role, t.participant_key) for t in doc.turns] == [
        ("Interviewer", Role.INTERVIEWER, None),
        ("P07", Role.PARTICIPANT, "P07"),
    ]


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TRANSCRIPT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TRANSCRIPT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF16_LE + TRANSCRIPT.encode("utf-16-le"), "utf-16"),
        (TRANSCRIPT.encode("cp1252"), "cp1252"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "cp1252"],
)
def test_encodings(write, data: bytes, encoding: str) -> None:  # type: ignore[no-untyped-def]
    doc = read_file(write("t.txt", data))
    assert doc.text == TRANSCRIPT and doc.encoding == encoding
    assert said(doc)[1] == "Not at all — café staff helped."


def test_explicit_encoding(write) -> None:  # type: ignore[no-untyped-def]
    doc = read_file(write("t.txt", "Interviewer: ¿qué?\n".encode("latin-1")), encoding="latin-1")
    assert said(doc) == ["¿qué?"] and doc.encoding == "latin-1"


def test_undecodable_bytes(write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EncodingError, match=r"bad\.txt: .*--encoding"):
        read_file(write("bad.txt", b"Interviewer: \x81\x8d\x90 hi\n"))
    with pytest.raises(EncodingError, match=r"bin\.txt"):
        read_file(write("bin.txt", b"\x00\x01\x02PK garbage"))


def test_crlf_and_nfc(write) -> None:  # type: ignore[no-untyped-def]
    raw = "Interviewer: cafe\u0301 😀?\r\nP1: line one\r\nline two 🇬🇧\r\n"
    doc = read_file(write("crlf.txt", raw))
    assert "\r" not in doc.text and "e\u0301" not in doc.text
    assert said(doc) == ["café 😀?", "line one\nline two 🇬🇧"]
    first = doc.turns[0]
    assert (first.start, first.end) == (13, 13 + 7)  # the emoji is one code point


def test_markdown_kept_as_written(write) -> None:  # type: ignore[no-untyped-def]
    text = "# Interview 2\n\n**Interviewer:** How *was* it?\n\n**P02:** Fine.\n"
    for name in ("i.md", "i.markdown"):
        doc = read_file(write(name, text))
        assert doc.kind == "md" and doc.text == text
        assert said(doc) == ["How *was* it?", "Fine."]


def test_text_suffix_and_case(write) -> None:  # type: ignore[no-untyped-def]
    assert read_file(write("x.TEXT", "Q: a?\nA: b.\n")).kind == "txt"
    assert read_file(write("y.TXT", "Q: a?\nA: b.\n")).kind == "txt"


def test_options_reach_the_reader(write) -> None:  # type: ignore[no-untyped-def]
    path = write("t.txt", "DOC> hello\nPAT> hi\n")
    doc = read_file(path, speaker_pattern=r"(?P<speaker>[A-Z]+)> ", interviewer_labels=["doc"])
    assert [(t.speaker, t.role) for t in doc.turns] == [
        ("DOC", Role.INTERVIEWER),
        ("PAT", Role.PARTICIPANT),
    ]
    with pytest.raises(InvalidInput, match="speaker pattern"):
        read_file(path, speaker_pattern="(")


def test_rtf_escapes(write) -> None:  # type: ignore[no-untyped-def]
    rtf = (
        r"{\rtf1\ansi\ansicpg1252\deff0{\fonttbl{\f0\fswiss Helvetica;}}"
        "\n"
        r"\f0\fs24 Interviewer: Caf\'e9 \u8220?open\u8221? hours?\par"
        "\n"
        r"P02: na\u239?ve \'93answer\'94\line second line\par}"
    )
    doc = read_file(write("r.rtf", rtf))
    assert doc.kind == "rtf" and doc.original == rtf.encode()
    assert said(doc) == ["Café “open” hours?", "naïve “answer”\nsecond line"]


def test_rtf_that_is_not_rtf(write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportError_, match=r"x\.rtf is not a valid RTF file"):
        read_file(write("x.rtf", "plain words"))


@pytest.mark.parametrize(
    "name", ["e.txt", "e.md", "e.rtf", "e.docx", "e.pdf", "e.odt", "e.vtt", "e.srt"]
)
def test_empty_file(write, name: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EmptyDocument, match=rf"{name} is empty"):
        read_file(write(name, b""))


def test_whitespace_only(write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(EmptyDocument, match="holds no text"):
        read_file(write("w.txt", " \r\n\t\n"))
    with pytest.raises(EmptyDocument, match="holds no text"):
        read_file(write("w.rtf", r"{\rtf1\ansi \par \par}"))


def test_too_large_file_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(100 * 1024 * 1024)  # sparse: nothing is written
    with pytest.raises(InvalidInput, match=r"huge\.txt is 100 MiB.*64 MiB.*split"):
        read_file(path)
    assert MAX_FILE_BYTES == 64 * 1024 * 1024


def test_unknown_suffix(write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(UnsupportedFormat, match=r"notes\.doc: .*supported: .*\.docx"):
        read_file(write("notes.doc", b"x"))
    with pytest.raises(UnsupportedFormat, match="survey"):
        read_file(write("answers.csv", b"id,q\n1,x\n"))
    assert ".txt" in SUPPORTED_SUFFIXES and ".csv" not in SUPPORTED_SUFFIXES


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ImportError_, match="cannot read"):
        read_file(tmp_path / "absent.txt")
