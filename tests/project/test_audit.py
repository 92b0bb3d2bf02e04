"""The audit trail, undo, phases, memos and the journal."""

from __future__ import annotations

import pytest

import thematica
import thematica.interop.snapshot
from thematica.errors import InvalidInput, NotFound, NothingToUndo
from thematica.model import MemoTarget, Phase


def _state(project):
    """Everything a user can see, to compare before and after."""
    return (
        project.sources(), project.turns(), project.participants(), project.attributes(),
        project.codes(include_deleted=True), project.segments(), project.memos(), project.coders(),
        project.phase, project.settings(),
    )


def test_every_change_is_one_event_with_actor_and_phase(project, write_transcript):
    project.import_file(write_transcript("P01"))
    project.set_phase(2)
    project.create_code("Power")
    events = project.log()
    assert [e.operation for e in events] == ["code.create", "phase.set", "source.import", "init"]
    assert all(e.actor == "tester" for e in events)
    assert events[0].phase is Phase.GENERATE_CODES and events[2].phase is Phase.FAMILIARISE
    assert events[2].details["turns"] == 4


def test_undo_walks_back_through_every_kind_of_change(project, write_transcript, tmp_path):
    states = [_state(project)]

    def step(action):
        action()
        states.append(_state(project))

    people = tmp_path / "p.csv"
    people.write_text("id,age\nP01,40\n", encoding="utf-8")
    step(lambda: project.import_file(write_transcript("P01")))
    step(lambda: project.import_participants(people))
    step(lambda: project.create_code("Power"))
    step(lambda: project.create_code("Risk", parent="Power"))
    step(lambda: project.code_quote("P01", "sit on my hands", "Risk", coder="A"))
    step(lambda: project.code_quote("P01", "Letting go", "Power"))
    step(lambda: project.set_segment_memo(project.segments()[0].id, "memo"))
    step(lambda: project.rename_code("Risk", "Holding risk"))
    step(lambda: project.merge_codes(["Holding risk"], "Power"))
    step(lambda: project.restore_code("Holding risk"))
    step(lambda: project.uncode(project.segments(coder="A")[0].id))
    step(lambda: project.delete_code("Power"))
    step(lambda: project.set_phase(3))
    step(lambda: project.add_memo("a memo", on="source", target="P01"))
    step(lambda: project.add_journal_entry("thinking"))
    step(lambda: project.set_setting("research_question", "Why?"))
    for expected in reversed(states[:-1]):
        project.undo()
        assert _state(project) == expected
    with pytest.raises(NothingToUndo):
        project.undo()
    assert project.check() == []


def test_undo_is_itself_logged_and_marks_the_event(project):
    project.create_code("Power")
    event = project.undo()
    log = project.log()
    assert log[0].operation == "undo" and log[0].undo_of == event.id
    assert log[1].undone and log[1].id == event.id
    with pytest.raises(NothingToUndo):
        project.undo()


def test_restored_rows_keep_their_ids(project, write_transcript):
    project.import_file(write_transcript("P01"))
    project.create_code("Power")
    seg = project.code_quote("P01", "sit on my hands", "Power")
    project.uncode(seg.id)
    project.undo()
    (back,) = project.segments()
    assert (back.id, back.text, back.start, back.end, back.code_id) == (seg.id, seg.text, seg.start, seg.end, seg.code_id)


def test_ids_are_never_reused_after_undo(project, write_transcript):
    project.import_file(write_transcript("P01"))
    project.create_code("Power")
    first = project.code_quote("P01", "sit on my hands", "Power")
    project.undo()
    second = project.code_quote("P01", "sit on my hands", "Power")
    assert second.id != first.id


def test_phase_bounds(project):
    with pytest.raises(InvalidInput):
        project.set_phase(7)
    assert project.set_phase(Phase.REPORT) is Phase.REPORT and project.phase is Phase.REPORT


def test_memos_on_everything_and_journal_stamped_with_phase(project, write_transcript):
    project.import_file(write_transcript("P01"))
    project.create_code("Power")
    seg = project.code_quote("P01", "sit on my hands", "Power")
    project.add_memo("overall")
    project.add_memo("on the source", on="source", target="P01")
    project.add_memo("on the code", on=MemoTarget.CODE, target="Power")
    project.set_phase(2)
    project.add_memo("on the segment", on="segment", target=seg.id)
    project.add_journal_entry("reflexive note")
    assert [(m.target, m.phase) for m in project.memos()] == [
        (MemoTarget.PROJECT, Phase.FAMILIARISE), (MemoTarget.SOURCE, Phase.FAMILIARISE),
        (MemoTarget.CODE, Phase.FAMILIARISE), (MemoTarget.SEGMENT, Phase.GENERATE_CODES),
        (MemoTarget.JOURNAL, Phase.GENERATE_CODES),
    ]
    assert [m.text for m in project.memos("code", "Power")] == ["on the code"]
    assert [m.text for m in project.journal()] == ["reflexive note"]
    assert all(m.author == "tester" for m in project.memos())
    with pytest.raises(NotFound):
        project.add_memo("x", on="segment", target=999)
    with pytest.raises(InvalidInput):
        project.add_memo("  ")
    with pytest.raises(InvalidInput):
        project.add_memo("x", on="theme")


def test_summary_counts(project, write_transcript):
    project.import_file(write_transcript("P01"))
    project.create_code("Power")
    project.code_quote("P01", "sit on my hands", "Power", coder="A")
    project.code_quote("P01", "Letting go", "Power", coder="B")
    project.add_journal_entry("j")
    s = project.summary()
    assert (s.sources, s.participants, s.turns, s.codes, s.memos, s.journal_entries) == (1, 1, 4, 1, 0, 1)
    assert s.segments_by_coder == {"A": 1, "B": 1} and s.top_codes == [("Power", 2)]


def test_reopening_sees_everything(project, write_transcript):
    project.import_file(write_transcript("P01"))
    project.create_code("Power")
    path = project.path
    before = _state(project)
    project.close()
    again = thematica.open_project(path)
    assert _state(again) == before and again.backup_path is None
    again.close()


def test_load_snapshot_refuses_clashes_cleanly(project, write_transcript) -> None:
    from dataclasses import replace

    project.import_file(write_transcript("P01"))
    snap = project.snapshot()
    before = project.log()
    renamed = replace(snap, sources=(replace(snap.sources[0], name="P01 again"),), segments=())
    with pytest.raises(Exception) as info:
        project.load_snapshot(renamed)
    assert "already in this project" in str(info.value)
    people = replace(snap.participants[0], key="P99", attributes=(("age", "thirty"),))
    bad = replace(snap, sources=(), segments=(), participants=(people,),
                  attributes=(thematica.interop.snapshot.AttributeData("age", "number"),))
    with pytest.raises(InvalidInput):
        project.load_snapshot(bad)
    assert project.log() == before
