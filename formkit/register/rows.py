"""Register rows into complaints: typed values column by column, unreadable cells as problems.

Column by column, because a column has one kind: text columns are nearly always all text and
date columns all dates or empty, so each column is checked once and only odd cells (a number in
a text column, text in a date column) go through the careful, per-cell conversion.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from collections.abc import Sequence

from formkit.dates import DateParseError, dutch_short, to_date
from formkit.register.columns import BY_KEY, COLUMNS, Column, column_letter
from formkit.register.model import VALUE_KEYS, Complaint, Problem

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEEDS_CLEANING = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # \r and control characters
POSITION = {c.key: i for i, c in enumerate(COLUMNS)}  # problems of a row are listed in column order
_first = operator.itemgetter(0)
ORDER = tuple(BY_KEY[key] for key in VALUE_KEYS)  # the SPEC columns in Complaint's field order
_NUMBER = VALUE_KEYS.index("number")
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
    # every row at once, the fields in Complaint's order; then the rows holding nothing are left out
    found = list(map(Complaint, range(first_row, first_row + len(rows)), *values))
    for row, listed in problems.items():
        found[row - first_row].problems = tuple(p for _, p in sorted(listed, key=_first))
    numbers = values[_NUMBER]  # a row with a Klachtnummer holds something: only rows without one are looked at
    if None in numbers:
        nothing = {offset for offset, number in enumerate(numbers) if number is None  # values: None, text or dates
                   and first_row + offset not in problems and not any(v[offset] for v in values)}
        if nothing:
            found = [c for offset, c in enumerate(found) if offset not in nothing]
    return found


def column_values(rows: list[list], first_row: int, key: str, columns: dict[str, int], date1904: bool) -> list:
    """One column's values on these rows, converted as complaints() converts them (None when empty).

    A text column has no problems; a date column's unreadable cells read as None here."""
    index = columns[key]
    try:
        cells: Sequence = list(map(operator.itemgetter(index), rows))  # one column: no need to transpose all
    except IndexError:
        cells = _columns_of(rows, [index])[0]
    return _convert(BY_KEY[key], index, cells, first_row, date1904, {})


def last_row(rows: list[list], first_row: int, errors: Errors) -> int:
    """The last worksheet row among `rows` holding anything, error cells included (0: none)."""
    last = 0
    for offset in range(len(rows) - 1, -1, -1):
        if any(v not in ("", None) for v in rows[offset]):
            last = first_row + offset
            break
    return max(last, *errors) if errors else last


def _columns_of(body: list[list], indices: list[int]) -> list[Sequence]:
    """The cells of each wanted column, top to bottom ('' where a short row ends). Column by column:
    a sequence per column, never a tuple per row first (20,000 short-lived tuples keep the collector busy)."""
    if not body:
        return [() for _ in indices]
    if len(set(map(len, body))) == 1:  # calamine gives every row the same length: transpose at once
        transposed = list(zip(*body, strict=True))
        return [transposed[index] if index < len(transposed) else ("",) * len(body) for index in indices]
    need = max(indices) + 1  # rows of unequal length (a grid from elsewhere): pad the short ones
    body = [r if len(r) >= need else [*r, *[""] * (need - len(r))] for r in body]
    return [list(map(operator.itemgetter(index), body)) for index in indices]


_ODD = object()  # a cell the fast path leaves to the careful one


def _convert(column: Column, index: int, raw: Sequence, first_row: int, date1904: bool,
             problems: dict[int, list[tuple[int, Problem]]]) -> list:
    """One column's cells as typed values (None when empty); unreadable cells become problems."""
    empty = raw.count("")
    if empty == len(raw):  # a column nobody uses (many are, on most rows)
        return [None] * empty
    if column.kind == "date":
        if list(map(type, raw)).count(dt.date) + empty == len(raw):  # dates and empty cells: a date is true
            return [v or None for v in raw]
        values = [v if type(v) is dt.date else None if v == "" else _ODD for v in raw]
    elif (joined := _joined(raw)) is not None and not _NEEDS_CLEANING.search(joined):  # text only, clean
        values = list(map(str.strip, raw))
        return [v or None for v in values] if empty or "" in values else values
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


def _joined(raw: Sequence) -> str | None:
    """The column's cells joined by newlines when every one is text (None when one is not)."""
    try:
        return "\n".join(raw)
    except TypeError:
        return None


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
