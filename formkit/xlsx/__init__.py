"""Patching an Excel workbook (.xlsx, .xlsm) without losing anything: a reusable part of formkit.

It knows nothing of complaints. Any sheet of any workbook; rows and columns are 1-based, as in
Excel; the workbook's date system (1900 or 1904) is read from the workbook itself.

    from formkit.xlsx import WorkbookPatch

    patch = WorkbookPatch(Path("boek.xlsx").read_bytes(), "Blad1")
    patch.set_cells(7, {2: "tekst", 5: datetime.date(2026, 11, 24)})   # B7 and E7
    row = patch.append_row({1: "nieuw", 2: 42})                       # below the last used row
    Path("boek.xlsx").write_bytes(patch.save())

What a patch may change, and how a written cell keeps its look, is in `formkit.xlsx.patch`.
Every refusal is a `WorkbookError` naming the part or cell; nothing is changed then.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from formkit.xlsx.errors import (
    ArrayFormulaCell,
    CellRefused,
    DamagedWorkbook,
    DuplicateMember,
    MergedCell,
    NotAWorksheet,
    SharedFormulaCell,
    SheetNotFound,
    TextTooLong,
    WorkbookError,
)

if TYPE_CHECKING:
    from formkit.xlsx.patch import Value, WorkbookPatch, excel_text
    from formkit.xlsx.sharedstrings import forget_unused_strings

__all__ = [
    "ArrayFormulaCell", "CellRefused", "DamagedWorkbook", "DuplicateMember", "MergedCell", "NotAWorksheet",
    "SharedFormulaCell", "SheetNotFound", "TextTooLong", "Value", "WorkbookError", "WorkbookPatch", "excel_text",
    "forget_unused_strings",
]
_LATER = {"Value": "patch", "WorkbookPatch": "patch", "excel_text": "patch", "forget_unused_strings": "sharedstrings"}


def __getattr__(name: str) -> Any:
    """The writer is loaded when first asked for: reading a register (`controle`) uses only
    formkit.xlsx.package, and the writer's openpyxl adds about 150 ms to every start."""
    if name in _LATER:
        from importlib import import_module

        return getattr(import_module(f"formkit.xlsx.{_LATER[name]}"), name)
    raise AttributeError(f"module 'formkit.xlsx' has no attribute {name!r}")
