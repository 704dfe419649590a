"""The CLI of the foundation: help, version, init, demo, errors as Dutch messages and exit codes."""

from __future__ import annotations

import subprocess
import sys
import zipfile

import click
import openpyxl
import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.register.columns import COLUMNS
from formkit.register.reading import read_register


def all_commands():
    return main.list_commands(click.Context(main))


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


@pytest.mark.parametrize("command", all_commands())
def test_help_is_dutch_also_in_clicks_own_lines(runner, command):
    result = runner.invoke(main, [command, "--help"])
    for english in ("Usage:", "Options:", "Show this message", "[OPTIONS]"):
        assert english not in result.output, english
    assert "Gebruik:" in result.output and "Toon deze uitleg en stop." in result.output
    top = runner.invoke(main, ["--help"]).output
    assert "Opdrachten:" in top and "Commands:" not in top and "Show the version" not in top


@pytest.mark.parametrize("where", ["before", "after"])
def test_quiet_silences_information_but_not_data_or_errors(runner, demo, where):
    args = ["controle", "--peildatum", "2026-11-02", "--markeer"]
    args = ["--quiet", *args] if where == "before" else [*args, "--quiet"]
    quiet = runner.invoke(main, ["--map", str(demo.root), *args])
    loud = runner.invoke(main, ["--map", str(demo.root), "controle", "--peildatum", "2026-11-02", "--markeer"])
    assert quiet.exit_code == loud.exit_code == 1
    assert quiet.stdout == loud.stdout and "Controle klachtenregister" in quiet.stdout  # the data
    assert "Signalering" in loud.stderr and quiet.stderr == ""
    failed = runner.invoke(main, ["--map", str(demo.root), "brief", "ontvangst", "K-1999-999", "--quiet"])
    assert failed.exit_code == 2 and "K-1999-999" in failed.stderr  # errors still appear


def test_an_error_with_a_hint_names_the_option_that_helps(runner, demo):
    result = runner.invoke(main, ["--map", str(demo.root), "brief", "verlenging", "K-2026-004"])
    assert result.exit_code == 2
    assert "verwachte datum" in result.stderr and "--verwacht DATUM" in result.stderr


CRASH = """
import sys
from formkit.check import deadlines
def broken(*args, **kwargs):
    raise ValueError("Naam klager: Jantje Geheimhouder, Kerkstraat 12")
deadlines.check = broken
import formkit.check.monthly as monthly
monthly.check = broken
from formkit.cli import main
sys.argv = ["formkit", "--map", sys.argv[1], "controle"]
main()
"""


def test_a_bug_is_one_dutch_line_and_a_log_without_personal_data(demo):
    result = subprocess.run([sys.executable, "-c", CRASH, str(demo.root)], capture_output=True, text=True)
    assert result.returncode == 3
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "formkit-fout.log" in lines[0] and "programmafout" in lines[0]
    log = (demo.root / "formkit-fout.log").read_text(encoding="utf-8")
    assert "ValueError" in log and "monthly.py" in log  # type and place, for the developer
    assert "Jantje" not in log and "Kerkstraat" not in log and str(demo.root) not in log


def test_a_second_demo_into_the_same_folder_says_it_already_holds_one(runner, tmp_path):
    target = tmp_path / "voorbeeld"
    target.mkdir()
    (target / "formkit.toml").write_text("", encoding="utf-8")
    (target / "ingekomen").mkdir()
    result = runner.invoke(main, ["demo", str(target)])
    assert result.exit_code == 2
    assert "staat al een voorbeeldwerkmap" in result.stderr and "init" not in result.stderr
    assert "laat die staan en maakt niets" in result.stderr


@pytest.mark.parametrize("port", ["0", "70000", "abc", "-5", "80.5", "²"])
def test_an_impossible_port_is_refused_in_dutch(runner, port):
    result = runner.invoke(main, ["app", "--port", port, "--no-browser"])
    assert result.exit_code == 2
    assert f"{port} is geen poort; kies een getal van 1 tot en met 65535" in result.stderr
    assert "range" not in result.stderr and "range" not in runner.invoke(main, ["app", "--help"]).output
    assert "integer" not in result.stderr


@pytest.mark.parametrize(("args", "absent"), [
    (["--version"], {"formkit.cli.check", "formkit.cli.documents", "formkit.register.reading"}),
    (["controle", "--json"], {"docxtpl", "openpyxl", "pypdf", "matplotlib", "reportlab", "formkit.cli.documents",
                              "formkit.documents", "formkit.pdf.fields"}),
])
def test_a_command_loads_only_what_it_needs(workfolder, args, absent):
    """The command table imports a command's module when it runs: the start-up of `controle`
    (bench/bench_startup.py) must not pay for letters, PDFs or charts, nor, on a register without
    problems, for openpyxl (only a message naming a cell needs it)."""
    probe = ("import runpy, sys\n"
             "sys.argv = ['formkit', *sys.argv[1:]]\n"
             "try:\n    runpy.run_module('formkit', run_name='__main__')\n"
             "except SystemExit:\n    pass\n"
             "print('\\n'.join(sorted(sys.modules)), file=sys.stderr)\n")
    out = subprocess.run([sys.executable, "-c", probe, "--map", str(workfolder.root), *args], capture_output=True,
                         text=True, encoding="utf-8")
    assert out.returncode == 0, out.stderr[-2000:]
    loaded = set(out.stderr.split("\n"))
    assert "formkit.cli" in loaded, out.stderr[-2000:]
    assert not absent & loaded, sorted(absent & loaded)


def test_a_mistyped_command_is_suggested_in_a_fresh_process(tmp_path):
    """In a fresh process no command module is loaded yet: the suggestion comes from the command table."""
    out = subprocess.run([sys.executable, "-m", "formkit", "contrle"], capture_output=True, text=True,
                         encoding="utf-8", cwd=tmp_path)
    assert out.returncode == 2 and "Onbekende opdracht 'contrle'. Bedoelt u controle?" in out.stderr
