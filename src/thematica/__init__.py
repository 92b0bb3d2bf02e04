"""thematica: local-first thematic analysis of qualitative data.

Open a project with :func:`open_project` (or make one with
:func:`init_project`) and drive everything through the returned
:class:`Project`. Nothing leaves the machine.
"""

from __future__ import annotations

from .errors import ThematicaError
from .project import Project, SegmentSpec, init_project, open_project
from .version import __version__

__all__ = ["Project", "SegmentSpec", "ThematicaError", "init_project", "open_project", "__version__"]
