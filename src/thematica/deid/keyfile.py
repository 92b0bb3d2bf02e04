"""The re-identification key, exported to a file encrypted with a passphrase.

The identifier register (real names -> pseudonyms) is what re-identifies
participants, so it leaves the project only encrypted. A key file is three
lines of ASCII text::

    thematica-key/1
    {"kdf":"scrypt","n":32768,"r":8,"p":1,"salt":"...","nonce":"...","project":"...","created_at":"..."}
    <base64 of the AES-256-GCM ciphertext and tag>

The key is derived from the passphrase with scrypt (n=2**15, r=8, p=1, a
random 16-byte salt); the payload (JSON, UTF-8) is encrypted with AES-256-GCM
under a random 12-byte nonce. The first two lines (without their line
endings) are the associated data, so any change to the version line or the
header (salt, parameters, project, date) makes the file fail to open.
Passphrases are NFC-normalised, so the same words typed on any system work.

Every failure a user can cause is a :class:`~thematica.errors.KeyFileError`
(or :class:`~thematica.errors.InvalidInput` for a weak passphrase) with one
clear line; nothing from ``cryptography`` escapes.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import os
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

from ..errors import InvalidInput, KeyFileError

#: The first line's prefix; the number after the slash is the format version.
MAGIC = "thematica-key/"
#: The format version this module writes and the newest it reads.
FORMAT_VERSION = 1
#: The shortest passphrase accepted when a key file is written.
MIN_PASSPHRASE_LENGTH = 12

#: scrypt parameters used for new files.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
SALT_BYTES = 16
NONCE_BYTES = 12
KEY_BYTES = 32

# Bounds on parameters read from a file, so a crafted header cannot make
# scrypt allocate gigabytes or run for minutes before authentication fails.
_MIN_N = 2**10
_MAX_N = 2**20
_MAX_R = 32
_MAX_P = 4
_MAX_SCRYPT_MEMORY = 256 * 1024 * 1024  # bytes: 128 * n * r
#: Key files larger than this are refused unread.
MAX_KEY_FILE_BYTES = 32 * 1024 * 1024

_TAG_BYTES = 16
_UNLOCK_FAILED = (
    "The key file could not be unlocked: the passphrase is wrong, "
    "or the file has been changed or damaged."
)


@dataclass(frozen=True, slots=True)
class KeyHeader:
    """What a key file says about itself (authenticated once it is decrypted).

    Fields: ``version`` (file format), ``project_guid`` (the project the key
    belongs to), ``created_at`` (UTC), and the scrypt parameters ``kdf``,
    ``n``, ``r``, ``p``.
    """

    version: int
    project_guid: str
    created_at: dt.datetime
    kdf: str
    n: int
    r: int
    p: int


def check_passphrase(passphrase: str) -> None:
    """Raise InvalidInput unless ``passphrase`` meets the policy for new key files."""
    if not isinstance(passphrase, str):
        raise InvalidInput("The passphrase must be text.")
    if not passphrase.strip():
        raise InvalidInput("The passphrase is empty; choose one of at least "
                           f"{MIN_PASSPHRASE_LENGTH} characters.")
    length = len(_normalise(passphrase))
    if length < MIN_PASSPHRASE_LENGTH:
        raise InvalidInput(
            f"The passphrase is too short ({length} characters); use at least "
            f"{MIN_PASSPHRASE_LENGTH}, e.g. a few unrelated words."
        )


def encrypt_key(payload: dict[str, Any], passphrase: str, *, project_guid: str) -> bytes:
    """Encrypt ``payload`` (a JSON-serialisable dict) into the bytes of a key file."""
    check_passphrase(passphrase)
    if not isinstance(payload, dict):
        raise InvalidInput("The key contents must be a dictionary.")
    if not isinstance(project_guid, str) or not project_guid.strip():
        raise InvalidInput("The key file needs the project's identifier.")
    try:
        plaintext = json.dumps(payload, ensure_ascii=False, allow_nan=False,
                               separators=(",", ":")).encode("utf-8")
    except (TypeError, ValueError) as exc:
        raise InvalidInput(f"The key contents cannot be saved as JSON: {exc}") from None

    salt = secrets.token_bytes(SALT_BYTES)
    nonce = secrets.token_bytes(NONCE_BYTES)
    created = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    header = {
        "kdf": "scrypt",
        "n": SCRYPT_N,
        "r": SCRYPT_R,
        "p": SCRYPT_P,
        "salt": _b64(salt),
        "nonce": _b64(nonce),
        "project": project_guid,
        "created_at": created.isoformat(),
    }
    magic_line = f"{MAGIC}{FORMAT_VERSION}".encode("ascii")
    header_line = json.dumps(header, ensure_ascii=True, separators=(",", ":")).encode("ascii")
    key = _derive(passphrase, salt, SCRYPT_N, SCRYPT_R, SCRYPT_P)
    ciphertext = AESGCM(key).encrypt(nonce, plaintext, _aad(magic_line, header_line))
    return magic_line + b"\n" + header_line + b"\n" + base64.b64encode(ciphertext) + b"\n"


def decrypt_key(data: bytes, passphrase: str) -> tuple[dict[str, Any], KeyHeader]:
    """Decrypt the bytes of a key file; return the payload and its header.

    Raises KeyFileError for a wrong passphrase, a damaged, truncated or
    altered file, a file that is not a key file, or a newer format.
    """
    if not isinstance(passphrase, str) or not passphrase:
        raise InvalidInput("Enter the passphrase the key file was saved with.")
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise KeyFileError("The key file's contents must be bytes.")
    data = bytes(data)
    if len(data) > MAX_KEY_FILE_BYTES:
        raise KeyFileError("This file is far too large to be a thematica key file.")
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]

    lines = [line.rstrip(b"\r") for line in data.split(b"\n")]
    magic_line = lines[0].strip()
    if not magic_line.startswith(MAGIC.encode("ascii")):
        raise KeyFileError("This is not a thematica key file "
                           f"(it does not start with '{MAGIC}').")
    version_text = magic_line[len(MAGIC):].decode("ascii", "replace")
    if not version_text.isdigit():
        raise KeyFileError("The key file's first line is damaged "
                           f"(expected '{MAGIC}{FORMAT_VERSION}').")
    version = int(version_text)
    if version > FORMAT_VERSION:
        raise KeyFileError(
            f"This key file was written by a newer version of thematica (format {version}); "
            f"this version reads format {FORMAT_VERSION}. Upgrade thematica to open it."
        )
    if version < 1:
        raise KeyFileError(f"The key file's format number ({version}) is not valid.")
    if len(lines) < 3:
        raise KeyFileError("The key file is incomplete: its header or its encrypted "
                           "contents are missing.")

    header_line = lines[1].strip()
    raw = _parse_header(header_line)
    n, r, p = _scrypt_params(raw)
    salt = _b64_field(raw, "salt", SALT_BYTES)
    nonce = _b64_field(raw, "nonce", NONCE_BYTES)
    project = raw.get("project")
    if not isinstance(project, str) or not project:
        raise KeyFileError("The key file's header is damaged (no project identifier).")

    body = b"".join(line.strip() for line in lines[2:])
    try:
        ciphertext = base64.b64decode(body, validate=True)
    except (binascii.Error, ValueError):
        raise KeyFileError("The key file's encrypted contents are damaged "
                           "(not valid base64); the file may be truncated.") from None
    if len(ciphertext) < _TAG_BYTES:
        raise KeyFileError("The key file is incomplete: its encrypted contents are missing.")

    try:
        key = _derive(passphrase, salt, n, r, p)
        plaintext = AESGCM(key).decrypt(nonce, ciphertext, _aad(magic_line, header_line))
    except InvalidTag:
        raise KeyFileError(_UNLOCK_FAILED) from None
    except (ValueError, MemoryError, OverflowError):
        raise KeyFileError("The key file's encryption settings cannot be used; "
                           "the file is damaged.") from None

    try:
        payload = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise KeyFileError("The key file opened, but its contents are not a "
                           "thematica key.") from None
    if not isinstance(payload, dict):
        raise KeyFileError("The key file opened, but its contents are not a thematica key.")

    created_raw = raw.get("created_at")
    try:
        created = dt.datetime.fromisoformat(str(created_raw))
    except ValueError:
        raise KeyFileError("The key file's creation date is not valid.") from None
    if created.tzinfo is None:
        created = created.replace(tzinfo=dt.timezone.utc)
    header = KeyHeader(version=version, project_guid=project, created_at=created,
                       kdf="scrypt", n=n, r=r, p=p)
    return payload, header


def write_key_file(
    path: str | os.PathLike[str],
    payload: dict[str, Any],
    passphrase: str,
    *,
    project_guid: str,
    overwrite: bool = False,
) -> Path:
    """Encrypt ``payload`` and write it to ``path`` atomically, readable by the owner only.

    Refuses to replace an existing file unless ``overwrite`` is true. Returns
    the path written.
    """
    target = Path(path)
    data = encrypt_key(payload, passphrase, project_guid=project_guid)
    folder = target.parent
    if not folder.is_dir():
        raise InvalidInput(f"Cannot save the key file: the folder {str(folder)!r} does not exist.")
    if target.is_dir():
        raise InvalidInput(f"Cannot save the key file: {str(target)!r} is a folder.")
    if target.exists() and not overwrite:
        raise InvalidInput(f"A file already exists at {str(target)!r}; choose another name "
                           "or allow overwriting it.")

    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise InvalidInput(f"Cannot save the key file in {str(folder)!r}: "
                           f"{exc.strerror or exc}.") from None
    tmp = Path(tmp_name)
    try:
        try:
            os.fchmod(fd, 0o600)
        except (AttributeError, OSError):  # pragma: no cover - not POSIX
            pass
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        _place(tmp, target, overwrite=overwrite)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_folder(folder)
    return target


def read_key_file(path: str | os.PathLike[str], passphrase: str) -> tuple[dict[str, Any], KeyHeader]:
    """Read and decrypt the key file at ``path``; return the payload and its header."""
    source = Path(path)
    try:
        size = source.stat().st_size
        if size > MAX_KEY_FILE_BYTES:
            raise KeyFileError(f"{str(source)!r} is far too large to be a thematica key file.")
        data = source.read_bytes()
    except FileNotFoundError:
        raise KeyFileError(f"There is no key file at {str(source)!r}.") from None
    except IsADirectoryError:
        raise KeyFileError(f"{str(source)!r} is a folder, not a key file.") from None
    except OSError as exc:
        raise KeyFileError(f"The key file {str(source)!r} cannot be read: "
                           f"{exc.strerror or exc}.") from None
    return decrypt_key(data, passphrase)


# ---------------------------------------------------------------- helpers


def _normalise(passphrase: str) -> str:
    return unicodedata.normalize("NFC", passphrase)


def _derive(passphrase: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    kdf = Scrypt(salt=salt, length=KEY_BYTES, n=n, r=r, p=p)
    return kdf.derive(_normalise(passphrase).encode("utf-8"))


def _aad(magic_line: bytes, header_line: bytes) -> bytes:
    return magic_line + b"\n" + header_line


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _parse_header(header_line: bytes) -> dict[str, Any]:
    try:
        raw = json.loads(header_line.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        raise KeyFileError("The key file's header is damaged (not valid JSON).") from None
    if not isinstance(raw, dict):
        raise KeyFileError("The key file's header is damaged (not a JSON object).")
    if raw.get("kdf") != "scrypt":
        raise KeyFileError(f"The key file uses an unknown key derivation ({raw.get('kdf')!r}).")
    return raw


def _scrypt_params(raw: dict[str, Any]) -> tuple[int, int, int]:
    values = []
    for name in ("n", "r", "p"):
        value = raw.get(name)
        if not isinstance(value, int) or isinstance(value, bool):
            raise KeyFileError(f"The key file's header is damaged (scrypt '{name}' is missing).")
        values.append(value)
    n, r, p = values
    if (
        not (_MIN_N <= n <= _MAX_N)
        or n & (n - 1)
        or not (1 <= r <= _MAX_R)
        or not (1 <= p <= _MAX_P)
        or 128 * n * r > _MAX_SCRYPT_MEMORY
    ):
        raise KeyFileError(f"The key file's scrypt settings (n={n}, r={r}, p={p}) are "
                           "outside the accepted range; the file is damaged or not trustworthy.")
    return n, r, p


def _b64_field(raw: dict[str, Any], name: str, size: int) -> bytes:
    value = raw.get(name)
    if not isinstance(value, str):
        raise KeyFileError(f"The key file's header is damaged (no '{name}').")
    try:
        decoded = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, ValueError, UnicodeEncodeError):
        raise KeyFileError(f"The key file's header is damaged ('{name}' is not valid base64).") from None
    if len(decoded) != size:
        raise KeyFileError(f"The key file's header is damaged ('{name}' has the wrong length).")
    return decoded


def _place(tmp: Path, target: Path, *, overwrite: bool) -> None:
    """Move the finished temp file into place; without ``overwrite``, never clobber."""
    if overwrite:
        os.replace(tmp, target)
        return
    try:
        os.link(tmp, target)  # atomic and fails if the target appeared meanwhile
    except FileExistsError:
        raise InvalidInput(f"A file already exists at {str(target)!r}; choose another name "
                           "or allow overwriting it.") from None
    except OSError:  # pragma: no cover - file system without hard links
        if target.exists():
            raise InvalidInput(f"A file already exists at {str(target)!r}; choose another "
                               "name or allow overwriting it.") from None
        os.replace(tmp, target)
        return
    tmp.unlink(missing_ok=True)


def _fsync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - e.g. Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


__all__ = [
    "FORMAT_VERSION",
    "MAGIC",
    "MIN_PASSPHRASE_LENGTH",
    "KeyHeader",
    "check_passphrase",
    "encrypt_key",
    "decrypt_key",
    "write_key_file",
    "read_key_file",
]
