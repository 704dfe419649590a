"""Change cells of one worksheet by patching the .xlsx package, leaving everything else intact.

openpyxl's load+save drops Excel's extension lists (x14 drop-downs, data bars) and rewrites
styles, comments and charts. A patch copies every part unchanged except: the edited worksheet
(only the written cells, their rows and `<dimension>` change), a table that grows with an
appended row directly below it, the styles part (only the date formats a write needs, each added
once; created with its relationship and content type when a workbook has none) and the
calculation chain (dropped, with its relationship and content type, when a formula cell is
overwritten: Excel rebuilds it).

A written cell keeps its look, as in Excel: an existing cell keeps its own format; a new cell in
an existing row takes the row's format when the row has one (customFormat), else its column's;
a cell of an appended row takes the format that at least three of the five rows above show in
its column (Excel's rule for extending a list's formats; a table's header row ends the count),
else its column's; never a neighbour's alone. A date changes only the number format of that look
(the styles part gains that format once). A table grows only with a row appended directly below
it that has a value in its columns; the filter, formats and drop-downs ending there grow with it.
Rows and columns are 1-based, as in Excel.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Collection, Mapping

from lxml import etree
from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, to_excel

from formkit.xlsx.cells import Area, parse_area, ref, split_ref
from formkit.xlsx.errors import DamagedWorkbook
from formkit.xlsx.guard import CellGuard, write_out_shared
from formkit.xlsx.package import CONTENT_TYPES, Package, local, parse_xml, serialise
from formkit.xlsx.rows import SheetRows
from formkit.xlsx.styles import DEFAULT_DATE_FORMAT, Styles

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
STYLES_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
LOOK_ROWS, LOOK_SHARED = 5, 3  # Excel extends a format that 3 of the 5 rows above share

Value = str | int | float | dt.date | None


def excel_text(text: str) -> str:
    """Text as Excel stores it: literal `_xHHHH_` and XML-illegal characters escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


class WorkbookPatch:
    """Cell changes on one sheet of a workbook held in memory; `save()` returns the new bytes.

    >>> patch = WorkbookPatch(data, "Blad1")
    >>> patch.set_cells(7, {2: "nieuwe tekst", 5: datetime.date(2026, 11, 24)})
    >>> row = patch.append_row({1: "K-2026-031"})
    >>> new_data = patch.save()

    Raises `formkit.xlsx.errors.WorkbookError`s; until `save()` nothing leaves this object.
    """

    def __init__(self, data: bytes, sheet: str, *, date_format: str = DEFAULT_DATE_FORMAT,
                 package: Package | None = None) -> None:
        """package: `Package(data)` as a reader already holds it (the parts it read are not read again)."""
        if package is not None and package.data is not data and package.data != data:
            raise ValueError("the package given is not the package of these bytes")
        self._package = package if package is not None else Package(data)
        self._package.read_all()  # every part sound, or refused: a patch copies parts it never reads
        self.sheet = sheet
        self.date1904 = self._package.date1904
        self._date_format = date_format
        self._sheet_path = self._package.sheet_part(sheet)
        try:
            self._rows = SheetRows(self._package.read(self._sheet_path), self._sheet_path)
            self._skeleton = parse_xml(self._rows.skeleton)  # the sheet minus its rows
        except (ValueError, etree.XMLSyntaxError) as exc:
            raise DamagedWorkbook(self._sheet_path, f"is not a readable worksheet ({exc})") from None
        self._rows.set_namespaces(self._skeleton.nsmap)
        self._ns = etree.QName(self._skeleton).namespace or MAIN_NS
        self._guard = CellGuard(self._skeleton, self._rows)
        self._styles: Styles | None = None
        self._column_styles: list[tuple[int, int, int]] | None = None  # (min, max, style) of <col>
        self._tables: dict[str, etree._Element] | None = None
        self._grown: set[str] = set()  # table parts that grew
        self._formula_overwritten = False
        self._covered: Area | None = None  # every cell written, for <dimension>
        self._appended: list[tuple[int, frozenset[int]]] = []  # (row, columns given a value) of appended rows
        self._last_row: int | None = None

    # -- public operations -----------------------------------------------------------------------

    @property
    def last_row(self) -> int:
        """The last row holding a value, an error or a formula (0 for an empty sheet)."""
        if self._last_row is None:
            self._last_row = self._rows.last_used_row()
        return self._last_row

    def set_cells(self, row: int, values: Mapping[int, Value]) -> None:
        """Set cells of one row by column; None or "" empties a cell's value and keeps its look."""
        self._check(row, values)
        row_el = self._row(row)
        for col, value in sorted(values.items()):
            cell = self._cell(row_el, row, col, lambda c=col: self._new_cell_look(row_el, c))
            self._write(cell, row, col, value)
        self._finish_row(row_el, row, values)
        if self._last_row is not None and row > self._last_row and any(v not in (None, "") for v in values.values()):
            self._last_row = row

    def append_row(self, values: Mapping[int, Value]) -> int:
        """Write a new row below the last used one; returns its number. A table directly above it
        with a value of the row in its columns grows with it, as do the sheet's filter, formats and
        drop-downs ending there."""
        row = self.last_row + 1
        self._check(row, values)
        looks = {col: self._appended_look(row, col) for col in values}  # from the rows above, before writing
        row_el = self._row(row)
        for col, value in sorted(values.items()):
            cell = self._cell(row_el, row, col, lambda c=col: looks[c])
            self._write(cell, row, col, value)
        self._finish_row(row_el, row, values)
        filled = frozenset(col for col, value in values.items() if value not in (None, ""))
        if filled:
            self._appended.append((row, filled))
        self._last_row = row
        return row

    def save(self) -> bytes:
        """The new workbook: unchanged parts copied as they were, in their order."""
        for row, columns in self._appended:
            self._grow_ranges(row, columns)
        self._widen_dimension()
        changed: dict[str, bytes] = {self._sheet_path: self._rows.assemble(serialise(self._skeleton))}
        for path in self._grown:
            changed[path] = serialise(self._table_parts()[path])
        added: dict[str, bytes] = {}
        dropped: set[str] = set()
        if self._styles is not None and self._styles.changed:
            if self._styles.created:
                self._add_styles_part(changed, added)
            else:
                assert self._styles.part is not None
                changed[self._styles.part] = self._styles.serialise()
        if self._formula_overwritten:
            self._drop_calc_chain(changed, dropped)
        return self._package.rebuild(changed, dropped, added)

    # -- rows and cells --------------------------------------------------------------------------

    def _q(self, tag: str) -> str:
        return f"{{{self._ns}}}{tag}"

    def _check(self, row: int, values: Mapping[int, Value]) -> None:
        """Every cell of a call is checked before any of them changes."""
        if not isinstance(row, int) or row < 1:
            raise ValueError(f"row must be a whole number from 1, not {row!r}")
        for col, value in values.items():
            if not isinstance(col, int) or col < 1:
                raise ValueError(f"column must be a whole number from 1, not {col!r}")
            if isinstance(value, bool) or not isinstance(value, str | int | float | dt.date | type(None)):
                raise TypeError(f"cannot write {type(value).__name__} into a cell")
            self._guard.check(row, col)
            if isinstance(value, str):
                self._guard.check_text(row, col, value)

    def _row(self, number: int) -> etree._Element:
        row = self._rows.get(number)
        if row is None:
            # the sheet's own prefixes, so the row serialises as its siblings do; lxml-stubs do not
            # allow the None key (the default namespace) that lxml's nsmap has
            row = etree.Element(self._q("row"), nsmap=self._skeleton.nsmap)  # type: ignore[arg-type]
            row.set("r", str(number))
            self._rows.add(number, row)
        return row

    def _cell(self, row_el: etree._Element, row: int, col: int, look) -> etree._Element:
        """The row's cell in this column; a new one is put in column order with its look."""
        previous = None
        for cell in row_el.iterfind(self._q("c")):
            existing = split_ref(cell.get("r") or "")[1]
            if existing == col:
                return cell
            if existing > col:
                break
            previous = cell
        new = etree.Element(self._q("c"))
        new.set("r", ref(row, col))
        style = look()
        if style is not None:
            new.set("s", str(style))
        if previous is None:
            row_el.insert(0, new)
        else:
            previous.addnext(new)
        return new

    def _write(self, cell: etree._Element, row: int, col: int, value: Value) -> None:
        for child in list(cell):
            name = local(child)
            if name == "f":
                self._formula_overwritten = True
                if child.get("t") == "shared" and child.get("ref"):  # other cells use this formula text
                    write_out_shared(self._rows, cell, child)
            if name in ("f", "v", "is"):
                cell.remove(child)
        for attr in ("t", "cm", "vm"):
            if attr in cell.attrib:
                del cell.attrib[attr]
        if value is None or value == "":
            return
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            look = self._index(cell.get("s"), f"style of {ref(row, col)}")
            cell.set("s", str(self._load_styles().date_variant(look)))
            serial = to_excel(value, MAC_EPOCH if self.date1904 else WINDOWS_EPOCH)
            etree.SubElement(cell, self._q("v")).text = str(int(serial))
        elif isinstance(value, int | float):
            etree.SubElement(cell, self._q("v")).text = repr(value) if isinstance(value, float) else str(value)
        else:
            cell.set("t", "inlineStr")  # inline text: never a formula, sharedStrings untouched
            t = etree.SubElement(etree.SubElement(cell, self._q("is")), self._q("t"))
            t.text = excel_text(value)
            if t.text != t.text.strip() or "\n" in t.text:
                t.set(XML_SPACE, "preserve")

    def _finish_row(self, row_el: etree._Element, row: int, values: Mapping[int, Value]) -> None:
        if not values:
            return
        low, high = min(values), max(values)
        if row_el.get("spans"):
            try:
                first, last = (int(x) for x in row_el.get("spans", "").split(":")[:2])
                row_el.set("spans", f"{min(first, low)}:{max(last, high)}")
            except ValueError:
                del row_el.attrib["spans"]  # optional; a wrong one is worse than none
        area = Area(row, low, row, high)
        c = self._covered
        self._covered = area if c is None else Area(min(c.first_row, row), min(c.first_col, low),
                                                    max(c.last_row, row), max(c.last_col, high))

    def _index(self, text: str | None, what: str) -> int:
        """A number attribute (a style index, a column); a part that holds something else is damaged."""
        try:
            return int(text or 0)
        except ValueError:
            raise DamagedWorkbook(self._sheet_path, f"has {text!r} where a whole number belongs ({what})") from None

    # -- looks -------------------------------------------------------------------------------------

    def _new_cell_look(self, row_el: etree._Element, col: int) -> int | None:
        """A cell not yet in an existing row: the row's format (customFormat), else the column's."""
        if row_el.get("customFormat") in ("1", "true") and row_el.get("s"):
            return self._index(row_el.get("s"), f"style of row {row_el.get('r')}")
        return self._column_style(col)

    def _appended_look(self, row: int, col: int) -> int | None:
        """A cell of an appended row: the format 3 of the 5 rows above show, else the column's."""
        headers = {area.first_row for area in self._table_areas()}
        seen: list[int] = []
        for above in range(row - 1, max(0, row - 1 - LOOK_ROWS), -1):
            if above in headers:
                break
            seen.append(self._shown_style(above, col))
        common = Counter(seen).most_common(1)
        if common and common[0][1] >= LOOK_SHARED:
            return common[0][0] or None
        return self._column_style(col)

    def _shown_style(self, row: int, col: int) -> int:
        """The format a cell shows: its own; for a cell not in the sheet its row's (customFormat), else
        its column's."""
        row_el = self._rows.peek(row)
        if row_el is None:
            return self._column_style(col) or 0
        cell = next((c for c in row_el.iterfind("{*}c") if _column_of(c) == col), None)
        if cell is not None:
            return self._index(cell.get("s"), f"style of {ref(row, col)}")
        return self._new_cell_look(row_el, col) or 0

    def _column_style(self, col: int) -> int | None:
        if self._column_styles is None:
            self._column_styles = [(self._index(c.get("min"), "column"), self._index(c.get("max"), "column"),
                                    self._index(c.get("style"), "column style"))
                                   for c in self._skeleton.iter(self._q("col")) if c.get("style")]
        return next((style for low, high, style in self._column_styles if low <= col <= high), None)

    def _load_styles(self) -> Styles:
        if self._styles is None:
            self._styles = Styles(self._package, self._date_format)
        return self._styles

    # -- what grows with an appended row ------------------------------------------------------------

    def _table_parts(self) -> dict[str, etree._Element]:
        if self._tables is None:
            self._tables = {path: self._package.xml(path) for path in self._package.related(self._sheet_path, "table")}
        return self._tables

    def _table_areas(self) -> list[Area]:
        return [a for t in self._table_parts().values() if (a := parse_area(t.get("ref", ""))) is not None]

    def _grow_ranges(self, row: int, columns: frozenset[int]) -> None:
        """A table ending on the row above the appended one, with a value of it in its columns, grows
        over it (a table elsewhere on the sheet, beside the new row, stays as it was); so do the
        filter, formats and drop-downs ending there, in the columns of a grown table or of a value."""
        widened = set(columns)
        for path, table in self._table_parts().items():
            area = parse_area(table.get("ref", ""))
            if (area is None or area.last_row != row - 1 or not area.holds_a_column(columns)
                    or self._index(table.get("totalsRowCount"), f"{path}: totalsRowCount")):
                continue
            grown = str(Area(area.first_row, area.first_col, row, area.last_col))
            table.set("ref", grown)
            for auto in table.iter("{*}autoFilter"):
                auto.set("ref", grown)
            self._grown.add(path)
            widened.update(range(area.first_col, area.last_col + 1))
        for part in self._skeleton:
            if not isinstance(part.tag, str) or local(part) == "sheetData":
                continue
            for el in part.iter(self._q("autoFilter"), self._q("conditionalFormatting"), self._q("dataValidation")):
                for attr in ("ref", "sqref"):
                    if el.get(attr):
                        el.set(attr, _grow_sqref(el.get(attr, ""), row, widened))
            for el in part.iter("{*}sqref"):  # x14 extensions keep their range as element text
                if el.text:
                    el.text = _grow_sqref(el.text, row, widened)

    def _widen_dimension(self) -> None:
        dim = self._skeleton.find(self._q("dimension"))
        if dim is None or self._covered is None:
            return
        old = parse_area(dim.get("ref", "")) or self._covered
        c = self._covered
        dim.set("ref", str(Area(min(old.first_row, c.first_row), min(old.first_col, c.first_col),
                                max(old.last_row, c.last_row), max(old.last_col, c.last_col))))

    # -- parts beside the sheet ----------------------------------------------------------------------

    def _add_styles_part(self, changed: dict[str, bytes], added: dict[str, bytes]) -> None:
        """A workbook without a styles part gets one, tied in by a relationship and a content type."""
        assert self._styles is not None
        book = self._package.workbook_part
        name = next(f"xl/styles{n or ''}.xml" for n in range(100) if not self._package.has(f"xl/styles{n or ''}.xml"))
        added[name] = self._styles.serialise()
        rels_path = _rels_path(book)
        if self._package.has(rels_path):
            rels = self._package.xml(rels_path)
        else:
            rels = parse_xml(b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
        ids = {r.get("Id") for r in rels}
        rid = next(f"rIdStyles{n}" for n in range(1, 1000) if f"rIdStyles{n}" not in ids)
        office = etree.QName(self._skeleton).namespace or MAIN_NS
        kind = ("http://purl.oclc.org/ooxml/officeDocument/relationships/styles" if "purl.oclc.org" in office
                else "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles")
        etree.SubElement(rels, f"{{{etree.QName(rels).namespace}}}Relationship",
                         Id=rid, Type=kind, Target="/" + name)
        (changed if self._package.has(rels_path) else added)[rels_path] = serialise(rels)
        types = self._package.xml(CONTENT_TYPES)
        etree.SubElement(types, f"{{{etree.QName(types).namespace}}}Override", PartName="/" + name,
                         ContentType=STYLES_TYPE)
        changed[CONTENT_TYPES] = serialise(types)

    def _drop_calc_chain(self, changed: dict[str, bytes], dropped: set[str]) -> None:
        """Excel rebuilds the calculation chain; it must not point at a cell without a formula."""
        book = self._package.workbook_part
        chains = self._package.related(book, "calcChain")
        if not chains:
            return
        rels = self._package.xml(_rels_path(book))
        for rel in list(rels):
            if rel.get("Type", "").endswith("/calcChain"):
                rels.remove(rel)
        types = self._package.xml(CONTENT_TYPES)
        for override in list(types):
            if (override.get("PartName") or "").lstrip("/") in chains:
                types.remove(override)
        changed[_rels_path(book)] = serialise(rels)
        changed[CONTENT_TYPES] = serialise(types)
        dropped.update(chains)


def _column_of(cell: etree._Element) -> int:
    """A cell's column (0 when its address is none: a row only looked at may hold such a cell)."""
    try:
        return split_ref(cell.get("r") or "")[1]
    except ValueError:
        return 0


def _rels_path(part: str) -> str:
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels" if folder else f"_rels/{name}.rels"


def _grow_sqref(sqref: str, row: int, columns: Collection[int]) -> str:
    """Ranges of a space-separated sqref that end on the row above, with a new value in their columns,
    now end on `row`."""
    parts = []
    for text in sqref.split():
        area = parse_area(text)
        if area is not None and not area.single and area.last_row == row - 1 >= 2 \
                and area.holds_a_column(columns):
            text = str(Area(area.first_row, area.first_col, row, area.last_col))
        parts.append(text)
    return " ".join(parts)
