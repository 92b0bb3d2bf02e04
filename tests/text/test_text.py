"""Canonical text and the offset model."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from thematica.errors import EncodingError, InvalidInput
from thematica.text import (
    canonicalise,
    check_bounds,
    context,
    decode,
    find_quote,
    index_to_utf16,
    passages,
    utf16_to_index,
    words,
)


def test_canonical_form():
    assert canonicalise("\ufeffa\r\nb\rc\u2028d\u2029e\u0085f") == "a\nb\nc\nd\ne\nf"
    assert canonicalise("Cafe\u0301") == "Café" and len(canonicalise("Cafe\u0301")) == 4


@pytest.mark.parametrize(
    "data, encoding",
    [
        ("Café 😀".encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + "Café 😀".encode("utf-8"), "utf-8"),
        ("Café 😀".encode("utf-16"), "utf-16"),
        (codecs.BOM_UTF16_BE + "Café 😀".encode("utf-16-be"), "utf-16"),
        ("Café 😀".encode("utf-32"), "utf-32"),
    ],
)
def test_decode_unicode_encodings(data, encoding):
    decoded = decode(data)
    assert decoded.text == "Café 😀" and decoded.encoding == encoding


def test_decode_cp1252_and_explicit_encodings():
    data = "“Café” – naïve".encode("cp1252")
    assert decode(data) == decode(data, "cp1252")
    assert decode(data).text == "“Café” – naïve" and decode(data).encoding == "cp1252"
    assert decode("Grüße".encode("latin-1"), "latin-1").text == "Grüße"
    with pytest.raises(InvalidInput, match="unknown encoding"):
        decode(b"x", "no-such-codec")


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary", b"\x81\x8d\x8f\x90\x9d" * 3, bytes(range(256))])
def test_binary_is_not_text(data):
    with pytest.raises(EncodingError):
        decode(data)


def test_bounds_and_quotes():
    check_bounds(10, 0, 10)
    for start, end in [(-1, 2), (3, 3), (4, 2), (0, 11)]:
        with pytest.raises(InvalidInput):
            check_bounds(10, start, end)
    text = "I said 😀 yes. I said no."
    assert find_quote(text, "said no") == (text.index("said no"), text.index("said no") + 7)
    with pytest.raises(InvalidInput, match="2 times"):
        find_quote(text, "I said")
    assert find_quote(text, "I said", occurrence=2)[0] == text.rindex("I said")
    with pytest.raises(InvalidInput):
        find_quote(text, "absent")
    assert find_quote("Café", "Cafe\u0301") == (0, 4)


def test_context_cuts_at_words():
    text = "alpha beta gamma delta TARGET epsilon zeta eta theta"
    start = text.index("TARGET")
    before, after = context(text, start, start + 6, width=12)
    assert before == "delta " and after == " epsilon"


def test_words():
    assert words("Don’t say ‘no’ — it's 2024, OK?") == ["don't", "say", "no", "it's", "ok"]


def test_utf16_edge_conversion():
    text = "a😀b\u0301c"
    assert [index_to_utf16(text, i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 5, 6]
    assert [utf16_to_index(text, u) for u in (0, 1, 3, 4, 5, 6)] == [0, 1, 2, 3, 4, 5]
    with pytest.raises(InvalidInput, match="surrogate"):
        utf16_to_index(text, 2)
    with pytest.raises(InvalidInput):
        utf16_to_index(text, 7)


@given(st.text())
def test_utf16_round_trip(text):
    for i in range(len(text) + 1):
        assert utf16_to_index(text, index_to_utf16(text, i)) == i


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=400), st.integers(20, 200))
def test_passages_cover_every_word_at_the_right_offsets(text, width):
    text = canonicalise(text)
    pieces = passages(text, width)
    for start, body in pieces:
        assert text[start : start + len(body)] == body
    covered = "".join(body for _, body in pieces)
    assert "".join(covered.split()) == "".join(text.split())


@given(st.text(max_size=200))
def test_canonicalise_is_idempotent(text):
    once = canonicalise(text)
    assert canonicalise(once) == once and "\r" not in once
