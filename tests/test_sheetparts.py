"""A large sheet read in parts on two cores gives exactly what a whole read gives.

test_register.py and test_register_fuzz.py run every test both ways (the `read_mode` fixture);
this file checks the parts themselves: that they are really used, that odd XML falls back to a
whole read, that damaged files end the same way, and that `controle` finds the same.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile

import pytest
from click.testing import CliRunner

from formkit.register import sheetparts
from formkit.cli import main
from formkit.check.deadlines import RULE_KEYS, Check, check
from formkit.errors import RegisterError
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from tests.registerfiles import base, cell_xml, damaged_variants, edit_sheet, save

TODAY = dt.date(2026, 11, 2)


def outcome(path, **kwargs):
    """Everything a read gives, comparable: the register's content, or the refusal's message."""
    try:
        r = read_register(path, **kwargs)
    except RegisterError as exc:
        return "geweigerd", exc.message
    return ([repr(c) for c in r.complaints], r.last_row, sorted(r.duplicates.items()), r.columns,
            r.extra_columns, r.date1904, r.sheet_name, r.only)


@pytest.fixture
def parts_used(monkeypatch):
    """Split every sheet into parts of a few rows; the list counts the reads that used parts."""
    monkeypatch.setattr(sheetparts, "MIN_SIZE", 0)
    monkeypatch.setattr(sheetparts, "PART_SIZE", 300)
    used: list[int] = []
    real = sheetparts.read_parts

    def counted(*args):
        parts = list(real(*args))
        used.append(len(parts))
        yield from parts

    monkeypatch.setattr(sheetparts, "read_parts", counted)
    return used


def whole_and_parts(path, monkeypatch, parts_used, **kwargs):
    with monkeypatch.context() as m:
        m.setattr(sheetparts, "MIN_SIZE", 1 << 40)
        whole = outcome(path, **kwargs)
    return whole, outcome(path, **kwargs)


def test_a_register_is_read_in_many_parts_and_gives_the_same(demo, monkeypatch, parts_used):
    whole, parts = whole_and_parts(demo.register, monkeypatch, parts_used)
    assert parts_used and parts_used[0] > 10, "the parts were used, not the whole read"
    assert parts == whole and whole[0]
    assert whole_and_parts(demo.register, monkeypatch, parts_used, keys=RULE_KEYS)[1] == outcome(
        demo.register, keys=RULE_KEYS)


def test_error_cells_with_and_without_value_empty_rows_and_column_a_empty(tmp_path, monkeypatch, parts_used):
    wb = base(12)
    ws = wb.active
    ws.insert_cols(1)  # column A: a staff column, empty below row 1 (parts then start at column B)
    ws["A1"] = "Eigen notitie"
    for row in (5, 6, 7):
        for cell in ws[row]:
            cell.value = None
    path = save(wb, tmp_path / "register.xlsx")

    def errors(xml: str) -> str:
        xml = cell_xml(xml, "C3", "<v>#N/A</v>", ' t="e"')  # Datum ontvangst of row 3 (A moved right)
        return re.sub(r'<row r="6".*?</row>', '<row r="6"><c r="D6" t="e"/></row>', xml, flags=re.S)  # no value

    edit_sheet(path, errors)
    whole, parts = whole_and_parts(path, monkeypatch, parts_used)
    assert parts_used, "read in parts"
    assert parts == whole


@pytest.mark.parametrize("change, why", [
    (lambda xml: xml.replace("<sheetData>", "<sheetData><!-- <row r=\"9\"> -->", 1), "comment"),
    (lambda xml: re.sub(r'<row r="\d+"', "<row", xml), "rows without r"),
    (lambda xml: re.sub(r"<sheetData>.*</sheetData>", "<sheetData/>", xml, flags=re.S), "no rows"),
])
def test_odd_sheet_xml_is_read_whole(tmp_path, monkeypatch, parts_used, change, why):
    path = edit_sheet(save(base(6), tmp_path / "register.xlsx"), change)
    whole, parts = whole_and_parts(path, monkeypatch, parts_used)
    assert parts == whole, why
    assert not parts_used, f"{why}: read whole"


def test_damaged_registers_end_the_same_way(tmp_path, monkeypatch, parts_used):
    good = save(base(8), tmp_path / "goed.xlsx").read_bytes()
    path = tmp_path / "register.xlsx"
    for mode, data in damaged_variants(good, 120, seed=2411):
        path.write_bytes(data)
        whole, parts = whole_and_parts(path, monkeypatch, parts_used)
        assert parts == whole, mode
    assert parts_used, "some damaged registers were still read in parts"


def test_a_sheet_packed_with_an_unknown_compression_ends_the_same_way(tmp_path, monkeypatch, parts_used):
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
    whole, parts = whole_and_parts(path, monkeypatch, parts_used)
    assert parts == whole and whole[0] == "geweigerd"
    package = zipfile.ZipFile(path)  # the parts themselves give way to the whole read's message
    with pytest.raises(sheetparts.Unsplittable):
        list(sheetparts.read_parts(package, name.decode(), False))


def test_each_complaint_is_handed_over_once_also_when_parts_fail_halfway(demo, monkeypatch, parts_used):
    real = sheetparts.read_parts

    def fails_after_two(*args):
        for number, part in enumerate(real(*args)):
            if number == 2:
                raise sheetparts.Unsplittable("test")
            yield part

    monkeypatch.setattr(sheetparts, "read_parts", fails_after_two)
    handed: list[int] = []
    run = Check(TODAY, demo)
    result = read_register(demo.register, keys=RULE_KEYS,
                           each_part=lambda found: (handed.extend(c.row for c in found), run.add(found)))
    assert sorted(handed) == [c.row for c in result.complaints] and len(set(handed)) == len(handed)
    whole = read_register(demo.register)
    assert run.findings(result.duplicates) == check(whole.complaints, TODAY, demo, whole.duplicates)


def test_controle_finds_the_same_in_parts(demo, monkeypatch, parts_used):
    args = ["--map", str(demo.root), "controle", "--json", "--peildatum", "2026-11-02"]
    with monkeypatch.context() as m:
        m.setattr(sheetparts, "MIN_SIZE", 1 << 40)
        whole = CliRunner().invoke(main, args)
    parts = CliRunner().invoke(main, args)
    assert parts_used
    assert parts.exit_code == whole.exit_code == 1
    assert json.loads(parts.stdout) == json.loads(whole.stdout)


def test_a_register_saved_by_libreoffice_with_shared_strings(demo, monkeypatch, parts_used, lo_convert):
    saved = lo_convert(demo.register, "xlsx:Calc MS Excel 2007 XML", demo.root / "lo")
    whole, parts = whole_and_parts(saved, monkeypatch, parts_used)
    assert parts_used and parts == whole and whole[0]


def test_one_core_reads_whole(demo, monkeypatch, parts_used):
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert outcome(demo.register)[0] and not parts_used


def test_a_large_register_read_with_the_real_part_sizes(workfolder, monkeypatch):
    """About 7,500 rows (a 9 MB sheet): two halves of 1 MB parts, as on the users' laptops."""
    with update_register(workfolder, "test") as update:
        for i in range(7500):
            received = dt.date(2026, 11, 1) - dt.timedelta(days=i % 700)
            update.append({"number": f"K-{received.year}-{i:04d}", "received": received, "name": f"Naam {i}",
                           "description": "Omschrijving van de klacht, met een regel\nen nog een. " * 3,
                           "handler": "Yvonne Lips", "serious": "ja" if i % 50 == 0 else "nee",
                           "handled_date": received + dt.timedelta(days=20) if i % 4 else None})
    size = zipfile.ZipFile(workfolder.register).getinfo("xl/worksheets/sheet1.xml").file_size
    assert size >= sheetparts.MIN_SIZE
    used: list[int] = []
    real = sheetparts.read_parts
    monkeypatch.setattr(sheetparts, "read_parts", lambda *args: (used.append(1), real(*args))[1])
    parts = outcome(workfolder.register)
    assert used, "read in parts"
    with monkeypatch.context() as m:
        m.setattr(sheetparts, "MIN_SIZE", 1 << 40)
        assert outcome(workfolder.register) == parts
    assert len(parts[0]) == 7500 and parts[1] == 7501


def test_the_sheet_is_cut_only_before_a_row():
    xml = (b'<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row><rowBreaks/>'
           b'<row r="2" spans="1:2"><c r="A2"><v>2</v></c></row></sheetData></worksheet>')
    assert sheetparts._last_row_start(xml, b"<row") == xml.index(b'<row r="2"')
    assert sheetparts._next_row_start(xml, b"<row", xml.index(b"<rowBreaks")) == xml.index(b'<row r="2"')
    with pytest.raises(sheetparts.Unsplittable):
        sheetparts._last_row_start(b"<sheetData><row><c/></row>", b"<row")
