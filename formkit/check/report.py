"""The .xlsx report of `formkit controle --rapport`: a summary sheet and one sheet per group.

The terminal and JSON outputs live in `check.output`, so that printing findings never imports
openpyxl.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.hyperlink import Hyperlink
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from formkit.atomic import atomic_save
from formkit.check.findings import GROUPS, Finding, Group, grouped
from formkit.check.output import who
from formkit.dates import dutch_short
from formkit.errors import DocumentError

COLUMNS = (  # header, width
    ("Klachtnummer", 15),
    ("Behandelaar", 20),
    ("Ernstig", 9),
    ("Termijn", 12),
    ("Dagen", 8),
    ("Toelichting", 90),
)
DATE_FORMAT = "dd-mm-yyyy"
TEXT_CHARS_PER_LINE = 80  # of the Toelichting column at its width, with some margin
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
BOLD = Font(bold=True)


def write_check_report(findings: Sequence[Finding], peildatum: dt.date, path: Path) -> Path:
    """Write the monthly check as .xlsx (overview + one sheet per group), all or nothing."""
    path = Path(path)
    wb = Workbook()
    overview = wb.active
    assert overview is not None
    overview.title = "Overzicht"
    by_group = dict(grouped(findings))
    _write_overview(overview, findings, peildatum, [(g, len(by_group.get(g, []))) for g in GROUPS])
    for group in GROUPS:
        _write_group(wb.create_sheet(group.sheet), by_group.get(group, []))
    wb.properties.title = f"Controle klachtenregister {dutch_short(peildatum)}"
    wb.properties.creator = "formkit"
    _save_atomically(wb, path)
    return path


def _write_overview(ws: Worksheet, findings: Sequence[Finding], peildatum: dt.date,
                    counts: list[tuple[Group, int]]) -> None:
    ws["A1"] = "Controle klachtenregister"
    ws["A1"].font = Font(bold=True, size=14)
    ws["A2"] = "Peildatum"
    ws["B2"] = peildatum
    ws["B2"].number_format = DATE_FORMAT
    ws["B2"].alignment = Alignment(horizontal="left")
    ws["A3"] = "Klachten met bevindingen"
    ws["B3"] = len({(f.row, f.number) for f in findings})
    ws["B3"].alignment = Alignment(horizontal="left")
    ws.append([])
    ws.append(["Onderdeel", "Aantal", "Waarvan ernstig"])
    header_row = ws.max_row
    for cell in ws[header_row]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    serious = {g.sheet: 0 for g, _ in counts}
    for f in findings:
        group = next(g for g in GROUPS if g.matches(f))
        serious[group.sheet] += f.serious
    for group, count in counts:
        ws.append([group.title, count, serious[group.sheet]])
        cell = ws.cell(row=ws.max_row, column=1)
        cell.hyperlink = Hyperlink(ref=cell.coordinate, location=f"'{group.sheet}'!A1")
        cell.font = Font(color="0563C1", underline="single")
    ws.append(["Totaal", len(findings), sum(serious.values())])
    for cell in ws[ws.max_row]:
        cell.font = BOLD
    ws.column_dimensions["A"].width = 44
    ws.column_dimensions["B"].width = 12
    ws.column_dimensions["C"].width = 16
    ws.freeze_panes = f"A{header_row + 1}"


def _write_group(ws: Worksheet, findings: Sequence[Finding]) -> None:
    ws.append([header for header, _ in COLUMNS])
    for cell in ws[1]:
        cell.font = BOLD
        cell.fill = HEADER_FILL
    for f in findings:
        ws.append([who(f), f.handler or "", "ja" if f.serious else "nee", f.deadline, f.days,
                   f.explanation])
        row = ws.max_row
        ws.cell(row=row, column=4).number_format = DATE_FORMAT
        ws.cell(row=row, column=6).alignment = Alignment(wrap_text=True, vertical="top")
        # Excel and LibreOffice do not always fit wrapped rows on opening: set the height.
        ws.row_dimensions[row].height = 15 * max(1, -(-len(f.explanation) // TEXT_CHARS_PER_LINE))
        for col in range(1, 6):
            ws.cell(row=row, column=col).alignment = Alignment(vertical="top")
    for index, (_, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:F{ws.max_row}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _save_atomically(wb: Workbook, path: Path) -> None:
    """The old report or the new, never half."""
    try:
        atomic_save(path, wb.save)
    except OSError as exc:
        raise DocumentError(
            f"{path}: het rapport kan niet worden geschreven ({exc.strerror or exc}). "
            "Is het bestand nog geopend in Excel?"
        ) from None
