"""A new, empty complaints register that a person is glad to work in.

Only for brand-new files: openpyxl writes the whole workbook here, which is fine because there is
nothing of the staff's yet to preserve. Every later write goes through `xlsxpatch`.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet

from formkit.atomic import atomic_write
from formkit.register.columns import BY_KEY, CHANNELS, CLIENT_TYPES, COLUMNS, REACTION_MODES, SHEET_NAME, YES_NO

LAST_ROW = 1048576
DATE_FORMAT = "dd-mm-yyyy"

# Signalering colours: the text `controle --markeer` writes decides the colour.
SIGNAL_COLOURS = (
    ("te laat", "F8CBAD"),
    ("bijna", "FFE699"),
    ("ontbreekt", "FFF2CC"),
    ("vernietig", "D9D9D9"),
    ("controleer", "DDEBF7"),
)


def build_register(handlers: Sequence[str], categories: Sequence[str]) -> bytes:
    """The bytes of a new register: sheet Klachten with every column, a table, lists and colours."""
    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook starts with one worksheet
    ws.title = SHEET_NAME
    ws.append([c.header for c in COLUMNS])
    for index, column in enumerate(COLUMNS):
        letter = get_column_letter(index + 1)
        ws.column_dimensions[letter].width = column.width
        header = ws.cell(row=1, column=index + 1)
        header.alignment = Alignment(wrap_text=True, vertical="top")
        cell = ws.cell(row=2, column=index + 1)  # the empty first row of the table carries formats
        cell.alignment = Alignment(wrap_text=column.kind == "longtext", vertical="top")
        if column.kind == "date":
            cell.number_format = DATE_FORMAT
        elif column.kind == "score":
            cell.number_format = "0"
        else:
            cell.number_format = "@" if column.key in ("number", "postcode", "phone") else "General"
    ws.row_dimensions[1].height = 32
    ws.freeze_panes = "B2"
    last = get_column_letter(len(COLUMNS))
    table = Table(displayName="Klachtenregister", ref=f"A1:{last}2")
    table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
    ws.add_table(table)
    _lists(wb, ws, handlers, categories)
    _signal_colours(ws)
    ws.sheet_view.zoomScale = 100
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _lists(wb: Workbook, ws, handlers: Sequence[str], categories: Sequence[str]) -> None:
    """Drop-down lists on the Klachten columns, fed by named ranges on the sheet Lijsten."""
    lists = wb.create_sheet("Lijsten")
    choices = (
        ("channel", "lijst_indienen", CHANNELS),
        ("client_type", "lijst_type_klant", CLIENT_TYPES),
        ("serious", "lijst_ernstig", YES_NO),
        ("handler", "lijst_behandelaar", tuple(handlers)),
        ("reaction_mode", "lijst_wijze_reactie", REACTION_MODES),
        ("category", "lijst_categorie", tuple(categories)),
    )
    keys = [c.key for c in COLUMNS]
    bold = Font(bold=True)
    for n, (key, name, values) in enumerate(choices):
        letter = get_column_letter(n + 1)
        lists.cell(row=1, column=n + 1, value=BY_KEY[key].header).font = bold
        lists.column_dimensions[letter].width = max(18, *(len(v) + 2 for v in values)) if values else 18
        for row, value in enumerate(values, start=2):
            lists.cell(row=row, column=n + 1, value=value)
        end = max(2, len(values) + 1) + 20  # room for staff to add choices
        wb.defined_names[name] = DefinedName(name, attr_text=f"Lijsten!${letter}$2:${letter}${end}")
        target = get_column_letter(keys.index(key) + 1)
        dv = DataValidation(type="list", formula1=f"={name}", allow_blank=True)
        dv.error = "Kies een waarde uit de lijst (tabblad Lijsten)."
        dv.errorTitle = "Ongeldige keuze"
        dv.errorStyle = "warning"  # staff may still type something else; controle reports it
        dv.add(f"{target}2:{target}{LAST_ROW}")
        ws.add_data_validation(dv)
    score = get_column_letter(keys.index("satisfaction") + 1)
    dv = DataValidation(type="whole", operator="between", formula1="1", formula2="5", allow_blank=True)
    dv.error = "Tevredenheid is een cijfer van 1 tot en met 5."
    dv.add(f"{score}2:{score}{LAST_ROW}")
    ws.add_data_validation(dv)


def _signal_colours(ws) -> None:
    letter = get_column_letter([c.key for c in COLUMNS].index("signal") + 1)
    target = f"{letter}2:{letter}{LAST_ROW}"
    for text, colour in SIGNAL_COLOURS:
        rule = FormulaRule(
            formula=[f'ISNUMBER(SEARCH("{text}",{letter}2))'],
            fill=PatternFill(start_color=colour, end_color=colour, fill_type="solid"),
            stopIfTrue=True,
        )
        ws.conditional_formatting.add(target, rule)


def write_new_register(path: Path, handlers: Sequence[str], categories: Sequence[str]) -> Path:
    """Create the register file; never overwrites an existing one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = build_register(handlers, categories)
    if path.exists():
        raise FileExistsError(path)
    atomic_write(path, data)
    return path
