"""code apply / quote / in-vivo / remove / memo / list, with every filter and --json."""

from __future__ import annotations

from .conftest import P01_TEXT, P02_TEXT, USER, snapshot

TEXTS = {"P01": P01_TEXT, "P02": P02_TEXT}
EXTRACTS = ("code", "list", "--json")


def _span(source: str, words: str) -> tuple[int, int]:
    start = TEXTS[source].index(words)
    return start, start + len(words)


def _listed(ok, *filters: str) -> list[tuple[str, str, str]]:
    """(source, code, text) of each extract the filters give."""
    return [(x["source"], x["code"], x["segment"]["text"]) for x in ok(*EXTRACTS, *filters).json()]


def test_apply_by_offsets_and_the_json_is_right(ok, study) -> None:
    start, end = _span("P01", "Power felt shared")
    result = ok("code", "apply", "P01", start, end, "Power", "--memo", "first mention")
    assert result.out.strip().startswith("Segment #5: 'Power felt shared'")
    items = ok(*EXTRACTS, "--source", "P01").json()
    assert [x["segment"]["text"] for x in items] == ["How did the first session go?", "sit on my hands", "Power felt shared"]
    x = items[-1]
    seg = x["segment"]
    assert (seg["id"], seg["start"], seg["end"], seg["memo"]) == (5, start, end, "first mention")
    assert (x["code"], x["coder"], x["source"], x["participant"], x["speaker"], x["role"]) == (
        "Power", USER, "P01", "P01", "P01", "participant"
    )  # fmt: skip
    # every extract's text is its source's text at its offsets, and the context is what surrounds it
    for x in ok(*EXTRACTS).json():
        text, seg = TEXTS[x["source"]], x["segment"]
        assert text[seg["start"] : seg["end"]] == seg["text"]
        assert text[: seg["start"]].endswith(x["before"])
        assert text[seg["end"] :].startswith(x["after"])
        assert x["before"] and x["after"]
    assert ok("sources", "show", "P01", "--json").json()["text"][start:end] == "Power felt shared"


def test_apply_errors_change_nothing(ok, fails, study) -> None:
    before = snapshot(ok, EXTRACTS, ("log", "--json"))
    n = len(P01_TEXT)
    fails("code", "apply", "P01", 10, n + 5, "Power")
    fails("code", "apply", "P01", 20, 10, "Power")
    assert "no code 'Nope'" in fails("code", "apply", "P01", 0, 5, "Nope").err
    assert "no source 'P09'" in fails("code", "apply", "P09", 0, 5, "Power").err
    assert snapshot(ok, EXTRACTS, ("log", "--json")) == before


def test_user_and_coder_options_name_the_coder(ok, study) -> None:
    ok("--user", "Alice", "code", "quote", "P01", "I was nervous.", "Hope")
    ok("code", "quote", "P02", "I stopped saying non-compliant.", "Hope", "--coder", "Bob")
    coders = {(x["segment"]["text"], x["coder"]) for x in ok(*EXTRACTS, "-c", "Hope").json()}
    assert coders == {("I was nervous.", "Alice"), ("I stopped saying non-compliant.", "Bob"), ("I carry hope back to the ward", USER)}
    names = [c["name"] for c in ok("coders", "list", "--json").json()]
    assert set(names) == {USER, "Researcher B", "Alice", "Bob"}


def test_quote_finds_the_words_and_asks_which_when_repeated(ok, fails, study) -> None:
    result = ok("code", "quote", "P01", "the peer trainer led", "Hope")
    start, end = _span("P01", "the peer trainer led")
    assert result.out.strip() == f"Segment #5 at {start}..{end}"
    fails("code", "quote", "P01", "session", "Hope")  # twice in P01: which one?
    ok("code", "quote", "P01", "session", "Hope", "--occurrence", "2")
    second = P01_TEXT.index("session", P01_TEXT.index("session") + 1)
    seg = [x["segment"] for x in ok(*EXTRACTS, "-c", "Hope", "--source", "P01").json()]
    assert [(s["start"], s["text"]) for s in seg] == [(second, "session"), (start, "the peer trainer led")]
    assert "does not contain" in fails("code", "quote", "P01", "not in the text", "Hope").err


def test_in_vivo_makes_a_code_from_the_words(ok, study) -> None:
    start, end = _span("P02", "the uniform stays off")
    result = ok("code", "in-vivo", "P02", start, end, "--parent", "Power")
    assert result.out.strip() == "In-vivo code #4 'the uniform stays off'"
    code = {c["name"]: c for c in ok("codebook", "list", "--json").json()}["the uniform stays off"]
    assert (code["origin"], code["path"], code["example"], code["segments"]) == (
        "in-vivo", "Power/the uniform stays off", "the uniform stays off", 1
    )  # fmt: skip
    assert _listed(ok, "-c", "the uniform stays off") == [("P02", "the uniform stays off", "the uniform stays off")]
    # the same words again reuse the code
    ok("code", "in-vivo", "P02", start, end, "--coder", "Researcher B")
    assert _codes_named(ok, "the uniform stays off") == 1
    assert len(_listed(ok, "-c", "the uniform stays off")) == 2


def _codes_named(ok, name: str) -> int:
    return sum(c["name"] == name for c in ok("codebook", "list", "--json").json())


def test_remove_a_segment(ok, fails, study) -> None:
    ids = {x["segment"]["text"]: x["segment"]["id"] for x in ok(*EXTRACTS).json()}
    assert ok("code", "remove", ids["sit on my hands"]).out.strip() == f"Removed segment #{ids['sit on my hands']}"
    assert "sit on my hands" not in {t for _, _, t in _listed(ok)}
    assert "no segment #99" in fails("code", "remove", 99).err
    assert len(_listed(ok)) == 3


def test_segment_memo(ok, fails, study) -> None:
    seg_id = ok(*EXTRACTS, "-c", "Hope").json()[0]["segment"]["id"]
    assert ok("code", "memo", seg_id, "Hope as something carried").out.strip() == f"Memo on segment #{seg_id}"
    assert ok(*EXTRACTS, "-c", "Hope").json()[0]["segment"]["memo"] == "Hope as something carried"
    assert "no segment #99" in fails("code", "memo", 99, "x").err


def test_list_filters(ok, fails, study) -> None:
    everything = [
        ("P01", "Power", "How did the first session go?"),
        ("P01", "Letting go of power", "sit on my hands"),
        ("P02", "Power", "Power is something I notice now."),
        ("P02", "Hope", "I carry hope back to the ward"),
    ]
    assert _listed(ok) == everything  # by source, then position
    # a code brings its sub-codes unless --no-subcodes
    assert _listed(ok, "--code", "Power") == everything[:3]
    assert _listed(ok, "--code", "Power", "--no-subcodes") == [everything[0], everything[2]]
    assert _listed(ok, "-c", "Letting go of power", "-c", "Hope") == [everything[1], everything[3]]
    assert _listed(ok, "-c", "Power/Letting go of power") == [everything[1]]
    assert _listed(ok, "--source", "P02") == everything[2:]
    assert _listed(ok, "--coder", "Researcher B") == [everything[2]]
    assert _listed(ok, "--coder", USER.lower()) == [everything[0], everything[1], everything[3]]
    assert _listed(ok, "--where", "gender=male") == everything[2:]
    assert _listed(ok, "--where", "gender=female", "--where", "band=7") == everything[:2]
    assert _listed(ok, "--where", "gender=other") == []
    # the interviewer's question drops out with --participants-only
    assert _listed(ok, "--participants-only") == everything[1:]
    assert _listed(ok, "-c", "Power", "--participants-only", "--where", "age=42") == [everything[1]]
    assert [x["role"] for x in ok(*EXTRACTS).json()] == ["interviewer", "participant", "participant", "participant"]
    # errors
    assert "ATTRIBUTE=VALUE" in fails("code", "list", "--where", "gender").err
    assert "no code 'Nope'" in fails("code", "list", "-c", "Nope").err
    assert "no coder named 'Nobody'" in fails("code", "list", "--coder", "Nobody").err
    assert "no source 'P09'" in fails("code", "list", "--source", "P09").err


def test_list_as_text(ok, study) -> None:
    out = ok("code", "list", "-c", "Hope").out
    assert "Hope (Tester) P02" in out
    assert "I carry hope back to the ward" in out
    assert out.rstrip().endswith("1 extracts")
    assert ok("code", "list", "-c", "Hope", "--where", "gender=female").out.strip() == "0 extracts"
