"""Word-processor transcripts: DOCX (python-docx) and ODT (odfpy).

Both become one line per paragraph: paragraphs (table cells' paragraphs
included, in body order) are joined by a single ``"\\n"``, so an empty
paragraph shows as a blank line. Comments, footnotes, text boxes and
deleted tracked changes are left out; headers and footers are not read.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax import SAXException

import docx
from docx.opc.exceptions import OpcError
from docx.oxml.ns import qn
from lxml import etree
from odf import teletype
from odf.element import Node
from odf.namespaces import OFFICENS, TEXTNS
from odf.opendocument import load as load_odf

from ..errors import ImportError_
from ..text import canonicalise
from .base import ReadDocument
from .files import ReadOptions, document, reason, require_text
from .turns import find_turns

# Errors python-docx, odfpy and zipfile raise on a file that is not what it claims to be.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, NotImplementedError)
_DOCX_ERRORS = (*_ZIP_ERRORS, OpcError, ValueError, etree.LxmlError)
_ODT_ERRORS = (*_ZIP_ERRORS, SAXException, ValueError, UnicodeDecodeError)

_W_P = qn("w:p")
_W_CONTAINERS = frozenset(
    qn(t) for t in ("w:tbl", "w:tr", "w:tc", "w:sdt", "w:sdtContent", "w:customXml")
)
_W_RUNS = ".//w:r[not(ancestor::w:txbxContent)]"


def read_docx(path: Path, data: bytes, options: ReadOptions) -> ReadDocument:
    """A Word document: body paragraphs and table cells, one line each."""
    try:
        body = docx.Document(io.BytesIO(data)).element.body
        lines = list(_docx_paragraphs(body))
    except _DOCX_ERRORS as exc:
        raise ImportError_(f"{path.name} is not a valid DOCX file ({reason(exc)})") from exc
    return _finish(path, "docx", "\n".join(lines), data, options)


def _docx_paragraphs(element: Any) -> Iterator[str]:
    """Paragraph texts in document order, descending into tables and content controls."""
    for child in element.iterchildren():
        if child.tag == _W_P:
            # Runs inside hyperlinks, insertions, fields and smart tags count; deleted
            # runs hold w:delText, which python-docx's run text leaves out.
            yield "".join(run.text for run in child.xpath(_W_RUNS))
        elif child.tag in _W_CONTAINERS:
            yield from _docx_paragraphs(child)


_ODF_PARAGRAPHS = frozenset({(TEXTNS, "p"), (TEXTNS, "h")})
_ODF_SKIPPED = frozenset(
    {
        (OFFICENS, "annotation"),
        (OFFICENS, "annotation-end"),
        (TEXTNS, "note"),
        (TEXTNS, "tracked-changes"),
    }
)


def read_odt(path: Path, data: bytes, options: ReadOptions) -> ReadDocument:
    """An OpenDocument text: text:p and text:h elements in order, through teletype."""
    noise = io.StringIO()
    try:
        # odfpy prints a part it cannot parse to stdout and carries on; catch that.
        with contextlib.redirect_stdout(noise):
            doc = load_odf(io.BytesIO(data))
    except _ODT_ERRORS as exc:
        raise ImportError_(f"{path.name} is not a valid ODT file ({reason(exc)})") from exc
    if "FAILED TO PARSE" in noise.getvalue():
        raise ImportError_(f"{path.name} is not a valid ODT file (its XML is malformed)")
    if not str(doc.mimetype).startswith("application/vnd.oasis.opendocument.text"):
        raise ImportError_(
            f"{path.name} is not a valid ODT file (it is an OpenDocument {doc.mimetype!s})"
        )
    return _finish(path, "odt", "\n".join(_odf_paragraphs(doc.text)), data, options)


def _odf_paragraphs(element: Any) -> Iterator[str]:
    for child in element.childNodes:
        if child.nodeType != Node.ELEMENT_NODE or child.qname in _ODF_SKIPPED:
            continue
        if child.qname in _ODF_PARAGRAPHS:
            _prune(child)
            yield teletype.extractText(child)
        else:
            yield from _odf_paragraphs(child)


def _prune(element: Any) -> None:
    """Drop comments, notes and tracked-change records from a paragraph before extraction."""
    for child in list(element.childNodes):
        if child.nodeType == Node.ELEMENT_NODE:
            if child.qname in _ODF_SKIPPED:
                element.removeChild(child)
            else:
                _prune(child)


def _finish(path: Path, kind: str, raw: str, data: bytes, options: ReadOptions) -> ReadDocument:
    text = canonicalise(raw)
    require_text(text, path)
    return document(path, kind, text, find_turns(text, options.rules), data)
