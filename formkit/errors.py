"""One small hierarchy of errors; the CLI turns them into Dutch messages and exit codes.

Every message is Dutch and complete: it names the file and the problem, because it is what the
user reads. It never names a command-line option: where the user can act, the error carries a
`Hint`, which the command line shows as its option and the web page as a button or a field.
"""

from __future__ import annotations

from enum import Enum


class Hint(Enum):
    """What the user can do about an error, whatever the front end."""

    OVERWRITE = "overwrite"  # make it again over the existing file or value
    EXPECTED_DATE = "expected-date"  # give the date the client may now expect
    NUMBERS = "numbers"  # name one or more complaints (or all open ones)
    PEILDATUM_TODAY = "peildatum-today"  # check as of today or earlier
    RETRY = "retry"  # the same action again, once the cause is gone
    WORKFOLDER = "workfolder"  # go to the working folder, or name it
    INIT = "init"  # make a new working folder (or register) here
    PASSWORD = "password"  # give the certificate's password


class FormkitError(Exception):
    """Base of every error formkit reports to a user (exit code 2 in the CLI)."""

    exit_code = 2

    def __init__(self, message: str, hint: Hint | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint


class ConfigError(FormkitError):
    """formkit.toml is missing, unreadable or inconsistent."""


class RegisterError(FormkitError):
    """The register cannot be read or does not have the expected shape."""


class RegisterLocked(RegisterError):
    """The register is open in Excel/LibreOffice or in use by another formkit run."""


class FileHeld(FormkitError):
    """A file another program holds open (Windows refuses the write or replace): try again later."""


class DuplicateNumberError(RegisterError):
    """An action names a Klachtnummer that occurs on more than one row."""


class DestroyedComplaint(FormkitError):
    """A complaint that was destroyed: nothing is made or recorded for it any more."""


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
