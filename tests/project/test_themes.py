"""Theme operations: all audited, all reversible."""

from __future__ import annotations

import pytest

from thematica.errors import Conflict, InvalidInput, NotFound
from thematica.model import CodeOrigin, Phase, ThemeStatus


@pytest.fixture
def coded(project, write_transcript):
    project.import_file(write_transcript("P01"))
    project.import_file(write_transcript("P02"))
    for name in ("Power", "Letting go", "Risk", "Hope", "Language"):
        project.create_code(name)
    project.code_quote("P01", "Letting go of power was hard", "Letting go")
    project.code_quote("P01", "sit on my hands", "Risk")
    project.code_quote("P02", "sit on my hands", "Hope")
    project.code_quote("P02", "Café chats helped", "Language")
    return project


def _state(p):
    return (p.themes(include_deleted=True), p.codes(include_deleted=True), p.segments())


def test_create_assign_define_and_naming_history(coded):
    coded.set_phase(3)
    top = coded.create_theme("Change", definition="d", codes=["Power"])
    sub = coded.create_theme("Sharing power", parent="Change", codes=["Letting go", "Risk"])
    assert (sub.parent_id, sub.status, set(sub.code_ids)) == (top.id, ThemeStatus.CANDIDATE, {
        coded.code_by("Letting go").id, coded.code_by("Risk").id})
    coded.set_phase(5)
    coded.rename_theme("Sharing power", "Letting go of power")
    defined = coded.define_theme("letting go of power", definition="x", concept="y", status="defined", narrative="n")
    assert (defined.definition, defined.concept, defined.status, defined.narrative) == ("x", "y", ThemeStatus.DEFINED, "n")
    history = coded.theme_names("Letting go of power")
    assert [(h.name, h.phase) for h in history] == [("Sharing power", Phase.SEARCH_THEMES), ("Letting go of power", Phase.DEFINE_THEMES)]
    assert coded.subthemes("Change") == [coded.theme("Letting go of power")]
    assert coded.theme_code_ids("Change") == {c.id for c in coded.codes() if c.name in ("Power", "Letting go", "Risk")}
    assert coded.theme_code_ids("Change", subthemes=False) == {coded.code_by("Power").id}


def test_errors_leave_nothing_behind(coded):
    coded.create_theme("A")
    before = (_state(coded), coded.log())
    for bad in (
        lambda: coded.create_theme("a"),
        lambda: coded.create_theme("  "),
        lambda: coded.create_theme("B", parent="Nope"),
        lambda: coded.create_theme("B", codes=["Nope"]),
        lambda: coded.assign_codes("Nope", ["Power"]),
        lambda: coded.define_theme("A", status="finished"),
        lambda: coded.define_theme("A"),
        lambda: coded.move_theme("A", "A"),
        lambda: coded.merge_themes(["A"], "A"),
        lambda: coded.choose_quote("A", 999),
        lambda: coded.rename_theme("A", "A"),
    ):
        with pytest.raises((InvalidInput, NotFound, Conflict)):
            bad()
    assert (_state(coded), coded.log()) == before


def test_a_code_in_two_themes_is_flagged(coded):
    coded.create_theme("A", codes=["Risk"])
    coded.create_theme("B", codes=["Risk", "Hope"])
    warnings = coded.theme_warnings(min_participants=2)
    assert warnings.codes_in_several_themes == (("Risk", ("A", "B")),)
    assert warnings.shared_segments == 1
    assert dict(warnings.thin_themes) == {"A": 1}
    assert set(warnings.codes_without_theme) == {"Letting go", "Language"}


def test_merge_split_move_code_and_undo_of_each(coded):
    coded.create_theme("A", codes=["Letting go", "Risk"])
    coded.create_theme("B", codes=["Hope"])
    coded.create_theme("B child", parent="B")
    seg = coded.segments(code="Hope")[0]
    coded.choose_quote("B", seg.id)
    states = [_state(coded)]
    steps = [
        lambda: coded.merge_themes(["B"], into="A"),
        lambda: coded.split_theme("A", {"A1": ["Risk"], "A2": ["Hope"]}),
        lambda: coded.move_code_to_theme("Risk", "A1", "A2"),
        lambda: coded.move_theme("A2", "A"),
        lambda: coded.unassign_codes("A", ["Letting go"]),
        lambda: coded.drop_quote("A", seg.id),
        lambda: coded.delete_theme("A1"),
        lambda: coded.restore_theme("A1"),
        lambda: coded.demote_theme("A2"),
    ]
    for step in steps:
        step()
        states.append(_state(coded))
    merged = coded.theme("A", include_deleted=True)
    assert coded.theme("B child").parent_id == merged.id
    for expected in reversed(states[:-1]):
        coded.undo()
        assert _state(coded) == expected


def test_demote_turns_a_theme_into_a_code_over_its_codes(coded):
    coded.create_theme("Sharing", definition="About sharing", codes=["Letting go", "Risk"])
    coded.create_theme("Sub", parent="Sharing")
    code_id = coded.demote_theme("Sharing")
    code = coded.code_by(code_id)
    assert (code.name, code.definition, code.origin) == ("Sharing", "About sharing", CodeOrigin.INDUCTIVE)
    assert {c.name for c in coded.descendants("Sharing")} == {"Letting go", "Risk"}
    assert [t.name for t in coded.themes()] == ["Sub"] and coded.theme("Sub").parent_id is None


def test_key_extracts_in_order(coded):
    coded.create_theme("A", codes=["Risk", "Letting go"])
    first, second = coded.segments(code="Risk")[0], coded.segments(code="Letting go")[0]
    coded.choose_quote("A", second.id)
    coded.choose_quote("A", first.id)
    assert coded.theme("A").quote_ids == (second.id, first.id)
    with pytest.raises(InvalidInput):
        coded.choose_quote("A", first.id)
