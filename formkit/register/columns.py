"""The register's columns as SPEC.md fixes them: header text, internal key, kind.

Columns are found by header (trimmed, case-insensitive), never by position.
"""

from __future__ import annotations

from dataclasses import dataclass

SHEET_NAME = "Klachten"


@dataclass(frozen=True)
class Column:
    key: str  # English identifier used in code
    header: str  # Dutch header as it stands in row 1
    kind: str = "text"  # text | longtext | date | choice | score | dateortext
    keep_on_destroy: bool = False  # survives `vernietig` (no personal data)
    width: float = 16


COLUMNS: tuple[Column, ...] = (
    Column("number", "Klachtnummer", keep_on_destroy=True, width=13),
    Column("received", "Datum ontvangst", "date", keep_on_destroy=True, width=13),
    Column("channel", "Wijze van indienen", "choice", width=18),
    Column("client_type", "Type klant", "choice", keep_on_destroy=True, width=12),
    Column("name", "Naam klager", width=22),
    Column("organisation", "Organisatie", width=22),
    Column("address", "Adres", width=24),
    Column("postcode", "Postcode", width=10),
    Column("city", "Woonplaats", width=16),
    Column("email", "E-mail", width=26),
    Column("phone", "Telefoon", width=15),
    Column("participant", "Naam deelnemer", width=22),
    Column("course", "Opleiding", width=24),
    Column("description", "Omschrijving", "longtext", width=50),
    Column("desired_solution", "Gewenste oplossing", "longtext", width=36),
    Column("category", "Categorie", "choice", keep_on_destroy=True, width=22),
    Column("serious", "Ernstig", "choice", keep_on_destroy=True, width=9),
    Column("handler", "Behandelaar", "choice", width=18),
    Column("reaction_date", "Datum reactie", "date", keep_on_destroy=True, width=13),
    Column("reaction_mode", "Wijze reactie", "choice", width=13),
    Column("extended_until", "Verlengd tot", "date", keep_on_destroy=True, width=13),
    Column("extension_notice_date", "Datum verlengingsbericht", "date", keep_on_destroy=True, width=13),
    Column("cause", "Oorzaak", "longtext", keep_on_destroy=True, width=36),
    Column("solution", "Oplossing", "longtext", width=36),
    Column("handled_date", "Datum afhandeling", "date", keep_on_destroy=True, width=13),
    Column("feedback_date", "Datum terugkoppeling", "date", keep_on_destroy=True, width=13),
    Column("internal_feedback", "Terugkoppeling organisatie", "dateortext", width=24),
    Column("third_party", "Derde partij", width=22),
    Column("submitted_date", "Datum voorgelegd", "date", keep_on_destroy=True, width=13),
    Column("third_party_ruling", "Uitspraak derde partij", "longtext", width=30),
    Column("satisfaction", "Tevredenheid", "score", keep_on_destroy=True, width=12),
    Column("satisfaction_date", "Datum tevredenheidsmeting", "date", keep_on_destroy=True, width=13),
    Column("improvement", "Verbeteractie", "longtext", keep_on_destroy=True, width=30),
    Column("improvement_done", "Verbeteractie doorgevoerd", "date", keep_on_destroy=True, width=13),
    Column("signal", "Signalering", "longtext", width=36),
    Column("remarks", "Opmerkingen", "longtext", width=30),
)

BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
BY_HEADER: dict[str, Column] = {c.header.strip().lower(): c for c in COLUMNS}
DATE_KEYS: frozenset[str] = frozenset(c.key for c in COLUMNS if c.kind == "date")

# Drop-down choices (the Lijsten sheet); Behandelaar and Categorie come from formkit.toml.
CHANNELS = ("gesprek", "telefoon", "e-mail", "brief", "klachtenformulier")
CLIENT_TYPES = ("particulier", "bedrijf")
YES_NO = ("ja", "nee")
REACTION_MODES = ("e-mail", "telefoon", "brief")


def normalise_header(text: object) -> str:
    """Header text as compared: trimmed, case-insensitive, inner whitespace collapsed."""
    return " ".join(str(text or "").split()).lower()


def column_letter(index: int) -> str:
    """0-based column index (as in a row read from the sheet) -> Excel letters: 0 -> A, 26 -> AA."""
    # Imported here: only a message naming a cell needs it, and openpyxl (with numpy) adds about
    # 150 ms to every start of `controle`, which on a register without problems never names a cell.
    from openpyxl.utils.cell import get_column_letter

    return get_column_letter(index + 1)
