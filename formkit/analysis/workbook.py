"""The analysis as an Excel workbook: one sheet per view, each with a native chart staff can restyle.

Native openpyxl charts (not pictures), so Excel and LibreOffice draw them from the cells and a
quality manager can copy them into a presentation. Every sheet names the procedure step it serves.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from formkit.analysis.figures import Analysis, Tally
from formkit.analysis.text import (
    data_notes,
    decimal,
    fact_row,
    key_figures,
    label,
    lead_text,
    measures,
    method_notes,
    month,
    period_text,
    ratio,
    section_texts,
    step_label,
)
from formkit.dates import dutch

BRAND = "1F4E79"
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
FONT = "Calibri"
BOLD = Font(name=FONT, bold=True)
GREY = Font(name=FONT, color="595959", italic=True)
THIN = Border(bottom=Side(style="thin", color="9FA8B3"))
DATE_FORMAT = "dd-mm-yyyy"
PERCENT_FORMAT = "0%"
CHART_ROWS = 17  # worksheet rows a chart of the default height covers, plus a margin
TABLE_ROW = 5  # header row of each sheet's table; rows 1-3 hold title, step and text
FACT_HEADERS = (
    ("Klachtnummer", 14), ("Datum ontvangst", 14), ("Ernstig", 8), ("Categorie", 26), ("Oorzaak", 40),
    ("Opleiding", 30), ("Type klant", 12), ("Wijze van indienen", 16), ("Reactie", 11),
    ("Afhandeling zonder verlenging", 14), ("Afhandeling met verlenging", 14), ("Datum afhandeling", 14),
    ("Doorlooptijd (dagen)", 12), ("Terugkoppeling", 13), ("Tevredenheid", 12), ("Derde partij", 26),
    ("Vernietigd", 10),
)


def workbook_bytes(a: Analysis, organisation: str) -> bytes:
    """The whole report workbook, ready to be written atomically."""
    texts = section_texts(a)
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)  # a new workbook starts with one worksheet
    _summary(first, a, organisation, texts["kerncijfers"])
    _months(_sheet(wb, "Per maand", "maand", a, texts), a)
    for title, key, tallies, what in (
        ("Categorie", "categorie", a.by_category, "Categorie"),
        ("Oorzaak", "oorzaak", a.by_cause, "Oorzaak"),
        ("Opleiding", "kenmerken", a.by_course, "Opleiding"),
        ("Type klant", "kenmerken", a.by_client_type, "Type klant"),
        ("Wijze van indienen", "kenmerken", a.by_channel, "Wijze van indienen"),
    ):
        _tally(_sheet(wb, title, key, a, texts), tallies, what, a)
    _terms(_sheet(wb, "Termijnen", "termijnen", a, texts), a)
    _satisfaction(_sheet(wb, "Tevredenheid", "tevredenheid", a, texts), a)
    _escalations(_sheet(wb, "Derde partij", "derde_partij", a, texts), a)
    _improvements(_sheet(wb, "Verbeteracties", "verbeteracties", a, texts), a)
    _patterns(_sheet(wb, "Patronen", "patronen", a, texts), a)
    _facts(wb.create_sheet("Klachten"), a)
    for ws in wb.worksheets:
        _fit_texts(ws)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# --- sheets ----------------------------------------------------------------------------------

def _summary(ws: Worksheet, a: Analysis, organisation: str, text: str) -> None:
    ws.title = "Samenvatting"
    ws["A1"] = f"Klachtenanalyse {organisation}".strip()
    ws["A1"].font = Font(name=FONT, bold=True, size=16, color=BRAND)
    ws["A2"] = f"Periode {period_text(a.period)} · opgemaakt op {dutch(a.today)} · {step_label('kerncijfers')}"
    ws["A2"].font = GREY
    _text(ws, 3, text, 3)
    rows = [list(r) for r in key_figures(a)]
    _table(ws, ["Onderwerp", "Uitkomst", "Toelichting"], rows, [46, 44, 70], wrap=(1, 2, 3))
    row = TABLE_ROW + len(rows) + 2
    measures = _measures(a)
    ws.cell(row=row, column=1, value="Binnen de termijn (voor de grafiek)").font = BOLD
    _table(ws, ["Maatstaf", "Percentage", "Aantal", "n"], measures, None, start=row + 1)
    for r in range(row + 2, row + 2 + len(measures)):
        ws.cell(row=r, column=2).number_format = PERCENT_FORMAT
    if a.total:
        chart = _bar("Binnen de termijn", "Percentage", horizontal=True, percent=True)
        _data(chart, ws, 2, row + 1, row + 1 + len(measures))
        ws.add_chart(chart, f"E{row}")
    row += len(measures) + 3
    ws.cell(row=row, column=1, value="Toelichting op de cijfers").font = BOLD
    for note in data_notes(a) + method_notes(a):
        row += 1
        _text(ws, row, note, 3)
    _print_setup(ws)


def _sheet(wb: Workbook, title: str, key: str, a: Analysis, texts: dict[str, str]) -> Worksheet:
    ws = wb.create_sheet(title)
    ws["A1"] = title
    ws["A1"].font = Font(name=FONT, bold=True, size=14, color=BRAND)
    ws["A2"] = f"{step_label(key)} · klachten ontvangen van {period_text(a.period)}"
    ws["A2"].font = GREY
    _text(ws, 3, texts[key], 6)
    _print_setup(ws)
    return ws


def _months(ws: Worksheet, a: Analysis) -> None:
    rows = [[month(m), count, serious] for m, count, serious in a.months]
    _table(ws, ["Maand", "Klachten", "Waarvan ernstig"], rows, [14, 12, 16])
    _total(ws, TABLE_ROW + len(rows) + 1, ["Totaal", a.total, a.serious])
    if rows:
        chart = LineChart()
        _style(chart, "Klachten per maand", "Aantal")
        chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=TABLE_ROW, max_row=TABLE_ROW + len(rows)),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=TABLE_ROW + 1, max_row=TABLE_ROW + len(rows)))
        chart.y_axis.majorUnit = 1 if max(count for _, count, _ in a.months) <= 10 else None
        for series in chart.series:
            series.smooth = False
        chart.width = 22
        ws.add_chart(chart, "E5")


def _tally(ws: Worksheet, tallies: Sequence[Tally], what: str, a: Analysis) -> None:
    headers = [what, "Aantal", "Aandeel", "Waarvan ernstig"]
    rows: list[list[Any]] = [[label(t), t.count, t.share.fraction, t.serious]
                             for t in tallies]
    widths = [48, 10, 10, 16]
    if what == "Oorzaak":
        by_cause = {(g.cause, g.missing): g for g in a.improvements}
        headers += ["Verbeteracties", "Doorgevoerd"]
        for row, t in zip(rows, tallies, strict=True):
            group = by_cause[(t.label, t.missing)]
            row += [len(group.actions), group.done]
        widths += [15, 13]
    _table(ws, headers, rows, widths)
    total: list[Any] = ["Totaal", a.total, 1 if a.total else None, a.serious]
    total += [sum(r[col] for r in rows) for col in range(len(total), len(headers))]  # actions, done
    _total(ws, TABLE_ROW + len(rows) + 1, total)
    for r in range(TABLE_ROW + 1, TABLE_ROW + 2 + len(rows)):
        ws.cell(row=r, column=3).number_format = PERCENT_FORMAT
    if rows:
        chart = _bar(f"Klachten per {what.lower()}", "Aantal", horizontal=True)
        _data(chart, ws, 2, TABLE_ROW, TABLE_ROW + len(rows))
        chart.height = max(7.5, 1.0 + 0.8 * len(rows))
        ws.add_chart(chart, f"{get_column_letter(len(headers) + 2)}5")
    else:
        ws.cell(row=TABLE_ROW + 1, column=1, value="Geen klachten in deze periode.").font = GREY


def _terms(ws: Worksheet, a: Analysis) -> None:
    measures = _measures(a)
    rows = [m + [p] for m, p in zip(measures, _pending(a), strict=True)]
    _table(ws, ["Maatstaf", "Percentage", "Aantal", "n", "Loopt nog"], rows, [62, 12, 10, 8, 11])
    for r in range(TABLE_ROW + 1, TABLE_ROW + 1 + len(rows)):
        ws.cell(row=r, column=2).number_format = PERCENT_FORMAT
    if a.total:
        chart = _bar("Binnen de termijn", "Percentage", horizontal=True, percent=True)
        _data(chart, ws, 2, TABLE_ROW, TABLE_ROW + len(rows))
        ws.add_chart(chart, "H5")
    start = TABLE_ROW + len(rows) + 3
    ws.cell(row=start - 1, column=1, value=f"Doorlooptijd ontvangst tot afhandeling: {lead_text(a)}").font = BOLD
    buckets = [[text, count] for text, count in a.lead.buckets]
    _table(ws, ["Doorlooptijd", "Klachten"], buckets, None, start=start)
    ws.cell(row=start + len(buckets) + 1, column=1, value="Mediaan (dagen)")
    ws.cell(row=start + len(buckets) + 1, column=2, value=a.lead.median)
    ws.cell(row=start + len(buckets) + 2, column=1, value="90% afgehandeld binnen (dagen)")
    ws.cell(row=start + len(buckets) + 2, column=2, value=a.lead.p90)
    ws.cell(row=start + len(buckets) + 3, column=1, value="Aantal afgehandelde klachten (n)")
    ws.cell(row=start + len(buckets) + 3, column=2, value=a.lead.n)
    if a.lead.n:
        chart = _bar("Doorlooptijd", "Klachten")
        _data(chart, ws, 2, start, start + len(buckets))
        ws.add_chart(chart, f"H{TABLE_ROW + CHART_ROWS}")


def _satisfaction(ws: Worksheet, a: Analysis) -> None:
    s = a.satisfaction
    rows = [[f"{score}", count] for score, count in s.distribution]
    _table(ws, ["Score", "Aantal"], rows, [40, 10])
    end = TABLE_ROW + len(rows)
    rows_below: tuple[tuple[str, str | int], ...] = (
        ("Schriftelijke terugkoppeling verstuurd", ratio(a.feedback)),
        ("Tevredenheid gemeten", ratio(s.measured)),
        ("Gemiddelde score (1-5)", decimal(s.average)),
        ("Aantal scores (n)", s.scores),
        ("Gemeten, maar geen score 1-5", s.unreadable),
    )
    for offset, (topic, value) in enumerate(rows_below, start=2):
        ws.cell(row=end + offset, column=1, value=topic)
        ws.cell(row=end + offset, column=2, value=value)
    if s.scores:
        chart = _bar("Tevredenheid na afhandeling (1 = slecht, 5 = uitstekend)", "Aantal")
        _data(chart, ws, 2, TABLE_ROW, end)
        ws.add_chart(chart, "E5")


def _escalations(ws: Worksheet, a: Analysis) -> None:
    rows = [[f.number, f.received, f.client_type or "", f.third_party or "", f.submitted,
             f.ruling or "nog geen uitspraak"] for f in a.escalations]
    _table(ws, ["Klachtnummer", "Datum ontvangst", "Type klant", "Derde partij", "Datum voorgelegd", "Uitspraak"],
           rows, [14, 15, 12, 40, 16, 70], wrap=(4, 6))
    if not rows:
        ws.cell(row=TABLE_ROW + 1, column=1, value="Geen klachten voorgelegd.").font = GREY


def _improvements(ws: Worksheet, a: Analysis) -> None:
    rows: list[list[Any]] = []
    for g in a.improvements:
        cause = g.cause or ("Onbekend (vernietigd)" if g.missing == "vernietigd" else "Niet ingevuld")
        for x in g.actions or [None]:
            rows.append([cause, g.complaints, x.number if x else "", x.text if x else "geen verbeteractie vastgelegd",
                         x.done if x else None, ("doorgevoerd" if x.done else "nog niet doorgevoerd") if x else ""])
    _table(ws, ["Oorzaak", "Klachten", "Klachtnummer", "Verbeteractie", "Doorgevoerd op", "Status"], rows,
           [46, 10, 14, 56, 15, 20], wrap=(1, 4))


def _patterns(ws: Worksheet, a: Analysis) -> None:
    kinds = {"oorzaak": "Terugkerende oorzaak", "na-verbetering": "Terug na verbetering",
             "opleiding": "Opleiding en categorie"}
    rows = [[kinds.get(p.kind, p.kind), p.subject, len(p.numbers), ", ".join(p.numbers), p.status]
            for p in a.patterns]
    _table(ws, ["Soort", "Onderwerp", "Klachten", "Klachtnummers", "Status"], rows, [24, 50, 10, 40, 50],
           wrap=(2, 4, 5))
    if not rows:
        ws.cell(row=TABLE_ROW + 1, column=1, value="Geen patronen gesignaleerd.").font = GREY


def _facts(ws: Worksheet, a: Analysis) -> None:
    """The basis of every figure, one complaint per row, so an auditor can retrace each count."""
    ws["A1"] = "Klachten in deze analyse (zonder persoonsgegevens)"
    ws["A1"].font = Font(name=FONT, bold=True, size=14, color=BRAND)
    ws["A2"] = f"Klachten ontvangen van {period_text(a.period)}; zo is elke klacht meegeteld."
    ws["A2"].font = GREY
    rows = [fact_row(f) for f in a.facts]
    _table(ws, [h for h, _ in FACT_HEADERS], rows, [w for _, w in FACT_HEADERS])
    _print_setup(ws)
    ws.auto_filter.ref = f"A{TABLE_ROW}:{get_column_letter(len(FACT_HEADERS))}{TABLE_ROW + max(1, len(rows))}"
    ws.freeze_panes = f"B{TABLE_ROW + 1}"


# --- building blocks -------------------------------------------------------------------------

def _measures(a: Analysis) -> list[list[Any]]:
    return [[f"{name} ({r.count} van {r.n})", r.fraction, r.count, r.n]
            for name, r in measures(a)]


def _pending(a: Analysis) -> list[int | None]:
    return [a.pending("reaction"), a.pending("handling_original"), a.pending("handling"), None, None]


def _print_setup(ws: Worksheet) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)


def _text(ws: Worksheet, row: int, text: str, columns: int) -> None:
    """A wrapped paragraph over merged cells."""
    cell = ws.cell(row=row, column=1, value=text)
    cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=columns)  # height: _fit_texts


def _total(ws: Worksheet, row: int, values: Sequence[Any]) -> None:
    """A bold closing row, so every share shows the n it was taken of."""
    for col, value in enumerate(values, start=1):
        cell = ws.cell(row=row, column=col, value=value)
        cell.font = BOLD
        cell.border = Border(top=Side(style="thin", color="9FA8B3"))


def _fit_texts(ws: Worksheet) -> None:
    """Row heights for the merged text rows, from the final column widths."""
    for merged in ws.merged_cells.ranges:
        if merged.min_row != merged.max_row:
            continue
        text = str(ws.cell(merged.min_row, merged.min_col).value or "")
        width = sum(ws.column_dimensions[get_column_letter(c)].width or 13
                    for c in range(merged.min_col, merged.max_col + 1))
        ws.row_dimensions[merged.min_row].height = 15 * max(1, -(-len(text) // max(1, int(width * 1.1))))


def _table(ws: Worksheet, headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float] | None,
           start: int = TABLE_ROW, wrap: Sequence[int] = (1,)) -> None:
    """A header row and rows; wrapped columns get a row height that shows their whole text."""
    for col, width in enumerate(widths or (), start=1):
        letter = get_column_letter(col)
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, width)
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=start, column=col, value=header)
        cell.font, cell.fill, cell.border = BOLD, HEADER_FILL, THIN
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(rows, start=start + 1):
        lines = 1
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # staff's text stays text, never a formula
            cell.alignment = Alignment(vertical="top", wrap_text=col in wrap)
            if isinstance(value, dt.date):
                cell.number_format = DATE_FORMAT
            if col in wrap and isinstance(value, str):
                chars = (ws.column_dimensions[get_column_letter(col)].width or 13) * 1.1
                lines = max(lines, -(-len(value) // max(1, int(chars))))
        if lines > 1:  # Excel and LibreOffice do not always fit wrapped rows on opening
            ws.row_dimensions[r].height = 15 * lines


def _style(chart: BarChart | LineChart, title: str, axis: str) -> None:
    chart.title = title
    chart.style = 10
    chart.height, chart.width = 7.5, 16
    chart.y_axis.title = axis
    chart.x_axis.delete = False  # openpyxl >= 3.1 hides axes unless told otherwise
    chart.y_axis.delete = False
    if chart.legend is not None:
        chart.legend.position = "b"


def _bar(title: str, axis: str, *, horizontal: bool = False, percent: bool = False) -> BarChart:
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    _style(chart, title, axis)
    chart.legend = None
    chart.dataLabels = DataLabelList(showVal=True, showCatName=False, showSerName=False, showLegendKey=False,
                                     showPercent=False)
    chart.gapWidth = 60
    if horizontal:  # first category on top, as in the table; the value axis stays below
        chart.x_axis.scaling.orientation = "maxMin"
        chart.y_axis.crosses = "max"
    if percent:
        chart.y_axis.scaling.min, chart.y_axis.scaling.max = 0, 1
        chart.y_axis.number_format = PERCENT_FORMAT
        chart.y_axis.majorUnit = 0.25
        chart.dataLabels.numFmt = PERCENT_FORMAT
    return chart


def _data(chart: BarChart, ws: Worksheet, column: int, header_row: int, last_row: int) -> None:
    chart.add_data(Reference(ws, min_col=column, min_row=header_row, max_row=last_row), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=header_row + 1, max_row=last_row))
    counts = [v for r in range(header_row + 1, last_row + 1) if isinstance(v := ws.cell(r, column).value, int)]
    if counts and chart.y_axis.number_format != PERCENT_FORMAT and max(counts) <= 10:
        chart.y_axis.majorUnit = 1  # whole complaints, no 0.5 steps
