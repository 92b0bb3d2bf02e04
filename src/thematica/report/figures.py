"""Report figures: thematic map, heatmap, saturation curve and code frequencies.

Each figure is drawn on its own :class:`matplotlib.figure.Figure` with the Agg canvas (pyplot and the
global backend are never touched), in matplotlib's bundled DejaVu Sans, and written twice with one stem:
a PNG (200 dpi, white) and an SVG whose text stays text. Identical input gives byte-identical files.
"""

from __future__ import annotations

import math
import numbers
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.collections import LineCollection
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure as MplFigure
from matplotlib.patches import FancyBboxPatch
from matplotlib.ticker import MaxNLocator

from ..analysis.tables import Table
from .data import Figure, ThemeSection

__all__ = ["code_frequencies", "heatmap", "saturation_curve", "thematic_map"]

DPI = 200
_MAX_PIXELS = 30000  # PNG side limit: dpi is lowered only for enormous figures
_INK, _BAR = "#222222", "#4e79a7"
_RC: dict[str, Any] = {  # applied with rc_context around each figure; the user's rcParams are untouched
    "font.family": "sans-serif", "font.sans-serif": ["DejaVu Sans"], "mathtext.fontset": "dejavusans",
    "text.usetex": False, "svg.fonttype": "none", "svg.hashsalt": "thematica",
    "figure.facecolor": "white", "axes.facecolor": "white", "savefig.facecolor": "white",
    "axes.spines.top": False, "axes.spines.right": False, "axes.labelsize": 9, "axes.titlesize": 12,
    "axes.titleweight": "bold", "axes.titlelocation": "left", "axes.titlecolor": _INK,
    "xtick.labelsize": 9, "ytick.labelsize": 9, "legend.fontsize": 8, "legend.frameon": False,
}
_SVG_META, _PNG_META = {"Date": None, "Creator": "thematica"}, {"Date": None, "Software": "thematica"}
_PALETTE = ("#2e5a87", "#a23b3b", "#3d7a3a", "#6f4a8e", "#b3591c", "#2a7f7f", "#8a6d1a", "#7a4e3a", "#9c3d6f")


def _esc(text: Any) -> str:
    """``text`` as a plain label: dollar signs never start mathtext."""
    return str(text).replace("$", r"\$")


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(str(text), width, break_long_words=True)) or " "


def _number(value: Any) -> float | int | None:
    """``value`` if it is a finite real number (bools excluded), else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    if not math.isfinite(float(value)):
        return None
    return int(value) if isinstance(value, numbers.Integral) else float(value)


def _new_figure(width: float, height: float, constrained: bool = False) -> MplFigure:
    fig = MplFigure(figsize=(width, height), dpi=DPI, facecolor="white", layout="constrained" if constrained else None)
    FigureCanvasAgg(fig)
    return fig


@lru_cache(maxsize=1)
def _scratch() -> tuple[MplFigure, RendererAgg]:
    """A 72-dpi figure and renderer for measuring text (1 pixel = 1 point)."""
    fig = MplFigure(dpi=72)
    return fig, FigureCanvasAgg(fig).get_renderer()


def _text_size(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height in inches of (possibly multi-line) ``text`` in DejaVu Sans."""
    fig, renderer = _scratch()
    with matplotlib.rc_context(_RC):
        t = fig.text(0, 0, _esc(text), fontsize=size, fontweight=weight)
    box = t.get_window_extent(renderer)
    t.remove()
    return box.width / 72, box.height / 72


def _save(fig: MplFigure, out: Path, caption: str) -> Figure:
    """Write the PNG and the SVG (same stem), release the figure, return the report Figure."""
    out = Path(out)
    stem = out.with_suffix("") if out.suffix.lower() in {".png", ".svg"} else out
    png, svg = stem.with_name(stem.name + ".png"), stem.with_name(stem.name + ".svg")
    png.parent.mkdir(parents=True, exist_ok=True)
    dpi = min(DPI, int(_MAX_PIXELS / max(*fig.get_size_inches(), 1)))
    try:
        fig.savefig(png, format="png", dpi=dpi, facecolor="white", metadata=_PNG_META)
        fig.savefig(svg, format="svg", facecolor="white", metadata=_SVG_META)
    finally:
        fig.clear()
    return Figure(path=png, caption=caption, svg=svg)


def _message(out: Path, title: str, message: str, caption: str) -> Figure:
    """A small figure with a title and a grey message (for empty input)."""
    fig = _new_figure(6, 2)
    fig.text(0.05, 0.8, _esc(title), fontsize=13, fontweight="bold", color=_INK, va="center")
    fig.text(0.5, 0.4, message, fontsize=12, style="italic", color="#777777", ha="center", va="center")
    return _save(fig, out, caption)


_MAP_FONT = {"theme": (11.0, "bold", 24), "sub": (9.5, "normal", 26), "code": (8.5, "normal", 36)}
_PAD_X, _PAD_Y, _GAP_X, _GAP_Y, _MARGIN = 0.12, 0.07, 0.55, 0.1, 0.3  # inches


@dataclass(eq=False)
class _Node:
    """One box (theme, subtheme) or label (code) of the map, positioned in inches."""

    kind: str  # "theme", "sub" or "code"
    label: str  # wrapped
    colour: str
    column: int
    depth: int = 0
    children: list[_Node] = field(default_factory=list)
    width: float = 0.0
    height: float = 0.0
    span: float = 0.0  # vertical room for the node and its descendants
    y: float = 0.0  # centre

    def walk(self) -> Iterator[_Node]:
        yield self
        for child in self.children:
            yield from child.walk()


def _tree(section: ThemeSection, depth: int, colour: str, names: set[str]) -> _Node:
    """The map node of ``section``; its code names are added to ``names``.

    A code shown under a subtheme is not repeated under its parent (in case
    ``codes`` holds the union over the subthemes).
    """
    kind = "theme" if depth == 0 else "sub"
    node = _Node(kind, _wrap(section.name, _MAP_FONT[kind][2]), colour, depth, depth)
    below: set[str] = set()
    node.children = [_tree(child, depth + 1, colour, below) for child in section.children]
    own = [code for code in dict.fromkeys(section.codes) if code not in below]
    node.children += [_Node("code", _wrap(code, _MAP_FONT["code"][2]), colour, -1, depth + 1) for code in own]
    names.update(below, own)
    return node


def _measure(node: _Node) -> float:
    """Set width/height/span of ``node`` and its descendants; return the span."""
    size, weight, _ = _MAP_FONT[node.kind]
    width, height = _text_size(node.label, size, weight)
    pad_x, pad_y = (0.0, 0.02) if node.kind == "code" else (_PAD_X, _PAD_Y)
    node.width, node.height = width + 2 * pad_x, height + 2 * pad_y
    own = node.height + (_GAP_Y if node.kind == "code" else 2 * _GAP_Y)
    node.span = max(own, sum(_measure(child) for child in node.children))
    return node.span


def _place(node: _Node, top: float) -> None:
    """Stack the children inside the node's span and centre the node on them (never outside its span)."""
    kids = sum(child.span for child in node.children)
    y = top + (node.span - kids) / 2
    for child in node.children:
        _place(child, y)
        y += child.span
    centre = top + node.span / 2
    if node.children and kids > node.height:
        centre = (node.children[0].y + node.children[-1].y) / 2
    node.y = min(max(centre, top + node.height / 2), top + node.span - node.height / 2)


def thematic_map(themes: Sequence[ThemeSection], out: Path, title: str = "Thematic map") -> Figure:
    """Themes -> subthemes (any depth) -> codes as a left-to-right tree; codes aligned in the last column."""
    with matplotlib.rc_context(_RC):
        if not themes:
            return _message(out, title, "No themes yet", f"{title}: no themes yet.")
        names: set[str] = set()
        roots = [_tree(theme, 0, _PALETTE[i % len(_PALETTE)], names) for i, theme in enumerate(themes)]
        nodes = [node for root in roots for node in root.walk()]
        code_column = max(n.column for n in nodes) + 1
        widths = [0.0] * (code_column + 1)
        for root in roots:
            _measure(root)
        for node in nodes:
            node.column = code_column if node.kind == "code" else node.column
            widths[node.column] = max(widths[node.column], node.width)
        xs = [_MARGIN]
        for width in widths[:-1]:
            xs.append(xs[-1] + width + _GAP_X)
        title_w, title_h = _text_size(title, 14, "bold")
        top = _MARGIN + title_h + 0.25
        for root in roots:
            _place(root, top)
            top += root.span + _GAP_Y * 1.5
        fig_w = max(xs[-1] + widths[-1], title_w + _MARGIN) + _MARGIN
        fig_h = top - _GAP_Y * 1.5 + _MARGIN
        fig = _new_figure(fig_w, fig_h)
        ax = fig.add_axes((0, 0, 1, 1), xlim=(0, fig_w), ylim=(fig_h, 0))  # inches, y down
        ax.set_axis_off()
        ax.text(_MARGIN, _MARGIN, _esc(title), fontsize=14, fontweight="bold", color=_INK, va="top")
        lines = []
        for node in nodes:
            x = xs[node.column]
            if node.children:  # elbow connectors in the gap right of the node
                right = x + widths[node.column]
                mid = right + _GAP_X / 2
                ys = [child.y for child in node.children] + [node.y]
                lines += [[(right, node.y), (mid, node.y)], [(mid, min(ys)), (mid, max(ys))]]
                lines += [[(mid, c.y), (xs[c.column] - (0.05 if c.kind == "code" else 0), c.y)] for c in node.children]
            size, weight, _ = _MAP_FONT[node.kind]
            if node.kind == "code":
                ax.text(x, node.y, _esc(node.label), fontsize=size, color=_INK, va="center", ha="left")
                continue
            is_theme = node.kind == "theme"
            tint = 0.8 if node.depth == 1 else 0.9  # deeper subthemes lighter still
            face = node.colour if is_theme else [c + (1 - c) * tint for c in to_rgb(node.colour)]
            ax.add_patch(FancyBboxPatch((x, node.y - node.height / 2), widths[node.column], node.height,
                                        boxstyle="round,pad=0,rounding_size=0.06", facecolor=face,
                                        edgecolor=node.colour, linewidth=1.0 if is_theme else 0.8, zorder=2))
            ax.text(x + widths[node.column] / 2, node.y, _esc(node.label), fontsize=size, fontweight=weight,
                    color="white" if is_theme else _INK, ha="center", va="center", multialignment="center", zorder=3)
        ax.add_collection(LineCollection(lines, colors="#9a9a9a", linewidths=0.9, zorder=1))
        n_sub = sum(1 for n in nodes if n.kind == "sub")
        parts = [_plural(len(roots), "theme")] + ([_plural(n_sub, "subtheme")] if n_sub else [])
        parts.append(_plural(len(names), "code") if names else "no codes")
        return _save(fig, out, f"{title}: {', '.join(parts[:-1])} and {parts[-1]}.")


def heatmap(table: Table, out: Path, title: str | None = None, value_label: str = "segments") -> Figure:
    """Rows x numeric columns of ``table`` as an annotated heatmap with a colour bar.

    Integers are shown without decimals; floats are taken as percentages (0-100)
    and shown with one decimal. Other cells are blank; columns without any number are left out.
    """
    title = title or table.title or "Heatmap"
    rows = [str(row[0]) if row and row[0] is not None else "" for row in table.rows]
    keep = [j for j in range(1, len(table.columns)) if any(j < len(r) and _number(r[j]) is not None for r in table.rows)]
    values = [[_number(row[j]) if j < len(row) else None for j in keep] for row in table.rows]
    columns = [textwrap.shorten(str(table.columns[j]), 40, placeholder="…") for j in keep]
    with matplotlib.rc_context(_RC):
        if not rows or not columns:
            return _message(out, title, "No numeric values to show", f"{title}: no numeric values to show.")
        percent = any(v is not None and not isinstance(v, numbers.Integral) for row in values for v in row)
        data = np.ma.masked_invalid(np.array([[np.nan if v is None else float(v) for v in row] for row in values]))
        rows = [textwrap.shorten(r, 50, placeholder="…") for r in rows]
        row_w = max(_text_size(r, 9)[0] for r in rows)
        col_h = max(_text_size(c, 9)[0] for c in columns) * math.sin(math.radians(45))
        cell_w, cell_h = (0.75 if percent else 0.6), 0.42
        width = row_w + max(len(columns) * cell_w + 1.8, _text_size(title, 12, "bold")[0] + 0.4)
        fig = _new_figure(max(4.0, width), max(2.4, len(rows) * cell_h + col_h + 1.0), constrained=True)
        ax = fig.add_subplot(xlim=(0, len(columns)), ylim=(len(rows), 0))
        vmin = min(0.0, float(data.min()))
        vmax = max(float(data.max()), vmin + 1.0)
        cmap = matplotlib.colormaps["Blues"].with_extremes(bad="white")
        mesh = ax.pcolormesh(data, cmap=cmap, vmin=vmin, vmax=vmax, edgecolors="#d0d0d0", linewidth=0.6)
        ax.set_xticks(np.arange(len(columns)) + 0.5, [_esc(c) for c in columns],
                      rotation=45, ha="right", rotation_mode="anchor")
        ax.set_yticks(np.arange(len(rows)) + 0.5, [_esc(r) for r in rows])
        ax.tick_params(length=0)
        ax.spines[:].set_visible(False)
        ax.set_title(_esc(title))
        if len(rows) <= 60 and len(columns) <= 60:
            for i, row in enumerate(values):
                for j, v in ((j, v) for j, v in enumerate(row) if v is not None):
                    dark = (float(v) - vmin) / (vmax - vmin) > 0.55
                    ax.text(j + 0.5, i + 0.5, f"{float(v):.1f}%" if percent else f"{int(v):d}", ha="center",
                            va="center", fontsize=8, color="white" if dark else _INK)
        bar = fig.colorbar(mesh, ax=ax, fraction=0.05, pad=0.02, aspect=max(12, 3 * len(rows)))  # bar ~0.14 in wide
        bar.set_label(_esc(value_label))
        bar.outline.set_visible(False)
        bar.ax.tick_params(labelsize=8)
        if not percent:
            bar.ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        return _save(fig, out, f"{title}: heatmap of {value_label} for {_plural(len(rows), 'row')} "
                               f"({table.columns[0]}) and {_plural(len(columns), 'column')}.")


def saturation_curve(table: Table, out: Path) -> Figure:
    """New codes per source (bars) and the cumulative number of codes (line), in coding order.

    ``table`` has the columns ("source", "new codes", "cumulative codes"), found by
    name (else by position); a missing cumulative count is summed here.
    """
    title, names = "Code saturation", list(table.columns)
    src, nc, cc = (names.index(k) if k in names else i for i, k in enumerate(("source", "new codes", "cumulative codes")))
    sources, new, cumulative = [], [], []
    for row in table.rows:
        sources.append(str(row[src]))
        new.append(int(_number(row[nc]) or 0))
        given = _number(row[cc]) if cc < len(row) else None
        cumulative.append(int(given) if given is not None else sum(new))
    with matplotlib.rc_context(_RC):
        if not sources:
            return _message(out, title, "No coded sources yet", f"{title}: no coded sources yet.")
        labels = [textwrap.shorten(s, 30, placeholder="…") for s in sources]
        rotate = len(labels) > 8 or max(len(s) for s in labels) > 8
        label_h = max(_text_size(s, 9)[0] for s in labels) * 0.71 if rotate else 0.3
        pitch = 0.45 if len(labels) <= 12 else 0.22  # rotated labels need ~0.2 in each
        fig = _new_figure(max(6.0, pitch * len(labels) + 2.0), 3.8 + label_h, constrained=True)
        x = np.arange(len(labels))
        ax = fig.add_subplot(xlim=(-0.6, len(labels) - 0.4), ylim=(0, max(*cumulative, *new, 1) * 1.12),
                             xlabel="Source (in coding order)", ylabel="Codes")
        ax.bar(x, new, width=0.65, color=_BAR, alpha=0.85, label="New codes", zorder=2)
        ax.plot(x, cumulative, color="#c0392b", marker="o", markersize=4, linewidth=1.8, label="Cumulative codes", zorder=3)
        ax.annotate(str(cumulative[-1]), (x[-1], cumulative[-1]), xytext=(0, 6), textcoords="offset points",
                    ha="center", fontsize=8, color="#c0392b")  # the total at the end of the line
        turn = {"rotation": 45, "ha": "right", "rotation_mode": "anchor"} if rotate else {}
        ax.set_xticks(x, [_esc(s) for s in labels], **turn)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", color="#e5e5e5", zorder=0)
        ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncols=2)  # above the plot, beside the title
        ax.set_title(title)
        return _save(fig, out, f"Saturation curve: new codes per source (bars) and the cumulative number of codes "
                               f"(line) over {_plural(len(labels), 'source')} in coding order.")


def code_frequencies(counts: Sequence[tuple[str, int]], out: Path, title: str = "Code frequencies",
                     top: int = 30, value_label: str = "segments") -> Figure:
    """Horizontal bars of the ``top`` most frequent codes, largest at the top, values at bar ends."""
    items = sorted(((str(name), int(n)) for name, n in counts), key=lambda kv: (-kv[1], kv[0]))
    shown = items[: max(top, 0)]
    with matplotlib.rc_context(_RC):
        if not shown:
            return _message(out, title, "No codes yet", f"{title}: no codes yet.")
        labels = [_wrap(name, 48) for name, _ in shown]
        sizes = [_text_size(label, 9) for label in labels]
        pitch = max(0.3, max(h for _, h in sizes) + 0.14)  # bars are evenly spaced
        width = max(w for w, _ in sizes) + max(4.5, _text_size(title, 12, "bold")[0] + 0.4)
        fig = _new_figure(max(6.0, width), pitch * len(shown) + 1.3, constrained=True)
        ax = fig.add_subplot(ylim=(len(shown) - 0.5, -0.5), xlim=(0, max(shown[0][1], 1) * 1.12),
                             xlabel=_esc(value_label.capitalize()))
        bars = ax.barh(np.arange(len(shown)), [n for _, n in shown], height=0.7, color=_BAR, zorder=2)
        ax.bar_label(bars, padding=3, fontsize=8, color=_INK)
        ax.set_yticks(np.arange(len(shown)), [_esc(label) for label in labels])
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.tick_params(axis="x", labelsize=8)
        ax.tick_params(axis="y", length=0)
        ax.grid(axis="x", color="#e5e5e5", zorder=0)
        ax.set_title(_esc(title))
        which = _plural(len(shown), "code")
        which = f"the {len(shown)} most frequent of {len(items)} codes" if len(shown) < len(items) else which
        return _save(fig, out, f"{title}: number of {value_label} for {which}, most frequent first.")
