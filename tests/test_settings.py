"""The working folder is found as git finds its repository; formkit.toml as Notepad saves it."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.errors import ConfigError
from formkit.settings import find_workfolder, load_settings


@pytest.fixture
def runner():
    return CliRunner()


def test_a_command_inside_a_dossier_finds_its_working_folder(runner, demo, monkeypatch):
    inside = demo.dossiers / "K-2026-001"
    inside.mkdir(parents=True, exist_ok=True)
    monkeypatch.chdir(inside)
    monkeypatch.delenv("FORMKIT_MAP", raising=False)
    result = runner.invoke(main, ["controle", "--peildatum", "2026-11-02", "--json"])
    assert result.exit_code == 1 and '"bevindingen"' in result.stdout
    monkeypatch.chdir(demo.register.parent)  # inside register/
    assert runner.invoke(main, ["controle", "--peildatum", "2026-11-02"]).exit_code == 1
    assert find_workfolder(inside) == demo.root


def test_outside_any_working_folder_the_message_says_so_and_does_not_suggest_init(runner, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("FORMKIT_MAP", raising=False)
    result = runner.invoke(main, ["controle"])
    assert result.exit_code == 2
    assert "geen werkmap van formkit" in result.stderr and "--map" in result.stderr and "cd" in result.stderr
    assert "formkit init" not in result.stderr


def test_only_a_folder_without_a_register_is_pointed_to_init(runner, workfolder):
    workfolder.register.unlink()
    result = runner.invoke(main, ["--map", str(workfolder.root), "controle"])
    assert result.exit_code == 2 and "bestaat niet" in result.stderr and "formkit init" in result.stderr


def test_a_bom_is_accepted(workfolder):
    path = workfolder.root / "formkit.toml"
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    assert [h.name for h in load_settings(workfolder.root).handlers] == ["Yvonne Lips", "Arianda Schepens"]


def test_a_file_saved_as_ansi_is_read_as_windows_1252_with_a_note(runner, workfolder):
    path = workfolder.root / "formkit.toml"
    text = path.read_text(encoding="utf-8").replace('functie = "Eerste aanspreekpunt klachten"',
                                                    'functie = "Coördinator klachten"', 1)
    path.write_bytes(text.encode("cp1252"))
    settings = load_settings(workfolder.root)
    assert settings.handlers[0].function == "Coördinator klachten"
    assert "UTF-8" in settings.notes[0]
    result = runner.invoke(main, ["--map", str(workfolder.root), "controle"])
    assert result.exit_code == 0 and "Windows-tekst" in result.stderr


@pytest.mark.parametrize("line, expected", [
    (r'register = "C:\Klachten\register.xlsx"', r"register = 'C:\Klachten\register.xlsx'"),
    ("register = register.xlsx", "tussen rechte aanhalingstekens"),
    ('naam = “STAP Brabant”', "geen gekrulde"),
    ("dit is geen instelling", "hoort een = met de waarde"),
    ("= 5", "geen instelling (naam = waarde)"),
])
def test_settings_errors_are_dutch_with_line_and_column(workfolder, line, expected):
    path = workfolder.root / "formkit.toml"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(n for n, text in enumerate(lines) if text.startswith("register ="))
    lines[at] = line
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_settings(workfolder.root)
    message = refused.value.message
    assert f"regel {at + 1}, kolom " in message and expected in message
    for english in ("Invalid", "Unescaped", "Expected", "statement"):
        assert english not in message


def test_a_wrong_value_names_its_line(workfolder):
    path = workfolder.root / "formkit.toml"
    text = path.read_text(encoding="utf-8").replace("reactie_dagen = 7", 'reactie_dagen = "zeven"')
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index(next(x for x in text.splitlines() if x.startswith("reactie_dagen"))) + 1
    with pytest.raises(ConfigError, match=f"regel {line}: reactie_dagen moet een heel getal"):
        load_settings(workfolder.root)
    path.write_text(text.replace('reactie_dagen = "zeven"', "reactie_dagen = 7").replace(
        'naam = "Yvonne Lips"', 'functie2 = "x"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="behandelaar.*zonder naam"):
        load_settings(workfolder.root)


def test_init_writes_paths_in_single_quotes(workfolder):
    text = (workfolder.root / "formkit.toml").read_text(encoding="utf-8")
    assert "register = 'register/klachtenregister.xlsx'" in text
