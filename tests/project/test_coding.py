"""Coding, uncoding, in-vivo codes, retrieval with context, search and word counts."""

from __future__ import annotations

import pytest

from thematica import SegmentSpec
from thematica.errors import InvalidInput, NotFound
from thematica.model import CodeOrigin, Role


@pytest.fixture
def two(project, write_transcript, tmp_path):
    project.import_file(write_transcript("P01"))
    project.import_file(write_transcript("P02"))
    people = tmp_path / "people.csv"
    people.write_text("id,gender\nP01,female\nP02,male\n", encoding="utf-8")
    project.import_participants(people)
    project.create_code("Power")
    project.create_code("Letting go", parent="Power")
    return project


def test_code_stores_span_text_coder_and_time(two):
    text = two.source_text("P01")
    start = text.index("Letting go")
    seg = two.code("P01", start, start + 10, "Letting go", memo="first")
    assert (seg.text, seg.memo, seg.start, seg.end) == ("Letting go", "first", start, start + 10)
    stored = two.segments(code="Letting go")
    assert len(stored) == 1 and stored[0].text == "Letting go" and stored[0].created_at is not None
    assert [c.name for c in two.coders()] == ["tester"]
    assert stored[0].coder_id == two.coders()[0].id


def test_offsets_are_code_points_even_with_emoji(two):
    text = two.source_text("P01")
    start = text.index("😀")
    seg = two.code("P01", start, start + 1, "Power")
    assert seg.text == "😀"
    end = text.index(" helped")
    seg2 = two.code("P01", text.index("Café"), end, "Power")
    assert seg2.text == "Café chats"


@pytest.mark.parametrize("start,end", [(-1, 3), (5, 5), (7, 3), (0, 10**6)])
def test_bad_spans_are_refused(two, start, end):
    with pytest.raises(InvalidInput):
        two.code("P01", start, end, "Power")
    assert two.segments() == []


def test_unknown_source_or_code(two):
    with pytest.raises(NotFound):
        two.code("P99", 0, 3, "Power")
    with pytest.raises(NotFound):
        two.code("P01", 0, 3, "Nope")


def test_overlapping_segments_and_several_coders(two):
    two.code_quote("P01", "Letting go of power was hard", "Power", coder="Researcher A")
    two.code_quote("P01", "Letting go of power", "Letting go", coder="Researcher B")
    two.code_quote("P01", "power was hard", "Power", coder="Researcher B")
    assert len(two.segments()) == 3
    assert len(two.segments(coder="Researcher B")) == 2
    assert {c.name for c in two.coders()} == {"Researcher A", "Researcher B"}


def test_quote_must_be_unambiguous(two):
    with pytest.raises(InvalidInput, match="occurs 2 times"):
        two.code_quote("P01", "Interviewer", "Power")
    seg = two.code_quote("P01", "Interviewer", "Power", occurrence=2)
    assert seg.start == two.source_text("P01").index("Interviewer", seg.start)


def test_in_vivo_code_is_named_by_the_words(two):
    text = two.source_text("P02")
    start = text.index("sit on my hands")
    seg = two.code_in_vivo("P02", start, start + len("sit on my hands"), parent="Power")
    code = two.code_by(seg.code_id)
    assert code.name == "sit on my hands" and code.origin is CodeOrigin.IN_VIVO
    assert code.parent_id == two.code_by("Power").id and code.example == "sit on my hands"
    again = two.code_in_vivo("P01", two.source_text("P01").index("sit on my hands"), start + 15)
    assert again.code_id == code.id


def test_uncode_and_memo(two):
    seg = two.code_quote("P01", "sit on my hands", "Power")
    assert two.set_segment_memo(seg.id, "key moment").memo == "key moment"
    two.uncode(seg.id)
    assert two.segments() == []
    with pytest.raises(NotFound):
        two.uncode(seg.id)


def test_code_many_is_all_or_nothing(two):
    text = two.source_text("P01")
    good = SegmentSpec("P01", 0, 5, "Power")
    with pytest.raises(InvalidInput):
        two.code_many([good, SegmentSpec("P01", 0, len(text) + 1, "Power")])
    assert two.segments() == []
    made = two.code_many([good, SegmentSpec("P02", 0, 9, "Letting go", coder="B")])
    assert len(made) == 2 and len(two.log(1)) == 1 and two.log(1)[0].operation == "segment.code_many"


def test_extracts_with_context_subcodes_and_filters(two):
    two.code_quote("P01", "Letting go of power was hard", "Letting go")
    two.code_quote("P02", "sit on my hands", "Power")
    two.code_quote("P02", "What does co-production mean to you?", "Power")
    all_power = two.extracts("Power")
    assert [x.segment.text for x in all_power] == [
        "Letting go of power was hard", "What does co-production mean to you?", "sit on my hands"
    ]
    assert [x.segment.text for x in two.extracts("Power", subcodes=False)] == [
        "What does co-production mean to you?", "sit on my hands"
    ]
    first = all_power[0]
    assert first.code == "Letting go" and first.coder == "tester" and first.participant == "P01"
    assert first.speaker == "P01" and first.role is Role.PARTICIPANT
    assert first.before.endswith("build the course together. ") and first.after.startswith(" at first.")
    question = all_power[1]
    assert question.role is Role.INTERVIEWER
    assert [x.segment.text for x in two.extracts("Power", exclude_interviewer=True)] == [
        "Letting go of power was hard", "sit on my hands"
    ]
    assert [x.source for x in two.extracts(where={"gender": "male"})] == ["P02", "P02"]
    assert two.extracts(where={"gender": "other"}) == []
    assert [x.segment.text for x in two.extracts(source="P01")] == ["Letting go of power was hard"]


def test_context_is_cut_at_word_edges(project, write_transcript):
    words = " ".join(f"word{i}" for i in range(200))
    project.import_file(write_transcript("P05", text=f"P05: {words} TARGET {words}\n"))
    project.create_code("T")
    project.code_quote("P05", "TARGET", "T")
    x = project.extracts("T", context=50)[0]
    assert len(x.before) <= 50 and len(x.after) <= 50
    assert x.before.startswith("word") and x.after.rstrip().split(" ")[-1].startswith("word")


def test_search_finds_phrases_prefixes_and_gives_offsets(two):
    hits = two.search('"sit on my hands"')
    assert {h.source for h in hits} == {"P01", "P02"}
    for h in hits:
        assert two.source_text(h.source)[h.start : h.end] == "sit on my hands"
        assert "[sit on my hands]" in h.snippet
    assert two.search("cafe")  # diacritics are folded
    assert len(two.search("copro* OR zebra")) == 0
    assert len(two.search("co-production")) == 2
    prefix = two.search("lett*")
    assert prefix and all(two.source_text(h.source)[h.start : h.end] == "Letting" for h in prefix)
    assert two.search("course", participants_only=True)
    assert two.search("mean", participants_only=True) == []
    with pytest.raises(InvalidInput):
        two.search('"" ... !!')


def test_search_is_safe_with_fts_syntax(two):
    for query in ['NEAR(a b)', 'power AND', '"unbalanced', 'col:power', '^power', "OR OR power"]:
        two.search(query)


def test_word_frequencies_skip_stop_words_and_interviewer(two):
    counts = dict(two.word_frequencies(limit=100))
    assert counts["letting"] == 2 and "the" not in counts and "interviewer" not in counts
    assert "production" not in counts  # only the interviewer says "co-production"
    everyone = dict(two.word_frequencies(limit=100, participants_only=False))
    assert everyone["production"] == 2 and everyone["interviewer"] == 4
