"""`formkit inlezen` from the CLI: real filled PDFs into a real register, conflicts, idempotency.

Satisfaction forms are the ones formkit prefilled for a complaint (as the letter encloses them):
only those are linked to a complaint (tests/test_intake_findings.py has the blank ones).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.register.columns import COLUMNS
from formkit.pdf.forms import make_form
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from tests.pdffill import pdftk_fill, pypdf_fill

LONG = "\n".join(f"Regel {i}: één ë ü — de docent kwam te laat." for i in range(120))[:4000].rstrip()
FORMULA = '=HYPERLINK("http://x.example","klik")'
COMPLAINT = {
    "naam": "Zoë Ümit", "type_klant": "bedrijf", "organisatie": FORMULA, "adres": "Kerkstraat 1",
    "postcode": "5291 AB", "woonplaats": "Gemonde", "email": "zoe@example.nl", "telefoon": "+31 6 12345678",
    "opleiding": "Coaching naar werk", "naam_deelnemer": "Björn", "omschrijving": LONG,
    "gewenste_oplossing": "@iemand bellen", "datum": "24-11-2026", "terugbellen": "Yes",
}


@pytest.fixture
def folder(workfolder):
    with update_register(workfolder, "test") as update:
        update.append({"number": "K-2026-001", "received": dt.date(2026, 10, 1), "name": "Femke van Aalst",
                       "remarks": "Eerste notitie"})
        update.append({"number": "K-2026-002", "received": dt.date(2026, 10, 2), "name": "Ruud Bakhuijs",
                       "satisfaction": "3"})
    for kind in ("klacht", "tevredenheid"):
        make_form(kind, workfolder, workfolder.forms / f"{kind}.pdf")
    for number in ("K-2026-001", "K-2026-002"):
        prefilled(workfolder, number)
    return workfolder


def prefilled(folder, number: str) -> Path:
    """The satisfaction form formkit makes for a complaint (formulieren/tevredenheid K-....pdf)."""
    complaint = read_register(folder.register).get(number)
    return make_form("tevredenheid", folder, folder.forms / f"tevredenheid {number}.pdf", complaint)


def run(folder, *args):
    return CliRunner().invoke(main, ["--map", str(folder.root), "inlezen", *map(str, args)])


def cells(path: Path) -> list[list]:
    return [[c.value for c in row] for row in openpyxl.load_workbook(path)["Klachten"].iter_rows()]


@pytest.mark.parametrize("filler", [pdftk_fill, pypdf_fill])
def test_complaint_form_becomes_a_new_row_cell_by_cell(folder, tmp_path, filler):
    values = {**COMPLAINT, "terugbellen": "Yes" if filler is pdftk_fill else "/Yes"}  # pypdf takes PDF names
    pdf = filler(folder.forms / "klacht.pdf", tmp_path / "ingevuld.pdf", values)
    result = run(folder, pdf)
    assert result.exit_code == 0, result.output
    assert "nieuwe klacht K-2026-003" in result.stdout
    rows = cells(folder.register)
    headers = [c.header for c in COLUMNS]
    new = dict(zip(headers, rows[3]))
    assert new["Klachtnummer"] == "K-2026-003"
    assert new["Datum ontvangst"] == dt.datetime(2026, 11, 24)
    assert new["Wijze van indienen"] == "klachtenformulier"
    assert new["Naam klager"] == "Zoë Ümit" and new["Type klant"] == "bedrijf"
    assert new["Organisatie"] == FORMULA, "stored as text, never a formula"
    assert new["Gewenste oplossing"] == "@iemand bellen" and new["Telefoon"] == "+31 6 12345678"
    assert new["Omschrijving"] == LONG, "4,000 characters with newlines, exact"
    assert "teruggebeld" in new["Opmerkingen"]
    digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
    kept = list((folder.dossiers / "K-2026-003").glob(f"* ingelezen klachtenformulier {digest[:16]}.pdf"))
    assert len(kept) == 1 and kept[0].read_bytes() == pdf.read_bytes()
    assert f"bewaard als {kept[0].relative_to(folder.root)}" in result.stdout


def test_same_pdf_twice_changes_nothing(folder, tmp_path):
    pdf = pdftk_fill(folder.forms / "klacht.pdf", tmp_path / "a.pdf", COMPLAINT)
    assert run(folder, pdf).exit_code == 0
    before = folder.register.read_bytes()
    again = run(folder, pdf)
    assert again.exit_code == 0 and "al eerder ingelezen" in again.stdout
    assert folder.register.read_bytes() == before
    copy = tmp_path / "kopie met andere naam.pdf"
    shutil.copyfile(pdf, copy)
    assert run(folder, copy).exit_code == 0 and folder.register.read_bytes() == before


@pytest.mark.parametrize("score", ["1", "2", "3", "4", "5"])
def test_satisfaction_form_fills_its_complaint(folder, tmp_path, score):
    pdf = pdftk_fill(folder.forms / "tevredenheid K-2026-001.pdf", tmp_path / "t.pdf",
                     {"tevredenheid": score, "binnen_week": "ja",
                      "opmerkingen": "Prima geholpen, é ë", "datum": "20 november 2026"})
    result = run(folder, pdf)
    assert result.exit_code == 0, result.output
    c = read_register(folder.register).get("K-2026-001")
    assert c.satisfaction == score and c.satisfaction_date == dt.date(2026, 11, 20)
    assert c.remarks.startswith("Eerste notitie\n") and "Prima geholpen, é ë" in c.remarks
    assert c.name == "Femke van Aalst"


def test_conflict_is_reported_and_written_only_with_overwrite(folder, tmp_path):
    pdf = pdftk_fill(folder.forms / "tevredenheid K-2026-002.pdf", tmp_path / "t.pdf",
                     {"tevredenheid": "5", "datum": "20-11-2026"})
    before = folder.register.read_bytes()
    result = run(folder, pdf)
    assert result.exit_code == 1
    assert "conflict, niet overschreven: Tevredenheid (register '3', formulier '5')" in result.stdout
    assert "conflict Tevredenheid: register '3', formulier '5'" in run(folder, "--dry-run", "--details", pdf).stdout
    c = read_register(folder.register).get("K-2026-002")
    assert c.satisfaction == "3", "never silently replaced"
    assert c.satisfaction_date == dt.date(2026, 11, 20), "the non-conflicting field goes in"
    assert folder.register.read_bytes() != before
    forced = run(folder, "--overwrite", pdf)
    assert forced.exit_code == 0, forced.output
    assert read_register(folder.register).get("K-2026-002").satisfaction == "5"
    assert "al eerder ingelezen (K-2026-002)" in run(folder, "--overwrite", pdf).stdout, "done once resolved"


def test_dry_run_writes_nothing(folder, tmp_path):
    pdf = pdftk_fill(folder.forms / "klacht.pdf", tmp_path / "a.pdf", COMPLAINT)
    before = folder.register.read_bytes()
    result = run(folder, "--dry-run", "--details", pdf)
    assert result.exit_code == 0
    assert "nieuwe klacht K-2026-003" in result.stdout and "Naam klager: Zoë Ümit" in result.stdout
    assert "Proefdraai" in result.stderr
    assert folder.register.read_bytes() == before
    assert not (folder.dossiers / "K-2026-003").exists()
    assert not (folder.register.parent / "ingelezen.csv").exists()


def test_numbering_follows_the_year_of_receipt(folder, tmp_path):
    a = pdftk_fill(folder.forms / "klacht.pdf", tmp_path / "a.pdf", {**COMPLAINT, "datum": "30-12-2025"})
    b = pdftk_fill(folder.forms / "klacht.pdf", tmp_path / "b.pdf", {**COMPLAINT, "datum": "02-01-2027", "naam": "B"})
    c = pdftk_fill(folder.forms / "klacht.pdf", tmp_path / "c.pdf", {**COMPLAINT, "datum": "03-01-2027", "naam": "C"})
    assert run(folder, a, b, c).exit_code == 0
    numbers = [x.number for x in read_register(folder.register).complaints]
    assert numbers[2:] == ["K-2025-001", "K-2027-001", "K-2027-002"]


def test_bad_files_are_skipped_good_ones_still_go_in(folder, tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    pdftk_fill(folder.forms / "klacht.pdf", inbox / "sub" / "goed.pdf", COMPLAINT)
    (inbox / "geen-pdf.pdf").write_text("hallo", encoding="utf-8")
    truncated = pdftk_fill(folder.forms / "klacht.pdf", tmp_path / "heel.pdf", COMPLAINT).read_bytes()
    (inbox / "afgekapt.pdf").write_bytes(truncated[: len(truncated) // 2])
    subprocess.run(["pdftk", str(folder.forms / "klacht.pdf"), "output", str(inbox / "plat.pdf"), "flatten"], check=True)
    pdftk_fill(folder.forms / "tevredenheid.pdf", inbox / "onbekend.pdf", {"klachtnummer": "K-2026-099", "tevredenheid": "4"})
    result = run(folder, inbox)
    assert result.exit_code == 1
    assert "nieuwe klacht K-2026-003" in result.stdout
    for fragment in ("geen-pdf.pdf", "afgekapt.pdf", "plat.pdf", "K-2026-099"):
        assert fragment in result.stderr
    assert "Traceback" not in result.output
    assert read_register(folder.register).get("K-2026-003").name == "Zoë Ümit"


def test_only_bad_files_leave_the_register_byte_identical(folder, tmp_path):
    bad = tmp_path / "kapot.pdf"
    bad.write_bytes(b"%PDF-1.7\n garbage")
    before = folder.register.read_bytes()
    result = run(folder, bad)
    assert result.exit_code == 1 and "kapot.pdf" in result.stderr
    assert folder.register.read_bytes() == before


def test_pdf_formulier_command(folder):
    runner = CliRunner()
    result = runner.invoke(main, ["--map", str(folder.root), "pdf-formulier", "tevredenheid", "K-2026-001"])
    assert result.exit_code == 0, result.output
    path = Path(result.stdout.strip())
    assert path.parent == folder.dossiers / "K-2026-001" and path.exists()
    again = runner.invoke(main, ["--map", str(folder.root), "pdf-formulier", "tevredenheid", "K-2026-001"])
    assert again.exit_code == 2 and "--overwrite" in again.stderr
    unknown = runner.invoke(main, ["--map", str(folder.root), "pdf-formulier", "tevredenheid", "K-2026-404"])
    assert unknown.exit_code == 2 and "K-2026-404" in unknown.stderr
    blank = runner.invoke(main, ["--map", str(folder.root), "pdf-formulier", "klacht"])
    assert blank.exit_code == 0 and Path(blank.stdout.strip()) == folder.forms / "klachtenformulier.pdf"


def test_same_pdf_imported_by_two_runs_at_once_becomes_one_complaint(folder, tmp_path):
    """The ledger is read and written under the register lock, so two runs cannot both import it."""
    import os
    import sys

    pdf = pdftk_fill(folder.forms / "klacht.pdf", tmp_path / "tegelijk.pdf", COMPLAINT)
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root)}
    procs = [subprocess.Popen([sys.executable, "-m", "formkit", "--map", str(folder.root), "inlezen", str(pdf)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    codes = [p.returncode for p in procs]
    said = [(code, err.decode("utf-8", "replace")) for code, (_, err) in zip(codes, outputs, strict=True)]
    # 2: the other run held the lock longer than LOCK_TIMEOUT (a loaded machine); never both
    assert all(code in (0, 2) for code in codes) and 0 in codes, said
    names = [c.name for c in read_register(folder.register).complaints]
    assert names.count("Zoë Ümit") == 1, said
