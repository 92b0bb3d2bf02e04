"""The bundled example study: SYNTHETIC interviews modelled on a Recovery College study.

Eight fictional interviews with clinicians who co-deliver Recovery College
workshops with Peer Trainers, their participants' attributes, a codebook,
Researcher A's coding of all eight and Researcher B's independent coding of
four. ``build_demo`` builds a fresh project from these files through the
public API only, exactly as a researcher would.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from importlib import resources
from pathlib import Path

from ..errors import InvalidInput
from ..model import Phase
from ..project import ANALYSIS_CODER, Project, SegmentSpec, init_project
from ..text import find_quote

PROJECT_FILE = "recovery-college.thematica"
RESEARCH_QUESTION = (
    "How do clinicians who co-deliver Recovery College workshops with Peer Trainers experience "
    "co-production, and how does it affect their clinical practice?"
)
TRANSCRIPT_SUFFIXES = (".docx", ".txt", ".vtt")


def data_dir() -> Path:
    """The folder of the example study's files, inside the installed package."""
    return Path(str(resources.files(__package__) / "data"))


def transcript_files() -> list[Path]:
    """The example transcripts, P01 to P08."""
    return sorted(p for p in data_dir().iterdir() if p.suffix in TRANSCRIPT_SUFFIXES and p.stem.startswith("P"))


def read_coding() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(source, coder) -> [(code, quote)], from every coding_*.csv."""
    coding: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for path in sorted(data_dir().glob("coding_*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                coding[(row["source"], row["coder"])].append((row["code"], row["quote"]))
    return dict(coding)


def build_demo(out: Path, *, actor: str = "Researcher A", deidentify: bool = True) -> Project:
    """Build the example project in ``out`` (replacing an earlier demo project there).

    With ``deidentify`` (the default) the transcripts are then de-identified
    as a researcher would before writing up: the researcher's own list of
    co-trainers and sites goes into the register, a scan finds candidates,
    the scripted review in ``deid_review.csv`` decides them, the pseudonyms
    are applied (originals purged), and reporting rules coarsen attributes.
    """
    out = out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    target = out / PROJECT_FILE
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    data = data_dir()
    project = init_project(target, name="Recovery College co-production (SYNTHETIC example)", actor=actor)
    project.set_setting("research_question", RESEARCH_QUESTION)
    with (data / "coders.csv").open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            project.add_coder(row["name"], row["role"])
    for row in _rows(data / "journal.csv")[:1]:
        project.add_journal_entry(row["text"])
    project.import_files(transcript_files())
    project.import_participants(data / "participants.csv", types={"band": "category"})
    project.import_codebook_csv(data / "codebook.csv")
    project.set_phase(Phase.GENERATE_CODES)
    for row in _rows(data / "journal.csv")[1:]:
        project.add_journal_entry(row["text"])
    for (source, coder), items in sorted(read_coding().items()):
        text = project.source_text(source)
        specs = []
        for code, quote in items:
            try:
                start, end = find_quote(text, quote)
            except InvalidInput as exc:
                raise InvalidInput(f"demo coding of {source} by {coder}: {exc}") from None
            specs.append(SegmentSpec(source, start, end, code, coder))
        project.code_many(specs, summary=f"{coder} coded {source} ({len(specs)} segments)")
    project.set_setting(ANALYSIS_CODER, actor)
    _build_themes(project, data, actor)
    for row in _rows(data / "coreq.csv"):
        project.set_coreq_answer(row["item"], row["answer"])
    # small groups: what the report may say about eight participants at one site
    for row in _rows(data / "reporting_rules.csv"):
        project.set_reporting_rule(row["attribute"], row["rule"], float(row["width"]) if row["width"] else None)
    if deidentify:
        deidentify_demo(project)
    return project


def deidentify_demo(project: Project) -> list[str]:
    """Register, scan, scripted review, apply; returns the candidate texts the scripted review did not know."""
    data = data_dir()
    project.import_identifiers(data / "identifiers.csv")
    project.deid_scan()
    project.deid_accept_register()
    decisions = {" ".join(r["text"].split()).casefold(): r for r in _rows(data / "deid_review.csv")}
    unknown: list[str] = []
    for text, _category, _count, ids in project.deid_groups():
        pending = {c.id for c in project.deid_candidates()}
        ids = [i for i in ids if i in pending]
        if not ids:
            continue
        row = decisions.get(" ".join(text.split()).casefold())
        if row is None:
            unknown.append(text)
            project.deid_decide(ids, "reject")
            continue
        project.deid_decide(ids, row["decision"], category=row["category"] or None, replacement=row["replacement"] or None)
    project.deid_apply()
    return unknown


def _build_themes(project: Project, data: Path, coder: str) -> None:
    """Phases 3 to 5: one overarching theme over four subthemes, reviewed, defined, with key extracts."""
    project.set_phase(Phase.SEARCH_THEMES)
    rows = _rows(data / "themes.csv")
    for row in rows:
        project.create_theme(
            row["name"], parent=row["parent"] or None, codes=[c for c in row["codes"].split(";") if c]
        )
    project.set_phase(Phase.REVIEW_THEMES)
    for row in rows:
        if row["status"] != "candidate":
            project.define_theme(row["name"], status="reviewed")
    project.set_phase(Phase.DEFINE_THEMES)
    for row in rows:
        project.define_theme(row["name"], definition=row["definition"], concept=row["concept"], status=row["status"])
    for row in _rows(data / "theme_narratives.csv"):
        project.define_theme(row["theme"], narrative=row["narrative"])
    for row in _rows(data / "theme_quotes.csv"):
        codes = project.theme_code_ids(row["theme"])
        segment = next(
            (s for s in project.segments(source=row["source"], coder=coder) if s.code_id in codes and row["quote"] in s.text),
            None,
        )
        if segment is None:
            raise InvalidInput(f"demo key extract not found among {row['theme']!r} segments: {row['quote'][:50]!r}")
        project.choose_quote(row["theme"], segment.id)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


__all__ = ["build_demo", "deidentify_demo", "data_dir", "transcript_files", "read_coding", "PROJECT_FILE", "RESEARCH_QUESTION"]
