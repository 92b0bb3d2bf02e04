"""The encrypted re-identification key file."""

from __future__ import annotations

import base64
import json
import os
import stat
import sys
from pathlib import Path

import pytest

from thematica.deid import keyfile
from thematica.deid.keyfile import (
    KeyHeader,
    decrypt_key,
    encrypt_key,
    read_key_file,
    write_key_file,
)
from thematica.errors import InvalidInput, KeyFileError

PASS = "correct horse battery staple"
GUID = "6f1c2d3e-0000-4000-8000-123456789abc"
PAYLOAD = {
    "identifiers": [
        {"real": "Zoë Ångström", "pseudonym": "P01"},
        {"real": "José Muñoz-García", "pseudonym": "P02"},
        {"real": "Siobhán Ó Dónaill 😀", "pseudonym": "P03"},
        {"real": "李小龍", "pseudonym": "P04"},
    ],
    "places": {"Café Müller": "[cafe]"},
}
NAMES = ["Zoë", "Ångström", "José", "Muñoz", "Siobhán", "Dónaill", "李小龍", "Café Müller", "😀"]


@pytest.fixture(scope="module")
def blob() -> bytes:
    return encrypt_key(PAYLOAD, PASS, project_guid=GUID)


def _lines(data: bytes) -> list[bytes]:
    return data.rstrip(b"\n").split(b"\n")


def _header(data: bytes) -> dict:
    return json.loads(_lines(data)[1])


def _with_header(data: bytes, header: dict) -> bytes:
    lines = _lines(data)
    lines[1] = json.dumps(header, separators=(",", ":")).encode("ascii")
    return b"\n".join(lines) + b"\n"


def _assert_one_line(exc: pytest.ExceptionInfo[BaseException]) -> None:
    message = str(exc.value)
    assert message and "\n" not in message
    assert exc.value.__cause__ is None
    assert exc.value.__suppress_context__ or exc.value.__context__ is None


# ---------------------------------------------------------------- round trip


def test_round_trip_unicode(blob: bytes) -> None:
    payload, header = decrypt_key(blob, PASS)
    assert payload == PAYLOAD
    assert isinstance(header, KeyHeader)
    assert header.project_guid == GUID
    assert header.version == 1
    assert (header.kdf, header.n, header.r, header.p) == ("scrypt", 2**15, 8, 1)
    assert header.created_at.tzinfo is not None


def test_format_is_three_ascii_lines(blob: bytes) -> None:
    blob.decode("ascii")
    lines = _lines(blob)
    assert len(lines) == 3
    assert lines[0] == b"thematica-key/1"
    header = json.loads(lines[1])
    assert header["kdf"] == "scrypt"
    assert header["project"] == GUID
    assert len(base64.b64decode(header["salt"])) == 16
    assert len(base64.b64decode(header["nonce"])) == 12
    base64.b64decode(lines[2], validate=True)


def test_no_plaintext_in_file(blob: bytes) -> None:
    for name in NAMES + ["P01", "identifiers", "pseudonym"]:
        for encoding in ("utf-8", "utf-16-le", "unicode_escape"):
            assert name.encode(encoding) not in blob, name


def test_two_encryptions_differ() -> None:
    a = encrypt_key(PAYLOAD, PASS, project_guid=GUID)
    b = encrypt_key(PAYLOAD, PASS, project_guid=GUID)
    assert a != b
    assert _header(a)["salt"] != _header(b)["salt"]
    assert _header(a)["nonce"] != _header(b)["nonce"]
    assert _lines(a)[2] != _lines(b)[2]
    assert decrypt_key(a, PASS)[0] == decrypt_key(b, PASS)[0] == PAYLOAD


def test_passphrase_is_unicode_normalised() -> None:
    composed = "mot de passe été secret"
    decomposed = "mot de passe e\u0301te\u0301 secret"
    data = encrypt_key({"a": 1}, composed, project_guid=GUID)
    assert decrypt_key(data, decomposed)[0] == {"a": 1}


def test_crlf_line_endings_still_open(blob: bytes) -> None:
    assert decrypt_key(blob.replace(b"\n", b"\r\n"), PASS)[0] == PAYLOAD


# ---------------------------------------------------------------- passphrase policy


@pytest.mark.parametrize("weak", ["", "   ", "short", "elevenchars"])
def test_weak_passphrase_refused(weak: str) -> None:
    with pytest.raises(InvalidInput, match="passphrase") as exc:
        encrypt_key(PAYLOAD, weak, project_guid=GUID)
    assert "\n" not in str(exc.value)


def test_twelve_characters_is_enough() -> None:
    data = encrypt_key({"x": "y"}, "twelve chars", project_guid=GUID)
    assert decrypt_key(data, "twelve chars")[0] == {"x": "y"}


def test_empty_passphrase_on_read(blob: bytes) -> None:
    with pytest.raises(InvalidInput):
        decrypt_key(blob, "")


def test_wrong_passphrase(blob: bytes) -> None:
    with pytest.raises(KeyFileError, match="passphrase is wrong") as exc:
        decrypt_key(blob, PASS + "!")
    _assert_one_line(exc)


def test_bad_payload_and_guid() -> None:
    with pytest.raises(InvalidInput):
        encrypt_key(["not", "a", "dict"], PASS, project_guid=GUID)  # type: ignore[arg-type]
    with pytest.raises(InvalidInput):
        encrypt_key({"x": object()}, PASS, project_guid=GUID)
    with pytest.raises(InvalidInput):
        encrypt_key({"x": 1}, PASS, project_guid="")


# ---------------------------------------------------------------- tampering


def _flip(data: bytes, index: int) -> bytes:
    out = bytearray(data)
    out[index] ^= 0x01
    return bytes(out)


def test_flip_every_ciphertext_position(blob: bytes) -> None:
    start = blob.index(b"\n", blob.index(b"\n") + 1) + 1
    end = len(blob) - 1
    positions = sorted({start, start + 1, (start + end) // 2, end - 2, end - 1})
    for index in positions:
        with pytest.raises(KeyFileError) as exc:
            decrypt_key(_flip(blob, index), PASS)
        _assert_one_line(exc)


def test_modified_ciphertext_bytes(blob: bytes) -> None:
    lines = _lines(blob)
    raw = bytearray(base64.b64decode(lines[2]))
    for index in (0, len(raw) // 2, len(raw) - 1):  # body and tag
        changed = bytearray(raw)
        changed[index] ^= 0x80
        data = b"\n".join([lines[0], lines[1], base64.b64encode(bytes(changed))])
        with pytest.raises(KeyFileError, match="changed or damaged") as exc:
            decrypt_key(data, PASS)
        _assert_one_line(exc)


def test_flip_every_header_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    # cheap scrypt so that each of the ~300 flips stays fast; the format is the same
    monkeypatch.setattr(keyfile, "SCRYPT_N", 2**10)
    blob = encrypt_key(PAYLOAD, PASS, project_guid=GUID)
    assert decrypt_key(blob, PASS)[0] == PAYLOAD
    first_nl = blob.index(b"\n")
    second_nl = blob.index(b"\n", first_nl + 1)
    for index in range(0, second_nl):
        if index == first_nl:
            continue
        with pytest.raises(KeyFileError) as exc:
            decrypt_key(_flip(blob, index), PASS)
        _assert_one_line(exc)


@pytest.mark.parametrize("field", ["salt", "nonce"])
def test_changed_salt_or_nonce(blob: bytes, field: str) -> None:
    header = _header(blob)
    raw = bytearray(base64.b64decode(header[field]))
    raw[0] ^= 0xFF
    header[field] = base64.b64encode(bytes(raw)).decode()
    with pytest.raises(KeyFileError, match="changed or damaged") as exc:
        decrypt_key(_with_header(blob, header), PASS)
    _assert_one_line(exc)


@pytest.mark.parametrize(
    "change",
    [
        {"project": "another-project"},
        {"created_at": "2001-01-01T00:00:00+00:00"},
        {"n": 2**14},
        {"extra": True},
    ],
)
def test_authenticated_header_fields(blob: bytes, change: dict) -> None:
    header = _header(blob) | change
    with pytest.raises(KeyFileError, match="changed or damaged"):
        decrypt_key(_with_header(blob, header), PASS)


@pytest.mark.parametrize(
    "change",
    [
        {"n": 2**40},
        {"n": 2**21},
        {"n": 2**15 + 1},
        {"n": 2**20, "r": 8},
        {"r": 10_000},
        {"p": 1_000},
        {"n": "32768"},
        {"n": True},
        {"kdf": "argon2id"},
        {"salt": "!!!"},
        {"salt": base64.b64encode(b"short").decode()},
        {"nonce": None},
        {"project": ""},
    ],
)
def test_bad_header_values_refused_before_kdf(blob: bytes, change: dict) -> None:
    header = _header(blob) | change
    with pytest.raises(KeyFileError) as exc:
        decrypt_key(_with_header(blob, header), PASS)
    _assert_one_line(exc)


@pytest.mark.parametrize("cut", [0, 5, 16, 40, -30, -2])
def test_truncated(blob: bytes, cut: int) -> None:
    data = blob[:cut] if cut > 0 else blob[: len(blob) + cut]
    if cut == 0:
        data = b""
    with pytest.raises(KeyFileError) as exc:
        decrypt_key(data, PASS)
    _assert_one_line(exc)


def test_truncated_after_header(blob: bytes) -> None:
    lines = _lines(blob)
    for data in (lines[0] + b"\n" + lines[1], lines[0] + b"\n" + lines[1] + b"\n",
                 lines[0] + b"\n" + lines[1] + b"\n" + lines[2][:20]):
        with pytest.raises(KeyFileError) as exc:
            decrypt_key(data, PASS)
        _assert_one_line(exc)


@pytest.mark.parametrize(
    "data",
    [
        b"Hello, this is an ordinary text file.\n",
        b"%PDF-1.7\n\x00\x01\x02",
        b"\x89PNG\r\n\x1a\n" + os.urandom(64),
        b'{"identifiers": []}',
        b"thematica-key/x\n{}\nAAAA\n",
    ],
)
def test_not_a_key_file(data: bytes) -> None:
    with pytest.raises(KeyFileError) as exc:
        decrypt_key(data, PASS)
    _assert_one_line(exc)


def test_newer_version(blob: bytes) -> None:
    data = blob.replace(b"thematica-key/1", b"thematica-key/2", 1)
    with pytest.raises(KeyFileError, match="newer version") as exc:
        decrypt_key(data, PASS)
    _assert_one_line(exc)


def test_version_line_is_authenticated(blob: bytes) -> None:
    data = blob.replace(b"thematica-key/1", b"thematica-key/01", 1)
    with pytest.raises(KeyFileError, match="changed or damaged"):
        decrypt_key(data, PASS)


# ---------------------------------------------------------------- files


def test_write_and_read(tmp_path: Path) -> None:
    path = tmp_path / "study.key"
    assert write_key_file(path, PAYLOAD, PASS, project_guid=GUID) == path
    payload, header = read_key_file(path, PASS)
    assert payload == PAYLOAD and header.project_guid == GUID
    data = path.read_bytes()
    for name in NAMES:
        assert name.encode("utf-8") not in data
    assert [p.name for p in tmp_path.iterdir()] == ["study.key"]  # no temp file left


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_file_mode_0600(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = write_key_file(tmp_path / "k.key", PAYLOAD, PASS, project_guid=GUID)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    write_key_file(path, {"a": 1}, PASS, project_guid=GUID, overwrite=True)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_no_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "k.key"
    path.write_text("precious")
    with pytest.raises(InvalidInput, match="already exists"):
        write_key_file(path, PAYLOAD, PASS, project_guid=GUID)
    assert path.read_text() == "precious"
    assert [p.name for p in tmp_path.iterdir()] == ["k.key"]
    write_key_file(path, PAYLOAD, PASS, project_guid=GUID, overwrite=True)
    assert read_key_file(path, PASS)[0] == PAYLOAD


def test_weak_passphrase_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput):
        write_key_file(tmp_path / "k.key", PAYLOAD, "short", project_guid=GUID)
    assert list(tmp_path.iterdir()) == []


def test_write_into_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="does not exist"):
        write_key_file(tmp_path / "nope" / "k.key", PAYLOAD, PASS, project_guid=GUID)


def test_read_errors(tmp_path: Path) -> None:
    with pytest.raises(KeyFileError, match="no key file"):
        read_key_file(tmp_path / "missing.key", PASS)
    with pytest.raises(KeyFileError, match="folder"):
        read_key_file(tmp_path, PASS)
    other = tmp_path / "notes.txt"
    other.write_text("just notes", encoding="utf-8")
    with pytest.raises(KeyFileError, match="not a thematica key file"):
        read_key_file(other, PASS)


def test_read_wrong_passphrase(tmp_path: Path) -> None:
    path = write_key_file(tmp_path / "k.key", PAYLOAD, PASS, project_guid=GUID)
    with pytest.raises(KeyFileError, match="passphrase is wrong"):
        read_key_file(path, "a different passphrase")


def test_public_names() -> None:
    for name in keyfile.__all__:
        assert hasattr(keyfile, name)
