"""Register fuzzing: odd registers are read correctly or refused in Dutch, and writes keep the rest.

Each register here is one staff might really hand formkit: made with openpyxl, some passed through
LibreOffice (which computes formula values and writes .xlsm/.xls/.ods), some with Excel's own XML
put in by hand (shared formulas, error cells). A register that is read gets one real write through
`update_register` (a cell set, a row appended); every other cell must be as it was.
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import PatternFill
from openpyxl.worksheet.formula import ArrayFormula

from formkit.cli import main
from formkit.register.columns import column_letter
from formkit.settings import load_settings
from formkit.dates import to_serial
from formkit.errors import RegisterError
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from tests.conftest import run_soffice
from tests.registerfiles import (
    HEADERS,
    STAFF,
    base,
    cell_xml,
    col,
    csv_rows,
    damaged_variants,
    docx_text,
    edit_sheet,
    encrypted_xlsx,
    ref,
    save,
    snapshot,
)



TODAY = dt.date(2026, 11, 24)


def write_once(path: Path, settings_root: Path, *, set_on: str = "K-2026-001",
               values: dict | None = None) -> dict[tuple[str, str], object]:
    """One real write: set Opmerkingen (or `values`) on a complaint and append K-2026-900."""
    settings = load_settings(settings_root, register=path)
    values = values or {"remarks": "bijgewerkt"}
    with update_register(settings, "fuzz") as update:
        update.set(update.register.get(set_on), values)
        update.append({"number": "K-2026-900", "received": TODAY, "name": "Nieuwe klager"})
    register = read_register(path)
    new = register.get("K-2026-900")
    assert (new.received, new.name) == (TODAY, "Nieuwe klager")
    sheet = register.sheet_name
    return {(sheet, f"{column_letter(register.columns[k])}{new.row}") for k in ("number", "received", "name")} | {
        (sheet, f"{column_letter(register.columns[k])}{register.get(set_on).row}") for k in values}


def assert_only_changed(before: dict, after: dict, touched: set) -> None:
    """Cells outside `touched` are exactly as they were (value, formula or array formula)."""
    differ = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    assert differ <= touched, f"cells changed that formkit did not mean to: {sorted(differ - touched)}"


def read_and_write(path: Path, root: Path, **kwargs) -> dict:
    before = snapshot(path)
    touched = write_once(path, root, **kwargs)
    after = snapshot(path)
    assert_only_changed(before, after, touched)
    return after


def refused(path: Path, *fragments: str, root: Path | None = None) -> str:
    """read_register refuses with a Dutch RegisterError naming the file; the CLI exits 2, no traceback."""
    with pytest.raises(RegisterError) as info:
        read_register(path)
    message = info.value.message
    assert path.name in message, message
    for fragment in fragments:
        assert fragment in message, message
    if root is not None:
        result = CliRunner().invoke(main, ["--map", str(root), "--register", str(path), "controle"])
        assert result.exit_code == 2 and isinstance(result.exception, SystemExit), result.output
        assert "Fout:" in result.stderr and "Traceback" not in result.output
    return message


@pytest.fixture
def root(workfolder) -> Path:
    return workfolder.root


# -- made by LibreOffice: formulas with computed values, array formulas, errors, 1904, other formats --


def _formulas() -> openpyxl.Workbook:
    wb = base(4)
    ws = wb.active
    for row in range(2, 6):
        ws.cell(row=row, column=col("number") + 1, value='="K-2026-"&TEXT(ROW()-1,"000")')
        ws.cell(row=row, column=col("received") + 1, value="=DATE(2026,11,ROW())")
        ws.cell(row=row, column=col("name") + 1, value='="Naam "&(ROW()-1)')
        ws.cell(row=row, column=len(HEADERS) + 1, value=f"={ref('received', row)}+7")
    signal = col("signal") + 1
    ws.cell(row=2, column=signal).value = ArrayFormula(f"{ref('signal', 2)}:{ref('signal', 4)}",
                                                       f'=IF({ref("received", 2)}:{ref("received", 4)}'
                                                       f'<DATE(2026,11,3),"oud","nieuw")')
    ws.cell(row=2, column=col("remarks") + 1).value = ArrayFormula(ref("remarks", 2), '=UPPER("een")')
    ws.cell(row=2, column=col("reaction_date") + 1, value="=NA()")
    ws.cell(row=3, column=col("course") + 1, value="=1/0")
    return wb


def _dates1904() -> openpyxl.Workbook:
    wb = base(2)
    wb.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
    return wb


@pytest.fixture(scope="module")
def lo_made(tmp_path_factory, soffice) -> dict[str, Path]:
    """Registers saved by LibreOffice, one soffice run per target format."""
    folder = tmp_path_factory.mktemp("lo-made")
    sources = {"formules": _formulas(), "datum1904": _dates1904(), "gewoon": base(3)}
    for name, wb in sources.items():
        wb.save(folder / f"{name}.xlsx")
    made: dict[str, Path] = {}
    for fmt, names in (("xlsx", ["formules", "datum1904"]), ("xlsm:Calc MS Excel 2007 VBA XML", ["gewoon"]),
                       ("xls:MS Excel 97", ["gewoon"]), ("ods", ["gewoon"])):
        ext = fmt.split(":")[0]
        out = folder / f"lo-{ext}"
        out.mkdir()
        run_soffice(soffice, ["--convert-to", fmt, "--outdir", str(out), *[str(folder / f"{n}.xlsx") for n in names]],
                    folder)
        for name in names:
            made[f"{name}.{ext}"] = out / f"{name}.{ext}"
            assert made[f"{name}.{ext}"].exists()
    return made


def copy(source: Path, tmp_path: Path, name: str | None = None) -> Path:
    target = tmp_path / (name or source.name)
    shutil.copyfile(source, target)
    return target


def test_formulas_read_from_their_computed_values(lo_made, tmp_path, root):
    path = copy(lo_made["formules.xlsx"], tmp_path, "register.xlsx")
    register = read_register(path)
    assert [c.number for c in register.complaints] == ["K-2026-001", "K-2026-002", "K-2026-003", "K-2026-004"]
    first = register.get("K-2026-002")
    assert (first.received, first.name) == (dt.date(2026, 11, 3), "Naam 2")
    assert [c.signal for c in register.complaints[:3]] == ["oud", "nieuw", "nieuw"]
    assert register.get("K-2026-001").remarks == "EEN"
    [problem] = register.get("K-2026-001").problems
    assert (problem.cell, problem.header) == (ref("reaction_date", 2), "Datum reactie") and "#N/A" in problem.text
    [problem] = register.get("K-2026-002").problems
    assert problem.cell == ref("course", 3) and "#DIV/0!" in problem.text
    # overwrite formula cells: the received date (a plain formula) and a one-cell array formula
    after = read_and_write(path, root, set_on="K-2026-003",
                           values={"received": dt.date(2026, 10, 1), "remarks": "bijgewerkt"})
    assert after[("Klachten", ref("received", 4))] == dt.datetime(2026, 10, 1)
    assert after[("Klachten", ref("received", 3))] == "=DATE(2026,11,ROW())", "other formulas stay formulas"
    assert read_register(path).get("K-2026-003").received == dt.date(2026, 10, 1)


def test_writing_into_an_array_formula_is_refused_and_changes_nothing(lo_made, tmp_path, root):
    path = copy(lo_made["formules.xlsx"], tmp_path, "register.xlsx")
    before = path.read_bytes()
    settings = load_settings(root, register=path)
    for number in ("K-2026-001", "K-2026-002"):  # the formula's own cell and one it fills
        with pytest.raises(RegisterError) as info:
            with update_register(settings, "fuzz") as update:
                update.set(update.register.get(number), {"signal": "Reactie te laat"})
        assert "matrixformule" in info.value.message and "register.xlsx" in info.value.message
        assert f"{ref('signal', 2)}:{ref('signal', 4)}" in info.value.message
        assert path.read_bytes() == before
    # the one-cell array formula of Opmerkingen on row 2 is overwritten like any formula
    read_and_write(path, root, set_on="K-2026-001")


def test_1904_dates_read_and_written_in_1904(lo_made, tmp_path, root):
    path = copy(lo_made["datum1904.xlsx"], tmp_path, "register.xlsx")
    register = read_register(path)
    assert register.date1904
    assert register.get("K-2026-002").received == dt.date(2026, 11, 2)
    after = read_and_write(path, root, values={"reaction_date": dt.date(2026, 11, 20)})
    assert after[("Klachten", ref("reaction_date", 2))] == dt.datetime(2026, 11, 20)
    assert read_register(path).get("K-2026-001").reaction_date == dt.date(2026, 11, 20)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert f"<v>{to_serial(dt.date(2026, 11, 20), True)}</v>" in xml


def test_xlsm_is_read_and_written_keeping_its_parts(lo_made, tmp_path, root):
    path = copy(lo_made["gewoon.xlsm"], tmp_path, "klachtenregister.xlsm")
    assert [c.number for c in read_register(path).complaints] == ["K-2026-001", "K-2026-002", "K-2026-003"]
    old = zipfile.ZipFile(io.BytesIO(path.read_bytes()))
    read_and_write(path, root)
    new = zipfile.ZipFile(path)
    for name in old.namelist():
        if name != "xl/worksheets/sheet1.xml":
            assert new.read(name) == old.read(name), f"{name} changed"
    assert b"macroEnabled" in new.read("[Content_Types].xml")


def test_files_that_are_no_xlsx_are_refused_naming_what_they_are(lo_made, tmp_path, root):
    xls = copy(lo_made["gewoon.xls"], tmp_path, "klachtenregister.xls")
    refused(xls, "Excel 97-2003", ".xlsx", root=root)
    ods = copy(lo_made["gewoon.ods"], tmp_path, "klachtenregister.ods")
    refused(ods, "OpenDocument", root=root)
    csv_file = tmp_path / "klachtenregister.csv"
    csv_file.write_text(";".join(HEADERS) + "\nK-2026-001;01-11-2026\n", encoding="utf-8-sig")
    refused(csv_file, "CSV", "Opslaan als", root=root)
    secret = encrypted_xlsx(tmp_path / "beveiligd.xlsx")
    refused(secret, "wachtwoord", root=root)
    other_zip = tmp_path / "archief.xlsx"
    with zipfile.ZipFile(other_zip, "w") as zf:
        zf.writestr("brief.docx", b"geen werkmap")
    refused(other_zip, "zip-bestand maar geen Excel-werkmap", root=root)
    empty = tmp_path / "leeg.xlsx"
    empty.write_bytes(b"")
    refused(empty, "leeg", root=root)
    whole = save(base(3), tmp_path / "heel.xlsx").read_bytes()
    half = tmp_path / "half.xlsx"
    half.write_bytes(whole[: len(whole) // 2])
    refused(half, "beschadigd", root=root)
    pdf = tmp_path / "scan.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)))
    refused(pdf, "PDF", root=root)


def test_libreoffice_opens_written_registers(lo_made, tmp_path, root, lo_convert):
    """A sample of written registers (1904, xlsm, shared formulas) opens in LibreOffice with the new values."""
    first = copy(lo_made["datum1904.xlsx"], tmp_path, "datum1904.xlsx")
    write_once(first, root)
    second = copy(lo_made["gewoon.xlsm"], tmp_path, "gewoon.xlsm")
    write_once(second, root)
    third = shared_formulas(tmp_path / "gedeeld.xlsx")
    write_once(third, root, values={"extended_until": dt.date(2027, 1, 15)})
    for path in (first, second, third):
        rows = list(csv_rows(lo_convert(path, "csv")))
        assert rows[0][: len(HEADERS)] == HEADERS, path.name
        assert rows[-1][col("number")] == "K-2026-900" and rows[-1][col("name")] == "Nieuwe klager"
        assert [r[col("number")] for r in rows[1:-1]] == [f"K-2026-{i:03d}" for i in range(1, len(rows) - 1)]
    assert rows[1][col("extended_until")] in ("01/15/2027", "15-01-2027")
    assert rows[2][col("extended_until")] == "12/14/2026", "the dependents of the shared formula are intact"
    assert rows[1][-1] == "6", "the staff column's shared formula is intact"
    first_rows = list(csv_rows(tmp_path / "lo-csv" / "datum1904.csv"))
    assert first_rows[1][col("remarks")] == "bijgewerkt" and first_rows[1][col("received")] == "11/01/2026"


# -- shared formulas, as Excel writes them ----------------------------------------------------


def shared_formulas(path: Path, rows: int = 4) -> Path:
    """Verlengd tot = Datum ontvangst + 42 on every row, and a staff column =LEN(name), as shared formulas."""
    wb = base(rows)
    ws = wb.active
    for row in range(2, rows + 2):
        ws.cell(row=row, column=col("extended_until") + 1, value=0).number_format = "dd-mm-yyyy"
        ws.cell(row=row, column=len(HEADERS) + 1, value=0)
    save(wb, path)
    deadline, staff, last = column_letter(col("extended_until")), column_letter(len(HEADERS)), rows + 1

    def change(xml: str) -> str:
        for row in range(2, rows + 2):
            serial = to_serial(dt.date(2026, 11, row - 1)) + 42
            master = row == 2
            f = (f'<f t="shared" ref="{deadline}2:{deadline}{last}" si="0">{ref("received", 2)}+42</f>' if master
                 else '<f t="shared" si="0"/>')
            xml = cell_xml(xml, f"{deadline}{row}", f"{f}<v>{serial}</v>")
            f = (f'<f t="shared" ref="{staff}2:{staff}{last}" si="1">LEN({ref("name", 2)})</f>' if master
                 else '<f t="shared" si="1"/>')
            xml = cell_xml(xml, f"{staff}{row}", f"{f}<v>6</v>")
        return xml

    return edit_sheet(path, change)


def test_overwriting_a_shared_formula_master_keeps_the_cells_that_use_it(tmp_path, root):
    path = shared_formulas(tmp_path / "register.xlsx")
    before = snapshot(path)
    assert before[("Klachten", ref("extended_until", 3))] == f"={ref('received', 3)}+42", "openpyxl expands shared formulas"
    touched = write_once(path, root, values={"extended_until": dt.date(2027, 1, 15)})
    after = snapshot(path)
    assert_only_changed(before, after, touched)
    assert after[("Klachten", ref("extended_until", 2))] == dt.datetime(2027, 1, 15)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert 'si="0"' not in xml, "the dependents got their own formula"
    assert f'<f t="shared" ref="{column_letter(len(HEADERS))}2:' in xml, "the staff column's shared formula is untouched"
    register = read_register(path)
    assert register.get("K-2026-002").extended_until == dt.date(2026, 11, 2) + dt.timedelta(days=42)


def test_overwriting_a_cell_that_uses_a_shared_formula(tmp_path, root):
    path = shared_formulas(tmp_path / "register.xlsx")
    before = snapshot(path)
    touched = write_once(path, root, set_on="K-2026-003", values={"extended_until": dt.date(2027, 2, 1)})
    assert_only_changed(before, snapshot(path), touched)


# -- merged cells ---------------------------------------------------------------------------


def test_merged_cells_in_header_and_data(tmp_path, root):
    wb = base(4)
    ws = wb.active
    staff_col = len(HEADERS) + 1
    ws.cell(row=1, column=staff_col + 1, value=None)
    ws.merge_cells(start_row=1, start_column=staff_col, end_row=1, end_column=staff_col + 1)  # staff header
    ws.merge_cells(f"{ref('remarks', 3)}:{ref('remarks', 4)}")  # Opmerkingen over two complaints
    ws[ref("remarks", 3)] = "geldt voor 002 en 003"
    ws.merge_cells(f"{ref('course', 2)}:{ref('desired_solution', 2)}")  # across columns on one row
    ws[ref("course", 2)] = "Coaching"
    path = save(wb, tmp_path / "register.xlsx")
    register = read_register(path)
    assert register.get("K-2026-002").remarks == "geldt voor 002 en 003"
    assert register.get("K-2026-003").remarks is None, "as Excel: only the first cell of a merge holds the value"
    assert register.get("K-2026-001").course == "Coaching"
    assert register.extra_columns == {STAFF: len(HEADERS)}
    read_and_write(path, root, set_on="K-2026-002")  # the merge's own first cell
    before = path.read_bytes()
    settings = load_settings(root, register=path)
    for number, values in (("K-2026-003", {"remarks": "x"}), ("K-2026-001", {"description": "x"})):
        with pytest.raises(RegisterError, match="samengevoegde cellen") as info:
            with update_register(settings, "fuzz") as update:
                update.set(update.register.get(number), values)
        assert "register.xlsx" in info.value.message
        assert path.read_bytes() == before
    assert openpyxl.load_workbook(path)["Klachten"].merged_cells.ranges


def test_merged_header_hiding_a_column_is_named(tmp_path, root):
    wb = base(1)
    ws = wb.active
    ws.cell(row=1, column=col("channel") + 1, value=None)
    ws.merge_cells(f"{ref('received', 1)}:{ref('channel', 1)}")
    path = save(wb, tmp_path / "register.xlsx")
    message = refused(path, "'Wijze van indienen'", "samengevoegde cellen", f"{ref('received', 1)}:{ref('channel', 1)}",
                      root=root)
    assert "Traceback" not in message


# -- values of odd kinds ----------------------------------------------------------------------


def test_error_values_in_date_and_text_columns(tmp_path, root):
    wb = base(3)
    ws = wb.active
    for address, error in ((ref("handled_date", 2), "#N/A"), (ref("name", 3), "#DIV/0!"),
                           (ref("received", 4), "#VALUE!"), (ref("description", 4), "#REF!")):
        ws[address] = error
        ws[address].data_type = "e"
    path = save(wb, tmp_path / "register.xlsx")
    register = read_register(path)
    first, second, third = register.complaints
    assert first.handled_date is None and [(p.cell, p.header) for p in first.problems] == [
        (ref("handled_date", 2), "Datum afhandeling")]
    assert "#N/A" in first.problems[0].text
    assert second.name is None and "#DIV/0!" in second.problems[0].text
    assert {p.header for p in third.problems} == {"Datum ontvangst", "Omschrijving"}
    result = CliRunner().invoke(main, ["--map", str(root), "--register", str(path), "controle", "--json",
                                       "--peildatum", "2026-11-24"])
    assert result.exit_code == 1 and "#VALUE!" in result.stdout and "gegevens-onjuist" in result.stdout
    after = read_and_write(path, root, values={"handled_date": dt.date(2026, 11, 20)})
    assert after[("Klachten", ref("name", 3))] == "#DIV/0!", "other error cells stay as they were"
    assert not read_register(path).get("K-2026-001").problems


def test_very_long_text_is_read_whole_and_too_long_text_refused(tmp_path, root):
    wb = base(2)
    longest = ("Regel met één ë — " * 2000)[:32767]
    wb.active[ref("description", 2)] = longest
    path = save(wb, tmp_path / "register.xlsx")
    assert read_register(path).get("K-2026-001").description == longest.strip()
    read_and_write(path, root, set_on="K-2026-002", values={"description": longest})
    assert read_register(path).get("K-2026-002").description == longest.strip()
    before = path.read_bytes()
    settings = load_settings(root, register=path)
    with pytest.raises(RegisterError) as info:
        with update_register(settings, "fuzz") as update:
            update.set(update.register.get("K-2026-001"), {"remarks": "x" * 32768})
    assert "32.768 tekens" in info.value.message and "32.767" in info.value.message
    assert ref("remarks", 2) in info.value.message and path.read_bytes() == before


def test_rich_text_style_only_cells_numbers_as_text_and_booleans(tmp_path, root):
    wb = base(3)
    ws = wb.active
    ws[ref("name", 2)] = CellRichText(["Zoë ", TextBlock(InlineFont(b=True), "van Dijk")])
    ws[ref("description", 2)] = CellRichText([TextBlock(InlineFont(i=True), "cursief"), " en gewoon"])
    ws[ref("phone", 2)] = "0612345678"
    ws[ref("postcode", 2)] = 5291
    ws[ref("satisfaction", 2)] = "4"
    ws[ref("received", 3)] = "46350"
    ws[ref("serious", 2)] = True
    ws[ref("serious", 3)] = False
    ws[ref("handled_date", 3)] = True
    grey = PatternFill("solid", fgColor="DDDDDD")
    for row in (5, 6, 7):  # rows with only a style below the data
        for c in range(1, 10):
            ws.cell(row=row, column=c).fill = grey
    ws[ref("city", 2)].fill = grey  # a style, no value
    path = save(wb, tmp_path / "register.xlsx")
    register = read_register(path)
    first, second = register.get("K-2026-001"), register.get("K-2026-002")
    assert (first.name, first.description) == ("Zoë van Dijk", "cursief en gewoon")
    assert (first.phone, first.postcode, first.satisfaction_score) == ("0612345678", "5291", 4)
    assert first.city is None and (first.serious, second.serious) == ("ja", "nee")
    assert second.received == dt.date(2026, 11, 24)
    assert second.problems and second.problems[0].header == "Datum afhandeling"
    assert register.last_row == 4, "style-only rows are not complaints"
    after = read_and_write(path, root, values={"name": "Zoë van Dijk-Jansen"})
    assert register.last_row + 1 == read_register(path).get("K-2026-900").row
    assert ("Klachten", ref("description", 2)) in after
    styled = openpyxl.load_workbook(path)["Klachten"]
    assert styled["A6"].fill.fgColor.rgb.endswith("DDDDDD"), "style-only rows keep their style"


def test_hidden_rows_columns_autofilter_and_filtered_rows(tmp_path, root):
    wb = base(4)
    ws = wb.active
    ws.column_dimensions[column_letter(col("name"))].hidden = True
    ws.row_dimensions[3].hidden = True  # hidden by hand
    last = column_letter(len(HEADERS))
    ws.auto_filter.ref = f"A1:{last}5"
    ws.auto_filter.add_filter_column(col("description"), ["Klacht 1", "Klacht 3", "Klacht 4"])
    ws.row_dimensions[3].hidden = True  # filtered out
    path = save(wb, tmp_path / "register.xlsx")
    register = read_register(path)
    assert [c.number for c in register.complaints] == ["K-2026-001", "K-2026-002", "K-2026-003", "K-2026-004"]
    read_and_write(path, root, set_on="K-2026-002", values={"name": "Verborgen rij"})
    sheet = openpyxl.load_workbook(path)["Klachten"]
    assert sheet.row_dimensions[3].hidden and sheet.column_dimensions[column_letter(col("name"))].hidden
    assert not sheet.row_dimensions[6].hidden, "the appended row is visible"
    assert sheet.auto_filter.ref == f"A1:{last}6", "the filter covers the new row"
    assert read_register(path).get("K-2026-002").name == "Verborgen rij"


def test_empty_rows_in_between(tmp_path, root):
    wb = base(1)
    ws = wb.active
    for row, number in ((5, "K-2026-002"), (9, "K-2026-003")):
        ws.cell(row=row, column=col("number") + 1, value=number)
    path = save(wb, tmp_path / "register.xlsx")
    register = read_register(path)
    assert [c.row for c in register.complaints] == [2, 5, 9]
    read_and_write(path, root, set_on="K-2026-003")
    assert read_register(path).get("K-2026-900").row == 10


# -- shape: header row, sheet names ----------------------------------------------------------


def test_header_not_in_row_1_is_refused_saying_where_it_is(tmp_path, root):
    wb = base(2)
    ws = wb.active
    ws.insert_rows(1, 2)
    ws["A1"] = "Klachtenregister STAP Brabant 2026"
    path = save(wb, tmp_path / "register.xlsx")
    refused(path, "staan de kolomkoppen in rij 3", "niet in rij 1", "de rijen 1 tot en met 2", root=root)


@pytest.mark.parametrize("title", ["klachten ", "KLACHTEN"])
def test_sheet_name_with_other_case_or_space_is_accepted(tmp_path, root, title):
    wb = base(2)
    wb.active.title = "tijdelijk"  # openpyxl would call a second 'Klachten' by case 'KLACHTEN1'
    wb.active.title = title
    path = save(wb, tmp_path / "register.xlsx")
    assert read_register(path).sheet_name == title
    read_and_write(path, root)


def test_other_sheet_name_is_refused_naming_the_sheets(tmp_path, root):
    wb = base(1)
    wb.active.title = "Blad1"
    wb.create_sheet("Lijsten")
    path = save(wb, tmp_path / "register.xlsx")
    refused(path, "geen tabblad 'Klachten'", "'Blad1'", "'Lijsten'", root=root)


def test_exact_sheet_name_wins_over_a_near_one(tmp_path, root):
    wb = base(2)
    near = wb.copy_worksheet(wb.active)
    near.title = "klachten "
    near[ref("name", 2)] = "kopie"
    wb.move_sheet(near, offset=-1)  # the near name comes first in the workbook
    path = save(wb, tmp_path / "register.xlsx")
    assert read_register(path).sheet_name == "Klachten"
    after = read_and_write(path, root)
    assert after[("klachten ", ref("name", 2))] == "kopie"
    assert ("klachten ", ref("remarks", 2)) not in after, "the write went to the sheet named exactly Klachten"


# -- template abuse: Jinja typed into the register is text in every document --------------------

JINJA = {
    "name": "{{ 7*7 }} Jansen",
    "address": "{% for x in range(10) %}x{% endfor %}straat 1",
    "organisation": "{{ ''.__class__ }}",
    "course": "{{r klacht.naam }} {%p if true %}",
    "description": "Zie {{ config }} en {{ self.__init__.__globals__ }} {# commentaar #} }} {% endraw %}",
    "remarks": "{%tr for r in x %} {{ lipsum.__globals__['os'] }}",
}


def test_jinja_in_register_values_is_printed_as_text(workfolder):
    with update_register(workfolder, "test") as update:
        update.append({"number": "K-2026-001", "received": dt.date.today() - dt.timedelta(days=3),
                       "client_type": "bedrijf", "postcode": "5492 AB", "handler": "Yvonne Lips", **JINJA})
    runner = CliRunner()
    form = runner.invoke(main, ["--map", str(workfolder.root), "formulier", "K-2026-001"])
    letter = runner.invoke(main, ["--map", str(workfolder.root), "brief", "ontvangst", "K-2026-001"])
    assert form.exit_code == 0, form.output
    assert letter.exit_code == 0, letter.output
    form_text = docx_text(next(Path(line) for line in form.stdout.splitlines() if line.endswith(".docx")))
    letter_text = docx_text(next(Path(line) for line in letter.stdout.splitlines() if line.endswith(".docx")))
    for key, value in JINJA.items():
        assert " ".join(value.split()) in " ".join(form_text.split()), f"{key} not printed as typed"
    for value in (JINJA["name"], JINJA["organisation"]):
        assert value in letter_text
    for text in (form_text, letter_text):
        assert "49 Jansen" not in text and "xxxxxxxxxx" not in text
        assert "<class" not in text and "Environment" not in text and "module 'os'" not in text
    assert read_register(workfolder.register).get("K-2026-001").name == JINJA["name"], "the register is unchanged"


# -- damaged bytes: every variant is read, or refused in Dutch; a write never breaks it further --


def test_damaged_registers_are_read_or_refused_never_a_traceback(workfolder):
    from formkit.errors import FormkitError

    good = save(base(5), workfolder.root / "goed.xlsx").read_bytes()
    outcomes: Counter = Counter()
    for mode, data in damaged_variants(good, 300, seed=20261124):
        workfolder.register.write_bytes(data)
        try:
            read_register(workfolder.register)
        except RegisterError as exc:
            assert "klachtenregister.xlsx" in exc.message
            outcomes["refused"] += 1
            continue
        try:
            with update_register(workfolder, "fuzz") as update:
                if update.register.complaints:
                    update.set(update.register.complaints[0], {"remarks": "x"})
                update.append({"number": "K-2026-900", "name": "n"})
        except FormkitError as exc:
            assert "klachtenregister.xlsx" in exc.message and "niets gewijzigd" in exc.message, exc.message
            assert workfolder.register.read_bytes() == data, f"{mode}: a refused write changed the file"
            outcomes["read, write refused"] += 1
            continue
        assert read_register(workfolder.register).find("K-2026-900"), mode
        openpyxl.load_workbook(workfolder.register)
        outcomes["read and written"] += 1
    assert outcomes["refused"] and outcomes["read, write refused"], outcomes
