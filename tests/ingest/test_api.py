"""The public surface of thematica.ingest."""

from __future__ import annotations

import thematica.ingest as ingest


def test_all_names_exist_and_are_documented() -> None:
    public = {name for name in dir(ingest) if not name.startswith("_")} - {"annotations"}
    modules = {"base", "files", "office", "pdf", "plain", "reader", "survey", "timed", "turns"}
    assert set(ingest.__all__) == public - modules
    for name in ("read_file", "read_survey", "detect_turns"):
        assert getattr(ingest, name).__doc__


def test_suffixes() -> None:
    assert set(ingest.SUPPORTED_SUFFIXES) == {
        ".txt",
        ".text",
        ".md",
        ".markdown",
        ".docx",
        ".pdf",
        ".rtf",
        ".odt",
        ".vtt",
        ".srt",
    }
    assert not set(ingest.SUPPORTED_SUFFIXES) & set(ingest.SURVEY_SUFFIXES)
