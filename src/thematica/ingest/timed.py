"""Timed transcripts: WebVTT (webvtt-py) and SRT (srt).

The canonical text holds only what was said: each cue's text on its own line
(a cue's display line breaks become spaces). A cue names its speaker with a
``<v Speaker>`` voice (VTT) or a leading ``Name:`` label (either format,
as Zoom writes them); a cue without one continues the previous speaker.
Consecutive cues of one speaker form one turn, which begins at the first
cue's start and ends at the last cue's end; turns are separated by a blank
line. Cues before the first named speaker are kept in the text but are not
a turn.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import srt
from webvtt import WebVTT
from webvtt.errors import MalformedCaptionError, MalformedFileError

from ..errors import ImportError_
from ..text import canonicalise
from .base import ReadDocument, TurnSpan
from .files import ReadOptions, decode, document, reason, require_text
from .turns import LabelHit, TurnRules, accepted, find_label, seconds, speaker_role

_SRT_TAGS = re.compile(r"</?(?:i|b|u|s|font)\b[^>]*>|\{\\[^}]*\}", re.IGNORECASE)


@dataclass(slots=True)
class _Cue:
    text: str
    begin: float
    end: float
    speaker: str | None = None


@dataclass(slots=True)
class _Block:
    speaker: str | None
    begin: float
    end: float
    lines: list[str] = field(default_factory=list)


def read_vtt(path: Path, data: bytes, options: ReadOptions) -> ReadDocument:
    """A WebVTT file; ``<v Speaker>`` voices name the speakers."""
    decoded = decode(data, options.encoding, path)
    try:
        captions = WebVTT.from_string(decoded.text).captions
        raw = [
            (html.unescape(c.text), html.unescape(c.voice or ""), seconds(c.start), seconds(c.end))
            for c in captions
        ]
    except (MalformedFileError, MalformedCaptionError, ValueError) as exc:
        raise ImportError_(f"{path.name} is not a valid WebVTT file ({reason(exc)})") from exc
    cues = _label_cues(raw, options.rules)
    return _assemble(path, "vtt", data, decoded.encoding, cues, options.rules)


def read_srt(path: Path, data: bytes, options: ReadOptions) -> ReadDocument:
    """An SRT file; a leading ``Name:`` in a cue names the speaker."""
    decoded = decode(data, options.encoding, path)
    try:
        subtitles = list(srt.parse(decoded.text))
    except (srt.SRTParseError, ValueError) as exc:
        raise ImportError_(f"{path.name} is not a valid SRT file ({reason(exc)})") from exc
    raw = [
        (_SRT_TAGS.sub("", s.content), "", s.start.total_seconds(), s.end.total_seconds())
        for s in subtitles
    ]
    cues = _label_cues(raw, options.rules)
    return _assemble(path, "srt", data, decoded.encoding, cues, options.rules)


def _label_cues(raw: list[tuple[str, str, float, float]], rules: TurnRules) -> list[_Cue]:
    """Cues with one-line canonical text and the speaker named by a voice or a label."""
    cues: list[_Cue] = []
    labelled: dict[int, tuple[LabelHit, str]] = {}
    for body, voice, begin, end in raw:
        line = " ".join(part.strip() for part in canonicalise(body).split("\n") if part.strip())
        cue = _Cue(line, begin, end, " ".join(canonicalise(voice).split()) or None)
        if cue.speaker is None and (hit := find_label(line, rules)) is not None:
            labelled[len(cues)] = (hit, line[hit.speech :].strip())
        cues.append(cue)
    is_speaker = accepted(hit for hit, _ in labelled.values())
    for index, (hit, rest) in labelled.items():
        if is_speaker(hit):
            cues[index].speaker, cues[index].text = hit.speaker, rest
    return cues


def _assemble(
    path: Path, kind: str, data: bytes, encoding: str, cues: list[_Cue], rules: TurnRules
) -> ReadDocument:
    blocks: list[_Block] = []
    current: str | None = None
    for cue in cues:
        current = cue.speaker or current
        if not cue.text:
            continue
        if not blocks or blocks[-1].speaker != current:
            blocks.append(_Block(current, cue.begin, cue.end))
        blocks[-1].lines.append(cue.text)
        blocks[-1].end = cue.end
    parts: list[str] = []
    turns: list[TurnSpan] = []
    offset = 0
    for block in blocks:
        if parts:
            parts.append("\n\n")
            offset += 2
        body = "\n".join(block.lines)
        if block.speaker is not None:
            role, key = speaker_role(block.speaker, rules)
            turns.append(
                TurnSpan(
                    offset, offset + len(body), block.speaker, role, key, block.begin, block.end
                )
            )
        parts.append(body)
        offset += len(body)
    text = "".join(parts)
    require_text(text, path, "has no cues with text")
    return document(path, kind, text, tuple(turns), data, encoding)
