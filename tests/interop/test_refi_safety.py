"""Hostile REFI-QDA files: each is refused with a clear ImportError_, and the project is left exactly as it was."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Callable

import pytest

from thematica import Project
from thematica.errors import Conflict, ImportError_
from thematica.interop.refi import safety
from thematica.interop.refi.reader import read_qdc, read_qdpx

from .refi_build import (
    CODE_A,
    SOURCE,
    USER,
    codes,
    qde,
    qdpx,
    selection,
    text_source,
    users,
    write_zip,
)

GOOD = qde(users((USER, "Ana")) + codes((CODE_A, "x")) + text_source(selection(1, 0, 5, name="Hello")))
TEXT = {f"sources/{SOURCE}.txt": "Hello world"}
PROLOG = '<?xml version="1.0" encoding="utf-8"?>\n'
XXE = PROLOG + '<!DOCTYPE Project [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n<Project xmlns="urn:QDA-XML:project:1.0" name="&xxe;"/>'
LAUGHS = PROLOG + "<!DOCTYPE lolz [<!ENTITY lol \"lol\">" + "".join(
    f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
) + ']>\n<Project xmlns="urn:QDA-XML:project:1.0" name="&lol9;"/>'
PLAIN_DOCTYPE = PROLOG + '<!-- a comment first --><!DOCTYPE Project>\n<Project xmlns="urn:QDA-XML:project:1.0" name="x"/>'


@pytest.fixture
def coded(project: Project, tmp_path: Path) -> Project:
    """A project that already holds something, so that 'unchanged' means something."""
    project.import_qdpx(qdpx(tmp_path / "first.qdpx", GOOD, TEXT))
    return project


def _refused(project: Project, path: Path, match: str, reader: Callable[[Path], object] | None = None) -> None:
    """``path`` is refused with ``match`` in the message, by the reader and by the project, which stays unchanged."""
    with pytest.raises(ImportError_, match=match):
        (reader or read_qdpx)(path)
    before = (project.snapshot(), [e.id for e in project.log(None)])
    with pytest.raises(ImportError_, match=match):
        (project.import_qdc if reader is read_qdc else project.import_qdpx)(path)
    assert (project.snapshot(), [e.id for e in project.log(None)]) == before
    assert project.check() == []


# -- XML ----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("document", [XXE, LAUGHS, PLAIN_DOCTYPE], ids=["xxe", "billion-laughs", "any-doctype"])
def test_a_doctype_is_refused_in_a_qdpx_a_bare_qde_and_a_qdc(coded: Project, tmp_path: Path, document: str) -> None:
    _refused(coded, qdpx(tmp_path / "evil.qdpx", document.encode()), "DOCTYPE")
    bare = tmp_path / "evil.qde"
    bare.write_text(document, encoding="utf-8")
    _refused(coded, bare, "DOCTYPE")
    book = tmp_path / "evil.qdc"
    book.write_text(document.replace("Project", "CodeBook"), encoding="utf-8")
    _refused(coded, book, "DOCTYPE", read_qdc)


def test_a_doctype_hidden_by_another_encoding_is_refused(tmp_path: Path) -> None:
    bare = tmp_path / "utf16.qde"
    bare.write_bytes(XXE.replace("utf-8", "utf-16").encode("utf-16"))
    with pytest.raises(ImportError_, match="DOCTYPE"):
        read_qdpx(bare)


def test_the_parser_itself_never_reads_an_external_entity() -> None:
    # belt and braces: even past the DOCTYPE check, the parser resolves no entity and loads no DTD
    document = XXE.replace('name="&xxe;"/>', 'name="x"><Description>&xxe;</Description></Project>').encode()
    try:
        root = safety.etree.fromstring(document, safety._parser())
    except safety.etree.XMLSyntaxError:
        return
    assert "root:" not in "".join(root.itertext())


def test_xml_that_is_not_well_formed_or_not_refi(coded: Project, tmp_path: Path) -> None:
    _refused(coded, qdpx(tmp_path / "broken.qdpx", b"<Project name='x'><Users>"), "not well-formed XML")
    _refused(coded, qdpx(tmp_path / "html.qdpx", b"<html><body/></html>"), "not a REFI-QDA file")
    odd = tmp_path / "odd.qdpx"
    odd.write_bytes(b"just some text, neither zip nor XML")
    _refused(coded, odd, "neither a .qdpx")


# -- the zip container ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("name", ["../evil.txt", "sources/../../evil.txt", "/etc/evil.txt", "C:/evil.txt", "..\\evil.txt"])
def test_zip_slip_is_refused(coded: Project, tmp_path: Path, name: str) -> None:
    path = tmp_path / "slip.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", GOOD)
        archive.writestr(zipfile.ZipInfo(name), b"gotcha")
    _refused(coded, path, "zip slip")


def test_an_entry_named_twice_is_refused(coded: Project, tmp_path: Path) -> None:
    path = tmp_path / "twice.qdpx"
    with pytest.warns(UserWarning), zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", GOOD)
        archive.writestr(f"sources/{SOURCE}.txt", "Hello world")
        archive.writestr(f"sources/{SOURCE}.txt", "Other words")
    _refused(coded, path, "occurs twice")


def test_a_symbolic_link_is_refused(coded: Project, tmp_path: Path) -> None:
    path = tmp_path / "link.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", GOOD)
        link = zipfile.ZipInfo(f"sources/{SOURCE}.txt")
        link.create_system = 3
        link.external_attr = (0o120777 << 16)
        archive.writestr(link, "/etc/passwd")
    _refused(coded, path, "symbolic link")


def test_a_zip_bomb_is_refused_before_it_is_inflated(coded: Project, tmp_path: Path) -> None:
    path = qdpx(tmp_path / "bomb.qdpx", GOOD, {f"sources/{SOURCE}.txt": b"\0" * (64 * 1024 * 1024)})
    assert path.stat().st_size < 200_000
    _refused(coded, path, "zip bomb")


def test_too_much_in_all_is_refused(coded: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(safety, "MAX_TOTAL_BYTES", 1000)
    path = qdpx(tmp_path / "big.qdpx", GOOD, {f"sources/{SOURCE}.txt": "word " * 400})
    _refused(coded, path, "more than 0 MiB|zip bomb")


def test_an_entry_that_inflates_past_its_declared_size_is_refused(tmp_path: Path) -> None:
    path = qdpx(tmp_path / "liar.qdpx", GOOD, TEXT)
    with safety.SafeArchive(path) as archive:
        archive.entries["project.qde"] = safety.Entry("project.qde", 10)  # the header claims 10 bytes
        with pytest.raises(ImportError_, match="past its declared size"):
            archive.read("project.qde")


def test_too_many_entries_are_refused(coded: Project, tmp_path: Path) -> None:
    path = write_zip(tmp_path / "many.qdpx", {"project.qde": GOOD, **{f"sources/{i}.txt": b"" for i in range(safety.MAX_ENTRIES)}})
    _refused(coded, path, "10001 entries")


def test_a_truncated_zip_is_refused(coded: Project, tmp_path: Path) -> None:
    whole = qdpx(tmp_path / "whole.qdpx", GOOD, TEXT).read_bytes()
    for cut in (len(whole) // 2, len(whole) - 10, 30):
        path = tmp_path / f"cut{cut}.qdpx"
        path.write_bytes(whole[:cut])
        _refused(coded, path, "not a valid .qdpx|damaged or truncated")


def test_a_damaged_entry_is_refused(coded: Project, tmp_path: Path) -> None:
    whole = bytearray(qdpx(tmp_path / "whole.qdpx", GOOD, TEXT).read_bytes())
    start = whole.index(b"project.qde") + len("project.qde")
    whole[start + 5 : start + 25] = b"\xff" * 20  # scribble over the compressed XML
    path = tmp_path / "scribbled.qdpx"
    path.write_bytes(bytes(whole))
    _refused(coded, path, "damaged|not well-formed|not a valid")


def test_an_encrypted_entry_is_refused(tmp_path: Path) -> None:
    data = bytearray(write_zip(tmp_path / "plain.qdpx", {"project.qde": GOOD}).read_bytes())
    for header, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # set "encrypted" in both headers
        data[data.index(header) + at] |= 0x1
    path = tmp_path / "locked.qdpx"
    path.write_bytes(bytes(data))
    with pytest.raises(ImportError_, match="encrypted"):
        read_qdpx(path)


def test_a_qdpx_without_a_qde_is_refused(coded: Project, tmp_path: Path) -> None:
    _refused(coded, write_zip(tmp_path / "empty.qdpx", TEXT), "holds no .qde project file")
    _refused(coded, write_zip(tmp_path / "nothing.qdpx", {}), "holds no .qde project file")
    _refused(coded, write_zip(tmp_path / "two.qdpx", {"a.qde": GOOD, "b.qde": GOOD}), "holds 2 .qde files")


def test_a_codebook_and_a_project_are_not_mistaken_for_each_other(coded: Project, tmp_path: Path) -> None:
    _refused(coded, qdpx(tmp_path / "p.qdpx", GOOD, TEXT), "zip", read_qdc)
    book = tmp_path / "b.qdc"
    book.write_bytes(GOOD)
    _refused(coded, book, "is a project", read_qdc)
    _refused(coded, tmp_path / "missing.qdpx", "does not exist")


# -- a forged thematica data note --------------------------------------------------------------------------------
@pytest.mark.parametrize("payload", [
    "not json", json.dumps({"format": "thematica-refi/1", "sources": {SOURCE: {"turns": [["a", "b"]]}}}),
    json.dumps({"format": "thematica-refi/1", "memos": [{"note": "x", "target": "nowhere", "phase": 9}]}),
    json.dumps({"format": "thematica-refi/1", "codes": {CODE_A: {"origin": "made-up"}}}),
    json.dumps({"format": "thematica-refi/1", "settings": [["name", "\ud800"]]}),
    json.dumps({"format": "thematica-refi/1", "offsets": ["utf16"]}),
    json.dumps({"format": "thematica-refi/1", "segments": {"x": {"created_at": "yesterday"}}}),
], ids=["not-json", "bad-turns", "bad-memo", "bad-code", "lone-surrogate", "bad-offsets", "bad-time"])
def test_a_damaged_data_note_is_ignored_with_a_note(project: Project, tmp_path: Path, payload: str) -> None:
    from xml.sax.saxutils import escape

    note = (f'<Notes><Note guid="{"f" * 8}-0000-4000-8000-000000000000" name="thematica:data">'
            f"<PlainTextContent>{escape(payload)}</PlainTextContent></Note></Notes>")
    body = users((USER, "Ana")) + codes((CODE_A, "x")) + text_source(selection(1, 0, 5, name="Hello"), name="Other") + note
    snap = read_qdpx(qdpx(tmp_path / "forged.qdpx", qde(body, origin="thematica 0.1.0"), TEXT))
    assert "data note could not be used" in "\n".join(snap.notes)
    assert [s.text for s in snap.segments] == ["Hello"]
    summary = project.import_qdpx(tmp_path / "forged.qdpx")
    assert summary["added"]["segments"] == 1 and project.check() == []


def test_a_source_whose_guid_is_already_here_under_another_name_is_a_clear_conflict(coded: Project, tmp_path: Path) -> None:
    renamed = qdpx(tmp_path / "renamed.qdpx", GOOD.replace(b'name="Interview 1"', b'name="Renamed"'), TEXT)
    before = (coded.snapshot(), [e.id for e in coded.log(None)])
    with pytest.raises(Conflict, match="same GUID as source 'Interview 1'"):
        coded.import_qdpx(renamed)
    assert (coded.snapshot(), [e.id for e in coded.log(None)]) == before


def _cases(values: str) -> bytes:
    var, case = "eeeeeeee-0000-4000-8000-000000000001", "eeeeeeee-0000-4000-8000-000000000002"
    return qde(users((USER, "Ana")) + f'<Variables><Variable guid="{var}" name="age" typeOfVariable="Integer"/></Variables>'
               f'<Cases><Case guid="{case}" name="P9"><VariableValue><VariableRef targetGUID="{var}"/>{values}</VariableValue>'
               "</Case></Cases>")


def test_a_value_not_of_its_variable_type_makes_the_attribute_text(project: Project, tmp_path: Path) -> None:
    snap = read_qdpx(qdpx(tmp_path / "age.qdpx", _cases("<TextValue>thirty</TextValue>")))
    assert [(a.name, a.type) for a in snap.attributes] == [("age", "text")]
    assert "'thirty' is not a number" in "\n".join(snap.notes)
    project.import_qdpx(tmp_path / "age.qdpx")
    assert project.participant("P9").attributes == {"age": "thirty"}


def test_a_value_not_of_the_projects_attribute_type_is_a_clear_conflict(project: Project, tmp_path: Path) -> None:
    table = tmp_path / "people.csv"
    table.write_text("id,age\nP1,40\n", encoding="utf-8")
    project.import_participants(table, create_missing=True, types={"age": "number"})
    path = qdpx(tmp_path / "age.qdpx", _cases("<TextValue>thirty</TextValue>").replace(b'typeOfVariable="Integer"', b'typeOfVariable="Text"'))
    before = (project.snapshot(), [e.id for e in project.log(None)])
    with pytest.raises(Conflict, match="'age' is a number attribute in this project"):
        project.import_qdpx(path)
    assert (project.snapshot(), [e.id for e in project.log(None)]) == before
