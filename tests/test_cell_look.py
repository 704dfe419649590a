"""A written cell keeps its look, as in Excel: the staff-colour cases of the issue on a register made
by `formkit init` and coloured with openpyxl the way staff colour it in Excel; and workbooks that
are valid but unusual (no styles, empty cellXfs, cells without r, a wrapped format, Strict OOXML, an
Excel 4.0 macro sheet, a member twice in the zip) written correctly or refused with a true Dutch message.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import io
import zipfile

import openpyxl
import pytest
import python_calamine
from openpyxl.styles import Border, Font, PatternFill, Side

from formkit.documents.letters import make_documents
from formkit.errors import RegisterError
from formkit.register.columns import COLUMNS
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from formkit.workfolder.create import init_workfolder
from tests import xlsxharness as harness

TODAY = dt.date.today()
KEYS = [c.key for c in COLUMNS]
RED = PatternFill("solid", fgColor="FFFF0000")
GREEN = PatternFill("solid", fgColor="FF00B050")
YELLOW = PatternFill("solid", fgColor="FFFFFF00")
THIN = Side(style="thin", color="FF000000")


def col(key: str) -> int:
    """1-based column of a register key in a register made by `formkit init`."""
    return KEYS.index(key) + 1


def complaint(n: int) -> dict[str, object]:
    return {"number": f"K-2026-{n:03d}", "received": TODAY - dt.timedelta(days=3), "client_type": "particulier",
            "name": f"Klager {n}", "address": f"Kerkstraat {n}", "postcode": "5492 AB", "city": "Sint-Oedenrode",
            "description": f"Klacht {n}", "handler": "Yvonne Lips", "serious": "nee"}


def add_complaints(settings, numbers) -> None:
    with update_register(settings, "test") as update:
        for n in numbers:
            update.append(complaint(n))


def row_of(settings, number: str) -> int:
    return read_register(settings.register).get(number).row


def staff_colours(settings, change) -> None:
    """What a member of staff does in Excel, done with openpyxl: open, change formats, save."""
    wb = openpyxl.load_workbook(settings.register)
    change(wb["Klachten"])
    wb.save(settings.register)


def colour_row(ws, row: int, fill: PatternFill) -> None:
    """A whole row coloured as Excel does it: the row's format and every cell the row has."""
    ws.row_dimensions[row].fill = fill
    for (r, _), cell in list(ws._cells.items()):
        if r == row:
            cell.fill = fill


def look(settings, row: int, key: str):
    """(fill, border, font, alignment, protection, number format) of a cell, as openpyxl reads it."""
    cell = openpyxl.load_workbook(settings.register)["Klachten"].cell(row=row, column=col(key))
    styles = (copy.copy(s) for s in (cell.fill, cell.border, cell.font, cell.alignment, cell.protection))
    return (*styles, cell.number_format, cell)  # copies: openpyxl's proxies do not compare


def row_look(settings, row: int):
    """The look of a cell that is not in the row: the row's format (customFormat)."""
    wb = openpyxl.load_workbook(settings.register)
    ws = wb["Klachten"]
    style = wb._cell_styles[ws.row_dimensions[row].s]
    return (wb._fills[style.fillId], wb._borders[style.borderId], wb._fonts[style.fontId])


def assert_only_the_format_changed(before, after, what: str) -> None:
    names = ("fill", "border", "font", "alignment", "protection")
    for name, old, new in zip(names, before[:5], after[:5], strict=True):
        assert old == new, f"{what}: the {name} changed: {old!r} -> {new!r}"
    assert after[6].is_date, f"{what}: the number format {after[5]!r} shows no date"


def brief_ontvangst(settings, *numbers: str) -> None:
    make_documents(settings, "ontvangst", list(numbers), today=TODAY)
    register = read_register(settings.register)
    for number in numbers:
        assert register.get(number).reaction_date == TODAY


# -- the staff-colour cases of the issue -----------------------------------------------------------------

def test_a_red_row_keeps_its_colour_in_datum_reactie(workfolder):
    """A row coloured red lost its colour in Datum reactie after `brief ontvangst`: the cell that is
    there keeps its own red look, a cell not yet in the row takes the row's red format."""
    add_complaints(workfolder, [1, 2])
    first, second = row_of(workfolder, "K-2026-001"), row_of(workfolder, "K-2026-002")
    staff_colours(workfolder, lambda ws: (colour_row(ws, first, RED), colour_row(ws, second, RED)))
    wb = openpyxl.load_workbook(workfolder.register)
    exists = (first, col("reaction_date")) in wb["Klachten"]._cells
    missing = (second, col("reaction_date")) not in wb["Klachten"]._cells
    assert exists and missing, "one Datum reactie cell is in its row, the other is not"
    before = look(workfolder, first, "reaction_date")
    row_format = row_look(workfolder, second)

    brief_ontvangst(workfolder, "K-2026-001", "K-2026-002")

    assert_only_the_format_changed(before, look(workfolder, first, "reaction_date"), "existing red cell")
    new = look(workfolder, second, "reaction_date")
    assert (new[0], new[1], new[2]) == row_format, "the new cell has the row's look"
    assert new[0].fgColor.rgb == "FFFF0000" and new[6].is_date
    assert look(workfolder, second, "name")[0].fgColor.rgb == "FFFF0000", "the rest of the row stays red"


def test_one_green_row_does_not_colour_the_next(workfolder):
    """Colouring only K-2026-007 green made K-2026-008's new date cell green too: the row appended
    after it, and a cell recorded in that row later, take their columns' look, never a neighbour's."""
    add_complaints(workfolder, range(1, 8))
    brief_ontvangst(workfolder, "K-2026-007")  # 007 has its own Datum reactie cell
    seventh = row_of(workfolder, "K-2026-007")
    staff_colours(workfolder, lambda ws: colour_row(ws, seventh, GREEN))
    plain = look(workfolder, seventh - 1, "received")

    add_complaints(workfolder, [8])
    eighth = row_of(workfolder, "K-2026-008")
    assert eighth == seventh + 1
    for key in ("number", "received", "name"):
        assert look(workfolder, eighth, key)[0].fgColor.rgb != "FF00B050", f"{key} of 008 is not green"
    assert_only_the_format_changed(plain, look(workfolder, eighth, "received"), "appended date")

    brief_ontvangst(workfolder, "K-2026-008")
    recorded = look(workfolder, eighth, "reaction_date")
    assert recorded[0].fgColor.rgb != "FF00B050" and recorded[6].is_date, "Datum reactie of 008 is not green"
    assert look(workfolder, seventh, "reaction_date")[0].fgColor.rgb == "FF00B050", "007 stays green"


def test_a_yellow_bordered_cell_keeps_fill_and_border_when_a_date_goes_in(workfolder):
    add_complaints(workfolder, [1, 2])
    rows = [row_of(workfolder, "K-2026-001"), row_of(workfolder, "K-2026-002")]

    def mark(ws):
        for row in rows:  # row 2 has a formatted Datum reactie cell from `init`; the next row has none
            cell = ws.cell(row=row, column=col("reaction_date"))
            cell.fill, cell.border = YELLOW, Border(left=THIN, right=THIN, top=THIN, bottom=THIN)

    staff_colours(workfolder, mark)
    before = [look(workfolder, row, "reaction_date") for row in rows]
    brief_ontvangst(workfolder, "K-2026-001", "K-2026-002")
    for row, old in zip(rows, before, strict=True):
        new = look(workfolder, row, "reaction_date")
        assert_only_the_format_changed(old, new, f"yellow cell in row {row}")
        assert new[0].fgColor.rgb == "FFFFFF00" and new[1].left.style == "thin"


def test_italic_stays_italic(workfolder):
    add_complaints(workfolder, [1, 2, 3])
    row = row_of(workfolder, "K-2026-003")
    staff_colours(workfolder, lambda ws: setattr(ws.cell(row=row, column=col("reaction_date")), "font",
                                                  Font(italic=True, color="FF7030A0")))
    before = look(workfolder, row, "reaction_date")
    brief_ontvangst(workfolder, "K-2026-003")
    after = look(workfolder, row, "reaction_date")
    assert after[2].italic
    assert_only_the_format_changed(before, after, "italic cell")


# -- valid but unusual workbooks: written and read back, or refused in Dutch ----------------------------

VARIANTS = {
    "empty-cellXfs": harness.with_empty_cell_formats,
    "no-styles-part": harness.without_styles,
    "cells-without-r": harness.without_cell_refs,
    "wrapped-xf": harness.with_wrapped_format,
    "strict": harness.to_strict,
}


@pytest.fixture(scope="module")
def variants(tmp_path_factory, soffice):
    """Each variant of a register with three complaints: patched by the harness (every check), and used
    as the register for `brief ontvangst`; LibreOffice reads all of them back in one run."""
    results = {}
    cases = []
    for name, make in VARIANTS.items():
        settings = init_workfolder(tmp_path_factory.mktemp(name) / "klachten").settings
        add_complaints(settings, [1, 2, 3])
        data = make(settings.register.read_bytes())
        settings.register.write_bytes(data)
        original, patched, edits = harness.run_patch(data)
        problems = harness.check(original, patched, edits)
        row = row_of(settings, "K-2026-002")
        make_documents(settings, "ontvangst", ["K-2026-002"], today=TODAY)
        after = settings.register.read_bytes()
        cells = [harness.Edit(row, col("reaction_date"), TODAY)]
        register_edits = harness.Edits("Klachten", edits.part, 0, row, cells, None)
        results[name] = {"problems": problems, "register": read_register(settings.register), "data": after,
                         "before": data, "row": row}
        cases += [harness.Case(original, patched, edits, ".xlsx"), harness.Case(data, after, register_edits, ".xlsx")]
    lo = harness.libreoffice_problems(cases, tmp_path_factory.mktemp("lo"), soffice)
    for i, name in enumerate(VARIANTS):
        results[name]["libreoffice"] = lo[2 * i].problems + lo[2 * i + 1].problems
    return results


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_unusual_workbook_is_written_and_read_back(variants, variant):
    found = variants[variant]
    assert found["problems"] == [], "the harness finds no broken promise"
    assert found["libreoffice"] == [], "LibreOffice reads the written values back"
    assert found["register"].get("K-2026-002").reaction_date == TODAY, "formkit reads the date back"
    row = found["row"]
    grid = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(found["data"])).get_sheet_by_name(
        "Klachten").to_python(skip_empty_area=False)
    got = grid[row - 1][col("reaction_date") - 1]
    serial = (TODAY - dt.date(1899, 12, 30)).days
    assert got in (TODAY, dt.datetime.combine(TODAY, dt.time())) or (variant == "wrapped-xf" and got == serial)
    if variant in ("strict", "wrapped-xf"):
        # openpyxl reads no Strict OOXML, and numbers cellXfs without the wrapped format, so it cannot
        # open that register even before formkit wrote to it
        with pytest.raises(IndexError if variant == "wrapped-xf" else KeyError):
            openpyxl.load_workbook(io.BytesIO(found["before"]))["Klachten"]
        return
    cell = openpyxl.load_workbook(io.BytesIO(found["data"]))["Klachten"].cell(row=row, column=col("reaction_date"))
    assert cell.value == dt.datetime.combine(TODAY, dt.time()) and cell.is_date


def test_a_workbook_without_styles_gains_one_styles_part(variants):
    before, after = (zipfile.ZipFile(io.BytesIO(variants["no-styles-part"][k])) for k in ("before", "data"))
    assert not [n for n in before.namelist() if "styles" in n]
    added = [n for n in after.namelist() if n not in before.namelist()]
    assert added == ["xl/styles.xml"]
    assert b"/styles" in after.read("xl/_rels/workbook.xml.rels")
    assert b'PartName="/xl/styles.xml"' in after.read("[Content_Types].xml")


def test_empty_cellxfs_keeps_every_other_cell_plain(variants):
    styles = zipfile.ZipFile(io.BytesIO(variants["empty-cellXfs"]["data"])).read("xl/styles.xml")
    book = harness.StyleBook(styles)
    assert len(book) == 2 and not book.is_date(0) and book.is_date(1), "a plain format 0, then the date"


def test_strict_stays_strict(variants):
    with zipfile.ZipFile(io.BytesIO(variants["strict"]["data"])) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
        assert b"http://purl.oclc.org/ooxml/spreadsheetml/main" in sheet
        assert b"schemas.openxmlformats.org/spreadsheetml" not in sheet


def test_an_xlsm_with_an_excel4_macro_sheet_is_refused_truthfully_in_dutch(workfolder):
    add_complaints(workfolder, [1])
    xlsm = workfolder.register.with_suffix(".xlsm")
    xlsm.write_bytes(harness.with_macro_sheet(workfolder.register.read_bytes()))
    settings = dataclasses.replace(workfolder, register_path=xlsm.relative_to(workfolder.root))
    with pytest.raises(RegisterError) as refused:
        read_register(xlsm)
    message = str(refused.value)
    assert xlsm.name in message and "Excel 4.0-macroblad ('Macro1')" in message and "niets gewijzigd" in message
    assert "Cannot detect" not in message and "beschadigd" not in message
    with pytest.raises(RegisterError):
        make_documents(settings, "ontvangst", ["K-2026-001"], today=TODAY)
    assert not any(settings.dossiers.rglob("*.docx")), "refused before any document is made"


@pytest.mark.parametrize("case", [False, True], ids=["same-name", "name-differing-in-case"])
def test_a_member_twice_in_the_zip_is_refused_as_damaged(workfolder, case):
    add_complaints(workfolder, [1])
    data = workfolder.register.read_bytes()
    part = "xl/worksheets/sheet1.xml"
    other = zipfile.ZipFile(io.BytesIO(data)).read(part).replace(b"Klager 1", b"Iemand anders")
    workfolder.register.write_bytes(harness.with_member(data, part.upper() if case else part, other))
    with pytest.raises(RegisterError) as refused:
        brief_ontvangst(workfolder, "K-2026-001")
    message = str(refused.value)
    assert workfolder.register.name in message and "beschadigd" in message and "twee keer" in message
    assert not any(workfolder.dossiers.rglob("*.docx"))


def test_a_chart_sheet_is_not_called_damaged(tmp_path):
    from formkit.register.file import refusal
    from formkit.xlsx import NotAWorksheet, WorkbookPatch

    data = (harness.CORPUS / "debsrc-libxlsxwriter" / "chartsheet08.xlsx").read_bytes()
    with pytest.raises(NotAWorksheet) as refused:
        WorkbookPatch(data, "Chart1")
    message = str(refusal(refused.value, "boek.xlsx"))
    assert "grafiekblad" in message and "beschadigd" not in message
