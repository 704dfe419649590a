"""Reading the complaints register: the `Klachten` sheet, columns found by header, typed values.

Reads go through python-calamine (fast, no full openpyxl load). Unreadable dates become
`Problem`s with their cell address; they are reported, never guessed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from formkit.columns import BY_HEADER, COLUMNS, SHEET_NAME, column_letter, normalise_header
from formkit.dates import DateParseError, dutch_short, to_date
from formkit.errors import DuplicateNumberError, RegisterError, UnknownNumberError
from formkit.model import Complaint, Problem

NUMBER_RE = re.compile(r"^K-(\d{4})-(\d{3,})$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEEDS_CLEANING = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # \r and control characters


@dataclass
class Register:
    """The register as read: complaints plus where every column and row is."""

    path: Path
    sheet_name: str
    complaints: list[Complaint]
    columns: dict[str, int]  # column key -> 0-based column index
    extra_columns: dict[str, int]  # staff's own headers (as written) -> column index
    last_row: int  # last worksheet row holding anything (1 = header only)
    date1904: bool = False
    duplicates: dict[str, list[int]] = field(default_factory=dict)

    def find(self, number: str) -> Complaint | None:
        """The complaint with this number; refuses when the number is on several rows."""
        wanted = normalise_number(number)
        rows = self.duplicates.get(wanted)
        if rows:
            listed = " en ".join(str(r) for r in rows)
            raise DuplicateNumberError(
                f"{self.path.name}: klachtnummer {wanted} staat op meer dan één rij (rij {listed}). "
                "Maak de nummers eerst uniek."
            )
        return next((c for c in self.complaints if normalise_number(c.number or "") == wanted), None)

    def get(self, number: str) -> Complaint:
        """Like find(), but an unknown number is an error naming it."""
        found = self.find(number)
        if found is None:
            raise UnknownNumberError(f"Klachtnummer {normalise_number(number)} staat niet in {self.path.name}.")
        return found

    def cell(self, key: str, row: int) -> str:
        """Cell address such as 'B7' of a column key on a row."""
        return f"{column_letter(self.columns[key])}{row}"

    def next_number(self, year: int) -> str:
        """The next free Klachtnummer K-YYYY-NNN of a year."""
        highest = 0
        for c in self.complaints:
            m = NUMBER_RE.match(normalise_number(c.number or ""))
            if m and int(m[1]) == year:
                highest = max(highest, int(m[2]))
        return f"K-{year}-{highest + 1:03d}"


def normalise_number(number: str) -> str:
    return "".join(str(number).split()).upper()


def read_register(path: Path, data: bytes | None = None) -> Register:
    """Read the register at `path` (or from `data`, the bytes of that file)."""
    path = Path(path)
    if data is None:
        if not path.exists():
            raise RegisterError(
                f"Het register {path} bestaat niet. Maak een werkmap met 'formkit init' of geef --register op."
            )
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise RegisterError(f"Het register {path} is niet te openen: {exc.strerror or exc}.") from None
    date1904 = _is_date1904(path, data)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise RegisterError(f"{path.name} is geen leesbaar Excel-bestand (.xlsx): {exc}.") from None
    sheet_name = next((n for n in names if n.strip().lower() == SHEET_NAME.lower()), None)
    if sheet_name is None:
        raise RegisterError(
            f"{path.name} heeft geen tabblad '{SHEET_NAME}' (wel: {', '.join(names) or 'geen'})."
        )
    try:
        grid = workbook.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise RegisterError(f"{path.name}: tabblad '{sheet_name}' is niet te lezen: {exc}.") from None
    return _build(path, sheet_name, grid, date1904)


def _is_date1904(path: Path, data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            xml = zf.read("xl/workbook.xml")
    except (zipfile.BadZipFile, KeyError, OSError):
        raise RegisterError(f"{path.name} is geen leesbaar Excel-bestand (.xlsx).") from None
    m = re.search(rb"<(?:\w+:)?workbookPr\b[^>]*\bdate1904\s*=\s*[\"'](1|true)[\"']", xml)
    return m is not None


def _build(path: Path, sheet_name: str, grid: list[list], date1904: bool) -> Register:
    header = grid[0] if grid else []
    columns: dict[str, int] = {}
    extra: dict[str, int] = {}
    for index, text in enumerate(header):
        norm = normalise_header(text)
        if not norm:
            continue
        column = BY_HEADER.get(norm)
        if column is None:
            extra[str(text).strip()] = index
        elif column.key in columns:
            raise RegisterError(
                f"{path.name}: de kolom '{column.header}' staat twee keer in rij 1 "
                f"(kolom {column_letter(columns[column.key])} en {column_letter(index)})."
            )
        else:
            columns[column.key] = index
    missing = [c.header for c in COLUMNS if c.key not in columns]
    if missing:
        raise RegisterError(
            f"{path.name}: tabblad '{sheet_name}' mist de kolom(men) {', '.join(repr(m) for m in missing)} "
            "in rij 1. Voeg ze toe (de naam telt, niet de plaats)."
        )
    complaints: list[Complaint] = []
    last_row = 1
    wanted = [(c.key, c.kind, c.header, columns[c.key]) for c in COLUMNS]
    for offset, values in enumerate(grid[1:], start=2):
        if any(v not in ("", None) for v in values):
            last_row = offset
        complaint = _complaint(offset, values, wanted, date1904)
        if complaint is not None:
            complaints.append(complaint)
    duplicates: dict[str, list[int]] = {}
    seen: dict[str, int] = {}
    for c in complaints:
        if not c.number:
            continue
        key = normalise_number(c.number)
        if key in seen:
            duplicates.setdefault(key, [seen[key]]).append(c.row)
        else:
            seen[key] = c.row
    return Register(path, sheet_name, complaints, columns, extra, last_row, date1904, duplicates)


def _complaint(row: int, values: list, wanted: list, date1904: bool) -> Complaint | None:
    width = len(values)
    found: dict[str, object] = {}
    problems: list[Problem] = []
    for key, kind, header, index in wanted:
        raw = values[index] if index < width else ""
        if raw == "" or raw is None:
            continue
        if kind == "date":
            if type(raw) is dt.date:
                found[key] = raw
                continue
            try:
                found[key] = to_date(raw, date1904)
            except DateParseError as exc:
                problems.append(Problem(header, f"{column_letter(index)}{row}", str(exc)))
        elif type(raw) is str and not _NEEDS_CLEANING.search(raw):  # the common case, kept fast
            found[key] = raw.strip() or None
        else:
            found[key] = as_text(raw, date1904)
    if not found and not problems:
        return None
    return Complaint(row=row, problems=problems, **found)


def as_text(value: object, date1904: bool = False) -> str | None:
    """A cell value as text: numbers without '.0', dates as dd-mm-jjjj, newlines as \\n."""
    if value is None:
        return None
    if isinstance(value, bool):
        text = "ja" if value else "nee"
    elif isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
    elif isinstance(value, dt.datetime):
        text = dutch_short(value.date())
    elif isinstance(value, dt.date):
        text = dutch_short(value)
    else:
        text = str(value)
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # calamine decodes _x000D_ to \r
    text = _CONTROL.sub("", text).strip()
    return text or None
