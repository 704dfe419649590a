"""`formkit vernietig`: listing changes nothing; destroying leaves no trace of the person anywhere."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from lxml import etree
from openpyxl.comments import Comment

from formkit.cli import main
from formkit.settings import load_settings
from formkit.register.reading import read_register
from formkit.register.destroyed import LOG_HEADER, LOG_NAME
from formkit.register.backups import list_backups
from formkit.register.logbook import current_user
from formkit.register.storage import update_register
from formkit.workfolder.create import init_workfolder
from formkit.xlsx.patch import WorkbookPatch

PEIL = ["--peildatum", "2026-11-02"]
GONE = {  # personal data of the two complaints past retention; must vanish everywhere
    "K-2024-001": ["Wilhelmina Zonderland", "w.zonderland@voorbeeld.test", "06 90909090", "Vergeetmeniet 77",
                   "Teun Zonderland", "zeer boos"],
    "K-2024-002": ["Bartholomeus Quist", "Quist Hoveniers", "info@quist.test"],
}
NEEDLES = [n for values in GONE.values() for n in values]
KEPT = ("number", "received", "client_type", "category", "cause", "serious", "satisfaction", "improvement",
        "reaction_date", "handled_date", "feedback_date", "satisfaction_date")


@pytest.fixture
def runner():
    return CliRunner()


def add_staff_columns(settings) -> None:
    """Two columns of the staff's own, written as formkit writes cells (inline strings)."""
    register = read_register(settings.register)
    first = max(register.columns.values()) + 1
    patch = WorkbookPatch(settings.register.read_bytes(), register.sheet_name)
    patch.set_cells(1, {first + 1: "Notitie", first + 2: "Kenmerk intern"})
    settings.register.write_bytes(patch.save())


def make_folder(root: Path, shared_strings: bool = False):
    """Two complaints past retention (one with a dossier), one nearly due, one open."""
    settings = init_workfolder(root).settings
    toml = root / "formkit.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        "bewaarbare_kolommen = []", 'bewaarbare_kolommen = ["kenmerk intern"]'), encoding="utf-8")
    settings = load_settings(root)
    add_staff_columns(settings)
    common = {"serious": "nee", "handler": "Yvonne Lips", "reaction_mode": "e-mail", "city": "Boxtel"}
    rows = [
        ({"number": "K-2024-001", "received": date(2024, 2, 20), "client_type": "particulier",
          "name": "Wilhelmina Zonderland", "email": "w.zonderland@voorbeeld.test", "phone": "06 90909090",
          "address": "Vergeetmeniet 77", "participant": "Teun Zonderland", "course": "BHV-herhaling",
          "description": "Mevrouw Zonderland kreeg geen certificaat.", "category": "Examen en certificering",
          "reaction_date": date(2024, 2, 21), "handled_date": date(2024, 3, 15), "feedback_date": date(2024, 3, 16),
          "cause": "Adres verkeerd overgenomen.", "solution": "Certificaat aan Wilhelmina Zonderland verstuurd.",
          "satisfaction": "4", "satisfaction_date": date(2024, 4, 1), "improvement": "Adres laten controleren.",
          "remarks": "Belde op 5 maart, zeer boos", "signal": "Vernietigen"},
         {"Notitie": "Zonderland wil geen post", "Kenmerk intern": "KI-17"}),
        ({"number": "K-2024-002", "received": date(2024, 9, 2), "client_type": "bedrijf",
          "name": "Bartholomeus Quist", "organisation": "Quist Hoveniers B.V.", "email": "info@quist.test",
          "category": "Facturering en betaling", "reaction_date": date(2024, 9, 3),
          "handled_date": date(2024, 10, 1), "feedback_date": date(2024, 10, 1), "cause": "Dubbele factuur."},
         {"Kenmerk intern": "KI-18"}),
        ({"number": "K-2024-003", "received": date(2024, 11, 20), "name": "Cornelia Blijft",
          "reaction_date": date(2024, 11, 21), "handled_date": date(2024, 12, 1), "feedback_date": date(2024, 12, 1),
          "satisfaction": "5"}, {"Notitie": "blijft nog"}),
        ({"number": "K-2026-001", "received": date(2026, 10, 30), "name": "Ida Open"}, {}),
    ]
    with update_register(settings, "test") as update:
        for values, staff in rows:
            complaint = update.append({**common, **values})
            for header, value in staff.items():
                update.set_extra(complaint, header, value)
    if shared_strings:
        to_shared_strings(settings.register)
        with zipfile.ZipFile(settings.register) as zf:
            assert b"Wilhelmina Zonderland" in zf.read("xl/sharedStrings.xml")
    dossier = settings.dossier("K-2024-001")
    (dossier / "ingelezen").mkdir(parents=True)
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", "<w:t>Geachte mevrouw Wilhelmina Zonderland,</w:t>")
    (dossier / "2024-02-21 ontvangst K-2024-001.docx").write_bytes(docx.getvalue())
    (dossier / "ingelezen" / "klachtformulier Zonderland.pdf").write_bytes(b"%PDF-1.7 Wilhelmina Zonderland")
    (dossier / "notitie.txt").write_text("06 90909090", encoding="utf-8")
    return settings


def to_shared_strings(path: Path) -> None:
    """Store the text as Excel does on saving: in xl/sharedStrings.xml, cells holding an index."""
    ns = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    with zipfile.ZipFile(path) as zf:
        parts = {name: zf.read(name) for name in zf.namelist()}
    sheet = etree.fromstring(parts["xl/worksheets/sheet1.xml"])
    strings: list[str] = []
    for cell in sheet.iter(f"{{{ns}}}c"):
        if cell.get("t") == "inlineStr":
            text = "".join(cell.find(f"{{{ns}}}is").itertext())
            cell.remove(cell.find(f"{{{ns}}}is"))
            cell.set("t", "s")
            etree.SubElement(cell, f"{{{ns}}}v").text = str(len(strings))
            strings.append(text)
    table = etree.Element(f"{{{ns}}}sst", count=str(len(strings)), uniqueCount=str(len(strings)))
    for text in strings:
        etree.SubElement(etree.SubElement(table, f"{{{ns}}}si"), f"{{{ns}}}t").text = text
    parts["xl/worksheets/sheet1.xml"] = etree.tostring(sheet, xml_declaration=True, encoding="UTF-8")
    parts["xl/sharedStrings.xml"] = etree.tostring(table, xml_declaration=True, encoding="UTF-8")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
        b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
        b'<Relationship Id="rIdSst" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in parts.items():
            zf.writestr(name, body)


@pytest.fixture(params=["inline", "shared"])
def folder(request, tmp_path):
    return make_folder(tmp_path / "klachten", shared_strings=request.param == "shared")


def traces(root: Path, needles: list[str]) -> list[str]:
    """Where any needle occurs under root: every file, and every member of zip packages (xlsx, docx)."""
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file():
            continue
        blobs = {str(path): path.read_bytes()}
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as zf:
                blobs |= {f"{path}!{name}": zf.read(name) for name in zf.namelist()}
        for where, blob in blobs.items():
            found += [f"{n!r} in {where}" for n in needles if n.lower().encode() in blob.lower()]
    return found


def run(runner, settings, *args, **kwargs):
    return runner.invoke(main, ["--map", str(settings.root), "vernietig", *args], **kwargs)


def snapshot(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_listing_changes_nothing(runner, folder):
    before = snapshot(folder.root)
    result = run(runner, folder, *PEIL)
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    first = next(line for line in lines if line.startswith("K-2024-001"))
    assert "afgehandeld 15-03-2024" in first and "vernietigen vanaf 15-03-2026" in first
    assert "3 bestanden in het dossier" in first
    assert "geen dossier" in next(line for line in lines if line.startswith("K-2024-002"))
    columns = next(line for line in lines if "kolommen:" in line)
    assert "Naam klager" in columns and "Notitie" in columns and "Opmerkingen" in columns
    assert "Kenmerk intern" not in result.stdout and "Datum ontvangst" not in columns
    assert "K-2024-003" not in result.stdout and "K-2026-001" not in result.stdout
    assert "--uitvoeren" in result.stderr
    assert snapshot(folder.root) == before, "listing changes no file"
    assert not (folder.register.parent / LOG_NAME).exists()


def test_nothing_due(runner, folder):
    result = run(runner, folder, "--peildatum", "2026-03-14")
    assert result.exit_code == 0
    assert result.stdout == "" and "Niets te vernietigen" in result.stderr


def test_destroy_leaves_no_trace(runner, folder, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    assert runner.invoke(main, ["--map", str(folder.root), "controle", *PEIL,
                                "--rapport", str(folder.reports / "controle.xlsx")]).exit_code == 1
    assert traces(folder.root, NEEDLES), "the scan finds the data before"
    hashes = sorted(hashlib.sha256(p.read_bytes()).hexdigest()
                    for p in folder.dossier("K-2024-001").rglob("*") if p.is_file())
    kept_before = {n: {k: getattr(read_register(folder.register).get(n), k) for k in KEPT} for n in GONE}

    result = run(runner, folder, *PEIL, "--uitvoeren", "--yes")
    assert result.exit_code == 0, result.output
    assert "K-2024-001    vernietigd: 14 kolommen leeggemaakt, dossier met 3 bestanden verwijderd" in result.stdout
    assert str(folder.register.parent / LOG_NAME) in result.stdout
    assert "reservekopie" in result.stderr

    assert traces(folder.root, NEEDLES) == []
    assert not folder.dossier("K-2024-001").exists()
    assert list_backups(folder.register) == [], "every backup still held the data"

    register = read_register(folder.register)
    for number in GONE:
        c = register.get(number)
        assert {k: getattr(c, k) for k in KEPT} == kept_before[number], "kept columns keep their values"
        assert c.name is None and c.email is None and c.city is None and c.handler is None
        assert c.signal == c.remarks and c.signal.startswith("vernietigd op ")
        assert c.is_anonymised
    assert register.get("K-2024-003").name == "Cornelia Blijft"
    assert register.get("K-2024-003").city == "Boxtel", "text still used by another row survives"
    assert register.get("K-2026-001").name == "Ida Open"
    ws = openpyxl.load_workbook(folder.register)["Klachten"]
    staff = {ws.cell(row=1, column=c).value: c for c in range(1, ws.max_column + 1)}
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=1).value == "K-2024-001")
    assert ws.cell(row=row, column=staff["Notitie"]).value is None
    assert ws.cell(row=row, column=staff["Kenmerk intern"]).value == "KI-17", "listed in bewaarbare_kolommen"

    with (folder.register.parent / LOG_NAME).open(encoding="utf-8-sig", newline="") as fh:
        log = list(csv.reader(fh, delimiter=";"))
    assert log[0] == LOG_HEADER
    records = {r[0]: r for r in log[1:]}
    assert set(records) == set(GONE)
    number, handled, destroyed, user, columns, count, sha = records["K-2024-001"]
    assert (handled, user, count) == ("15-03-2024", current_user(), "3")
    assert destroyed == register.get("K-2024-001").signal.removeprefix("vernietigd op ")
    assert sorted(sha.split()) == hashes
    assert "Naam klager" in columns and "Notitie" in columns and "Kenmerk intern" not in columns
    assert records["K-2024-002"][5:] == ["0", ""]

    again = run(runner, folder, *PEIL)
    assert again.exit_code == 0 and "Niets te vernietigen" in again.stderr
    register_bytes = folder.register.read_bytes()
    assert run(runner, folder, *PEIL, "--uitvoeren", "--yes").exit_code == 0
    assert folder.register.read_bytes() == register_bytes
    check = runner.invoke(main, ["--map", str(folder.root), "controle", *PEIL, "--json"])
    assert "K-2024-001" not in check.stdout and "K-2024-002" not in check.stdout


@pytest.mark.parametrize("answer", ["n\n", "", "ja zeker\n"])
def test_declined_or_no_answer_destroys_nothing(runner, tmp_path, answer):
    settings = make_folder(tmp_path / "k")
    before = snapshot(settings.root)
    result = run(runner, settings, *PEIL, "--uitvoeren", input=answer)
    assert result.exit_code == 1
    assert "definitief vernietigen?" in result.stderr and "Niets vernietigd" in result.stderr
    assert "vernietigen?" not in result.stdout, "the question is a message (stderr)"
    assert snapshot(settings.root) == before


def test_confirmed_with_ja(runner, tmp_path):
    settings = make_folder(tmp_path / "k")
    result = run(runner, settings, *PEIL, "--uitvoeren", input="ja\n")
    assert result.exit_code == 0, result.output
    assert read_register(settings.register).get("K-2024-001").is_anonymised


def test_future_peildatum_refused_for_destruction(runner, tmp_path):
    settings = make_folder(tmp_path / "k")
    before = snapshot(settings.root)
    result = run(runner, settings, "--peildatum", "2999-01-01", "--uitvoeren", "--yes")
    assert result.exit_code == 2 and "toekomst" in result.stderr
    assert snapshot(settings.root) == before
    ahead = run(runner, settings, "--peildatum", "01-12-2026")
    assert ahead.exit_code == 1 and "K-2024-003" in ahead.stdout, "listing ahead is fine"


def test_interrupted_run_is_finished_next_time(runner, tmp_path):
    settings = make_folder(tmp_path / "k")
    assert run(runner, settings, *PEIL, "--uitvoeren", "--yes").exit_code == 0
    leftover = settings.dossier("K-2024-001")  # e.g. a file was open in Word and could not be deleted
    leftover.mkdir()
    (leftover / "brief.docx").write_bytes(b"Wilhelmina Zonderland")
    listed = run(runner, settings, *PEIL)
    assert listed.exit_code == 1 and "al geanonimiseerd" in listed.stdout
    register_bytes = settings.register.read_bytes()
    done = run(runner, settings, *PEIL, "--uitvoeren", "--yes")
    assert done.exit_code == 0, done.output
    assert not leftover.exists() and settings.register.read_bytes() == register_bytes
    rows = (settings.register.parent / LOG_NAME).read_text(encoding="utf-8-sig").splitlines()
    assert rows[-1].startswith("K-2024-001;15-03-2024;") and ";;1;" in rows[-1]


def test_duplicate_number_is_skipped(runner, tmp_path):
    settings = make_folder(tmp_path / "k")
    with update_register(settings, "test") as update:
        update.append({"number": "K-2024-002", "received": date(2026, 10, 1), "name": "Nieuwe Klant"})
    result = run(runner, settings, *PEIL, "--uitvoeren", "--yes")
    assert result.exit_code == 1
    assert "Overgeslagen" in result.stderr and "K-2024-002" in result.stderr
    register = read_register(settings.register)
    assert register.complaints[0].is_anonymised
    assert [c.name for c in register.complaints if c.number == "K-2024-002"] == ["Bartholomeus Quist", "Nieuwe Klant"]


def test_copies_the_cell_writes_cannot_reach_are_named(runner, tmp_path):
    settings = make_folder(tmp_path / "k")
    wb = openpyxl.load_workbook(settings.register)
    wb["Klachten"]["E2"].comment = Comment("Wilhelmina Zonderland belt terug", "Yvonne Lips")
    wb.save(settings.register)
    result = run(runner, settings, *PEIL, "--uitvoeren", "--yes")
    assert result.exit_code == 1, "destroyed, but something needs attention"
    assert "K-2024-001: de waarde uit Naam klager staat nog in het register (xl/comments/comment1.xml)" in result.stderr
    assert "Zonderland" not in result.stdout + result.stderr, "named by column and part, never by value"
    assert read_register(settings.register).get("K-2024-001").is_anonymised


def test_a_destroyed_complaint_stays_destroyed(runner, tmp_path):
    """No letter, form or prefilled PDF for it; personal data typed back in is destroyed again."""
    settings = make_folder(tmp_path / "klachten")
    assert run(runner, settings, "--uitvoeren", "--yes", *PEIL).exit_code == 0
    base = ["--map", str(settings.root)]
    for args in (["brief", "tevredenheid", "K-2024-001"], ["brief", "terugkoppeling", "K-2024-002"],
                 ["formulier", "K-2024-001"], ["pdf-formulier", "tevredenheid", "K-2024-001"]):
        result = runner.invoke(main, [*base, *args])
        assert result.exit_code == 2, args
        assert "vernietigd op" in result.stderr and "K-2024-00" in result.stderr, args
    assert not settings.dossier("K-2024-001").exists() and not settings.dossier("K-2024-002").exists()
    register = read_register(settings.register)
    row = register.get("K-2024-001").row
    patch = WorkbookPatch(settings.register.read_bytes(), register.sheet_name)
    patch.set_cells(row, {register.columns["name"] + 1: "Oud Klager",
                          register.columns["remarks"] + 1: "vernietigd op 02-11-2026\nBel me op 06-99999999"})
    settings.register.write_bytes(patch.save())
    listed = run(runner, settings, *PEIL)
    assert listed.exit_code == 1 and "K-2024-001" in listed.stdout and "Naam klager" in listed.stdout
    assert run(runner, settings, "--uitvoeren", "--yes", *PEIL).exit_code == 0
    again = read_register(settings.register).get("K-2024-001")
    assert again.name is None and again.remarks == again.signal
    assert again.remarks.startswith("vernietigd op ") and "06-99999999" not in again.remarks
    assert traces(settings.root, ["Oud Klager", "06-99999999"]) == []
