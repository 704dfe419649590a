"""Cells the register writer must not simply overwrite, and what it does instead.

Excel has cells whose content lives elsewhere: a cell under a merged area shows its top-left
neighbour, a cell in an array formula is computed by the formula's first cell, and a shared
formula's first cell holds the formula text of every cell below it. Writing such a cell blindly
hides the value, is undone by Excel's next recalculation, or breaks other cells. So the writer
refuses the first two with a Dutch message naming the cell, and before it overwrites the first
cell of a shared formula it writes the formula out in full in each cell that shared it.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from formkit.register.columns import column_index, column_letter
from formkit.errors import RegisterError
from formkit.xlsx.rows import SheetRows

MAX_CELL_TEXT = 32767  # Excel's limit per cell; a longer text makes Excel report a damaged file
_RANGE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
_FORMULA_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c\b[^>]*?\br\s*=\s*[\"']([A-Z]{1,3}\d+)[\"'][^>]*>\s*(?:<(?:[\w.-]+:)?v>[^<]*</(?:[\w.-]+:)?v>\s*)?"
    rb"<(?:[\w.-]+:)?f\b([^>]*)>"
)
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*["']([^"']*)["']""")

Area = tuple[int, int, int, int]  # first row, first col (0-based), last row, last col


def parse_area(ref: str) -> Area | None:
    """'B2:C5' (or 'B2') as rows and 0-based columns."""
    m = _RANGE.match(ref.strip())
    if not m:
        return None
    first_col, first_row = column_index(m[1]), int(m[2])
    last_col, last_row = (column_index(m[3]), int(m[4])) if m[3] else (first_col, first_row)
    return first_row, first_col, last_row, last_col


def area_text(area: Area) -> str:
    return f"{column_letter(area[1])}{area[0]}:{column_letter(area[3])}{area[2]}"


def _inside(area: Area, row: int, col: int) -> bool:
    return area[0] <= row <= area[2] and area[1] <= col <= area[3]


@dataclass
class CellGuard:
    """Merged areas and array formulas of one sheet, found once, checked for every written cell."""

    file_name: str
    skeleton: etree._Element
    rows: SheetRows
    _merges: list[Area] | None = field(default=None, init=False)
    _arrays: list[Area] | None = field(default=None, init=False)

    def check(self, row: int, col: int) -> None:
        """Refuse a cell whose value Excel would hide or recompute."""
        ref = f"{column_letter(col)}{row}"
        for area in self.merges():
            if _inside(area, row, col) and (row, col) != (area[0], area[1]):
                raise RegisterError(
                    f"{self.file_name}: cel {ref} valt onder de samengevoegde cellen {area_text(area)}; wat formkit "
                    "daar schrijft, toont Excel niet. Maak in Excel de samenvoeging ongedaan (Start > Samenvoegen "
                    "en centreren) en voer de opdracht opnieuw uit. Er is niets gewijzigd.")
        for area in self.arrays():
            if _inside(area, row, col):
                raise RegisterError(
                    f"{self.file_name}: cel {ref} hoort bij de matrixformule in {area_text(area)}; Excel rekent die "
                    "cellen zelf uit en formkit kan er niets in schrijven. Vervang in Excel de matrixformule door "
                    "waarden (Kopiëren, Plakken speciaal > Waarden) en voer de opdracht opnieuw uit. Er is niets gewijzigd.")

    def check_text(self, row: int, col: int, text: str) -> None:
        """Excel holds at most 32,767 characters in a cell."""
        length = len(text.encode("utf-16-le")) // 2
        if length > MAX_CELL_TEXT:
            raise RegisterError(
                f"{self.file_name}: de tekst voor cel {column_letter(col)}{row} is {length:,} tekens lang; een "
                f"Excel-cel kan er hoogstens {MAX_CELL_TEXT:,} bevatten. Er is niets gewijzigd.".replace(",", "."))

    def merges(self) -> list[Area]:
        if self._merges is None:
            self._merges = []
            for merge in self.skeleton.iter("{*}mergeCell"):
                area = parse_area(merge.get("ref", ""))
                if area and area[:2] != area[2:]:
                    self._merges.append(area)
        return self._merges

    def arrays(self) -> list[Area]:
        """Array formulas and data tables spanning more than one cell (one quick scan of the sheet)."""
        if self._arrays is None:
            self._arrays = []
            body = self.rows.raw_body
            if b"array" in body or b"dataTable" in body:
                for m in _FORMULA_CELL.finditer(body):
                    attrs = dict(_ATTR.findall(m[2]))
                    if attrs.get(b"t") in (b"array", b"dataTable"):
                        area = parse_area(attrs.get(b"ref", m[1]).decode())
                        if area and area[:2] != area[2:]:
                            self._arrays.append(area)
        return self._arrays


def write_out_shared(rows: SheetRows, master: etree._Element, formula: etree._Element, file_name: str) -> int:
    """Give every cell that shares this master's formula its own full formula; returns how many."""
    from openpyxl.formula.translate import Translator, TranslatorError

    area = parse_area(formula.get("ref", ""))
    si = formula.get("si")
    if area is None or si is None or not (formula.text or "").strip():
        return 0
    origin = master.get("r")
    text = "=" + formula.text
    written = 0
    for number in range(area[0], area[2] + 1):
        peeked = rows.peek(number)
        if peeked is None or not _dependents(peeked, si, origin):
            continue
        row_el = rows.get(number)
        for cell, f in _dependents(row_el, si, origin):
            try:
                translated = Translator(text, origin=origin).translate_formula(cell.get("r"))
            except (TranslatorError, ValueError, TypeError):
                raise RegisterError(
                    f"{file_name}: cel {origin} is de eerste cel van een gedeelde formule die formkit niet kan "
                    f"uitschrijven ({text}). Zet in Excel de formule in kolom {re.sub(r'[0-9]', '', origin)} "
                    "opnieuw neer (doorvoeren) of vervang haar door waarden. Er is niets gewijzigd.") from None
            for attr in ("t", "si", "ref"):
                f.attrib.pop(attr, None)
            f.text = translated[1:]
            written += 1
    return written


def _dependents(row_el: etree._Element, si: str, origin: str | None) -> list[tuple[etree._Element, etree._Element]]:
    found = []
    for cell in row_el.iterfind("{*}c"):
        f = cell.find("{*}f")
        if (f is not None and f.get("t") == "shared" and f.get("si") == si and cell.get("r") != origin
                and not (f.text or "").strip() and cell.get("r")):
            found.append((cell, f))
    return found


def drop_calc_chain(package: zipfile.ZipFile) -> tuple[dict[str, bytes], set[str]]:
    """Parts to change and to leave out so calcChain.xml is gone (after a formula was overwritten)."""
    if "xl/calcChain.xml" not in package.namelist():
        return {}, set()
    parser = etree.XMLParser(huge_tree=True, resolve_entities=False)
    rels = etree.fromstring(package.read("xl/_rels/workbook.xml.rels"), parser)
    for rel in list(rels):
        if rel.get("Type", "").endswith("/calcChain"):
            rels.remove(rel)
    types = etree.fromstring(package.read("[Content_Types].xml"), parser)
    for override in list(types):
        if override.get("PartName") == "/xl/calcChain.xml":
            types.remove(override)
    changed = {"xl/_rels/workbook.xml.rels": _serialise(rels), "[Content_Types].xml": _serialise(types)}
    return changed, {"xl/calcChain.xml"}


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
