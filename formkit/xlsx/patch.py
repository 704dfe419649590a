"""Change cells of one worksheet by patching the .xlsx package, leaving everything else intact.

openpyxl's load+save drops Excel's extension lists (x14 drop-downs, data bars), rewrites styles,
comments and charts. Here every zip member is copied unchanged except the worksheet being edited
(plus, when needed, the tables that grow with an appended row, styles.xml when no date style
exists, and calcChain.xml when a formula cell is overwritten). Inside the worksheet only the
target `<c>` elements, their `<row>`s and `<dimension>` change.
"""

from __future__ import annotations

import datetime as dt
import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from formkit.xlsx.guard import CellGuard, drop_calc_chain, write_out_shared
from formkit.register.columns import column_index, column_letter
from formkit.dates import to_serial
from formkit.errors import RegisterError
from formkit.register.file import RESTORE, read_members
from formkit.xlsx.rows import SheetRows

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"

_PARSER = etree.XMLParser(huge_tree=True, remove_blank_text=False, resolve_entities=False)
_CELL_REF = re.compile(r"^([A-Z]{1,3})(\d+)$")
_RANGE = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)(?::\$?([A-Z]{1,3})\$?(\d+))?$")
_ESCAPE_LIKE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_BUILTIN_DATE_FORMATS = set(range(14, 18)) | {22} | set(range(27, 37)) | set(range(50, 59))
_DATE_CODE = re.compile(r"[dy]", re.I)

Value = str | int | float | dt.date | None


def excel_text(text: str) -> str:
    """Text as Excel stores it: literal `_xHHHH_` and XML-illegal characters escaped."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _ESCAPE_LIKE.sub(r"_x005F_\1", text)
    return _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)


@dataclass
class _Styles:
    xml: etree._Element
    formats: dict[int, str]  # custom numFmtId -> format code
    xf_formats: list[int]  # cellXfs index -> numFmtId
    changed: bool = False

    def is_date(self, style: int) -> bool:
        if not 0 <= style < len(self.xf_formats):
            return False
        fmt = self.xf_formats[style]
        if fmt in _BUILTIN_DATE_FORMATS:
            return True
        code = self.formats.get(fmt)
        if not code:
            return False
        bare = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)
        return bool(_DATE_CODE.search(bare))


@dataclass
class WorkbookPatch:
    """Cell changes on one sheet of a workbook held in memory; `save()` returns the new bytes."""

    data: bytes
    sheet_name: str
    date1904: bool = False
    file_name: str = "Het register"  # names the file in messages
    _zip: zipfile.ZipFile = field(init=False)
    _sheet_path: str = field(init=False)
    _sheet: etree._Element = field(init=False)
    _ns: str = field(init=False)
    _rows: SheetRows = field(init=False)
    _styles: _Styles | None = field(init=False, default=None)
    _changed: dict[str, bytes] = field(init=False, default_factory=dict)
    _drop_calc_chain: bool = field(init=False, default=False)
    _date_style_cache: dict[int, int] = field(init=False, default_factory=dict)
    _appended: tuple[int, int] | None = field(init=False, default=None)
    _guard: CellGuard = field(init=False)
    _members: dict[str, bytes] = field(init=False)

    def __post_init__(self) -> None:
        self._zip, self._members = read_members(self.data, self.file_name)  # every part readable, or refused
        try:
            self._sheet_path = self._find_sheet_path()
            self._rows = SheetRows(self._members[self._sheet_path])
            self._sheet = etree.fromstring(self._rows.skeleton, _PARSER)  # the sheet minus its rows
            self._rows.set_namespaces(self._sheet.nsmap)
        except (KeyError, ValueError, etree.XMLSyntaxError) as exc:
            raise RegisterError(f"{self.file_name} is beschadigd en kan niet worden bijgewerkt ({exc}). "
                                f"{RESTORE} Er is niets gewijzigd.") from None
        self._ns = etree.QName(self._sheet).namespace or MAIN_NS
        self._sheet_data = self._sheet.find(self._q("sheetData"))
        self._guard = CellGuard(self.file_name, self._sheet, self._rows)

    # -- public operations -------------------------------------------------------------------

    def set_cells(self, row: int, values: dict[int, Value], style_from_row: int | None = None) -> None:
        """Set cells of one row by 0-based column index; None blanks a cell (keeps its format)."""
        for col in values:  # all checked before any cell changes
            self._guard.check(row, col)
        row_el = self._row(row, style_from_row)
        for col, value in sorted(values.items()):
            cell = self._cell(row_el, row, col)
            self._write(cell, row, col, value)
        self._fix_spans(row_el)
        self._extend_dimension(row, max(values) if values else 0)

    def mark_appended(self, row: int) -> None:
        """Record a row appended below the data; tables and ranges follow it on save()."""
        first, last = self._appended or (row, row)
        self._appended = (min(first, row), max(last, row))

    def _grow_ranges(self) -> None:
        """Tables, autofilters and ranges that ended on the row above the new rows now cover them."""
        if self._appended is None:
            return
        first, last = self._appended
        low = max(first - 1, 2)  # a range on the header row alone never grows
        for path in self._table_paths():
            table = etree.fromstring(self._members[path], _PARSER)
            m = _RANGE.match(table.get("ref", ""))
            if not m or not m[3] or not low <= int(m[4]) < last or int(table.get("totalsRowCount", "0")):
                continue
            table.set("ref", f"{m[1]}{m[2]}:{m[3]}{last}")
            for auto in table.iter("{*}autoFilter"):
                auto.set("ref", table.get("ref"))
            self._changed[path] = _serialise(table)
        for part in self._sheet:  # everything but sheetData: filters, formats, drop-downs, extensions
            if part is self._sheet_data:
                continue
            for el in part.iter(self._q("autoFilter"), self._q("conditionalFormatting"), self._q("dataValidation")):
                for attr in ("ref", "sqref"):
                    if el.get(attr):
                        el.set(attr, _grow_sqref(el.get(attr), low, last))
            for el in part.iter("{*}sqref"):  # x14 extensions keep their range as element text
                if el.text:
                    el.text = _grow_sqref(el.text, low, last)

    def save(self) -> bytes:
        """The new workbook bytes: unchanged members copied as they were, in their order."""
        self._grow_ranges()
        self._changed[self._sheet_path] = self._rows.assemble(_serialise(self._sheet))
        if self._styles is not None and self._styles.changed:
            self._changed["xl/styles.xml"] = _serialise(self._styles.xml)
        skip: set[str] = set()
        if self._drop_calc_chain:  # Excel rebuilds it; it must not point at a cell without formula
            changed, skip = drop_calc_chain(self._zip)
            self._changed.update(changed)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zout:
            for info in self._zip.infolist():
                if info.filename in skip:
                    continue
                new = zipfile.ZipInfo(info.filename, info.date_time)
                new.compress_type = info.compress_type
                new.external_attr = info.external_attr
                new.create_system = info.create_system
                body = self._changed.get(info.filename)
                if body is None:
                    zout.writestr(new, self._members[info.filename])
                else:  # fast deflate for the rewritten parts; XML still shrinks about tenfold
                    zout.writestr(new, body, compresslevel=1)
        return out.getvalue()

    # -- locating parts ----------------------------------------------------------------------

    def _q(self, tag: str) -> str:
        return f"{{{self._ns}}}{tag}"

    def _find_sheet_path(self) -> str:
        sheets = list(etree.fromstring(self._members["xl/workbook.xml"], _PARSER).iter("{*}sheet"))
        wanted = self.sheet_name.strip().lower()
        exact = [s for s in sheets if s.get("name") == self.sheet_name]  # before 'klachten ' and the like
        match = (exact or [s for s in sheets if s.get("name", "").strip().lower() == wanted])[:1]
        rid = match[0].get(f"{{{REL_NS}}}id") if match else None
        if rid is None:
            raise KeyError(f"tabblad {self.sheet_name}")
        return self._rel_target("xl/workbook.xml", rid)

    def _rels(self, part: str) -> list[etree._Element]:
        folder, name = posixpath.split(part)
        path = posixpath.join(folder, "_rels", name + ".rels")
        if path not in self._members:
            return []
        return list(etree.fromstring(self._members[path], _PARSER).iter(f"{{{PKG_REL_NS}}}Relationship"))

    def _rel_target(self, part: str, rid: str) -> str:
        for rel in self._rels(part):
            if rel.get("Id") == rid:
                return _resolve(part, rel.get("Target", ""))
        raise KeyError(rid)

    def _table_paths(self) -> list[str]:
        paths = []
        for rel in self._rels(self._sheet_path):
            if rel.get("Type", "").endswith("/table"):
                paths.append(_resolve(self._sheet_path, rel.get("Target", "")))
        return [p for p in paths if p in self._members]

    # -- rows and cells ----------------------------------------------------------------------

    def _row(self, number: int, style_from_row: int | None) -> etree._Element:
        row = self._rows.get(number)
        if row is not None:
            return row
        row = etree.Element(self._q("row"), nsmap=self._sheet.nsmap)
        row.set("r", str(number))
        self._rows.add(number, row)
        template = self._rows.peek(style_from_row) if style_from_row else None
        if template is not None:  # a new row looks like the row above it, as in Excel
            for cell in template.iterfind(self._q("c")):
                if cell.get("s"):
                    col = column_index(_CELL_REF.match(cell.get("r"))[1])
                    self._cell(row, number, col).set("s", cell.get("s"))
            for attr in ("s", "customFormat"):
                if template.get(attr):
                    row.set(attr, template.get(attr))
        return row

    def _cell(self, row_el: etree._Element, row: int, col: int) -> etree._Element:
        ref = f"{column_letter(col)}{row}"
        cells = list(row_el.iterfind(self._q("c")))
        if any(c.get("r") is None for c in cells):  # implicit positions: make them explicit first
            position = -1
            for c in cells:
                position = column_index(_CELL_REF.match(c.get("r"))[1]) if c.get("r") else position + 1
                c.set("r", f"{column_letter(position)}{row}")
        previous = None
        for cell in cells:
            existing = column_index(_CELL_REF.match(cell.get("r"))[1])
            if existing == col:
                return cell
            if existing > col:
                new = etree.Element(self._q("c"))
                new.set("r", ref)
                cell.addprevious(new)
                return new
            previous = cell
        new = etree.Element(self._q("c"))
        new.set("r", ref)
        if previous is not None:
            previous.addnext(new)
        else:
            row_el.insert(0, new)
        return new

    def _write(self, cell: etree._Element, row: int, col: int, value: Value) -> None:
        if isinstance(value, str) and value:
            self._guard.check_text(row, col, value)
        for child in list(cell):
            if etree.QName(child).localname == "f":
                self._drop_calc_chain = True
                if child.get("t") == "shared" and child.get("ref"):  # other cells use this formula text
                    write_out_shared(self._rows, cell, child, self.file_name)
            if etree.QName(child).localname in ("f", "v", "is"):
                cell.remove(child)
        cell.attrib.pop("t", None)
        cell.attrib.pop("cm", None)
        cell.attrib.pop("vm", None)
        if value is None or value == "":
            return
        if isinstance(value, dt.datetime):
            value = value.date()
        if isinstance(value, dt.date):
            style = self._date_style(cell, col, row)
            cell.set("s", str(style))
            etree.SubElement(cell, self._q("v")).text = str(to_serial(value, self.date1904))
        elif isinstance(value, bool):
            raise TypeError("booleans are written as ja/nee text")
        elif isinstance(value, (int, float)):
            etree.SubElement(cell, self._q("v")).text = repr(value) if isinstance(value, float) else str(value)
        else:
            cell.set("t", "inlineStr")  # inline text: never a formula, sharedStrings untouched
            t = etree.SubElement(etree.SubElement(cell, self._q("is")), self._q("t"))
            t.text = excel_text(str(value))
            if t.text != t.text.strip() or "\n" in t.text:
                t.set(XML_SPACE, "preserve")

    def _fix_spans(self, row_el: etree._Element) -> None:
        if row_el.get("spans") is None:
            return
        cols = [column_index(_CELL_REF.match(c.get("r"))[1]) + 1 for c in row_el.iterfind(self._q("c"))]
        if cols:
            low, high = (int(x) for x in row_el.get("spans").split(":")[:2])
            row_el.set("spans", f"{min(low, min(cols))}:{max(high, max(cols))}")

    def _extend_dimension(self, row: int, col: int) -> None:
        dim = self._sheet.find(self._q("dimension"))
        if dim is None:
            return
        m = _RANGE.match(dim.get("ref", ""))
        if not m:
            return
        last_col = max(column_index(m[3] or m[1]), col)
        last_row = max(int(m[4] or m[2]), row)
        dim.set("ref", f"{m[1]}{m[2]}:{column_letter(last_col)}{last_row}")

    # -- styles ------------------------------------------------------------------------------

    def _load_styles(self) -> _Styles:
        if self._styles is None:
            xml = etree.fromstring(self._members["xl/styles.xml"], _PARSER)
            formats = {int(n.get("numFmtId")): n.get("formatCode", "") for n in xml.iter("{*}numFmt")}
            xfs_el = xml.find("{*}cellXfs")
            xf_formats = [int(x.get("numFmtId", "0")) for x in xfs_el.iterfind("{*}xf")] if xfs_el is not None else []
            self._styles = _Styles(xml, formats, xf_formats)
        return self._styles

    def _date_style(self, cell: etree._Element, col: int, row: int) -> int:
        """A date style for this cell: its own, the column's, a neighbour's, or one added."""
        styles = self._load_styles()
        own = int(cell.get("s", "0"))
        if styles.is_date(own):
            return own
        if col in self._date_style_cache:
            return self._date_style_cache[col]
        letter = column_letter(col)
        found = None
        for other in range(row - 1, max(1, row - 200), -1):  # nearest dated cell above
            row_el = self._rows.peek(other)
            if row_el is None:
                continue
            for c in row_el.iterfind(self._q("c")):
                if c.get("r") == f"{letter}{other}" and styles.is_date(int(c.get("s", "0"))):
                    found = int(c.get("s"))
                    break
            if found is not None:
                break
        if found is None:
            found = self._any_date_style(styles)
        self._date_style_cache[col] = found
        return found

    def _any_date_style(self, styles: _Styles) -> int:
        dated = [i for i in range(len(styles.xf_formats)) if styles.is_date(i)]
        preferred = [i for i in dated if "dd-mm" in styles.formats.get(styles.xf_formats[i], "").lower()]
        if preferred or dated:
            return (preferred or dated)[0]
        return self._add_date_style(styles)

    def _add_date_style(self, styles: _Styles) -> int:
        xml = styles.xml
        ns = etree.QName(xml).namespace or MAIN_NS
        num_fmts = xml.find(f"{{{ns}}}numFmts")
        if num_fmts is None:
            num_fmts = etree.Element(f"{{{ns}}}numFmts")
            xml.insert(0, num_fmts)
        fmt_id = max([163, *styles.formats]) + 1
        fmt = etree.SubElement(num_fmts, f"{{{ns}}}numFmt")
        fmt.set("numFmtId", str(fmt_id))
        fmt.set("formatCode", "dd\\-mm\\-yyyy")
        num_fmts.set("count", str(len(num_fmts)))
        xfs = xml.find(f"{{{ns}}}cellXfs")
        xf = etree.SubElement(xfs, f"{{{ns}}}xf")
        for attr, val in (("numFmtId", str(fmt_id)), ("fontId", "0"), ("fillId", "0"), ("borderId", "0"),
                          ("xfId", "0"), ("applyNumberFormat", "1")):
            xf.set(attr, val)
        xfs.set("count", str(len(xfs)))
        styles.formats[fmt_id] = "dd\\-mm\\-yyyy"
        styles.xf_formats.append(fmt_id)
        styles.changed = True
        return len(styles.xf_formats) - 1


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _resolve(source_part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))


def _grow_sqref(sqref: str, old_last: int, new_last: int) -> str:
    """Ranges in a space-separated sqref ending between old_last and the new rows now end on new_last."""
    parts = []
    for part in sqref.split():
        m = _RANGE.match(part)
        if m and m[3] and old_last <= int(m[4]) < new_last:
            part = f"{m[1]}{m[2]}:{m[3]}{new_last}"
        parts.append(part)
    return " ".join(parts)
