"""Report figures: valid PNG + SVG pairs, text kept as text, deterministic output, edge cases."""

from __future__ import annotations

import re
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import matplotlib.image
import pytest

from thematica.analysis.tables import Table
from thematica.report.data import Figure, ThemeSection
from thematica.report.figures import (
    DPI,
    code_frequencies,
    heatmap,
    saturation_curve,
    thematic_map,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SVG_TEXT = "{http://www.w3.org/2000/svg}text"


def section(name: str, level: int = 0, codes: tuple[str, ...] = (), children: tuple[ThemeSection, ...] = ()) -> ThemeSection:
    return ThemeSection(
        id=len(name), name=name, level=level, definition="", concept="", narrative="", status="draft",
        participants=3, participants_total=8, sources=3, segments=12, codes=codes, quotes=(), children=children,
    )


DEMO_SUBTHEMES = {
    "Meaning of co-production: partnership and lived experience": (
        "Equal partnership", "Valuing lived experience", "Shared decision-making", "Learning from Peer Trainers",
        "Being human in the room", "Student responses"),
    "Power: letting go and holding on": (
        "Letting go of power", "Holding clinical responsibility", "Professional identity", "taking the uniform off",
        "Anxiety about co-delivery"),
    "Negotiating roles": (
        "Supporting an unwell co-trainer", "Dual relationship", "Boundaries and self-disclosure",
        "Organisational support", "Time and workload"),
    "Impact on clinical practice": (
        "Changed language", "Recovery-oriented practice", "Hope", "Stigma in services", "Costs of $5 and $10 a session",
        "Co-production beyond the College"),
}
DEMO_THEME = "Co-production reshapes what it means to be a clinician"


@pytest.fixture
def demo_themes() -> tuple[ThemeSection, ...]:
    """One theme with four subthemes and 22 codes, like the demo study."""
    subs = tuple(section(name, 1, codes) for name, codes in DEMO_SUBTHEMES.items())
    return (section(DEMO_THEME, 0, children=subs),)


@pytest.fixture
def coverage() -> Table:
    rows = tuple((f"P0{i}", i * 3, (i * 7) % 11, None if i == 3 else i, 12 - i, "note") for i in range(1, 9))
    columns = ("participant", "Meaning of co-production", "Power", "Negotiating roles", "Impact on practice", "comment")
    return Table("Participants by theme", columns, rows)


@pytest.fixture
def saturation() -> Table:
    new = [9, 6, 4, 3, 1, 1, 0, 0]
    rows = tuple((f"P0{i} interview", n, sum(new[:i]), "a, b") for i, n in enumerate(new, 1))
    return Table("Saturation", ("source", "new codes", "cumulative codes", "codes first seen"), rows)


def texts(svg: Path) -> list[ET.Element]:
    """The SVG's <text> elements (the file must parse)."""
    return list(ET.parse(svg).getroot().iter(SVG_TEXT))


def all_text(svg: Path) -> str:
    """All text of the SVG, wrapped lines joined by single spaces."""
    return " ".join("".join(el.itertext()).strip() for el in texts(svg))


def check(figure: Figure, *names: str) -> str:
    """The PNG and SVG are valid and beside each other; ``names`` appear as SVG text. Returns the text."""
    assert figure.svg is not None and figure.svg == figure.path.with_suffix(".svg")
    assert figure.path.suffix == ".png" and figure.path.read_bytes()[:8] == PNG_SIGNATURE
    image = matplotlib.image.imread(figure.path)
    assert image.ndim == 3 and image.shape[0] > 0 and image.shape[1] > 0 and image.shape[2] in (3, 4)
    assert image[0, 0, :3].tolist() == [1.0, 1.0, 1.0]  # white background
    text = all_text(figure.svg)
    for name in names:
        assert name in text, name
    assert figure.caption.endswith(".") and figure.caption.count(". ") == 0  # one sentence
    return text


# ---------------------------------------------------------------- thematic map

def test_thematic_map_demo(tmp_path: Path, demo_themes: tuple[ThemeSection, ...]) -> None:
    started = time.perf_counter()
    figure = thematic_map(demo_themes, tmp_path / "map.png")
    elapsed = time.perf_counter() - started
    codes = [code for group in DEMO_SUBTHEMES.values() for code in group]
    text = check(figure, "Thematic map", DEMO_THEME, *DEMO_SUBTHEMES, *codes)
    assert "$5 and $10" in text  # dollar signs are plain text, not mathtext
    assert figure.caption == "Thematic map: 1 theme, 4 subthemes and 22 codes."
    print(f"demo thematic map: {elapsed:.3f} s")  # informative only (-s shows it)


def test_thematic_map_grows_with_nodes(tmp_path: Path) -> None:
    eight = [section(f"Theme {i}: a fairly long theme name", 0, tuple(f"Code {i}.{j}" for j in range(5))) for i in range(8)]
    big = thematic_map(eight, tmp_path / "eight.png", title="Eight themes")
    small = thematic_map(eight[:1], tmp_path / "one.png")
    check(big, "Eight themes", *[t.name for t in eight], *[c for t in eight for c in t.codes])
    assert big.caption == "Eight themes: 8 themes and 40 codes."
    big_h, small_h = (matplotlib.image.imread(f.path).shape[0] for f in (big, small))
    assert big_h > 4 * small_h


def test_thematic_map_lone_theme_and_nesting(tmp_path: Path) -> None:
    lone = thematic_map([section("Lonely theme")], tmp_path / "lone.png")
    check(lone, "Lonely theme")
    assert lone.caption == "Thematic map: 1 theme and no codes."
    deep = section("Deep", 2, ("deep code",))
    nested = section("Top", 0, ("direct code", "deep code"), (section("Middle", 1, ("mid code",), (deep,)),))
    figure = thematic_map([nested], tmp_path / "nested.png")
    text = check(figure, "Top", "Middle", "Deep", "direct code", "deep code", "mid code")
    assert text.count("deep code") == 1  # a code under a subtheme is not repeated under its parent
    assert figure.caption == "Thematic map: 1 theme, 2 subthemes and 3 codes."


def test_thematic_map_long_names_are_wrapped(tmp_path: Path) -> None:
    long = "A subtheme with an extremely long name that needs to be wrapped over several lines to fit"
    figure = thematic_map([section("Theme", 0, children=(section(long, 1, ("c",)),))], tmp_path / "long.png")
    check(figure, long)
    assert sum(1 for el in texts(figure.svg) if "".join(el.itertext()) in long) >= 3


def test_thematic_map_empty(tmp_path: Path) -> None:
    figure = thematic_map([], tmp_path / "empty.png")
    check(figure, "No themes yet")
    assert figure.caption == "Thematic map: no themes yet."


# --------------------------------------------------------------------- heatmap

def test_heatmap(tmp_path: Path, coverage: Table) -> None:
    figure = heatmap(coverage, tmp_path / "heat.png")
    text = check(figure, "Participants by theme", *[r[0] for r in coverage.rows], *coverage.columns[1:5], "segments")
    assert "comment" not in text and "note" not in text  # the text column is left out
    cells = [t for t in ("".join(el.itertext()) for el in texts(figure.svg)) if t.isdigit()]
    assert "24" in cells and "11" in cells
    assert figure.caption == "Participants by theme: heatmap of segments for 8 rows (participant) and 4 columns."


def test_heatmap_percentages_and_blank_cells(tmp_path: Path) -> None:
    table = Table("Coverage", ("participant", "A", "B", "C"), (("P01", 12.5, 100.0, 0.0), ("P02", 33.333, None, "n/a")))
    figure = heatmap(table, tmp_path / "pct.svg", title="Share of text", value_label="% of text")
    assert figure.path == tmp_path / "pct.png"
    text = check(figure, "Share of text", "% of text", "12.5%", "100.0%", "0.0%", "33.3%")
    assert "n/a" not in text and "None" not in text and "nan" not in text
    cells = [t for t in ("".join(el.itertext()) for el in texts(figure.svg)) if re.fullmatch(r"\d+\.\d%", t)]
    assert sorted(cells) == ["0.0%", "100.0%", "12.5%", "33.3%"]  # the None and "n/a" cells stay blank


def test_heatmap_without_numbers(tmp_path: Path) -> None:
    figure = heatmap(Table("Empty", ("code", "note"), (("a", "x"),)), tmp_path / "none")
    assert figure.path == tmp_path / "none.png" and figure.svg == tmp_path / "none.svg"
    check(figure, "No numeric values")


# ------------------------------------------------------------ saturation curve

def test_saturation_curve(tmp_path: Path, saturation: Table) -> None:
    figure = saturation_curve(saturation, tmp_path / "sat.png")
    text = check(figure, *[row[0] for row in saturation.rows], "New codes", "Cumulative codes")
    assert "a, b" not in text  # the 'codes first seen' column is not drawn
    assert "8 sources" in figure.caption
    ticks = [t for t in ("".join(el.itertext()) for el in texts(figure.svg)) if t.isdigit()]
    assert ticks and all(float(t).is_integer() for t in ticks) and "." not in "".join(ticks)


def test_saturation_curve_many_sources_and_no_cumulative(tmp_path: Path) -> None:
    rows = tuple((f"Source {i:02d}", max(0, 10 - i)) for i in range(40))
    figure = saturation_curve(Table("Saturation", ("source", "new codes"), rows), tmp_path / "many.png")
    check(figure, "Source 00", "Source 39", "55")  # cumulative total summed here
    labels = [el for el in texts(figure.svg) if "".join(el.itertext()) in {row[0] for row in rows}]
    assert len(labels) == 40
    assert labels and all("rotate(-45" in el.get("transform", "") for el in labels)


def test_saturation_curve_empty(tmp_path: Path) -> None:
    check(saturation_curve(Table("Saturation", ("source", "new codes", "cumulative codes"), ()), tmp_path / "s.png"),
          "No coded sources yet")


# ------------------------------------------------------------ code frequencies

def test_code_frequencies_top_and_order(tmp_path: Path) -> None:
    counts = [(f"code {i:02d}", (i * 37) % 50) for i in range(45)]
    figure = code_frequencies(counts, tmp_path / "freq.png")
    ranked = sorted(counts, key=lambda kv: (-kv[1], kv[0]))
    text = check(figure, "Code frequencies", *[name for name, _ in ranked[:30]], "49")
    assert all(name not in text for name, _ in ranked[30:])
    y = {"".join(el.itertext()): float(el.get("y", "nan")) for el in texts(figure.svg)}
    assert [y[name] for name, _ in ranked[:30]] == sorted(y[name] for name, _ in ranked[:30])  # largest at the top
    assert figure.caption == "Code frequencies: number of segments for the 30 most frequent of 45 codes, most frequent first."


def test_code_frequencies_small_and_empty(tmp_path: Path) -> None:
    few = code_frequencies([("Hope", 3), ("A code with a very long name that certainly has to be wrapped somewhere", 7)],
                           tmp_path / "few.png", title="Top codes", top=5)
    check(few, "Top codes", "Hope", "A code with a very long name", "3", "7")
    assert few.caption == "Top codes: number of segments for 2 codes, most frequent first."
    check(code_frequencies([], tmp_path / "none.png"), "No codes yet")


# ------------------------------------------------------ determinism and hygiene

def test_identical_input_gives_identical_files(
    tmp_path: Path, demo_themes: tuple[ThemeSection, ...], coverage: Table, saturation: Table
) -> None:
    def draw(folder: Path) -> list[Figure]:
        return [thematic_map(demo_themes, folder / "map.png"), heatmap(coverage, folder / "heat.png"),
                saturation_curve(saturation, folder / "sat.png"), code_frequencies([("a", 2), ("b", 5)], folder / "f.png")]

    for first, second in zip(draw(tmp_path / "one"), draw(tmp_path / "two"), strict=True):
        assert first.svg.read_bytes() == second.svg.read_bytes()
        assert first.path.read_bytes() == second.path.read_bytes()
        assert b"<dc:date>" not in first.svg.read_bytes()


def test_png_resolution_and_global_state(tmp_path: Path, saturation: Table) -> None:
    before = dict(matplotlib.rcParams)
    had_pyplot = "matplotlib.pyplot" in sys.modules
    figure = saturation_curve(saturation, tmp_path / "sat.png")
    assert dict(matplotlib.rcParams) == before
    assert had_pyplot or "matplotlib.pyplot" not in sys.modules
    root = ET.parse(figure.svg).getroot()
    width_in = float(root.get("width", "0pt").removesuffix("pt")) / 72
    assert matplotlib.image.imread(figure.path).shape[1] == pytest.approx(width_in * DPI, abs=2)
