"""The REFI-QDA writer: schema validity, the .qdpx layout, offsets, determinism, the .qdc, and bad input."""

from __future__ import annotations

import dataclasses
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

import thematica
from thematica.errors import InvalidInput
from thematica.interop.refi import data_note
from thematica.interop.refi.names import (
    CODEBOOK_NS,
    DATA_NOTE_NAME,
    PROJECT_NS,
    is_guid,
    split_code_description,
)
from thematica.interop.refi.project_xml import xml_text
from thematica.interop.refi.writer import (
    codebook_bytes,
    project_bytes,
    validate,
    write_qdc,
    write_qdpx,
)
from thematica.interop.snapshot import (
    CodeData,
    CoderData,
    MemoData,
    SegmentData,
    Snapshot,
    SourceData,
)
from thematica.text import index_to_utf16

NS = {"q": PROJECT_NS}
WRAPPERS = ("Users", "CodeBook", "Codes", "Variables", "Cases", "Sources", "Notes", "Links", "Sets", "Graphs")
# CRLF newlines, an emoji, "e" + U+0301 (NFC composes it) and "q" + U+0303 (no composed form: stays two code points)
P01 = (
    "Interviewer: How did the course feel?\r\n"
    "P01: Cafe\u0301 chats helped 😀 a lot. The q\u0303 sign was odd.\r\n"
    "Interviewer: Anything else?\r\n"
    "P01: Letting go of power was hard 💪🏽 at first.\r\n"
)


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    """A small hand-made project: two transcripts, two coders and consensus, codes, memos, themes, participants."""
    tmp = tmp_path_factory.mktemp("refi")
    p = thematica.init_project(tmp / "study", name="REFI <test> & study", actor="tester")
    try:
        (tmp / "P01.txt").write_bytes(P01.encode("utf-8"))
        document = docx.Document()
        for line in ("Interviewer: What changed?", "P02: Hope came back. We kept going."):
            document.add_paragraph(line)
        document.save(tmp / "P02.docx")
        p.import_file(tmp / "P01.txt")
        p.import_file(tmp / "P02.docx")
        (tmp / "people.csv").write_text("id,age,score,gender,joined\nP01,34,2.5,woman,2024-01-02\nP02,51,3,man,2023-05-06\n")
        p.import_participants(tmp / "people.csv", create_missing=True)
        p.set_setting("research_question", "How do peer trainers experience co-production?")
        p.add_coder("alice", "lead")
        p.add_coder("bob", "second coder")
        feeling = p.create_code("Feeling", colour="#1f77b4", definition="Emotion words.", inclusion="Any feeling.",
                                exclusion="Reported feelings of others.", example="I felt hope", origin="deductive")
        joy = p.create_code("Joy", parent=feeling)
        power = p.create_code("Power", colour="#abc")
        text = p.source_text("P01")
        cafe = text.index("Café")
        p.code("P01", cafe, text.index("a lot.") + 6, joy, coder="alice", memo="emoji inside\nthe span")
        p.code("P01", text.index("chats"), text.index("The q"), feeling, coder="bob")  # overlaps alice's
        p.code_quote("P01", "q\u0303 sign", feeling, coder="alice")
        seg = p.code_quote("P01", "power was hard 💪🏽", power, coder="alice")
        p.code_quote("P01", "power was hard 💪🏽", power, coder="bob")
        p.code_quote("P02", "Hope came back.", joy, coder="alice")
        p.code_quote("P02", "Hope came back.", joy, coder="bob")
        p.accept_agreements(["alice", "bob"])
        p.add_memo("First impressions of the data.")
        p.add_journal_entry("Reflexive note: I was a peer trainer too.")
        p.add_memo("Sounds rehearsed.", on="source", target="P01")
        p.add_memo("Keep narrow.", on="code", target="Feeling")
        p.add_memo("Key moment.", on="segment", target=seg.id)
        p.create_theme("Letting go", definition="Giving up control.", concept="Power shifts", codes=[power, feeling])
        p.create_theme("Hope", parent="Letting go", codes=[joy])
        p.define_theme("Letting go", narrative="Trainers described letting go.", status="reviewed")
        p.choose_quote("Letting go", seg.id)
        return p.snapshot()
    finally:
        p.close()


def qde_root(qde: bytes) -> etree._Element:
    return etree.fromstring(qde)


def data_of(root: etree._Element) -> dict:
    note = root.find(f"q:Notes/q:Note[@name='{DATA_NOTE_NAME}']", NS)
    document = data_note.loads(note.findtext("q:PlainTextContent", namespaces=NS))
    assert document is not None
    return document


def test_project_validates_and_is_written(snapshot: Snapshot, tmp_path: Path) -> None:
    qde, _ = project_bytes(snapshot)
    assert validate(qde, "project") == []
    assert write_qdpx(snapshot, tmp_path / "out.qdpx") == tmp_path / "out.qdpx"
    with zipfile.ZipFile(tmp_path / "out.qdpx") as archive:
        assert archive.testzip() is None
        assert validate(archive.read("project.qde")) == []
    assert not list(tmp_path.glob(".*tmp"))  # no temporary file left behind


def test_zip_layout_and_internal_paths(snapshot: Snapshot, tmp_path: Path) -> None:
    path = write_qdpx(snapshot, tmp_path / "out.qdpx")
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names[0] == "project.qde"
        assert names[1:] == sorted(names[1:])
        assert all(n.startswith("sources/") and n.count("/") == 1 for n in names[1:])  # lower case, flat
        assert all(not i.is_dir() and i.date_time == (1980, 1, 1, 0, 0, 0) for i in infos)
        assert all(i.compress_type == zipfile.ZIP_DEFLATED for i in infos)
        for name in names[1:]:
            stem, ext = name.removeprefix("sources/").rsplit(".", 1)
            assert is_guid(stem) and ext in {"txt", "docx"}
        root = qde_root(archive.read("project.qde"))
        referenced = {v for v in root.xpath("//@plainTextPath|//@richTextPath")}
        referenced |= {o for o in (s["original"] for s in data_of(root)["sources"].values()) if o}
        assert all(r.startswith("internal://") for r in referenced)
        assert {"sources/" + r.removeprefix("internal://") for r in referenced} == set(names[1:])
        for source in root.iterfind("q:Sources/q:TextSource", NS):
            plain = archive.read("sources/" + source.get("plainTextPath").removeprefix("internal://"))
            original = next(s for s in snapshot.sources if s.guid == source.get("guid"))
            assert plain == original.text.encode("utf-8")  # UTF-8, no BOM, "\n" only
            assert not plain.startswith(b"\xef\xbb\xbf") and b"\r" not in plain
            if original.kind == "docx":
                rich = source.get("richTextPath").removeprefix("internal://")
                assert rich.endswith(".docx") and archive.read("sources/" + rich) == original.original
            else:
                assert source.get("richTextPath") is None
        # the CRLF original of P01 is kept, referenced from the data note
        p01 = next(s for s in snapshot.sources if s.name == "P01")
        kept = data_of(root)["sources"][p01.guid]["original"].removeprefix("internal://")
        assert archive.read("sources/" + kept) == P01.encode("utf-8")


def test_selections_count_code_points(snapshot: Snapshot) -> None:
    root = qde_root(project_bytes(snapshot)[0])
    texts = {s.guid: s.text for s in snapshot.sources}
    segments = {s.guid: s for s in snapshot.segments}
    selections = root.findall("q:Sources/q:TextSource/q:PlainTextSelection", NS)
    assert len(selections) == len(snapshot.segments)
    for sel in selections:
        seg = segments[sel.get("guid")]
        start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        assert (start, end) == (seg.start, seg.end)
        assert texts[sel.getparent().get("guid")][start:end] == sel.get("name") == seg.text
        coding = sel.findall("q:Coding", NS)
        assert len(coding) == 1 and coding[0].get("creatingUser") == seg.coder_guid == sel.get("creatingUser")
        assert coding[0].find("q:CodeRef", NS).get("targetGUID") == seg.code_guid
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", sel.get("creationDateTime"))
    assert any("😀" in s.text for s in snapshot.segments) and any("q\u0303" in s.text for s in snapshot.segments)


def test_utf16_offsets_on_request(snapshot: Snapshot) -> None:
    root = qde_root(project_bytes(snapshot, offsets="utf16")[0])
    texts = {s.guid: s.text for s in snapshot.sources}
    shifted = 0
    for sel in root.iterfind("q:Sources/q:TextSource/q:PlainTextSelection", NS):
        seg = next(s for s in snapshot.segments if s.guid == sel.get("guid"))
        text = texts[seg.source_guid]
        assert int(sel.get("startPosition")) == index_to_utf16(text, seg.start)
        assert int(sel.get("endPosition")) == index_to_utf16(text, seg.end)
        shifted += int(sel.get("endPosition")) != seg.end
    assert shifted and data_of(root)["offsets"] == "utf16"
    with pytest.raises(InvalidInput, match="offset unit"):
        project_bytes(snapshot, offsets="bytes")  # type: ignore[arg-type]


def test_same_snapshot_same_bytes(snapshot: Snapshot, tmp_path: Path) -> None:
    first = write_qdpx(snapshot, tmp_path / "a.qdpx").read_bytes()
    second = write_qdpx(snapshot, tmp_path / "b.qdpx").read_bytes()
    assert first == second
    assert write_qdc(snapshot, tmp_path / "a.qdc").read_bytes() == write_qdc(snapshot, tmp_path / "b.qdc").read_bytes()


def test_what_other_tools_see(snapshot: Snapshot) -> None:
    root = qde_root(project_bytes(snapshot)[0])
    assert root.get("name") == "REFI <test> & study" and root.get("origin").startswith("thematica")
    assert root.findtext("q:Description", namespaces=NS) == "Research question: How do peer trainers experience co-production?"
    users = {u.get("name") for u in root.iterfind("q:Users/q:User", NS)}
    assert {"alice", "bob"} <= users and len(users) == 3  # and the consensus layer
    feeling = root.find("q:CodeBook/q:Codes/q:Code[@name='Feeling']", NS)
    assert feeling.get("color") == "#1F77B4" and feeling.get("isCodable") == "true"
    assert [c.get("name") for c in feeling.findall("q:Code", NS)] == ["Joy"]
    assert feeling.findtext("q:Description", namespaces=NS) == (
        "Definition: Emotion words.\n\nInclusion: Any feeling.\n\nExclusion: Reported feelings of others.\n\n"
        "Example: I felt hope"
    )
    assert split_code_description(feeling.findtext("q:Description", namespaces=NS))["exclusion"] == "Reported feelings of others."
    assert root.find("q:CodeBook/q:Codes/q:Code[@name='Power']", NS).get("color") == "#AABBCC"
    types = {v.get("name"): v.get("typeOfVariable") for v in root.iterfind("q:Variables/q:Variable", NS)}
    assert types == {"age": "Integer", "score": "Float", "gender": "Text", "joined": "Date"}
    case = root.find("q:Cases/q:Case[@name='P01']", NS)
    values = {v.find("q:VariableRef", NS).get("targetGUID"): v[1] for v in case.iterfind("q:VariableValue", NS)}
    by_name = {v.get("name"): v.get("guid") for v in root.iterfind("q:Variables/q:Variable", NS)}
    assert values[by_name["age"]].tag == f"{{{PROJECT_NS}}}IntegerValue" and values[by_name["age"]].text == "34"
    assert values[by_name["score"]].text == "2.5" and values[by_name["joined"]].text == "2024-01-02"
    p01 = next(s for s in snapshot.sources if s.name == "P01")
    assert [r.get("targetGUID") for r in case.iterfind("q:SourceRef", NS)] == [p01.guid]
    theme = root.find("q:Sets/q:Set[@name='Letting go']", NS)
    assert "Central organising concept: Power shifts" in theme.findtext("q:Description", namespaces=NS)
    assert "Status: reviewed" in theme.findtext("q:Description", namespaces=NS)
    assert len(theme.findall("q:MemberCode", NS)) == 2
    narrative = theme.find("q:MemberNote", NS).get("targetGUID")
    assert root.find(f"q:Notes/q:Note[@guid='{narrative}']/q:PlainTextContent", NS).text == "Trainers described letting go."
    sub = root.find("q:Sets/q:Set[@name='Hope']", NS)
    assert "Subtheme of: Letting go" in sub.findtext("q:Description", namespaces=NS)


def test_memos_are_notes_referenced_from_their_object(snapshot: Snapshot) -> None:
    root = qde_root(project_bytes(snapshot)[0])
    notes = {n.get("guid"): n for n in root.iterfind("q:Notes/q:Note", NS)}
    refs = {r.get("targetGUID"): r.getparent() for r in root.iter(f"{{{PROJECT_NS}}}NoteRef")}
    assert set(refs) <= set(notes)
    text_of = {g: n.findtext("q:PlainTextContent", namespaces=NS) for g, n in notes.items()}
    where = {text_of[g]: etree.QName(parent).localname for g, parent in refs.items()}
    assert where["First impressions of the data."] == "Project"
    assert where["Reflexive note: I was a peer trainer too."] == "Project"
    assert where["Sounds rehearsed."] == "TextSource"
    assert where["Keep narrow."] == "Code"
    assert where["Key moment."] == "PlainTextSelection"
    assert where["emoji inside\nthe span"] == "PlainTextSelection"  # the segment's own memo
    journal = next(n for n in notes.values() if text_of[n.get("guid")].startswith("Reflexive"))
    assert journal.get("name").startswith("Journal ") and "phase 1" in journal.findtext("q:Description", namespaces=NS)


def test_data_note_carries_thematica_only_data(snapshot: Snapshot) -> None:
    data = data_of(qde_root(project_bytes(snapshot)[0]))
    assert data["origin"] == snapshot.origin and data["offsets"] == "codepoints"
    assert data["settings"] == [list(pair) for pair in snapshot.settings]
    assert {c["kind"] for c in data["coders"].values()} == {"person", "consensus"}
    assert [a["name"] for a in data["attributes"]] == [a.name for a in snapshot.attributes]
    for source in snapshot.sources:
        entry = data["sources"][source.guid]
        assert entry["kind"] == source.kind and entry["file_name"] == source.file_name
        assert [tuple(t) for t in entry["turns"]] == list(source.turns) and source.turns
    for code in snapshot.codes:
        assert data["codes"][code.guid]["origin"] == code.origin and data["codes"][code.guid]["parent"] == code.parent_guid
    assert {g: v["created_at"] for g, v in data["segments"].items()} == {s.guid: s.created_at for s in snapshot.segments}
    assert [(m["target"], m["target_guid"], m["phase"], m["author"], m["created_at"]) for m in data["memos"]] == [
        (m.target, m.target_guid, m.phase, m.author, m.created_at) for m in snapshot.memos
    ]
    assert [(t["guid"], t["parent"], t["status"], t["concept"], t["narrative"], t["codes"], t["quotes"])
            for t in data["themes"]] == [
        (t.guid, t.parent_guid, t.status, t.concept, t.narrative, list(t.code_guids), list(t.quote_guids))
        for t in snapshot.themes
    ]
    assert data["themes"][0]["quotes"]


def no_empty_wrappers(root: etree._Element) -> None:
    for name in WRAPPERS:
        for element in root.iter(f"{{{PROJECT_NS}}}{name}"):
            assert len(element), f"empty <{name}/>"


def test_empty_and_minimal_projects_validate(tmp_path: Path) -> None:
    project = thematica.init_project(tmp_path / "empty", actor="tester")
    try:
        empty = project.snapshot()
    finally:
        project.close()
    for snap in (empty, Snapshot(name="bare")):
        qde, files = project_bytes(snap)
        assert validate(qde) == [] and files == {}
        no_empty_wrappers(qde_root(qde))
    path = write_qdpx(empty, tmp_path / "empty.qdpx")
    assert zipfile.ZipFile(path).namelist() == ["project.qde"]


def test_full_project_has_no_empty_wrappers(snapshot: Snapshot) -> None:
    no_empty_wrappers(qde_root(project_bytes(snapshot)[0]))


def test_codebook(snapshot: Snapshot, tmp_path: Path) -> None:
    data = write_qdc(snapshot, tmp_path / "codes.qdc").read_bytes()
    assert validate(data, "codebook") == []
    root = etree.fromstring(data)
    ns = {"c": CODEBOOK_NS}
    assert [c.get("name") for c in root.iterfind("c:Codes/c:Code", ns)] == ["Feeling", "Power"]
    assert root.find("c:Codes/c:Code/c:Code", ns).get("name") == "Joy"
    sets = root.findall("c:Sets/c:Set", ns)
    assert [s.get("name") for s in sets] == ["Letting go", "Hope"]
    assert all(is_guid(m.get("guid")) for m in root.iterfind("c:Sets/c:Set/c:MemberCode", ns))
    assert "Narrative: Trainers described letting go." in sets[0].findtext("c:Description", namespaces=ns)
    assert validate(codebook_bytes(dataclasses.replace(snapshot, themes=())), "codebook") == []
    with pytest.raises(InvalidInput, match="no codes"):
        write_qdc(Snapshot(name="none"), tmp_path / "none.qdc")
    assert not (tmp_path / "none.qdc").exists()


def test_text_xml_cannot_hold_is_replaced_and_kept_exactly(snapshot: Snapshot) -> None:
    odd = MemoData("project", None, "page\x0cbreak\x01", 2, "tester", "2025-01-02T03:04:05.123456+00:00")
    qde, _ = project_bytes(dataclasses.replace(snapshot, memos=snapshot.memos + (odd,)))
    assert validate(qde) == []
    root = qde_root(qde)
    raw = data_of(root)["raw"]
    note = next(g for g, fields in raw.items() if fields.get("text") == odd.text)
    assert root.find(f"q:Notes/q:Note[@guid='{note}']/q:PlainTextContent", NS).text == "page\ufffdbreak\ufffd"


def test_validate_reports_problems() -> None:
    assert validate(b"<Project") and validate(b"<x/>")[0].startswith("line 1")
    bad = f'<Project xmlns="{PROJECT_NS}" name="x"><Users/></Project>'.encode()
    assert any("Users" in p for p in validate(bad))
    assert validate(f'<CodeBook xmlns="{CODEBOOK_NS}"><Codes/></CodeBook>'.encode(), "codebook")
    with pytest.raises(InvalidInput):
        validate(b"<x/>", "graph")  # type: ignore[arg-type]


def test_bad_snapshots_are_refused_in_one_line(snapshot: Snapshot, tmp_path: Path) -> None:
    seg = snapshot.segments[0]
    cases = {
        "does not match": dataclasses.replace(snapshot, segments=(dataclasses.replace(seg, text="nope"),)),
        "not inside|does not match": dataclasses.replace(snapshot, segments=(dataclasses.replace(seg, end=10**6),)),
        "not a GUID": dataclasses.replace(snapshot, codes=(dataclasses.replace(snapshot.codes[0], guid="C1"),)),
        "code .* not exported": dataclasses.replace(snapshot, codes=(), themes=()),
        "cycle": dataclasses.replace(snapshot, codes=tuple(
            dataclasses.replace(c, parent_guid=snapshot.codes[(i + 1) % len(snapshot.codes)].guid)
            for i, c in enumerate(snapshot.codes))),
    }
    for pattern, bad in cases.items():
        with pytest.raises(InvalidInput, match=pattern):
            write_qdpx(bad, tmp_path / "bad.qdpx")
    assert not (tmp_path / "bad.qdpx").exists()
    with pytest.raises(InvalidInput, match="does not exist"):
        write_qdpx(snapshot, tmp_path / "missing" / "x.qdpx")
    orphan = SegmentData(seg.guid, "00000000-0000-0000-0000-000000000000", seg.code_guid, seg.coder_guid, 0, 1, "x")
    with pytest.raises(InvalidInput, match="source"):
        project_bytes(dataclasses.replace(snapshot, segments=(orphan,)))


def test_original_files_are_stored_once_and_named_by_guid() -> None:
    a, b, c = ("%08d-0000-4000-8000-000000000000" % i for i in range(1, 4))
    survey = b"id,q1\n1,yes\n2,no\n"
    snap = Snapshot(name="files", sources=(
        SourceData(a, "q1", "survey", "yes\n\nno", survey, "answers.csv"),
        SourceData(b, "q2", "survey", "maybe", survey, "answers.csv"),
        SourceData(c, "report", "pdf", "Page one", b"%PDF-1.4 ...", "report.PDF"),
    ))
    qde, files = project_bytes(snap)
    assert validate(qde) == []
    originals = data_of(qde_root(qde))["sources"]
    assert originals[a]["original"] == originals[b]["original"]  # the shared CSV, once
    assert sorted(name.rsplit(".", 1)[1] for name in files) == ["csv", "pdf", "txt", "txt", "txt"]
    assert files[originals[c]["original"].removeprefix("internal://")] == b"%PDF-1.4 ..."
    assert qde_root(qde).find("q:Sources/q:TextSource[@name='report']", NS).get("richTextPath") is None


@settings(max_examples=60, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=60), st.data())
def test_any_text_and_span_exports_valid_and_exact(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    g = ["%08d-0000-4000-8000-000000000000" % i for i in range(4)]
    snap = Snapshot(name=text, coders=(CoderData(g[0], text),), codes=(CodeData(g[1], text, definition=text),),
                    sources=(SourceData(g[2], text, "txt", text),),
                    segments=(SegmentData(g[3], g[2], g[1], g[0], start, end, text[start:end], memo=text),))
    qde, files = project_bytes(snap)
    assert validate(qde) == []
    assert files[f"{g[2]}.txt"].decode("utf-8") == text
    selection = qde_root(qde).find("q:Sources/q:TextSource/q:PlainTextSelection", NS)
    assert (int(selection.get("startPosition")), int(selection.get("endPosition"))) == (start, end)
    assert selection.get("name") == xml_text(text[start:end])
    assert validate(codebook_bytes(snap), "codebook") == []


def test_data_note_loads_refuses_other_text() -> None:
    assert data_note.loads("not json") is None
    assert data_note.loads(json.dumps({"format": "other"})) is None
    assert data_note.loads(json.dumps({"format": "thematica-refi/1"})) == {"format": "thematica-refi/1"}
