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


class DuplicateMember(DamagedWorkbook):
    """The zip directory names a part twice, or twice but for case (as Windows and Excel see names)."""

    def __init__(self, part: str, first: str) -> None:
        same = "the same name" if part == first else f"the same name as {first} but for case"
        super().__init__(part, f"stands twice in the zip directory ({same})")
        self.first = first  # the name as it stood first


class SheetNotFound(WorkbookError):
    def __init__(self, sheet: str) -> None:
        super().__init__(f"no sheet named {sheet!r}")
        self.sheet = sheet


class NotAWorksheet(WorkbookError):
    """The named sheet is a chart sheet, an Excel 4.0 macro sheet or a dialog sheet: no cells to write."""

    def __init__(self, sheet: str, kind: str) -> None:
        super().__init__(f"sheet {sheet!r} is a {kind}, not a worksheet")
        self.sheet = sheet
        self.kind = kind  # the relationship type's last segment: "chartsheet", "xlMacrosheet", "dialogsheet"


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
