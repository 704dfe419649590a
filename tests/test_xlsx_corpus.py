"""The workbook writer on real workbooks nobody on the team made (tests/corpus/xlsx), and proof that
the harness (tests/xlsxharness.py) catches each fault it looks for.

Normal run: the representative set (MANIFEST.tsv `representative`, 40 files). `--long` or
FORMKIT_LONG=1: every file of the corpus. Each workbook gets three cells of a data row and one
appended row, then every check of the harness; LibreOffice reads all patched files back in one run.
A workbook is either written correctly or refused as MANIFEST.tsv `expected` says.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.worksheet.table import Table, TableStyleInfo

from formkit.xlsx import WorkbookPatch
from formkit.xlsx import package as xlsxpackage
from formkit.xlsx import styles as xlsxstyles
from formkit.xlsx.package import Package, parse_xml, serialise
from tests import xlsxharness as harness


def _long(config: pytest.Config) -> bool:
    return bool(config.getoption("--long")) or os.environ.get("FORMKIT_LONG") == "1"


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "entry" in metafunc.fixturenames:
        entries = harness.corpus(representative_only=not _long(metafunc.config))
        metafunc.parametrize("entry", entries, ids=[e.file for e in entries])


@pytest.fixture(scope="module")
def corpus_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, soffice: str):
    """Every workbook of this run patched and checked; LibreOffice reads the patched ones back in one go."""
    entries = harness.corpus(representative_only=not _long(request.config))
    results = {e.file: harness.outcome(e.path) for e in entries}
    written = [f for f, o in results.items() if o.case is not None]
    lo = harness.libreoffice_problems([results[f].case for f in written],  # type: ignore[misc]
                                      tmp_path_factory.mktemp("lo"), soffice)
    for f, found in zip(written, lo, strict=True):
        results[f].note = found.note
        if found.problems:
            results[f].status = "broken"
            results[f].detail += found.problems
    return results


def test_corpus_is_committed_with_licences():
    entries = harness.corpus()
    assert len(entries) >= 300
    assert 30 <= sum(e.representative for e in entries) <= 40
    total = sum(e.path.stat().st_size for e in entries)
    assert total < 30_000_000
    licences = {p.stem for p in (harness.CORPUS / "LICENSES").glob("*.txt")}
    assert {e.file.split("/")[0] for e in entries} <= licences
    assert (harness.XSD_DIR / "sml-sheet.xsd").exists() and (harness.XSD_DIR.parent / "PROVENANCE.md").exists()


def test_workbook(entry: harness.Entry, corpus_run):
    """Written with every promise kept, or refused as MANIFEST.tsv says (a WorkbookError, in Dutch)."""
    found = corpus_run[entry.file]
    expected = entry.expected.split(":")[0]
    assert found.status == expected, f"{entry.file}: {found.status} {found.refusal}\n" + "\n".join(found.detail)
    if expected == "refused":
        assert found.refusal.startswith(entry.expected.split(":")[1].strip()), found.refusal


# -- the harness catches what it looks for: one planted fault each ----------------------------------------

YELLOW = PatternFill("solid", fgColor="FFFFFF00")
THIN = Side(style="thin", color="FF000000")


@pytest.fixture(scope="module")
def staff_book(tmp_path_factory) -> bytes:
    """A list as staff keep it: a table, yellow bordered italic centred dates, a staff-coloured row."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Blad1"
    ws.append(["Nummer", "Datum", "Naam", "Bedrag"])
    for i in range(1, 5):
        ws.append([f"K-2026-{i:03d}", dt.date(2026, 1, i), f"Naam {i}", 10 * i])
        date = ws.cell(row=i + 1, column=2)
        date.number_format = "General"  # a date goes into a cell that does not yet show one
        date.value = f"{i} januari"
        date.fill, date.border = YELLOW, Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
        date.font, date.alignment = Font(italic=True), Alignment(horizontal="center")
    ws.add_table(Table(displayName="Lijst", ref="A1:D5", tableStyleInfo=TableStyleInfo(name="TableStyleLight1")))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def planted(book: bytes) -> list[str]:
    """The harness's findings on the staff list, patched by the writer as it is now (faults planted)."""
    original, patched, edits = harness.run_patch(book)
    assert [(e.ref, e.appended) for e in edits.cells][:1] == [("B3", False)], "the date goes into a yellow cell"
    return harness.check(original, patched, edits)


def test_the_staff_list_passes_without_a_fault(staff_book):
    assert planted(staff_book) == []


def test_fault_a_neighbour_changed(staff_book, monkeypatch):
    original = WorkbookPatch.set_cells

    def also_the_neighbour(self, row, values):
        neighbour = next(col for col in range(min(values), 16385) if col not in values)
        original(self, row, {**values, neighbour: "buur"})

    monkeypatch.setattr(WorkbookPatch, "set_cells", also_the_neighbour)
    assert any(p.startswith("cells: C3 changed though it was not written") for p in planted(staff_book))


def test_fault_a_fill_dropped(staff_book, monkeypatch):
    original = xlsxstyles._clean_copy

    def without_fill(xf):
        copy = original(xf)
        copy.set("fillId", "0")
        return copy

    monkeypatch.setattr(xlsxstyles, "_clean_copy", without_fill)
    assert any(p.startswith("look: B3 lost its fill") for p in planted(staff_book))


def test_fault_a_style_index_out_of_range(staff_book, monkeypatch):
    monkeypatch.setattr(xlsxstyles.Styles, "date_variant", lambda self, index: len(self) + 5)
    assert any(p.startswith("style index out of range: cell B3") for p in planted(staff_book))


def test_fault_the_dimension_not_widened(staff_book, monkeypatch):
    monkeypatch.setattr(WorkbookPatch, "_widen_dimension", lambda self: None)
    assert any(p.startswith("dimension: A1:D5 does not cover") for p in planted(staff_book))


def test_fault_a_table_ref_off_by_one(staff_book, monkeypatch):
    original = WorkbookPatch._grow_ranges

    def one_row_too_far(self, row, columns):
        original(self, row, columns)
        for table in self._table_parts().values():
            table.set("ref", table.get("ref").replace(str(row), str(row + 1)))

    monkeypatch.setattr(WorkbookPatch, "_grow_ranges", one_row_too_far)
    found = planted(staff_book)
    assert any(p.startswith("table xl/tables/table1.xml: ref A1:D7, expected A1:D6") for p in found)
    assert any("autoFilter ref A1:D6 is not the table's A1:D7" in p for p in found)


def test_fault_an_untouched_member_rewritten(staff_book, monkeypatch):
    original = Package.rebuild

    def rewriting(self, changed, dropped=(), added=None):
        book = self.workbook_part
        return original(self, {**changed, book: serialise(parse_xml(self.read(book)))}, dropped, added)

    monkeypatch.setattr(Package, "rebuild", rewriting)
    assert any(p.startswith("members: xl/workbook.xml changed") for p in planted(staff_book))


def test_fault_a_duplicate_member_accepted(staff_book, monkeypatch):
    def trusting(self, data):
        self._zip = zipfile.ZipFile(io.BytesIO(data))
        self.infos = self._zip.infolist()
        self._names = [info.filename for info in self.infos]
        self._parts, self._rels = {}, {}

    monkeypatch.setattr(xlsxpackage.Package, "__init__", trusting)
    found = planted(staff_book)
    assert any(p.startswith("duplicates: a zip with two members with the same name") for p in found)
    assert any(p.startswith("duplicates: a zip with two members with a name that differs only in case")
               for p in found)


def test_the_harness_schema_check_sees_a_misplaced_element():
    """The schema check itself: an element out of the schema's order is an error an original lacks."""
    sheet = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             b'<row r="2"><c r="B2"><v>1</v></c></row></sheetData></worksheet>')
    bad = sheet.replace(b"<sheetData>", b'<mergeCells count="1"><mergeCell ref="B2:D2"/></mergeCells><sheetData>')
    assert harness.validate_part(sheet, "worksheet") == []
    assert [p for p, _ in harness.new_errors([], harness.validate_part(bad, "worksheet"))] == [
        "/worksheet/mergeCells"]
    wrapped = sheet.replace(b"<worksheet ", b'<worksheet xmlns:mc="http://schemas.openxmlformats.org/markup-'
                            b'compatibility/2006" xmlns:x14ac="urn:x14ac" mc:Ignorable="x14ac" ').replace(
        b'<row r="2"', b'<row r="2" x14ac:dyDescent="0.25"')
    assert harness.validate_part(wrapped, "worksheet") == [], "ignorable attributes are dropped first"


def test_libreoffice_read_back_reports_a_wrong_value(staff_book, tmp_path, soffice):
    original, patched, edits = harness.run_patch(staff_book)
    wrong = harness.Edits(edits.sheet, edits.part, edits.index, edits.data_row,
                          [harness.Edit(e.row, e.col, "iets anders", e.appended) for e in edits.cells])
    found = harness.libreoffice_problems([harness.Case(original, patched, edits, ".xlsx"),
                                          harness.Case(original, patched, wrong, ".xlsx")], tmp_path, soffice)
    assert found[0].problems == []
    assert len(found[1].problems) == len(edits.cells), "a value LibreOffice reads otherwise is reported"


def test_closing_figures(corpus_run, request):
    """Not a check: the figures of this run, for the report (shown with -rA or on failure)."""
    counts: dict[str, int] = {}
    for found in corpus_run.values():
        counts[found.status] = counts.get(found.status, 0) + 1
    notes = sorted({f"{f}: {o.note}" for f, o in corpus_run.items() if o.note})
    print(f"{len(corpus_run)} workbooks ({'all' if _long(request.config) else 'representative'}): {counts}; "
          + "; ".join(notes))
    assert sum(counts.values()) == len(corpus_run)


def test_manifest_paths_exist():
    missing = [e.file for e in harness.corpus() if not Path(e.path).exists()]
    assert missing == []
