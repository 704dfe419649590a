"""The staff's Windows: consoles and redirected files in cp1252, paths with spaces and accents.

Each command runs as a real process with PYTHONIOENCODING=cp1252, as on a Windows console or
when its output is redirected to a file there.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from formkit.pdf.forms import make_form
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from formkit.workfolder.create import init_workfolder
from tests.pdffill import pypdf_fill

CP1252 = {**os.environ, "PYTHONIOENCODING": "cp1252"}


def formkit(folder: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "formkit", "--map", str(folder), *args], env=CP1252,
                          capture_output=True, timeout=300)


def accented_folder(tmp_path: Path):
    """A working folder in a path with spaces and accents, with names a cp1252 console cannot show."""
    settings = init_workfolder(tmp_path / "Klachten Één" / "Brabant-Zuid café").settings
    with update_register(settings, "test") as update:
        update.append({"number": "K-2026-001", "received": dt.date(2026, 10, 1), "name": "Ayşe Kılıç",
                       "handler": "Ayşe Kılıç", "cause": "Planning → uitval", "category": "Overig"})
        update.append({"number": "K-2026-002", "received": dt.date(2026, 9, 1), "name": "Jan Ğ",
                       "handled_date": dt.date(2026, 9, 20), "cause": "Rooster → te laat gepubliceerd"})
    return settings


def test_controle_with_names_the_console_cannot_show(tmp_path):
    settings = accented_folder(tmp_path)
    done = formkit(settings.root, "controle", "--peildatum", "2026-11-24")
    assert done.returncode == 1, done.stderr.decode("cp1252", "replace")
    assert b"Traceback" not in done.stderr and b"K-2026-001" in done.stdout
    assert "Ay?e K?l?ç".encode("cp1252") in done.stdout  # replaced, not a crash


def test_controle_markeer_rapport_writes_both_and_exits_1(tmp_path):
    settings = accented_folder(tmp_path)
    report = settings.root / "rapporten" / "controle november.xlsx"
    done = formkit(settings.root, "controle", "--peildatum", "2026-11-24", "--markeer", "--rapport", str(report))
    assert done.returncode == 1 and b"Traceback" not in done.stderr
    assert report.exists() and openpyxl.load_workbook(report).sheetnames[0] == "Overzicht"
    assert read_register(settings.register).get("K-2026-001").signal


def test_json_is_utf8_whatever_the_console(tmp_path):
    settings = accented_folder(tmp_path)
    done = formkit(settings.root, "controle", "--peildatum", "2026-11-24", "--json")
    found = json.loads(done.stdout.decode("utf-8"))["bevindingen"]
    assert "Ayşe Kılıç" in {f["behandelaar"] for f in found}
    analysis = formkit(settings.root, "analyse", "--van", "2026-01-01", "--tot", "2026-11-30", "--json")
    assert analysis.returncode == 0, analysis.stderr
    assert "Planning → uitval" in analysis.stdout.decode("utf-8")


def test_analyse_with_an_arrow_in_oorzaak(tmp_path):
    settings = accented_folder(tmp_path)
    done = formkit(settings.root, "analyse", "--van", "2026-01-01", "--tot", "2026-11-30")
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    assert b"Planning ? uitval" in done.stdout


def test_inlezen_of_a_form_from_someone_named_outside_cp1252(tmp_path):
    settings = accented_folder(tmp_path)
    blank = make_form("klacht", settings, settings.forms / "klachtenformulier.pdf")
    inbox = settings.root / "ingekomen mail"
    inbox.mkdir()
    pypdf_fill(blank, inbox / "formulier Yıldız.pdf", {
        "naam": "Mehmet Yıldız", "omschrijving": "De cursus ging niet door.", "datum": "24-11-2026"})
    done = formkit(settings.root, "inlezen", str(inbox))
    assert done.returncode == 0, done.stderr.decode("cp1252", "replace")
    assert b"Traceback" not in done.stderr and b"Ingelezen: 1 nieuw" in done.stderr  # the summary is shown
    assert read_register(settings.register).get("K-2026-003").name == "Mehmet Yıldız"
