"""A short, plain-language reading of agreement figures, and the table that carries them.

Kappa-type coefficients correct for chance agreement estimated from the
coders' own marginals; when a code is rare, chance agreement is high and
kappa can be low although the coders agree on almost every unit (the
"kappa paradoxes", Feinstein & Cicchetti 1990). The reading points this out
and names the steadier figure (Gwet's AC1, Brennan-Prediger).
"""

from __future__ import annotations

from typing import Sequence

from ..analysis.tables import Table
from .stats import Agreement

#: Landis & Koch (1977) bands for kappa-type coefficients.
_BANDS = ((0.0, "poor"), (0.2, "slight"), (0.4, "fair"), (0.6, "moderate"), (0.8, "substantial"), (1.01, "almost perfect"))


def band(value: float) -> str:
    """Landis & Koch's word for a kappa-type value."""
    if value < 0:
        return "poor"
    for upper, word in _BANDS[1:]:
        if value <= upper:
            return word
    return "almost perfect"


def reading(a: Agreement, share_coded: float | None = None) -> str:
    """One or two sentences on what the figures for one code mean."""
    if a.percent is None:
        return a.reasons.get("percent", "no units were coded by more than one coder")
    kappa = a.cohen if a.cohen is not None else a.fleiss
    parts = []
    if kappa is None:
        why = a.reasons.get("cohen") or a.reasons.get("fleiss") or "undefined"
        parts.append(f"Coders agree on {a.percent:.1%} of units; kappa is undefined ({why}).")
    else:
        parts.append(f"Coders agree on {a.percent:.1%} of units; kappa {kappa:.2f} is {band(kappa)}.")
        rare = share_coded is not None and share_coded < 0.1
        if a.percent >= 0.85 and kappa < 0.6 and (rare or (a.prevalence is not None and abs(a.prevalence) > 0.7)):
            steady = a.ac1 if a.ac1 is not None else a.bp
            figure = f" AC1 {steady:.2f}" if steady is not None else ""
            parts.append(
                "The code is rare, so chance agreement is high and kappa is low despite the agreement"
                f" (the kappa paradox);{figure} reflects the observed agreement better."
            )
    if a.alpha is not None:
        verdict = "reliable" if a.alpha >= 0.8 else "tentative" if a.alpha >= 0.667 else "below Krippendorff's 0.667 minimum"
        parts.append(f"Alpha {a.alpha:.2f}: {verdict}.")
    return " ".join(parts)


def _fmt(value: float | None) -> float | None:
    return None if value is None else round(float(value), 3)


def _ci(a: Agreement, name: str) -> str:
    interval = a.ci.get(name) if a.ci else None
    return "" if not interval else f"{interval[0]:.2f} to {interval[1]:.2f}"


def agreement_table(
    title: str, coders: Sequence[str], rows: Sequence[tuple[str, Agreement, Sequence[int], str]], notes: Sequence[str] = ()
) -> Table:
    """Per-code agreement: label, units, units each coder coded, the coefficients, CIs, indices, reading."""
    columns = (
        "code", "units", *[f"coded by {c}" for c in coders], "% agreement", "Cohen's kappa", "Fleiss' kappa",
        "Krippendorff's alpha", "Gwet's AC1", "Brennan-Prediger", "kappa 95% CI", "alpha 95% CI", "AC1 95% CI",
        "prevalence index", "bias index", "reading",
    )
    table_rows = []
    for label, a, coded_counts, text in rows:
        table_rows.append((
            label, a.units, *coded_counts,
            None if a.percent is None else round(100 * a.percent, 1),
            _fmt(a.cohen), _fmt(a.fleiss), _fmt(a.alpha), _fmt(a.ac1), _fmt(a.bp),
            _ci(a, "cohen"), _ci(a, "alpha"), _ci(a, "ac1"), _fmt(a.prevalence), _fmt(a.bias), text,
        ))
    return Table(title, columns, tuple(table_rows), tuple(notes))
