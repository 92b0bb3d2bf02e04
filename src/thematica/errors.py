"""One exception tree for thematica.

Every error a user can cause is a ``ThematicaError``; the CLI and the web
turn it into one clear line and a non-zero exit. Anything else is a bug.

    ThematicaError
    ├── ProjectError             the project file: missing, not a project, too new
    │   └── MigrationError       an upgrade failed (the backup is named)
    ├── ImportError_             a file could not be read into a source
    │   ├── UnsupportedFormat    no reader for this kind of file
    │   ├── EncodingError        bytes that are not text in any known encoding
    │   └── EmptyDocument        the file holds no text
    ├── NotFound                 a source, code, coder, segment ... that does not exist
    ├── Conflict                 the change clashes with what is there (duplicate name ...)
    ├── InvalidInput             a value out of range (offsets, phase, attribute type ...)
    ├── NothingToUndo            the audit trail has no change left to revert
    ├── OutputBlocked            an output would disclose an identifier or a small group
    ├── KeyFileError             a re-identification key file is unreadable or the passphrase is wrong
    └── AssistUnavailable        local assistance needs its optional packages (thematica[assist])
"""

from __future__ import annotations


class ThematicaError(Exception):
    """Base of every error a user can cause; its message is shown as is."""


class ProjectError(ThematicaError):
    """The project file is missing, unreadable, or not a thematica project."""


class MigrationError(ProjectError):
    """Upgrading an older project failed; the untouched backup is named."""


class ImportError_(ThematicaError):  # noqa: N801 - avoid shadowing the builtin
    """A file could not be turned into a source."""


class UnsupportedFormat(ImportError_):
    """There is no reader for this kind of file."""


class EncodingError(ImportError_):
    """The bytes decode as none of the supported text encodings."""


class EmptyDocument(ImportError_):
    """The file holds no text to analyse."""


class NotFound(ThematicaError):
    """A named or numbered object does not exist in the project."""


class Conflict(ThematicaError):
    """The change clashes with what the project holds (e.g. a duplicate name)."""


class InvalidInput(ThematicaError):
    """A value is out of range or malformed."""


class NothingToUndo(ThematicaError):
    """There is no change left to revert."""





class OutputBlocked(ThematicaError):
    """An output failed the disclosure check: a real identifier, or a group smaller than k.

    ``findings`` lists where (plain strings a researcher can act on); the
    output was not written.
    """

    def __init__(self, message: str, findings: list[str] | None = None) -> None:
        super().__init__(message)
        self.findings: list[str] = list(findings or [])


class KeyFileError(ThematicaError):
    """A re-identification key file cannot be read, is damaged, or the passphrase is wrong."""


class AssistUnavailable(ThematicaError):
    """Local assistance was asked for but its optional packages are not installed."""


__all__ = [
    "ThematicaError",
    "ProjectError",
    "MigrationError",
    "ImportError_",
    "UnsupportedFormat",
    "EncodingError",
    "EmptyDocument",
    "NotFound",
    "Conflict",
    "InvalidInput",
    "NothingToUndo",
    "OutputBlocked",
    "KeyFileError",
    "AssistUnavailable",
]
