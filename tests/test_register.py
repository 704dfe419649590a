"""Reading the register: columns by header, every date form, bad input named with its cell."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from formkit.register.columns import COLUMNS, column_letter
from formkit.dates import DateParseError, add_months, add_years, from_serial, parse_cli_date, to_date, to_serial
from formkit.errors import DuplicateNumberError, RegisterError, UnknownNumberError
from formkit.register.reading import read_register
from tests.registerfiles import base, cell_xml, edit_sheet, save



HEADERS = [c.header for c in COLUMNS]


def make(tmp_path: Path, rows: list[dict], headers: list[str] | None = None, sheet: str = "Klachten", epoch=None) -> Path:
    wb = openpyxl.Workbook()
    if epoch is not None:
        wb.epoch = epoch
    ws = wb.active
    ws.title = sheet
    headers = headers or HEADERS
    ws.append(headers)
    for row in rows:
        ws.append([row.get(h) for h in headers])
    path = tmp_path / "register.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2026, 11, 24),
        dt.datetime(2026, 11, 24, 13, 5),
        46350,
        46350.75,
        "46350",
        "24-11-2026",
        "24-11-26",
        "2026-11-24",
        "24 november 2026",
        "24 nov. 2026",
        "dinsdag 24 november 2026",
        "24/11/2026",
        "24.11.2026",
        " 24-11-2026 ",
    ],
)
def test_every_date_form_is_read(tmp_path, value):
    path = make(tmp_path, [{"Klachtnummer": "K-2026-001", "Datum ontvangst": value}])
    complaint = read_register(path).get("K-2026-001")
    assert complaint.received == dt.date(2026, 11, 24)
    assert not complaint.problems


def test_1904_serials(tmp_path):
    path = make(tmp_path, [{"Klachtnummer": "K-2026-001", "Datum ontvangst": 44888}],
                epoch=openpyxl.utils.datetime.CALENDAR_MAC_1904)
    register = read_register(path)
    assert register.date1904
    assert register.get("K-2026-001").received == dt.date(1904, 1, 1) + dt.timedelta(days=44888)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("31-02-2026", "bestaat niet"),
        ("morgen", "geen datum"),
        ("24 brumaire 2026", "onbekende maand"),
        ("2026-13-01", "bestaat niet"),
        (-5, "geen geldig datumgetal"),
    ],
)
def test_unreadable_date_is_reported_with_its_cell(tmp_path, value, fragment):
    path = make(tmp_path, [{"Klachtnummer": "K-2026-001", "Datum afhandeling": value}])
    complaint = read_register(path).get("K-2026-001")
    assert complaint.handled_date is None, "never guessed"
    [problem] = complaint.problems
    letter = openpyxl.utils.get_column_letter(HEADERS.index("Datum afhandeling") + 1)
    assert problem.cell == f"{letter}2"
    assert problem.header == "Datum afhandeling"
    assert fragment in problem.text


def test_columns_found_by_header_in_any_order_with_staff_columns(tmp_path):
    headers = ["Mijn notitie", *reversed(HEADERS)]
    headers[1] = "  OPMERKINGEN "  # trimmed, case-insensitive
    path = make(tmp_path, [{"Klachtnummer": "K-2026-007", "Naam klager": "Zoë", "Mijn notitie": "eigen",
                            "  OPMERKINGEN ": "let op"}], headers=headers)
    register = read_register(path)
    complaint = register.get("k-2026-007")
    assert complaint.name == "Zoë" and complaint.remarks == "let op"
    assert register.extra_columns == {"Mijn notitie": 0}


def test_missing_columns_are_named(tmp_path):
    headers = [h for h in HEADERS if h not in ("Behandelaar", "Datum reactie")]
    with pytest.raises(RegisterError) as info:
        read_register(make(tmp_path, [], headers=headers))
    assert "'Datum reactie'" in info.value.message and "'Behandelaar'" in info.value.message
    assert "register.xlsx" in info.value.message


def test_missing_sheet_and_bad_files(tmp_path):
    with pytest.raises(RegisterError, match="geen tabblad 'Klachten'"):
        read_register(make(tmp_path, [], sheet="Blad1"))
    broken = tmp_path / "kapot.xlsx"
    broken.write_bytes(b"PK\x03\x04 dit is geen register")
    with pytest.raises(RegisterError, match="kapot.xlsx"):
        read_register(broken)
    with pytest.raises(RegisterError, match="bestaat niet"):
        read_register(tmp_path / "weg.xlsx")


@pytest.mark.parametrize(("content", "named"), [
    (b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n", "een PDF-bestand"),
    (b"<html><body><table><tr><td>K-2026-001</td></tr></table></body></html>", "een webpagina (HTML)"),
    ("\ufeffKlachtnummer;Naam\nK-2026-001;Zo\u00eb\n".encode("utf-8"), "een tekstbestand met kolommen (CSV)"),
    ("Klachtnummer;Naam\nK-2026-001;Ren\u00e9\n".encode("cp1252"), "een tekstbestand met kolommen (CSV)"),
    (b"Dit is een notitie over het register.\n", "een tekstbestand"),
    (b"\x81\x00\x02\x8d\xff" * 20, "een onbekend of beschadigd bestand"),
])
def test_a_register_that_is_something_else_is_named_for_what_it_is(workfolder, content, named):
    """Saved as CSV, a web page or a PDF under the register's name: the message says which, and how back."""
    from click.testing import CliRunner

    from formkit.cli import main

    workfolder.register.write_bytes(content)
    result = CliRunner().invoke(main, ["--map", str(workfolder.root), "controle"])
    assert result.exit_code == 2
    assert f"{workfolder.register.name} is {named}, geen Excel-werkmap (.xlsx)." in result.stderr
    assert "Opslaan als > Excel-werkmap (.xlsx)" in result.stderr
    assert workfolder.register.read_bytes() == content


def test_duplicate_number_names_both_rows(tmp_path):
    path = make(tmp_path, [{"Klachtnummer": "K-2026-001"}, {"Klachtnummer": "K-2026-002"}, {"Klachtnummer": "k-2026-001"}])
    register = read_register(path)
    assert register.duplicates == {"K-2026-001": [2, 4]}
    with pytest.raises(DuplicateNumberError, match="rij 2 en 4"):
        register.get("K-2026-001")
    assert register.get("K-2026-002").row == 3
    with pytest.raises(UnknownNumberError, match="K-2026-099"):
        register.get("K-2026-099")


@pytest.mark.parametrize("other", ["k-2026-001", "K-2026-\u00a0001", "K-2026 -001", "K-2026-001"])
def test_duplicate_numbers_compared_without_case_and_spaces(tmp_path, other):
    path = make(tmp_path, [{"Klachtnummer": "K-2026-001"}, {"Klachtnummer": "K-2026-002"},
                           {"Klachtnummer": other}])
    assert read_register(path).duplicates == {"K-2026-001": [2, 4]}


def test_text_normalised(tmp_path):
    path = make(tmp_path, [{"Klachtnummer": "K-2026-001", "Omschrijving": "a\r\nb\rc", "Telefoon": 612345678,
                            "Tevredenheid": 4}])
    complaint = read_register(path).get("K-2026-001")
    assert complaint.description == "a\nb\nc"
    assert complaint.phone == "612345678"
    assert complaint.satisfaction_score == 4


def test_empty_rows_skipped_and_next_number(tmp_path):
    path = make(tmp_path, [{"Klachtnummer": "K-2026-009"}, {}, {"Klachtnummer": "K-2025-041"}])
    register = read_register(path)
    assert [c.row for c in register.complaints] == [2, 4]
    assert register.last_row == 4
    assert register.next_number(2026) == "K-2026-010"
    assert register.next_number(2027) == "K-2027-001"


def test_rows_of_only_spaces_are_no_complaints_but_occupy_their_row(tmp_path):
    path = make(tmp_path, [{"Klachtnummer": "K-2026-001"}, {"Naam klager": "   ", "Datum reactie": " "},
                           {"Klachtnummer": "K-2026-002"}, {"Opmerkingen": "\t"}])
    register = read_register(path)
    assert [c.row for c in register.complaints] == [2, 4]
    assert register.last_row == 5  # an append must not land on a cell someone typed a space into


def test_mixed_cells_in_one_column_each_read_as_their_kind(tmp_path):
    """A column mostly of text with a number, a date and a carriage return read cell by cell."""
    rows = [{"Klachtnummer": f"K-2026-{i:03d}", "Telefoon": value, "Datum reactie": date}
            for i, (value, date) in enumerate([("06 1234", dt.date(2026, 1, 2)), (612345678, "3-1-2026"),
                                               (dt.date(2026, 1, 4), 46024), ("a\rb ", None)], start=1)]
    register = read_register(make(tmp_path, rows))
    assert [c.phone for c in register.complaints] == ["06 1234", "612345678", "04-01-2026", "a\nb"]
    assert [c.reaction_date for c in register.complaints] == [
        dt.date(2026, 1, 2), dt.date(2026, 1, 3), dt.date(2026, 1, 2), None]


def test_rows_shorter_than_the_header_read_as_empty_cells():
    from formkit.register.reading import _build

    header = [c.header for c in COLUMNS]
    grid = [header, ["K-2026-001", dt.date(2026, 3, 1)], ["K-2026-002"] + [""] * (len(header) - 1), []]
    register = _build(Path("register.xlsx"), "Klachten", grid, False)
    assert [(c.number, c.received, c.name) for c in register.complaints] == [
        ("K-2026-001", dt.date(2026, 3, 1), None), ("K-2026-002", None, None)]
    assert register.last_row == 3


def test_rows_holding_anything_are_complaints_with_their_problems_and_duplicates(tmp_path):
    rows = [{"Klachtnummer": "K-2026-001", "Naam klager": "A"}, {"Naam klager": "Alleen een naam"},
            {"Omschrijving": "  "}, {}, {"Datum reactie": "morgen"}, {"Klachtnummer": "K-2026-001"},
            {"Telefoon": 0}]
    register = read_register(make(tmp_path, rows))
    assert [c.row for c in register.complaints] == [2, 3, 6, 7, 8]  # blank and whitespace-only rows are none
    assert register.duplicates == {"K-2026-001": [2, 7]}
    assert register.last_row == 8  # the whitespace-only row 4 still counts for where an append goes
    assert register.complaints[1].name == "Alleen een naam" and register.complaints[4].phone == "0"
    assert [p.cell for p in register.complaints[2].problems] == ["S6"]  # Datum reactie "morgen"


def test_error_cells_with_and_without_a_value_and_an_empty_column_a(tmp_path):
    wb = base(12)
    ws = wb.active
    ws.insert_cols(1)  # column A: a staff column, empty below row 1
    ws["A1"] = "Eigen notitie"
    for row in (5, 6, 7):
        for cell in ws[row]:
            cell.value = None
    path = save(wb, tmp_path / "register.xlsx")

    def errors(xml: str) -> str:
        xml = cell_xml(xml, "C3", "<v>#N/A</v>", ' t="e"')  # Datum ontvangst of row 3 (A moved right)
        return re.sub(r'<row r="6".*?</row>', '<row r="6"><c r="D6" t="e"/></row>', xml, flags=re.S)  # no value

    register = read_register(edit_sheet(path, errors))
    by_row = {c.row: c for c in register.complaints}
    assert [(p.cell, p.header) for p in by_row[3].problems] == [("C3", "Datum ontvangst")]
    assert "#N/A" in by_row[3].problems[0].text and by_row[3].received is None
    assert [(p.cell, p.header) for p in by_row[6].problems] == [("D6", "Wijze van indienen")]
    assert "(zonder tekst)" in by_row[6].problems[0].text
    assert 5 not in by_row and 7 not in by_row and register.extra_columns["Eigen notitie"] == 0


@pytest.mark.parametrize("change, why", [
    (lambda xml: xml.replace("<sheetData>", "<sheetData><!-- <row r=\"9\"> -->", 1), "comment"),
    (lambda xml: re.sub(r'<row r="\d+"', "<row", xml), "rows without r"),
])
def test_odd_sheet_xml_reads_as_excel_shows_it(tmp_path, change, why):
    path = save(base(6), tmp_path / "register.xlsx")
    before = read_register(path)
    after = read_register(edit_sheet(path, change))
    assert [repr(c) for c in after.complaints] == [repr(c) for c in before.complaints], why


def test_a_sheet_without_rows_is_an_empty_register(tmp_path):
    path = edit_sheet(save(base(6), tmp_path / "register.xlsx"),
                      lambda xml: re.sub(r"<sheetData>.*</sheetData>", "<sheetData/>", xml, flags=re.S))
    with pytest.raises(RegisterError, match="mist de kolom"):
        read_register(path)


def test_a_sheet_packed_with_an_unknown_compression_is_refused(tmp_path):
    path = save(base(8), tmp_path / "register.xlsx")
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for header in (b"PK\x03\x04", b"PK\x01\x02"):  # local header and central directory entry
        at = data.find(header)
        while at >= 0:
            name_at = at + (30 if header == b"PK\x03\x04" else 46)
            if data[name_at:name_at + len(name)] == name:
                method_at = at + (8 if header == b"PK\x03\x04" else 10)
                data[method_at:method_at + 2] = (99).to_bytes(2, "little")  # zipfile: NotImplementedError
            at = data.find(header, at + 4)
    path.write_bytes(bytes(data))
    with pytest.raises(RegisterError) as refused:
        read_register(path)
    assert "register.xlsx" in refused.value.message


def test_a_register_saved_by_libreoffice_with_shared_strings_reads_the_same(demo, lo_convert):
    saved = lo_convert(demo.register, "xlsx:Calc MS Excel 2007 XML", demo.root / "lo")
    assert b"sharedStrings" in zipfile.ZipFile(saved).read("[Content_Types].xml")
    original, resaved = read_register(demo.register), read_register(saved)
    assert [(c.row, c.number, c.received, c.name, c.description, c.handled_date) for c in resaved.complaints] == [
        (c.row, c.number, c.received, c.name, c.description, c.handled_date) for c in original.complaints]


def test_cli_dates_and_month_arithmetic():
    assert parse_cli_date("2026-11-24") == parse_cli_date("24-11-2026") == dt.date(2026, 11, 24)
    with pytest.raises(DateParseError):
        parse_cli_date("24-24-2026")
    assert add_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
    assert add_years(dt.date(2028, 2, 29), 2) == dt.date(2030, 2, 28)
    assert to_date("") is None


def test_excel_serial_dates_as_excel_counts_them():
    assert from_serial(1) == dt.date(1900, 1, 1) and from_serial(59) == dt.date(1900, 2, 28)
    assert from_serial(61) == dt.date(1900, 3, 1) and from_serial(46350) == dt.date(2026, 11, 24)
    with pytest.raises(DateParseError, match="29-02-1900"):
        from_serial(60)  # Excel's day that never was: unreadable, not moved to a neighbour
    assert from_serial(0 + 1, date1904=True) == dt.date(1904, 1, 2)
    assert from_serial(44888, date1904=True) == dt.date(2026, 11, 24)
    for bad in (0, -1, 2958466):
        with pytest.raises(DateParseError):
            from_serial(bad)
    assert to_serial(dt.date(2026, 11, 24)) == 46350 and to_serial(dt.date(2026, 11, 24), True) == 44888


# -- complaints built as they are asked for -------------------------------------------------------------

def _mixed_register(tmp_path: Path) -> Path:
    """Rows of every kind: clean, an unreadable date, an Excel error value, a note in Klachtnummer,
    a duplicate, a row with a name only, empty and whitespace-only rows."""
    rows = [{"Klachtnummer": "K-2026-001", "Naam klager": "A", "Datum ontvangst": dt.date(2026, 3, 1)},
            {"Klachtnummer": " k-2026-002 ", "Datum reactie": "31-02-2026", "Telefoon": 612345678},
            {"Naam klager": "Alleen een naam"}, {}, {"Omschrijving": "  "},
            {"Klachtnummer": "K-2026-004", "Datum ontvangst": dt.date(2026, 3, 4)},
            {"Klachtnummer": "zie hieronder"}, {"Klachtnummer": "K-2026-005"}, {"Klachtnummer": "K-2026-005"},
            {"Klachtnummer": "K-2026-006", "Omschrijving": "a\r\nb"}]
    path = make(tmp_path, rows)
    # K-2026-004 (row 7): Datum ontvangst holds #N/A, as Excel stores an error value
    letter = column_letter(next(i for i, c in enumerate(COLUMNS) if c.key == "received"))
    return edit_sheet(path, lambda xml: cell_xml(xml, f"{letter}7", "<v>#N/A</v>", ' t="e"'))


def test_a_complaint_got_by_number_is_the_one_every_complaint_lists(tmp_path):
    """get() builds one row; the list built later holds that same object, with what was changed on it."""
    path = _mixed_register(tmp_path)
    register = read_register(path)
    got = register.get("K-2026-004")
    got.remarks = "veranderd na get()"
    assert register.get("k-2026-004") is got, "a row is built once"
    listed = {c.row: c for c in register.complaints}
    assert listed[7] is got and listed[7].remarks == "veranderd na get()"
    assert register.get("K-2026-006") is listed[11], "after the list, get() gives the listed object"


def test_a_complaint_got_by_number_is_what_the_whole_read_makes_of_its_row(tmp_path):
    """One row converted alone (problems, error cells, odd text) equals the same row converted with all."""
    path = _mixed_register(tmp_path)
    whole = {c.number: repr(c) for c in read_register(path).complaints if c.number}
    assert set(whole) == {"K-2026-001", "k-2026-002", "K-2026-004", "K-2026-005", "K-2026-006"}
    for number in ("K-2026-001", "K-2026-002", "K-2026-004", "K-2026-006"):
        alone = read_register(path).get(number)  # a fresh register: nothing else built
        assert repr(alone) == whole[alone.number], number
    unreadable = read_register(path).get("K-2026-002")
    assert [p.cell for p in unreadable.problems] == [f"{column_letter(COLUMNS.index(_col('reaction_date')))}3"]
    assert unreadable.reaction_date is None and unreadable.phone == "612345678"
    error = read_register(path).get("K-2026-004")
    assert error.received is None and "#N/A" in error.problems[0].text


def _col(key: str):
    return next(c for c in COLUMNS if c.key == key)


def test_lookups_by_number_as_before(tmp_path):
    """Duplicates refused, a note in Klachtnummer is no complaint, "" finds a complaint without a number."""
    register = read_register(_mixed_register(tmp_path))
    with pytest.raises(DuplicateNumberError, match="rij 9 en 10"):
        register.get("K-2026-005")
    assert register.find("zie hieronder") is None and register.odd_rows == [(8, "zie hieronder")]
    with pytest.raises(UnknownNumberError):
        register.get("K-2026-003")
    assert register.find("").name == "Alleen een naam"
    assert register.next_number(2026) == "K-2026-007"
    assert [c.row for c in register.complaints] == [2, 3, 4, 7, 9, 10, 11]


def test_a_register_read_in_part_writes_and_appends_correctly(tmp_path):
    """A write through a register of which only one complaint was built: the cell changes, every other
    row stays, the appended complaint joins the list and the index."""
    from formkit.register.storage import RegisterUpdate

    path = _mixed_register(tmp_path)
    register = read_register(path)
    before = [repr(c) for c in read_register(path).complaints]
    update = RegisterUpdate(register)
    assert update.patch._package is register.package, "the package read once is patched"
    got = register.get("K-2026-006")
    assert update.set(got, {"reaction_date": dt.date(2026, 4, 1)}) == ["Datum reactie"]
    new = update.append({"number": "K-2026-007", "name": "Nieuw"})
    assert register.get("K-2026-007") is new and register.complaints[-1] is new and new.row == 12
    assert register.next_number(2026) == "K-2026-008"
    path.write_bytes(update.new_bytes(False))
    after = read_register(path)
    assert after.get("K-2026-006").reaction_date == dt.date(2026, 4, 1)
    assert after.get("K-2026-007").name == "Nieuw"
    changed = [repr(c) for c in after.complaints][:-1]
    assert [a for a, b in zip(changed, before, strict=True) if a != b] == [repr(got)]


@pytest.mark.parametrize("declaration", ["<?xml version='1.0' encoding='UTF-8' standalone='yes'?>",
                                         '<?xml version="1.0" encoding="UTF-8"?>', ""])
@pytest.mark.parametrize("attrs", [" t='e'", ' t = "e"', " t = 'e' "])
def test_error_cells_found_in_either_quotes_whatever_the_declaration(tmp_path, declaration, attrs):
    """The quick look for error cells (no regex on a sheet without them) misses none: single quotes,
    spaces around '=', after an XML declaration in either quotes or none."""
    path = save(base(3), tmp_path / "register.xlsx")

    def errors(xml: str) -> str:
        xml = re.sub(r"^<\?xml[^>]*\?>\s*", "", xml)
        return declaration + cell_xml(xml, "B3", "<v>#DIV/0!</v>", attrs)  # Datum ontvangst of row 3

    register = read_register(edit_sheet(path, errors))
    assert [(p.cell, p.header) for p in register.get("K-2026-002").problems] == [("B3", "Datum ontvangst")]
    assert "#DIV/0!" in register.get("K-2026-002").problems[0].text


def test_rows_converted_all_at_once_as_one_by_one():
    """Whole columns take quick paths (all text, all dates, all empty) that single cells seldom do:
    a grid of every kind of cell in every column reads the same at once as row by row."""
    import random

    from formkit.register import rows as registerrows

    cells = ["", "", "", "  ", "tekst", " tekst ", "a\rb", "a\x01b", "\t", 0.0, 4.0, 4.5, 612345678.0, True, False,
             dt.date(2026, 11, 24), dt.datetime(2026, 11, 24, 13, 5), dt.time(9, 30), "31-02-2026", "24-11-2026",
             46350.0, "46350", None, "K-2026-001", " k-2026-002", "morgen"]
    chance = random.Random(20261124)
    header = [c.header for c in COLUMNS]
    columns = {c.key: i for i, c in enumerate(COLUMNS)}
    for trial in range(40):
        usual = {i: chance.choice(cells) for i in range(len(header))}  # most cells of a column alike
        grid = [header]
        for _ in range(chance.randint(0, 12)):
            row = [usual[i] if chance.random() < 0.7 else chance.choice(cells) for i in range(len(header))]
            grid.append(row[: chance.randint(0, len(row))] if chance.random() < 0.1 else row)
        errors = {r: {chance.randrange(len(header)): "#N/A"} for r in range(2, len(grid) + 1) if chance.random() < 0.2}
        at_once = registerrows.complaints(grid[1:], 2, columns, False, errors)
        one_by_one = [c for r in range(2, len(grid) + 1)
                      for c in registerrows.complaints(grid[r - 1 : r], r, columns, False, errors)]
        assert [repr(c) for c in at_once] == [repr(c) for c in one_by_one], trial


def test_a_number_changed_by_a_write_is_found_by_its_new_number(tmp_path):
    """Klachtnummer is never changed by formkit's commands; if a write ever does, lookups follow it."""
    from formkit.register.storage import RegisterUpdate

    register = read_register(_mixed_register(tmp_path))
    update = RegisterUpdate(register)
    got = register.get("K-2026-006")
    update.set(got, {"number": "K-2026-016"})
    assert register.get("K-2026-016") is got and register.find("K-2026-006") is None
    assert register.next_number(2026) == "K-2026-017"
