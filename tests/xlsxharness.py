"""Patch real workbooks with `formkit.xlsx.WorkbookPatch` and check every promise a patch makes.

    original, patched, edits = run_patch(path)   # 3 cells of a data row + 1 appended row, first worksheet
    problems = check(original, patched, edits)   # [] when the patch kept every promise
    lo = libreoffice_problems(cases, workdir)    # values read back by LibreOffice, one conversion for all

What `check` asserts (README, "What formkit does"; SPEC, "Promises about data"):
- members: only the edited sheet, a table that grew, the styles part (only new date formats) and
  the calculation chain (dropped after a formula was overwritten, with its relationship and content
  type) change; a workbook without styles gains one styles part; every other member is byte for byte
  the same, in the same order; a zip with a member twice (or twice but for case) is refused as damaged;
- schema: every changed part is valid against the ECMA-376 SpreadsheetML schemas (tests/xsd) after
  markup compatibility is resolved, with no error (element path + message) that the original lacked;
- structure: rows and cells in order with correct `r`; style indexes in range; table ref = autoFilter
  ref = header cells; every sqref valid; `<dimension>` covers every cell;
- content: every other cell and every other part of the sheet unchanged; the new values read back
  exactly by openpyxl and calamine; each written cell's look (font, fill, border, alignment) is the
  look Excel gives it, with only the number format changed for a date.

The checks read the workbook with lxml on their own (nothing of formkit.xlsx but the writer under
test), so a fault in the writer's reading cannot hide the same fault in its writing.
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
import io
import posixpath
import re
import shutil
import subprocess
import tempfile
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from lxml import etree

HERE = Path(__file__).parent
CORPUS = HERE / "corpus" / "xlsx"
XSD_DIR = HERE / "xsd" / "ecma-376-1st-edition"

# What the patch writes: a date, a text and a number in a data row; a date and a text appended.
DATE, TEXT, NUMBER = dt.date(2026, 11, 24), "Zoë & <Ümit> 'tekst'", 1234.5
APPEND_DATE, APPEND_TEXT = dt.date(2026, 11, 25), "nieuwe rij"
MAX_ROW, MAX_COL = 1_048_576, 16_384

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
SML = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CONTENT_TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
XML_NS = "http://www.w3.org/XML/1998/namespace"
STRICT_TO_TRANSITIONAL = {
    "http://purl.oclc.org/ooxml/spreadsheetml/main": SML,
    "http://purl.oclc.org/ooxml/officeDocument/relationships": REL,
    "http://purl.oclc.org/ooxml/drawingml/main": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "http://purl.oclc.org/ooxml/officeDocument/sharedTypes":
        "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes",
}
UNDERSTOOD = {SML, REL, XML_NS, MC, PKG_REL, CONTENT_TYPES_NS}
CONTENT_TYPES = "[Content_Types].xml"

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=True,
                          remove_blank_text=False)


# -- the package, read independently of formkit ----------------------------------------------------

def zip_members(data: bytes) -> dict[str, bytes]:
    """Every member's bytes, in zip order (the last copy of a name that stands twice)."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def zip_infos(data: bytes) -> list[zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return zf.infolist()


def parse(data: bytes) -> etree._Element:
    return etree.fromstring(data, _PARSER)


def local(el: etree._Element) -> str:
    return etree.QName(el).localname if isinstance(el.tag, str) else ""


def rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", f"{name}.rels")


def relationships(members: dict[str, bytes], part: str) -> list[tuple[str, str, str]]:
    """(id, type's last segment, target part path) of a part's internal relationships."""
    path = rels_path(part)
    if path not in members:
        return []
    found = []
    for rel in parse(members[path]).iter("{*}Relationship"):
        if rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "").split("#", 1)[0]
        target = (posixpath.normpath(target.lstrip("/")) if target.startswith("/")
                  else posixpath.normpath(posixpath.join(posixpath.dirname(part), target)))
        found.append((rel.get("Id", ""), rel.get("Type", "").rsplit("/", 1)[-1], target))
    return found


def workbook_part(members: dict[str, bytes]) -> str:
    return next((t for _, kind, t in relationships(members, "") if kind == "officeDocument"), "xl/workbook.xml")


def sheets(members: dict[str, bytes]) -> list[tuple[str, str, str]]:
    """(name, relationship kind, part) of every sheet, in workbook order."""
    book = workbook_part(members)
    by_id = {rid: (kind, target) for rid, kind, target in relationships(members, book)}
    found = []
    for sheet in parse(members[book]).iter("{*}sheet"):
        rid = next((v for k, v in sheet.attrib.items() if str(k).startswith("{") and str(k).endswith("}id")), "")
        kind, target = by_id.get(rid, ("", ""))
        found.append((sheet.get("name", ""), kind, target))
    return found


def related(members: dict[str, bytes], part: str, kind: str) -> list[str]:
    return [t for _, k, t in relationships(members, part) if k == kind and t in members]


def shared_strings(members: dict[str, bytes]) -> list[str]:
    parts = related(members, workbook_part(members), "sharedStrings")
    if not parts:
        return []
    return ["".join(t.text or "" for t in si.iter("{*}t") if local(t.getparent()) != "rPh")
            for si in parse(members[parts[0]]).iterfind("{*}si")]


# -- cell addresses ---------------------------------------------------------------------------------

_REF = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
_WHOLE_COL = re.compile(r"^\$?([A-Z]{1,3})$")
_WHOLE_ROW = re.compile(r"^\$?(\d+)$")


def column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(col: int) -> str:
    letters = ""
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_ref(row: int, col: int) -> str:
    return f"{column_letters(col)}{row}"


def split_cell(text: str) -> tuple[int, int] | None:
    m = _REF.match(text.strip())
    return (int(m[2]), column_number(m[1])) if m else None


@dataclass(frozen=True)
class Area:
    first_row: int
    first_col: int
    last_row: int
    last_col: int

    def holds(self, row: int, col: int) -> bool:
        return self.first_row <= row <= self.last_row and self.first_col <= col <= self.last_col

    def covers(self, other: Area) -> bool:
        return self.holds(other.first_row, other.first_col) and self.holds(other.last_row, other.last_col)

    def union(self, other: Area) -> Area:
        return Area(min(self.first_row, other.first_row), min(self.first_col, other.first_col),
                    max(self.last_row, other.last_row), max(self.last_col, other.last_col))

    def __str__(self) -> str:
        a, b = cell_ref(self.first_row, self.first_col), cell_ref(self.last_row, self.last_col)
        return a if a == b else f"{a}:{b}"


def parse_range(text: str) -> Area | None:
    """'B2:C5', 'B2', 'A:A' or '3:3' as an Area; None when it is not a valid range."""
    first, _, last = text.strip().partition(":")
    last = last or first
    a, b = split_cell(first), split_cell(last)
    if a and b:
        area = Area(a[0], a[1], b[0], b[1])
    elif (ca := _WHOLE_COL.match(first)) and (cb := _WHOLE_COL.match(last)) and ":" in text:
        area = Area(1, column_number(ca[1]), MAX_ROW, column_number(cb[1]))
    elif (ra := _WHOLE_ROW.match(first)) and (rb := _WHOLE_ROW.match(last)) and ":" in text:
        area = Area(int(ra[1]), 1, int(rb[1]), MAX_COL)
    else:
        return None
    if not (1 <= area.first_row <= area.last_row <= MAX_ROW and 1 <= area.first_col <= area.last_col <= MAX_COL):
        return None
    return area


# -- schema validation after markup compatibility (ECMA-376 Part 3) -------------------------------

SCHEMAS = {  # part kind -> (schema file, root element)
    "worksheet": ("sml-sheet.xsd", "worksheet"),
    "styles": ("sml-styles.xsd", "styleSheet"),
    "table": ("sml-table.xsd", "table"),
    "contentTypes": ("opc-contentTypes.xsd", "Types"),
    "relationships": ("opc-relationships.xsd", "Relationships"),
}
KEY_ATTRS = {"row": "r", "c": "r", "mergeCell": "ref", "conditionalFormatting": "sqref", "dataValidation": "sqref",
             "hyperlink": "ref", "col": "min", "tableColumn": "id", "cfRule": "priority", "Relationship": "Id",
             "Override": "PartName", "Default": "Extension"}


class _LocalSchemas(etree.Resolver):
    """Schemas include each other by relative name; only files from tests/xsd are ever loaded."""

    def resolve(self, system_url, public_id, context):  # type: ignore[no-untyped-def]
        path = XSD_DIR / posixpath.basename(system_url or "")
        return self.resolve_filename(str(path), context) if path.exists() else None


@cache
def _schema(kind: str) -> etree.XMLSchema:
    parser = etree.XMLParser(no_network=True)
    parser.resolvers.add(_LocalSchemas())
    return etree.XMLSchema(etree.parse(str(XSD_DIR / SCHEMAS[kind][0]), parser))


def _to_transitional(root: etree._Element) -> None:
    """Strict OOXML namespaces renamed to their Transitional counterparts (elements and attributes)."""
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        q = etree.QName(el)
        if q.namespace in STRICT_TO_TRANSITIONAL:
            el.tag = f"{{{STRICT_TO_TRANSITIONAL[q.namespace]}}}{q.localname}"
        for key in list(el.attrib):
            if key.startswith("{"):
                ns, name = key[1:].split("}", 1)
                if ns in STRICT_TO_TRANSITIONAL:
                    el.attrib[f"{{{STRICT_TO_TRANSITIONAL[ns]}}}{name}"] = el.attrib.pop(key)


def resolve_markup_compatibility(root: etree._Element) -> list[tuple[etree._Element, str]]:
    """What a consumer that understands only SpreadsheetML sees, in place: mc:AlternateContent
    replaced by its Fallback's children (or nothing), elements and attributes of ignorable
    namespaces dropped (an element named in mc:ProcessContent is unwrapped), mc:* attributes
    dropped. Returns mc:MustUnderstand problems."""
    problems: list[tuple[etree._Element, str]] = []
    _resolve(root, frozenset(), frozenset(), problems)
    return problems


def _prefixes(el: etree._Element, value: str) -> set[str]:
    return {ns for p in value.split() if (ns := el.nsmap.get(p))}


def _resolve(el: etree._Element, ignorable: frozenset, process: frozenset, problems: list) -> None:
    ign, proc = set(ignorable), set(process)
    ign |= _prefixes(el, el.get(f"{{{MC}}}Ignorable", ""))
    for token in el.get(f"{{{MC}}}ProcessContent", "").split():
        prefix, _, name = token.partition(":")
        if ns := el.nsmap.get(prefix):
            proc.add((ns, name))
    for ns in _prefixes(el, el.get(f"{{{MC}}}MustUnderstand", "")) - UNDERSTOOD:
        problems.append((el, f"mc:MustUnderstand names namespace '{ns}' that is not understood"))
    for key in list(el.attrib):
        if key.startswith("{"):
            ns = key[1:].split("}", 1)[0]
            if ns == MC or (ns in ign and ns not in UNDERSTOOD):
                del el.attrib[key]
    i = 0
    while i < len(el):
        child = el[i]
        if not isinstance(child.tag, str):  # comments, processing instructions
            el.remove(child)
            continue
        q = etree.QName(child)
        if q.namespace == MC and q.localname == "AlternateContent":
            fallback = child.find(f"{{{MC}}}Fallback")
            _splice(el, i, child, list(fallback) if fallback is not None else [])
            continue  # the spliced-in children are looked at next
        if q.namespace in ign and q.namespace not in UNDERSTOOD:
            unwrap = (q.namespace, q.localname) in proc or (q.namespace, "*") in proc
            _splice(el, i, child, list(child) if unwrap else [])
            continue
        _resolve(child, frozenset(ign), frozenset(proc), problems)
        i += 1


def _splice(parent: etree._Element, index: int, old: etree._Element, new: list[etree._Element]) -> None:
    parent.remove(old)
    for offset, child in enumerate(new):
        parent.insert(index + offset, child)


def element_path(el: etree._Element | None) -> str:
    """A path by local names and stable keys (row/@r, c/@r, ...), never a line number: Excel writes a
    part on one line, and a patch shifts lines."""
    parts = []
    while el is not None and isinstance(el.tag, str):
        name, key, parent = local(el), KEY_ATTRS.get(local(el)), el.getparent()
        if key and el.get(key) is not None:
            parts.append(f"{name}[@{key}='{el.get(key)}']")
        elif parent is None:
            parts.append(name)
        else:
            same = [c for c in parent if c.tag == el.tag]
            parts.append(name if len(same) == 1 else f"{name}[{same.index(el) + 1}]")
        el = parent
    return "/" + "/".join(reversed(parts))


_STEP = re.compile(r"^(?:[^:\[\]]+:)?([^\[\]]+)(?:\[(\d+)\])?$")


def _node_for(root: etree._Element, libxml_path: str | None) -> etree._Element | None:
    """The element libxml2's error path points at (its prefixes are made up: walk by local name)."""
    if not libxml_path or not libxml_path.startswith("/"):
        return None
    node = None
    for i, step in enumerate(libxml_path.strip("/").split("/")):
        m = _STEP.match(step)
        if m is None:
            return None
        name, index = m[1], int(m[2] or 1)
        if i == 0:
            node = root
            continue
        assert node is not None
        same = [c for c in node if isinstance(c.tag, str) and (name == "*" or local(c) == name)]
        if len(same) < index:
            return None
        node = same[index - 1]
    return node


_NS_IN_MESSAGE = re.compile(r"\{([^}]*)\}")


def validate_part(data: bytes, kind: str) -> list[tuple[str, str]]:
    """Schema errors of a part as (element path, message), after markup compatibility is resolved."""
    try:
        root = parse(data)
    except etree.XMLSyntaxError as exc:
        return [("/", f"not well-formed: {exc.msg}")]
    _to_transitional(root)
    errors = [(element_path(el), msg) for el, msg in resolve_markup_compatibility(root)]
    root = parse(etree.tostring(root))  # the schema sees exactly the resolved tree
    if local(root) != SCHEMAS[kind][1]:
        return [*errors, ("/" + local(root), f"root element is {root.tag}, expected {SCHEMAS[kind][1]}")]
    schema = _schema(kind)
    schema.validate(root)
    for entry in schema.error_log:
        node = _node_for(root, entry.path)
        path = element_path(node) if node is not None else (entry.path or "?")
        errors.append((path, _NS_IN_MESSAGE.sub(lambda m: {SML: "x:", REL: "r:"}.get(m[1], m[1] + ":"),
                                                entry.message).strip()))
    return errors


def new_errors(before: list[tuple[str, str]], after: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Errors `after` has that `before` did not (as a multiset: a second equal error is new)."""
    return list((collections.Counter(after) - collections.Counter(before)).elements())


# -- a worksheet, as a reader sees it ---------------------------------------------------------------

def _canon(el: etree._Element) -> str:
    """An element as comparable text: local names, attributes sorted, namespaces and prefixes aside."""
    attrs = sorted((etree.QName(k).localname if str(k).startswith("{") else str(k), str(v))
                   for k, v in el.attrib.items())
    children = "".join(_canon(c) for c in el if isinstance(c.tag, str))
    text = el.text if el.text and (el.text.strip() or not len(el)) else ""
    return f"<{local(el)}{attrs}{text!r}>{children}</>"


def _has_value(cell: etree._Element) -> bool:
    return any(local(c) in ("v", "is", "f") for c in cell)


class Sheet:
    """A worksheet part: its rows and cells by their effective address (a row or cell without `r`
    follows the one before it), merged areas, array formulas, dimension."""

    def __init__(self, data: bytes) -> None:
        self.root = parse(data)
        self.data = self.root.find("{*}sheetData")
        self.rows: dict[int, etree._Element] = {}
        self.cells: dict[tuple[int, int], etree._Element] = {}
        self.order_problems: list[str] = []
        previous_row = 0
        for row in (self.data if self.data is not None else []):
            if local(row) != "row":
                continue
            number = int(row.get("r")) if (row.get("r") or "").isdigit() else previous_row + 1
            if number <= previous_row:
                self.order_problems.append(f"row {number} stands after row {previous_row}")
            if number in self.rows:
                self.order_problems.append(f"row {number} stands twice")
            self.rows[number] = row
            previous_row = number
            previous_col = 0
            for cell in row.iterfind("{*}c"):
                given = cell.get("r")
                if given:
                    at = split_cell(given)
                    if at is None:
                        self.order_problems.append(f"cell in row {number} has an invalid r {given!r}")
                        continue
                    if at[0] != number:
                        self.order_problems.append(f"cell {given} stands in row {number}")
                    col = at[1]
                else:
                    col = previous_col + 1
                if col <= previous_col:
                    self.order_problems.append(f"cell {cell_ref(number, col)} stands after column {previous_col}")
                self.cells[(number, col)] = cell
                previous_col = col
        self.merges = [a for m in self.root.iter("{*}mergeCell") if (a := parse_range(m.get("ref", "")))]
        self.arrays = []
        for (row, col), cell in self.cells.items():
            f = cell.find("{*}f")
            if f is not None and f.get("t") in ("array", "dataTable"):
                area = parse_range(f.get("ref") or cell_ref(row, col))
                if area:
                    self.arrays.append(area)
        dim = self.root.find("{*}dimension")
        self.dimension = parse_range(dim.get("ref", "")) if dim is not None else None
        self.has_dimension = dim is not None
        self.col_styles = [(int(c.get("min", "0")), int(c.get("max", "0")), int(c.get("style", "0")))
                           for c in self.root.iter("{*}col") if c.get("style")]

    def used_rows(self) -> list[int]:
        """Rows holding a value, an error or a formula, in order."""
        return sorted({row for (row, _), cell in self.cells.items() if _has_value(cell)})

    def bounds(self) -> Area | None:
        if not self.cells:
            return None
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        return Area(min(rows), min(cols), max(rows), max(cols))

    def column_style(self, col: int) -> int | None:
        return next((s for low, high, s in self.col_styles if low <= col <= high), None)

    def style_of(self, row: int, col: int) -> int:
        """The format Excel shows a cell in: its own, else its row's (customFormat), else its column's."""
        cell = self.cells.get((row, col))
        if cell is not None:
            return int(cell.get("s") or 0)
        row_el = self.rows.get(row)
        if row_el is not None and row_el.get("customFormat") in ("1", "true") and row_el.get("s"):
            return int(row_el.get("s") or 0)
        return self.column_style(col) or 0

    def skeleton(self) -> etree._Element:
        """A copy of the sheet without its rows."""
        copy = parse(etree.tostring(self.root))
        data = copy.find("{*}sheetData")
        if data is not None:
            for child in list(data):
                data.remove(child)
        return copy


# -- the styles part, as a reader sees it -------------------------------------------------------------

BUILTIN_DATE_IDS = set(range(14, 23)) | set(range(45, 48))


@dataclass
class Look:
    """What a cell shows beside its value; `number_format` is kept apart (a date may change it)."""

    font: str
    fill: str
    border: str
    alignment: str
    protection: str
    cell_style: str
    number_format: str

    def without_format(self) -> tuple[str, ...]:
        return (self.font, self.fill, self.border, self.alignment, self.protection, self.cell_style)


class StyleBook:
    def __init__(self, data: bytes | None) -> None:
        self.root = None
        if data is not None:
            self.root = parse(data)
            _to_transitional(self.root)
            resolve_markup_compatibility(self.root)

        def children(name: str, child: str) -> list[etree._Element]:
            holder = self.root.find(f"{{*}}{name}") if self.root is not None else None
            return [] if holder is None else [c for c in holder if local(c) == child]

        self.xfs = children("cellXfs", "xf")
        self.fonts = children("fonts", "font")
        self.fills = children("fills", "fill")
        self.borders = children("borders", "border")
        self.formats = {int(n.get("numFmtId", "-1")): n.get("formatCode", "")
                        for n in children("numFmts", "numFmt") if (n.get("numFmtId") or "").isdigit()}

    def __len__(self) -> int:
        return len(self.xfs)

    def format_code(self, index: int) -> str:
        if not 0 <= index < len(self.xfs):
            return "General"
        fmt = int(self.xfs[index].get("numFmtId") or 0)
        if fmt in self.formats:
            return self.formats[fmt]
        from openpyxl.styles.numbers import BUILTIN_FORMATS

        return BUILTIN_FORMATS.get(fmt, "General")

    def is_date(self, index: int) -> bool:
        from openpyxl.styles.numbers import is_date_format

        return is_date_format(self.format_code(index))

    def look(self, index: int) -> Look:
        """The look of a cell format; an index beyond cellXfs shows as the default format (0)."""
        if not 0 <= index < len(self.xfs):
            index = 0
        if not self.xfs:
            return Look("", "", "", "", "", "", "General")
        xf = self.xfs[index]

        def pick(items: list[etree._Element], attr: str) -> str:
            i = int(xf.get(attr) or 0)
            return _canon(items[i]) if 0 <= i < len(items) else ""

        def child(name: str) -> str:
            found = xf.find(f"{{*}}{name}")
            return _canon(found) if found is not None else ""

        return Look(pick(self.fonts, "fontId"), pick(self.fills, "fillId"), pick(self.borders, "borderId"),
                    child("alignment"), child("protection"), xf.get("xfId") or "0", self.format_code(index))


# -- the patch under test ------------------------------------------------------------------------------

@dataclass
class Edit:
    row: int
    col: int
    value: object
    appended: bool = False

    @property
    def ref(self) -> str:
        return cell_ref(self.row, self.col)


@dataclass
class Edits:
    sheet: str  # the sheet's name
    part: str  # its part path
    index: int  # its position among the workbook's sheets
    data_row: int
    cells: list[Edit] = field(default_factory=list)
    appended_row: int | None = None  # what append_row returned
    expected_append: int = 0  # the row the harness expects (last row holding a value, + 1)


class NoWorksheet(Exception):
    """The workbook has no worksheet to write in (only chart sheets, say)."""


def first_worksheet(members: dict[str, bytes]) -> tuple[str, str, int]:
    """(name, part, position) of the workbook's first worksheet."""
    for index, (name, kind, part) in enumerate(sheets(members)):
        if kind == "worksheet" and part in members:
            return name, part, index
    raise NoWorksheet("no worksheet")


def plan_edits(original: bytes) -> Edits:
    """Which cells to write: a data row's existing cells (a date into a formatted one, a text into
    another, or left of the sheet's first column when there is room) and a number right of the last
    column; then a row appended below the last used row, in a table's columns when a table ends there."""
    members = zip_members(original)
    name, part, index = first_worksheet(members)
    sheet = Sheet(members[part])
    tables = [parse(members[t]) for t in related(members, part, "table")]
    blocked_rows: set[int] = set()
    for table in tables:
        area = parse_range(table.get("ref", ""))
        if area is None:
            continue
        if table.get("headerRowCount", "1") != "0":
            blocked_rows.add(area.first_row)
        for n in range(int(table.get("totalsRowCount") or 0)):
            blocked_rows.add(area.last_row - n)

    def free(row: int, col: int) -> bool:
        if not 1 <= col <= MAX_COL:
            return False
        if any(a.holds(row, col) and (row, col) != (a.first_row, a.first_col) for a in sheet.merges):
            return False
        return not any(a.holds(row, col) for a in sheet.arrays)

    used = sheet.used_rows()
    candidates = [r for r in used if r not in blocked_rows]
    data_row = candidates[1] if len(candidates) > 1 else candidates[0] if candidates else max([1, *used]) + 1
    edits = Edits(name, part, index, data_row)
    valued = [c for (r, c), cell in sorted(sheet.cells.items()) if r == data_row and _has_value(cell) and free(r, c)]
    plain = [c for c in valued if sheet.cells[(data_row, c)].find("{*}f") is None] or valued
    styled = [c for c in plain if int(sheet.cells[(data_row, c)].get("s") or 0)] or plain
    bounds = sheet.bounds()
    taken: set[int] = set()

    def take(options: Iterable[int]) -> int:
        col = next((c for c in options if c not in taken and free(data_row, c)), None)
        if col is None:
            col = next(c for c in range(1, MAX_COL + 1) if c not in taken and free(data_row, c))
        taken.add(col)
        return col

    date_col = take(styled)
    left = bounds.first_col - 1 if bounds and bounds.first_col > 1 else None
    text_col = take(([left] if left else []) + plain)
    number_col = take(range((bounds.last_col if bounds else 0) + 1, MAX_COL + 1))
    edits.cells += [Edit(data_row, date_col, DATE), Edit(data_row, text_col, TEXT), Edit(data_row, number_col, NUMBER)]

    last = max([*used, data_row])
    edits.expected_append = last + 1
    table_cols = next(([a.first_col, a.first_col + 1 if a.last_col > a.first_col else a.first_col - 1]
                       for t in tables if (a := parse_range(t.get("ref", ""))) and a.last_row == last
                       and not int(t.get("totalsRowCount") or 0)), None)
    row_cols = [c for (r, c), cell in sorted(sheet.cells.items()) if r == last and _has_value(cell)]
    options = [c for c in (table_cols or row_cols[:2]) if c >= 1] + list(range(1, MAX_COL + 1))
    cols = [c for c in dict.fromkeys(options) if free(last + 1, c)][:2]
    edits.cells += [Edit(last + 1, cols[0], APPEND_DATE, True), Edit(last + 1, cols[1], APPEND_TEXT, True)]
    return edits


def run_patch(path: Path | bytes) -> tuple[bytes, bytes, Edits]:
    """Patch the first worksheet: three cells of a data row (a date, a text, a number) with
    set_cells, then one appended row (a date and a text). WorkbookErrors pass through."""
    from formkit.xlsx import WorkbookPatch

    original = path if isinstance(path, bytes) else Path(path).read_bytes()
    edits = plan_edits(original)
    patch = WorkbookPatch(original, edits.sheet)
    patch.set_cells(edits.data_row, {e.col: e.value for e in edits.cells if not e.appended})
    edits.appended_row = patch.append_row({e.col: e.value for e in edits.cells if e.appended})
    for e in edits.cells:  # the writer decides where the row goes; check() says whether it was right
        if e.appended:
            e.row = edits.appended_row
    return original, patch.save(), edits


# -- the checks ----------------------------------------------------------------------------------------

def check(original: bytes, patched: bytes, edits: Edits) -> list[str]:
    """Every broken promise of the patch `original` -> `patched`, in words; [] when none."""
    ctx = _Context(original, patched, edits)
    problems: list[str] = []
    for step in (_check_members, _check_schema, _check_structure, _check_style_indexes, _check_tables,
                 _check_sqrefs, _check_other_cells, _check_sheet_outside_cells, _check_dimension,
                 _check_looks, _check_styles_part, _check_values, check_duplicates):
        problems += step(ctx)
    return problems


class _Context:
    """Both versions of the workbook, parsed once for all checks."""

    def __init__(self, original: bytes, patched: bytes, edits: Edits) -> None:
        self.original, self.patched, self.edits = original, patched, edits
        self.before, self.after = before, after = zip_members(original), zip_members(patched)
        self.old = Sheet(before[edits.part])
        self.new = Sheet(after[edits.part]) if edits.part in after else self.old
        book = workbook_part(before)
        self.old_styles_part = next(iter(related(before, book, "styles")), None)
        self.new_styles_part = next(iter(related(after, book, "styles")), None)
        self.old_styles = StyleBook(before.get(self.old_styles_part) if self.old_styles_part else None)
        self.new_styles = StyleBook(after.get(self.new_styles_part) if self.new_styles_part else None)
        self.tables = related(before, edits.part, "table")
        self.calc_chains = related(before, book, "calcChain")
        self.book = book
        self.written = {(e.row, e.col): e for e in edits.cells}
        self.formula_overwritten = any((e.row, e.col) in self.old.cells
                                       and self.old.cells[(e.row, e.col)].find("{*}f") is not None
                                       for e in edits.cells)
        self.strict = b"purl.oclc.org/ooxml/spreadsheetml" in before[edits.part]


def _check_members(ctx: _Context) -> list[str]:
    problems = []
    before, after = ctx.before, ctx.after
    dropped = [n for n in before if n not in after]
    added = [n for n in after if n not in before]
    if [n for n in after if n in before] != [n for n in before if n in after]:
        problems.append("members: the order of the zip members changed")
    if added and list(after)[-len(added):] != added:
        problems.append(f"members: added members {added} do not stand at the end")
    expected_drop = set(ctx.calc_chains) if ctx.formula_overwritten else set()
    if set(dropped) != expected_drop:
        problems.append(f"members: dropped {sorted(dropped)}, expected {sorted(expected_drop)}")
    styles_created = ctx.old_styles_part is None and ctx.new_styles_part is not None
    if styles_created:
        allowed_added = {ctx.new_styles_part, rels_path(ctx.book)}
        if not set(added) <= allowed_added:
            problems.append(f"members: added {sorted(set(added) - allowed_added)}")
    elif added:
        problems.append(f"members: added {added}")
    may_change = {ctx.edits.part, *ctx.tables}
    if ctx.old_styles_part:
        may_change.add(ctx.old_styles_part)
    if expected_drop or styles_created:
        may_change |= {rels_path(ctx.book), CONTENT_TYPES}
    for name, body in before.items():
        if name in after and after[name] != body and name not in may_change:
            problems.append(f"members: {name} changed, though the patch had no reason to touch it")
    infos_before = {i.filename: i for i in zip_infos(ctx.original)}
    for info in zip_infos(ctx.patched):
        old = infos_before.get(info.filename)
        if old is not None and before[info.filename] == after[info.filename] and old.date_time != info.date_time:
            problems.append(f"members: {info.filename} was rewritten (its date changed)")
    if after.get(ctx.edits.part) == before.get(ctx.edits.part):
        problems.append(f"members: the sheet {ctx.edits.part} did not change")
    problems += _check_package_bookkeeping(ctx, expected_drop, styles_created)
    return problems


def _check_package_bookkeeping(ctx: _Context, dropped: set[str], styles_created: bool) -> list[str]:
    """The workbook's relationships and content types: only the dropped calc chain's and the new styles
    part's entries may go or come."""
    problems = []

    def rel_set(members: dict[str, bytes]) -> set[tuple[str, str]]:
        return {(kind, target) for _, kind, target in relationships(members, ctx.book)}

    def overrides(members: dict[str, bytes]) -> set[tuple[str, str]]:
        if CONTENT_TYPES not in members:
            return set()
        return {((o.get("PartName") or "").lstrip("/"), o.get("ContentType", ""))
                for o in parse(members[CONTENT_TYPES]).iter("{*}Override")}

    old_rels, new_rels = rel_set(ctx.before), rel_set(ctx.after)
    old_types, new_types = overrides(ctx.before), overrides(ctx.after)
    expected_rels = {r for r in old_rels if not (r[0] == "calcChain" and r[1] in dropped)}
    expected_types = {t for t in old_types if t[0] not in dropped}
    if styles_created:
        expected_rels.add(("styles", ctx.new_styles_part or ""))
        expected_types.add((ctx.new_styles_part or "",
                            "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"))
    if new_rels != expected_rels:
        problems.append(f"members: workbook relationships {sorted(new_rels ^ expected_rels)} differ from expected")
    if new_types != expected_types:
        problems.append(f"members: content types {sorted(new_types ^ expected_types)} differ from expected")
    return problems


def _part_kind(ctx: _Context, name: str) -> str | None:
    if name == ctx.edits.part:
        return "worksheet"
    if name in ctx.tables:
        return "table"
    if name in (ctx.old_styles_part, ctx.new_styles_part):
        return "styles"
    if name == CONTENT_TYPES:
        return "contentTypes"
    if name.endswith(".rels"):
        return "relationships"
    return None


def _check_schema(ctx: _Context) -> list[str]:
    problems = []
    for name, body in ctx.after.items():
        if ctx.before.get(name) == body or (kind := _part_kind(ctx, name)) is None:
            continue
        old = validate_part(ctx.before[name], kind) if name in ctx.before else []
        for path, message in new_errors(old, validate_part(body, kind))[:5]:
            problems.append(f"schema: {name} {path}: {message}")
    return problems


def _check_structure(ctx: _Context) -> list[str]:
    old = collections.Counter(ctx.old.order_problems)
    return [f"order: {p}" for p in (collections.Counter(ctx.new.order_problems) - old).elements()]


def _style_index_problems(sheet: Sheet, count: int) -> list[str]:
    found = []
    for (row, col), cell in sheet.cells.items():
        if int(cell.get("s") or 0) >= max(count, 1):
            found.append(f"cell {cell_ref(row, col)} has style {cell.get('s')} of {count}")
    for number, row in sheet.rows.items():
        if row.get("customFormat") in ("1", "true") and int(row.get("s") or 0) >= max(count, 1):
            found.append(f"row {number} has style {row.get('s')} of {count}")
    for low, high, style in sheet.col_styles:
        if style >= max(count, 1):
            found.append(f"columns {low}-{high} have style {style} of {count}")
    return found


def _check_style_indexes(ctx: _Context) -> list[str]:
    old = set(_style_index_problems(ctx.old, len(ctx.old_styles)))
    return [f"style index out of range: {p}" for p in _style_index_problems(ctx.new, len(ctx.new_styles))
            if p not in old or any(f"cell {e.ref} " in p for e in ctx.edits.cells)]


def _cell_text(cell: etree._Element | None, strings: list[str]) -> str:
    if cell is None:
        return ""
    if cell.get("t") == "inlineStr":
        return "".join(t.text or "" for t in cell.iter("{*}t"))
    v = cell.find("{*}v")
    text = v.text or "" if v is not None else ""
    if cell.get("t") == "s" and text.strip().isdigit() and int(text) < len(strings):
        return strings[int(text)]
    return text


def _table_problems(table: etree._Element, sheet: Sheet, strings: list[str]) -> list[str]:
    found = []
    area = parse_range(table.get("ref", ""))
    name = table.get("displayName") or table.get("name") or "?"
    if area is None:
        return [f"table {name}: ref {table.get('ref')!r} is not a range"]
    auto = table.find("{*}autoFilter")
    totals = int(table.get("totalsRowCount") or 0)
    if auto is not None and parse_range(auto.get("ref", "")) != Area(area.first_row, area.first_col,
                                                                    area.last_row - totals, area.last_col):
        found.append(f"table {name}: autoFilter ref {auto.get('ref')} is not the table's {area}")
    columns = [c.get("name", "") for c in table.iter("{*}tableColumn")]
    if len(columns) != area.last_col - area.first_col + 1:
        found.append(f"table {name}: {len(columns)} columns for ref {area}")
    if table.get("headerRowCount", "1") != "0":
        for offset, header in enumerate(columns):
            text = _cell_text(sheet.cells.get((area.first_row, area.first_col + offset)), strings)
            if text != header and text.replace("\n", "_x000a_") != header:
                found.append(f"table {name}: header cell {cell_ref(area.first_row, area.first_col + offset)} "
                             f"holds {text!r}, the table column is {header!r}")
    return found


def _check_tables(ctx: _Context) -> list[str]:
    problems = []
    appended = [e for e in ctx.edits.cells if e.appended]
    old_strings, new_strings = shared_strings(ctx.before), shared_strings(ctx.after)
    for part in ctx.tables:
        old, new = parse(ctx.before[part]), parse(ctx.after.get(part, ctx.before[part]))
        area = parse_range(old.get("ref", ""))
        expected = area
        if (area and appended and appended[0].row == area.last_row + 1 and not int(old.get("totalsRowCount") or 0)
                and any(area.first_col <= e.col <= area.last_col for e in appended)):
            expected = Area(area.first_row, area.first_col, appended[0].row, area.last_col)
        if expected and parse_range(new.get("ref", "")) != expected:
            problems.append(f"table {part}: ref {new.get('ref')}, expected {expected}")
        if expected == area and ctx.after.get(part) != ctx.before[part]:
            problems.append(f"table {part}: rewritten though it did not grow")
        known = set(_table_problems(old, ctx.old, old_strings))
        problems += [f"table {part}: {p}" for p in _table_problems(new, ctx.new, new_strings) if p not in known]
        for el in (old, new):
            for holder in (el, *el.iter("{*}autoFilter")):
                holder.attrib.pop("ref", None)
        if _canon(old) != _canon(new):
            problems.append(f"table {part}: changed beyond its ref")
    return problems


_RANGE_HOLDERS = ("autoFilter", "conditionalFormatting", "dataValidation")  # ranges that grow with a row


def _ranges(root: etree._Element) -> Iterator[tuple[etree._Element, str, str]]:
    """(element, attribute or 'text', value) of every cell range outside sheetData."""
    for el in root.iter():
        if not isinstance(el.tag, str) or local(el) in ("sheetData", "row", "c", "f", "v", "is", "t"):
            continue
        for attr in ("sqref", "ref"):
            if el.get(attr) is not None:
                yield el, attr, el.get(attr, "")
        if local(el) == "sqref" and el.text:
            yield el, "text", el.text


def _sqref_problems(sheet: Sheet) -> list[str]:
    found = []
    for el, attr, value in _ranges(sheet.skeleton()):
        for token in value.split():
            if parse_range(token) is None:
                found.append(f"{local(el)}/@{attr} {value!r}: {token!r} is not a valid range")
    return found


def _check_sqrefs(ctx: _Context) -> list[str]:
    old = collections.Counter(_sqref_problems(ctx.old))
    return [f"sqref: {p}" for p in (collections.Counter(_sqref_problems(ctx.new)) - old).elements()]


def _check_other_cells(ctx: _Context) -> list[str]:
    """Every cell and row the patch did not write is as it was (a shared formula written out in full
    into the cells that shared it, when its first cell was overwritten, aside)."""
    problems = []
    written_rows = {e.row for e in ctx.edits.cells}
    masters = {f.get("si") for e in ctx.edits.cells if (c := ctx.old.cells.get((e.row, e.col))) is not None
               and (f := c.find("{*}f")) is not None and f.get("t") == "shared" and f.get("ref")}
    same_rows = set()
    for number, row in ctx.old.rows.items():
        new_row = ctx.new.rows.get(number)
        if new_row is None:
            problems.append(f"cells: row {number} is gone")
            continue
        if number not in written_rows and etree.tostring(row) == etree.tostring(new_row):
            same_rows.add(number)
            continue
        keep = {k: v for k, v in row.attrib.items() if k not in ("spans", "r")}
        if number in written_rows:
            if keep != {k: v for k, v in new_row.attrib.items() if k not in ("spans", "r")}:
                problems.append(f"cells: row {number}'s attributes changed")
        elif keep != {k: v for k, v in new_row.attrib.items() if k != "r"}:
            problems.append(f"cells: row {number}'s attributes changed")
    for at, cell in ctx.old.cells.items():
        if at in ctx.written or at[0] in same_rows:
            continue
        new = ctx.new.cells.get(at)
        if new is None:
            problems.append(f"cells: {cell_ref(*at)} is gone")
        elif _cell_canon(cell) != _cell_canon(new):
            f = cell.find("{*}f")
            if f is not None and f.get("t") == "shared" and f.get("si") in masters and _shared_written_out(cell, new):
                continue
            problems.append(f"cells: {cell_ref(*at)} changed though it was not written")
    for at in ctx.new.cells.keys() - ctx.old.cells.keys() - ctx.written.keys():
        problems.append(f"cells: {cell_ref(*at)} appeared though it was not written")
    for number in ctx.new.rows.keys() - ctx.old.rows.keys() - written_rows:
        problems.append(f"cells: row {number} appeared though nothing was written in it")
    return problems


def _cell_canon(cell: etree._Element) -> str:
    copy = etree.fromstring(etree.tostring(cell))
    copy.attrib.pop("r", None)
    return _canon(copy)


def _shared_written_out(old: etree._Element, new: etree._Element) -> bool:
    """A cell of a shared formula whose formula is now its own: only <f> changed, and not to shared."""
    f = new.find("{*}f")
    if f is None or f.get("t") == "shared" or not (f.text or "").strip():
        return False
    strip = [etree.fromstring(etree.tostring(c)) for c in (old, new)]
    for c in strip:
        c.attrib.pop("r", None)
        for child in c.findall("{*}f"):
            c.remove(child)
    return _canon(strip[0]) == _canon(strip[1])


def _mask_ranges(root: etree._Element) -> list[tuple[etree._Element, str, str]]:
    """Every range outside sheetData, then replaced by '*' so the rest can be compared."""
    found = list(_ranges(root))
    for el, attr, _ in found:
        if attr == "text":
            el.text = "*"
        else:
            el.set(attr, "*")
    return found


def _check_sheet_outside_cells(ctx: _Context) -> list[str]:
    """Outside sheetData only <dimension> and ranges that grew by the appended row may change."""
    old, new = ctx.old.skeleton(), ctx.new.skeleton()
    old_ranges, new_ranges = _mask_ranges(old), _mask_ranges(new)
    if _canon(old) != _canon(new) or len(old_ranges) != len(new_ranges):
        return ["sheet: changed outside its cells (beyond <dimension> and growing ranges)"]
    problems = []
    appended = [e for e in ctx.edits.cells if e.appended]
    row = appended[0].row if appended else 0
    columns = {e.col for e in appended}  # ranges grow in the columns of a value or of a table that grew
    for part in ctx.tables:
        old_area = parse_range(parse(ctx.before[part]).get("ref", ""))
        if old_area and old_area.last_row == row - 1 and parse_range(parse(ctx.after[part]).get("ref", "")) \
                != old_area:
            columns.update(range(old_area.first_col, old_area.last_col + 1))
    for (el, attr, before), (_, _, after) in zip(old_ranges, new_ranges, strict=True):
        if before == after or local(el) == "dimension":
            continue
        grows = local(el) in _RANGE_HOLDERS or attr == "text"
        olds, news = before.split(), after.split()
        ok = grows and len(olds) == len(news)
        for a, b in zip(olds, news, strict=True) if ok else ():
            area, grown = parse_range(a), parse_range(b)
            if a == b:
                continue
            ok = ok and area is not None and grown is not None and area.last_row == row - 1 and grown == Area(
                area.first_row, area.first_col, row, area.last_col) and any(
                area.first_col <= col <= area.last_col for col in columns)
        if not ok:
            problems.append(f"sheet: {local(el)} range {before!r} became {after!r}")
    return problems


def _check_dimension(ctx: _Context) -> list[str]:
    if not ctx.old.has_dimension:
        return []
    dim = ctx.new.dimension
    if dim is None:
        return [f"dimension: {ctx.new.root.find('{*}dimension').get('ref')!r} is not a range"]
    need = [Area(e.row, e.col, e.row, e.col) for e in ctx.edits.cells]
    old_bounds = ctx.old.bounds()
    if ctx.old.dimension and (old_bounds is None or ctx.old.dimension.covers(old_bounds)):
        need.append(ctx.old.dimension)
        if ctx.new.bounds():
            need.append(ctx.new.bounds())  # it covered every cell, so it must still
    missing = [str(a) for a in need if not dim.covers(a)]
    return [f"dimension: {dim} does not cover {', '.join(missing)}"] if missing else []


def expected_style(ctx: _Context, edit: Edit) -> tuple[StyleBook, int]:
    """The format Excel gives a written cell, before a date changes its number format, and the styles
    it indexes: an existing cell keeps its own; a new cell in an existing row takes the row's
    (customFormat), else its column's; a cell of an appended row takes the one that 3 of the 5 rows
    above show in its column (as they are after the data row was written), else its column's."""
    if not edit.appended or (edit.row, edit.col) in ctx.old.cells:
        return (ctx.old_styles if len(ctx.old_styles) else ctx.new_styles), ctx.old.style_of(edit.row, edit.col)
    headers = {area.first_row for part in ctx.tables if (area := parse_range(parse(ctx.before[part]).get("ref", "")))}
    seen = []
    for above in range(edit.row - 1, max(0, edit.row - 6), -1):
        if above in headers:
            break
        seen.append(ctx.new.style_of(above, edit.col))
    common = collections.Counter(seen).most_common(1)
    if common and common[0][1] >= 3:
        return ctx.new_styles, common[0][0]
    return ctx.new_styles, ctx.new.column_style(edit.col) or 0


def _check_looks(ctx: _Context) -> list[str]:
    problems = []
    for edit in ctx.edits.cells:
        cell = ctx.new.cells.get((edit.row, edit.col))
        if cell is None:
            problems.append(f"look: {edit.ref} is missing")
            continue
        old_book, want = expected_style(ctx, edit)
        got = int(cell.get("s") or 0)
        expected, actual = old_book.look(want), ctx.new_styles.look(got)
        is_date = isinstance(edit.value, dt.date)
        for name in ("font", "fill", "border", "alignment"):
            if getattr(expected, name) != getattr(actual, name):
                problems.append(f"look: {edit.ref} lost its {name} (style {got}, expected the look of style {want})")
        if expected.without_format() != actual.without_format() and not problems:
            problems.append(f"look: {edit.ref} changed its protection or cell style")
        if is_date:
            if not ctx.new_styles.is_date(got):
                problems.append(f"look: {edit.ref} holds a date but its format {actual.number_format!r} is no date")
            elif old_book.is_date(want) and 0 <= want < len(old_book) and got != want:
                problems.append(f"look: {edit.ref} already showed dates (style {want}) but got style {got}")
        elif got != want:
            problems.append(f"look: {edit.ref} has style {got}, expected {want}")
    return problems


def _check_styles_part(ctx: _Context) -> list[str]:
    """The styles part gains only the date formats the write needs, each at most once."""
    if ctx.old_styles_part is None or ctx.before[ctx.old_styles_part] == ctx.after.get(ctx.old_styles_part):
        return []
    problems = []
    old, new = parse(ctx.before[ctx.old_styles_part]), parse(ctx.after[ctx.old_styles_part])
    resolved = [StyleBook(ctx.before[ctx.old_styles_part]), StyleBook(ctx.after[ctx.old_styles_part])]
    old_xfs, new_xfs = ([_canon(x) for x in book.xfs] for book in resolved)
    if new_xfs[: len(old_xfs)] != old_xfs:
        problems.append("styles: existing cell formats changed")
    added = new_xfs[len(old_xfs):]
    dates = {int(c.get("s") or 0) for e in ctx.edits.cells if isinstance(e.value, dt.date)
             and (c := ctx.new.cells.get((e.row, e.col))) is not None}
    if len(added) > len([e for e in ctx.edits.cells if isinstance(e.value, dt.date)]):
        problems.append(f"styles: {len(added)} cell formats added for "
                        f"{sum(isinstance(e.value, dt.date) for e in ctx.edits.cells)} dates")
    if len(set(new_xfs)) < len(set(old_xfs)) + len(added):
        problems.append("styles: a cell format was added that already existed")
    if not old_xfs and added:  # every cell without a format of its own shows format 0: it must stay plain
        if resolved[1].is_date(0) or resolved[1].format_code(0) != "General":
            problems.append("styles: cellXfs was empty and its new first format (every cell's default) is "
                            f"{resolved[1].format_code(0)!r}")
        dates.add(0)
    unused = [len(old_xfs) + i for i in range(len(added)) if len(old_xfs) + i not in dates]
    if unused:
        problems.append(f"styles: cell formats {unused} were added but no written cell uses them")
    old_fmts, new_fmts = resolved[0].formats, resolved[1].formats
    if any(new_fmts.get(k) != v for k, v in old_fmts.items()):
        problems.append("styles: existing number formats changed")
    extra = {k: v for k, v in new_fmts.items() if k not in old_fmts}
    plain = {v.lower().replace("\\", "").replace('"', "") for v in old_fmts.values()}
    if len(extra) > 1 or any(v.lower().replace("\\", "").replace('"', "") in plain for v in extra.values()):
        problems.append(f"styles: number formats added needlessly: {extra}")
    if not added and not extra:
        problems.append("styles: rewritten though no format was added")
    for el in (old, new):
        for name in ("cellXfs", "numFmts"):
            for holder in el.findall(f"{{*}}{name}"):
                el.remove(holder)
    if _canon(old) != _canon(new):
        problems.append("styles: changed beyond cellXfs and numFmts")
    return problems


@dataclass
class Readback:
    """What a reader needs to know to judge a value it read from the patched workbook."""

    date_cells: set[tuple[int, int]]  # written cells whose format shows a date (a number in one reads as a date)
    date1904: bool
    wrapped_xfs: bool  # cellXfs holds mc:AlternateContent: openpyxl and calamine number the formats after it apart

    @classmethod
    def of(cls, patched: bytes, edits: Edits) -> Readback:
        members = zip_members(patched)
        sheet = Sheet(members[edits.part])
        book = workbook_part(members)
        styles = next(iter(related(members, book, "styles")), None)
        styles_xml = members[styles] if styles else b""
        xfs = StyleBook(styles_xml or None)
        dates = {(e.row, e.col) for e in edits.cells if (c := sheet.cells.get((e.row, e.col))) is not None
                 and xfs.is_date(int(c.get("s") or 0))}
        pr = parse(members[book]).find("{*}workbookPr")
        xfs_xml = re.search(rb"<(?:\w+:)?cellXfs\b.*?</(?:\w+:)?cellXfs>", styles_xml, re.S)
        wrapped = xfs_xml is not None and b"AlternateContent" in xfs_xml[0]
        return cls(dates, pr is not None and pr.get("date1904", "").lower() in ("1", "true"), wrapped)

    def same(self, got: object, edit: Edit, reader: str) -> bool:
        from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, to_excel

        epoch = MAC_EPOCH if self.date1904 else WINDOWS_EPOCH
        want = edit.value
        if isinstance(want, dt.date):
            if got in (want, dt.datetime(want.year, want.month, want.day)):
                return True
            # openpyxl and calamine skip a format wrapped in mc:AlternateContent when they number cellXfs
            # (Excel and LibreOffice count it as one, as markup compatibility says), so after one they show
            # a date as its serial number: the right number without its format
            return reader != "libreoffice" and self.wrapped_xfs and got == to_excel(want, epoch)
        if isinstance(want, float):
            if (edit.row, edit.col) in self.date_cells and isinstance(got, dt.date):
                return abs(to_excel(got, epoch) - want) < 1e-6  # a number in a date-formatted cell, as in Excel
            return isinstance(got, int | float) and not isinstance(got, bool) and float(got) == want
        return got == want


def openpyxl_values(data: bytes, sheet: str | int, cells: list[tuple[int, int]]) -> dict[tuple[int, int], object]:
    """The values of cells as openpyxl reads them; the sheet by name or position."""
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        ws = wb[sheet] if isinstance(sheet, str) else wb.worksheets[sheet]
        found = {}
        for row, col in cells:
            cell = next(ws.iter_rows(min_row=row, max_row=row, min_col=col, max_col=col))[0]
            found[(row, col)] = cell.value
        return found
    finally:
        wb.close()


def calamine_values(data: bytes, sheet: str, cells: list[tuple[int, int]]) -> dict[tuple[int, int], object]:
    import python_calamine

    grid = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).to_python(
        skip_empty_area=False)
    return {(r, c): grid[r - 1][c - 1] if r <= len(grid) and c <= len(grid[r - 1]) else None for r, c in cells}


def _check_values(ctx: _Context) -> list[str]:
    """The new values read back exactly by openpyxl and calamine (openpyxl reads no Strict OOXML: a
    reader that cannot read the original is not asked about the copy)."""
    problems = []
    if ctx.edits.appended_row != ctx.edits.expected_append:
        problems.append(f"append: the row went to {ctx.edits.appended_row}, expected {ctx.edits.expected_append}")
    cells = [(e.row, e.col) for e in ctx.edits.cells]
    original, patched = ctx.original, ctx.patched
    for reader, values in (("openpyxl", openpyxl_values), ("calamine", calamine_values)):
        if reader == "openpyxl" and ctx.strict:
            continue
        try:
            values(original, ctx.edits.sheet, cells[:1])
        except Exception:  # noqa: BLE001 - a reader that cannot read the original is no witness
            continue
        try:
            got = values(patched, ctx.edits.sheet, cells)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"values: {reader} cannot read the patched workbook: {type(exc).__name__}: {exc}")
            continue
        readback = Readback.of(patched, ctx.edits)
        for e in ctx.edits.cells:
            if not readback.same(got[(e.row, e.col)], e, reader):
                problems.append(f"values: {reader} reads {e.ref} as {got[(e.row, e.col)]!r}, written {e.value!r}")
    return problems


def with_member(data: bytes, name: str, body: bytes) -> bytes:
    """The package with one more member (a second copy of a name, when it is already there)."""
    out = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about a duplicate name: that is the point
        with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info, zin.read(info))
            zout.writestr(name, body)
    return out.getvalue()


def check_duplicates(ctx: _Context) -> list[str]:
    """A zip naming the sheet twice (or twice but for case) is refused as damaged, in Dutch."""
    from formkit.register.file import refusal
    from formkit.xlsx import DamagedWorkbook, WorkbookError, WorkbookPatch

    original = ctx.original
    other = ctx.before[ctx.edits.part].replace(b"<sheetData", b"<!-- another copy --><sheetData", 1)
    problems = []
    for label, name in (("the same name", ctx.edits.part),
                        ("a name that differs only in case", ctx.edits.part.upper())):
        try:
            patch = WorkbookPatch(with_member(original, name, other), ctx.edits.sheet)
            patch.set_cells(ctx.edits.data_row, {1: "x"})
            patch.save()
        except DamagedWorkbook as exc:
            if "beschadigd" not in str(refusal(exc, "boek.xlsx")):
                problems.append(f"duplicates: refused, but not in Dutch as damaged: {refusal(exc, 'boek.xlsx')}")
        except WorkbookError as exc:
            problems.append(f"duplicates: two members with {label} refused, but not as damaged: {exc!r}")
        else:
            problems.append(f"duplicates: a zip with two members with {label} ({name}) was patched")
    return problems


# -- workbooks for particular cases ------------------------------------------------------------------

TRANSITIONAL_TO_STRICT = [  # the namespaces and relationship types Excel writes differently in Strict OOXML
    (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
    (b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
     b"http://purl.oclc.org/ooxml/officeDocument/relationships"),
    (b"http://schemas.openxmlformats.org/drawingml/2006/main", b"http://purl.oclc.org/ooxml/drawingml/main"),
]


def to_strict(data: bytes) -> bytes:
    """The workbook as Excel saves it with "Strict Open XML Spreadsheet": Strict namespaces and
    relationship types, and conformance="strict" on the workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        book = workbook_part(zip_members(data))
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename.endswith((".xml", ".rels")):
                for old, new in TRANSITIONAL_TO_STRICT:
                    body = body.replace(old, new)
                if info.filename == book:
                    body = re.sub(rb"(<(?:\w+:)?workbook\b)", rb'\1 conformance="strict"', body, count=1)
            zout.writestr(info, body)
    return out.getvalue()


def rewrite(data: bytes, change: Callable[[dict[str, bytes]], None]) -> bytes:
    """The package with its members changed in place by `change` (a new member goes at the end)."""
    members = zip_members(data)
    change(members)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, body in members.items():
            zout.writestr(name, body)
    return out.getvalue()


_STYLE_ATTRS = re.compile(rb"""\s(?:s|style)\s*=\s*["']\d+["']""")


def _worksheets(members: dict[str, bytes]) -> list[str]:
    return [part for _, kind, part in sheets(members) if kind == "worksheet" and part in members]


def without_styles(data: bytes) -> bytes:
    """No styles part at all (as some generators write): its relationship, content type and every
    style index gone."""
    def change(members: dict[str, bytes]) -> None:
        book = workbook_part(members)
        for part in related(members, book, "styles"):
            del members[part]
            members[CONTENT_TYPES] = re.sub(rb'<Override\b[^>]*PartName="/' + re.escape(part.encode()) + rb'"[^>]*/>',
                                            b"", members[CONTENT_TYPES])
        members[rels_path(book)] = re.sub(rb"<Relationship\b[^>]*/styles\"[^>]*/>", b"", members[rels_path(book)])
        for sheet in _worksheets(members):  # conditional formats point into the styles part (dxfs): gone too
            body = _STYLE_ATTRS.sub(b"", members[sheet])
            members[sheet] = re.sub(rb"<conditionalFormatting\b.*?</conditionalFormatting>", b"", body, flags=re.S)

    return rewrite(data, change)


def with_empty_cell_formats(data: bytes) -> bytes:
    """A styles part whose cellXfs is empty, and no style index in the sheets."""
    def change(members: dict[str, bytes]) -> None:
        for part in related(members, workbook_part(members), "styles"):
            members[part] = re.sub(rb"<cellXfs\b.*?</cellXfs>", b'<cellXfs count="0"/>', members[part], flags=re.S)
        for sheet in _worksheets(members):
            members[sheet] = _STYLE_ATTRS.sub(b"", members[sheet])

    return rewrite(data, change)


def without_cell_refs(data: bytes) -> bytes:
    """Cells without an r attribute wherever a cell follows the one before it (allowed, and how some
    producers write rows), in every worksheet; a cell after a gap keeps its r."""
    def change(members: dict[str, bytes]) -> None:
        for sheet in _worksheets(members):
            root = parse(members[sheet])
            for row in root.iter("{*}row"):
                previous = 0
                for cell in row.iterfind("{*}c"):
                    at = split_cell(cell.get("r") or "")
                    col = at[1] if at else previous + 1
                    if col == previous + 1:
                        cell.attrib.pop("r", None)
                    previous = col
            members[sheet] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return rewrite(data, change)


def with_wrapped_format(data: bytes, index: int = 1) -> bytes:
    """Cell format `index` wrapped in mc:AlternateContent (a Choice for an extension, and a Fallback),
    as Excel and other producers write extended formats: it still counts as one format."""
    def change(members: dict[str, bytes]) -> None:
        for part in related(members, workbook_part(members), "styles"):
            root = parse(members[part])
            xfs = root.find("{*}cellXfs")
            assert xfs is not None and len(xfs) > index
            xf = xfs[index]
            wrapper = etree.Element(f"{{{MC}}}AlternateContent", nsmap={"mc": MC, "x14ac": X14AC})
            choice = etree.SubElement(wrapper, f"{{{MC}}}Choice", Requires="x14ac")
            fallback = etree.SubElement(wrapper, f"{{{MC}}}Fallback")
            extended = parse(etree.tostring(xf))
            extended.set(f"{{{X14AC}}}extension", "1")
            choice.append(extended)
            xfs.replace(xf, wrapper)
            fallback.append(xf)
            members[part] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)

    return rewrite(data, change)


X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
MACRO_SHEET = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<xm:macrosheet '
    b'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    b'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main"><dimension ref="A1:A2"/>'
    b'<sheetViews><sheetView workbookViewId="0"/></sheetViews><sheetFormatPr defaultRowHeight="15"/><sheetData>'
    b'<row r="1"><c r="A1" t="b"><f>ALERT("hallo")</f><v>1</v></c></row>'
    b'<row r="2"><c r="A2" t="b"><f>RETURN()</f><v>1</v></c></row></sheetData></xm:macrosheet>'
)


def with_macro_sheet(data: bytes, name: str = "Macro1") -> bytes:
    """The workbook as a macro-enabled one (.xlsm) with an Excel 4.0 macro sheet after its sheets."""
    def change(members: dict[str, bytes]) -> None:
        book = workbook_part(members)
        root = parse(members[book])
        sheets_el = root.find("{*}sheets")
        assert sheets_el is not None
        ids = [int(s.get("sheetId", "0")) for s in sheets_el]
        sheet = etree.SubElement(sheets_el, f"{{{etree.QName(root).namespace}}}sheet", name=name,
                                 sheetId=str(max([0, *ids]) + 1))
        sheet.set(f"{{{REL}}}id", "rIdMacro1")
        members[book] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        members[rels_path(book)] = members[rels_path(book)].replace(
            b"</Relationships>", b'<Relationship Id="rIdMacro1" Type="http://schemas.microsoft.com/office/2006/'
            b'relationships/xlMacrosheet" Target="macrosheets/sheet1.xml"/></Relationships>')
        types = members[CONTENT_TYPES].replace(
            b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
            b"application/vnd.ms-excel.sheet.macroEnabled.main+xml")
        members[CONTENT_TYPES] = types.replace(b"</Types>", b'<Override PartName="/xl/macrosheets/sheet1.xml" '
                                               b'ContentType="application/vnd.ms-excel.macrosheet+xml"/></Types>')
        members["xl/macrosheets/sheet1.xml"] = MACRO_SHEET

    return rewrite(data, change)


# -- LibreOffice reads the new values back: every patched file of a run in one conversion ------------

@dataclass
class Case:
    """A patched workbook for the LibreOffice read-back."""

    original: bytes
    patched: bytes
    edits: Edits
    suffix: str  # ".xlsx" or ".xlsm"


@dataclass
class LibreOfficeResult:
    problems: list[str]
    note: str = ""  # e.g. LibreOffice cannot read the original either


def libreoffice_convert(files: list[tuple[str, bytes]], folder: Path, soffice: str, timeout: int) -> dict[str, bytes]:
    """LibreOffice's .xlsx copies of the files, by name, in as few runs as possible (one, normally),
    with a private profile. LibreOffice converts in order; when it stops at a file, the rest are
    converted in another run, and a file left out is tried once more on its own."""
    src, out = folder / "in", folder / "out"
    src.mkdir(parents=True, exist_ok=True)
    out.mkdir(exist_ok=True)
    paths = []
    for name, data in files:
        (src / name).write_bytes(data)
        paths.append(src / name)
    profile = (folder / "profile").resolve().as_uri()

    def run(batch: list[Path]) -> list[Path]:
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                        "--convert-to", "xlsx", "--outdir", str(out), *map(str, batch)],
                       cwd=folder, capture_output=True, timeout=timeout, check=False)
        return [p for p in batch if not (out / f"{p.stem}.xlsx").exists()]

    pending, left_out = paths, []
    while pending:
        missing = run(pending)
        left_out += missing[:1]
        pending = missing[1:]
    for path in left_out:
        run([path])
    return {p.name: (out / f"{p.stem}.xlsx").read_bytes() for p in paths if (out / f"{p.stem}.xlsx").exists()}


def _sheet_has_values(data: bytes, index: int) -> bool:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    try:
        return index < len(wb.worksheets) and any(
            v is not None for row in wb.worksheets[index].iter_rows(values_only=True) for v in row)
    finally:
        wb.close()


def libreoffice_problems(cases: list[Case], workdir: Path, soffice: str | None = None,
                         timeout: int = 1800) -> list[LibreOfficeResult]:
    """The written values as LibreOffice reads them (its .xlsx copy, read by openpyxl; the sheet by
    its position, as LibreOffice may rename a sheet). When LibreOffice cannot read a patched copy,
    its original is tried: a workbook LibreOffice cannot read at all is no fault of the patch."""
    soffice = soffice or shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise RuntimeError("LibreOffice (soffice) is needed for the read-back check")
    names = [f"{i:04d}{case.suffix}" for i, case in enumerate(cases)]
    files = [(n, c.patched) for n, c in zip(names, cases, strict=True)]
    copies = libreoffice_convert(files, workdir / "patched", soffice, timeout)
    results = []
    for name, case in zip(names, cases, strict=True):
        copy = copies.get(name)
        if copy is None:
            results.append(LibreOfficeResult(["libreoffice: could not open the patched workbook"]))
            continue
        try:
            got = openpyxl_values(copy, case.edits.index, [(e.row, e.col) for e in case.edits.cells])
        except Exception as exc:  # noqa: BLE001
            results.append(LibreOfficeResult([f"libreoffice: its copy does not read: {type(exc).__name__}: {exc}"]))
            continue
        readback = Readback.of(case.patched, case.edits)
        results.append(LibreOfficeResult([f"libreoffice: reads {e.ref} as {got[(e.row, e.col)]!r}, written {e.value!r}"
                                          for e in case.edits.cells
                                          if not readback.same(got[(e.row, e.col)], e, "libreoffice")]))
    doubtful = [i for i, r in enumerate(results) if r.problems]
    if doubtful:
        originals = libreoffice_convert([(names[i], cases[i].original) for i in doubtful], workdir / "original",
                                        soffice, timeout)
        for i in doubtful:
            copy = originals.get(names[i])
            if copy is None or not _sheet_has_values(copy, cases[i].edits.index):
                results[i] = LibreOfficeResult([], "LibreOffice cannot read the original either")
    return results


# -- the corpus -----------------------------------------------------------------------------------------

@dataclass
class Entry:
    """One row of tests/corpus/xlsx/MANIFEST.tsv."""

    file: str
    application: str
    strict: bool
    features: str
    representative: bool
    expected: str  # "written", or "refused: <WorkbookError class>: why"

    @property
    def path(self) -> Path:
        return CORPUS / self.file


def corpus(representative_only: bool = False) -> list[Entry]:
    with open(CORPUS / "MANIFEST.tsv", newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    entries = [Entry(r["file"], r["application"], r["strict"] == "yes", r["features"], r["representative"] == "yes",
                     r["expected"]) for r in rows]
    return [e for e in entries if e.representative or not representative_only]


@dataclass
class Outcome:
    status: str  # "written", "refused", "broken"
    detail: list[str]
    case: Case | None = None  # for the LibreOffice read-back
    note: str = ""
    refusal: str = ""  # "<WorkbookError class>: Dutch message"


def outcome(path: Path) -> Outcome:
    """Patch one workbook and check it: written (problems in detail: then broken), refused with a
    WorkbookError (worded by refusal(): Dutch, naming the file), or broken (any other exception)."""
    from formkit.register.file import refusal
    from formkit.xlsx import WorkbookError

    try:
        original, patched, edits = run_patch(path)
    except NoWorksheet:
        return Outcome("refused", ["no worksheet"], refusal="NoWorksheet")
    except WorkbookError as exc:
        message = str(refusal(exc, path.name))
        problems = []
        if path.name not in message or "niet" not in message:
            problems.append(f"refusal not in Dutch naming the file: {message}")
        return Outcome("broken" if problems else "refused", problems or [message],
                       refusal=f"{type(exc).__name__}: {exc}")
    except Exception as exc:  # noqa: BLE001 - the harness reports every other exception as a crash
        return Outcome("broken", [f"crash: {type(exc).__name__}: {exc}"])
    problems = check(original, patched, edits)
    return Outcome("broken" if problems else "written", problems, Case(original, patched, edits, path.suffix.lower()))


def facts(case: Case) -> set[str]:
    """What a patch did beside writing cells, for the figures of a run."""
    ctx = _Context(case.original, case.patched, case.edits)
    found = set()
    if ctx.formula_overwritten:
        found.add("formula overwritten")
    if set(ctx.calc_chains) - set(ctx.after):
        found.add("calcChain dropped")
    if any(ctx.before[t] != ctx.after.get(t) for t in ctx.tables):
        found.add("table grown")
    if ctx.tables and not any(ctx.before[t] != ctx.after.get(t) for t in ctx.tables):
        found.add("table left alone")
    if ctx.old_styles_part is None and ctx.new_styles_part is not None:
        found.add("styles part created")
    elif len(ctx.new_styles) > len(ctx.old_styles):
        found.add(f"{len(ctx.new_styles) - len(ctx.old_styles)} cell format(s) added")
    else:
        found.add("no cell format added")
    if ctx.old.dimension and ctx.new.dimension and ctx.new.dimension != ctx.old.dimension:
        found.add("dimension widened")
    if ctx.strict:
        found.add("Strict")
    return found


def main(argv: list[str] | None = None) -> int:
    """python -m tests.xlsxharness [--all] [FILE...]: figures for the corpus (or the given files)."""
    import argparse
    import time

    ap = argparse.ArgumentParser(description=main.__doc__)
    ap.add_argument("files", nargs="*")
    ap.add_argument("--all", action="store_true", help="every corpus file, not only the representative set")
    ap.add_argument("--no-lo", action="store_true", help="skip the LibreOffice read-back")
    args = ap.parse_args(argv)
    paths = [Path(f) for f in args.files] or [e.path for e in corpus(not args.all)]
    start = time.monotonic()
    results = {p: outcome(p) for p in paths}
    if not args.no_lo:
        written = [p for p, o in results.items() if o.case is not None]
        with tempfile.TemporaryDirectory() as tmp:
            lo = libreoffice_problems([results[p].case for p in written], Path(tmp))  # type: ignore[misc]
        for p, found in zip(written, lo, strict=True):
            results[p].note = found.note
            if found.problems:
                results[p].status = "broken"
                results[p].detail += found.problems
    counts = collections.Counter(o.status for o in results.values())
    done = collections.Counter(f for o in results.values() if o.case for f in facts(o.case))
    print("what the patches did:", ", ".join(f"{n} {fact}" for fact, n in sorted(done.items())))
    for p, o in results.items():
        if o.status != "written" or o.note:
            print(f"{o.status:8s} {p}: {o.refusal or o.note} {' | '.join(o.detail[:4])}")
    figures = ", ".join(f"{n} {status}" for status, n in counts.items())
    print(f"{len(paths)} files in {time.monotonic() - start:.1f} s: {figures}")
    return 0 if not counts["broken"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
