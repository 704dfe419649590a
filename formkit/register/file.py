"""The register as a file: what kind of file it really is, and what calamine does not show.

A register that is not an .xlsx (an .xls, a CSV, an encrypted or empty file) gets a message that
says what it is and what to do, instead of a parser's error. Excel error values (#N/A, #DEEL/0!)
read as empty cells in calamine, so they are found here in the worksheet XML and reported.
"""

from __future__ import annotations

import html
import io
import posixpath
import re
import zipfile
import zlib
from pathlib import Path

from formkit.errors import RegisterError

CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file: .xls, or an encrypted .xlsx
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")
_SAVE_AS = "Open het in Excel en kies Opslaan als > Excel-werkmap (.xlsx)."
# What reading a damaged .xlsx package can raise: zipfile's and zlib's errors, the file underneath,
# RuntimeError (among them a compression method zipfile does not know), a missing part (KeyError).
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError, KeyError)
RESTORE = "Zet een reservekopie terug uit de map backups naast het register."
_ERROR_CELL = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)\bt\s*=\s*[\"']e[\"']([^>]*?)(/?)>")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c>")
_R_ATTR = re.compile(rb"""\br\s*=\s*["']([A-Z]{1,3})(\d+)["']""")
_V = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</")
_SHEET = re.compile(rb"<(?:[\w.-]+:)?sheet\b[^>]*>")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*["']([^"']*)["']""")


def check_kind(path: Path, data: bytes) -> zipfile.ZipFile:
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
        package = zipfile.ZipFile(io.BytesIO(data))
        names = set(package.namelist())
    except ZIP_ERRORS:
        if data.startswith(b"PK"):
            raise RegisterError(f"{name} is beschadigd: het is geen volledig zip-bestand (misschien niet helemaal "
                                f"gekopieerd of opgeslagen). {RESTORE}") from None
        raise RegisterError(f"{name} is {_describe_other(data)}, geen Excel-werkmap (.xlsx). {_SAVE_AS}") from None
    if "xl/workbook.xml" in names:
        return package
    if "xl/workbook.bin" in names:
        raise RegisterError(f"{name} is een binaire Excel-werkmap (.xlsb). {_SAVE_AS}")
    if "mimetype" in names and b"opendocument" in _safe_read(package, "mimetype"):
        raise RegisterError(f"{name} is een OpenDocument-bestand (LibreOffice, .ods), geen Excel-werkmap. "
                            "Kies in LibreOffice Opslaan als > Excel 2007-365 (.xlsx).")
    raise RegisterError(f"{name} is een zip-bestand maar geen Excel-werkmap (.xlsx): het onderdeel "
                        f"xl/workbook.xml ontbreekt. Is het beschadigd? {RESTORE}")


def read_members(data: bytes, name: str) -> tuple[zipfile.ZipFile, dict[str, bytes]]:
    """Every part of the package, each checked (CRC) before formkit writes anything back."""
    part = "(de inhoudsopgave)"
    try:
        package = zipfile.ZipFile(io.BytesIO(data))
        members = {}
        for info in package.infolist():
            part = info.filename
            members[part] = package.read(info)
    except ZIP_ERRORS as exc:
        raise RegisterError(
            f"{name} is beschadigd: onderdeel {part} is niet te lezen ({exc}). formkit schrijft niet in een "
            "beschadigd register. Open het in Excel (dat herstelt het vaak) en sla het op, of zet een "
            "reservekopie terug uit de map backups naast het register. Er is niets gewijzigd.") from None
    return package, members


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


def sheet_part(package: zipfile.ZipFile, sheet_name: str) -> str | None:
    """Path of the named sheet's XML inside the package (None when it cannot be found)."""
    workbook = _safe_read(package, "xl/workbook.xml")
    rels = _safe_read(package, "xl/_rels/workbook.xml.rels")
    rid = None
    for tag in _SHEET.findall(workbook):
        attrs = _ATTR.findall(tag)
        if any(k == b"name" and html.unescape(v.decode("utf-8", "replace")) == sheet_name for k, v in attrs):
            rid = next((v for k, v in attrs if k.endswith(b":id")), None)
            break
    if rid is None:
        return None
    for relationship in workbook_relationships(rels):
        if relationship.get("Id") == rid.decode("utf-8", "replace"):
            path = relationship["path"]
            return path if path in package.namelist() else None
    return None


def workbook_relationships(rels: bytes) -> list[dict[str, str]]:
    """The relationships of xl/_rels/workbook.xml.rels, each with its target as a package path."""
    found = []
    for tag in re.findall(rb"<(?:[\w.-]+:)?Relationship\b[^>]*>", rels):
        attrs = {k.decode("utf-8", "replace"): v.decode("utf-8", "replace") for k, v in _ATTR.findall(tag)}
        target = attrs.get("Target", "")
        attrs["path"] = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        found.append(attrs)
    return found


def error_cells(package: zipfile.ZipFile, sheet_name: str) -> dict[int, dict[int, str]]:
    """Cells holding an Excel error value, as {row: {0-based column: '#N/A'}}."""
    part = sheet_part(package, sheet_name)
    return {} if part is None else error_cells_in(_safe_read(package, part))


def error_cells_in(xml: bytes) -> dict[int, dict[int, str]]:
    """Error cells in (a run of complete rows of) a worksheet's XML."""
    if b'"e"' not in xml and b"'e'" not in xml:  # the common case: one fast scan, no regex
        return {}
    from formkit.register.columns import column_index

    found: dict[int, dict[int, str]] = {}
    for m in _ERROR_CELL.finditer(xml):
        ref = _R_ATTR.search(m[1] + b" " + m[2])
        if ref is None:
            continue
        end = _CELL_END.search(xml, m.end()) if not m[3] else None
        value = _V.search(xml, m.end(), end.start()) if end else None
        text = value[1].decode("utf-8", "replace").strip() if value else ""
        found.setdefault(int(ref[2]), {})[column_index(ref[1].decode())] = text or "(zonder tekst)"
    return found


def _safe_read(package: zipfile.ZipFile, part: str) -> bytes:
    """A part's bytes; a damaged part reads as empty (reading is lenient, writing checks every part)."""
    try:
        return package.read(part)
    except ZIP_ERRORS:
        return b""
