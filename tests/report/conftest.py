"""Hand-made report inputs: eight participants, two themes with subthemes, awkward quotes."""

from __future__ import annotations

import datetime as dt
import struct
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from thematica.analysis.tables import Table
from thematica.report.data import (
    AttributeSummary,
    CodebookEntry,
    CoderInfo,
    Figure,
    Quote,
    ReportInput,
    StudyFacts,
    ThemeSection,
)

PARTICIPANT_IDS = tuple(f"P{n:02d}" for n in range(1, 9))

QUOTES = (
    "We built it together from a blank page 😀 & it was <b>ours</b>.",
    "Letting go of power was hard at first.\nI had to sit on my hands.",
    "What she knows from living it, I could never get from a textbook.",
    'She said "it\'s *our* course" | not mine_ever [really].',
    "Café chats helped; it felt 50% mine & 50% hers.",
    "# not a heading, just what I said",
)


def tiny_png(width: int = 4, height: int = 3) -> bytes:
    """A valid RGB PNG made by hand (no imaging library)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + bytes([200, 80, 40]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw))
            + chunk(b"IEND", b""))


SVG = """<?xml version="1.0" encoding="utf-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink"
     width="120pt" height="60pt" viewBox="0 0 120 60">
  <defs><clipPath id="clip1"><rect x="0" y="0" width="120" height="60"/></clipPath></defs>
  <script>alert(1)</script>
  <g clip-path="url(#clip1)" onclick="alert(2)">
    <rect x="5" y="5" width="50" height="20" fill="#4e79a7"/>
    <text x="8" y="18">Power &amp; control</text>
    <image xlink:href="https://example.org/x.png" width="5" height="5"/>
    <use xlink:href="#clip1"/>
  </g>
</svg>
"""


def _quote(text: str, participant: str | None, n: int) -> Quote:
    return Quote(text, participant, participant or "survey", 100 + n, 10 * n, 10 * n + len(text))


def _section(name: str, level: int, participants: int, quotes: tuple[Quote, ...],
             children: tuple[ThemeSection, ...] = (), narrative: str = "", sid: int = 1) -> ThemeSection:
    return ThemeSection(
        id=sid, name=name, level=level, definition=f"Definition of {name}.",
        concept=f"Concept of {name}." if level == 0 else "", narrative=narrative, status="defined",
        participants=participants, participants_total=8, sources=participants,
        segments=3 * participants, codes=("Equal partnership",), quotes=quotes, children=children)


@pytest.fixture
def participant_ids() -> tuple[str, ...]:
    """The study ids of the eight participants (P01 ... P08)."""
    return PARTICIPANT_IDS


@pytest.fixture
def figure(tmp_path: Path) -> Figure:
    """A tiny PNG figure with an SVG beside it."""
    folder = tmp_path / "figures"
    folder.mkdir()
    png = folder / "thematic map.png"
    png.write_bytes(tiny_png())
    svg = folder / "thematic map.svg"
    svg.write_text(SVG, encoding="utf-8")
    return Figure(png, "Thematic map: themes, subthemes & their codes", svg)


@pytest.fixture
def report_input(figure: Figure) -> ReportInput:
    """Two themes with subthemes, eight participants summarised, two stored COREQ answers."""
    q = [_quote(text, PARTICIPANT_IDS[i], i) for i, text in enumerate(QUOTES)]
    q.append(_quote("An answer nobody can be linked to.", None, 9))
    theme1 = _section(
        "Sharing power <in practice>", 0, 7, (q[0], q[1]), sid=1,
        narrative="Clinicians spoke of letting go.\n\nThe second paragraph & more.",
        children=(_section("Letting go", 1, 4, (q[2],), sid=2),
                  _section("Equal partnership", 1, 1, (q[3],), sid=3)))
    theme2 = _section("Lived experience as expertise", 0, 4, (q[4], q[5], q[6]), sid=4,
                      children=(_section("Valuing lived experience", 1, 2, (), sid=5),))
    codebook = (
        CodebookEntry("Meaning of co-production", "Meaning of co-production", 0, "deductive",
                      "What co-production means.", "Statements about it.", "Logistics.", "", 12, 6,
                      ("Sharing power <in practice>",)),
        CodebookEntry("Equal partnership", "Meaning of co-production / Equal partnership", 1,
                      "deductive", "Equals | sharing.", "Parity & ownership.", "Fixed hierarchy.",
                      '"We built it together"', 9, 5, ()),
        CodebookEntry("Letting go", "Power / Letting go", 1, "inductive", "Giving up control.",
                      "", "", "", 7, 4, ()),
        CodebookEntry("Sit on my hands", "Power / Letting go / Sit on my hands", 2, "in-vivo",
                      "Holding back.", "", "", "", 2, 2, ()),
    )
    facts = StudyFacts(
        sources=8, participants=8, source_kinds=(("txt", 4), ("docx", 3), ("vtt", 1)),
        words=42310,
        coders=(CoderInfo("Researcher A", "practitioner researcher (lead coder)", 412, 8),
                CoderInfo("Researcher B", "peer researcher", 198, 4)),
        codes=4, codes_by_origin=(("deductive", 2), ("inductive", 1), ("in-vivo", 1)),
        code_depth=3, themes=2, subthemes=3, durations_minutes=(41.5,), timed_sources=1,
        new_codes_per_source=(("P01", 5), ("P02", 3), ("P03", 1), ("P04", 0), ("P05", 0)),
        agreement=("Agreement on four sources was good (Cohen's kappa 0.78).",),
        memos=23, journal_entries=12, phase=6)
    participants = (
        AttributeSummary("age", "number", minimum=33, maximum=55, median=43),
        AttributeSummary("gender", "category", counts=(("male", 3), ("female", 5))),
        AttributeSummary("band", "category",
                         counts=(("7", 4), ("8a", 2), ("8b", 1), ("consultant", 1))),
        AttributeSummary("profession", "text", counts=(
            ("Occupational therapist", 2), ("Clinical psychologist", 1), ("Nurse", 1),
            ("Consultant psychiatrist", 1), ("Clinical nurse specialist", 1), ("Other", 2))),
        AttributeSummary("years_as_trainer", "number", minimum=2, maximum=4, median=3, missing=1),
        AttributeSummary("interview_date", "date", earliest=dt.date(2024, 3, 4),
                         latest=dt.date(2024, 4, 29)),
    )
    coverage = Table("Participant coverage by theme (counts)", ("Theme", "Participants", "Segments"),
                     (("Sharing power <in practice>", 7, 21), ("Lived experience as expertise", 4, 12)),
                     ("Counts only.",))
    return ReportInput(
        title="Co-production in practice: clinicians & Peer Trainers",
        research_question="How do clinicians experience co-producing <recovery> workshops?",
        software="thematica 0.1.0", generated_at=dt.datetime(2024, 6, 3, 14, 5),
        facts=facts, participants=participants, themes=(theme1, theme2), codebook=codebook,
        coreq_answers={2: "PhD; registered mental health nurse", 12: "Eight clinicians & two managers."},
        settings={"setting": "NHS community mental health team bases"},
        tables=(coverage,), figures=(figure,))


@pytest.fixture
def bare_input(report_input: ReportInput) -> ReportInput:
    """A project that has nothing yet: no themes, codes, figures or answers."""
    facts = StudyFacts(sources=0, participants=0, source_kinds=(), words=0, coders=(), codes=0,
                       codes_by_origin=(), code_depth=0, themes=0, subthemes=0)
    return replace(report_input, facts=facts, participants=(), themes=(), codebook=(),
                   coreq_answers={}, settings={}, tables=(), figures=())
