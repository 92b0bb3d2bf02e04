"""The reports page in a real browser: the findings report downloads as a Word document."""

from __future__ import annotations

import zipfile
from typing import Any

import pytest
from browser_helpers import login
from docx import Document

expect = pytest.importorskip("playwright.sync_api").expect


def test_downloading_the_report_as_docx(serve, page: Any) -> None:
    running = serve()
    login(page, running, "/reports")
    with page.expect_download(timeout=60_000) as download_info:
        page.get_by_role("link", name="Word (DOCX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".docx")
    path = download.path()
    assert zipfile.is_zipfile(path)
    with zipfile.ZipFile(path) as archive:
        assert "word/document.xml" in archive.namelist()
        assert "wordprocessingml" in archive.read("[Content_Types].xml").decode()
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "Holding two roles at once" in text  # a theme of the demo
