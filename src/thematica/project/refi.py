"""REFI-QDA (.qdpx projects, .qdc codebooks) to and from a project (being built)."""

from __future__ import annotations

from .exchange import ExchangeMixin


class RefiMixin(ExchangeMixin):
    """Export to and import from REFI-QDA files."""
