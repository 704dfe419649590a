"""Registers with odd content for the fuzz tests, built the way staff and their tools make them.

openpyxl builds the workbook; `edit_sheet` puts in XML only Excel writes (shared formulas, error
cells); `encrypted_xlsx` and `damaged_variants` make files that are no readable register at all.
"""

from __future__ import annotations

import datetime as dt
import io
import random
import re
import struct
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.cell.rich_text import CellRichText
from openpyxl.worksheet.formula import ArrayFormula

from formkit.register.columns import COLUMNS, column_letter

HEADERS = [c.header for c in COLUMNS]
KEYS = [c.key for c in COLUMNS]
STAFF = "Eigen kolom"


def col(key: str) -> int:
    """0-based column of a register key in the standard layout."""
    return KEYS.index(key)


def ref(key: str, row: int) -> str:
    return f"{column_letter(col(key))}{row}"


def base(rows: int = 3) -> openpyxl.Workbook:
    """A plain register: K-2026-001.. with a date, a name, a description and a staff column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Klachten"
    ws.append([*HEADERS, STAFF])
    for i in range(1, rows + 1):
        values = [None] * (len(HEADERS) + 1)
        values[col("number")] = f"K-2026-{i:03d}"
        values[col("received")] = dt.date(2026, 11, i)
        values[col("name")] = f"Naam {i}"
        values[col("description")] = f"Klacht {i}"
        values[-1] = f"eigen {i}"
        ws.append(values)
        ws.cell(row=i + 1, column=col("received") + 1).number_format = "dd-mm-yyyy"
    return wb


def save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def edit_sheet(path: Path, change) -> Path:
    """Rewrite xl/worksheets/sheet1.xml with change(xml text), e.g. to put in Excel-only XML."""
    source = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = change(body.decode("utf-8")).encode("utf-8")
            target.writestr(info, body)
    path.write_bytes(out.getvalue())
    return path


def cell_xml(xml: str, address: str, inner: str, attrs: str = "") -> str:
    """Replace the content of one <c> (keeping its r and s) with inner XML."""
    pattern = re.compile(rf'<c r="{address}"([^>]*?)(?:/>|>.*?</c>)', re.S)
    match = pattern.search(xml)
    assert match, f"cell {address} not in sheet"
    kept = re.sub(r'\s+t="[^"]*"', "", match[1])
    return xml[: match.start()] + f'<c r="{address}"{kept}{attrs}>{inner}</c>' + xml[match.end():]


def snapshot(path: Path) -> dict[tuple[str, str], object]:
    """Every non-empty cell of every sheet as openpyxl sees it (formulas as text)."""
    wb = openpyxl.load_workbook(path)
    cells: dict[tuple[str, str], object] = {}
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                value = cell.value
                if isinstance(value, ArrayFormula):
                    value = ("array", value.ref, value.text)
                elif isinstance(value, CellRichText):
                    value = str(value)
                if value is not None:
                    cells[(ws.title, cell.coordinate)] = value
    return cells


def encrypted_xlsx(path: Path) -> Path:
    """An OLE2 compound file with EncryptionInfo and EncryptedPackage: how Excel stores a password file."""
    sector = 512
    info = struct.pack("<HHI", 4, 4, 0x40) + b"\x00" * (4096 - 8)  # agile encryption header, padded
    package = struct.pack("<Q", 9000) + bytes(range(256)) * 32
    streams = [("EncryptionInfo", info), ("EncryptedPackage", package)]
    fat = [0xFFFFFFFD, 0xFFFFFFFE]  # sector 0: the FAT itself, sector 1: the directory
    starts = []
    for _, body in streams:
        count = -(-len(body) // sector)
        starts.append(len(fat))
        fat += [len(fat) + i + 1 for i in range(count - 1)] + [0xFFFFFFFE]
    fat += [0xFFFFFFFF] * (sector // 4 - len(fat))

    def entry(name: str, kind: int, start: int, size: int, child: int = 0xFFFFFFFF, right: int = 0xFFFFFFFF) -> bytes:
        raw = name.encode("utf-16-le") + b"\x00\x00"
        return (raw.ljust(64, b"\x00") + struct.pack("<HBB3I", len(raw), kind, 1, 0xFFFFFFFF, right, child)
                + b"\x00" * 36 + struct.pack("<IQ", start, size))

    directory = (entry("Root Entry", 5, 0xFFFFFFFE, 0, child=1) + entry("EncryptionInfo", 2, starts[0], len(info), right=2)
                 + entry("EncryptedPackage", 2, starts[1], len(package)) + b"\x00" * 128)
    difat = [0] + [0xFFFFFFFF] * 108
    header = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 16
              + struct.pack("<HHHHH6xIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, 0, 1, 1, 0, 4096, 0xFFFFFFFE, 0, 0xFFFFFFFE, 0)
              + struct.pack("<109I", *difat))
    body = b"".join(b.ljust(-(-len(b) // sector) * sector, b"\x00") for _, b in streams)
    path.write_bytes(header + struct.pack(f"<{sector // 4}I", *fat) + directory + body)
    return path


def csv_rows(path: Path):
    import csv

    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        yield from csv.reader(fh)


def damaged_variants(good: bytes, count: int, seed: int):
    """Byte flips, truncations, zeroed runs and duplicated slices of a register (stored and deflated)."""
    source = zipfile.ZipFile(io.BytesIO(good))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as stored:  # flips then land in XML text too
        for info in source.infolist():
            stored.writestr(info.filename, source.read(info.filename))
    originals = (good, out.getvalue())
    rng = random.Random(seed)
    for n in range(count):
        data = bytearray(originals[n % 2])
        mode = rng.choice(("flip", "truncate", "zero", "duplicate"))
        at = rng.randrange(len(data))
        if mode == "flip":
            for _ in range(rng.randint(1, 8)):
                data[rng.randrange(len(data))] = rng.randrange(256)
        elif mode == "truncate":
            del data[at:]
        elif mode == "zero":
            size = min(rng.randint(1, 200), len(data) - at)
            data[at : at + size] = bytes(size)
        else:
            start = rng.randrange(len(data))
            data[at:at] = data[start : start + rng.randint(1, 100)]
        yield mode, bytes(data)


def docx_text(path: Path) -> str:
    """All text of a Word document: body, tables (also nested), headers and footers."""
    import docx

    document = docx.Document(str(path))
    parts: list[str] = []

    def walk(container) -> None:
        parts.extend(p.text for p in container.paragraphs)
        for table in container.tables:
            for row in table.rows:
                for cell in row.cells:
                    walk(cell)

    walk(document)
    for section in document.sections:
        walk(section.header)
        walk(section.footer)
    return "\n".join(parts)
