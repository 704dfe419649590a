"""Cells a patch must not simply overwrite, and what it does instead.

Excel has cells whose content lives elsewhere: a cell under a merged area shows its top-left
neighbour, a cell in an array formula is computed by the formula's first cell, and a shared
formula's first cell holds the formula text of every cell below it. Writing such a cell blindly
hides the value, is undone by Excel's next recalculation, or breaks other cells. So the first two
are refused (MergedCell, ArrayFormulaCell), and before the first cell of a shared formula is
overwritten, its formula is written out in full in each cell that shared it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree
from openpyxl.formula.translate import Translator, TranslatorError

from formkit.xlsx.cells import Area, parse_area, ref
from formkit.xlsx.errors import ArrayFormulaCell, MergedCell, SharedFormulaCell, TextTooLong
from formkit.xlsx.rows import SheetRows

MAX_CELL_TEXT = 32767  # Excel's limit per cell; a longer text makes Excel report a damaged file
_FORMULA_CELL = re.compile(
    rb"<(?:[\w.-]+:)?c\b[^>]*?\br\s*=\s*[\"']([A-Z]{1,3}\d+)[\"'][^>]*>\s*(?:<(?:[\w.-]+:)?v>[^<]*</(?:[\w.-]+:)?v>\s*)?"
    rb"<(?:[\w.-]+:)?f\b([^>]*)>"
)
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*["']([^"']*)["']""")


@dataclass
class CellGuard:
    """Merged areas and array formulas of one sheet, found once, checked for every written cell."""

    skeleton: etree._Element
    rows: SheetRows
    _merges: list[Area] | None = field(default=None, init=False)
    _arrays: list[Area] | None = field(default=None, init=False)

    def check(self, row: int, col: int) -> None:
        """Refuse a cell whose value Excel would hide or recompute."""
        for area in self.merges():
            if area.holds(row, col) and (row, col) != (area.first_row, area.first_col):
                raise MergedCell(ref(row, col), str(area))
        for area in self.arrays():
            if area.holds(row, col):
                raise ArrayFormulaCell(ref(row, col), str(area))

    @staticmethod
    def check_text(row: int, col: int, text: str) -> None:
        """Excel holds at most 32,767 characters (UTF-16 units) in a cell."""
        length = len(text.encode("utf-16-le")) // 2
        if length > MAX_CELL_TEXT:
            raise TextTooLong(ref(row, col), length, MAX_CELL_TEXT)

    def merges(self) -> list[Area]:
        if self._merges is None:
            areas = (parse_area(m.get("ref", "")) for m in self.skeleton.iter("{*}mergeCell"))
            self._merges = [a for a in areas if a is not None and not a.single]
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
                        area = parse_area((attrs.get(b"ref") or m[1] or b"").decode())
                        if area is not None and not area.single:
                            self._arrays.append(area)
        return self._arrays


def write_out_shared(rows: SheetRows, master: etree._Element, formula: etree._Element) -> int:
    """Give every cell that shares this master's formula its own full formula; returns how many."""
    area = parse_area(formula.get("ref", ""))
    si = formula.get("si")
    if area is None or si is None or not (formula.text or "").strip():
        return 0
    origin = master.get("r") or ""
    text = "=" + (formula.text or "")
    written = 0
    for number in range(area.first_row, area.last_row + 1):
        peeked = rows.peek(number)
        if peeked is None or not _dependents(peeked, si, origin):
            continue
        row_el = rows.get(number)
        assert row_el is not None  # peek found it
        for cell, f in _dependents(row_el, si, origin):
            try:
                translated = Translator(text, origin=origin).translate_formula(cell.get("r"))
            except (TranslatorError, ValueError, TypeError):
                raise SharedFormulaCell(origin, text) from None
            for attr in ("t", "si", "ref"):
                if attr in f.attrib:
                    del f.attrib[attr]
            f.text = translated[1:]
            written += 1
    return written


def _dependents(row_el: etree._Element, si: str, origin: str) -> list[tuple[etree._Element, etree._Element]]:
    found = []
    for cell in row_el.iterfind("{*}c"):
        f = cell.find("{*}f")
        if (f is not None and f.get("t") == "shared" and f.get("si") == si and cell.get("r") != origin
                and not (f.text or "").strip() and cell.get("r")):
            found.append((cell, f))
    return found
