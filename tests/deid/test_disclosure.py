"""Small-cell (k-anonymity) control of participant attributes."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from thematica.deid.disclosure import (
    NOT_RECORDED,
    OTHER,
    DisclosureReport,
    SmallGroup,
    Suggestion,
    apply_suggestion,
    band_value,
    check_attribute_groups,
    check_groups,
    coarsen_until_safe,
    show_value,
)
from thematica.errors import InvalidInput, OutputBlocked

# Eight participants shaped like the reference study (synthetic values).
STUDY: list[dict[str, object]] = [
    {"gender": "woman", "age": 32, "profession": "nurse", "years in post": 1},
    {"gender": "woman", "age": 35, "profession": "nurse", "years in post": 3},
    {"gender": "man", "age": 38, "profession": "doctor", "years in post": 4},
    {"gender": "woman", "age": 41, "profession": "nurse", "years in post": 7},
    {"gender": "man", "age": 43, "profession": "occupational therapist", "years in post": 9},
    {"gender": "woman", "age": 44, "profession": "doctor", "years in post": 12},
    {"gender": "man", "age": 47, "profession": "occupational therapist", "years in post": 15},
    {"gender": "woman", "age": 49, "profession": "physiotherapist", "years in post": 22},
]
ALL = ["gender", "age", "profession", "years in post"]


def _recheck(rows: list[dict[str, object]], columns: list[str], s: Suggestion, k: int) -> DisclosureReport:
    return check_groups(apply_suggestion(rows, s), columns, k)


# ---------------------------------------------------------------- bands


@pytest.mark.parametrize(
    ("value", "width", "label"),
    [
        (34, 10, "30–39"),
        (30, 10, "30–39"),
        (39, 10, "30–39"),
        (40, 10, "40–49"),
        (39.5, 10, "30–39"),
        (34.0, 5, "30–34"),
        (35, 5, "35–39"),
        (34, 20, "20–39"),
        (0, 5, "0–4"),
        (-3, 5, "-5–-1"),
        (7, 1, "7"),
        (None, 10, NOT_RECORDED),
        (float("nan"), 10, NOT_RECORDED),
        ("30–39", 20, "20–39"),
        ("35–39", 10, "30–39"),
    ],
)
def test_band_value(value: object, width: int, label: str) -> None:
    assert band_value(value, width) == label


@pytest.mark.parametrize(
    ("value", "width"),
    [(34, 0), (34, -5), (34, 2.5), (34, True), ("nurse", 10), (math.inf, 10), ("30–39", 5), ("30–39", 15)],
)
def test_band_value_refuses(value: object, width: object) -> None:
    with pytest.raises(InvalidInput):
        band_value(value, width)  # type: ignore[arg-type]


def test_show_value() -> None:
    assert show_value(None) == NOT_RECORDED
    assert show_value(34.0) == "34"
    assert show_value(2.5) == "2.5"
    assert show_value("nurse") == "nurse"


# ---------------------------------------------------------------- the study


def test_single_ages_identify_everyone() -> None:
    report = check_groups(STUDY, ["age"])
    assert not report.ok
    assert report.k == 3 and report.columns == ("age",)
    assert len(report.small_groups) == 8
    assert all(g.size == 1 for g in report.small_groups)
    assert report.people_at_risk == 8
    assert report.small_groups[0] == SmallGroup((("age", 32),), 1)


def test_banding_fixes_age() -> None:
    report = check_groups(STUDY, ["age"])
    first = report.suggestions[0]
    assert first.kind == "band" and first.column == "age" and first.fixes
    assert first.width == 10  # 5-year bands leave 30–34 with one person
    assert first.description.startswith("Report age in 10-year bands (30–39, 40–49)")
    assert "5-year bands would still leave groups smaller than 3" in first.description
    banded = apply_suggestion(STUDY, first)
    assert [row["age"] for row in banded] == ["30–39"] * 3 + ["40–49"] * 5
    assert check_groups(banded, ["age"]).ok
    assert STUDY[0]["age"] == 32  # the input is not changed
    # dropping age also works but loses more, so it comes later
    kinds = [(s.kind, s.fixes) for s in report.suggestions]
    assert ("drop", True) in kinds and kinds.index(("drop", True)) > 0
    assert first.information_loss < report.suggestions[-1].information_loss


def test_narrowest_band_that_works_is_chosen() -> None:
    rows = [{"age": a} for a in (30, 31, 33, 35, 36, 38)]
    first = check_groups(rows, ["age"]).suggestions[0]
    assert (first.kind, first.width, first.fixes) == ("band", 5, True)
    assert first.description == "Report age in 5-year bands (30–34, 35–39) instead of exact values."


def test_band_description_lists_examples() -> None:
    rows = [{"age": a} for a in (22, 25, 28, 33, 35, 37, 44, 45, 48)]
    first = check_groups(rows, ["age"]).suggestions[0]
    assert first.width == 10
    assert "(20–29, 30–39, ...)" in first.description


def test_non_year_column_bands() -> None:
    rows = [{"sessions attended": n} for n in (1, 2, 3, 6, 7, 8)]
    first = check_groups(rows, ["sessions attended"]).suggestions[0]
    assert first.kind == "band" and first.width == 5
    assert "bands 5 wide" in first.description


def test_rare_profession_flagged_and_merge_suggested() -> None:
    report = check_groups(STUDY, ["profession"])
    assert not report.ok
    sizes = {g.combination: g.size for g in report.small_groups}
    assert sizes[(("profession", "physiotherapist"),)] == 1
    assert sizes == {
        (("profession", "physiotherapist"),): 1,
        (("profession", "doctor"),): 2,
        (("profession", "occupational therapist"),): 2,
    }
    assert report.small_groups[0].describe() == "profession = physiotherapist (1 participant)"
    merge = report.suggestions[0]
    assert merge.kind == "merge" and merge.fixes
    assert set(merge.merged) == {"physiotherapist", "doctor", "occupational therapist"}
    assert "into “Other”" in merge.description
    merged = apply_suggestion(STUDY, merge)
    assert sorted({str(r["profession"]) for r in merged}) == [OTHER, "nurse"]
    assert check_groups(merged, ["profession"]).ok


def test_merge_grows_other_until_big_enough() -> None:
    rows = [{"role": r} for r in ["nurse"] * 4 + ["doctor"] * 3 + ["physiotherapist"]]
    merge = next(s for s in check_groups(rows, ["role"]).suggestions if s.kind == "merge")
    assert merge.merged == ("physiotherapist", "doctor")
    assert merge.fixes
    assert "rarest" in merge.description


def test_merge_never_merges_everything() -> None:
    rows = [{"role": r} for r in ["a", "a", "b", "b"]]
    report = check_groups(rows, ["role"])
    assert all(s.kind != "merge" for s in report.suggestions)
    assert [s.kind for s in report.suggestions] == ["drop"]


def test_all_four_columns() -> None:
    report = check_groups(STUDY, ALL)
    assert not report.ok
    assert len(report.small_groups) == 8
    assert report.suggestions  # steps towards a fix, none enough on its own
    assert not any(s.fixes for s in report.suggestions)
    for s in report.suggestions:
        assert _recheck(STUDY, ALL, s, 3).ok == s.fixes
        assert len(_recheck(STUDY, ALL, s, 3).small_groups) == s.remaining_groups
    rows, columns, steps = coarsen_until_safe(STUDY, ALL)
    assert steps and check_groups(rows, columns).ok
    assert set(columns) <= set(ALL)


def test_drop_suggestion_names_column_fixing_most() -> None:
    report = check_groups(STUDY, ["gender", "profession"])
    drop = next(s for s in report.suggestions if s.kind == "drop")
    assert drop.column == "profession" and drop.fixes
    assert report.suggestions[0] is drop or report.suggestions[0].fixes
    assert "Leave profession out" in drop.description


def test_fixing_suggestions_come_first_by_information_loss() -> None:
    report = check_groups(STUDY, ["gender", "age"])
    fixes = [s.fixes for s in report.suggestions]
    assert fixes == sorted(fixes, reverse=True)
    working = [s.information_loss for s in report.suggestions if s.fixes]
    assert working == sorted(working)


def test_missing_values_are_their_own_group() -> None:
    rows: list[dict[str, object]] = [{"profession": "nurse"} for _ in range(4)]
    rows += [{"profession": None}, {"profession": float("nan")}, {}]  # three ways to be missing
    rows += [{"profession": "doctor"} for _ in range(3)]
    assert check_groups(rows, ["profession"]).ok  # three not recorded: big enough
    rows.pop(5)
    report = check_groups(rows, ["profession"])
    assert report.small_groups == [SmallGroup((("profession", None),), 2)]
    assert report.findings() == ["profession = not recorded (2 participants): fewer than 3"]
    merge = next(s for s in report.suggestions if s.kind == "merge")
    assert None in merge.merged and "not recorded" in merge.description
    assert check_groups(apply_suggestion(rows, merge), ["profession"]).ok == merge.fixes


def test_missing_ages_stay_missing_when_banded() -> None:
    rows = [{"age": a} for a in (31, 32, 33, None, None, None, 36)]
    report = check_groups(rows, ["age"])
    assert [g.combination for g in report.small_groups] == [
        (("age", 31),), (("age", 32),), (("age", 33),), (("age", 36),)
    ]
    band = report.suggestions[0]
    assert band.kind == "band" and band.fixes
    assert band.width == 10  # 5-year bands leave 35–39 with one person
    out = apply_suggestion(rows, band)
    assert [r["age"] for r in out] == ["30–39"] * 3 + [None] * 3 + ["30–39"]


def test_k_one_is_always_ok() -> None:
    for columns in ([], ["age"], ALL):
        report = check_groups(STUDY, columns, k=1)
        assert report.ok and report.small_groups == [] and report.suggestions == []


@pytest.mark.parametrize("k", [0, -1, True, 2.5, "3"])
def test_bad_k(k: object) -> None:
    with pytest.raises(InvalidInput):
        check_groups(STUDY, ["age"], k=k)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        check_attribute_groups({"a": 5}, k=k)  # type: ignore[arg-type]


def test_bad_columns_and_rows() -> None:
    with pytest.raises(InvalidInput):
        check_groups(STUDY, "age")
    with pytest.raises(InvalidInput):
        check_groups(STUDY, ["age", "age"])
    with pytest.raises(InvalidInput):
        check_groups([["not", "a", "mapping"]], ["age"])  # type: ignore[list-item]
    with pytest.raises(InvalidInput):
        check_groups([{"age": [1, 2]}], ["age"])


def test_empty_inputs() -> None:
    assert check_groups([], ["age"]).ok
    assert check_groups(STUDY, []).ok
    tiny = check_groups(STUDY[:2], [])
    assert not tiny.ok and tiny.small_groups == [SmallGroup((), 2)]
    assert tiny.small_groups[0].describe() == "all participants (2 participants)"


def test_raise_if_unsafe() -> None:
    check_groups(STUDY, ["gender"]).raise_if_unsafe()
    report = check_groups(STUDY, ["age"])
    with pytest.raises(OutputBlocked) as exc:
        report.raise_if_unsafe("The participants table")
    assert str(exc.value).startswith("The participants table would show 8 groups of fewer than 3")
    assert "\n" not in str(exc.value)
    assert len(exc.value.findings) == 8
    assert exc.value.findings[0] == "age = 32 (1 participant): fewer than 3"


def test_drop_suggestion_applied() -> None:
    report = check_groups(STUDY, ["age"])
    drop = next(s for s in report.suggestions if s.kind == "drop")
    out = apply_suggestion(STUDY, drop)
    assert all("age" not in r for r in out)
    assert check_groups(out, ["age"]).ok and check_groups(out, []).ok


def test_check_attribute_groups() -> None:
    sizes = {"women": 5, "men": 2, "non-binary": 1, "prefer not to say": 0, "nurse": 3}
    assert check_attribute_groups(sizes) == ["men", "non-binary"]
    assert check_attribute_groups(sizes, k=1) == []
    assert check_attribute_groups(sizes, k=6) == ["women", "men", "non-binary", "nurse"]
    with pytest.raises(InvalidInput):
        check_attribute_groups({"a": -1})
    with pytest.raises(InvalidInput):
        check_attribute_groups({"a": 1.5})  # type: ignore[dict-item]


# ---------------------------------------------------------------- properties

_MISSING = "\x00missing"

categorical = st.sampled_from(["a", "b", "c", "d", None])
numeric = st.one_of(st.integers(min_value=18, max_value=70), st.none())


@st.composite
def tables(draw: st.DrawFn) -> tuple[list[dict[str, object]], list[str], int]:
    kinds = draw(st.lists(st.sampled_from(["cat", "num"]), min_size=1, max_size=3))
    columns = [f"{kind}{i}" for i, kind in enumerate(kinds)]
    n = draw(st.integers(min_value=0, max_value=40))
    rows = []
    for _ in range(n):
        rows.append({c: draw(categorical if c.startswith("cat") else numeric) for c in columns})
    k = draw(st.integers(min_value=1, max_value=5))
    return rows, columns, k


def _pandas_small_groups(rows: list[dict[str, object]], columns: list[str], k: int) -> dict[tuple, int]:
    if not rows:
        return {}
    frame = pd.DataFrame(
        [{c: (_MISSING if r[c] is None else r[c]) for c in columns} for r in rows], dtype=object
    )
    sizes = frame.groupby(columns, dropna=False).size()
    out = {}
    for key, size in sizes.items():
        key = key if isinstance(key, tuple) else (key,)
        if size < k:
            out[tuple(None if v == _MISSING else v for v in key)] = int(size)
    return out


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_small_groups_match_pandas(case: tuple[list[dict[str, object]], list[str], int]) -> None:
    rows, columns, k = case
    report = check_groups(rows, columns, k)
    ours = {tuple(v for _, v in g.combination): g.size for g in report.small_groups}
    assert ours == _pandas_small_groups(rows, columns, k)
    assert report.ok == (not report.small_groups)
    assert all(tuple(c for c, _ in g.combination) == tuple(columns) for g in report.small_groups)
    sizes = [g.size for g in report.small_groups]
    assert sizes == sorted(sizes)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_suggestions_do_what_they_say(case: tuple[list[dict[str, object]], list[str], int]) -> None:
    rows, columns, k = case
    report = check_groups(rows, columns, k)
    if report.ok:
        assert report.suggestions == []
        return
    for s in report.suggestions:
        after = _recheck(rows, columns, s, k)
        assert after.ok == s.fixes
        assert len(after.small_groups) == s.remaining_groups
        assert after.people_at_risk == s.remaining_people
        assert s.information_loss >= 0
    fixing = [s for s in report.suggestions if s.fixes]
    if fixing:
        assert report.suggestions[0] is fixing[0]
        assert _recheck(rows, columns, fixing[0], k).ok
        losses = [s.information_loss for s in fixing]
        assert losses == sorted(losses)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables())
def test_coarsen_until_safe(case: tuple[list[dict[str, object]], list[str], int]) -> None:
    rows, columns, k = case
    out, kept, steps = coarsen_until_safe(rows, columns, k)
    assert len(out) == len(rows)
    if len(rows) >= k:
        assert check_groups(out, kept, k).ok
        assert check_groups(out, columns, k).ok
    if check_groups(rows, columns, k).ok:
        assert steps == [] and out == rows
