"""Queries on the demo study, checked against counts made here from the study's own CSV files."""

from __future__ import annotations

import csv
from collections import defaultdict

import pytest

from thematica.demo import build_demo, data_dir

CODER = "Researcher A"


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    # counts are checked against the demo's coding files, quoted before de-identification
    project = build_demo(tmp_path_factory.mktemp("analysis"), deidentify=False)
    yield project
    project.close()


def _rows(name):
    with (data_dir() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def expected():
    """Independent counts: every demo quote sits in its participant's turn (checked by test_demo)."""
    coding = [r for name in ("coding_p01-p04.csv", "coding_p05-p08.csv") for r in _rows(name) if r["coder"] == CODER]
    themes = {r["name"]: (r["parent"], set(filter(None, r["codes"].split(";")))) for r in _rows("themes.csv")}
    theme_codes = {}
    for name, (_, codes) in themes.items():
        all_codes = set(codes)
        for child, (parent, child_codes) in themes.items():
            if parent == name:
                all_codes |= child_codes
        theme_codes[name] = all_codes
    gender = {r["participant"]: r["gender"] for r in _rows("participants.csv")}
    return coding, theme_codes, gender


def test_segments_per_code(demo, expected):
    coding, _, _ = expected
    table = demo.matrix("codes", "participants")
    counts = defaultdict(int)
    for r in coding:
        counts[(r["code"], r["source"])] += 1
    for row in table.rows:
        code = row[0].split("/")[-1]
        for participant, value in zip(table.columns[1:], row[1:], strict=True):
            assert value == counts[(code, participant)], (code, participant)


def test_participants_per_theme_and_matrix_by_gender(demo, expected):
    coding, theme_codes, gender = expected
    for theme, codes in theme_codes.items():
        people = {r["source"] for r in coding if r["code"] in codes}
        review = demo.theme_review(theme)
        assert set(review.participants) == people
        assert review.segments == sum(1 for r in coding if r["code"] in codes)
        assert review.participants_total == 8
        assert all(x.coder == CODER for x in review.extracts)
        assert len(review.extracts) == review.segments
    table = demo.matrix("themes", "gender", how="participants")
    for theme, codes in theme_codes.items():
        for group in ("female", "male"):
            people = {r["source"] for r in coding if r["code"] in codes and gender[r["source"]] == group}
            assert table.cell(theme, group) == len(people)
    shares = demo.matrix("themes", "gender", how="participants", percent="column")
    group_sizes = {g: sum(1 for v in gender.values() if v == g) for g in ("female", "male")}
    for theme in theme_codes:
        for group in ("female", "male"):
            assert shares.cell(theme, group) == round(100 * table.cell(theme, group) / group_sizes[group], 1)


def test_words_and_row_percentages(demo, expected):
    coding, _, _ = expected
    words = demo.matrix("codes", "participants", how="words")
    code = "Letting go of power"
    row = next(r for r in words.rows if r[0].endswith(code))
    assert sum(row[1:]) == sum(len(r["quote"].split()) for r in coding if r["code"] == code)
    pct = demo.matrix("codes", "participants", percent="row")
    for r in pct.rows:
        assert sum(r[1:]) == pytest.approx(100.0, abs=0.5)


def test_saturation_curve(demo, expected):
    coding, _, _ = expected
    seen, curve = set(), []
    for source in sorted({r["source"] for r in coding}):
        new = {r["code"] for r in coding if r["source"] == source} - seen
        seen |= new
        curve.append((source, len(new), len(seen)))
    table = demo.saturation()
    assert [row[:3] for row in table.rows] == curve


def test_cooccurrence_same_span(demo, expected):
    coding, _, _ = expected
    spans = defaultdict(set)
    for r in coding:
        spans[(r["source"], r["quote"])].add(r["code"])
    pairs = defaultdict(int)
    for codes in spans.values():
        for a in codes:
            for b in codes:
                if a < b:
                    pairs[(a, b)] += 1
    table = demo.cooccurrence("same", coder=CODER)
    for a in table.column("code"):
        for b in table.columns[1:]:
            if a != b:
                assert table.cell(a, b) == pairs[tuple(sorted((a, b)))], (a, b)


def test_coverage_and_warnings(demo, expected):
    coding, theme_codes, _ = expected
    coverage = demo.coverage()
    for theme, codes in theme_codes.items():
        for person in coverage.column("participant"):
            assert coverage.cell(person, theme) == sum(1 for r in coding if r["source"] == person and r["code"] in codes)
    assigned = set().union(*theme_codes.values())
    used = {r["code"] for r in coding}
    assert set(demo.theme_warnings().codes_without_theme) == used - assigned
    assert {c.what for c in demo.phase_checks()} >= {"codes in no theme", "themes without a written narrative"}


def test_tables_export(demo, tmp_path):
    table = demo.matrix("themes", "participants")
    frame = table.to_dataframe()
    assert list(frame.columns) == list(table.columns[1:]) and frame.shape[0] == len(table.rows)
    assert table.write(tmp_path / "m.csv").read_text().splitlines()[0] == ",".join(table.columns)
    from openpyxl import load_workbook

    sheet = load_workbook(table.write(tmp_path / "m.xlsx")).active
    assert [c.value for c in sheet[1]] == list(table.columns)
