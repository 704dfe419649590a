"""The register as a file: what kind of file it really is, and what calamine does not show.

A register that is not an .xlsx (an .xls, a CSV, an encrypted or empty file) gets a message that
says what it is and what to do, instead of a parser's error. Excel error values (#N/A, #DEEL/0!)
read as empty cells in calamine, so they are found here in the worksheet XML and reported.
"""

from __future__ import annotations

import re
from pathlib import Path

from formkit.errors import RegisterError
from formkit.xlsx.errors import (
    ArrayFormulaCell,
    DamagedWorkbook,
    DuplicateMember,
    MergedCell,
    NotAWorksheet,
    SharedFormulaCell,
    SheetNotFound,
    TextTooLong,
    WorkbookError,
)
from formkit.xlsx.package import Package

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file: .xls, or an encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SAVE_AS = "Open het in Excel en kies Opslaan als > Excel-werkmap (.xlsx)."
RESTORE = "Zet een reservekopie terug uit de map backups naast het register."
_ERROR_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)\bt\s*=\s*[\"']e[\"']([^>]*?)(/?)>")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")
_R_ATTR = re.compile(rb"""\br\s*=\s*["']([A-Z]{1,3})(\d+)["']""")
_V = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</")


def check_kind(path: Path, data: bytes) -> Package:
    """The register's package when it is an Excel workbook (.xlsx/.xlsm); otherwise a clear refusal."""
    name = path.name
    if not data.strip(b"\x00 \t\r\n"):
        raise RegisterError(f"{name} is leeg ({len(data)} bytes): er staat geen werkmap in. {RESTORE}")
    if data.startswith(CFB_MAGIC):
        if _ENCRYPTED in data:
            raise RegisterError(f"{name} is beveiligd met een wachtwoord (versleuteld) en kan niet worden gelezen. "
                                "Haal in Excel het wachtwoord eraf (Bestand > Info > Werkmap beveiligen > "
                                "Versleutelen met wachtwoord: leegmaken) en sla het opnieuw op.")
        raise RegisterError(f"{name} is een oud Excel-bestand (Excel 97-2003, .xls). formkit werkt met een "
                            f"Excel-werkmap (.xlsx). {_SAVE_AS}")
    try:
        package = Package(data)
    except DamagedWorkbook as exc:
        if data.startswith(b"PK") and exc.part:
            raise refusal(exc, name) from None
        if data.startswith(b"PK"):
            raise RegisterError(f"{name} is beschadigd: het is geen volledig zip-bestand (misschien niet helemaal "
                                f"gekopieerd of opgeslagen). {RESTORE}") from None
        raise RegisterError(f"{name} is {_describe_other(data)}, geen Excel-werkmap (.xlsx). {_SAVE_AS}") from None
    names = set(package.names)
    try:
        if package.workbook_part:
            _refuse_macro_sheets(name, package)
            return package
    except DamagedWorkbook:
        pass
    if "xl/workbook.bin" in names:
        raise RegisterError(f"{name} is een binaire Excel-werkmap (.xlsb). {_SAVE_AS}")
    if "mimetype" in names and b"opendocument" in _safe_read(package, "mimetype"):
        raise RegisterError(f"{name} is een OpenDocument-bestand (LibreOffice, .ods), geen Excel-werkmap. "
                            "Kies in LibreOffice Opslaan als > Excel 2007-365 (.xlsx).")
    raise RegisterError(f"{name} is een zip-bestand maar geen Excel-werkmap (.xlsx): het onderdeel "
                        f"xl/workbook.xml ontbreekt. Is het beschadigd? {RESTORE}")


# Sheets calamine cannot read (it refuses the whole workbook): Excel 4.0 macro sheets.
_MACRO_SHEETS = {"xlMacrosheet", "xlIntlMacrosheet"}
_SHEET_KINDS = {"chartsheet": "een grafiekblad", "dialogsheet": "een dialoogvenster (Excel 5.0)",
                "xlMacrosheet": "een Excel 4.0-macroblad", "xlIntlMacrosheet": "een internationaal Excel 4.0-macroblad"}


def _refuse_macro_sheets(name: str, package: Package) -> None:
    """A workbook with an Excel 4.0 macro sheet is a valid .xlsm, but formkit's reader (calamine)
    cannot read any sheet of it: say so, and how to get a readable register."""
    try:
        macro = [sheet for sheet, kind, _ in package.sheet_entries() if kind in _MACRO_SHEETS]
    except WorkbookError:
        return  # the reader reports what is wrong with the workbook part
    if macro:
        sheets = ", ".join(f"'{sheet}'" for sheet in macro)
        raise RegisterError(
            f"{name} bevat een Excel 4.0-macroblad ({sheets}). formkit kan een werkmap met zo'n macroblad niet "
            "lezen. Verplaats het macroblad naar een andere werkmap (rechtsklik op het tabblad > Verplaatsen of "
            "kopiëren) of verwijder het, sla het register op en voer de opdracht opnieuw uit. Er is niets gewijzigd.")


def refusal(exc: WorkbookError, name: str) -> RegisterError:
    """A workbook's refusal in the words a user of the register needs: what, where, and what to do."""
    if isinstance(exc, DamagedWorkbook):
        part = f"onderdeel {exc.part}" if exc.part else "de inhoudsopgave van het zip-bestand"
        return RegisterError(
            f"{name} is beschadigd: {part} {_damage(exc)}. formkit schrijft niet in een beschadigd register. Open "
            "het in Excel (dat herstelt het vaak) en sla het op, of zet een reservekopie terug uit de map backups "
            "naast het register. Er is niets gewijzigd.")
    if isinstance(exc, SheetNotFound):
        return RegisterError(f"{name} heeft geen tabblad '{exc.sheet}'. Er is niets gewijzigd.")
    if isinstance(exc, NotAWorksheet):
        kind = _SHEET_KINDS.get(exc.kind, f"geen werkblad (maar {exc.kind})")
        return RegisterError(f"{name}: tabblad '{exc.sheet}' is {kind}, geen werkblad met cellen; formkit schrijft "
                             "alleen in een werkblad. Er is niets gewijzigd.")
    if isinstance(exc, MergedCell):
        return RegisterError(
            f"{name}: cel {exc.ref} valt onder de samengevoegde cellen {exc.area}; wat formkit daar schrijft, toont "
            "Excel niet. Maak in Excel de samenvoeging ongedaan (Start > Samenvoegen en centreren) en voer de "
            "opdracht opnieuw uit. Er is niets gewijzigd.")
    if isinstance(exc, ArrayFormulaCell):
        return RegisterError(
            f"{name}: cel {exc.ref} hoort bij de matrixformule in {exc.area}; Excel rekent die cellen zelf uit en "
            "formkit kan er niets in schrijven. Vervang in Excel de matrixformule door waarden (Kopiëren, Plakken "
            "speciaal > Waarden) en voer de opdracht opnieuw uit. Er is niets gewijzigd.")
    if isinstance(exc, SharedFormulaCell):
        column = re.sub(r"[0-9]", "", exc.ref)
        return RegisterError(
            f"{name}: cel {exc.ref} is de eerste cel van een gedeelde formule die formkit niet kan uitschrijven "
            f"({exc.formula}). Zet in Excel de formule in kolom {column} opnieuw neer (doorvoeren) of vervang haar "
            "door waarden. Er is niets gewijzigd.")
    if isinstance(exc, TextTooLong):
        length, limit = f"{exc.length:,}".replace(",", "."), f"{exc.limit:,}".replace(",", ".")
        return RegisterError(f"{name}: de tekst voor cel {exc.ref} is {length} tekens lang; een Excel-cel kan er "
                             f"hoogstens {limit} bevatten. Er is niets gewijzigd.")
    return RegisterError(f"{name} kan niet worden bijgewerkt ({exc}). Er is niets gewijzigd.")


# What formkit.xlsx says is wrong with a part (DamagedWorkbook.detail starts so), in the user's words.
_DAMAGE = (
    ("the sheet's part is missing", "ontbreekt (het tabblad staat in de werkmap, zijn inhoud niet)"),
    ("is missing", "ontbreekt"),
    ("does not read", "is niet te lezen: de gegevens zijn beschadigd"),
    ("is not well-formed XML", "is geen geldige XML"),
    ("is not a readable worksheet", "is geen leesbaar werkblad"),
    ("where a whole number belongs", "bevat een ongeldig getal waar een stijl- of kolomnummer hoort"),
    ("has an invalid cell address", "bevat een ongeldig celadres"),
    ("inside row", "bevat een cel die in een andere rij staat dan haar adres zegt"),
    ("not a complete zip file", "is niet volledig"),
)


def _damage(exc: DamagedWorkbook) -> str:
    if isinstance(exc, DuplicateMember):
        also = f" (ook als {exc.first}: de namen verschillen alleen in hoofdletters)" if exc.first != exc.part else ""
        return (f"staat twee keer in het zip-bestand{also}; verschillende programma's lezen dan verschillende "
                "versies ervan")
    return next((dutch for english, dutch in _DAMAGE if english in exc.detail),
                f"is niet te lezen ({exc.detail})")


def _describe_other(data: bytes) -> str:
    head = data[:4096]
    if head.startswith(b"%PDF"):
        return "een PDF-bestand"
    if head.lstrip().lower().startswith((b"<!doctype html", b"<html", b"<table")):
        return "een webpagina (HTML)"
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            text = ""
    if text and not re.search(r"[\x00-\x08\x0e-\x1f]", text):
        if any(sep in text.split("\n", 1)[0] for sep in ";,\t"):
            return "een tekstbestand met kolommen (CSV)"
        return "een tekstbestand"
    return "een onbekend of beschadigd bestand"


def error_cells(package: Package, sheet_name: str) -> dict[int, dict[int, str]]:
    """Cells holding an Excel error value, as {row: {0-based column: '#N/A'}}."""
    try:
        return error_cells_in(package.read(package.sheet_part(sheet_name)))
    except WorkbookError:
        return {}  # reading is lenient; a write checks every part


def error_cells_in(xml: bytes) -> dict[int, dict[int, str]]:
    """Error cells in (a run of complete rows of) a worksheet's XML."""
    # The common case, without a regex: no "e" in double quotes (as Excel writes t="e"), and no single
    # quote after the XML declaration (lxml writes that one with single quotes; a search for one byte
    # is the fastest there is) or none around an e.
    prolog = xml.find(b"?>") + 2 if xml.startswith(b"<?xml") else 0
    if b'"e"' not in xml and (xml.find(b"'", prolog) < 0 or b"'e'" not in xml):
        return {}
    # Imported here: openpyxl (150 ms with numpy) is needed only when a sheet holds error values.
    from openpyxl.utils.cell import column_index_from_string

    found: dict[int, dict[int, str]] = {}
    for m in _ERROR_CELL.finditer(xml):
        ref = _R_ATTR.search(m[1] + b" " + m[2])
        if ref is None:
            continue
        end = _CELL_END.search(xml, m.end()) if not m[3] else None
        value = _V.search(xml, m.end(), end.start()) if end else None
        text = value[1].decode("utf-8", "replace").strip() if value else ""
        found.setdefault(int(ref[2]), {})[column_index_from_string(ref[1].decode()) - 1] = text or "(zonder tekst)"
    return found


def _safe_read(package: Package, part: str) -> bytes:
    """A part's bytes; a damaged part reads as empty (reading is lenient, writing checks every part)."""
    try:
        return package.read(part)
    except WorkbookError:
        return b""
