"""`formkit controle` on real working folders: output streams, exit codes, JSON, --markeer, --rapport."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date

import openpyxl
import pytest
from click.testing import CliRunner

from formkit.check.output import findings_to_json
from formkit.cli import main
from formkit.register.columns import BY_KEY
from formkit.check.deadlines import check
from formkit.check.findings import GROUPS, signal_text
from formkit.register.reading import read_register
from formkit.register.backups import list_backups
from formkit.register.storage import update_register
from tests.findingschema import assert_finding

TODAY = date(2026, 11, 2)
PEIL = ["--peildatum", "2026-11-02"]
SIGNAL = BY_KEY["signal"].header


@pytest.fixture
def runner():
    return CliRunner()


def run(runner, settings, *args, **kwargs):
    return runner.invoke(main, ["--map", str(settings.root), "controle", *args], **kwargs)


def test_terminal_output_grouped_with_summary_and_exit_1(runner, demo):
    result = run(runner, demo, *PEIL)
    assert result.exit_code == 1, result.stderr
    assert result.stderr == ""
    out = result.stdout
    assert "\x1b[" not in out, "plain text when not on a terminal"
    titles = [g.title for g in GROUPS]
    shown = [t for t in titles if f"\n{t} (" in out]
    assert shown == titles, "every group of the demo appears, most urgent first"
    assert out.index("Ernstige klachten") < out.index("Afhandeling te laat") < out.index("Gegevens onjuist")
    last = out.strip().splitlines()[-1]
    assert last.startswith(tuple(f"{n} bevindingen bij" for n in range(1, 100)))
    assert "peildatum 02-11-2026" in out


def test_colour_on_a_terminal(runner, demo):
    result = run(runner, demo, *PEIL, color=True)
    assert "\x1b[31m" in result.stdout and "\x1b[1m" in result.stdout


def test_nothing_due_exits_0(runner, workfolder):
    with update_register(workfolder, "test") as update:
        update.append({"number": "K-2026-001", "received": date(2026, 10, 30), "handler": "Yvonne Lips",
                       "reaction_date": date(2026, 10, 31), "name": "Ida Tevreden"})
    result = run(runner, workfolder, *PEIL)
    assert result.exit_code == 0, result.output
    assert "Geen bevindingen" in result.stdout
    empty = run(runner, workfolder, "--peildatum", "31-10-2026")
    assert empty.exit_code == 0


def test_json_schema_on_stdout_only(runner, demo):
    result = run(runner, demo, *PEIL, "--json")
    assert result.exit_code == 1
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    assert set(doc) == {"peildatum", "bevindingen"} and doc["peildatum"] == "2026-11-02"
    assert doc["bevindingen"], "the demo has findings"
    for item in doc["bevindingen"]:
        assert_finding(item)
    register = read_register(demo.register)
    expected = findings_to_json(check(register.complaints, TODAY, demo, register.duplicates), TODAY)
    assert doc == expected
    assert "ë" in result.stdout or "\\u" not in result.stdout, "UTF-8, not ASCII escapes"


def test_json_with_report_keeps_stdout_pure(runner, demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(runner, demo, *PEIL, "--json", "--rapport", "maand.xlsx")
    json.loads(result.stdout)
    assert str(tmp_path / "maand.xlsx") in result.stderr
    assert (tmp_path / "maand.xlsx").exists()


def test_report_relative_to_current_directory(runner, demo, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(runner, demo, *PEIL, "--rapport", "uit/controle.xlsx")
    assert result.exit_code == 1
    path = tmp_path / "uit" / "controle.xlsx"
    assert result.stdout.strip().splitlines()[-1] == str(path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Overzicht"] + [g.sheet for g in GROUPS]
    assert wb["Overzicht"]["B2"].value.date() == TODAY
    numbers = [row[0] for row in wb["Vernietigen"].iter_rows(min_row=2, values_only=True)]
    assert numbers and all(n.startswith("K-2024-") for n in numbers)


def test_report_must_be_xlsx(runner, demo):
    before = demo.register.read_bytes()
    result = run(runner, demo, "--markeer", "--rapport", "controle.pdf")
    assert result.exit_code == 2
    assert "xlsx" in result.stderr and result.stdout == ""
    assert demo.register.read_bytes() == before


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def cells(data: bytes) -> dict[tuple[str, str], object]:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    return {(ws.title, c.coordinate): c.value for ws in wb for row in ws.iter_rows() for c in row}


def test_markeer_changes_only_signalering(runner, demo):
    with update_register(demo, "test") as update:  # a stale text and a destroyed row
        by_state = {c.remarks: c for c in update.register.complaints}
        done = by_state["Voorbeeld: afgehandeld, teruggekoppeld, tevredenheid gemeten"]
        second = by_state["Voorbeeld: bewaartermijn verstreken (1)"]
        update.set(done, {"signal": "oude tekst"})
        update.set(second, {"remarks": "vernietigd op 01-10-2026", "signal": "vernietigd op 01-10-2026",
                            "name": None})
    before = demo.register.read_bytes()
    result = run(runner, demo, *PEIL, "--markeer")
    assert result.exit_code == 1
    assert "Signalering bijgewerkt" in result.stderr
    after = demo.register.read_bytes()

    old, new = members(before), members(after)
    assert set(old) == set(new)
    differ = [name for name in old if old[name] != new[name]]
    assert differ == ["xl/worksheets/sheet1.xml"], differ

    register = read_register(demo.register)
    column = openpyxl.utils.get_column_letter(register.columns["signal"] + 1)
    old_cells, new_cells = cells(before), cells(after)
    changed = {key for key in old_cells.keys() | new_cells.keys() if old_cells.get(key) != new_cells.get(key)}
    assert changed and all(sheet == "Klachten" and ref.rstrip("0123456789") == column for sheet, ref in changed)

    findings = check(register.complaints, TODAY, demo, register.duplicates)
    for c in register.complaints:
        if c.row == second.row:
            assert c.signal == "vernietigd op 01-10-2026", "a destroyed row keeps its mark"
            continue
        expected = signal_text([f for f in findings if f.row == c.row]) or None
        assert c.signal == expected, c.number
    assert register.get(done.number).signal is None, "cleared where nothing is due"

    backups = list_backups(demo.register)
    again = run(runner, demo, *PEIL, "--markeer")
    assert again.exit_code == 1
    assert demo.register.read_bytes() == after, "nothing new to mark: no write"
    assert list_backups(demo.register) == backups
    assert "niet gewijzigd" in again.stderr


def test_markeer_refuses_while_open_in_excel(runner, demo):
    lock = demo.register.with_name("~$" + demo.register.name)
    lock.write_bytes(b"\x05Henny" + bytes(160))
    before = demo.register.read_bytes()
    result = run(runner, demo, *PEIL, "--markeer")
    assert result.exit_code == 2
    assert "geopend" in result.stderr and result.stdout == ""
    assert demo.register.read_bytes() == before
    assert run(runner, demo, *PEIL).exit_code == 1, "reading needs no lock"


def test_duplicate_numbers_reported_and_the_rest_checked(runner, workfolder):
    with update_register(workfolder, "test") as update:
        for _ in range(2):
            update.append({"number": "K-2026-005", "received": date(2026, 10, 1), "handler": "Yvonne Lips"})
        update.append({"number": "K-2026-006", "received": date(2026, 10, 1), "handler": "Yvonne Lips"})
    doc = json.loads(run(runner, workfolder, *PEIL, "--json").stdout)
    kinds = {(f["klachtnummer"], f["soort"]) for f in doc["bevindingen"]}
    assert ("K-2026-005", "gegevens-onjuist") in kinds
    assert ("K-2026-006", "afhandeling-te-laat") in kinds


@pytest.mark.parametrize("value", ["2026-11-02", "02-11-2026"])
def test_peildatum_forms(runner, demo, value):
    doc = json.loads(run(runner, demo, "--peildatum", value, "--json").stdout)
    assert doc["peildatum"] == "2026-11-02"


def test_bad_peildatum_and_missing_register(runner, demo, tmp_path):
    bad = run(runner, demo, "--peildatum", "31-02-2026")
    assert bad.exit_code == 2 and "--peildatum" in bad.stderr
    missing = runner.invoke(main, ["--map", str(tmp_path / "leeg"), "controle"])
    assert missing.exit_code == 2
    assert "bestaat niet" in missing.stderr


def test_a_note_in_the_number_column_is_one_finding_and_never_a_complaint(runner, demo, tmp_path):
    """A note typed in Klachtnummer, and 'K-2026/010': one data-quality finding each, never marked,
    never a folder; the report's tables stay as they are."""
    from openpyxl.utils import get_column_letter

    from formkit.register.reading import read_register
    from formkit.xlsx import WorkbookPatch

    register = read_register(demo.register)
    patch = WorkbookPatch(demo.register.read_bytes(), register.sheet_name)
    note_row = patch.append_row({1: "Let op: Yvonne belt woensdag terug", 3: "telefoon"})
    slash_row = patch.append_row({1: "K-2026/010", 2: date(2026, 10, 30), 5: "Piet Schuin"})
    demo.register.write_bytes(patch.save())
    args = ["--map", str(demo.root), "controle", "--peildatum", "2026-11-02"]
    found = json.loads(runner.invoke(main, [*args, "--json"]).stdout)["bevindingen"]
    odd = [f for f in found if f["toelichting"].startswith((f"Rij {note_row}:", f"Rij {slash_row}:"))]
    assert len(odd) == 2 and {f["soort"] for f in odd} == {"gegevens-onjuist"}
    assert all(f["klachtnummer"] == "" for f in odd) and "K-2026/010" in odd[1]["toelichting"]
    assert not any(f["klachtnummer"] == "K-2026/010" for f in found)
    marked = runner.invoke(main, [*args, "--markeer"])
    assert marked.exit_code == 1
    ws = openpyxl.load_workbook(demo.register)["Klachten"]
    signal = get_column_letter(register.columns["signal"] + 1)
    assert ws[f"{signal}{note_row}"].value is None and ws[f"{signal}{slash_row}"].value is None
    made = runner.invoke(main, ["--map", str(demo.root), "formulier", "K-2026/010"])
    assert made.exit_code == 2 and not (demo.dossiers / "K-2026").exists()
