"""Reading a large worksheet on two cores, in parts, while the caller builds on the parts read.

python-calamine parses a sheet in Rust without holding Python's lock, but on one core and only
the whole sheet at once. A register of 20,000 rows is a 25-30 MB sheet. For such a sheet formkit
inflates the XML itself, in two halves, and hands each half to a thread of its own. That thread
cuts its half at row boundaries into parts of about PART_SIZE, puts them as sheets into one small
in-memory workbook (beside the original's styles and shared strings, which are parsed once per
thread) and parses them one after the other. The caller turns each part into complaints as soon
as it is parsed. Half one is being parsed while half two is still being inflated.

The rows come out as calamine gives them for the whole sheet: the tests compare both ways on
every kind of register the test suite has. A sheet whose XML is unusual (comments or CDATA, which
may hide "<row"; rows without r=""; a damaged part) raises `Unsplittable`, and the caller reads
it whole, the usual way.
"""

from __future__ import annotations

import io
import os
import queue
import re
import threading
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

import python_calamine

from formkit.register.file import ZIP_ERRORS, error_cells_in, workbook_relationships

PART_SIZE = 1 << 20  # bytes of sheet XML per part: the caller starts on part one early
MIN_SIZE = 8 << 20  # a smaller sheet (under about 6,000 rows) is read whole
_DONE = object()

_SHEET_DATA = re.compile(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>")
_ROW_NUMBER = re.compile(rb"""\sr\s*=\s*["'](\d+)["']""")
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PACKAGE_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


class Unsplittable(Exception):
    """This sheet is read whole instead (the reason is for developers, not shown to users)."""


@dataclass
class GridPart:
    """Consecutive worksheet rows as calamine gives them, each starting at column A."""

    first_row: int  # 1-based worksheet row of rows[0]
    rows: list[list]
    errors: dict[int, dict[int, str]]  # Excel error cells in these rows (see registerfile)


def worth_splitting(package: zipfile.ZipFile, member: str) -> bool:
    """A large sheet, and a second core to parse on (on one core the parts only add work)."""
    if (os.cpu_count() or 1) < 2:
        return False
    try:
        return package.getinfo(member).file_size >= MIN_SIZE
    except KeyError:
        return False


def read_parts(package: zipfile.ZipFile, member: str, date1904: bool) -> Iterator[GridPart]:
    """The sheet's rows part by part, in order; the first part starts at A1 (the header)."""
    shared = _shared_parts(package)
    size = package.getinfo(member).file_size
    halves: list[tuple[queue.SimpleQueue, threading.Thread]] = []
    try:
        with package.open(member) as stream:
            data = stream.read(size // 2)
            # half one ends at the last row that starts in it; it needs <sheetData> and a row
            while (half := _first_half(data)) is None:
                if not (more := stream.read(PART_SIZE)):
                    raise Unsplittable("no <sheetData> with rows to cut")
                data += more
            found, cut = half
            prefix = found[1]
            tags = (b"<" + prefix + b"row", b"</" + prefix + b"sheetData>", b"</" + prefix + b"worksheet>")
            head = data[:found.end()]
            halves.append(_start(head, data[found.end():cut], None, tags, shared, date1904, first=True))
            rest = data[cut:] + stream.read()
            del data
    except ZIP_ERRORS as exc:
        raise Unsplittable(f"the sheet cannot be inflated: {exc}") from None
    end = rest.rfind(tags[1])
    if end < 0:
        raise Unsplittable("no </sheetData>")
    halves.append(_start(head, rest[:end], rest[end:], tags, shared, date1904, first=False))
    del rest  # the threads hold what they need, and let go of it part by part
    for results, thread in halves:
        while (item := results.get()) is not _DONE:
            if isinstance(item, Unsplittable):
                raise item
            yield item
        thread.join()


def _first_half(data: bytes) -> tuple[re.Match, int] | None:
    """(the <sheetData> tag, offset of the last row start after the first row) in `data`."""
    found = _SHEET_DATA.search(data)
    if found is None:
        return None
    if found[2]:
        raise Unsplittable("an empty <sheetData/>")
    row_tag = b"<" + found[1] + b"row"
    first = _next_row_start(data, row_tag, found.end())
    last = _last_row_start(data, row_tag) if first else 0
    return (found, last) if last > first else None


def _start(head: bytes, rows: bytes, tail: bytes | None, tags: tuple[bytes, bytes, bytes],
           shared: dict[str, bytes], date1904: bool, first: bool) -> tuple[queue.SimpleQueue, threading.Thread]:
    results: queue.SimpleQueue = queue.SimpleQueue()
    rows_box = [rows]  # in a box, so the thread can drop the rows once cut (a Thread keeps its args)
    thread = threading.Thread(target=_parse_half, args=(head, rows_box, tail, tags, shared, date1904, first, results),
                              daemon=True)
    thread.start()
    return results, thread


def _parse_half(head: bytes, rows_box: list[bytes], tail: bytes | None, tags: tuple[bytes, bytes, bytes],
                shared: dict[str, bytes], date1904: bool, first: bool, results: queue.SimpleQueue) -> None:
    """In a thread: cut a run of rows into parts, parse them in order, put each on `results`."""
    try:
        rows = rows_box.pop()
        _refuse_declarations(rows)
        row_tag, end_tag, worksheet_end = tags
        cuts = [0]
        while (at := _next_row_start(rows, row_tag, cuts[-1] + PART_SIZE)) > 0:
            cuts.append(at)
        cuts.append(len(rows))
        sheets, errors = [], []
        for a, b in zip(cuts, cuts[1:]):
            piece = rows[a:b]
            errors.append(error_cells_in(piece))
            # the last part of the sheet keeps the real tail (merged cells)
            sheets.append(head + piece + (tail if tail is not None and b == len(rows) else end_tag + worksheet_end))
        del rows, piece
        workbook = _workbook(shared, sheets, date1904)
        del sheets
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(workbook))
        del workbook  # calamine keeps its own copy
        for number, found in enumerate(errors):
            sheet = book.get_sheet_by_name(f"p{number}")
            if first and number == 0:  # exactly as a whole read: from A1
                start, grid = (0, 0), sheet.to_python(skip_empty_area=False)
            elif sheet.start is None:  # no cell with a value
                start, grid = (0, 0), []
            else:
                start, grid = sheet.start, sheet.to_python(skip_empty_area=True)
            if start[1]:
                grid = [[""] * start[1] + r for r in grid]
            results.put(GridPart(start[0] + 1, grid, found))
    except Unsplittable as exc:
        results.put(exc)
    except Exception as exc:  # calamine raises its own error types
        results.put(Unsplittable(f"calamine cannot read a part: {exc}"))
    results.put(_DONE)


def _shared_parts(package: zipfile.ZipFile) -> dict[str, bytes]:
    """The original's styles (number formats make dates) and shared strings, by kind."""
    try:
        found = {}
        for relationship in workbook_relationships(package.read("xl/_rels/workbook.xml.rels")):
            kind = relationship.get("Type", "").rsplit("/", 1)[-1]
            if kind in ("styles", "sharedStrings") and not relationship.get("TargetMode"):
                found[kind] = package.read(relationship["path"])
        return found
    except ZIP_ERRORS as exc:
        raise Unsplittable(f"a workbook part is unreadable: {exc}") from None


def _workbook(shared: dict[str, bytes], sheets: list[bytes], date1904: bool) -> bytes:
    """A stored (not compressed) workbook holding `sheets` as p0, p1, ... with the original's
    styles, shared strings and date system."""
    numbers = range(len(sheets))
    listed = "".join(f'<sheet name="p{n}" sheetId="{n + 1}" r:id="rIdP{n}"/>' for n in numbers)
    links = "".join(f'<Relationship Id="rIdP{n}" Type="{_REL}/worksheet" Target="worksheets/p{n}.xml"/>'
                    for n in numbers)
    links += "".join(f'<Relationship Id="rId{kind}" Type="{_REL}/{kind}" Target="{kind}.xml"/>' for kind in shared)
    overrides = "".join(f'<Override PartName="/xl/worksheets/p{n}.xml" ContentType="{_SHEET_TYPE}"/>'
                        for n in numbers)
    system = ' date1904="1"' if date1904 else ""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as book:
        book.writestr("[Content_Types].xml", (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
            '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
            'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            f'spreadsheetml.sheet.main+xml"/>{overrides}</Types>'))
        book.writestr("_rels/.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE_REL}"><Relationship '
            f'Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        book.writestr("xl/workbook.xml", (
            '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
            f'spreadsheetml/2006/main" xmlns:r="{_REL}"><workbookPr{system}/><sheets>{listed}</sheets>'
            '</workbook>'))
        book.writestr("xl/_rels/workbook.xml.rels", (
            f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{_PACKAGE_REL}">{links}'
            '</Relationships>'))
        for kind, data in shared.items():
            book.writestr(f"xl/{kind}.xml", data)
        for n, xml in enumerate(sheets):
            book.writestr(f"xl/worksheets/p{n}.xml", xml)
    return buffer.getvalue()


def _refuse_declarations(xml: bytes) -> None:
    """A comment or CDATA section ("<!") may hold text that looks like a row; found through the
    rare "!" (a one-byte search is fast, "<!" is not: "<" is everywhere)."""
    at = xml.find(b"!")
    while at > 0:
        if xml[at - 1] == ord("<"):
            raise Unsplittable("comment or CDATA in the sheet")
        at = xml.find(b"!", at + 1)


def _is_row_start(xml: bytes, at: int, row_tag: bytes) -> bool:
    """Whether `row_tag` at `at` opens a <row> element (not <rowBreaks>); it must carry r=""."""
    after = xml[at + len(row_tag): at + len(row_tag) + 1]
    close = xml.find(b">", at)
    if after not in (b" ", b"\t", b"\r", b"\n", b">", b"/") or close < 0:
        return False
    if not _ROW_NUMBER.search(xml, at, close):
        raise Unsplittable("a row without r=")  # calamine would number the part's rows from 1
    return True


def _last_row_start(xml: bytes, row_tag: bytes) -> int:
    """Offset of the last complete <row ...> start tag in `xml` (0 when none)."""
    end = len(xml)
    while (at := xml.rfind(row_tag, 0, end)) >= 0:
        if _is_row_start(xml, at, row_tag):
            return at
        end = at
    return 0


def _next_row_start(xml: bytes, row_tag: bytes, at: int) -> int:
    """Offset of the first <row ...> start tag from `at` on (0 when none)."""
    while at < len(xml) and (at := xml.find(row_tag, at)) >= 0:
        if _is_row_start(xml, at, row_tag):
            return at
        at += len(row_tag)
    return 0
