"""A returned form is never added twice, whichever file Windows holds while `formkit inlezen` runs.

Each step's file is held in turn (the register's replace, the ledger, the logbook, the dossier copy
before and after the register write) in a subprocess run of the real command, as tests/test_windows.py
does; then the same command again, with nothing held, must leave exactly one row (a satisfaction
form: one score, one date, its remarks once) and one copy in the dossier.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from formkit.intake.keeping import LEDGER_HEADER, LEDGER_NAME
from formkit.pdf.forms import make_form
from formkit.register.logbook import append_csv
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from tests.pdffill import pypdf_fill

# The real command, with Windows refusing writes and replaces of the held files (fnmatch patterns).
HELD = """
import builtins, fnmatch, io, os, pathlib, sys
import formkit.held
formkit.held.RETRY_PAUSES = ()  # the schedule is injectable: no waiting in tests
patterns = [p for p in os.environ["FORMKIT_TEST_HELD"].split(os.pathsep) if p]

def held(path):
    return any(fnmatch.fnmatchcase(os.path.abspath(path), p) for p in patterns)

real_replace, real_open = os.replace, io.open

def replace(src, dst, *args, **kwargs):
    if held(dst):
        raise PermissionError(13, "Het proces heeft geen toegang tot het bestand", str(dst))
    return real_replace(src, dst, *args, **kwargs)

def opened(file, mode="r", *args, **kwargs):
    if isinstance(file, (str, os.PathLike)) and held(file) and any(m in mode for m in "wax"):
        raise PermissionError(13, "Het proces heeft geen toegang tot het bestand", str(file))
    return real_open(file, mode, *args, **kwargs)

os.replace = replace
io.open = pathlib.io.open = builtins.open = opened
from formkit.cli import main
sys.argv = ["formkit", *sys.argv[1:]]
main()
"""

# step -> (what is held, relative to the working folder; exit code; the register written; Dutch words)
STEPS = {
    "register": ("register/klachtenregister.xlsx", 2, False, "klachtenregister.xlsx is in gebruik door een ander "
                                                              "programma (Excel, Word"),
    "ledger": (f"register/{LEDGER_NAME}", 2, False, f"{LEDGER_NAME} is in gebruik door een ander programma"),
    "logbook": ("register/logboek.csv", 1, True, "logboek.csv is in gebruik door een ander programma"),
    "dossier-before": ("dossiers/*/.* ingelezen *.pdf.tmp", 2, False, "is in gebruik door een ander programma"),
    "dossier-after": ("dossiers/*/* ingelezen *.pdf", 1, True, "kon niet in het dossier worden gezet"),
}


def inlezen(folder, held: list[str], *paths: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FORMKIT_TEST_HELD": os.pathsep.join(str(folder.root / p) for p in held)}
    return subprocess.run([sys.executable, "-c", HELD, "--map", str(folder.root), "inlezen", *map(str, paths)],
                          env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def folder(workfolder, tmp_path):
    with update_register(workfolder, "test") as update:
        update.append({"number": "K-2026-001", "received": dt.date(2026, 10, 1), "name": "Femke van Aalst",
                       "remarks": "Eerste notitie"})
        update.append({"number": "K-2026-002", "received": dt.date(2026, 10, 2), "name": "Ruud Bakhuijs"})
    append_csv(workfolder.register.parent / LEDGER_NAME, LEDGER_HEADER, [])  # as after any earlier import
    blank = make_form("klacht", workfolder, tmp_path / "leeg.pdf")
    pypdf_fill(blank, tmp_path / "klacht.pdf", {"naam": "Zoë Ümit", "omschrijving": "Te laat.", "datum": "24-11-2026"})
    sent = make_form("tevredenheid", workfolder, tmp_path / "verstuurd.pdf",
                     read_register(workfolder.register).get("K-2026-001"))
    pypdf_fill(sent, tmp_path / "tevredenheid.pdf", {"tevredenheid": "/4", "opmerkingen": "Goed geholpen."})
    return workfolder


@pytest.mark.parametrize("kind", ["klacht", "tevredenheid"])
@pytest.mark.parametrize("step", list(STEPS))
def test_a_held_file_then_a_rerun_imports_the_form_once(folder, tmp_path, step, kind):
    pdf = tmp_path / f"{kind}.pdf"
    held, code, written, words = STEPS[step]
    before = folder.register.read_bytes()
    first = inlezen(folder, [held], pdf)
    assert first.returncode == code, first.stdout + first.stderr
    assert "Traceback" not in first.stderr and words in first.stderr, first.stderr
    assert (folder.register.read_bytes() != before) == written, "nothing half-recorded"
    again = inlezen(folder, [], pdf)
    assert again.returncode == 0, again.stdout + again.stderr
    assert ("al eerder ingelezen" in again.stdout) == written
    third = inlezen(folder, [], pdf)
    assert third.returncode == 0 and "al eerder ingelezen" in third.stdout
    register = read_register(folder.register)
    if kind == "klacht":
        assert [c.name for c in register.complaints].count("Zoë Ümit") == 1, "a returned form added twice"
        number = register.complaints[-1].number
    else:
        c = register.get("K-2026-001")
        assert (c.satisfaction, c.satisfaction_date) == ("4", dt.date.today())
        assert c.remarks.count("Goed geholpen.") == 1 and len(register.complaints) == 2
        number = "K-2026-001"
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    assert len(list(folder.dossier(number).glob(f"* ingelezen *formulier {digest[:16]}.pdf"))) == 1
    assert not list(folder.dossiers.rglob("*.tmp")), "no staged copy left behind"
    ledger = (folder.register.parent / LEDGER_NAME).read_text(encoding="utf-8-sig")
    assert ledger.count(digest) == 1


def test_the_held_logbook_line_is_added_by_the_next_write(folder, tmp_path):
    first = inlezen(folder, ["register/logboek.csv"], tmp_path / "klacht.pdf")
    assert first.returncode == 1 and "volgende opdracht" in first.stderr
    logbook = folder.register.parent / "logboek.csv"
    assert ";inlezen;" not in logbook.read_text(encoding="utf-8-sig")
    assert inlezen(folder, [], tmp_path / "tevredenheid.pdf").returncode == 0  # the next write
    lines = [line for line in logbook.read_text(encoding="utf-8-sig").splitlines() if ";inlezen;" in line]
    assert len(lines) == 2 and ";K-2026-003;" in lines[0] and ";K-2026-001;" in lines[1]
