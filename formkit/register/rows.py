"""Register rows into complaints: typed values column by column, unreadable cells as problems.

Column by column, because a column has one kind: text columns are nearly always all text and
date columns all dates or empty, so each column is checked once and only odd cells (a number in
a text column, text in a date column) go through the careful, per-cell conversion.
"""

from __future__ import annotations

import datetime as dt
import operator
import re

from formkit.dates import DateParseError, dutch_short, to_date
from formkit.register.columns import BY_KEY, COLUMNS, Column, column_letter
from formkit.register.model import VALUE_KEYS, Complaint, Problem

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEEDS_CLEANING = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # \r and control characters
POSITION = {c.key: i for i, c in enumerate(COLUMNS)}  # problems of a row are listed in column order
_first = operator.itemgetter(0)
ORDER = tuple(BY_KEY[key] for key in VALUE_KEYS)  # the SPEC columns in Complaint's field order
Errors = dict[int, dict[int, str]]  # Excel error cells: {row: {0-based column: '#N/A'}}


def complaints(rows: list[list], first_row: int, columns: dict[str, int], date1904: bool, errors: Errors
               ) -> list[Complaint]:
    """The complaints among these consecutive rows (first_row = worksheet row of rows[0]).

    `columns` maps each SPEC column key to its 0-based index; a row holding nothing is no complaint.
    """
    indices = [columns[key] for key in VALUE_KEYS]
    problems: dict[int, list[tuple[int, Problem]]] = {}
    values = [_convert(column, index, raw, first_row, date1904, problems)
              for column, index, raw in zip(ORDER, indices, _columns_of(rows, indices), strict=True)]
    if errors:
        for column, index in zip(ORDER, indices, strict=True):
            _error_cells(column, index, rows, first_row, errors, problems)
    found: list[Complaint] = []
    for row, row_values in enumerate(zip(*values, strict=True), start=first_row):
        listed = problems.get(row)
        if listed or any(row_values):  # converted values are None, non-empty text or dates
            complaint = Complaint(row, *row_values)  # the fields in Complaint's order
            if listed:
                complaint.problems = tuple(p for _, p in sorted(listed, key=_first))
            found.append(complaint)
    return found


def column_values(rows: list[list], first_row: int, key: str, columns: dict[str, int], date1904: bool) -> list:
    """One column's values on these rows, converted as complaints() converts them (None when empty).

    A text column has no problems; a date column's unreadable cells read as None here."""
    index = columns[key]
    return _convert(BY_KEY[key], index, _columns_of(rows, [index])[0], first_row, date1904, {})


def last_row(rows: list[list], first_row: int, errors: Errors) -> int:
    """The last worksheet row among `rows` holding anything, error cells included (0: none)."""
    last = 0
    for offset in range(len(rows) - 1, -1, -1):
        if any(v not in ("", None) for v in rows[offset]):
            last = first_row + offset
            break
    return max(last, *errors) if errors else last


def _columns_of(body: list[list], indices: list[int]) -> list[tuple]:
    """The cells of each wanted column, top to bottom ('' where a short row ends)."""
    if not body:
        return [() for _ in indices]
    if len(indices) == 1:  # itemgetter of one index gives the cell, not a tuple
        return [tuple(_cell(r, indices[0]) for r in body)]
    getter = operator.itemgetter(*indices)
    try:
        rows = list(map(getter, body))
    except IndexError:  # rows of unequal length (calamine pads them, but a grid from elsewhere may not)
        need = max(indices) + 1
        rows = list(map(getter, [r if len(r) >= need else [*r, *[""] * (need - len(r))] for r in body]))
    return list(zip(*rows, strict=True))


_ODD = object()  # a cell the fast path leaves to the careful one


def _convert(column: Column, index: int, raw: tuple, first_row: int, date1904: bool,
             problems: dict[int, list[tuple[int, Problem]]]) -> list:
    """One column's cells as typed values (None when empty); unreadable cells become problems."""
    if column.kind == "date":
        values = [v if type(v) is dt.date else None if v == "" else _ODD for v in raw]
    elif set(map(type, raw)) <= {str} and not _NEEDS_CLEANING.search("\n".join(raw)):
        return [v.strip() or None for v in raw]
    else:
        values = [v.strip() or None if type(v) is str and not _NEEDS_CLEANING.search(v) else _ODD
                  for v in raw]
    if _ODD in values:
        for offset, value in enumerate(values):
            if value is not _ODD:
                continue
            cell = raw[offset]
            if column.kind != "date":
                values[offset] = as_text(cell, date1904)
                continue
            try:
                values[offset] = to_date(cell, date1904)
            except DateParseError as exc:
                values[offset] = None
                row = first_row + offset
                _problem(problems, column, row, f"{column_letter(index)}{row}", str(exc),
                         as_text(cell, date1904) or "")
    return values


def _error_cells(column: Column, index: int, rows: list[list], first_row: int, errors: Errors,
                 problems: dict[int, list[tuple[int, Problem]]]) -> None:
    """Report the empty cells of this column that hold an Excel error value (#N/A) in the file."""
    for row, cells in errors.items():
        offset = row - first_row
        if index in cells and 0 <= offset < len(rows) and _cell(rows[offset], index) in ("", None):
            _problem(problems, column, row, f"{column_letter(index)}{row}",
                     f"de cel bevat de Excel-foutwaarde {cells[index]} (meestal een formule "
                     "die niet uitkomt); vul een waarde in of herstel de formule")


def _cell(row: list, index: int) -> object:
    return row[index] if index < len(row) else ""


def _problem(problems: dict[int, list[tuple[int, Problem]]], column: Column, row: int, cell: str, text: str,
             raw: str = "") -> None:
    problems.setdefault(row, []).append((POSITION[column.key], Problem(column.header, cell, text, raw)))



def as_text(value: object, date1904: bool = False) -> str | None:
    """A cell value as text: numbers without '.0', dates as dd-mm-jjjj, newlines as \\n."""
    if value is None:
        return None
    if type(value) is float:  # the common number: nothing to clean
        return str(int(value)) if value.is_integer() else repr(value)
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
