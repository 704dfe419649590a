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
import pytest

from formkit.pdf.forms import make_form
from formkit.register.backups import list_backups
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from formkit.workfolder.create import init_workfolder
from tests.pdffill import pypdf_fill

CP1252 = {**os.environ, "PYTHONIOENCODING": "cp1252"}
LATER = (dt.date.today() + dt.timedelta(days=30)).isoformat()  # the demo is of 2 November: its terms passed


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


HELD = """
import io, os, pathlib, sys
import formkit.held
formkit.held.RETRY_PAUSES = ()  # the schedule is injectable: no waiting in tests
held = [os.path.abspath(p) for p in os.environ["FORMKIT_TEST_HELD"].split(os.pathsep)]
real_replace, real_open = os.replace, io.open

def replace(src, dst, *args, **kwargs):
    if os.path.abspath(dst) in held:
        raise PermissionError(13, "Het proces heeft geen toegang tot het bestand", str(dst))
    return real_replace(src, dst, *args, **kwargs)

def opened(file, mode="r", *args, **kwargs):
    if isinstance(file, (str, os.PathLike)) and os.path.abspath(file) in held and any(m in mode for m in "wax"):
        raise PermissionError(13, "Het proces heeft geen toegang tot het bestand", str(file))
    return real_open(file, mode, *args, **kwargs)

real_unlink = os.unlink

def unlink(path, *args, **kwargs):  # Windows refuses to delete a file another program has open
    if os.path.abspath(path) in held:
        raise PermissionError(13, "Het proces heeft geen toegang tot het bestand", str(path))
    return real_unlink(path, *args, **kwargs)

os.replace = replace
os.unlink = os.remove = unlink
io.open = opened
pathlib.io.open = opened
import builtins
builtins.open = opened
from formkit.cli import main
sys.argv = ["formkit", *sys.argv[1:]]
main()
"""


def held_run(folder: Path, held: list[Path], *args: str) -> subprocess.CompletedProcess[str]:
    """The real command, with Windows refusing writes, replaces and deletes of the held files."""
    env = {**CP1252, "FORMKIT_TEST_HELD": os.pathsep.join(str(p) for p in held)}
    return subprocess.run([sys.executable, "-c", HELD, "--map", str(folder), *args], env=env,
                          capture_output=True, text=True, encoding="cp1252", errors="replace", timeout=300)


def unanswered(settings) -> str:
    """A complaint of the demo that has no Datum reactie yet."""
    return next(c.number for c in read_register(settings.register).complaints
                if c.received and not c.reaction_date and c.is_open and c.handler and c.number)


def test_a_register_held_by_another_program_is_refused_and_a_rerun_records_once(demo):
    number = unanswered(demo)
    before = demo.register.read_bytes()
    done = held_run(demo.root, [demo.register], "brief", "ontvangst", number, "--verwacht", LATER)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "klachtenregister.xlsx is in gebruik door een ander programma" in done.stderr
    assert "documenten zijn wel gemaakt" in done.stderr.lower() or "opnieuw" in done.stderr
    assert demo.register.read_bytes() == before  # nothing half-recorded
    letters = list(demo.dossier(number).glob(f"* ontvangst {number}.docx"))
    assert len(letters) == 1
    again = held_run(demo.root, [], "brief", "ontvangst", number, "--verwacht", LATER)
    assert again.returncode == 0, again.stderr  # the letter existed: kept, and its date recorded now
    assert "de datum is nu vastgelegd" in again.stderr and "--overwrite" not in again.stderr
    assert read_register(demo.register).get(number).reaction_date == dt.date.today()
    third = held_run(demo.root, [], "brief", "ontvangst", number, "--verwacht", LATER)
    assert "vastgelegd in het register" not in third.stderr  # recorded once


def test_a_held_logbook_keeps_its_line_for_the_next_run(demo):
    logbook = demo.register.parent / "logboek.csv"
    first = held_run(demo.root, [logbook], "controle", "--peildatum", "2026-11-02", "--markeer")
    assert first.returncode == 1 and "Traceback" not in first.stderr
    assert "logboek.csv is in gebruik" in first.stderr and "volgende opdracht" in first.stderr
    assert any(c.signal for c in read_register(demo.register).complaints)  # the register was written
    lines = logbook.read_text(encoding="utf-8-sig").splitlines()
    assert not any("controle --markeer" in line for line in lines)
    held_run(demo.root, [], "brief", "ontvangst", unanswered(demo), "--verwacht", LATER)
    lines = logbook.read_text(encoding="utf-8-sig").splitlines()
    assert any("controle --markeer" in line for line in lines) and any(";ontvangst;" in line for line in lines)
    assert not (demo.register.parent / ".logboek-wacht.csv").exists()


def test_a_held_file_is_tried_again_briefly_then_refused(tmp_path, monkeypatch):
    import formkit.held as held
    from formkit.errors import FileHeld

    waited: list[float] = []
    monkeypatch.setattr(held.time, "sleep", waited.append)
    attempts = iter([PermissionError(13, "x"), PermissionError(13, "x"), "gelukt"])

    def action():
        outcome = next(attempts)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert held.retrying(tmp_path / "register.xlsx", action) == "gelukt"
    assert waited == list(held.RETRY_PAUSES[:2])
    waited.clear()
    with pytest.raises(FileHeld, match="register.xlsx is in gebruik door een ander programma"):
        held.retrying(tmp_path / "register.xlsx", lambda: (_ for _ in ()).throw(PermissionError(13, "x")))
    assert waited == list(held.RETRY_PAUSES) and sum(waited) <= 3.5


def test_a_letter_with_a_held_logbook_says_so(demo):
    """The logbook's note comes after the register write; a letter's report must still show it."""
    logbook = demo.register.parent / "logboek.csv"
    number = unanswered(demo)
    done = held_run(demo.root, [logbook], "brief", "ontvangst", number, "--verwacht", LATER)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert "logboek.csv is in gebruik" in done.stderr and "volgende opdracht" in done.stderr
    assert read_register(demo.register).get(number).reaction_date == dt.date.today()


def test_destruction_with_a_letter_and_a_backup_held_open_is_finished_by_a_rerun(tmp_path):
    """The retention run while a letter is open in Word and a backup in Excel: the register is
    anonymised, everything else is deleted, what is left is named, and the same command finishes it."""
    from tests.test_vernietig import GONE, PEIL, make_folder

    settings = make_folder(tmp_path / "Klachten Één")
    held_letter = settings.dossier("K-2024-001") / "2024-02-21 ontvangst K-2024-001.docx"
    backup = list_backups(settings.register)[-1]  # made by the register's last write: it holds the names

    first = held_run(settings.root, [held_letter, backup], "vernietig", *PEIL, "--uitvoeren", "--yes")
    assert first.returncode == 2 and "Traceback" not in first.stderr, first.stderr
    assert "Het register is geanonimiseerd, maar niet alles kon worden verwijderd" in first.stderr
    assert str(held_letter) in first.stderr and "Is er een bestand geopend? Sluit het." in first.stderr
    assert f"Verwijder ook deze reservekopieën van het register, die de gegevens nog bevatten: {backup}" \
        in first.stderr
    assert "Voer daarna dezelfde opdracht opnieuw uit." in first.stderr
    register = read_register(settings.register)
    assert register.get("K-2024-001").name is None and register.get("K-2024-002").name is None
    assert [p for p in held_letter.parent.rglob("*") if p.is_file()] == [held_letter]  # the rest is gone
    assert backup.exists()

    assert "al geanonimiseerd" in held_run(settings.root, [], "vernietig", *PEIL).stdout
    second = held_run(settings.root, [], "vernietig", *PEIL, "--uitvoeren", "--yes")
    assert second.returncode == 0, second.stderr
    assert not held_letter.parent.exists() and not backup.exists()
    log = (settings.register.parent / "vernietigingslog.csv").read_text(encoding="utf-8-sig")
    assert [line.split(";")[0] for line in log.splitlines()[1:]] == ["K-2024-001", "K-2024-002", "K-2024-001"]
    for needle in (n for values in GONE.values() for n in values):
        assert needle.encode() not in settings.register.read_bytes()


def test_a_backup_held_open_during_destruction_is_named_for_the_staff_to_delete(tmp_path):
    from tests.test_vernietig import PEIL, make_folder

    settings = make_folder(tmp_path / "k")
    backup = list_backups(settings.register)[-1]
    done = held_run(settings.root, [backup], "vernietig", *PEIL, "--uitvoeren", "--yes")
    assert done.returncode == 2 and "Traceback" not in done.stderr, done.stderr
    assert "de dossiers zijn verwijderd, maar deze reservekopieën" in done.stderr
    assert f"{backup}. Sluit ze en verwijder ze zelf." in done.stderr
    assert not settings.dossier("K-2024-001").exists() and backup.exists()
    assert [b for b in list_backups(settings.register) if b != backup] == []  # the others are gone


def test_a_dossier_file_held_for_a_moment_is_deleted_after_a_brief_wait(tmp_path, monkeypatch):
    """A virus scanner or sync client that holds a file for a moment: destruction waits briefly."""
    from click.testing import CliRunner

    import formkit.held as held
    from formkit.cli import main
    from tests.test_vernietig import PEIL, make_folder

    settings = make_folder(tmp_path / "k")
    letter = settings.dossier("K-2024-001") / "2024-02-21 ontvangst K-2024-001.docx"
    waited: list[float] = []
    monkeypatch.setattr(held.time, "sleep", waited.append)
    refusals = iter(range(4))  # two attempts, each also trying once more after making the file writable
    real_unlink = os.unlink

    def unlink(path, *args, **kwargs):
        if os.path.abspath(path) == str(letter) and next(refusals, None) is not None:
            raise PermissionError(13, "Het proces heeft geen toegang tot het bestand", str(path))
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", unlink)
    result = CliRunner().invoke(main, ["--map", str(settings.root), "vernietig", *PEIL, "--uitvoeren", "--yes"])
    assert result.exit_code == 0, result.output
    assert not letter.parent.exists() and waited == list(held.RETRY_PAUSES[:2])
