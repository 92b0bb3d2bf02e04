"""WebVTT and SRT: cue text, speakers, merged turns with times."""

from __future__ import annotations

import pytest

from thematica.errors import EmptyDocument, ImportError_
from thematica.ingest import read_file
from thematica.model import Role

VTT = """WEBVTT
Kind: captions

NOTE recorded on Teams

1
00:00:01.000 --> 00:00:04.500
<v Interviewer>How did the
first week go?</v>

2
00:00:05.000 --> 00:00:07.250
<v.loud Jane Doe>Honestly? Hard &amp; <i>long</i>.</v>

3
00:00:07.300 --> 00:00:09.000
<v Jane Doe>But the café helped 😀

00:01:10.000 --> 00:01:12.000
and my colleagues too.

00:01:13.000 --> 00:01:14.000
<v Interviewer>Thanks.
"""


def said(doc) -> list[str]:  # type: ignore[no-untyped-def]
    return [doc.text[t.start : t.end] for t in doc.turns]


def test_vtt_voices_merged_turns_and_times(write) -> None:  # type: ignore[no-untyped-def]
    doc = read_file(write("call.vtt", VTT.replace("\n", "\r\n")))
    assert doc.kind == "vtt" and doc.encoding == "utf-8"
    assert doc.text == (
        "How did the first week go?\n\nHonestly? Hard & long.\nBut the café helped 😀\n"
        "and my colleagues too.\n\nThanks."
    )
    assert [(t.speaker, t.role, t.begin, t.end_time) for t in doc.turns] == [
        ("Interviewer", Role.INTERVIEWER, 1.0, 4.5),
        ("Jane Doe", Role.PARTICIPANT, 5.0, 72.0),
        ("Interviewer", Role.INTERVIEWER, 73.0, 74.0),
    ]
    assert said(doc)[1] == "Honestly? Hard & long.\nBut the café helped 😀\nand my colleagues too."


def test_vtt_zoom_style_labels(write) -> None:  # type: ignore[no-untyped-def]
    vtt = (
        "WEBVTT\n\n1\n00:00:00.500 --> 00:00:02.000\nAlex Kim: Shall we start?\n\n"
        "2\n00:00:02.100 --> 00:00:03.000\nSam Roe: Yes.\n\n"
        "3\n00:00:03.100 --> 00:00:04.000\nAlex Kim: Good.\n\n"
        "4\n00:00:04.100 --> 00:00:05.000\nSam Roe: Note: I'm nervous.\n"
    )
    doc = read_file(write("zoom.vtt", vtt), interviewer_labels=["Alex Kim"])
    assert [(t.speaker, t.role) for t in doc.turns][:2] == [
        ("Alex Kim", Role.INTERVIEWER),
        ("Sam Roe", Role.PARTICIPANT),
    ]
    assert said(doc) == ["Shall we start?", "Yes.", "Good.", "Note: I'm nervous."]
    assert doc.text.startswith("Shall we start?\n\nYes.")


def test_vtt_without_speakers_has_text_but_no_turns(write) -> None:  # type: ignore[no-untyped-def]
    doc = read_file(
        write(
            "plain.vtt",
            "WEBVTT\n\n00:00.000 --> 00:01.000\nhello\n\n00:01.000 --> 00:02.000\nworld\n",
        )
    )
    assert doc.text == "hello\nworld" and doc.turns == ()


SRT = """1
00:00:01,000 --> 00:00:02,500
Interviewer: <i>Welcome</i> back.

2
00:00:03,000 --> 00:00:05,000
P04: Thanks,
glad to be here.

3
00:00:05,100 --> 00:00:06,000
{\\an8}Really glad.

4
00:00:07,000 --> 00:00:08,000
Interviewer: Let's begin.
"""


def test_srt_labels_continue_and_times(write) -> None:  # type: ignore[no-untyped-def]
    doc = read_file(write("s.srt", SRT.encode("utf-8-sig")))
    assert doc.kind == "srt"
    assert doc.text == "Welcome back.\n\nThanks, glad to be here.\nReally glad.\n\nLet's begin."
    assert [(t.speaker, t.participant_key, t.begin, t.end_time) for t in doc.turns] == [
        ("Interviewer", None, 1.0, 2.5),
        ("P04", "P04", 3.0, 6.0),
        ("Interviewer", None, 7.0, 8.0),
    ]
    assert said(doc)[1] == "Thanks, glad to be here.\nReally glad."


def test_timed_formats_bad_input(write) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ImportError_, match=r"^x\.vtt is not a valid WebVTT file"):
        read_file(write("x.vtt", "not a caption file\n"))
    with pytest.raises(ImportError_, match=r"^x\.srt is not a valid SRT file"):
        read_file(write("x.srt", "garbage\n00:00 nope\n"))
    with pytest.raises(EmptyDocument, match="has no cues with text"):
        read_file(write("e.vtt", "WEBVTT\n\n"))
