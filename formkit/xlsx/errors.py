"""What can stop a workbook patch. Plain facts (which part, which cell); callers word them for users."""

from __future__ import annotations


class WorkbookError(Exception):
    """Base of every refusal of `formkit.xlsx`; nothing has been changed when one is raised."""


class DamagedWorkbook(WorkbookError):
    """The package cannot be trusted: a part that does not read, is missing, or stands twice."""

    def __init__(self, part: str, detail: str) -> None:
        super().__init__(f"{part}: {detail}")
        self.part = part  # the zip member, or "" for the zip's directory itself
        self.detail = detail


class SheetNotFound(WorkbookError):
    def __init__(self, sheet: str) -> None:
        super().__init__(f"no sheet named {sheet!r}")
        self.sheet = sheet


class CellRefused(WorkbookError):
    """A cell whose value Excel would hide, recompute or refuse; `ref` is its address ('B7')."""

    def __init__(self, ref: str, detail: str) -> None:
        super().__init__(f"{ref}: {detail}")
        self.ref = ref


class MergedCell(CellRefused):
    def __init__(self, ref: str, area: str) -> None:
        super().__init__(ref, f"inside the merged cells {area}")
        self.area = area


class ArrayFormulaCell(CellRefused):
    def __init__(self, ref: str, area: str) -> None:
        super().__init__(ref, f"part of the array formula in {area}")
        self.area = area


class SharedFormulaCell(CellRefused):
    """The first cell of a shared formula whose text cannot be written out into the cells sharing it."""

    def __init__(self, ref: str, formula: str) -> None:
        super().__init__(ref, f"first cell of the shared formula {formula}")
        self.formula = formula


class TextTooLong(CellRefused):
    def __init__(self, ref: str, length: int, limit: int) -> None:
        super().__init__(ref, f"{length} characters, Excel holds at most {limit}")
        self.length = length
        self.limit = limit
