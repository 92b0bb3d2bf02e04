"""The HTML writer: one well-formed, self-contained, escaped file with no script."""

from __future__ import annotations

import base64
import html
import re
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from report_helpers import all_quotes, heading_texts, parse_html

from thematica.report.coreq import COREQ_ITEMS, answer_items
from thematica.report.data import ReportInput
from thematica.report.document import build_document
from thematica.report.html_writer import render_html, sanitise_svg, write_html


@pytest.fixture
def page(report_input: ReportInput, tmp_path: Path) -> str:
    path = write_html(build_document(report_input), tmp_path / "report.html")
    return path.read_text(encoding="utf-8")


def test_well_formed(page: str) -> None:
    parsed = parse_html(page)
    assert parsed.errors == [] and parsed.stack == []
    assert page.startswith("<!DOCTYPE html>")
    tree = etree.fromstring(page.encode("utf-8"), etree.HTMLParser())
    assert tree.findtext(".//title") == "Co-production in practice: clinicians & Peer Trainers"


def test_self_contained_and_script_free(page: str) -> None:
    parsed = parse_html(page)
    assert "<script" not in page.lower() and "javascript:" not in page.lower()
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert "@import" not in page and not re.search(r"url\(\s*['\"]?https?:", page)
    for tag, attrs in parsed.tags:
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        for name in ("src", "href", "xlink:href"):
            value = attrs.get(name)
            assert value is None or value.startswith(("#", "data:image/")), (tag, attrs)
    assert not any(tag in {"link", "iframe", "object", "embed"} for tag, _ in parsed.tags)


def test_text_is_escaped_and_quotes_verbatim(page: str, report_input: ReportInput) -> None:
    assert "&lt;b&gt;ours&lt;/b&gt;" in page and "<b>ours" not in page
    assert "Sharing power &lt;in practice&gt;" in page and "<in practice>" not in page
    assert "50% mine &amp; 50% hers" in page
    parsed = parse_html(page)
    quotes = [re.sub(r" \((P0\d|unattributed)\)$", "", t) for t in parsed.text["blockquote"]]
    assert quotes == all_quotes(report_input)


def test_every_heading_and_coreq_item(page: str, report_input: ReportInput) -> None:
    parsed = parse_html(page)
    found = parsed.text["h2"] + parsed.text.get("h3", []) + parsed.text.get("h4", [])
    assert sorted(found) == sorted(heading_texts(build_document(report_input)))
    cells = parsed.text["td"]
    for item in COREQ_ITEMS:
        assert item.topic in cells
    missing = [a for a in answer_items(report_input) if a.origin == "missing"]
    assert page.count('<tr class="missing">') == len(missing) == 18
    contents = [a["href"] for tag, a in parsed.tags if tag == "a"]
    ids = {a.get("id") for _, a in parsed.tags}
    assert contents and all(href[1:] in ids for href in contents)  # the contents links resolve


def test_svg_inlined_and_sanitised(page: str) -> None:
    assert page.count("<svg") == 1 and "<img" not in page
    assert "alert(" not in page and "onclick" not in page and "example.org" not in page
    assert 'id="fig1-clip1"' in page and "url(#fig1-clip1)" in page and 'href="#fig1-clip1"' in page
    assert "<!DOCTYPE svg" not in page and "<?xml" not in page
    assert 'aria-label="Figure 1. Thematic map: themes, subthemes &amp; their codes"' in page


def test_png_data_uri_without_svg(report_input: ReportInput, tmp_path: Path) -> None:
    figure = replace(report_input.figures[0], svg=None)
    page = render_html(build_document(replace(report_input, figures=(figure,))))
    match = re.search(r'<img src="data:image/png;base64,([A-Za-z0-9+/=]+)" alt="([^"]*)">', page)
    assert match and base64.b64decode(match.group(1)) == figure.path.read_bytes()
    assert html.unescape(match.group(2)) == "Figure 1. " + figure.caption
    assert "<svg" not in page


def test_bad_svg_falls_back_to_png(report_input: ReportInput, tmp_path: Path) -> None:
    bad = tmp_path / "bad.svg"
    bad.write_text("<html><body>not svg</body></html>", encoding="utf-8")
    figure = replace(report_input.figures[0], svg=bad)
    page = render_html(build_document(replace(report_input, figures=(figure,))))
    assert "data:image/png;base64," in page and "not svg" not in page
    assert sanitise_svg("<svg", "x") is None


def test_empty_project(bare_input: ReportInput) -> None:
    parsed = parse_html(render_html(build_document(bare_input)))
    assert parsed.errors == [] and parsed.stack == []
