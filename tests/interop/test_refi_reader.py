"""The REFI-QDA reader: real NVivo and ATLAS.ti files, offsets per producer (verified), and every variant in SPEC.md."""

from __future__ import annotations

import io
import re
import time
import unicodedata
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from thematica import Project
from thematica.interop.refi.document import norm_guid, parse_project
from thematica.interop.refi.offsets import CountingRule, TextMap
from thematica.interop.refi.reader import read_qdc, read_qdpx
from thematica.interop.refi.safety import parse_xml
from thematica.text import canonicalise, index_to_utf16

from .refi_build import (
    CODE_A,
    CODE_B,
    SOURCE,
    USER,
    codes,
    guid,
    qde,
    qdpx,
    selection,
    text_source,
    users,
    xml_escape,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "refi"
NVIVO = FIXTURES / "nvivo12-win_oltas0517.qdpx"
ATLAS = FIXTURES / "atlasti8-mac_spec-annexA2_Project.qde"


def _notes(snapshot: object) -> str:
    return "\n".join(snapshot.notes)  # type: ignore[attr-defined]


# -- NVivo 12 for Windows: UTF-16 code units, CRLF as 2, BOM not counted -------------------------------
@pytest.fixture(scope="module")
def nvivo():
    return read_qdpx(NVIVO)


def test_nvivo_every_selection_lands_on_the_text_nvivo_selected(nvivo) -> None:
    archive = zipfile.ZipFile(NVIVO)
    root = etree.fromstring(archive.read("project.qde"))
    selections = {}  # coding GUID -> (source GUID, start, end, name), read independently of the reader
    for source in root.iter("{*}TextSource"):
        for sel in source.iter("{*}PlainTextSelection"):
            for coding in sel.iter("{*}Coding"):
                selections[coding.get("guid")] = (source.get("guid"), int(sel.get("startPosition")),
                                                  int(sel.get("endPosition")), sel.get("name"))
    texts = {s.guid: s.text for s in nvivo.sources}
    assert len(selections) == 303 and len(nvivo.segments) == 303
    for seg in nvivo.segments:
        source, start, end, name = selections[seg.guid]
        assert texts[seg.source_guid][seg.start : seg.end] == seg.text
        # what NVivo selected: UTF-16 units of the .txt after its BOM, CRLF counted as two
        raw = archive.read(f"Sources/{source}.txt").decode("utf-8-sig").encode("utf-16-le")
        assert canonicalise(raw[2 * start : 2 * end].decode("utf-16-le")) == seg.text
        if name:
            assert canonicalise(name) == seg.text
    assert "UTF-16 code units, CRLF as 2" in _notes(nvivo)
    assert "formatted (.docx) version of 2 source(s) was not kept" in _notes(nvivo)


def test_nvivo_codes_users_sources_and_coders(nvivo) -> None:
    assert len(nvivo.codes) == 152
    by_name = {c.name: c for c in nvivo.codes}
    assert by_name["COVID"].parent_guid == by_name["1. Oltás típusa"].guid
    assert by_name["1. Oltás típusa"].definition == "COVID vay nem COVID"
    assert [c.name for c in nvivo.coders] == ["Gergo", "floriansipos"]
    assert {s.name for s in nvivo.sources} == {"videos_selection", "videos_10_selected"}
    assert nvivo.participants == () and nvivo.themes == ()
    # the coder of a segment is the Coding's creatingUser (NVivo's selection names another user)
    assert {s.coder_guid for s in nvivo.segments} == {"29518289-d0e3-447b-b7dd-ae1d8cd880a0"}
    assert all(not s.text.startswith(("\r", "\n")) and "\r" not in s.text for s in nvivo.segments)
    assert nvivo.segments[0].created_at == "2025-06-18T02:06:50+00:00"


def test_nvivo_import_into_a_project_is_fast_and_checks_clean(project: Project) -> None:
    started = time.perf_counter()
    summary = project.import_qdpx(NVIVO)
    elapsed = time.perf_counter() - started
    print(f"\nNVivo fixture: read and imported in {elapsed:.2f} s")
    assert elapsed < 2.0
    assert summary["added"] == {"coders": 2, "sources": 2, "codes": 152, "segments": 303}
    assert summary["origin"] == "NVivo for Windows 12.6"
    assert project.check() == []
    assert len(project.segments()) == 303


# -- ATLAS.ti 8.4 (the standard's annex): parsed completely, without its source files --------------------
def test_atlas_annex_parses_completely() -> None:
    doc = parse_project(parse_xml(ATLAS.read_bytes(), ATLAS.name), ATLAS.name)
    assert len(doc.users) == 3 and len(doc.codes) == 14
    assert [t.element for t in doc.texts].count("TextSource") == 6
    assert sum(len(t.selections) for t in doc.texts) == 8  # 6 in text sources, 2 in a PDF's text representation
    assert sorted(m.element for m in doc.media) == ["AudioSource", "PDFSource", "PDFSource", "PictureSource",
                                                    "VideoSource", "VideoSource"]
    assert len(doc.notes) == 2 and len(doc.links) == 1 and len(doc.sets) == 16 and doc.graphs == ["Netzwerk"]
    assert all(g == g.lower() for g, _ in doc.users)


def test_atlas_annex_snapshot_says_what_it_could_not_import() -> None:
    snap = read_qdpx(ATLAS)
    assert snap.origin.startswith("ATLAS.ti 8.4") and len(snap.codes) == 14 and len(snap.coders) == 3
    by_name = {c.name: c for c in snap.codes}
    assert by_name["Coke"].colour == "#966450" and by_name["milk"].colour == ""
    assert by_name["cornflakes"].definition == "breakfast cereal made by Kellogg’s"
    assert snap.sources == () and snap.segments == ()
    notes = _notes(snap)
    assert "bare project file" in notes
    assert "Mabel.txt" in notes and "Simon.docx" in notes  # the text sources, listed
    assert "attachments not imported: cornflakes-n-milk.jpg (picture)" in notes
    for name in ("Kellogg's Passion for Nutrition.pdf (PDF)", "Jeanine's Breakfast.m4a (audio)", "1960s Coca Cola commercial.mp4 (video)"):
        assert name in notes
    assert "16 set(s) not imported" in notes and "graph(s) not imported: Netzwerk" in notes
    memos = {m.text.split("\n")[0]: m for m in snap.memos}
    assert "Research Plan" in memos and memos["Research Plan"].target == "project"
    linked = [m for m in snap.memos if "Director’s cut" in m.text]
    assert linked and linked[0].text.startswith("On a selection in 1994 Diet Coke-Diet Coke Break.mp4")
    assert memos["Research Plan"].author == "Friedrich Markgraf"


def _annex_texts() -> dict[str, bytes]:
    """Made-up .txt files for the annex's sources: each selection's text (its name) at its offsets, CRLF lines,
    positions counted with CRLF as one as ATLAS.ti does; a quotation renamed by its user gets filler only."""
    root = etree.fromstring(ATLAS.read_bytes())
    files = {}
    for holder in root.iter("{*}TextSource", "{*}Representation"):
        if not holder.get("plainTextPath"):
            continue
        sels = [(int(x.get("startPosition")), int(x.get("endPosition")), x.get("name")) for x in holder.iter("{*}PlainTextSelection")]
        chars = list(("filler words here " * 80 + "\n") * 3)
        for start, end, name in sels:
            if name == "damage done by fatty foods":
                continue
            body = name[:-1] if name.endswith("…") else name
            chars[start : start + len(body)] = list(body)
        files[f"Sources/{holder.get('plainTextPath').split('//')[1]}"] = "".join(chars).replace("\n", "\r\n").encode()
    return files


def test_atlas_annex_with_its_texts_places_every_text_selection(tmp_path: Path) -> None:
    snap = read_qdpx(qdpx(tmp_path / "annex.qdpx", ATLAS.read_bytes(), _annex_texts(), qde_name="ATLAS.ti standard project.qde"))
    names = [s.name for s in snap.sources]
    assert "Mabel.txt" in names and "Pay de Limón con Base de Granola | Kellogg's ®.pdf" in names  # a PDF's text: the PDF
    assert len(names) == len(set(names)) == 8  # 6 text sources, 2 PDF texts; the transcripts are the same files
    assert len(snap.segments) == 9  # every coding of the text selections (one of them has no coding)
    mabel = [s for s in snap.segments if s.source_guid == "ec0a7242-65e1-457c-b7d1-310dae603fab"]
    assert len(mabel) == 3 and len({(s.start, s.end) for s in mabel}) == 1  # one selection, three codes: three segments
    texts = {s.text for s in snap.segments}
    assert "Oh, that was great. See you tomorrow? Eleven thirty. Mm." in texts and "granola" in texts
    notes = _notes(snap)
    assert "CRLF as 1" in notes and "renamed quotation" in notes
    assert "Pay de Limón con Base de Granola | Kellogg's ®.pdf (2)" in notes  # 2 of its 4 regions came in as text
    assert "Kellogg's Passion for Nutrition.pdf (PDF, its text imported)" in notes
    pdf = [s for s in snap.sources if s.name.startswith("Pay de")][0]
    assert pdf.guid == "2065d8ab-d724-40c9-b4e9-6eb8dab73541"  # the PDFSource's GUID, as its cases and sets name it
    comment = [m for m in snap.memos if m.target == "source" and "Mabel is not the only person" in m.text]
    assert comment and comment[0].text.startswith('On "For some reason babies')


# -- offsets per producer, verified by the selected text --------------------------------------------------------
ATLAS_TEXT = "Q: How was breakfast?\r\nA: Café au lait 😀 and toast.\r\nQ: Anything else?\r\nA: Too rushed, honestly.\r\n"


def _crlf_as_one(text: str, needle: str) -> tuple[int, int]:
    start = text.replace("\r\n", "\n").index(needle)
    return start, start + len(needle)


def test_atlas_counts_crlf_as_one_and_every_selection_verifies(tmp_path: Path) -> None:
    picks = ["Café au lait 😀 and toast.", "Too rushed, honestly.", "Anything else?\nA: Too rushed"]
    sels = ""
    for n, needle in enumerate(picks):
        start, end = _crlf_as_one(ATLAS_TEXT, needle)
        name = needle.replace("\n", " ") if n < 2 else needle[:10] + "…"
        sels += selection(n, start, end, name=xml_escape(name))
    body = users((USER.upper(), "Ana")) + codes((CODE_A.upper(), "food")) + text_source(sels)
    path = qdpx(tmp_path / "a.qdpx", qde(body, origin="ATLAS.ti 9.1 Windows"),
                {f"Sources/{SOURCE.upper()}.txt": "\ufeff" + ATLAS_TEXT})
    snap = read_qdpx(path)
    assert [s.text for s in snap.segments] == picks
    assert "CRLF as 1" in _notes(snap) and "3 of 3 selections verified" in _notes(snap)


def test_a_producer_whose_rule_does_not_fit_is_read_by_the_rule_that_verifies(tmp_path: Path) -> None:
    text = "Emoji 😀😀😀 first, then the words that matter.\nAnd more 👍🏽 here."
    picks = ["the words that matter", "more 👍🏽 here"]
    sels = "".join(selection(n, text.index(p), text.index(p) + len(p), name=p) for n, p in enumerate(picks))
    body = users((USER, "Ana")) + codes((CODE_A, "x")) + text_source(sels)
    snap = read_qdpx(qdpx(tmp_path / "n.qdpx", qde(body, origin="NVivo 14"), {f"sources/{SOURCE}.txt": text}))
    assert [s.text for s in snap.segments] == picks  # code points, although NVivo usually counts UTF-16 units
    assert "do not fit NVivo's usual counting (UTF-16 code units, CRLF as 2); read as code points" in _notes(snap)


def test_selections_that_cannot_be_placed_are_reported_never_misplaced(tmp_path: Path) -> None:
    text = "Cafe\u0301 talk 😀 here.\nSecond line of text."
    u = lambda i: index_to_utf16(text, i)  # noqa: E731 - NVivo counts UTF-16 units
    sels = (selection(0, 0, 4)  # ends between "e" and its accent (NFC joins them)
            + selection(1, u(11) + 1, u(13))  # starts inside the emoji's surrogate pair
            + selection(2, u(14), u(14))  # empty
            + selection(3, 500, 510)  # past the end
            + selection(4, u(17), u(13))  # reversed: read the right way round
            + selection(5, u(19), u(25), name="Second"))
    body = users((USER, "Ana")) + codes((CODE_A, "x")) + text_source(sels)
    snap = read_qdpx(qdpx(tmp_path / "u.qdpx", qde(body, origin="NVivo 12"), {f"sources/{SOURCE}.txt": text}))
    assert [(s.guid, s.text) for s in snap.segments] == [(guid(4, "dddddddd"), "here"), (guid(5, "dddddddd"), "Second")]
    notes = _notes(snap)
    for n in (0, 1, 2, 3):
        assert guid(n) in notes
    assert "zero length" in notes and "1 coding(s) not imported" in notes


RAW = st.lists(st.sampled_from(["a", "b", " ", "\r\n", "\n", "\r", "😀", "👍🏽", "e\u0301", "q\u0303", "é", "日", "\u2028", "\ufeff"]),
               max_size=30).map("".join)


@settings(max_examples=300, deadline=None)
@given(raw=RAW, a=st.integers(0, 60), b=st.integers(0, 60), rule=st.sampled_from(["utf16", "crlf1", "codepoints"]))
def test_a_producer_offset_maps_onto_canonical_text_exactly_or_not_at_all(raw: str, a: int, b: int, rule: str) -> None:
    i, j = sorted((min(a, len(raw)), min(b, len(raw))))
    count = {"utf16": lambda t: len(t.encode("utf-16-le")) // 2, "crlf1": lambda t: len(t.replace("\r\n", "\n")),
             "codepoints": len}[rule]
    counting = {"utf16": CountingRule("utf16", 2), "crlf1": CountingRule("codepoint", 1), "codepoints": CountingRule()}[rule]
    textmap = TextMap(raw)
    assert textmap.canonical == canonicalise(raw)
    span = textmap.place(count(raw[:i]), count(raw[:j]), counting)
    splits_crlf = any(raw[k - 1 : k + 1] == "\r\n" for k in (i, j) if 0 < k < len(raw))
    if splits_crlf and rule == "crlf1":
        return  # a producer counting CRLF as one cannot name a position inside it
    if span is not None:  # never a neighbouring position: exactly the text the producer meant
        lined = re.sub("\r\n|\r|\u2028|\u2029|\x85", "\n", raw[1 if i == 0 and raw.startswith("\ufeff") else i : j])
        assert textmap.canonical[span[0] : span[1]] == unicodedata.normalize("NFC", lined)
    elif unicodedata.is_normalized("NFC", raw) and not splits_crlf and not raw.startswith("\ufeff"):
        raise AssertionError(f"{i}..{j} should have been placed")


# -- variants seen in the wild ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("qde_name", "folder", "path", "namespace"), [
    ("project.qde", "sources", "internal://{g}.txt", "urn:QDA-XML:project:1.0"),
    ("My Study.qde", "Sources", "internal:/{g}.txt", None),
    ("Project.QDE", "sources", "internal:///{g}.txt", "urn:QDA-XML:project:0:10"),
    ("x.qde", "Sources", "{g}.txt", "urn:QDA-XML:project:1:0"),
])
def test_container_variants(tmp_path: Path, qde_name: str, folder: str, path: str, namespace: str | None) -> None:
    upper = "{" + SOURCE.upper() + "}"
    body = ("<Users/>" + users((f"{{{USER.upper()}}}", "Ana")) + codes((CODE_A, "x")) + "<Sets/><Notes/>"
            + text_source(selection(1, 0, 5, name="Hello", user=f"{{{USER.upper()}}}"), source=upper,
                          path=path.format(g=SOURCE.upper())))
    files = {f"{folder}/": b"", f"{folder}/{SOURCE.upper()}.txt": "Hello world", f"{folder}/.root": b""}
    snap = read_qdpx(qdpx(tmp_path / "v.qdpx", qde(body, namespace=namespace), files, qde_name=qde_name))
    assert [(s.guid, s.name) for s in snap.sources] == [(SOURCE, "Interview 1")]
    assert [(s.text, s.coder_guid, s.source_guid) for s in snap.segments] == [("Hello", USER, SOURCE)]
    assert snap.coders[0].guid == USER and snap.segments[0].created_at == ""  # no dates at all: fine


def test_inline_text_docx_only_whole_source_coding_and_external_files(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_paragraph("Only a Word file here.")
    buffer = io.BytesIO()
    document.save(buffer)
    s2, s3, s4 = guid(2, "bbbbbbbb"), guid(3, "bbbbbbbb"), guid(4, "bbbbbbbb")
    sources = (
        f'<Sources><TextSource guid="{SOURCE}" name="Inline"><PlainTextContent>Typed &amp; pasted.</PlainTextContent>'
        f'<Coding guid="{guid(9)}" creatingUser="{USER}"><CodeRef targetGUID="{CODE_A}"/></Coding></TextSource>'
        f'<TextSource guid="{s2}" name="Word" richTextPath="internal://{s2}.docx">{selection(1, 0, 4, name="Only")}</TextSource>'
        f'<TextSource guid="{s3}" name="Far away" plainTextPath="absolute:///C:/Users/me/secret.txt"/>'
        f'<PDFSource guid="{s4}" name="Paper.pdf" path="internal://{s4}.pdf"/></Sources>'
    )
    body = users((USER, "Ana")) + codes((CODE_A, "x")) + sources
    snap = read_qdpx(qdpx(tmp_path / "d.qdpx", qde(body), {f"sources/{s2}.docx": buffer.getvalue()}))
    assert [(s.name, s.text, s.kind) for s in snap.sources] == [
        ("Inline", "Typed & pasted.", "txt"), ("Word", "Only a Word file here.", "docx")]
    assert [(s.text, s.source_guid) for s in snap.segments] == [("Typed & pasted.", SOURCE), ("Only", s2)]
    notes = _notes(snap)
    assert "whole source" in notes and "text taken from its .docx" in notes
    assert "external file (absolute:///C:/Users/me/secret.txt)" in notes
    assert "attachments not imported: Paper.pdf (PDF)" in notes


def test_codes_users_cases_notes_sets(tmp_path: Path) -> None:
    var_age, var_on, var_site, case, loose = (guid(i, "eeeeeeee") for i in range(1, 6))
    n_project, n_code, n_sel, n_free, n_link = (guid(i, "ffffffff") for i in range(1, 6))
    code_xml = (
        "<CodeBook><Codes>"
        f'<Code guid="{CODE_A}" name="Feelings" isCodable="false" color="#AbC">'
        "<Description>Definition: Emotion words.\n\nExclusion: Others' feelings.</Description>"
        f'<NoteRef targetGUID="{n_code}"/>'
        f'<Code guid="{CODE_B}" name="joy" isCodable="true" color="rgb(1,2,3)"/></Code>'
        f'<Code guid="{guid(7, "aaaaaaaa")}" name="Joy" isCodable="true"><Description>Plain words.</Description></Code>'
        "</Codes></CodeBook>"
    )
    def value(var: str, element: str, v: object) -> str:
        return f'<VariableValue><VariableRef targetGUID="{var}"/><{element}>{v}</{element}></VariableValue>'
    cases = (f'<Variables><Variable guid="{var_age}" name="age" typeOfVariable="Integer"/>'
             f'<Variable guid="{var_on}" name="consented" typeOfVariable="Boolean"/>'
             f'<Variable guid="{var_site}" name="site" typeOfVariable="Text"/></Variables>'
             f'<Cases><Case guid="{case}" name="P01">{value(var_age, "IntegerValue", 34)}{value(var_on, "BooleanValue", 1)}'
             f'<SourceRef targetGUID="{SOURCE}"/></Case></Cases>')
    text = "We laughed a lot. Then it rained all day."
    sels = (selection(1, 0, 17, CODE_B, name="We laughed a lot.",
                      inner=f'<Description>A happy bit.</Description><NoteRef targetGUID="{n_sel}"/>')
            + f'<PlainTextSelection guid="{guid(2)}" name="" startPosition="18" endPosition="41">'
            "<Description>MAXQDA comment</Description></PlainTextSelection>"
            + selection(3, 18, 22, "99999999-0000-4000-8000-000000000000", name="Then")
            + selection(4, 23, 25, CODE_A, name="it", user="12345678-0000-4000-8000-000000000000"))
    src2 = guid(2, "bbbbbbbb")
    sources = (f'<Sources><TextSource guid="{SOURCE}" name="Int" plainTextPath="internal://{SOURCE}.txt">{sels}'
               f'{value(var_site, "TextValue", "north")}</TextSource>'
               f'<TextSource guid="{src2}" name="Int" plainTextPath="internal://{SOURCE}.txt">'
               f'{value(var_site, "TextValue", "south")}</TextSource></Sources>')
    def note(g: str, name: str, content: str) -> str:
        return (f'<Note guid="{g}" name="{name}" creatingUser="{USER}" creationDateTime="2024-05-01T10:00:00Z">'
                f"<PlainTextContent>{content}</PlainTextContent></Note>")
    notes = "<Notes>" + "".join(note(g, n, c) for g, n, c in [
        (n_project, "Plan", "Project plan."), (n_code, "On feelings", "Code memo."), (n_sel, "Laugh", "Segment memo."),
        (n_free, "Loose", "Nobody refers to me."), (n_link, "Linked", "Linked to the source.")]) + "</Notes>"
    links = f'<Links><Link guid="{loose}" name="rel" originGUID="{n_link}" targetGUID="{SOURCE}"/></Links>'
    sets = f'<Sets><Set guid="{guid(8)}" name="Mood"><MemberCode targetGUID="{CODE_A}"/></Set></Sets>'
    body = (users((USER, "Ana")) + code_xml + cases + sources + notes + links + sets
            + f'<Description>About the project.</Description><NoteRef targetGUID="{n_project}"/>')
    snap = read_qdpx(qdpx(tmp_path / "c.qdpx", qde(body, origin="MAXQDA 24"), {f"sources/{SOURCE}.txt": text}))
    codes_ = {c.guid: c for c in snap.codes}
    feelings = codes_[CODE_A]
    assert (feelings.colour, feelings.definition, feelings.exclusion) == ("#aabbcc", "Emotion words.", "Others' feelings.")
    assert codes_[CODE_B].parent_guid == CODE_A and codes_[CODE_B].colour == ""
    assert codes_[guid(7, "aaaaaaaa")].name == "Joy (2)" and codes_[guid(7, "aaaaaaaa")].definition == "Plain words."
    assert [(a.name, a.type) for a in snap.attributes] == [("age", "number"), ("consented", "category"), ("site", "text")]
    people = {p.key: p for p in snap.participants}
    assert people["P01"].attributes == (("age", "34"), ("consented", "true"), ("site", "north"))
    assert people["Int (2)"].attributes == (("site", "south"),)
    assert [s.participant_guid for s in snap.sources] == [case, people["Int (2)"].guid]
    assert [s.name for s in snap.sources] == ["Int", "Int (2)"]
    segs = {s.text: s for s in snap.segments}
    assert set(segs) == {"We laughed a lot.", "it"}
    assert segs["We laughed a lot."].memo == "A happy bit."
    assert segs["it"].coder_guid == "12345678-0000-4000-8000-000000000000"
    memos = {m.text.split("\n\n")[-1]: (m.target, m.target_guid) for m in snap.memos}
    assert memos["Project plan."] == ("project", None) and memos["Code memo."] == ("code", CODE_A)
    assert memos["Segment memo."] == ("segment", segs["We laughed a lot."].guid)
    assert memos["Nobody refers to me."] == ("project", None) and memos["Linked to the source."] == ("source", SOURCE)
    assert memos["About the project."] == ("project", None)
    assert any(m.text.startswith('On "Then it rained all day."') and m.target == "source" for m in snap.memos)
    assert {c.name for c in snap.coders} == {"Ana", "user 12345678"}
    notes = _notes(snap)
    for said in ("not codable", "colour 'rgb(1,2,3)'", "two codes are named 'Joy'", "99999999-0000-4000-8000-000000000000",
                 "user 12345678-0000-4000-8000-000000000000 is not listed", "1 set(s) not imported", "two sources are named 'Int'",
                 "carries variables"):
        assert said in notes


def test_foreign_codebook(tmp_path: Path) -> None:
    path = tmp_path / "book.qdc"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1:0" origin="NVivo for Mac">'
        f'<Codes><Code guid="{{{CODE_A.upper()}}}" name="Parent" isCodable="false" color="#FF0000">'
        f'<Code guid="{{{CODE_B.upper()}}}" name="Child" isCodable="true"/></Code></Codes><Sets/></CodeBook>',
        encoding="utf-8")
    snap = read_qdc(path)
    assert [(c.guid, c.name, c.parent_guid, c.colour) for c in snap.codes] == [
        (CODE_A, "Parent", None, "#ff0000"), (CODE_B, "Child", CODE_A, "")]
    assert snap.sources == () and snap.segments == ()


def test_import_into_a_project_reports_and_is_all_or_nothing(project: Project, tmp_path: Path) -> None:
    body = users((USER, "Ana")) + codes((CODE_A, "x")) + text_source(selection(1, 0, 5, name="Hello"))
    path = qdpx(tmp_path / "s.qdpx", qde(body, origin="QualCoder 3.5"), {f"sources/{SOURCE}.txt": "Hello world"})
    summary = project.import_qdpx(path)
    assert summary["added"] == {"coders": 1, "sources": 1, "codes": 1, "segments": 1}
    assert isinstance(summary["notes"], list)
    before = (project.snapshot(), len(project.log(None)))
    with pytest.raises(Exception, match="already a source named 'Interview 1'"):
        project.import_qdpx(path)
    assert (project.snapshot(), len(project.log(None))) == before


def test_guid_normalisation() -> None:
    assert norm_guid("{AD68FBE7-E1EE-4A82-A279-23CC698C89EB}") == "ad68fbe7-e1ee-4a82-a279-23cc698c89eb"
    assert norm_guid(" c32a2bd5-537f-4838-8b17-df9efbafdf4b ") == "c32a2bd5-537f-4838-8b17-df9efbafdf4b"
    assert norm_guid("") == "" and norm_guid(None) == ""
