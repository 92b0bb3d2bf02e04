"""PDF transcripts: the text layer through pdfplumber, pages joined by a blank line."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfexceptions import PDFException
from pdfminer.psexceptions import PSException
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from ..errors import EmptyDocument, ImportError_
from ..text import canonicalise
from .base import ReadDocument
from .files import ReadOptions, document, reason
from .turns import find_turns

_PDF_ERRORS = (PdfminerException, MalformedPDFException, PDFException, PSException)

#: Separator between pages' text.
PAGE_BREAK = "\n\n"


def read_pdf(path: Path, data: bytes, options: ReadOptions) -> ReadDocument:
    """Each page's text (pdfplumber's ``extract_text``), pages joined by ``"\\n\\n"``."""
    try:
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            pages = [page.extract_text() or "" for page in pdf.pages]
    except _PDF_ERRORS as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise ImportError_(
                f"{path.name} is password-protected; save an unprotected copy"
            ) from exc
        raise ImportError_(
            f"{path.name} is not a valid PDF file or is damaged ({reason(exc)})"
        ) from exc
    text = canonicalise(PAGE_BREAK.join(page.strip("\n") for page in pages))
    if not text.strip():
        raise EmptyDocument(
            f"{path.name} has no text layer; it may be a scan: "
            "run text recognition (OCR) on it first"
        )
    return document(path, "pdf", text, find_turns(text, options.rules), data)
