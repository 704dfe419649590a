"""The CLI of the foundation: help, version, init, demo, errors as Dutch messages and exit codes."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.register.columns import COLUMNS
from formkit.register.reading import read_register


def all_commands():
    return sorted(main.commands)


@pytest.fixture
def runner():
    return CliRunner()


@pytest.mark.parametrize("command", all_commands())
def test_every_command_has_dutch_help_with_an_example(runner, command):
    result = runner.invoke(main, [command, "--help"])
    assert result.exit_code == 0
    assert "Voorbeeld" in result.output
    assert f"formkit {command}" in result.output or "formkit --map" in result.output


def test_version_and_python_m():
    out = subprocess.run([sys.executable, "-m", "formkit", "--version"], capture_output=True, text=True, check=True)
    assert out.stdout.strip().startswith("formkit ")


def test_init_makes_the_working_folder(runner, tmp_path):
    target = tmp_path / "klachten"
    result = runner.invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    for folder in ("register", "templates", "handtekeningen", "dossiers", "formulieren", "rapporten"):
        assert (target / folder).is_dir()
    assert (target / "formkit.toml").read_text(encoding="utf-8").count("[[behandelaar]]") == 2
    for name in ("yvonne-lips.png", "arianda-schepens.png"):
        assert (target / "handtekeningen" / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    register = target / "register" / "klachtenregister.xlsx"
    assert str(register) in result.stdout
    assert read_register(register).complaints == []


def test_new_register_is_pleasant_to_work_in(workfolder):
    wb = openpyxl.load_workbook(workfolder.register)
    ws = wb["Klachten"]
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    assert ws.freeze_panes == "B2"
    assert "Klachtenregister" in ws.tables
    assert wb["Lijsten"]["D2"].value == "Yvonne Lips"
    assert {"lijst_behandelaar", "lijst_categorie", "lijst_type_klant"} <= set(wb.defined_names)
    formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
    assert {"=lijst_indienen", "=lijst_type_klant", "=lijst_ernstig", "=lijst_behandelaar",
            "=lijst_wijze_reactie", "=lijst_categorie"} <= formulas
    assert ws.cell(row=2, column=2).number_format == "dd-mm-yyyy"
    omschrijving = [c.header for c in COLUMNS].index("Omschrijving") + 1
    assert ws.cell(row=2, column=omschrijving).alignment.wrap_text
    assert len(ws.conditional_formatting) >= 1
    assert ws.column_dimensions["N"].width >= 40


def test_init_refuses_to_overwrite_a_register(runner, workfolder):
    before = workfolder.register.read_bytes()
    result = runner.invoke(main, ["init", str(workfolder.root)])
    assert result.exit_code == 2
    assert "overschrijft het niet" in result.stderr
    assert workfolder.register.read_bytes() == before


def test_map_option_and_env(runner, tmp_path, monkeypatch):
    monkeypatch.setenv("FORMKIT_MAP", str(tmp_path / "via-env"))
    result = runner.invoke(main, ["init"])
    assert result.exit_code == 0
    assert (tmp_path / "via-env" / "register" / "klachtenregister.xlsx").exists()


def test_demo_covers_every_state(runner, tmp_path):
    target = tmp_path / "demo"
    result = runner.invoke(main, ["demo", str(target)])
    assert result.exit_code == 0, result.output
    register = read_register(target / "register" / "klachtenregister.xlsx")
    complaints = register.complaints
    assert len(complaints) >= 25
    remarks = " | ".join(c.remarks or "" for c in complaints)
    for state in ("nieuw", "reactie te laat", "verlengd", "ernstig", "teruggekoppeld", "tevredenheid",
                  "derde partij", "bewaartermijn verstreken", "binnenkort vernietigen", "onbekende behandelaar",
                  "onleesbare datum"):
        assert state in remarks
    assert any(c.problems for c in complaints), "a data-quality problem is in the example"
    with zipfile.ZipFile(target / "register" / "klachtenregister.xlsx") as zf:
        table = zf.read("xl/tables/table1.xml").decode()
    assert f':{openpyxl.utils.get_column_letter(len(COLUMNS))}{register.last_row}"' in table, "table covers every row"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["contrle"], "Onbekende opdracht 'contrle'. Bedoelt u controle?"),
        (["controle", "--peildatum", "morgen"], "'morgen' is geen datum (gebruik 2026-11-24 of 24-11-2026)"),
        (["brief", "onzin", "K-2026-001"], "kies uit ontvangst, verlenging, terugkoppeling, tevredenheid"),
        (["brief", "ontvangst", "--foo", "K-2026-001"], "Onbekende optie --foo"),
        (["brief"], "'SOORT' ontbreekt"),
        (["init", "a", "b"], "Te veel argumenten: b"),
    ],
)
def test_usage_errors_are_dutch_and_exit_2(runner, workfolder, args, expected):
    result = runner.invoke(main, ["--map", str(workfolder.root), *args])
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Usage:" not in result.stderr and "Error:" not in result.stderr and result.stdout == ""


def test_broken_settings_file_is_named_with_a_hint(runner, workfolder):
    config = workfolder.root / "formkit.toml"
    config.write_text(config.read_text(encoding="utf-8").replace('naam = "STAP Brabant"', "naam = “STAP Brabant”"),
                      encoding="utf-8")
    result = runner.invoke(main, ["--map", str(workfolder.root), "controle"])
    assert result.exit_code == 2
    assert "formkit.toml" in result.stderr and "rechte aanhalingstekens" in result.stderr
