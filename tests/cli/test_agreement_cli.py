"""coders list/add/set/export/merge, agree, disagreements, resolve, accept-agreed, and a blind user."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

import thematica

from .conftest import P01_TEXT, P02_TEXT

TEXTS = {"P01": P01_TEXT, "P02": P02_TEXT}
CODING = [
    ("P01", "I was nervous.", "Power", "A"),
    ("P01", "I was nervous.", "Hope", "B"),  # codes
    ("P01", "Power felt shared", "Power", "A"),
    ("P01", "Power felt shared", "Power", "B"),  # agree
    ("P02", "Power is something I notice now.", "Power", "B"),  # missing (A)
    ("P02", "I carry hope back to the ward", "Hope", "A"),  # missing (B)
]


def span(source: str, quote: str) -> tuple[int, int]:
    start = TEXTS[source].index(quote)
    return start, start + len(quote)


def key(source: str, quote: str) -> str:
    start, end = span(source, quote)
    return f"{source}:{start}-{end}"


NERVOUS = key("P01", "I was nervous.")
NOTICE = key("P02", "Power is something I notice now.")
HOPE = key("P02", "I carry hope back to the ward")


def jsonable(value):
    return json.loads(json.dumps(value))


@pytest.fixture
def coded(project: Path, ok, write) -> Path:
    """P01 and P02, codes Power and Hope, coders A and B (peer researcher) coding as in CODING."""
    write("P01.txt", P01_TEXT)
    write("P02.txt", P02_TEXT)
    ok("import", "P01.txt", "P02.txt")
    ok("codebook", "add", "Power")
    ok("codebook", "add", "Hope")
    ok("coders", "add", "A")
    ok("coders", "add", "B", "--role", "peer researcher")
    for source, quote, code, coder in CODING:
        ok("code", "quote", source, quote, code, "--coder", coder)
    return project


def consensus(ok) -> list[tuple[str, str, str, str]]:
    return sorted(
        (x["source"], x["code"], x["segment"]["text"], x["segment"]["memo"])
        for x in ok("code", "list", "--coder", "consensus", "--json").json()
    )


# ------------------------------------------------------------------ coders


def test_coders_add_list_set(project, ok, fails) -> None:
    assert ok("coders", "add", "A", "--role", "lead").out.strip() == "Coder #1 A"
    assert ok("coders", "add", "B", "--blind").out.strip() == "Coder #2 B (blind)"
    assert ok("coders", "add", "A again", "--recode-of", "A").out.strip() == "Coder #3 A again"
    listed = ok("coders", "list", "--json").json()
    assert listed == [
        {"id": 1, "name": "A", "role": "lead", "kind": "person", "blind": False, "recode_of": None},
        {"id": 2, "name": "B", "role": "", "kind": "person", "blind": True, "recode_of": None},
        {"id": 3, "name": "A again", "role": "", "kind": "person", "blind": False, "recode_of": 1},
    ]
    text = ok("coders", "list").out
    assert "re-codes" in text and "yes" in text
    row = next(line for line in text.splitlines() if "A again" in line)
    assert row.rstrip(" │|").endswith("A")  # the re-codes column names the original

    assert ok("coders", "set", "B", "--not-blind").out.strip() == "B: role '', not blind"
    assert ok("coders", "set", "b", "--role", "peer researcher", "--blind").out.strip() == "B: role 'peer researcher', blind"
    assert ok("coders", "list", "--json").json()[1]["blind"] is True
    before = ok("coders", "list", "--json").out
    assert "nothing to change" in fails("coders", "set", "B").err
    assert "no coder named 'Nobody'" in fails("coders", "set", "Nobody", "--blind").err
    fails("coders", "add", "a")  # taken, whatever the case
    fails("coders", "add", "Consensus")  # the agreed coding's name
    fails("coders", "add", "C", "--recode-of", "Nobody")
    assert ok("coders", "list", "--json").out == before


def test_export_and_merge(coded: Path, ok, fails, run, write, workdir: Path) -> None:
    assert ok("coders", "export", "B", "--out", "b.json").out.strip() == "Wrote b.json"
    package = json.loads((workdir / "b.json").read_text(encoding="utf-8"))
    assert package["coder_name"] == "B" and len(package["segments"]) == 3
    assert "no coder named 'Z'" in fails("coders", "export", "Z", "--out", "z.json").err

    copy = ("--project", "copy/two.thematica")
    (workdir / "copy").mkdir()
    ok("init", "copy/two")
    ok(*copy, "import", "P01.txt", "P02.txt")
    ok(*copy, "codebook", "add", "Hope")
    report = ok(*copy, "coders", "merge", "b.json", "--json").json()
    assert report == {
        "coder": "B", "segments_added": 3, "segments_already_there": 0,
        "codes_created": ["Power"], "codes_matched_by_name": ["Hope"], "conflicts": [],
    }
    listed = ok(*copy, "code", "list", "--coder", "B", "--json").json()
    assert sorted((x["source"], x["code"], x["segment"]["text"]) for x in listed) == sorted(
        (s, c, q) for s, q, c, who in CODING if who == "B"
    )
    assert ok(*copy, "coders", "merge", "b.json").out.splitlines()[0] == "B: 0 segments added, 3 already here"
    again = ok(*copy, "coders", "merge", "b.json", "--json").json()
    assert (again["segments_added"], again["segments_already_there"], again["conflicts"]) == (0, 3, [])

    write("broken.json", "{ not json")
    assert "not a thematica coder package" in fails(*copy, "coders", "merge", "broken.json").err
    ok("init", "copy/three")
    third = ("--project", "copy/three.thematica")
    ok(*third, "import", "P01.txt")
    assert "is not in this project" in fails(*third, "coders", "merge", "b.json").err
    assert ok(*third, "code", "list", "--json").json() == []
    assert ok(*third, "coders", "list", "--json").json() == []


# ------------------------------------------------------------------ agree


def api(path: Path, **options):
    with thematica.open_project(path) as proj:
        return proj.compare(**options)


def as_json(result) -> dict:
    return jsonable({
        "coders": list(result.coders), "unit": result.unit.value, "units": result.units, "sources": list(result.sources),
        "intra": result.intra, "sentence": result.sentence(),
        "codes": [{"code": c.code, "coded": list(c.coded), "reading": c.reading, **c.agreement.as_dict()}
                  for c in (*result.per_code, result.pooled)],
    })


def test_agree_json_equals_the_python_api(coded: Path, ok) -> None:
    got = ok("agree", "--coder", "A", "--coder", "B", "--unit", "sentence", "--no-ci", "--json").json()
    assert set(got) == {"coders", "unit", "units", "sources", "intra", "sentence", "codes"}
    assert got == as_json(api(coded, coders=["A", "B"], unit="sentence", ci=False))
    assert got["coders"] == ["A", "B"] and got["unit"] == "sentence" and got["sources"] == ["P01", "P02"]
    assert got["units"] == 8 and got["intra"] is False  # two sentences in each participant's turn
    assert [c["code"] for c in got["codes"]] == ["Power", "Hope", "(all codes pooled)"]
    power = got["codes"][0]
    assert power["coded"] == [2, 2] and power["units"] == 8 and power["table"] == [[5, 1], [1, 1]]

    options = ("--code", "Power", "--min-share", "0.5", "-s", "percent", "-s", "cohen", "--unit", "turn")
    narrowed = ok("agree", *options, "--no-ci", "--json").json()
    assert narrowed == as_json(api(coded, unit="turn", codes=["Power"], min_share=0.5, statistics=("percent", "cohen"), ci=False))
    assert [c["code"] for c in narrowed["codes"]] == ["Power", "(all codes pooled)"]
    assert narrowed["codes"][0]["alpha"] is None and narrowed["codes"][0]["reasons"]["alpha"] == "not requested"


def test_agree_with_confidence_intervals(coded: Path, ok) -> None:
    got = ok("agree", "--json").json()  # default: everyone who coded, turns, 1000 bootstrap resamples
    assert got == as_json(api(coded))
    assert got["codes"][-1]["reps"] == 1000 and got["codes"][-1]["ci"]


def test_agree_table_and_files(coded: Path, ok, workdir: Path) -> None:
    result = ok("agree", "--unit", "sentence", "--no-ci", "--out", "out/agreement.csv")
    expected = api(coded, unit="sentence", ci=False)
    assert expected.table().title in result.out
    assert "Wrote out/agreement.csv" in result.out
    assert " ".join(expected.sentence().split()) in " ".join(result.out.split())
    assert (workdir / "out" / "agreement.csv").read_text(encoding="utf-8") == expected.table().to_csv()
    rows = list(csv.reader(io.StringIO((workdir / "out" / "agreement.csv").read_text(encoding="utf-8"))))
    assert [r[0] for r in rows[1:]] == ["Power", "Hope", "(all codes pooled)"]

    ok("agree", "--unit", "sentence", "--no-ci", "--out", "agreement.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(workdir / "agreement.xlsx").active
    values = list(sheet.values)
    assert list(values[0]) == list(expected.table().columns)
    assert [v[0] for v in values[1:4]] == ["Power", "Hope", "(all codes pooled)"]
    assert [v[1] for v in values[1:4]] == [8, 8, 16]


def test_agree_json_can_also_write_the_table(coded: Path, ok, workdir: Path) -> None:
    ok("agree", "--no-ci", "--json", "--out", "agreement.csv")
    assert (workdir / "agreement.csv").read_text(encoding="utf-8") == api(coded, ci=False).table().to_csv()


def test_agree_json_out_into_a_new_folder(coded: Path, ok, workdir: Path) -> None:
    ok("agree", "--no-ci", "--json", "--out", "new/agreement.csv")
    assert (workdir / "new" / "agreement.csv").exists()


def test_agree_errors(coded: Path, ok, fails) -> None:
    assert "at least two coders" in fails("agree", "--coder", "A").err
    assert "no coder named 'Z'" in fails("agree", "--coder", "A", "--coder", "Z").err
    assert "unit of analysis" in fails("agree", "--unit", "word").err
    fails("agree", "--min-share", "1.5", "--no-ci")
    fails("agree", "-s", "kappa", "--no-ci")
    fails("agree", "--code", "Nope", "--no-ci")


# ------------------------------------------------------------------ the queue


def test_disagreements_json(coded: Path, ok) -> None:
    got = ok("disagreements", "--json").json()
    assert got["progress"] == {"places": 4, "agreed": 1, "disagreements": 3, "resolved": 0}
    assert [(i["key"], i["difference"]) for i in got["items"]] == [(NERVOUS, "codes"), (NOTICE, "missing"), (HOPE, "missing")]
    first = got["items"][0]
    assert first["text"] == "I was nervous." and first["source"] == "P01" and first["resolved"] is None
    assert [(c[0], c[1], c[2]) for c in first["coding"]["A"]] == [("Power", *span("P01", "I was nervous."))]
    assert [c[0] for c in first["coding"]["B"]] == ["Hope"]
    assert got["items"][1]["coding"]["A"] == []
    with thematica.open_project(coded) as proj:
        assert got["items"] == jsonable([
            {**{f: getattr(i, f) for f in ("key", "source", "start", "end", "text", "before", "after", "resolved")},
             "difference": i.difference.value, "coding": i.coding}
            for i in proj.disagreements()
        ])
    assert len(ok("disagreements", "--json", "--limit", "1").json()["items"]) == 1
    text = ok("disagreements").out
    assert f"{NERVOUS}  codes" in text and "(nothing)" in text
    assert "3 disagreements in 4 places (1 agreed); 0 resolved, 3 to review" in text


def test_resolve_each_way(coded: Path, ok) -> None:
    out = ok("resolve", NERVOUS, "accept", "--accept", "A", "--rationale", "fits the definition").out
    assert out.strip() == f"Resolved {NERVOUS}: 1 consensus segments; 1 of 3 resolved"
    assert consensus(ok) == [("P01", "Power", "I was nervous.", "fits the definition")]
    ok("resolve", NERVOUS, "both")
    assert [c[1] for c in consensus(ok)] == ["Hope", "Power"]
    assert ok("resolve", NOTICE, "neither").out.strip() == f"Resolved {NOTICE}: 0 consensus segments; 2 of 3 resolved"
    start, end = span("P02", "I carry hope")
    ok("resolve", HOPE, "spans", "--span", f"Hope:{start}-{end}", "--rationale", "shorter")
    assert ("P02", "Hope", "I carry hope", "shorter") in consensus(ok)

    got = ok("disagreements", "--json").json()
    assert got["items"] == [] and got["progress"]["resolved"] == 3
    resolved = ok("disagreements", "--resolved", "--json").json()["items"]
    assert [(i["key"], i["resolved"]) for i in resolved] == [(NERVOUS, "both"), (NOTICE, "neither"), (HOPE, "spans")]
    assert "[resolved: both]" in ok("disagreements", "--resolved").out

    assert ok("accept-agreed").out.strip() == "1 agreed segments copied into the consensus layer"
    assert ("P01", "Power", "Power felt shared", "coders agreed") in consensus(ok)
    # the consensus layer is now what analyses count
    assert ok("matrix", "--json").json()["rows"] == [["Power", 2, 0], ["Hope", 1, 1]]
    with thematica.open_project(coded) as proj:
        cons = next(c for c in proj.coders() if c.name == "consensus")
        assert proj.analysis_coders() == [cons.id]


def test_resolve_errors_are_one_line_and_change_nothing(coded: Path, ok, fails) -> None:
    before = ok("log", "--json").out
    assert "no place 'P01:0-3'" in fails("resolve", "P01:0-3", "neither").err
    assert "a decision is one of" in fails("resolve", NERVOUS, "maybe").err
    assert "say whose coding to accept" in fails("resolve", NERVOUS, "accept").err
    for bad in ("Hope", "Hope:1", "Hope:a-b", "Hope:-5-9", ":1-2x"):
        assert "--span needs CODE:START-END" in fails("resolve", HOPE, "spans", "--span", bad).err
    start, end = span("P02", "I carry hope back to the ward")
    assert "outside the place" in fails("resolve", HOPE, "spans", "--span", f"Hope:{start - 1}-{end}").err
    assert "give the agreed spans" in fails("resolve", HOPE, "spans").err
    assert ok("log", "--json").out == before
    assert ok("disagreements", "--json").json()["progress"]["resolved"] == 0


# ------------------------------------------------------------------ a blind user


def test_a_blind_user_sees_only_their_own_coding(coded: Path, ok, fails, monkeypatch: pytest.MonkeyPatch) -> None:
    ok("coders", "set", "B", "--blind")
    monkeypatch.setenv("THEMATICA_USER", "B")
    mine = ok("code", "list", "--json").json()
    assert sorted(x["segment"]["text"] for x in mine) == ["I was nervous.", "Power felt shared", "Power is something I notice now."]
    assert {x["coder"] for x in mine} == {"B"}
    assert len(ok("code", "list", "--coder", "B", "--json").json()) == 3
    assert "B codes blind" in fails("code", "list", "--coder", "A").err
    assert "blind coder" in fails("agree", "--no-ci").err
    assert "blind coder" in fails("disagreements").err
    assert "blind coder" in fails("resolve", NERVOUS, "neither").err
    monkeypatch.setenv("THEMATICA_USER", "A")  # not blind: everything
    assert len(ok("code", "list", "--json").json()) == len(CODING)
    assert len(ok("--user", "B", "code", "list", "--json").json()) == 3  # --user names the blind coder too
    ok("coders", "set", "B", "--not-blind")
    monkeypatch.setenv("THEMATICA_USER", "B")
    assert len(ok("code", "list", "--json").json()) == len(CODING)
    assert len(ok("code", "list", "--coder", "A", "--json").json()) == 3
