"""The rows of a worksheet's `<sheetData>`, edited without parsing the whole sheet.

A register of 20,000 rows is tens of megabytes of XML. Only the rows a write touches are parsed
(with lxml, inside a wrapper that declares the sheet's namespaces); every other row is kept as the
original bytes and spliced back unchanged. Rows and cells without an `r` attribute (allowed: they
follow the one before) get it when they are parsed, so every edited row is explicit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from formkit.xlsx.cells import ref, split_ref
from formkit.xlsx.errors import DamagedWorkbook

_PARSER = etree.XMLParser(huge_tree=True, remove_blank_text=False, resolve_entities=False)
_SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
# A row's start tag; its number at once when r is the first attribute (as Excel writes it)
_ROW_START = re.compile(rb"""<((?:[\w.-]+:)?)row\b(?:\s+r\s*=\s*["'](\d+)["'])?([^>]*?)(/?)>""")
_R_ATTR = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")
_XMLNS = re.compile(rb"""\sxmlns(?::([\w.-]+))?="([^"]*)\"""")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v|is|f)\b")


@dataclass
class SheetRows:
    """sheetData split out of a worksheet: `skeleton` is the sheet with an empty sheetData."""

    xml: bytes
    part: str = "worksheet"  # the part's path, for DamagedWorkbook
    skeleton: bytes = field(init=False)
    _body: bytes = field(init=False)
    _open: bytes = field(init=False)
    _close: bytes = field(init=False)
    _index: dict[int, tuple[int, int]] = field(init=False, default_factory=dict)  # row -> (start, end)
    _order: list[int] = field(init=False, default_factory=list)
    _touched: dict[int, etree._Element] = field(init=False, default_factory=dict)
    _wrapper: tuple[bytes, bytes] = field(init=False)

    def __post_init__(self) -> None:
        m = _SHEET_DATA.search(self.xml)
        if m is None:
            raise ValueError("no sheetData")
        prefix = m[1]
        self._close = b"</" + prefix + b"sheetData>"
        if m[2]:  # <sheetData/>
            self._open, self._body, tail_start = b"<" + prefix + b"sheetData>", b"", m.end()
        else:
            end = self.xml.find(self._close, m.end())
            if end < 0:
                raise ValueError("sheetData not closed")
            self._open, self._body, tail_start = m[0], self.xml[m.end() : end], end + len(self._close)
        self.skeleton = self.xml[: m.start()] + self._open + self._close + self.xml[tail_start:]
        self._prefix = prefix
        self._index_rows()

    def _index_rows(self) -> None:
        body, close = self._body, b"</" + self._prefix + b"row>"
        previous = 0
        pos = 0
        while True:
            # rows usually follow each other directly: a match where the last one ended, else a search
            m = _ROW_START.match(body, pos) or _ROW_START.search(body, pos)
            if m is None:
                break
            r = m[2] or (r_attr[1] if (r_attr := _R_ATTR.search(m[3])) else None)
            number = int(r) if r else previous + 1  # a row without r follows the one before
            if m[4]:
                end = m.end()
            else:
                end = body.find(close, m.end())
                if end < 0:
                    raise ValueError("row not closed")
                end += len(close)
            self._index[number] = (m.start(), end)
            self._order.append(number)
            previous, pos = number, end

    def set_namespaces(self, nsmap: dict[str | None, str]) -> None:
        """Declarations of the sheet's root, to parse fragments and to strip from their output."""
        decl = b"".join(
            (b' xmlns="%s"' % uri.encode() if p is None else b' xmlns:%s="%s"' % (p.encode(), uri.encode()))
            for p, uri in nsmap.items()
        )
        self._wrapper = (b"<" + self._prefix + b"sheetData" + decl + b">", self._close)
        self._declared = {(p.encode() if p else None, uri.encode()) for p, uri in nsmap.items()}

    @property
    def raw_body(self) -> bytes:
        """sheetData's original content, for quick scans (formulas, markers) without parsing."""
        return self._body

    @property
    def max_row(self) -> int:
        return max([*self._index, *self._touched], default=0)

    def exists(self, number: int) -> bool:
        return number in self._index or number in self._touched

    def get(self, number: int) -> etree._Element | None:
        """The row element to edit (parsed once), or None when the row is not in the sheet. A row
        holding a cell whose address is none, or lies in another row, is not edited: where would a
        write go? (DamagedWorkbook)"""
        if number in self._touched:
            return self._touched[number]
        element = self.peek(number)
        if element is not None:
            _check_cells(element, number, self.part)
            self._touched[number] = element
        return element

    def peek(self, number: int) -> etree._Element | None:
        """A parsed copy of a row, for reading only."""
        if number in self._touched:
            return self._touched[number]
        span = self._index.get(number)
        if span is None:
            return None
        fragment = self._wrapper[0] + self._body[span[0] : span[1]] + self._wrapper[1]
        row = etree.fromstring(fragment, _PARSER)[0]
        if row.get("r") is None:
            row.set("r", str(number))
        _number_cells(row, number)
        return row

    def last_used_row(self) -> int:
        """The last row holding a value, an error or a formula (0: none); rows with only formats don't count."""
        rows = set(self._order) | set(self._touched)
        for number in sorted(rows, reverse=True):
            if number in self._touched:
                if any(_holds_value(c) for c in self._touched[number].iterfind("{*}c")):
                    return number
                continue
            start, end = self._index[number]
            if _VALUE.search(self._body, start, end):  # a quick look before the row is parsed
                row = self.peek(number)
                if row is not None and any(_holds_value(c) for c in row.iterfind("{*}c")):
                    return number
        return 0

    def add(self, number: int, element: etree._Element) -> None:
        self._touched[number] = element

    def body(self) -> bytes:
        """sheetData's new content: untouched rows as they were, touched and new ones serialised."""
        return b"".join(self._pieces())

    def _pieces(self) -> list[bytes]:
        """body() in pieces: the untouched stretches of the original between the rows written anew."""
        pieces: list[bytes] = []
        pos = 0
        new_rows = sorted(n for n in self._touched if n not in self._index)
        for number in self._order:
            start, end = self._index[number]
            while new_rows and new_rows[0] < number:
                pieces += [self._body[pos:start], self._serialise(new_rows.pop(0))]
                pos = start
            if number in self._touched:
                pieces += [self._body[pos:start], self._serialise(number)]
                pos = end
        pieces.append(self._body[pos:])
        pieces += [self._serialise(n) for n in new_rows]
        return pieces

    def assemble(self, skeleton: bytes) -> bytes:
        """Put sheetData back into a (re-serialised) skeleton."""
        m = re.search(rb"<((?:[\w.-]+:)?)sheetData\s*/>|<((?:[\w.-]+:)?)sheetData>\s*</(?:[\w.-]+:)?sheetData>",
                      skeleton)
        if m is None:
            raise ValueError("skeleton lost its sheetData")
        # one join: the sheet is tens of megabytes, each concatenation would copy it again
        return b"".join([skeleton[: m.start()], self._open, *self._pieces(), self._close, skeleton[m.end() :]])

    def _serialise(self, number: int) -> bytes:
        text = etree.tostring(self._touched[number])
        head_end = text.index(b">")
        head = _XMLNS.sub(
            lambda m: b"" if (m[1], m[2]) in self._declared else m[0], text[:head_end]
        )
        return head + text[head_end:]


def _holds_value(cell: etree._Element) -> bool:
    return any(etree.QName(child).localname in ("v", "is", "f") for child in cell if isinstance(child.tag, str))


def _number_cells(row: etree._Element, number: int) -> None:
    """Give cells without `r` their address: each follows the cell before it."""
    column = 0
    for cell in row.findall("{*}c"):
        given = cell.get("r")
        if given:
            try:
                column = split_ref(given)[1]
            except ValueError:
                continue  # no address: _check_cells refuses the row before it is edited
        else:
            column += 1
            cell.set("r", ref(number, column))


def _check_cells(row: etree._Element, number: int, part: str) -> None:
    for cell in row.iterfind("{*}c"):
        given = cell.get("r") or ""
        try:
            at_row = split_ref(given)[0]
        except ValueError:
            raise DamagedWorkbook(part, f"has an invalid cell address {given!r} in row {number}") from None
        if at_row != number:
            raise DamagedWorkbook(part, f"has cell {given} inside row {number}")
