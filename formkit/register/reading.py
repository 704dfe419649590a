"""Reading the complaints register: the `Klachten` sheet, columns found by header, typed values.

Reads go through python-calamine (fast, no full openpyxl load). Unreadable dates and Excel error
values (#N/A) become `Problem`s with their cell address; they are reported, never guessed.
Headers must stand in row 1 (SPEC.md): headers found lower down (under a title) are refused with
a message saying which row they are in, because every write relies on row 1 being the header.
A sheet named 'klachten ' or 'KLACHTEN' is accepted when no sheet is named exactly 'Klachten'.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import python_calamine

from formkit.dates import dutch_short
from formkit.errors import DestroyedComplaint, DuplicateNumberError, Hint, RegisterError, UnknownNumberError
from formkit.register import rows as registerrows
from formkit.register.columns import BY_HEADER, COLUMNS, SHEET_NAME, column_letter, normalise_header
from formkit.register.destroyed import LOG_NAME, destroyed_numbers
from formkit.register.file import check_kind, error_cells
from formkit.register.model import Complaint
from formkit.register.rows import Errors
from formkit.words import and_list
from formkit.xlsx.errors import WorkbookError
from formkit.xlsx.package import Package

NUMBER_RE = re.compile(r"^K-(\d{4})-(\d{3,})$")
HEADER_SEARCH_ROWS = 20  # how far down a misplaced header row is looked for (for the message)


@dataclass
class Register:
    """The register as read: where every column and row is, and its complaints.

    The sheet is read once, whole; its rows become complaints as they are asked for, through the
    one conversion of `formkit.register.rows`: `find`/`get` convert only the row of the number
    asked for (by an index of the Klachtnummer column), `complaints` every row on first use. A
    complaint is built once: what `get` gave is the same object in `complaints`, with whatever
    was changed on it. Once every complaint is built, the sheet's cells are let go.
    """

    path: Path
    sheet_name: str
    columns: dict[str, int]  # column key -> 0-based column index
    extra_columns: dict[str, int]  # staff's own headers (as written) -> column index
    last_row: int  # last worksheet row holding anything (1 = header only)
    date1904: bool = False
    duplicates: dict[str, list[int]] = field(default_factory=dict)
    extra_values: dict[int, dict[str, object]] = field(default_factory=dict)  # row -> staff column -> value
    # Rows whose Klachtnummer is not a complaint number (a note, "K-2026/010"): (row, text). They are
    # no complaints: nothing is made, marked or filed for them; `controle` reports each once.
    odd_rows: list[tuple[int, str]] = field(default_factory=list)
    destroyed: dict[str, dt.date | None] = field(default_factory=dict)  # number -> day (vernietigingslog.csv)
    data: bytes = b""  # the file's bytes as read: a write compares them with the file under its lock
    # The package of `data` as read (its sheet part already read for the error cells): a write of
    # these same bytes patches it instead of reading every part again.
    package: Package | None = field(default=None, repr=False, compare=False)
    grid: list[list] | None = field(default=None, repr=False, compare=False)  # the sheet's rows, header first
    errors: Errors = field(default_factory=dict, repr=False, compare=False)  # Excel error cells by row
    numbers: dict[str, int] = field(default_factory=dict, repr=False, compare=False)  # number -> its first row
    _built: dict[int, Complaint] = field(default_factory=dict, init=False, repr=False, compare=False)
    _all: list[Complaint] | None = field(default=None, init=False, repr=False, compare=False)
    _scan: bool = field(default=False, init=False, repr=False, compare=False)  # numbers changed: no index

    @property
    def complaints(self) -> list[Complaint]:
        """Every complaint in row order (rows holding nothing and odd numbers are none)."""
        if self._all is None:
            odd = {row for row, _ in self.odd_rows}
            built = self._built
            fresh = registerrows.complaints((self.grid or [])[1:], 2, self.columns, self.date1904, self.errors)
            self._all = [built.get(c.row, c) for c in fresh if c.row not in odd]  # one object per row
            self.grid = None  # every complaint is built: the cells are not needed any more
        return self._all

    def add(self, complaint: Complaint) -> None:
        """A complaint appended to the sheet (by a write) joins the register's complaints."""
        self.complaints.append(complaint)
        self._built[complaint.row] = complaint
        number = normalise_number(complaint.number or "")
        if NUMBER_RE.match(number):
            self.numbers.setdefault(number, complaint.row)

    def renumbered(self) -> None:
        """A complaint's Klachtnummer was changed in place (by a write): from now on numbers are looked
        up in the complaints themselves, as they are now."""
        self._scan = True

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
        if self._scan or not NUMBER_RE.match(wanted):  # not in the index (a complaint without a number: "")
            return next((c for c in self.complaints if normalise_number(c.number or "") == wanted), None)
        row = self.numbers.get(wanted)
        return None if row is None else self._complaint_at(row)

    def get(self, number: str) -> Complaint:
        """Like find(), but an unknown number is an error naming it."""
        found = self.find(number)
        if found is None:
            raise UnknownNumberError(f"Klachtnummer {normalise_number(number)} staat niet in {self.path.name}.")
        return found

    def _complaint_at(self, row: int) -> Complaint:
        """The complaint of a row the number index names, built now when it is not yet."""
        found = self._built.get(row)
        if found is not None:
            return found
        if self.grid is None:  # every complaint is built: look them up by row from now on
            self._built = {c.row: c for c in self.complaints}
            return self._built[row]
        errors = {row: self.errors[row]} if row in self.errors else {}
        found = registerrows.complaints(self.grid[row - 1 : row], row, self.columns, self.date1904, errors)[0]
        self._built[row] = found
        return found

    def is_destroyed(self, number: str) -> bool:
        return normalise_number(number) in self.destroyed

    def refuse_destroyed(self, numbers: Iterable[str], what: str) -> None:
        """Refuse an action on destroyed complaints, naming each and the day it was destroyed."""
        gone = [normalise_number(n) for n in numbers if self.is_destroyed(n)]
        if not gone:
            return
        days = [f"{n} (vernietigd op {dutch_short(d)})" if (d := self.destroyed[n]) else f"{n} (vernietigd)"
                for n in gone]
        which = f"Klacht {days[0]} is" if len(days) == 1 else f"De klachten {and_list(days)} zijn"
        raise DestroyedComplaint(f"{which} vernietigd volgens {LOG_NAME}; formkit maakt er geen {what} meer "
                                 "voor en schrijft er geen gegevens meer in.")

    def cell(self, key: str, row: int) -> str:
        """Cell address such as 'B7' of a column key on a row."""
        return f"{column_letter(self.columns[key])}{row}"

    def next_number(self, year: int) -> str:
        """The next free Klachtnummer K-YYYY-NNN of a year."""
        highest = 0
        numbers = (normalise_number(c.number or "") for c in self.complaints) if self._scan else self.numbers
        for number in numbers:  # every complaint number, appended ones too
            m = NUMBER_RE.match(number)
            if m and int(m[1]) == year:
                highest = max(highest, int(m[2]))
        return f"K-{year}-{highest + 1:03d}"


def normalise_number(number: str) -> str:
    return "".join(str(number).split()).upper()


def read_register(path: Path, data: bytes | None = None) -> Register:
    """Read the register at `path` (or from `data`, the bytes of that file): the whole sheet, once."""
    path = Path(path)
    if data is None:
        data = read_bytes(path)
    package = check_kind(path, data)
    date1904 = _is_date1904(path, package)
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = workbook.sheet_names
    except Exception as exc:  # calamine raises its own error types for damaged files
        raise RegisterError(f"{path.name} is geen leesbaar Excel-bestand (.xlsx): {exc}.") from None
    sheet_name = _choose_sheet(path, names)
    try:
        sheet = workbook.get_sheet_by_name(sheet_name)
        grid = sheet.to_python(skip_empty_area=False)
    except Exception as exc:
        raise RegisterError(f"{path.name}: tabblad '{sheet_name}' is niet te lezen: {exc}.") from None
    errors = error_cells(package, sheet_name)  # calamine shows error cells (#N/A) as empty
    register = _build(path, sheet_name, grid, date1904, errors, lambda: _header_merges(sheet))
    register.data = data
    register.package = package
    register.destroyed = destroyed_numbers(path)
    return register


def read_bytes(path: Path) -> bytes:
    """The register file's bytes, or a Dutch refusal saying why they cannot be had."""
    if not path.exists():
        raise RegisterError(f"Het register {path} bestaat niet.", Hint.INIT)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RegisterError(f"Het register {path} is niet te openen: {exc.strerror or exc}.") from None


def _choose_sheet(path: Path, names: list[str]) -> str:
    """The sheet named Klachten; a trailing space or other case is accepted when unambiguous."""
    if SHEET_NAME in names:
        return SHEET_NAME
    close = [n for n in names if n.strip().lower() == SHEET_NAME.lower()]
    if len(close) == 1:
        return close[0]
    shown = ", ".join(f"'{n}'" for n in (close or names)) or "geen"
    if close:
        raise RegisterError(f"{path.name} heeft meer dan één tabblad met de naam '{SHEET_NAME}' ({shown}). "
                            f"Geef alleen het tabblad met de klachten de naam '{SHEET_NAME}'.")
    raise RegisterError(f"{path.name} heeft geen tabblad '{SHEET_NAME}' (wel: {shown}). "
                        f"Geef het tabblad met de klachten de naam '{SHEET_NAME}'.")


def _header_merges(sheet: python_calamine.CalamineSheet) -> list[str]:
    """Merged ranges that touch row 1 ('B1:C1'), for the message about a missing column."""
    try:
        ranges = sheet.merged_cell_ranges or []
    except Exception:
        return []
    return [f"{column_letter(a[1])}{a[0] + 1}:{column_letter(b[1])}{b[0] + 1}" for a, b in ranges if a[0] == 0]


def _is_date1904(path: Path, package: Package) -> bool:
    try:
        return package.date1904
    except WorkbookError:
        raise RegisterError(f"{path.name} is beschadigd: het onderdeel met de tabbladen (workbook.xml) is niet "
                            "te lezen.") from None


def _build(
    path: Path,
    sheet_name: str,
    grid: list[list],
    date1904: bool,
    errors: Errors | None = None,
    header_merges: Callable[[], list[str]] = list,
) -> Register:
    header = grid[0] if grid else []
    columns, extra = _columns(path, header)
    missing = [c.header for c in COLUMNS if c.key not in columns]
    if missing:
        raise RegisterError(_missing_message(path, sheet_name, grid, missing, header_merges()))
    errors = errors or {}
    # Only the Klachtnummer column is converted now (as complaints() converts it): the complaints
    # themselves are built when they are asked for.
    texts = registerrows.column_values(grid[1:], 2, "number", columns, date1904)
    numbers, odd, duplicates = _index(texts)
    return Register(path, sheet_name, columns, extra, max(1, registerrows.last_row(grid, 1, errors)), date1904,
                    duplicates, _extra_values(grid, extra), odd_rows=odd, grid=grid, errors=errors, numbers=numbers)


def _index(texts: list[str | None]) -> tuple[dict[str, int], list[tuple[int, str]], dict[str, list[int]]]:
    """The rows of the Klachtnummer column's texts (the first row is 2): each complaint number's
    first row, the rows holding something else, and the numbers on more than one row."""
    first = {text: row for text, row in zip(texts, range(2, len(texts) + 2), strict=True) if text is not None}
    if len(first) + texts.count(None) == len(texts) and all(map(NUMBER_RE.fullmatch, first)):
        return first, [], {}  # the usual register: every number written as one, each on one row
    odd: list[tuple[int, str]] = []  # rows whose Klachtnummer cell holds something else
    by_number: dict[str, list[int]] = {}
    for row, text in enumerate(texts, start=2):
        if text:
            number = normalise_number(text)
            if not NUMBER_RE.match(number):
                odd.append((row, text))
                continue
            by_number.setdefault(number, []).append(row)
    duplicates = {number: rows for number, rows in by_number.items() if len(rows) > 1}
    return {number: rows[0] for number, rows in by_number.items()}, odd, duplicates


def _extra_values(grid: list[list], extra: dict[str, int]) -> dict[int, dict[str, object]]:
    """The non-empty values of the staff's own columns, by row (destruction blanks them too)."""
    values: dict[int, dict[str, object]] = {}
    for row, cells in enumerate(grid[1:], start=2) if extra else ():
        found = {h: cells[i] for h, i in extra.items() if i < len(cells) and cells[i] not in (None, "")}
        if found:
            values[row] = found
    return values


def _columns(path: Path, header: list) -> tuple[dict[str, int], dict[str, int]]:
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
    return columns, extra


def _missing_message(path: Path, sheet: str, grid: list[list], missing: list[str], merges: list[str]) -> str:
    """Why columns are missing: headers lower down, merged header cells, or really absent."""
    for number, values in enumerate(grid[1:HEADER_SEARCH_ROWS], start=2):
        known = {BY_HEADER[n].key for v in values if (n := normalise_header(v)) in BY_HEADER}
        if len(known) >= 3 and len(known) > len(COLUMNS) - len(missing):
            above = "rij 1" if number == 2 else f"de rijen 1 tot en met {number - 1}"
            return (f"{path.name}: op tabblad '{sheet}' staan de kolomkoppen in rij {number}, niet in rij 1. "
                    f"formkit leest de koppen alleen uit rij 1: verwijder {above} boven de koppen "
                    "(een titel kan in de koptekst van het tabblad). Er is niets gewijzigd.")
    text = (f"{path.name}: tabblad '{sheet}' mist de kolom(men) {', '.join(repr(m) for m in missing)} "
            "in rij 1. Voeg ze toe (de naam telt, niet de plaats).")
    if merges:
        text += (f" Let op: rij 1 heeft samengevoegde cellen ({', '.join(merges)}); een samengevoegde cel "
                 "telt als één kop. Maak de samenvoeging ongedaan en geef elke kolom een eigen kop.")
    return text


