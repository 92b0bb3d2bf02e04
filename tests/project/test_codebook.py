"""Codebook operations: create, document, rename, move, merge, split, delete, restore, CSV."""

from __future__ import annotations

import pytest

from thematica.errors import Conflict, InvalidInput, NotFound
from thematica.model import CodeOrigin, CodeStatus


@pytest.fixture
def coded(project, write_transcript):
    """A project with Power > (Letting go, Holding risk) and some coding."""
    project.import_file(write_transcript("P01"))
    power = project.create_code("Power", origin="deductive", definition="Who holds power")
    project.create_code("Letting go", parent=power)
    project.create_code("Holding risk", parent="Power")
    project.code_quote("P01", "Letting go of power was hard", "Letting go")
    project.code_quote("P01", "sit on my hands", "Letting go")
    project.code_quote("P01", "sit on my hands", "Holding risk")
    return project


def test_create_and_document_a_code(project):
    code = project.create_code(
        "Hope", origin="deductive", definition="d", inclusion="i", exclusion="e", example="x", colour="#123456"
    )
    assert (code.origin, code.status, code.definition, code.inclusion, code.exclusion, code.example) == (
        CodeOrigin.DEDUCTIVE, CodeStatus.ACTIVE, "d", "i", "e", "x"
    )
    updated = project.update_code("hope", definition="new", status="draft")
    assert updated.definition == "new" and updated.status is CodeStatus.DRAFT and updated.example == "x"


@pytest.mark.parametrize("name", ["", "   ", "12", "#3", "a/b"])
def test_bad_code_names(project, name):
    with pytest.raises(InvalidInput):
        project.create_code(name)


def test_names_are_unique_case_insensitively(coded):
    with pytest.raises(Conflict):
        coded.create_code("letting GO")
    with pytest.raises(Conflict):
        coded.rename_code("Holding risk", "Letting go")
    assert coded.rename_code("Holding risk", "Holding clinical risk").name == "Holding clinical risk"


def test_lookup_by_name_path_and_id(coded):
    code = coded.code_by("Power/Letting go")
    assert coded.code_by(code.id) == coded.code_by(f"#{code.id}") == coded.code_by("letting go") == code
    assert coded.code_path(code) == "Power/Letting go"
    with pytest.raises(NotFound):
        coded.code_by("Nope")


def test_move_refuses_cycles(coded):
    with pytest.raises(InvalidInput):
        coded.move_code("Power", "Letting go")
    moved = coded.move_code("Letting go", None)
    assert moved.parent_id is None
    assert [c.name for c in coded.descendants("Power")] == ["Holding risk"]


def test_merge_moves_segments_drops_duplicates_and_can_be_restored(coded):
    before = {s.id: s for s in coded.segments()}
    target = coded.merge_codes(["Holding risk"], into="Letting go")
    after = coded.segments(code="Letting go")
    # the "sit on my hands" span was coded with both codes by the same coder: kept once
    assert sorted(s.text for s in after) == ["Letting go of power was hard", "sit on my hands"]
    assert "Holding risk" not in {c.name for c in coded.codes()}
    assert coded.code_by("Holding risk", include_deleted=True).deleted
    assert target.name == "Letting go"
    coded.undo()
    assert {s.id: s for s in coded.segments()} == before


def test_delete_hides_segments_and_restore_brings_them_back(coded):
    n = len(coded.segments())
    gone = coded.delete_code("Power")
    assert {c.name for c in gone} == {"Power", "Letting go", "Holding risk"}
    assert coded.codes() == [] and coded.segments() == [] and coded.extracts() == []
    restored = coded.restore_code("Power")
    assert restored.name == "Power" and len(coded.codes()) == 3 and len(coded.segments()) == n


def test_restore_refuses_a_name_taken_meanwhile(coded):
    coded.delete_code("Holding risk")
    coded.create_code("Holding risk")
    with pytest.raises(Conflict):
        coded.restore_code("Holding risk")


def test_split_moves_chosen_segments(coded):
    seg = next(s for s in coded.segments(code="Letting go") if s.text == "sit on my hands")
    made = coded.split_code("Letting go", ["Stepping back", "Giving away"], {seg.id: "stepping back"})
    assert [c.name for c in made] == ["Stepping back", "Giving away"]
    assert all(c.parent_id == coded.code_by("Power").id for c in made)
    assert [s.text for s in coded.segments(code="Stepping back")] == ["sit on my hands"]
    assert [s.text for s in coded.segments(code="Letting go")] == ["Letting go of power was hard"]
    other = coded.segments(code="Letting go")[0]
    with pytest.raises(InvalidInput):
        coded.split_code("Letting go", ["X"], {other.id: "Not new"})
    with pytest.raises(NotFound):
        coded.split_code("Letting go", ["Y"], {seg.id: "Y"})  # no longer coded with Letting go
    assert "X" not in {c.name for c in coded.codes()}


def test_csv_round_trip(coded, tmp_path):
    import thematica

    text = coded.export_codebook_csv()
    path = tmp_path / "codebook.csv"
    path.write_text(text, encoding="utf-8")
    other = thematica.init_project(tmp_path / "other")
    assert other.import_codebook_csv(path) == (3, 0)
    assert other.export_codebook_csv() == text
    # importing again changes nothing
    assert other.import_codebook_csv(path) == (0, 0)
    other.close()


def test_csv_children_before_parents_and_unknown_parent(project, tmp_path):
    path = tmp_path / "c.csv"
    path.write_text("name,parent\nChild,Parent\nParent,\n", encoding="utf-8")
    assert project.import_codebook_csv(path) == (2, 0)
    assert project.code_path("Child") == "Parent/Child"
    bad = tmp_path / "bad.csv"
    bad.write_text("name,parent\nOrphan,Missing\n", encoding="utf-8")
    with pytest.raises(NotFound, match="Missing"):
        project.import_codebook_csv(bad)
    assert len(project.codes()) == 2
