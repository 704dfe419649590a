"""The register writer changes only what it means to: fidelity on a LibreOffice-made workbook."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.formatting.rule import DataBarRule
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo

from openpyxl.utils import get_column_letter

from formkit.register.columns import COLUMNS
from formkit.register.reading import read_register
from formkit.xlsx.patch import WorkbookPatch, excel_text

KEYS = [c.key for c in COLUMNS]
SHEET = "xl/worksheets/sheet1.xml"

# An x14 drop-down that refers to another sheet, as Excel writes it; injected into the sheet.
X14_DV = (
    '<ext xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
    'uri="{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}"><x14:dataValidations '
    'xmlns:xm="http://schemas.microsoft.com/office/excel/2006/main" count="1">'
    '<x14:dataValidation type="list" allowBlank="1"><x14:formula1><xm:f>Lijsten!$A$1:$A$5</xm:f>'
    "</x14:formula1><xm:sqref>D2:D4</xm:sqref></x14:dataValidation></x14:dataValidations></ext>"
)


def col(key: str) -> int:
    """The 1-based column of a SPEC column in a register made by `formkit init`."""
    return KEYS.index(key) + 1


@pytest.fixture(scope="module")
def lo_workbook(tmp_path_factory, soffice) -> Path:
    """A workbook made by LibreOffice with everything staff might have added."""
    from tests.conftest import run_soffice

    folder = tmp_path_factory.mktemp("fidelity")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Klachten"
    headers = [c.header for c in COLUMNS] + ["Eigen kolom"]
    ws.append(headers)
    for i in range(3):
        row = [None] * len(headers)
        row[0] = f"K-2026-00{i + 1}"
        row[1] = dt.date(2026, 1, 10 + i)
        row[col("name") - 1] = f"Naam {i}"
        row[col("satisfaction") - 1] = i + 2
        row[-1] = f"eigen {i}"
        ws.append(row)
        ws.cell(row=i + 2, column=2).number_format = "DD-MM-YYYY"
    lists = wb.create_sheet("Lijsten")
    for i, value in enumerate(["gesprek", "telefoon", "e-mail", "brief", "klachtenformulier"], 1):
        lists.cell(row=i, column=1, value=value)
    dv = DataValidation(type="list", formula1="Lijsten!$A$1:$A$5")
    dv.add("C2:C200")
    ws.add_data_validation(dv)
    sat = get_column_letter(col("satisfaction"))
    ws.conditional_formatting.add(
        f"{sat}2:{sat}200", DataBarRule(start_type="num", start_value=1, end_type="num", end_value=5, color="638EC6")
    )
    ws["E2"].comment = Comment("Naam gecontroleerd", "Yvonne")
    last = get_column_letter(len(headers))
    ws.add_table(Table(displayName="Register", ref=f"A1:{last}4", tableStyleInfo=TableStyleInfo(name="TableStyleMedium9")))
    wb.defined_names["Keuzes"] = DefinedName("Keuzes", attr_text="Lijsten!$A$1:$A$5")
    ws.column_dimensions["G"].hidden = True
    wb.create_sheet("Notities")["A1"] = "Notities van het team"
    src = folder / "src.xlsx"
    wb.save(src)
    run_soffice(soffice, ["--convert-to", "xlsx", "--outdir", str(folder / "lo"), str(src)], folder)
    made = folder / "lo" / "src.xlsx"
    # Add an Excel-style x14 drop-down to the extension list LibreOffice wrote.
    with zipfile.ZipFile(made) as zin:
        members = [(info, zin.read(info)) for info in zin.infolist()]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, body in members:
            if info.filename == SHEET:
                body = body.replace(b"</extLst></worksheet>", X14_DV.encode() + b"</extLst></worksheet>")
                assert X14_DV.encode() in body
            zout.writestr(info, body)
    made.write_bytes(out.getvalue())
    return made


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def patched(path: Path) -> tuple[bytes, bytes]:
    original = path.read_bytes()
    register = read_register(path)
    patch = WorkbookPatch(original, register.sheet_name)
    patch.set_cells(3, {col("reaction_date"): dt.date(2026, 11, 24), col("remarks"): "Nieuw & <anders>"})
    assert patch.append_row({1: "K-2026-004", 2: dt.date(2026, 11, 24), col("name"): "Zoë Ümit"}) == 5
    return original, patch.save()


def test_only_changed_members_differ(lo_workbook):
    original, new = patched(lo_workbook)
    before, after = members(original), members(new)
    assert list(before) == list(after), "members and their order are kept"
    changed = {name for name in before if before[name] != after[name]}
    assert changed == {SHEET, "xl/tables/table1.xml", "xl/styles.xml"}
    old_styles, new_styles = (openpyxl.load_workbook(io.BytesIO(d))._cell_styles for d in (original, new))
    assert len(new_styles) == len(old_styles) + 1, "one format added: the empty cell's look with a date format"
    assert after["xl/styles.xml"].count(b"<numFmt ") == before["xl/styles.xml"].count(b"<numFmt "), \
        "the workbook's own DD-MM-YYYY format is used, not a second one"


def test_extensions_and_staff_parts_survive(lo_workbook):
    _, new = patched(lo_workbook)
    sheet = members(new)[SHEET].decode()
    assert "x14:cfRule" in sheet and 'type="dataBar"' in sheet, "data bar extension kept"
    assert "<xm:f>Lijsten!$A$1:$A$5</xm:f>" in sheet, "x14 cross-sheet drop-down kept"
    assert "<xm:sqref>D2:D5</xm:sqref>" in sheet, "x14 drop-down follows the appended row"
    assert 'sqref="C2:C200"' in sheet, "classic drop-down kept"
    assert "legacyDrawing" in sheet and "tablePart" in sheet
    table = members(new)["xl/tables/table1.xml"].decode()
    last = get_column_letter(len(COLUMNS) + 1)
    assert f'ref="A1:{last}5"' in table, "table grows over the appended row"
    wb = openpyxl.load_workbook(io.BytesIO(new))
    ws = wb["Klachten"]
    assert ws.column_dimensions["G"].hidden
    assert ws["E2"].comment is not None and "gecontroleerd" in ws["E2"].comment.text
    assert "Keuzes" in wb.defined_names
    assert wb.sheetnames == ["Klachten", "Lijsten", "Notities"]
    assert ws.cell(row=3, column=len(COLUMNS) + 1).value == "eigen 1", "staff column untouched"


def test_new_values_read_back_by_openpyxl_and_formkit(lo_workbook, tmp_path):
    _, new = patched(lo_workbook)
    ws = openpyxl.load_workbook(io.BytesIO(new))["Klachten"]
    assert ws.cell(row=3, column=col("reaction_date")).value == dt.datetime(2026, 11, 24)
    assert ws.cell(row=3, column=col("reaction_date")).is_date
    assert ws.cell(row=3, column=col("remarks")).value == "Nieuw & <anders>"
    assert ws.cell(row=5, column=col("name")).value == "Zoë Ümit"
    path = tmp_path / "new.xlsx"
    path.write_bytes(new)
    register = read_register(path)
    assert [c.number for c in register.complaints] == ["K-2026-001", "K-2026-002", "K-2026-003", "K-2026-004"]
    assert register.get("K-2026-002").reaction_date == dt.date(2026, 11, 24)
    assert register.get("K-2026-004").received == dt.date(2026, 11, 24)


def test_libreoffice_opens_the_result(lo_workbook, tmp_path, lo_convert):
    _, new = patched(lo_workbook)
    path = tmp_path / "klachten.xlsx"
    path.write_bytes(new)
    out = lo_convert(path, "csv:Text - txt - csv (StarCalc):44,34,76,1")  # first sheet, UTF-8
    text = out.read_text(encoding="utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[4][0] == "K-2026-004"
    assert rows[4][col("name") - 1] == "Zoë Ümit"
    assert rows[2][col("remarks") - 1] == "Nieuw & <anders>"
    assert rows[2][col("reaction_date") - 1] in ("24-11-2026", "2026-11-24", "11/24/26", "24-11-26")


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x.example\",\"klik\")", "+31 6 1234 5678", "@x", "-3+4", "=1+1"])
def test_values_are_never_formulas(workfolder, value):
    data = workfolder.register.read_bytes()
    patch = WorkbookPatch(data, "Klachten")
    patch.set_cells(2, {1: "K-2026-001", col("phone"): value})
    new = patch.save()
    sheet = members(new)[SHEET].decode()
    assert "<f>" not in sheet and "<f " not in sheet
    workfolder.register.write_bytes(new)
    assert read_register(workfolder.register).get("K-2026-001").phone == value
    ws = openpyxl.load_workbook(workfolder.register)["Klachten"]
    assert ws.cell(row=2, column=col("phone")).data_type == "s"


def test_text_escaping_round_trips(workfolder):
    text = "regel 1\r\nregel 2\n\n_x000D_ letterlijk\x01 ctrl\ttab é ë ü ß 😀"
    patch = WorkbookPatch(workfolder.register.read_bytes(), "Klachten")
    patch.set_cells(2, {1: "K-2026-001", col("description"): text})
    workfolder.register.write_bytes(patch.save())
    got = read_register(workfolder.register).get("K-2026-001").description
    assert got == "regel 1\nregel 2\n\n_x000D_ letterlijk ctrl\ttab é ë ü ß 😀"
    assert excel_text("a_x0041_b") == "a_x005F_x0041_b"


def test_overwriting_a_formula_drops_calc_chain(workfolder, tmp_path):
    wb = openpyxl.load_workbook(workfolder.register)
    wb["Klachten"].cell(row=2, column=col("remarks")).value = "=1+1"
    path = tmp_path / "formula.xlsx"
    wb.save(path)
    data = path.read_bytes()
    # openpyxl writes no calcChain; add one as Excel would.
    with zipfile.ZipFile(io.BytesIO(data)) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    letter = get_column_letter(col("remarks"))
    parts["xl/calcChain.xml"] = (
        f'<?xml version="1.0" encoding="UTF-8"?><calcChain xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><c r="{letter}2" i="1"/></calcChain>'
    ).encode()
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        b'spreadsheetml.calcChain+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdCalc" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/calcChain" Target="calcChain.xml"/></Relationships>',
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zout:
        for name, body in parts.items():
            zout.writestr(name, body)
    patch = WorkbookPatch(out.getvalue(), "Klachten")
    patch.set_cells(2, {col("remarks"): "tekst"})
    new = members(patch.save())
    assert "xl/calcChain.xml" not in new
    assert b"calcChain" not in new["[Content_Types].xml"]
    assert b"calcChain" not in new["xl/_rels/workbook.xml.rels"]


def test_date_style_added_only_when_none_exists(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Klachten"
    ws.append([c.header for c in COLUMNS])
    path = tmp_path / "plain.xlsx"
    wb.save(path)
    patch = WorkbookPatch(path.read_bytes(), "Klachten")
    patch.set_cells(2, {1: "K-2026-001", 2: dt.date(2026, 2, 28)})
    new = patch.save()
    assert b"dd\\-mm\\-yyyy" in members(new)["xl/styles.xml"]
    path.write_bytes(new)
    assert read_register(path).get("K-2026-001").received == dt.date(2026, 2, 28)
    assert openpyxl.load_workbook(path)["Klachten"]["B2"].is_date


def test_1904_workbook_gets_1904_serials(tmp_path):
    wb = openpyxl.Workbook()
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    ws = wb.active
    ws.title = "Klachten"
    ws.append([c.header for c in COLUMNS])
    path = tmp_path / "mac.xlsx"
    wb.save(path)
    register = read_register(path)
    assert register.date1904
    patch = WorkbookPatch(path.read_bytes(), "Klachten")
    assert patch.date1904
    patch.set_cells(2, {1: "K-2026-001", 2: dt.date(2026, 11, 24)})
    path.write_bytes(patch.save())
    assert read_register(path).get("K-2026-001").received == dt.date(2026, 11, 24)
    assert openpyxl.load_workbook(path)["Klachten"]["B2"].value == dt.datetime(2026, 11, 24)


def test_blanking_keeps_format_and_rows_stay_ordered(workfolder):
    patch = WorkbookPatch(workfolder.register.read_bytes(), "Klachten")
    patch.set_cells(5, {1: "K-2026-005"})
    patch.set_cells(3, {1: "K-2026-003", col("name"): "Naam"})
    patch.set_cells(3, {col("name"): None})
    sheet = members(patch.save())[SHEET].decode()
    assert sheet.index('<row r="2"') < sheet.index('<row r="3"') < sheet.index('<row r="5"')
    assert f'<c r="{get_column_letter(col("name"))}3"/>' in sheet or f'r="{get_column_letter(col("name"))}3" s=' in sheet


# -- dimension and tables (the point 5) ------------------------------------------------------

def _sheet_book(tmp_path: Path, cells: dict[str, object], tables: dict[str, str] | None = None) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Blad1"
    for address, value in cells.items():
        ws[address] = value
    for name, area in (tables or {}).items():
        ws.add_table(Table(displayName=name, ref=area, tableStyleInfo=TableStyleInfo(name="TableStyleLight1")))
    path = tmp_path / "boek.xlsx"
    wb.save(path)
    return path.read_bytes()


def _dimension(data: bytes) -> str:
    import re

    return re.search(rb'<dimension ref="([^"]+)"', members(data)[SHEET])[1].decode()


def test_dimension_widens_left_of_and_above_the_cells(tmp_path):
    data = _sheet_book(tmp_path, {"C3": "a", "D5": "b"})
    assert _dimension(data) == "C3:D5"
    patch = WorkbookPatch(data, "Blad1")
    patch.set_cells(2, {1: "links boven"})
    patch.set_cells(7, {6: 1})
    assert _dimension(patch.save()) == "A2:F7"


def test_a_table_elsewhere_does_not_grow_with_a_row_appended_in_other_columns(tmp_path):
    cells = {"A1": "Nr", "B1": "Naam", "A2": 1, "B2": "x", "A3": 2, "B3": "y",
             "F1": "Code", "G1": "Omschrijving", "F2": "k", "G2": "l", "F3": "m", "G3": "n"}
    data = _sheet_book(tmp_path, cells, {"Links": "A1:B3", "Rechts": "F1:G3"})
    patch = WorkbookPatch(data, "Blad1")
    assert patch.append_row({1: 3, 2: "z"}) == 4
    after = members(patch.save())
    tables = {name: body for name, body in after.items() if name.startswith("xl/tables/")}
    grown = [name for name, body in tables.items() if b'ref="A1:B4"' in body]
    assert len(grown) == 1, "the table above the new row grows"
    assert any(b'ref="F1:G3"' in body for body in tables.values()), "the table beside it does not"


def test_a_table_grows_only_with_a_value_in_its_columns(tmp_path):
    """An append in A and D below a table in B:C (columns min..max span it, no value falls in it)."""
    cells = {"B1": "Code", "C1": "Naam", "B2": "k", "C2": "l", "A2": 9, "D2": 8}
    data = _sheet_book(tmp_path, cells, {"Midden": "B1:C2"})
    patch = WorkbookPatch(data, "Blad1")
    assert patch.append_row({1: 1, 4: 2}) == 3
    table = next(body for name, body in members(patch.save()).items() if name.startswith("xl/tables/"))
    assert b'ref="B1:C2"' in table


def test_a_cell_standing_in_another_row_is_refused_only_when_its_row_is_written(tmp_path):
    from formkit.xlsx import DamagedWorkbook

    data = _sheet_book(tmp_path, {"A1": "kop", "A2": 1, "A3": 2, "A4": 3})
    body = members(data)[SHEET].replace(b'<c r="A3"', b'<c r="A9"')
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for info in zin.infolist():
            zout.writestr(info, body if info.filename == SHEET else zin.read(info))
    patch = WorkbookPatch(out.getvalue(), "Blad1")
    patch.set_cells(4, {2: "naast"})
    patch.append_row({1: 4})  # looks at rows 3 and 4 above, writes neither
    patch.save()
    with pytest.raises(DamagedWorkbook, match="A9 inside row 3"):
        WorkbookPatch(out.getvalue(), "Blad1").set_cells(3, {2: "hier"})


def test_a_patch_of_the_package_a_reader_holds_writes_the_same_bytes(workfolder):
    """The register's package, its sheet already read for the error cells, is patched as is: the same
    new bytes as a patch that reads every part itself; the package of other bytes is refused."""
    from formkit.register.storage import update_register
    from formkit.xlsx.package import Package

    empty = workfolder.register.read_bytes()
    with update_register(workfolder, "test") as update:
        for i in range(1, 4):
            update.append({"number": f"K-2026-00{i}", "received": dt.date(2026, 11, i), "name": f"Naam {i}"})
    data = workfolder.register.read_bytes()
    register = read_register(workfolder.register, data)
    assert register.package is not None and register.package.data is data

    def edited(patch: WorkbookPatch) -> bytes:
        patch.set_cells(3, {col("reaction_date"): dt.date(2026, 11, 24), col("remarks"): "anders"})
        patch.append_row({1: "K-2026-004", col("name"): "Zoë"})
        return patch.save()

    assert edited(WorkbookPatch(data, "Klachten", package=register.package)) == edited(WorkbookPatch(data, "Klachten"))
    with pytest.raises(ValueError, match="not the package of these bytes"):
        WorkbookPatch(data, "Klachten", package=Package(empty))
