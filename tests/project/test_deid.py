"""De-identification through Project: register, scan, review, apply, purge, key, output checks."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Callable

import pytest

import thematica
from thematica import Project
from thematica.errors import Conflict, InvalidInput, KeyFileError, NothingToUndo, OutputBlocked

TEXT = """Interviewer: How did the course start?

P01: Sarah Jones and I planned it on Rowan Ward. Sarah's idea was the café 😀 chats, and Sarah Jones ran them.

Interviewer: Who else helped?

P01: Priya Patel from St Mary's Hospital, back in March 2022. Honestly Priya kept us going.
"""
PASSPHRASE = "correct horse battery staple"


@pytest.fixture
def study(project: Project, write_transcript: Callable[..., Path]) -> Project:
    project.import_file(write_transcript("P01", TEXT))
    return project


def _segment(project: Project, quote: str, code: str = "Co-production") -> int:
    text = project.source_text("P01")
    start = text.index(quote)
    codes = {c.name for c in project.codes()}
    if code not in codes:
        project.create_code(code)
    return project.code("P01", start, start + len(quote), code).id


def test_register_makes_variants_and_numbered_pseudonyms(project: Project) -> None:
    sarah = project.add_identifier("Sarah Jones", "person", replacement="[Peer Trainer A]")
    assert {"Sarah", "Jones"} <= set(sarah.variants)
    ward = project.add_identifier("Rowan Ward", "organisation")
    assert ward.replacement == "[Organisation 1]"
    with pytest.raises(Conflict):
        project.add_identifier("sarah jones")
    with pytest.raises(InvalidInput):
        project.add_identifier("Bob", "pet")
    # the audit trail names the pseudonym, never the real value
    assert all("Sarah" not in e.summary for e in project.log())


def test_scan_queues_candidates_and_changes_no_text(study: Project) -> None:
    before = study.source_text("P01")
    result = study.deid_scan()
    assert result.new > 0 and study.source_text("P01") == before
    found = {c.text for c in study.deid_candidates()}
    assert {"Sarah Jones", "Priya Patel"} <= found
    assert any("2022" in t for t in found)


def test_review_decisions_and_bulk_by_text(study: Project) -> None:
    study.deid_scan()
    groups = {g[0]: g for g in study.deid_groups()}
    sarah = groups["Sarah Jones"]
    assert study.deid_decide(sarah[3][:1], "always", replacement="[Peer Trainer A]") >= 2  # every "Sarah Jones"
    entry = study.identifier("[Peer Trainer A]")
    assert entry.value == "Sarah Jones"
    pending = {c.text for c in study.deid_candidates()}
    assert "Sarah Jones" not in pending
    study.allow_term("Honestly")
    assert "Honestly" not in {c.text for c in study.deid_candidates()}
    with pytest.raises(InvalidInput):
        study.deid_decide([1], "maybe")


def _review_all(project: Project) -> None:
    """Decide every pending candidate: names and places always, the rest accepted."""
    project.deid_scan()
    for _text, category, _count, ids in project.deid_groups():
        if not project.deid_candidates():
            break
        still = {c.id for c in project.deid_candidates()}
        ids = [i for i in ids if i in still]
        if ids:
            project.deid_decide(ids, "always" if category in ("person", "organisation", "place") else "accept")


def test_apply_keeps_every_segment_on_the_same_words(study: Project) -> None:
    around = _segment(study, "I planned it on Rowan Ward.")  # contains a name at its end
    across = _segment(study, "Jones and I planned")  # starts inside a name
    inside = _segment(study, "Priya Patel")  # is only a name
    plain = _segment(study, "kept us going")
    emoji = _segment(study, "café 😀 chats")
    _review_all(study)
    report = study.deid_apply()
    text = study.source_text("P01")
    for name in ("Sarah", "Jones", "Priya", "Rowan", "Mary"):
        assert name not in text
    segs = {s.id: s for s in study.segments()}
    assert segs[around].text.startswith("I planned it on [") and segs[around].text.endswith("].")
    assert re.fullmatch(r"\[[^\]]+\] and I planned", segs[across].text)
    assert segs[plain].text == "kept us going" and segs[emoji].text == "café 😀 chats"
    assert re.fullmatch(r"\[[^\]]+\]", segs[inside].text)
    assert inside in {f.segment_id for f in report.flagged}
    assert plain not in {f.segment_id for f in report.flagged}
    assert study.check() == []  # every segment matches its text
    hits = study.search("kept")  # search was re-indexed on the new text
    assert [text[h.start : h.end] for h in hits] == ["kept"]
    assert study.search("Priya") == []
    turns = study.turns("P01")
    assert all(text[t.start : t.end].strip() for t in turns)
    with pytest.raises(NothingToUndo, match="cannot be undone"):
        study.undo()


def test_apply_refuses_while_candidates_are_pending(study: Project) -> None:
    study.deid_scan()
    with pytest.raises(InvalidInput, match="waiting for review"):
        study.deid_apply()
    assert "Sarah" in study.source_text("P01")


def test_purged_original_cannot_be_found_in_the_file(study: Project, tmp_path: Path) -> None:
    _segment(study, "Sarah's idea")
    study.add_memo("Sarah Jones seemed tired", on="project")
    _review_all(study)
    study.deid_apply()
    path = study.path
    study.close()
    data = path.read_bytes() + b"".join(p.read_bytes() for p in path.parent.glob(path.name + "-*"))
    # the register (the key) still holds the names; the original text and every quote of it are gone
    for phrase in ("Sarah Jones and I planned", "Sarah's idea", "Priya Patel from St Mary", "Honestly Priya",
                   "Sarah Jones seemed tired", "planned it on Rowan Ward"):
        assert phrase.encode("utf-8") not in data
        assert phrase.encode("utf-16-le") not in data
    assert b"honestly priya" not in data.lower()
    reopened = thematica.open_project(path)
    assert reopened.check() == []
    assert reopened.source_original("P01") == reopened.source_text("P01").encode("utf-8")
    reopened.close()


def test_keep_original_is_a_choice(study: Project) -> None:
    _review_all(study)
    study.deid_apply(keep_original=True)
    assert "Sarah" not in study.source_text("P01")
    with sqlite3.connect(study.path) as conn:
        (original,) = conn.execute("SELECT text FROM source_version").fetchone()
    assert original == TEXT.replace("\r\n", "\n")


def test_report_with_a_real_name_in_a_narrative_is_blocked(study: Project, tmp_path: Path) -> None:
    seg = _segment(study, "kept us going")
    theme = study.create_theme("Holding on", codes=["Co-production"])
    study.choose_quote(theme.name, seg)
    _review_all(study)
    study.deid_apply()
    study.define_theme("Holding on", narrative="As Sarah Jones told us, persistence mattered.")
    out = tmp_path / "report"
    with pytest.raises(OutputBlocked) as blocked:
        study.write_report(out, formats=("docx", "md"))
    assert any("report.docx" in f for f in blocked.value.findings)
    assert any("report.md" in f for f in blocked.value.findings)
    assert not out.exists() or not any(out.iterdir())  # nothing half-written
    written = study.write_report(out, formats=("md",), allow_identifiers=True)
    assert written[0].exists()
    assert study.log()[0].operation == "deid.override"
    study.define_theme("Holding on", narrative="As [Peer Trainer A] told us, persistence mattered.")
    assert study.write_report(out, formats=("docx", "html", "md"))


def test_exports_are_checked(study: Project, tmp_path: Path) -> None:
    study.add_identifier("Sarah Jones")
    with pytest.raises(OutputBlocked):
        study.export_qdpx(tmp_path / "x.qdpx")
    with pytest.raises(OutputBlocked):
        study.export_folder(tmp_path / "folder")
    assert not (tmp_path / "x.qdpx").exists() and not (tmp_path / "folder").exists()
    assert list(tmp_path.glob(".*checking*")) == []
    _review_all(study)
    study.deid_apply()
    assert study.export_qdpx(tmp_path / "x.qdpx").exists()
    assert study.export_table("segments", tmp_path / "s.csv").exists()


def test_key_export_remove_and_reimport(study: Project, tmp_path: Path) -> None:
    _review_all(study)
    study.deid_apply()
    with pytest.raises(InvalidInput, match="export the key first"):
        study.remove_key()
    key = tmp_path / "study.key"
    n = study.export_key(key, PASSPHRASE)
    assert n == len(study.identifiers()) and b"Sarah" not in key.read_bytes()
    study.remove_key()
    assert all(e.value is None for e in study.identifiers())
    # outputs are still checked, by fingerprint
    study.define_theme(study.create_theme("T").name, narrative="sarah jones again")
    with pytest.raises(OutputBlocked):
        study.write_report(tmp_path / "r", formats=("md",))
    path = study.path
    data = path.read_bytes()
    assert b"Sarah" not in data and b"Priya" not in data
    with pytest.raises(KeyFileError):
        study.import_key(key, "wrong passphrase here")
    study.import_key(key, PASSPHRASE)
    assert study.identifier("Sarah Jones").replacement


def test_small_groups_block_the_report_until_a_rule_coarsens(study: Project, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("participant,age,profession\nP01,34,nurse\nP02,36,nurse\nP03,38,nurse\n"
                      "P04,51,psychiatrist\nP05,45,psychologist\nP06,29,OT\n")
    study.import_participants(people, create_missing=True)
    with pytest.raises(OutputBlocked, match="smaller than k=3"):
        study.write_report(tmp_path / "r", formats=("md",))
    assert not study.disclosure_check().ok
    study.set_reporting_rule("profession", "merge")
    study.set_reporting_rule("age", "omit")
    written = study.write_report(tmp_path / "r", formats=("md",))
    text = written[0].read_text(encoding="utf-8")
    assert "psychiatrist" not in text and "Other" in text and "51" not in text
    study.set_reporting_rule("age", "band", 20)
    matrix = study.matrix("codes", "age")
    assert [label for label, _ in matrix.groups] == ["20–39", "40–59"]
