"""Pseudonyms: numbering new ones, linking candidates to the register, the replacements of one text, cleaning notes.

Pure functions over the register (model ``Identifier`` values) and a text; the
Project decides when to use them.
"""

from __future__ import annotations

from typing import Callable, Mapping, Sequence

from ..model import DeidCandidate, Identifier
from .matcher import TermMatcher
from .rewrite import Replacement

#: What an identifier becomes when it is accepted without a register entry, by category.
GENERIC = {
    "person": "[name]", "place": "[place]", "organisation": "[organisation]", "date": "[date]",
    "age": "[age]", "contact": "[contact details]", "id": "[identifier]", "other": "[redacted]",
}
#: The stem of numbered pseudonyms made for new register entries.
STEMS = {
    "person": "Person", "place": "Place", "organisation": "Organisation", "date": "Date",
    "age": "Age", "contact": "Contact", "id": "ID", "other": "Redacted",
}

def next_pseudonym(existing: Sequence[Identifier], category: str) -> str:
    stem = STEMS.get(category, "Redacted")
    used = {e.replacement for e in existing}
    n = 1 + sum(1 for e in existing if e.category == category)
    while f"[{stem} {n}]" in used:
        n += 1
    return f"[{stem} {n}]"


def link_register(rows: list[dict[str, object]], register: Sequence[Identifier]) -> None:
    """Point candidates whose text is a register term at that entry."""
    terms = {t.casefold(): e.id for e in register for t in e.terms}
    for row in rows:
        row["identifier_id"] = terms.get(" ".join(str(row["text"]).split()).casefold())


def replacements(
    text: str, cands: Sequence[DeidCandidate], matcher: TermMatcher[int], register: Mapping[int, Identifier]
) -> list[Replacement]:
    """Disjoint replacements: accepted candidates, then register occurrences not rejected."""
    rejected = {(c.start, c.end) for c in cands if c.status == "rejected"}
    spans: list[tuple[int, int, str]] = []
    for c in cands:
        if c.status == "accepted":
            entry = register.get(c.identifier_id) if c.identifier_id else None
            spans.append((c.start, c.end, entry.replacement if entry else GENERIC.get(c.category, "[redacted]")))
    for m in matcher.finditer(text):
        if (m.start, m.end) not in rejected:
            spans.append((m.start, m.end, register[m.key].replacement))
    # longest first at each place; then drop whatever overlaps something already taken
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out: list[Replacement] = []
    for start, end, new in spans:
        if out and start < out[-1].end:
            continue
        out.append(Replacement(start, end, new))
    return out


def cleaner(register: Sequence[Identifier]) -> Callable[[str], str]:
    """A function that replaces every register term in a string by its pseudonym."""
    matcher = TermMatcher((t, e.id) for e in register for t in e.terms)
    by_id = {e.id: e for e in register}

    def clean(text: str) -> str:
        parts, pos = [], 0
        for m in matcher.finditer(text):
            parts += [text[pos : m.start], by_id[m.key].replacement]
            pos = m.end
        return "".join(parts) + text[pos:] if parts else text

    return clean
