"""Bring files into thematica: one reader per format, each giving a :class:`ReadDocument`.

* :func:`read_file` reads a transcript (txt, md, docx, pdf, rtf, odt, vtt, srt)
  into canonical text (see :mod:`thematica.text`), speaker turns and the
  original bytes. Files over :data:`MAX_FILE_BYTES` are refused unread.
* :func:`read_survey` reads a CSV/TSV/XLSX survey: one document per answer column.
* :func:`detect_turns` finds speaker turns in unstructured text.

Layout of the canonical text: DOCX and ODT give one line per paragraph
(``"\\n"`` between paragraphs, so empty paragraphs are blank lines); PDF pages
are joined by ``"\\n\\n"``; VTT/SRT give one line per cue and a blank line
between speaker turns; survey answers are separated by a blank line.
"""

from __future__ import annotations

from .base import ReadDocument, SurveyData, SurveyMapping, TurnSpan
from .files import MAX_FILE_BYTES
from .reader import SUPPORTED_SUFFIXES, read_file
from .survey import SURVEY_SUFFIXES, read_survey, read_table
from .turns import DEFAULT_INTERVIEWER_LABELS, detect_turns

__all__ = [
    "DEFAULT_INTERVIEWER_LABELS",
    "MAX_FILE_BYTES",
    "SUPPORTED_SUFFIXES",
    "SURVEY_SUFFIXES",
    "ReadDocument",
    "SurveyData",
    "SurveyMapping",
    "TurnSpan",
    "detect_turns",
    "read_file",
    "read_survey",
    "read_table",
]
