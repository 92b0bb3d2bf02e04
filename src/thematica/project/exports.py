"""Tables, the git-friendly folder format, and Word comments (being built)."""

from __future__ import annotations

from .refi import RefiMixin


class ExportsMixin(RefiMixin):
    """Coded segments as tables and DataFrames; JSON Lines folders; Word comments as codes."""
