"""Cell addresses and areas, 1-based as in Excel, through `openpyxl.utils`."""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter, range_boundaries
from openpyxl.utils.exceptions import CellCoordinatesException


class Area(NamedTuple):
    """A rectangle of cells, 1-based and inclusive."""

    first_row: int
    first_col: int
    last_row: int
    last_col: int

    def holds(self, row: int, col: int) -> bool:
        return self.first_row <= row <= self.last_row and self.first_col <= col <= self.last_col

    def holds_a_column(self, columns: Iterable[int]) -> bool:
        """Whether one of these columns lies within the area's columns."""
        return any(self.first_col <= col <= self.last_col for col in columns)

    @property
    def single(self) -> bool:
        return self.first_row == self.last_row and self.first_col == self.last_col

    def __str__(self) -> str:
        first = ref(self.first_row, self.first_col)
        return first if self.single else f"{first}:{ref(self.last_row, self.last_col)}"


def ref(row: int, col: int) -> str:
    """'B7' for row 7, column 2."""
    return f"{get_column_letter(col)}{row}"


def split_ref(text: str) -> tuple[int, int]:
    """'B7' -> (row 7, column 2); ValueError when it is no cell address."""
    try:
        letters, row = coordinate_from_string(text.replace("$", ""))
        return row, column_index_from_string(letters)
    except CellCoordinatesException as exc:
        raise ValueError(str(exc)) from None


def parse_area(text: str) -> Area | None:
    """'B2:C5' or 'B2' as an Area; None for whole columns or rows ('A:A', '1:1') or no address at all."""
    try:
        first_col, first_row, last_col, last_row = range_boundaries(text.strip())
    except (ValueError, TypeError):
        return None
    if None in (first_col, first_row, last_col, last_row):
        return None
    return Area(first_row, first_col, last_row, last_col)  # type: ignore[arg-type]  # None ruled out above
