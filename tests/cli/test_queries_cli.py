"""review, matrix, cooccur and saturation on a small hand-made study.

The study (``SEGMENTS``) is built once per module through the command line; every expected
number is counted here, in plain Python, from the texts and the segment list, never read
back from thematica.
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from pathlib import Path

import openpyxl
import pytest

from .conftest import invoke

P01 = (
    "Interviewer: How was co-delivery?\n\n"
    "P01: Sharing the room was hard at first. I had to sit on my hands. Power felt shared later.\n\n"
    "Interviewer: And hope?\n\n"
    "P01: Hope came back. I carry hope to the ward now.\n"
)
P02 = (
    "Interviewer: What changed?\n\n"
    "P02: Power is something I notice now. Risk worries me less than before.\n\n"
    "Interviewer: Anything else?\n\n"
    "P02: Hope, and less risk talk on the ward.\n"
)
P03 = (
    "Interviewer: Tell me about the workshops.\n\n"
    "P03: Risk was everywhere. Power stayed with the team. Hope was thin.\n"
)
TEXTS = {"P01": P01, "P02": P02, "P03": P03}
#: P03 has no band: the matrix groups it under "(none)". Years (a number) sort as numbers: 3, 12, 25.
PEOPLE_CSV = "id,gender,band,years\nP01,female,7,12\nP02,male,8a,3\nP03,female,,25\n"
ATTRIBUTES = {
    "P01": {"gender": "female", "band": "7", "years": "12"},
    "P02": {"gender": "male", "band": "8a", "years": "3"},
    "P03": {"gender": "female", "years": "25"},
}
LGP = "Letting go of power"
PATHS = {"Power": "Power", LGP: f"Power/{LGP}", "Hope": "Hope", "Risk": "Risk", "Stigma": "Stigma"}
B = "Researcher B"

#: (source, exact words, code, coder), in coding order: segment #n is the n-th. P02 is coded first.
SEGMENTS = [
    ("P02", "Power is something I notice now.", "Power", B),  # 1
    ("P02", "Risk worries me less than before.", "Risk", "Tester"),  # 2
    ("P02", "Hope, and less risk talk on the ward.", "Hope", "Tester"),  # 3
    ("P02", "less risk talk", "Risk", "Tester"),  # 4: inside #3
    ("P01", "How was co-delivery?", "Power", "Tester"),  # 5: interviewer speech
    ("P01", "How was co-delivery?", "Risk", "Tester"),  # 6: the same span as #5
    ("P01", "Sharing the room was hard at first.", "Power", "Tester"),  # 7
    ("P01", "I had to sit on my hands.", LGP, "Tester"),  # 8
    ("P01", "sit on my hands. Power felt shared later.", "Power", "Tester"),  # 9: overlaps #8
    ("P01", "I had to sit on my hands.", "Hope", B),  # 10: the same span as #8, overlaps #9
    ("P01", "Hope came back.", "Hope", "Tester"),  # 11
    ("P01", "I carry hope to the ward now.", "Risk", "Tester"),  # 12: same turn as #11, no overlap
    ("P03", "Risk was everywhere.", "Risk", "Tester"),  # 13
    ("P03", "Power stayed with the team.", "Power", "Tester"),  # 14
    ("P03", "Risk was everywhere. Power stayed with the team.", LGP, "Tester"),  # 15: overlaps #13 and #14
    ("P03", "Hope was thin.", "Stigma", "Tester"),  # 16: a code in no theme
]
#: theme -> (parent, its own codes). Risk serves two themes; Stigma none.
THEMES = {
    "Changing the clinician": (None, ["Power", "Risk"]),
    "Letting go": ("Changing the clinician", [LGP]),
    "Hope and risk": (None, ["Hope", "Risk"]),
}


# -- counting by hand ---------------------------------------------------------------------------
def _turns(text: str) -> list[tuple[int, int, str]]:
    """(start, end, speaker label) of each blank-line separated turn."""
    turns, at = [], 0
    for block in text.split("\n\n"):
        turns.append((at, at + len(block), block.split(":", 1)[0]))
        at += len(block) + 2
    return turns


def _facts() -> list[dict]:
    facts = []
    for number, (source, words, code, coder) in enumerate(SEGMENTS, start=1):
        start = TEXTS[source].index(words)
        turn = next(i for i, (a, b, _) in enumerate(_turns(TEXTS[source])) if a <= start < b)
        speaker = _turns(TEXTS[source])[turn][2]
        facts.append({
            "id": number, "source": source, "code": code, "coder": coder, "start": start, "end": start + len(words),
            "turn": (source, turn), "participant": None if speaker == "Interviewer" else speaker,
            "words": len(words.split()),
        })  # fmt: skip
    return facts


FACTS = _facts()
SPOKEN = [f for f in FACTS if f["participant"] is not None]  # what analyses count by default


def _theme_codes(theme: str) -> set[str]:
    codes = set(THEMES[theme][1])
    for child, (parent, _) in THEMES.items():
        if parent == theme:
            codes |= _theme_codes(child)
    return codes


def _measure(facts: list[dict], how: str) -> int:
    if how == "segments":
        return len(facts)
    if how == "words":
        return sum(f["words"] for f in facts)
    if how == "participants":
        return len({f["participant"] for f in facts})
    return len({f["source"] for f in facts})


def _share(value: float, total: float) -> float:
    return round(100 * value / total, 1) if total else 0.0


def expected_matrix(rows: str, columns: str, how: str, percent: str | None, facts=SPOKEN) -> tuple[list, dict]:
    """(column labels, {row label: cells}) counted by hand."""
    if rows == "codes":
        row_sets = {PATHS[c]: {c} for c in PATHS if any(f["code"] == c for f in facts)}
    else:
        row_sets = {t: _theme_codes(t) for t in THEMES}
    if columns == "participants":
        groups = {p: {p} for p in TEXTS}
    else:
        groups = defaultdict(set)
        for person, attributes in ATTRIBUTES.items():
            groups[attributes.get(columns, "(none)")].add(person)
    labels = sorted(groups, key=lambda v: (0, float(v), "") if v.replace(".", "").isdigit() else (1, 0, v.casefold()))
    table = {}
    for label, codes in row_sets.items():
        mine = [f for f in facts if f["code"] in codes]
        cells = [_measure([f for f in mine if f["participant"] in groups[c]], how) for c in labels]
        if percent == "row":
            cells = [_share(v, _measure(mine, how)) for v in cells]
        elif percent == "column":
            in_column = {c: [f for f in facts if f["participant"] in groups[c]] for c in labels}
            totals = [len(groups[c]) if how == "participants" else _measure(in_column[c], how) for c in labels]
            cells = [_share(v, t) for v, t in zip(cells, totals)]
        table[label] = cells
    return labels, table


def expected_cooccurrence(mode: str) -> dict[frozenset, int]:
    """Pairs of codes -> how often they meet (every coder, interviewer speech included)."""
    pairs: dict[frozenset, int] = defaultdict(int)
    if mode == "overlap":
        for a, b in itertools.combinations(FACTS, 2):
            shared = min(a["end"], b["end"]) - max(a["start"], b["start"])  # characters in common
            if a["source"] == b["source"] and a["code"] != b["code"] and shared > 0:
                pairs[frozenset((a["code"], b["code"]))] += 1
        return dict(pairs)
    groups = defaultdict(set)
    for f in FACTS:
        groups[(f["source"], f["start"], f["end"]) if mode == "same" else f["turn"]].add(f["code"])
    for codes in groups.values():
        for a, b in itertools.combinations(sorted(codes), 2):
            pairs[frozenset((a, b))] += 1
    return dict(pairs)


def expected_saturation() -> list[list]:
    seen: set[str] = set()
    rows = []
    for source in dict.fromkeys(f["source"] for f in FACTS):  # sources in the order first coded
        new = sorted({f["code"] for f in FACTS if f["source"] == source} - seen)
        seen |= set(new)
        rows.append([source, len(new), len(seen), "; ".join(new)])
    return rows


# -- the study, built once ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def qstudy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("queries")
    for name, text in TEXTS.items():
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    (folder / "people.csv").write_text(PEOPLE_CSV, encoding="utf-8")

    def cli(*args: str) -> str:
        code, out, err = invoke(list(args), folder)
        assert (code, err) == (0, ""), (args, out, err)
        return out

    cli("init", "study")
    cli("import", "P01.txt", "P02.txt", "P03.txt")
    cli("participants", "import", "people.csv", "--type", "band=category")
    for code in ("Power", "Hope", "Risk", "Stigma"):
        cli("codebook", "add", code)
    cli("codebook", "add", LGP, "--parent", "Power")
    for fact, (source, words, code, coder) in zip(FACTS, SEGMENTS, strict=True):
        out = cli("code", "quote", source, words, code, "--coder", coder)
        assert out.strip() == f"Segment #{fact['id']} at {fact['start']}..{fact['end']}"
    for theme, (parent, codes) in THEMES.items():
        options = [a for c in codes for a in ("-c", c)] + (["--parent", parent] if parent else [])
        cli("themes", "create", theme, *options)
    return folder / "study.thematica"


@pytest.fixture
def q(ok, qstudy: Path):
    """``q("matrix", "--json")``: a successful command on the shared (read-only) study."""
    return lambda *args: ok("--project", qstudy, *args)


@pytest.fixture
def qfails(fails, qstudy: Path):
    return lambda *args: fails("--project", qstudy, *args)


def test_the_hand_counts_themselves() -> None:
    """A few of the hand counts spelled out, so that the helpers above are checked too."""
    assert [f["id"] for f in FACTS if f["participant"] is None] == [5, 6]  # the interviewer's question
    assert expected_cooccurrence("same") == {frozenset(("Power", "Risk")): 1, frozenset((LGP, "Hope")): 1}
    assert expected_cooccurrence("overlap") == {
        frozenset(("Hope", "Risk")): 1,  # 3-4
        frozenset(("Power", "Risk")): 1,  # 5-6
        frozenset(("Power", LGP)): 2,  # 8-9, 14-15
        frozenset((LGP, "Hope")): 1,  # 8-10
        frozenset(("Power", "Hope")): 1,  # 9-10
        frozenset((LGP, "Risk")): 1,  # 13-15
    }
    assert expected_cooccurrence("turn")[frozenset(("Hope", "Risk"))] == 2  # P02's last turn, P01's last turn
    assert expected_matrix("codes", "participants", "segments", None)[1]["Risk"] == [1, 2, 1]


# -- review -------------------------------------------------------------------------------------
def test_review_a_theme_json(q) -> None:
    review = q("review", "Changing the clinician", "--json").json()
    codes = _theme_codes("Changing the clinician")
    mine = [f for f in SPOKEN if f["code"] in codes]
    others = {c for t, (_, cs) in THEMES.items() if t not in ("Changing the clinician", "Letting go") for c in cs}
    assert review["theme"]["name"] == "Changing the clinician"
    assert review["codes"] == sorted(codes)
    assert review["subthemes"] == ["Letting go"]
    assert review["participants"] == sorted({f["participant"] for f in mine}) == ["P01", "P02", "P03"]
    assert review["participants_total"] == 3
    assert review["sources"] == len({f["source"] for f in mine})
    assert review["segments"] == len(mine) == 10
    assert review["shared_segments"] == sum(1 for f in mine if f["code"] in others) == 4  # the Risk segments
    extracts = review["extracts"]
    assert sorted(x["segment"]["id"] for x in extracts) == [f["id"] for f in mine]
    for x in extracts:
        fact = FACTS[x["segment"]["id"] - 1]
        assert (x["code"], x["coder"], x["participant"], x["role"]) == (
            fact["code"], fact["coder"], fact["participant"], "participant"
        )  # fmt: skip
        assert x["segment"]["text"] == TEXTS[fact["source"]][fact["start"] : fact["end"]]
        assert TEXTS[fact["source"]][: fact["start"]].endswith(x["before"])


def test_review_a_theme_for_one_coder(q) -> None:
    review = q("review", "Hope and risk", "--coder", B, "--json").json()
    mine = [f for f in SPOKEN if f["code"] in _theme_codes("Hope and risk") and f["coder"] == B]
    assert (review["segments"], review["participants"]) == (len(mine), ["P01"])
    assert [x["segment"]["id"] for x in review["extracts"]] == [10]


def test_review_a_theme_text(q) -> None:
    out = q("review", "Letting go").out
    mine = [f for f in SPOKEN if f["code"] == LGP]
    people = sorted({f["participant"] for f in mine})
    assert out.splitlines()[:3] == [
        "Letting go (candidate)",
        f"{len(people)} of 3 participants ({', '.join(people)}), {len({f['source'] for f in mine})} sources, "
        f"{len(mine)} segments, 0 shared with other themes",
        f"codes: {LGP}",
    ]
    for f in mine:
        assert f"#{f['id']} {f['participant']} [{LGP}]" in out


def test_review_overview_json(q) -> None:
    result = q("review", "--min-participants", "3", "--json").json()
    coverage = {row["participant"]: row for row in result["coverage"]}
    for person in TEXTS:
        for theme in THEMES:
            assert coverage[person][theme] == sum(
                1 for f in SPOKEN if f["participant"] == person and f["code"] in _theme_codes(theme)
            ), (person, theme)
    warnings = result["warnings"]
    people = {t: len({f["participant"] for f in SPOKEN if f["code"] in _theme_codes(t)}) for t in THEMES}
    assert warnings["thin_themes"] == [[t, n] for t, n in people.items() if n < 3] == [["Letting go", 2]]
    assert warnings["codes_without_theme"] == ["Stigma"]
    assert warnings["codes_in_several_themes"] == [["Risk", ["Changing the clinician", "Hope and risk"]]]
    assert warnings["empty_themes"] == []
    assert warnings["shared_segments"] == sum(1 for f in SPOKEN if f["code"] == "Risk")


def test_review_overview_text(q) -> None:
    out = q("review").out
    assert "Participants by theme" in out
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in out.splitlines() if line.startswith("│")]
    assert rows == [
        [p, *[str(sum(1 for f in SPOKEN if f["participant"] == p and f["code"] in _theme_codes(t))) for t in THEMES]]
        for p in TEXTS
    ]
    assert "- Letting go: only" not in out  # 2 participants: not thin at the default of 2
    assert "- codes in no theme: Stigma" in out
    assert "- Risk serves 2 themes: Changing the clinician, Hope and risk" in out
    assert f"- {sum(1 for f in SPOKEN if f['code'] == 'Risk')} segments belong to more than one theme" in out
    thin = q("review", "--min-participants", "3").out
    assert "- Letting go: only 2 participant(s)" in thin
    assert "Changing the clinician: only" not in thin and "Hope and risk: only" not in thin


def test_review_errors(q, qfails) -> None:
    assert "no theme 'Nope'" in qfails("review", "Nope").err
    assert "Nobody" in qfails("review", "Letting go", "--coder", "Nobody").err


# -- matrix -------------------------------------------------------------------------------------
MATRIX_SHAPES = [(r, c) for r in ("codes", "themes") for c in ("participants", "gender", "band", "years")]


@pytest.mark.parametrize(("rows", "columns"), MATRIX_SHAPES, ids=[f"{r}-by-{c}" for r, c in MATRIX_SHAPES])
def test_matrix_json_equals_the_hand_count(q, rows: str, columns: str) -> None:
    problems = []
    for how in ("segments", "participants", "words", "sources"):
        for percent in (None, "row", "column"):
            args = ["matrix", "--rows", rows, "--columns", columns, "--count", how, "--json"]
            result = q(*args, *(["--percent", percent] if percent else [])).json()
            labels, table = expected_matrix(rows, columns, how, percent)
            header = "code" if rows == "codes" else "theme"
            if result["columns"] != [header, *labels]:
                problems.append((how, percent, "columns", result["columns"]))
            got = {row[0]: row[1:] for row in result["rows"]}
            if got != table:
                problems.append((how, percent, got, table))
            if percent is None and not all(type(v) is int for row in result["rows"] for v in row[1:]):
                problems.append((how, percent, "not whole numbers"))
            note = f"{how} per cell" + ("" if percent is None else f", as % of the {percent} total")
            if result["notes"] != [note] or result["title"] != f"{rows.capitalize()} by {columns}":
                problems.append((how, percent, result["title"], result["notes"]))
    assert problems == []


def test_matrix_spot_values(q) -> None:
    """Some cells counted by eye from SEGMENTS."""
    def cells(*args: str) -> dict:
        return {r[0]: r[1:] for r in q("matrix", *args, "--json").json()["rows"]}

    assert cells() == {
        "Power": [2, 1, 1], f"Power/{LGP}": [1, 0, 1], "Hope": [2, 1, 0], "Risk": [1, 2, 1], "Stigma": [0, 0, 1]
    }  # fmt: skip
    words = cells("--rows", "themes", "--columns", "gender", "--count", "words")
    # female: P01 #7 (7 words) #8 (7) #9 (8) #12 (7), P03 #13 (3) #14 (5) #15 (8); male: P02 #1 (6) #2 (6) #4 (3)
    assert words["Changing the clinician"] == [7 + 7 + 8 + 7 + 3 + 5 + 8, 6 + 6 + 3]
    column = cells("--columns", "gender", "--count", "participants", "--percent", "column")
    assert column["Stigma"] == [50.0, 0.0]  # one of the two women


def test_matrix_for_one_coder_and_with_interviewer_speech(q) -> None:
    mine = [f for f in SPOKEN if f["coder"] == "Tester"]
    result = q("matrix", "--coder", "Tester", "--json").json()
    assert {r[0]: r[1:] for r in result["rows"]} == expected_matrix("codes", "participants", "segments", None, mine)[1]
    # interviewer speech belongs to no participant: the per-participant cells do not change
    assert q("matrix", "--include-interviewer", "--json").json()["rows"] == q("matrix", "--json").json()["rows"]


def test_matrix_table(q) -> None:
    out = q("matrix", "--rows", "themes", "--count", "participants", "--percent", "row").out
    assert "Themes by participants" in out and "participants per cell, as % of the row total" in out
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in out.splitlines() if line.startswith("│")]
    labels, table = expected_matrix("themes", "participants", "participants", "row")
    assert rows == [[t, *[str(v) for v in cells]] for t, cells in table.items()]


def test_matrix_out_csv(q, run, qstudy: Path, workdir: Path) -> None:
    args = ("--rows", "themes", "--columns", "band", "--count", "words", "--percent", "column")
    blocked = run("--project", qstudy, "matrix", *args, "-o", "m.csv")
    assert blocked.code == 1 and "smaller than k=3" in blocked.err and not (workdir / "m.csv").exists()
    assert blocked.err.splitlines()[1:] == ["  7 (1)", "  (none) (1)", "  8a (1)"]  # the groups, one per line
    result = q("matrix", *args, "-o", "m.csv", "--allow-small-groups")
    assert result.out.splitlines()[-1] == "Wrote m.csv"
    with (workdir / "m.csv").open(newline="", encoding="utf-8") as handle:
        read = list(csv.reader(handle))
    labels, table = expected_matrix("themes", "band", "words", "column")
    assert read == [["theme", *labels], *[[t, *[str(v) for v in cells]] for t, cells in table.items()]]


def test_matrix_out_xlsx(q, workdir: Path) -> None:
    result = q("matrix", "--columns", "gender", "--out", "m.xlsx", "--allow-small-groups", "--json")
    assert result.json()["title"] == "Codes by gender"  # --json and --out together
    sheet = openpyxl.load_workbook(workdir / "m.xlsx").active
    values = [list(r) for r in sheet.iter_rows(values_only=True)]
    labels, table = expected_matrix("codes", "gender", "segments", None)
    assert values[0] == ["code", *labels]
    assert {row[0]: row[1:] for row in values[1:-1]} == table
    assert values[-1][0] == "segments per cell"


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--rows", "participants", "rows are codes or themes, not 'participants'"),
        ("--columns", "age", "not 'age'"),
        ("--count", "quotes", "measure must be one of segments, participants, words, sources, not 'quotes'"),
        ("--percent", "total", "percent is row or column, not 'total'"),
        ("--coder", "Nobody", "Nobody"),
    ],
)
def test_matrix_bad_options(qfails, workdir: Path, option: str, value: str, message: str) -> None:
    assert message in qfails("matrix", option, value, "--out", "m.csv").err
    assert not (workdir / "m.csv").exists()


def test_query_out_into_a_missing_folder_is_not_an_internal_error(run, qstudy: Path, workdir: Path) -> None:
    result = run("--project", qstudy, "saturation", "--out", "tables/s.csv")
    # either write it (as 'report --out' and 'themes map --out' create their folder) or say why not, in one line
    assert (result.code == 0 and (workdir / "tables" / "s.csv").is_file()) or (
        result.code == 1 and result.err.startswith("error: ")
    ), result


def test_matrix_xlsx_by_an_attribute_with_a_slash(ok, project: Path, write, workdir: Path) -> None:
    write("P01.txt", P01)
    write("people.csv", "id,site/ward\nP01,North\n")
    ok("import", "P01.txt")
    ok("participants", "import", "people.csv")
    ok("codebook", "add", "Hope")
    ok("code", "quote", "P01", "Hope came back.", "Hope")
    ok("matrix", "--columns", "site/ward", "--out", "m.xlsx", "--allow-small-groups")
    sheet = openpyxl.load_workbook(workdir / "m.xlsx").active
    assert [list(r) for r in sheet.iter_rows(values_only=True)][:2] == [["code", "North"], ["Hope", 1]]


# -- cooccur ------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["same", "overlap", "turn"])
def test_cooccur_json(q, mode: str) -> None:
    result = q("cooccur", "--mode", mode, "--json").json()
    used = sorted({f["code"] for f in FACTS}, key=str.casefold)
    assert result["columns"] == ["code", *used]
    pairs = expected_cooccurrence(mode)
    assert result["rows"] == [[a, *[None if a == b else pairs.get(frozenset((a, b)), 0) for b in used]] for a in used]
    assert result["title"] == f"Code co-occurrence ({mode})"


def test_cooccur_default_is_overlap_and_table(q) -> None:
    assert q("cooccur", "--json").json() == q("cooccur", "--mode", "overlap", "--json").json()
    out = q("cooccur", "--mode", "same").out
    assert "spans coded with both codes" in out
    lines = [line for line in out.splitlines() if line.startswith("│")]
    rows = {r[0]: r[1:] for r in ([c.strip() for c in line.strip("│").split("│")] for line in lines)}
    assert rows["Hope"] == ["", "1", "0", "0", "0"]  # Hope | Letting go of power, Power, Risk, Stigma


def test_cooccur_for_one_coder(q) -> None:
    rows = {r[0]: r[1:] for r in q("cooccur", "--coder", B, "--json").json()["rows"]}
    assert rows == {"Hope": [None, 0], "Power": [0, None]}  # B's #1 (P02) and #10 (P01) do not overlap


def test_cooccur_out(q, workdir: Path) -> None:
    q("cooccur", "--mode", "turn", "--out", "c.xlsx")
    q("cooccur", "--mode", "turn", "--out", "c.csv")
    used = sorted({f["code"] for f in FACTS}, key=str.casefold)
    pairs = expected_cooccurrence("turn")
    expected = [[a, *[None if a == b else pairs.get(frozenset((a, b)), 0) for b in used]] for a in used]
    sheet = [list(r) for r in openpyxl.load_workbook(workdir / "c.xlsx").active.iter_rows(values_only=True)]
    assert sheet[: len(used) + 1] == [["code", *used], *expected]
    with (workdir / "c.csv").open(newline="", encoding="utf-8") as handle:
        as_text = [["" if v is None else str(v) for v in row] for row in expected]
        assert list(csv.reader(handle)) == [["code", *used], *as_text]


def test_cooccur_bad_mode(qfails) -> None:
    assert "co-occurrence is same, overlap or turn, not 'span'" in qfails("cooccur", "--mode", "span").err


# -- saturation ---------------------------------------------------------------------------------
def test_saturation_json(q) -> None:
    result = q("saturation", "--json").json()
    assert result["columns"] == ["source", "new codes", "cumulative codes", "codes first seen"]
    assert result["rows"] == expected_saturation() == [
        ["P02", 3, 3, "Hope; Power; Risk"],
        ["P01", 1, 4, LGP],
        ["P03", 1, 5, "Stigma"],
    ]


def test_saturation_for_one_coder(q) -> None:
    assert q("saturation", "--coder", B, "--json").json()["rows"] == [["P02", 1, 1, "Power"], ["P01", 1, 2, "Hope"]]


def test_saturation_out(q, workdir: Path) -> None:
    out = q("saturation", "--out", "s.csv").out
    assert "Saturation" in out and out.splitlines()[-1] == "Wrote s.csv"
    with (workdir / "s.csv").open(newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == [
            ["source", "new codes", "cumulative codes", "codes first seen"],
            *[[str(v) for v in row] for row in expected_saturation()],
        ]
    q("saturation", "--out", "s.xlsx")
    sheet = [list(r) for r in openpyxl.load_workbook(workdir / "s.xlsx").active.iter_rows(values_only=True)]
    assert sheet[1:4] == expected_saturation()
