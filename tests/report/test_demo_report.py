"""The demo's findings report, checked against counts made here from the study's own files."""

from __future__ import annotations

import csv
import re
from collections import defaultdict

import docx
import pytest

from thematica.demo import build_demo, data_dir
from thematica.report.coreq import COREQ_ITEMS

CODER = "Researcher A"


def _rows(name):
    with (data_dir() / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    project = build_demo(out)
    paths = project.write_report(out / "report")
    report = project.report_input()
    texts = {s.name: project.source_text(s.name) for s in project.sources()}
    participants = project.participants()
    project.close()
    document = docx.Document(next(p for p in paths if p.suffix == ".docx"))
    return paths, report, texts, participants, document


@pytest.fixture(scope="module")
def coding():
    return [r for n in ("coding_p01-p04.csv", "coding_p05-p08.csv") for r in _rows(n) if r["coder"] == CODER]


def _table(document, first_header):
    table = next(t for t in document.tables if t.rows[0].cells[0].text == first_header)
    header = [c.text for c in table.rows[0].cells]
    return [dict(zip(header, [c.text for c in row.cells], strict=True)) for row in table.rows[1:]]


def _walk(sections):
    for s in sections:
        yield s
        yield from _walk(s.children)


def _theme_codes():
    themes = {r["name"]: (r["parent"], set(filter(None, r["codes"].split(";")))) for r in _rows("themes.csv")}
    result = {}
    for name, (_, codes) in themes.items():
        result[name] = set(codes).union(*[c for p, c in themes.values() if p == name])
    return result


def test_all_three_formats_and_figures(built):
    paths, _, _, _, document = built
    assert sorted(p.suffix for p in paths) == [".docx", ".html", ".md"]
    figures = paths[0].parent / "report-figures"
    assert sorted(f.name for f in figures.iterdir()) == sorted(
        f"{stem}.{ext}" for stem in ("thematic-map", "code-frequencies", "saturation", "themes-by-participant")
        for ext in ("png", "svg")
    )
    assert len(document.inline_shapes) == 4


def test_participants_per_theme(built, coding):
    _, _, _, _, document = built
    rows = _table(document, "Theme")
    expected = {name: len({r["source"] for r in coding if r["code"] in codes}) for name, codes in _theme_codes().items()}
    for row in rows:
        label = row["Subtheme"] or row["Theme"]
        name = re.sub(r"^[\d.]+ ", "", label)
        assert row["Participants"] == f"{expected[name]}/8", name


def test_segment_counts_in_the_text_and_codebook(built, coding):
    _, report, _, _, document = built
    body = "\n".join(p.text for p in document.paragraphs)
    for name, codes in _theme_codes().items():
        n = sum(1 for r in coding if r["code"] in codes)
        sources = len({r["source"] for r in coding if r["code"] in codes})
        words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight"]
        assert f"({n} coded segments from {words[sources]} sources)" in body, name
    per_code = defaultdict(int)
    for r in coding:
        per_code[r["code"]] += 1
    rows = _table(document, "Code")
    assert len(rows) == 24
    for row in rows:
        assert int(row["Segments"]) == per_code[row["Code"].split("/")[-1].strip()], row["Code"]


def test_coverage_matrix_cells(built, coding):
    _, _, _, _, document = built
    rows = _table(document, "participant")
    theme_codes = _theme_codes()
    assert {r["participant"] for r in rows} == {f"P0{i}" for i in range(1, 9)}
    for row in rows:
        for theme, codes in theme_codes.items():
            expected = sum(1 for r in coding if r["source"] == row["participant"] and r["code"] in codes)
            assert int(row[theme]) == expected, (row["participant"], theme)


def test_saturation_curve_in_coreq(built, coding):
    _, _, _, _, document = built
    seen, series = set(), []
    for source in sorted({r["source"] for r in coding}):
        new = {r["code"] for r in coding if r["source"] == source} - seen
        seen |= new
        series.append(len(new))
    answer = next(r["Answer"] for r in _table(document, "No.") if r["No."] == "22")
    assert ", ".join(map(str, series)) in answer


def test_every_quote_is_verbatim_in_its_source_and_the_report(built):
    paths, report, texts, _, document = built
    body = "\n".join(p.text for p in document.paragraphs)
    html = next(p for p in paths if p.suffix == ".html").read_text(encoding="utf-8")
    quotes = [q for s in _walk(report.themes) for q in s.quotes]
    assert len(quotes) >= 10 and sum(q.chosen for q in quotes) == 4
    for q in quotes:
        assert texts[q.source][q.start : q.end] == q.text
        assert q.text in body
        assert q.participant and f"({q.participant})" in body
    assert "sit on my hands and let her lead" in html


def test_all_32_coreq_items(built):
    _, _, _, _, document = built
    rows = _table(document, "No.")
    assert [int(r["No."]) for r in rows] == list(range(1, 33))
    assert [r["Topic"] for r in rows] == [item.topic for item in COREQ_ITEMS]
    answers = {int(r["No."]): r["Answer"] for r in rows}
    stored = {int(r["item"]): r["answer"] for r in _rows("coreq.csv")}
    for number, answer in stored.items():
        assert answers[number] == answer
    assert answers[12].startswith("8") or "eight" in answers[12].lower()
    assert "thematica" in answers[27]
    assert sum("To be completed" in a for a in answers.values()) == 32 - len(stored) - sum(
        1 for n in answers if n not in stored and "To be completed" not in answers[n]
    )


def test_no_table_lists_a_participants_attributes(built):
    _, _, _, participants, document = built
    keys = {p.key for p in participants}
    attributes = {name.casefold() for p in participants for name in p.attributes}
    attributes |= {name.replace("_", " ") for name in attributes}
    texts = {v.casefold() for p in participants for v in p.attributes.values() if isinstance(v, str) and not v.isdigit()}
    for table in document.tables:
        header = [c.text.strip().casefold() for c in table.rows[0].cells]
        rows = [[c.text.strip() for c in row.cells] for row in table.rows[1:]]
        if any(row and row[0] in keys for row in rows):  # a table with a row per participant ...
            assert not set(header) & attributes, header  # ... shows no attribute of theirs
            assert not any(cell.casefold() in texts for row in rows for cell in row[1:])
    people_rows = _table(document, "Characteristic")
    assert not any(key in str(row) for row in people_rows for key in keys)
    body = "\n".join(p.text for p in document.paragraphs)
    assert not any(person.attributes["profession"] in body for person in participants)


def test_the_demo_report_carries_pseudonyms_only(tmp_path_factory):
    """make demo de-identifies before writing up: no real identifier of the register is in any report file."""
    out = tmp_path_factory.mktemp("pseudonyms")
    project = build_demo(out)
    register = project.identifiers()
    paths = project.write_report(out / "report")
    check = project.check_outputs([out / "report"])
    project.close()
    assert len(register) >= 25 and check.findings == []
    text = "\n".join(p.read_text(encoding="utf-8") for p in paths if p.suffix in (".md", ".html"))
    text += "\n".join(par.text for par in docx.Document(next(p for p in paths if p.suffix == ".docx")).paragraphs)
    for entry in register:
        for term in entry.terms:
            assert not re.search(rf"\b{re.escape(term)}\b", text, re.IGNORECASE), term
    assert "[Peer Trainer" in text  # the quotes carry the pseudonyms
    assert "20–39" in text and "Clinical psychologist" not in text  # reporting rules: age bands, profession left out
