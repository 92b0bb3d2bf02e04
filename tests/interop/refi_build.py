"""Small builders for hand-made REFI-QDA files in the reader, safety and round-trip tests."""

from __future__ import annotations

import zipfile
from pathlib import Path

PROJECT_NS = "urn:QDA-XML:project:1.0"

USER = "11111111-1111-4111-8111-111111111111"
CODE_A = "aaaaaaaa-0000-4000-8000-000000000001"
CODE_B = "aaaaaaaa-0000-4000-8000-000000000002"
SOURCE = "bbbbbbbb-0000-4000-8000-000000000001"


def guid(n: int, prefix: str = "cccccccc") -> str:
    """A distinct GUID for test element ``n``."""
    return f"{prefix}-0000-4000-8000-{n:012d}"


def qde(body: str, *, origin: str = "Test tool 1.0", namespace: str | None = PROJECT_NS, name: str = "Test project",
        attrs: str = "") -> bytes:
    """A ``Project`` document around ``body`` (XML text of its children)."""
    xmlns = f' xmlns="{namespace}"' if namespace is not None else ""
    return (f'<?xml version="1.0" encoding="utf-8"?>\n<Project{xmlns} name="{name}" origin="{origin}"{attrs}>'
            f"{body}</Project>").encode("utf-8")


def users(*pairs: tuple[str, str]) -> str:
    return "<Users>" + "".join(f'<User guid="{g}" name="{n}"/>' for g, n in pairs) + "</Users>"


def codes(*items: tuple[str, str]) -> str:
    return "<CodeBook><Codes>" + "".join(f'<Code guid="{g}" name="{n}" isCodable="true"/>' for g, n in items) + "</Codes></CodeBook>"


def selection(n: int, start: int, end: int, code: str = CODE_A, *, name: str = "", user: str = USER, inner: str = "") -> str:
    """A PlainTextSelection with one Coding."""
    return (f'<PlainTextSelection guid="{guid(n)}" name="{name}" startPosition="{start}" endPosition="{end}" creatingUser="{user}">'
            f'{inner}<Coding guid="{guid(n, "dddddddd")}" creatingUser="{user}"><CodeRef targetGUID="{code}"/></Coding>'
            "</PlainTextSelection>")


def text_source(selections: str, *, source: str = SOURCE, path: str = f"internal://{SOURCE}.txt", name: str = "Interview 1",
                extra: str = "") -> str:
    return f'<Sources><TextSource guid="{source}" name="{name}" plainTextPath="{path}"{extra}>{selections}</TextSource></Sources>'


def write_zip(path: Path, entries: dict[str, bytes | str]) -> Path:
    """A zip with ``entries`` (name -> content), deflated."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data.encode("utf-8") if isinstance(data, str) else data)
    return path


def qdpx(path: Path, document: bytes, files: dict[str, bytes | str] | None = None, *, qde_name: str = "project.qde") -> Path:
    """A .qdpx: ``document`` as ``qde_name`` plus ``files`` (full entry names, e.g. ``sources/<guid>.txt``)."""
    return write_zip(path, {qde_name: document, **(files or {})})


def xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
