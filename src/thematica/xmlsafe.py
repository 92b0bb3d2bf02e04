"""One way to parse XML that came from outside: no entities, no DTD, no network."""

from __future__ import annotations

from lxml import etree


def untrusted_parser(*, keep_comments: bool = False, collect_ids: bool = True) -> etree.XMLParser:
    """An lxml parser for untrusted XML: entities unresolved, no DTD loaded or validated, no network,
    processing instructions dropped, no huge trees. ``keep_comments`` when comments carry text to read
    (matplotlib writes SVG text as comments); ``collect_ids=False`` saves memory on large files but makes
    lxml look for an SVG's DTD, so leave it on for SVG."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=not keep_comments,
        remove_pis=True,
        collect_ids=collect_ids,
    )
