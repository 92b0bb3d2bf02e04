"""search (phrases, OR, prefix*, --participants-only) and words."""

from __future__ import annotations

import pytest

from .conftest import P01_TEXT, P02_TEXT

TEXTS = {"P01": P01_TEXT, "P02": P02_TEXT}


def _hits(ok, *args: str) -> list[tuple[str, str]]:
    """(source, matched text) of each hit, the matched text read from the source at the hit's offsets."""
    return sorted((h["source"], TEXTS[h["source"]][h["start"] : h["end"]]) for h in ok("search", *args, "--json").json())


def test_a_word_is_found_case_insensitively_with_its_offsets(ok, study) -> None:
    hits = ok("search", "NERVOUS", "--json").json()
    assert len(hits) == 1
    hit = hits[0]
    start = P01_TEXT.index("nervous")
    assert (hit["source"], hit["start"], hit["end"]) == ("P01", start, start + len("nervous"))
    assert "[nervous]" in hit["snippet"]


def test_phrases_or_and_prefixes(ok, study) -> None:
    assert _hits(ok, '"peer trainer"') == [("P01", "peer trainer")]
    assert _hits(ok, '"trainer peer"') == []  # a phrase keeps its word order
    assert _hits(ok, "nervous OR hope") == [("P01", "nervous"), ("P02", "Hope")]
    assert _hits(ok, '"sit on my hands" OR "uniform stays off"') == [("P01", "sit on my hands"), ("P02", "uniform stays off")]
    assert _hits(ok, "nerv*") == [("P01", "nervous")]
    assert _hits(ok, "nerv") == []  # without * a word is whole
    # words without OR must all be in the passage
    assert _hits(ok, "hope ward") == [("P02", "Hope")]
    assert _hits(ok, "hope nervous") == []


def test_participants_only_leaves_out_the_interviewer(ok, study) -> None:
    everyone = ok("search", "session", "--json").json()
    assert {h["source"] for h in everyone} == {"P01"} and len(everyone) == 2  # the interviewer's two questions
    assert ok("search", "session", "--participants-only", "--json").json() == []
    assert _hits(ok, "power", "--participants-only") == [("P01", "Power"), ("P02", "Power")]
    assert len(ok("search", "power", "--json").json()) == 3  # "Anything else about power?" too


def test_limit_and_table(ok, fails, study) -> None:
    assert len(ok("search", "power", "--limit", "1", "--json").json()) == 1
    table = ok("search", '"peer trainer"').out
    assert "1 hits" in table and "[peer trainer]" in table
    assert "at least 1" in fails("search", "power", "--limit", "0").err


@pytest.mark.parametrize("query", ["!!!", '"..." ,;', "*", '""'])
def test_a_query_of_only_punctuation_is_a_clear_error(fails, study, query: str) -> None:
    assert "nothing to search for" in fails("search", query).err


def test_search_needs_no_codes(ok, project, write) -> None:
    write("P01.txt", P01_TEXT)
    ok("import", "P01.txt")
    assert _hits(ok, "hands") == [("P01", "hands")]


def test_the_hit_is_the_word_not_a_word_containing_it(ok, project, write) -> None:
    text = "Interviewer: Shall we start in the art room?\n\nP01: We start in the art room, yes.\n"
    write("P01.txt", text)
    ok("import", "P01.txt")
    hits = ok("search", "art", "--json").json()
    assert len(hits) == 2
    assert all("[art] room" in h["snippet"] for h in hits), hits
    assert sorted(h["start"] for h in hits) == [text.index("art room"), text.rindex("art room")]


def test_participants_only_ignores_the_interviewers_label(ok, study) -> None:
    assert len(ok("search", "interviewer", "--json").json()) == 4  # the labels are text too
    assert ok("search", "interviewer", "--participants-only", "--json").json() == []


def test_words(ok, fails, study) -> None:
    counts = {w["word"]: w["count"] for w in ok("words", "--json").json()}
    assert counts["power"] == 2  # P01 and P02 said it once each; the interviewer's "power?" is not counted
    assert "session" not in counts  # only the interviewer said it
    assert "the" not in counts and "and" not in counts  # stop words
    everyone = {w["word"]: w["count"] for w in ok("words", "--all-speakers", "--json").json()}
    assert everyone["power"] == 3 and everyone["session"] == 2
    assert [w["word"] for w in ok("words", "--limit", "2", "--json").json()] == list(counts)[:2]
    only_p02 = {w["word"]: w["count"] for w in ok("words", "--source", "P02", "--json").json()}
    assert only_p02["hope"] == 2 and "nervous" not in only_p02
    assert "Word frequencies" in ok("words").out
    assert "no source 'P09'" in fails("words", "--source", "P09").err


def test_case_and_accents_are_folded(ok, project, write) -> None:
    text = "Interviewer: Was the café OK?\n\nP01: The Café was fine. Naïve me.\n"
    write("P01.txt", text)
    ok("import", "P01.txt")
    hits = ok("search", "cafe", "--participants-only", "--json").json()
    assert [text[h["start"] : h["end"]] for h in hits] == ["Café"]
    assert [text[h["start"] : h["end"]] for h in ok("search", "NAIVE", "--json").json()] == ["Naïve"]
