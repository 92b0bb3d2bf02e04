"""What the REFI-QDA writer and reader share: namespaces, schema files, names and text layouts.

Everything here is a constant or a small pure function, so that the format
thematica writes is defined in one place (see ``docs/refi.md``).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

#: Namespace of a project exchange file (``project.qde`` inside a ``.qdpx``).
PROJECT_NS = "urn:QDA-XML:project:1.0"
#: Namespace of a codebook exchange file (``.qdc``).
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
PROJECT_SCHEMA_LOCATION = f"{PROJECT_NS} http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd"
CODEBOOK_SCHEMA_LOCATION = f"{CODEBOOK_NS} http://schema.qdasoftware.org/versions/Codebook/v1.0/Codebook.xsd"

_HERE = Path(__file__).resolve().parent
#: The packaged schemas (REFI-QDA 1.0, MIT licence).
PROJECT_XSD = _HERE / "Project.xsd"
CODEBOOK_XSD = _HERE / "Codebook.xsd"

#: The XML file at the root of a .qdpx, and the folder of internal files (lower case: ATLAS.ti refuses ``Sources/``).
PROJECT_ENTRY = "project.qde"
SOURCES_DIR = "sources"
INTERNAL = "internal://"

#: The Note that carries what REFI-QDA has no place for (JSON in its PlainTextContent), and its format tag.
DATA_NOTE_NAME = "thematica:data"
DATA_FORMAT = "thematica-refi/1"
#: ``Project@origin`` of every file thematica writes starts with this; the data note is trusted only then.
ORIGIN_PREFIX = "thematica"

#: Namespace of the GUIDs thematica derives (uuid5) for things it has no GUID for (codings, notes, variables, files).
GUID_NAMESPACE = uuid.UUID("d547cbcb-c479-4529-898b-cd959f31e772")

_GUID = re.compile(r"^(\{)?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}(?(1)\})$")


def derived_guid(*parts: str) -> str:
    """A stable GUID for ``parts`` (e.g. ``derived_guid("coding", segment_guid)``): same input, same GUID."""
    return str(uuid.uuid5(GUID_NAMESPACE, "\x1f".join(parts)))


def is_guid(value: str) -> bool:
    """Whether ``value`` matches the schemas' GUIDType (8-4-4-4-12 hex, optionally in braces)."""
    return bool(_GUID.match(value))


def internal_path(file_name: str) -> str:
    """``internal://<file_name>``: a file in the archive's ``sources/`` folder."""
    return INTERNAL + file_name


# -- variables ----------------------------------------------------------------------------------
#: thematica attribute type -> REFI ``typeOfVariable`` (numbers are Integer when every value is whole).
VARIABLE_TYPES = {"text": "Text", "category": "Text", "number": "Float", "date": "Date"}


# -- dates ---------------------------------------------------------------------------------------
def xsd_datetime(value: str) -> str | None:
    """An ISO-8601 timestamp as REFI tools write it: UTC, whole seconds, ``Z``; None if unreadable.

    A timestamp without a zone is taken as UTC.
    """
    if not value:
        return None
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return when.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- labelled descriptions -------------------------------------------------------------------------
#: The sections of a code's ``Description``, in order (thematica field, label).
CODE_SECTIONS = (("definition", "Definition"), ("inclusion", "Inclusion"), ("exclusion", "Exclusion"), ("example", "Example"))
#: The sections of a theme's ``Set/Description``, in order (thematica field, label).
THEME_SECTIONS = (
    ("definition", "Definition"),
    ("concept", "Central organising concept"),
    ("status", "Status"),
    ("parent", "Subtheme of"),
    ("narrative", "Narrative"),
)


def labelled(sections: list[tuple[str, str]]) -> str:
    """``"Label: value"`` blocks separated by a blank line; empty values are left out."""
    return "\n\n".join(f"{label}: {value}" for label, value in sections if value)


def split_labelled(text: str, labels: list[str] | tuple[str, ...]) -> dict[str, str] | None:
    """The inverse of :func:`labelled`: ``{label: value}``, or None when ``text`` is not in that layout.

    Exact unless a value itself holds a blank line followed by one of the labels and a colon.
    """
    if not text:
        return {}
    alternatives = "|".join(re.escape(label) for label in labels)
    pattern = re.compile(rf"(?:^|\n\n)({alternatives}): ")
    matches = list(pattern.finditer(text))
    if not matches or matches[0].start() != 0:
        return None
    result: dict[str, str] = {}
    for match, following in zip(matches, matches[1:] + [None]):
        label = match.group(1)
        if label in result:
            return None
        result[label] = text[match.end() : following.start() if following else len(text)]
    return result


def code_description(definition: str, inclusion: str, exclusion: str, example: str) -> str:
    """A code's ``Description``: "Definition: …", "Inclusion: …", "Exclusion: …", "Example: …"."""
    values = {"definition": definition, "inclusion": inclusion, "exclusion": exclusion, "example": example}
    return labelled([(label, values[field]) for field, label in CODE_SECTIONS])


def theme_description(definition: str, concept: str, status: str, parent: str = "", narrative: str = "") -> str:
    """A theme's ``Set/Description`` (``parent`` is the parent theme's name; ``narrative`` only in a .qdc)."""
    values = {"definition": definition, "concept": concept, "status": status, "parent": parent, "narrative": narrative}
    return labelled([(label, values[field]) for field, label in THEME_SECTIONS])


def split_theme_description(text: str) -> dict[str, str]:
    """A ``Set/Description`` back as theme fields (``parent`` is a name); other text is the definition."""
    parts = split_labelled(text, [label for _, label in THEME_SECTIONS])
    if parts is None:
        return {"definition": text}
    return {field: parts[label] for field, label in THEME_SECTIONS if label in parts}


def split_code_description(text: str) -> dict[str, str]:
    """A code ``Description`` back as thematica fields; text not in thematica's layout is the definition."""
    parts = split_labelled(text, [label for _, label in CODE_SECTIONS])
    if parts is None:
        return {"definition": text}
    return {field: parts[label] for field, label in CODE_SECTIONS if label in parts}
