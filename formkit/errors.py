"""One small hierarchy of errors; the CLI turns them into Dutch messages and exit codes.

Every message is Dutch and complete: it names the file and the problem, because it is what
the user reads.
"""

from __future__ import annotations


class FormkitError(Exception):
    """Base of every error formkit reports to a user (exit code 2 in the CLI)."""

    exit_code = 2

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ConfigError(FormkitError):
    """formkit.toml is missing, unreadable or inconsistent."""


class RegisterError(FormkitError):
    """The register cannot be read or does not have the expected shape."""


class RegisterLocked(RegisterError):
    """The register is open in Excel/LibreOffice or in use by another formkit run."""


class DuplicateNumberError(RegisterError):
    """An action names a Klachtnummer that occurs on more than one row."""


class UnknownNumberError(FormkitError):
    """A Klachtnummer that is not in the register."""


class InputError(FormkitError):
    """A value given by the user (a date, an option) is not valid."""


class DocumentError(FormkitError):
    """A template or document cannot be produced."""


class TemplateError(DocumentError):
    """A Word template itself is broken (unknown names, Jinja syntax): no document can be made."""


class ConversionError(FormkitError):
    """LibreOffice is missing or failed to convert a document."""


class PdfFormError(FormkitError):
    """A PDF cannot be read as one of formkit's forms (the CLI skips the file, exit 1)."""

    exit_code = 1
