"""The sources list, uploading transcripts, the reader page (its pieces add up to the text) and source memos."""

from __future__ import annotations

import html as htmlmod
import io
import re
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from thematica.model import Role, Turn
from thematica.project import Project, open_project
from thematica.web.offsets import utf16_map
from thematica.web.routes.sources import reading_blocks


@pytest.fixture
def project(app) -> Project:
    """The project the app serves (what the routes change is visible here)."""
    return app.state.workbench.project


class _Pieces(HTMLParser):
    """Collects the reader's text pieces: (kind, data-start, text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[list] = []
        self._open: list | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        found = dict(attrs)
        classes = (found.get("class") or "").split()
        if tag == "span" and "piece" in classes:
            self._open = [classes[1], int(found["data-start"]), ""]
            self.pieces.append(self._open)

    def handle_endtag(self, tag: str) -> None:
        if tag == "span":
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[2] += data


def _pieces(page: str) -> list[list]:
    parser = _Pieces()
    parser.feed(page)
    return parser.pieces


def _docx(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for line in paragraphs:
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _row(page: str, name: str) -> str:
    match = re.search(rf'<tr data-name="{name}">.*?</tr>', page, re.S)
    assert match, name
    return match.group(0)


def test_the_list_shows_every_source_with_counts_attributes_and_filters(client, project) -> None:
    page = client.get("/sources").text
    assert "<h1>Sources</h1>" in page
    for attribute in project.attributes():
        assert f"<th scope=\"col\">{attribute.name}</th>" in page
    assert '<select data-column="1">' in page and '<option value="female">female</option>' in page
    for source in project.sources():
        row = _row(page, source.name)
        segments = len(project.segments(source=source.id))
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        assert f'href="/sources/{source.id}"' in cells[0]
        assert cells[1:6] == [source.kind, source.name, str(source.turn_count), f"{source.length:,}", str(segments)]
    p01 = _row(page, "P01")
    assert '<td data-column="0">42</td>' in p01 and '<td data-column="1">8b</td>' in p01  # 42, not 42.0


def test_upload_imports_txt_and_docx_as_one_change(client, csrf, project) -> None:
    before = len(project.sources())
    files = [
        ("files", ("P21.txt", "Interviewer: How was it?\nP21: It was fine, mostly.\n".encode(), "text/plain")),
        ("files", ("P22.docx", _docx(["Interviewer: And for you?", "P22: Hard at first."]), "application/octet-stream")),
    ]
    response = client.post("/sources/upload", files=files, headers={**csrf, "Accept": "application/json"})
    assert response.status_code == 200, response.text
    assert [s["name"] for s in response.json()["imported"]] == ["P21", "P22"]
    assert len(project.sources()) == before + 2
    assert project.source_text("P22") == "Interviewer: And for you?\nP22: Hard at first."
    assert [(t.speaker, t.role.value) for t in project.turns("P21")] == [("Interviewer", "interviewer"), ("P21", "participant")]
    assert project.log(1)[0].operation == "source.import"
    again = open_project(project.path)
    try:
        assert {"P21", "P22"} <= {s.name for s in again.sources()}
    finally:
        again.close()


def test_a_browser_form_post_shows_the_result_on_the_page(client, csrf, project) -> None:
    files = [("files", ("P23.txt", b"P23: Just me talking.", "text/plain"))]
    response = client.post("/sources/upload", files=files, headers=csrf)
    assert response.status_code == 200 and "Imported P23." in response.text and "<h1>Sources</h1>" in response.text


@pytest.mark.parametrize(
    "files, message, status",
    [
        ([("P24.txt", b"P24: fine"), ("notes.xyz", b"what is this")], "notes.xyz", 400),
        ([("P25.txt", b"P25: fine"), ("empty.txt", b"   \n")], "empty.txt", 400),
        ([("P01.txt", b"P01: a second P01")], "P01", 409),
        ([("P26.txt", b"one"), ("P26.txt", b"two")], "twice", 400),
    ],
)
def test_a_bad_upload_imports_nothing(client, csrf, project, files, message, status) -> None:
    sources, events = len(project.sources()), len(project.log(None))
    payload = [("files", (name, data, "application/octet-stream")) for name, data in files]
    response = client.post("/sources/upload", files=payload, headers={**csrf, "Accept": "application/json"})
    assert response.status_code == status and message in response.json()["error"]
    assert len(project.sources()) == sources and len(project.log(None)) == events
    page = client.post("/sources/upload", files=payload, headers=csrf)
    assert page.status_code == status and "Nothing was imported" in page.text and htmlmod.escape(message) in page.text


def test_upload_needs_the_csrf_token(client, project) -> None:
    before = len(project.sources())
    response = client.post("/sources/upload", files=[("files", ("P27.txt", b"P27: hi", "text/plain"))])
    assert response.status_code == 403 and len(project.sources()) == before


def test_the_reader_pieces_add_up_to_the_text_in_utf16_offsets(client, project) -> None:
    for source in project.sources():
        page = client.get(f"/sources/{source.id}").text
        text = project.source_text(source.id)
        pieces = _pieces(page)
        assert "".join(p[2] for p in pieces) == text
        units = 0
        for kind, start, chunk in pieces:
            assert start == units, (source.name, kind, start)
            units += len(chunk.encode("utf-16-le")) // 2
        turns = project.turns(source.id)
        assert [p[2] for p in pieces if p[0] == "text"] == [text[t.start : t.end] for t in turns]
        assert f'data-units="{units}"' in page and f"<h1>{source.name}</h1>" in page


def test_the_reader_marks_speakers_interviewer_turns_and_times(client, project) -> None:
    p02 = client.get(f"/sources/{project.source('P02').id}").text
    assert '<div class="turn interviewer">' in p02 and '<div class="turn participant">' in p02
    assert '<span class="piece label" data-start="' in p02 and ">Interviewer: </span>" in p02
    assert 'tabindex="0"' in p02 and "/static/js/reader.js" in p02 and "/static/reader.css" in p02
    vtt = client.get(f"/sources/{project.source('P04').id}").text  # timed: no label in the text, speaker from the turn
    assert '<span class="speaker">Interviewer</span><time class="clock">0:05</time>' in vtt


def test_emoji_and_text_without_turns(client, project, tmp_path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("Field notes 😀 first day.\n\n  Second 中文 paragraph 👩‍💻 here.  \n", encoding="utf-8")
    source = project.import_file(path)
    text = project.source_text(source.id)
    pieces = _pieces(client.get(f"/sources/{source.id}").text)
    assert "".join(p[2] for p in pieces) == text
    assert pieces[0] == ["gap", 0, text.strip()]  # one note, its blank lines kept (the page wraps them as written)
    assert [p[0] for p in pieces[1:]] == ["blank"] and pieces[1][1] == len(text.strip()) + 3  # 😀 and 👩‍💻: 3 more units


def test_unknown_sources_are_404(client, csrf) -> None:
    assert client.get("/sources/999").status_code == 404
    assert client.post("/api/sources/999/memos", json={"text": "x"}, headers=csrf).status_code == 404


def test_source_memos(client, csrf, project) -> None:
    source = project.source("P03")
    response = client.post(f"/api/sources/{source.id}/memos", json={"text": "  Strong on <b>power</b>.  "}, headers=csrf)
    assert response.status_code == 200 and response.json()["text"] == "Strong on <b>power</b>."
    memos = project.memos(on="source", target=source.id)
    assert [m.text for m in memos] == ["Strong on <b>power</b>."] and memos[0].author == "Researcher A"
    page = client.get(f"/sources/{source.id}").text
    assert "Strong on &lt;b&gt;power&lt;/b&gt;." in page and "<b>power</b>" not in page
    assert client.post(f"/api/sources/{source.id}/memos", json={"text": "   "}, headers=csrf).status_code == 400
    assert client.post(f"/api/sources/{source.id}/memos", json={"text": "no token"}).status_code == 403
    assert len(project.memos(on="source", target=source.id)) == 1


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab \n:P😀中é")), max_size=80), st.lists(st.integers(0, 80), max_size=12))
def test_blocks_cover_any_text_with_any_turns(text: str, cuts: list[int]) -> None:
    points = sorted({min(c, len(text)) for c in cuts})
    turns = [
        Turn(i, 1, i, a, b, "P1", Role.PARTICIPANT if i % 2 else Role.INTERVIEWER)
        for i, (a, b) in enumerate(zip(points[::2], points[1::2]))
    ]
    pieces = [p for block in reading_blocks(text, turns, utf16_map(text)) for p in block.pieces]
    assert "".join(p.text for p in pieces) == text
    units = 0
    for piece in pieces:
        assert piece.start == units and piece.text
        units += len(piece.text.encode("utf-16-le")) // 2


def test_upload_of_a_refi_project_imports_it(client, csrf, app, tmp_path) -> None:
    """A .qdpx from another tool (here the NVivo fixture) imports through the same upload form."""
    fixture = Path(__file__).parents[1] / "fixtures" / "refi" / "nvivo12-win_oltas0517.qdpx"
    before = len(app.state.workbench.project.sources())
    with fixture.open("rb") as handle:
        response = client.post(
            "/sources/upload", files={"files": (fixture.name, handle, "application/zip")},
            headers={**csrf, "Accept": "application/json"},
        )
    assert response.status_code == 200, response.text
    assert len(app.state.workbench.project.sources()) == before + 2
