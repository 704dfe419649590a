"""The registration form and the letters to the client (procedure steps 2 to 4), in Word and PDF.

context: what a template may name; templating: rendering a Word template safely; convert: PDFs
with LibreOffice; letters: a batch of documents, recorded in the register; signature: placeholder
signature images.
"""

from importlib import resources
from pathlib import Path

LETTER_KINDS = ("ontvangst", "verlenging", "terugkoppeling", "tevredenheid")


def bundled_templates() -> list[Path]:
    """The Word templates shipped with formkit (package data), which `init` copies into a folder."""
    root = Path(str(resources.files(__package__) / "templates"))
    return sorted(p for p in root.iterdir() if p.name.endswith((".docx", ".md")))
