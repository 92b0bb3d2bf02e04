"""Round trips: a project exported as .qdpx and imported into a fresh project gives back the same Snapshot.

Fields that legitimately differ, and so are left out of the comparison (see ``comparable``):

* ``Snapshot.name`` and the settings ``name`` and ``created_at``: they belong to the
  receiving project (``load_snapshot`` never renames a project or changes when it was made);
* the order of ``segments``: a project lists them by source id, and the receiving
  project numbers its sources in the order it imported them (by name), so the same
  segments can come out in another order. They are compared as a set (by GUID).

Everything else, every GUID, offset, text, original byte, turn, memo phase and
timestamp included, must be identical.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import tempfile
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import thematica
from thematica import Project
from thematica.demo import build_demo
from thematica.interop.refi.reader import read_qdc, read_qdpx
from thematica.interop.snapshot import Snapshot

FIXTURES = Path(__file__).parent.parent / "fixtures" / "refi"
#: Random projects per property (raise it for a longer hunt: REFI_EXAMPLES=500 pytest tests/interop).
EXAMPLES = int(os.environ.get("REFI_EXAMPLES", "25"))


def comparable(snapshot: Snapshot) -> Snapshot:
    """The snapshot without what legitimately differs between two projects (see the module docstring)."""
    return dataclasses.replace(
        snapshot, name="", settings=tuple(kv for kv in snapshot.settings if kv[0] not in ("name", "created_at")),
        segments=tuple(sorted(snapshot.segments, key=lambda s: s.guid)),
    )


def round_trip(project: Project, folder: Path, **options: str) -> tuple[Snapshot, Snapshot, dict]:
    """Export ``project``, import the file into a fresh project; (original, re-imported, import summary)."""
    path = project.export_qdpx(folder / "export.qdpx", **options)
    fresh = thematica.init_project(folder / "fresh", name="fresh", actor="someone else")
    try:
        summary = fresh.import_qdpx(path)
        assert fresh.check() == []
        return project.snapshot(), fresh.snapshot(), summary
    finally:
        fresh.close()


def assert_same(original: Snapshot, again: Snapshot) -> None:
    a, b = comparable(original), comparable(again)
    for field in dataclasses.fields(Snapshot):
        assert getattr(a, field.name) == getattr(b, field.name), field.name


# -- random small projects ------------------------------------------------------------------------------------
PIECES = ["word", "Café", "cafe\u0301", "q\u0303", "😀", "👍🏽", "naïve", "Ő", "日本語", "e\u0301\u0301", "\u1100\u1161",
          "tab\there", "&", "<b>", "'quoted'", '"dq"', "Definition: x", ".", ",", " "]
LINE = st.lists(st.sampled_from(PIECES), min_size=1, max_size=8).map(" ".join)
TEXT = st.lists(LINE, min_size=1, max_size=5).map("\n".join).filter(str.strip)
NAME = st.lists(st.sampled_from(["Joy", "Hope", "😀", "Café", "q\u0303", "&", "<x>", "Power", "e\u0301"]), min_size=1, max_size=3).map(" ".join)


@st.composite
def projects(draw: st.DrawFn) -> dict:
    """A recipe for a small project: sources (stored with CRLF, a BOM, as .docx ...), codes, coders, segments, memos, themes."""
    sources = draw(st.lists(st.tuples(TEXT, st.sampled_from(["lf", "crlf", "bom-crlf", "cr", "docx"])), min_size=1, max_size=3))
    codes = draw(st.lists(st.tuples(NAME, st.sampled_from(["", "#1f77b4", "#ABC", "red"]), TEXT, st.booleans(),
                                    st.sampled_from(["deductive", "inductive", "in-vivo"]), st.sampled_from(["draft", "active", "retired"])),
                          min_size=1, max_size=4, unique_by=lambda c: c[0].casefold()))
    coders = draw(st.lists(st.sampled_from(["Ana", "Bea", "Cyd 😀"]), min_size=1, max_size=3, unique=True))
    segments = draw(st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6),
                                       st.integers(0, 10**6), st.integers(0, 10**6), st.sampled_from(["", "A memo\nwith lines 😀"])),
                             max_size=8))
    memos = draw(st.lists(st.tuples(st.sampled_from(["project", "journal", "source", "code", "segment"]), TEXT), max_size=4))
    themes = draw(st.lists(st.tuples(NAME, st.sampled_from(["candidate", "reviewed", "defined", "final"]), TEXT, st.booleans()),
                           max_size=3, unique_by=lambda t: t[0].casefold()))
    people = draw(st.booleans())
    return {"sources": sources, "codes": codes, "coders": coders, "segments": segments, "memos": memos, "themes": themes,
            "people": people}


def build(recipe: dict, folder: Path) -> Project:
    """Make the project a recipe describes, through the public API only."""
    p = thematica.init_project(folder / "original", name="Round trip 😀 & <study>", actor="Ana")
    for n, (text, style) in enumerate(recipe["sources"]):
        path = folder / f"S{n}.{'docx' if style == 'docx' else 'txt'}"
        if style == "docx":
            document = docx.Document()
            for line in text.split("\n"):
                document.add_paragraph(line)
            document.save(path)
        else:
            newline = {"lf": "\n", "crlf": "\r\n", "bom-crlf": "\r\n", "cr": "\r"}[style]
            path.write_bytes(("\ufeff" if style == "bom-crlf" else "").encode() + text.replace("\n", newline).encode("utf-8"))
        p.import_file(path, name=f"S{n}")
    if recipe["people"]:
        table = folder / "people.csv"
        with table.open("w", newline="", encoding="utf-8") as handle:
            rows = csv.writer(handle)
            rows.writerow(["id", "age", "group"])
            rows.writerows([[f"S{n}", 20 + n, "a" if n % 2 else "b 😀"] for n in range(len(recipe["sources"]))])
        p.import_participants(table, create_missing=True, types={"group": "category"})
    for name in recipe["coders"]:
        if name != "Ana":
            p.add_coder(name, role=f"role of {name}")
    made = []
    for i, (name, colour, text, child, origin, status) in enumerate(recipe["codes"]):
        parent = made[-1] if child and made else None
        made.append(p.create_code(name, parent=parent, colour=colour, definition=text, inclusion=text[:5],
                                  exclusion="Exclusion: tricky" if i % 2 else "", example=text[::-1], origin=origin, status=status))
    sources = p.sources()
    segments = []
    for s_pick, a, b, c_pick, k_pick, memo in recipe["segments"]:
        source = sources[s_pick % len(sources)]
        length = len(p.source_text(source.name))
        start, end = sorted((a % length, b % length))
        if start == end:
            end = start + 1
        coder = recipe["coders"][k_pick % len(recipe["coders"])]
        segments.append(p.code(source.name, start, end, made[c_pick % len(made)].id, coder=coder, memo=memo))
    for target, text in recipe["memos"]:
        ref = {"project": None, "journal": None, "source": sources[0].name, "code": made[0].id,
               "segment": segments[0].id if segments else None}[target]
        if target == "segment" and ref is None:
            continue
        p.add_memo(text, on=target, target=ref)
    parent = None
    for name, status, text, sub in recipe["themes"]:
        theme = p.create_theme(name, parent=parent if sub else None, definition=text, concept=text[:7],
                               codes=[c.id for c in made[:2]])
        p.define_theme(theme.id, narrative=text, status=status)
        for seg in segments[:2]:
            p.choose_quote(theme.id, seg.id)
        parent = theme.id
    return p


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recipe=projects(), utf16=st.booleans())
def test_random_projects_round_trip_exactly(recipe: dict, utf16: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = build(recipe, folder)
        try:
            original, again, summary = round_trip(project, folder, offsets="utf16" if utf16 else "codepoints")
        finally:
            project.close()
        assert summary["notes"] == []
        assert_same(original, again)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def strip_data_note(path: Path, origin: str) -> Path:
    """The file as another tool might re-export it: thematica's data note gone, another origin."""
    with zipfile.ZipFile(path) as archive:
        entries = {name: archive.read(name) for name in archive.namelist()}
    root = etree.fromstring(entries["project.qde"])
    root.set("origin", origin)
    for note in root.iter("{*}Note"):
        if note.get("name") == "thematica:data":
            guid = note.get("guid")
            note.getparent().remove(note)
            for ref in [r for r in root.iter("{*}NoteRef") if r.get("targetGUID") == guid]:
                ref.getparent().remove(ref)
    entries["project.qde"] = etree.tostring(root, xml_declaration=True, encoding="utf-8")
    out = path.with_name("foreign.qdpx")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out


@settings(max_examples=max(EXAMPLES * 3 // 5, 1), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(recipe=projects(), utf16=st.booleans())
def test_without_the_data_note_every_segment_still_lands_on_its_text(recipe: dict, utf16: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = build(recipe, folder)
        try:
            original = project.snapshot()
            path = project.export_qdpx(folder / "x.qdpx", offsets="utf16" if utf16 else "codepoints")
        finally:
            project.close()
        snap = read_qdpx(strip_data_note(path, "Other tool 1.0"))
    # what every REFI-QDA program can read: texts, codes and their tree, coders, and every coding on its text
    # (names come back in NFC: tools on macOS write decomposed accents, and thematica's text is NFC)
    assert [(s.guid, s.name, s.text) for s in snap.sources] == [(s.guid, nfc(s.name), s.text) for s in original.sources]
    assert {(c.guid, c.name, c.parent_guid, c.definition, c.inclusion) for c in snap.codes} == {
        (c.guid, nfc(c.name), c.parent_guid, c.definition, c.inclusion) for c in original.codes}
    key = lambda s: (s.source_guid, s.start, s.end, s.text, s.code_guid, s.coder_guid)  # noqa: E731
    assert sorted(map(key, snap.segments)) == sorted(map(key, original.segments))
    # a segment's own memo travels as a Note on its selection: it comes back as a memo on the segment
    on_segments = [m.text for m in snap.memos if m.target == "segment"]
    assert all(any(s.memo in text for text in on_segments) for s in original.segments if s.memo)
    assert {c.name for c in snap.coders} == {nfc(c.name) for c in original.coders}
    assert {p.key for p in snap.participants} == {nfc(p.key) for p in original.participants}


# -- real and bundled projects --------------------------------------------------------------------------------
def test_the_nvivo_fixture_survives_import_export_import(project: Project, tmp_path: Path) -> None:
    project.import_qdpx(FIXTURES / "nvivo12-win_oltas0517.qdpx")
    original, again, summary = round_trip(project, tmp_path)
    assert len(again.segments) == 303 and summary["notes"] == []
    assert_same(original, again)


def test_the_demo_project_round_trips(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo")
    try:
        original, again, summary = round_trip(demo, tmp_path)
    finally:
        demo.close()
    assert summary["notes"] == [] and len(again.segments) == len(original.segments) > 500
    assert_same(original, again)


def test_a_codebook_round_trips_what_a_qdc_can_hold(tmp_path: Path) -> None:
    demo = build_demo(tmp_path / "demo")
    try:
        original = demo.snapshot()
        path = demo.export_qdc(tmp_path / "book.qdc")
    finally:
        demo.close()
    book = read_qdc(path)
    fresh = thematica.init_project(tmp_path / "fresh", name="fresh")
    summary = fresh.import_qdc(path)
    assert summary["added"]["codes"] == len(original.codes)
    again = fresh.snapshot()
    fresh.close()
    # a .qdc has no place for a code's origin and status, nor for a theme's key extracts (docs/refi.md)
    # (and it nests codes, so they come back in tree order: compare them by GUID)
    strip = lambda codes: sorted((dataclasses.replace(c, origin="", status="") for c in codes), key=lambda c: c.guid)  # noqa: E731
    assert strip(book.codes) == strip(original.codes) == strip(again.codes)
    assert [dataclasses.replace(t, quote_guids=()) for t in original.themes] == list(book.themes) == list(again.themes)


@pytest.mark.parametrize("unit", ["codepoints", "utf16"])
def test_a_thematica_file_is_read_by_its_data_note_not_guessed(tmp_path: Path, unit: str) -> None:
    project = thematica.init_project(tmp_path / "p", name="p")
    (tmp_path / "t.txt").write_text("😀😀 one two three", encoding="utf-8")
    project.import_file(tmp_path / "t.txt")
    project.code("t", 3, 6, project.create_code("c").id)
    path = project.export_qdpx(tmp_path / "x.qdpx", offsets=unit)
    project.close()
    snap = read_qdpx(path)
    assert [s.text for s in snap.segments] == ["one"] and snap.notes == ()
