"""Local assistance through Project: embeddings, similar passages, suggestions, provenance, offline."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

import thematica
from thematica import Project
from thematica.errors import InvalidInput, NotFound

pytest.importorskip("onnxruntime")

TURNS = {
    "P01": [
        "I had to learn to let go of control in the room and let the peer trainer lead the session.",
        "The canteen food was cold and the coffee machine was broken again.",
        "Sharing power felt frightening at first because I am used to being in charge.",
        "We planned every session together over tea in the café.",
    ],
    "P02": [
        "Stepping back from being the expert was the hardest part for me.",
        "Parking at the hospital is a nightmare on Mondays.",
        "My co-trainer's lived experience taught the students more than my slides ever did.",
        "I stopped trying to run things and let her take the lead.",
    ],
    "P03": [
        "Handing over control to someone who used to be a patient changed how I see power.",
        "The bus into town takes forty minutes.",
        "Hearing her story made me rethink hope and recovery on the ward.",
        "I learned so much from the peer trainers about what recovery really means.",
    ],
}


def _transcript(key: str) -> str:
    return "\n\n".join(f"Interviewer: Can you say more?\n\n{key}: {turn}" for turn in TURNS[key]) + "\n"


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Project:
    folder = tmp_path_factory.mktemp("assist")
    project = thematica.init_project(folder / "study", actor="Researcher A")
    for key in TURNS:
        (folder / f"{key}.txt").write_text(_transcript(key), encoding="utf-8")
    project.import_files([folder / f"{k}.txt" for k in TURNS])
    people = folder / "people.csv"
    people.write_text("participant,gender\nP01,female\nP02,male\nP03,female\n", encoding="utf-8")
    project.import_participants(people)
    project.create_code("Letting go of power", definition="Clinicians giving up control to peer trainers")
    project.create_code("Learning from lived experience")
    project.create_code("Practicalities")
    for source, quote, code in [
        ("P01", "I had to learn to let go of control in the room", "Letting go of power"),
        ("P01", "Sharing power felt frightening at first", "Letting go of power"),
        ("P01", "The canteen food was cold", "Practicalities"),
        ("P02", "Stepping back from being the expert", "Letting go of power"),
        ("P02", "My co-trainer's lived experience taught the students", "Learning from lived experience"),
        ("P02", "Parking at the hospital is a nightmare", "Practicalities"),
    ]:
        project.code_quote(source, quote, code)
    yield project
    project.close()


def test_passages_are_embedded_once_and_cached(study: Project) -> None:
    first = study.embed_units("passage")
    assert first == len(study.assist_units("passage")) or first == 0
    assert study.embed_units("passage") == 0


def test_similar_finds_the_passage_that_means_the_same(study: Project) -> None:
    hits = study.similar("giving up control and power to the peer trainer", limit=3)
    assert hits and hits[0].source in {"P01", "P02", "P03"}
    assert "control" in hits[0].text or "power" in hits[0].text
    for hit in hits:  # every hit points at exact text in its source
        assert study.source_text(hit.source)[hit.start : hit.end] == hit.text
        assert "Interviewer:" not in hit.text  # interviewer questions are left out by default
    assert all("canteen" not in h.text and "Parking" not in h.text for h in hits)


def test_similar_from_a_segment_leaves_it_out_and_filters(study: Project) -> None:
    seg = next(s for s in study.segments() if s.text.startswith("Stepping back"))
    hits = study.similar(segment=seg.id, limit=5)
    assert all(not (h.source_id == seg.source_id and h.start <= seg.start < h.end) for h in hits)
    uncoded = study.similar(segment=seg.id, limit=10, exclude_coded=True)
    coded = {(s.source_id, s.start) for s in study.segments()}
    assert all(not any(src == h.source_id and h.start <= a < h.end for src, a in coded) for h in uncoded)
    women = study.similar("control", where={"gender": "female"}, limit=10)
    assert women and {h.source for h in women} <= {"P01", "P03"}
    with pytest.raises(InvalidInput):
        study.similar()
    with pytest.raises(NotFound):
        study.similar(segment=99999)


def test_suggestions_point_at_exact_text_and_carry_provenance(study: Project) -> None:
    report = study.suggest_codes(method="lr-emb")
    assert report.trained_on > 0
    views = study.suggestions(limit=None)
    assert views, report
    for view in views:
        s = view.suggestion
        assert study.source_text(view.source)[s.start : s.end] == view.text
        assert s.provenance["proposed_by"] == "assist:minilm-l6"
        assert s.provenance["model"]["model_sha256"] == "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
        assert s.provenance["method"] == "lr-emb" and "params" in s.provenance and s.provenance["at"]
        for seg_id, text in view.examples:  # explanations are the researcher's own segments of that code
            seg = next(x for x in study.segments() if x.id == seg_id)
            assert seg.code_id == s.code_id and seg.text == text
    assistant = next(c for c in study.coders() if c.name == "assist:minilm-l6")
    mine = study.segments(coder="assist:minilm-l6")
    assert all(json.loads(seg.provenance or "{}")["proposed_by"] == assistant.name for seg in mine)
    # the assistant is a coder like any other: the agreement statistics compare it with the researcher
    comparison = study.compare(coders=["Researcher A", "assist:minilm-l6"], unit="sentence")
    assert "assist:minilm-l6" in comparison.sentence()


def test_accepting_makes_the_researchers_coding_and_keeps_provenance(study: Project, tmp_path: Path) -> None:
    study.suggest_codes(method="lr-emb")
    first = study.suggestions(limit=1)[0]
    before = len(study.segments(coder="Researcher A"))
    study.decide_suggestion(first.suggestion.id, True)
    mine = study.segments(coder="Researcher A")
    assert len(mine) == before + 1
    made = next(s for s in mine if s.provenance)
    prov = json.loads(made.provenance or "{}")
    assert prov["accepted_by"] == "Researcher A" and prov["suggestion"] == first.suggestion.id
    assert made.text == first.text
    with pytest.raises(InvalidInput, match="already accepted"):
        study.decide_suggestion(first.suggestion.id, False)
    second = study.suggestions(limit=1)
    if second:
        study.decide_suggestion(second[0].suggestion.id, False)
        assert study.suggestions(status="rejected", limit=None)
    # the provenance travels in REFI-QDA exports: a Description for other tools, exact JSON for thematica
    path = study.export_qdpx(tmp_path / "study.qdpx")
    xml = zipfile.ZipFile(path).read("project.qde").decode("utf-8")
    assert "Proposed by the local assistant assist:minilm-l6" in xml and "accepted by Researcher A" in xml
    copy = thematica.init_project(tmp_path / "copy")
    copy.import_qdpx(path)
    assert {s.guid: s.provenance for s in copy.snapshot().segments} == {s.guid: s.provenance for s in study.snapshot().segments}
    copy.close()
    # and the method section says which codings the assistant proposed
    report = study.write_report(tmp_path / "report", formats=("md",), allow_small_groups=True)[0].read_text("utf-8")
    assert "proposed by thematica's local assistant (all-MiniLM-L6-v2 (int8 ONNX), sha256 8199be6f699a" in report


def test_a_blind_coder_cannot_use_suggestions_learned_from_others(study: Project) -> None:
    study.add_coder("Blind B", blind=True)
    blind = thematica.open_project(study.path, actor="Blind B")
    with pytest.raises(InvalidInput, match="blind"):
        blind.suggestions()
    with pytest.raises(InvalidInput, match="blind"):
        blind.suggest_codes()
    blind.close()


def test_undo_takes_back_a_suggestion_run(study: Project) -> None:
    study.suggest_codes(method="lr-emb")
    assert study.log()[0].operation == "assist.suggest"
    study.undo()
    assert study.log()[1].operation != "assist.suggest" or study.log()[0].operation == "undo"


def test_candidate_themes_group_codes(study: Project) -> None:
    groups = study.suggest_themes(n_groups=2)
    assert len(groups) == 2
    names = sorted(n for g in groups for n in g.codes)
    assert "Letting go of power" in names and "Practicalities" in names
    assert all(0 <= g.cohesion <= 1 for g in groups)
    assert len(study.themes()) == 0  # nothing applied


def test_evaluation_on_the_projects_own_coding(study: Project) -> None:
    result = study.assist_evaluate(shares=(0.5,), methods=["knn"])
    assert result.runs and result.runs[0].method == "knn"
    assert result.n_units == len([u for u in study.assist_units("sentence") if u[0] in {s.source_id for s in study.segments()}])


_OFFLINE_SCRIPT = """
import os, socket, sys
from pathlib import Path

def refuse(*args, **kwargs):
    raise OSError("network disabled for this test")

socket.socket.connect = refuse
socket.create_connection = refuse
import thematica
project = thematica.open_project(sys.argv[1])
project.embed_units("passage")
hits = project.similar("letting go of control", limit=2)
report = project.suggest_codes(method="lr-both")
print(len(hits), report.offered)
project.close()
"""


def test_nothing_is_written_outside_the_project_and_no_network_is_used(study: Project, tmp_path: Path) -> None:
    copy = tmp_path / "work" / "copy.thematica"
    copy.parent.mkdir()
    with sqlite3.connect(study.path) as source, sqlite3.connect(copy) as target:
        source.backup(target)  # a consistent copy, WAL included
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), "THEMATICA_USER": "tester"}
    env.pop("ORT_DISABLE_TELEMETRY", None)  # thematica must set it itself
    before = {p for p in copy.parent.rglob("*")}
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(_OFFLINE_SCRIPT), str(copy)], cwd=copy.parent,
                            env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert list(home.rglob("*")) == []  # no telemetry, no model cache, nothing
    written = {p for p in copy.parent.rglob("*")} - before
    assert {p.name for p in written} <= {"copy.thematica-wal", "copy.thematica-shm"}
