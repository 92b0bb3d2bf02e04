"""Project: the one facade that the CLI, the web UI and scripts call.

    >>> import thematica
    >>> project = thematica.init_project("study.thematica", name="Recovery College")
    >>> source = project.import_file("P01.docx")
    >>> code = project.create_code("Letting go of power", origin="deductive")
    >>> project.code(source.name, 120, 180, code)

Every method that changes the project runs in one transaction and appends
one audit event; ``undo()`` reverts the newest one.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..errors import ProjectError
from ..model import Phase
from ..store import Store
from .analysis import ANALYSIS_CODER, PhaseCheck, ThemeReview, ThemeWarnings
from .assist import ASSIST_CODER, SimilarPassage, SuggestionView, SuggestReport
from .codebook import CODEBOOK_COLUMNS, tree_order
from .coders import CONSENSUS, MergeReport
from .coding import SegmentSpec
from .core import SUFFIX, default_actor
from .deid import ApplyReport, FlaggedSegment, QueueEntry, ScanReport
from .disclosure import OutputCheck
from .reliability import CodeAgreement, Comparison, Decision, QueueItem, QueueProgress
from .suggest import SuggestMixin
from .themes import theme_tree

#: Version of the project file format, recorded in each project.
FORMAT = "thematica-project/1"


class Project(SuggestMixin):
    """An open thematica project (see the package docstring)."""

    def __repr__(self) -> str:
        return f"<Project {self.path}>"


def init_project(path: Path | str, *, name: str | None = None, actor: str | None = None) -> Project:
    """Create a new, empty project file (``.thematica`` is added if missing)."""
    path = Path(path)
    if path.suffix != SUFFIX:
        path = path.with_name(path.name + SUFFIX)
    meta = {
        "name": name or path.stem,
        "phase": str(int(Phase.FAMILIARISE)),
        "format": FORMAT,
        "created_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
    }
    store = Store.create(path, meta)
    project = Project(store, actor)
    with project._change("init", f"created project {meta['name']}"):
        pass
    return project


def open_project(path: Path | str, *, actor: str | None = None) -> Project:
    """Open a project file (an older one is backed up beside it, then upgraded)."""
    path = Path(path)
    if path.is_dir():
        raise ProjectError(f"{path} is a folder; name the .thematica file")
    return Project(Store.open(path), actor)


__all__ = [
    "ASSIST_CODER",
    "SimilarPassage",
    "SuggestionView",
    "SuggestReport",
    "ApplyReport",
    "FlaggedSegment",
    "OutputCheck",
    "QueueEntry",
    "ScanReport",
    "ANALYSIS_CODER",
    "CONSENSUS",
    "CodeAgreement",
    "Comparison",
    "Decision",
    "QueueItem",
    "QueueProgress",
    "MergeReport",
    "PhaseCheck",
    "Project",
    "ThemeReview",
    "ThemeWarnings",
    "SegmentSpec",
    "init_project",
    "open_project",
    "default_actor",
    "CODEBOOK_COLUMNS",
    "SUFFIX",
    "theme_tree",
    "tree_order",
]
