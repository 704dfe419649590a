"""The registration form and the letters to the client (procedure steps 2 to 4), in Word and PDF.

context: what a template may name; templating: rendering a Word template safely; convert: PDFs
with LibreOffice; letters: a batch of documents, recorded in the register; checks: what is checked
before a document is made; promises: a letter never names a date that has passed; recording: what
a letter records in the register; signature: placeholder signature images.
"""

from importlib import resources
from pathlib import Path

from formkit.register.model import Problem

LETTER_KINDS = ("ontvangst", "verlenging", "terugkoppeling", "tevredenheid")


def bundled_templates() -> list[Path]:
    """The Word templates shipped with formkit (package data), which `init` copies into a folder."""
    root = Path(str(resources.files(__package__) / "templates"))
    return sorted(p for p in root.iterdir() if p.name.endswith((".docx", ".md")))


def unreadable_cell(problem: Problem) -> str:
    """'Datum ontvangst in cel B4 is niet te lezen ("31-02-2026")': what staff look for in Excel."""
    shown = f"\"{problem.raw}\"" if problem.raw else problem.text
    return f"{problem.header} in cel {problem.cell} is niet te lezen ({shown})"
