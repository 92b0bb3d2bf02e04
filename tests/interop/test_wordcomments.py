"""Word comments as codes: each comment's passage becomes a segment, on exactly the text the DOCX reader gives."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thematica import Project
from thematica.errors import Conflict, ImportError_, InvalidInput
from thematica.ingest import read_file
from thematica.interop.wordcomments import read_word_comments
from thematica.text import canonicalise

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NAMESPACES = (f'xmlns:w="{W_NS}" xmlns:w14="http://schemas.microsoft.com/office/word/2010/wordml" '
              'xmlns:w15="http://schemas.microsoft.com/office/word/2012/wordml" '
              'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape"')


# -- building DOCX files ----------------------------------------------------------------------
def r(text: str) -> str:
    """A run."""
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def p(*parts: str) -> str:
    """A paragraph of runs and markers."""
    return f"<w:p>{''.join(parts)}</w:p>"


def start(cid: int) -> str:
    return f'<w:commentRangeStart w:id="{cid}"/>'


def end(cid: int) -> str:
    return f'<w:commentRangeEnd w:id="{cid}"/><w:r><w:commentReference w:id="{cid}"/></w:r>'


def comment(cid: int, *paragraphs: str, author: str = "Ann", para_ids: tuple[str, ...] = ()) -> str:
    paras = "".join(
        f'<w:p{f" w14:paraId={chr(34)}{para_ids[i]}{chr(34)}" if i < len(para_ids) else ""}>'
        f"<w:r><w:annotationRef/></w:r>{r(text)}</w:p>"
        for i, text in enumerate(paragraphs)
    )
    return f'<w:comment w:id="{cid}" w:author="{escape(author)}" w:date="2024-05-01T10:00:00Z">{paras}</w:comment>'


def make_docx(path: Path, body: str, comments: list[str] | None = None, extended: str = "",
              comments_xml: str | None = None) -> Path:
    """A DOCX made by python-docx, its body replaced by ``body`` and comment parts added."""
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    parts = {name: source.read(name) for name in source.namelist()}
    parts["word/document.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {NAMESPACES}><w:body>{body}'
        '<w:sectPr/></w:body></w:document>').encode("utf-8")
    rels, types = parts["word/_rels/document.xml.rels"].decode(), parts["[Content_Types].xml"].decode()
    if comments is not None or comments_xml is not None:
        parts["word/comments.xml"] = (comments_xml or (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:comments {NAMESPACES}>'
            f'{"".join(comments or [])}</w:comments>')).encode("utf-8")
        rels = rels.replace("</Relationships>", '<Relationship Id="rIdC1" Type="http://schemas.openxmlformats.org/'
                            'officeDocument/2006/relationships/comments" Target="comments.xml"/></Relationships>')
        types = types.replace("</Types>", '<Override PartName="/word/comments.xml" ContentType="application/'
                              'vnd.openxmlformats-officedocument.wordprocessingml.comments+xml"/></Types>')
    if extended:
        parts["word/commentsExtended.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w15:commentsEx {NAMESPACES}>{extended}'
            "</w15:commentsEx>").encode("utf-8")
        rels = rels.replace("</Relationships>", '<Relationship Id="rIdC2" Type="http://schemas.microsoft.com/office/'
                            '2011/relationships/commentsExtended" Target="commentsExtended.xml"/></Relationships>')
        types = types.replace("</Types>", '<Override PartName="/word/commentsExtended.xml" ContentType="application/'
                              'vnd.openxmlformats-officedocument.wordprocessingml.commentsExtended+xml"/></Types>')
    parts["word/_rels/document.xml.rels"], parts["[Content_Types].xml"] = rels.encode(), types.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def spans(path: Path, **options: object) -> dict[str, list[str]]:
    """code path -> anchored texts, checked against the reader's text."""
    snapshot = read_word_comments(path, coder="tester", **options)  # type: ignore[arg-type]
    text = read_file(path).text
    assert snapshot.sources[0].text == text
    codes = {c.guid: c for c in snapshot.codes}

    def path_of(guid: str) -> str:
        code = codes[guid]
        return f"{path_of(code.parent_guid)}/{code.name}" if code.parent_guid else code.name

    found: dict[str, list[str]] = {}
    for seg in snapshot.segments:
        assert text[seg.start : seg.end] == seg.text
        found.setdefault(path_of(seg.code_guid), []).append(seg.text)
    return found


# -- python-docx's own comments ------------------------------------------------------------------
needs_comments = pytest.mark.skipif(not hasattr(docx.document.Document, "add_comment"),
                                    reason="python-docx < 1.2 cannot add comments")


@needs_comments
def test_comments_made_by_python_docx(tmp_path: Path) -> None:
    document = docx.Document()
    first = document.add_paragraph()
    first.add_run("Interviewer: 😀 How was it? ")
    runs = [first.add_run("It was "), first.add_run("hard, "), first.add_run("then better.")]
    second = document.add_paragraph()
    tail = second.add_run("Café 👩‍⚕️ nurses helped.")
    document.add_comment(runs, text="Difficulty", author="Ann")  # several runs
    document.add_comment([runs[2], tail], text="Change over time", author="Bob")  # overlaps, two paragraphs
    document.add_comment(tail, text="Peer support", author="Ann")
    path = tmp_path / "coded.docx"
    document.save(str(path))
    assert spans(path) == {
        "Difficulty": ["It was hard, then better."],
        "Change over time": ["then better.\nCafé 👩‍⚕️ nurses helped."],
        "Peer support": ["Café 👩‍⚕️ nurses helped."],
    }


# -- hand-made XML: every place a marker can be -----------------------------------------------------
def test_markers_across_runs_paragraphs_tables_and_links(tmp_path: Path) -> None:
    body = (
        p(r("😀😀 Before. "), start(0), r("One "), r("two"), end(0), r(" after."))
        + start(1)  # between paragraphs: starts with the next one
        + p(r("Whole paragraph."))
        + end(1)
        + p(r("Link: "), start(2), '<w:hyperlink><w:r><w:t>linked</w:t></w:r></w:hyperlink>', r(" text"), end(2))
        + "<w:tbl><w:tr><w:tc>" + p(start(3), r("In a cell"), end(3)) + "</w:tc></w:tr></w:tbl>"
        + p(start(4), r("kept "), '<w:del><w:r><w:delText>deleted </w:delText></w:r></w:del>', r("and tab"),
            "<w:r><w:tab/><w:t>x</w:t></w:r>", end(4))
    )
    comments = [comment(0, "Count"), comment(1, "Paragraph"), comment(2, "Link"), comment(3, "Cell"),
                comment(4, "Tracked")]
    path = make_docx(tmp_path / "places.docx", body, comments)
    assert spans(path) == {"Count": ["One two"], "Paragraph": ["Whole paragraph."], "Link": ["linked text"],
                           "Cell": ["In a cell"], "Tracked": ["kept and tab\tx"]}


def test_offsets_survive_canonicalisation(tmp_path: Path) -> None:
    body = (
        p(r("Cafe\u0301 cafe\u0301 "), start(0), r("naïve"), end(0))  # NFC makes e+acute one code point
        + p(r("line\u2028break "), start(1), r("after"), end(1))  # U+2028 becomes a newline
        + p(r("x"), "<w:r><w:br/><w:t>y </w:t></w:r>", start(2), r("z😀"), end(2))
    )
    path = make_docx(tmp_path / "nfc.docx", body, [comment(0, "A"), comment(1, "B"), comment(2, "C")])
    text = read_file(path).text
    assert "Café café naïve" in text and "line\nbreak" in text
    assert spans(path) == {"A": ["naïve"], "B": ["after"], "C": ["z😀"]}


@pytest.mark.parametrize("first, second", [("\ufeffBOM first ", "Second "), ("First", "\ufeffSecond e\u0301 ")])
def test_byte_order_marks_in_runs(tmp_path: Path, first: str, second: str) -> None:
    body = p(r(first), start(0), r("one"), end(0)) + p(r(second), start(1), r("two"), end(1))
    path = make_docx(tmp_path / "bom.docx", body, [comment(0, "A"), comment(1, "B")])
    assert spans(path) == {"A": ["one"], "B": ["two"]}


def test_comment_text_names_codes_and_fills_memos(tmp_path: Path) -> None:
    body = p(start(0), start(1), start(2), r("Shared text"), end(0), r(" more"), end(1), end(2),
             r(" tail "), start(3), r("three"), end(3), r(" "), start(5), r("  spaced  "), end(5))
    comments = [
        comment(0, "Power / Letting go", "Why: she sits on her hands.", "Second thought.", para_ids=("0A", "0B", "0C")),
        comment(1, "#hope", author="Bob"),
        comment(2, "power/letting GO"),  # the same code, letter case aside
        comment(3, "3"),
        comment(4, "I agree with Ann.", author="Bob", para_ids=("4A",)),  # a reply to comment 0
        comment(5, "Spacing"),
    ]
    extended = ('<w15:commentEx w15:paraId="0C" w15:done="0"/>'
                '<w15:commentEx w15:paraId="4A" w15:paraIdParent="0C" w15:done="0"/>')
    path = make_docx(tmp_path / "names.docx", body, comments, extended)
    snapshot = read_word_comments(path, coder="tester")
    names = {(c.name, c.parent_guid is None) for c in snapshot.codes}
    assert names == {("Power", True), ("Letting go", False), ("hope", True), ("Code 3", True), ("Spacing", True)}
    first = next(s for s in snapshot.segments if s.text == "Shared text")
    assert first.memo == "Why: she sits on her hands.\nSecond thought.\nBob: I agree with Ann."
    assert sorted(s.text for s in snapshot.segments) == ["Shared text", "Shared text more", "Shared text more",
                                                        "spaced", "three"]
    assert len(snapshot.segments) == 5  # the reply is a memo, not a segment
    assert any("Code 3" in note for note in snapshot.notes)
    assert {c.name for c in snapshot.coders} == {"tester"}


def test_authors_as_coders(tmp_path: Path) -> None:
    body = p(start(0), r("one"), end(0), r(" "), start(1), r("two"), end(1), r(" "), start(2), r("three"), end(2))
    comments = [comment(0, "A", author="Ann"), comment(1, "B", author=" Bob "), comment(2, "C", author="")]
    path = make_docx(tmp_path / "authors.docx", body, comments)
    snapshot = read_word_comments(path, coder="tester", author_as_coder=True)
    coder = {c.guid: c.name for c in snapshot.coders}
    assert {s.text: coder[s.coder_guid] for s in snapshot.segments} == {"one": "Ann", "two": "Bob", "three": "tester"}
    assert any("no author" in n for n in snapshot.notes)


def test_comments_without_a_passage_are_noted(tmp_path: Path) -> None:
    body = (p(r("Point "), '<w:r><w:commentReference w:id="0"/></w:r>', start(1), r("ok"), end(1), start(2), end(2),
              r(" "), start(3), r("   "), end(3), r(" "), start(4), r("no title"), end(4))
            + p('<w:r><w:drawing><wps:txbx><w:txbxContent>' + p(start(5), r("boxed"), end(5))
                + "</w:txbxContent></wps:txbx></w:drawing></w:r>"))
    comments = [comment(i, "C" if i != 4 else "  ") for i in range(6)]
    path = make_docx(tmp_path / "points.docx", body, comments)
    snapshot = read_word_comments(path, coder="tester")
    assert [s.text for s in snapshot.segments] == ["ok"]
    notes = " | ".join(snapshot.notes)
    assert "2 comments marks no passage" not in notes
    assert "(id 0, 5)" in notes and "(id 2, 3)" in notes and "(id 4)" in notes


def test_entities_are_never_expanded(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP SECRET", encoding="utf-8")
    evil = (f'<?xml version="1.0"?><!DOCTYPE w:comments [<!ENTITY x SYSTEM "file://{secret}">'
            '<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            f'<w:comments {NAMESPACES}><w:comment w:id="0" w:author="Eve"><w:p><w:r><w:t>Code &x;&b;</w:t></w:r>'
            '</w:p></w:comment></w:comments>')
    path = make_docx(tmp_path / "evil.docx", p(start(0), r("text"), end(0)), comments_xml=evil)
    snapshot = read_word_comments(path, coder="tester")
    assert all("SECRET" not in c.name and "aaaa" not in c.name for c in snapshot.codes)


@pytest.mark.parametrize("make, error, message", [
    (lambda d: make_docx(d / "plain.docx", p(r("No comments here."))), InvalidInput, "has no comments"),
    (lambda d: make_docx(d / "empty.docx", p(r("Text")), []), InvalidInput, "has no comments"),
    (lambda d: make_docx(d / "only-points.docx", p(r("Text"), '<w:r><w:commentReference w:id="0"/></w:r>'),
                         [comment(0, "A")]), InvalidInput, "no comment marks a passage"),
    (lambda d: make_docx(d / "broken.docx", p(start(0), r("x"), end(0)), comments_xml="<w:comments"), ImportError_,
     "broken.docx"),
    (lambda d: (d / "fake.docx").write_bytes(b"not a zip") and d / "fake.docx", ImportError_, "not a valid DOCX"),
    (lambda d: (d / "notes.txt").write_text("text", encoding="utf-8") and d / "notes.txt", InvalidInput, ".docx files only"),
])
def test_bad_files_are_refused_clearly(tmp_path: Path, make, error: type, message: str) -> None:  # type: ignore[no-untyped-def]
    path = make(tmp_path)
    with pytest.raises(error, match=message):
        read_word_comments(path, coder="tester")


# -- through the project -------------------------------------------------------------------------
def test_import_word_comments_codes_the_source(project: Project, tmp_path: Path) -> None:
    body = (p(r("Interviewer: How was the first session?")) + p(r(""))
            + p(r("P07: I was nervous. "), start(0), r("I had to sit on my hands"), end(0), r(" 😀 so I would not "),
                start(1), r("take over."), end(1)))
    path = make_docx(tmp_path / "P07 coded.docx", body,
                     [comment(0, "Power / Letting go", "In vivo?", author="Ann"), comment(1, "Power", author="Bob")])
    project.create_code("Power", definition="Who holds power.")
    summary = project.import_word_comments(path)
    assert summary["added"] == {"coders": 1, "participants": 1, "sources": 1, "codes": 1, "segments": 2}
    source = project.source("P07 coded")
    assert project.source_text(source.id) == read_file(path).text
    assert project.participant("P07") and source.participant_id == project.participant("P07").id
    segments = project.segments()
    assert {s.text for s in segments} == {"I had to sit on my hands", "take over."}
    assert {project.code_path(s.code_id) for s in segments} == {"Power/Letting go", "Power"}
    assert {c.name for c in project.coders()} == {"tester"}
    assert project.code_by("Power").definition == "Who holds power."  # an existing code is reused
    assert next(s for s in segments if s.text == "take over.").memo == ""
    assert project.check() == []
    with pytest.raises(Conflict, match="another name"):
        project.import_word_comments(path)
    again = project.import_word_comments(path, name="P07 again", author_as_coder=True)
    assert again["added"]["segments"] == 2 and {c.name for c in project.coders()} == {"tester", "Ann", "Bob"}
    project.undo()
    project.undo()
    assert project.sources() == [] and project.segments() == []


# -- any runs, any comments -------------------------------------------------------------------------
_pieces = st.lists(st.sampled_from(["word ", "Café ", "cafe\u0301 ", "😀", "👩‍⚕️", " ", "x", "ß", "\u00a0", "é"]),
                   min_size=1, max_size=3).map("".join)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paragraphs=st.lists(st.lists(_pieces, min_size=1, max_size=4), min_size=1, max_size=4), data=st.data())
def test_any_comment_lands_on_its_text(tmp_path: Path, paragraphs: list[list[str]], data: st.DataObject) -> None:
    slots = [(i, j) for i, runs in enumerate(paragraphs) for j in range(len(runs) + 1)]  # marker places
    ranges = []
    for cid in range(data.draw(st.integers(1, 4))):
        a = data.draw(st.integers(0, len(slots) - 1))
        b = data.draw(st.integers(a, len(slots) - 1))
        ranges.append((cid, slots[a], slots[b]))
    body = ""
    for i, runs in enumerate(paragraphs):
        parts = []
        for j in range(len(runs) + 1):
            parts += [start(cid) for cid, s, _ in ranges if s == (i, j)]
            parts += [f'<w:commentRangeEnd w:id="{cid}"/>' for cid, _, e in ranges if e == (i, j)]
            if j < len(runs):
                parts.append(r(runs[j]))
        body += p(*parts)
    path = tmp_path / "prop.docx"
    make_docx(path, body, [comment(cid, f"Code {chr(65 + cid)}") for cid, _, _ in ranges])

    def raw(slot_a: tuple[int, int], slot_b: tuple[int, int]) -> str:
        out = []
        for i, runs in enumerate(paragraphs):
            for j, run in enumerate(runs):
                if slot_a <= (i, j) < slot_b:
                    out.append(run)
            if slot_a[0] <= i < slot_b[0]:
                out.append("\n")
        return "".join(out)

    expected = {f"Code {chr(65 + cid)}": canonicalise(raw(s, e)).strip() for cid, s, e in ranges}
    expected = {k: v for k, v in expected.items() if v}
    if not expected:  # nothing to code (or nothing at all: the reader refuses an empty document)
        with pytest.raises((InvalidInput, ImportError_)):
            read_word_comments(path, coder="tester")
        return
    assert {k: v[0] for k, v in spans(path).items()} == expected
