"""`formkit formulier` and `formkit brief` from the CLI: documents made, register recorded, errors."""

from __future__ import annotations

import datetime as dt
import os
import stat
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.register.reading import read_register
from formkit.register.storage import update_register

TODAY = dt.date.today()


@pytest.fixture
def folder(workfolder):
    with update_register(workfolder, "test") as update:
        update.append({"number": "K-2026-001", "received": TODAY - dt.timedelta(days=3), "client_type": "particulier",
                       "name": "Jan & Piet <de Vries>", "address": "Kerkstraat 1", "postcode": "5492 AB",
                       "city": "Sint-Oedenrode", "description": "Ëën klacht {{ 7*7 }}\nmet twee regels",
                       "handler": "Yvonne Lips", "serious": "ja"})
        update.append({"number": "K-2026-002", "received": TODAY - dt.timedelta(days=40), "client_type": "bedrijf",
                       "name": "Ruud Bakhuijs", "organisation": "Bakhuijs B.V.", "handler": "Arianda Schepens",
                       "address": "Industrieweg 4", "postcode": "5531 AD", "city": "Bladel",
                       "description": "Factuur dubbel", "cause": "Handmatige invoer", "solution": "Gecrediteerd",
                       "handled_date": TODAY - dt.timedelta(days=2)})
        update.append({"number": "K-2026-003", "received": TODAY, "name": "Zonder Behandelaar",
                       "handler": "Piet Onbekend", "address": "Dorpsstraat 3", "city": "Gemonde"})
    return workfolder


def run(folder, *args):
    return CliRunner().invoke(main, ["--map", str(folder.root), *args])


def docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def test_ontvangst_letter_with_pdf_records_reaction(folder):
    result = run(folder, "brief", "ontvangst", "K-2026-001", "--pdf")
    assert result.exit_code == 0, result.output
    docx, pdf = (Path(line) for line in result.stdout.split("\n") if line)
    assert docx.name == f"{TODAY.isoformat()} ontvangst K-2026-001.docx"
    assert docx.parent == folder.dossiers / "K-2026-001"
    text = docx_text(docx)
    assert "Jan & Piet <de Vries>" in text and "{{ 7*7 }}" in text and "Ons kenmerk" in text
    with zipfile.ZipFile(docx) as zf:
        assert any(n.startswith("word/media/") for n in zf.namelist()), "signature image"
    pdf_text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Jan & Piet <de Vries>" in pdf_text and "K-2026-001" in pdf_text
    serious_deadline = TODAY - dt.timedelta(days=3) + dt.timedelta(days=7)
    from formkit.dates import dutch

    assert dutch(serious_deadline) in " ".join(pdf_text.split()), "serious term in the acknowledgement"
    assert read_register(folder.register).get("K-2026-001").reaction_date == TODAY
    assert "Datum reactie" in result.stderr


def test_terugkoppeling_names_the_right_third_party_and_records(folder):
    result = run(folder, "brief", "terugkoppeling", "K-2026-002")
    assert result.exit_code == 0, result.output
    text = docx_text(Path(result.stdout.strip()))
    assert "Kwaliteitshandhaving van de NRTO" in text and "Geschillencommissie" not in text
    assert "Handmatige invoer" in text and "Gecrediteerd" in text
    assert read_register(folder.register).get("K-2026-002").feedback_date == TODAY


def test_verlenging_records_both_dates_and_needs_expected(folder):
    expected = TODAY + dt.timedelta(days=30)
    result = run(folder, "brief", "verlenging", "K-2026-002", "--verwacht", expected.strftime("%d-%m-%Y"))
    assert result.exit_code == 0, result.output
    c = read_register(folder.register).get("K-2026-002")
    assert c.extended_until == expected and c.extension_notice_date == TODAY
    missing = run(folder, "brief", "verlenging", "K-2026-001")
    assert missing.exit_code == 2 and "--verwacht" in missing.stderr, "a usage error"
    # the reason is the extension's own, not a passed date (its term has not passed)
    assert "Een verlengingsbrief noemt de datum" in missing.stderr and "al voorbij" not in missing.stderr
    assert not list(folder.dossiers.rglob("*verlenging K-2026-001*"))


def test_tevredenheid_letter_encloses_prefilled_form(folder):
    before = folder.register.read_bytes()
    result = run(folder, "brief", "tevredenheid", "K-2026-002")
    assert result.exit_code == 0, result.output
    paths = [Path(p) for p in result.stdout.splitlines()]
    form = next(p for p in paths if p.suffix == ".pdf")
    from pypdf import PdfReader

    assert PdfReader(form).get_fields()["klachtnummer"]["/V"] == "K-2026-002"
    assert folder.register.read_bytes() == before, "tevredenheid records nothing until the form returns"


def test_unknown_number_exit_2_nothing_written(folder):
    before = folder.register.read_bytes()
    result = run(folder, "brief", "ontvangst", "K-2026-001", "K-2026-404")
    assert result.exit_code == 2 and "K-2026-404" in result.stderr
    assert folder.register.read_bytes() == before
    assert not (folder.dossiers / "K-2026-001").exists()


def test_failed_rendering_records_nothing_for_that_complaint(folder):
    before = folder.register.read_bytes()
    result = run(folder, "brief", "ontvangst", "K-2026-003")
    assert result.exit_code == 1 and "Piet Onbekend" in result.stderr
    assert folder.register.read_bytes() == before
    assert not list((folder.dossiers).rglob("*ontvangst*"))


def test_existing_document_is_not_overwritten_without_flag(folder):
    assert run(folder, "formulier", "K-2026-001").exit_code == 0
    again = run(folder, "formulier", "K-2026-001")
    assert again.exit_code == 1 and "--overwrite" in again.stderr
    assert run(folder, "formulier", "K-2026-001", "--overwrite").exit_code == 0


def test_dry_run_makes_and_records_nothing(folder):
    before = folder.register.read_bytes()
    result = run(folder, "brief", "ontvangst", "K-2026-001", "--dry-run")
    assert result.exit_code == 0
    assert "Datum reactie" in result.stdout and "wordt gemaakt" in result.stdout
    assert folder.register.read_bytes() == before
    assert not (folder.dossiers / "K-2026-001").exists()


def test_formulier_open_makes_one_per_open_complaint(folder):
    result = run(folder, "formulier", "--open")
    assert result.exit_code == 0, result.output
    made = sorted(Path(p).parent.name for p in result.stdout.splitlines())
    assert made == ["K-2026-001", "K-2026-003"]
    text = docx_text(folder.dossiers / "K-2026-001" / f"{TODAY.isoformat()} registratieformulier K-2026-001.docx")
    assert "☒" in text and "K-2026-001" in text


def test_forms_for_open_complaints_of_an_empty_register_say_there_are_none(workfolder):
    for args in (["formulier", "--open"], ["formulier", "--open", "--dry-run"]):
        result = run(workfolder, *args)
        assert result.exit_code == 0, result.output
        assert result.stdout == "" and "Geen klachten om een document voor te maken." in result.stderr
    assert not any(workfolder.dossiers.iterdir())


def test_broken_template_is_a_clear_error(folder):
    from docx import Document

    template = folder.templates / "brief-ontvangst.docx"
    doc = Document(template)
    doc.add_paragraph("{{ klacht.bestaat_niet }}")
    doc.save(template)
    before = folder.register.read_bytes()
    result = run(folder, "brief", "ontvangst", "K-2026-001")
    assert result.exit_code == 2
    assert "bestaat_niet" in result.stderr and "brief-ontvangst.docx" in result.stderr
    assert folder.register.read_bytes() == before


@pytest.mark.parametrize(("code", "said"), [
    ("{{ klacht.naam + 1 }}", "can only concatenate"),  # text plus a number: fails only when filled in
    ("{{ 1 / 0 }}", "division by zero"),
    ("{% include 'voettekst.docx' %}", "no loader"),
])
def test_a_template_that_fails_while_being_filled_in_makes_and_records_nothing(folder, code, said):
    from docx import Document

    template = folder.templates / "brief-ontvangst.docx"
    doc = Document(template)
    doc.add_paragraph(code)
    doc.save(template)
    before = folder.register.read_bytes()
    result = run(folder, "brief", "ontvangst", "K-2026-001", "K-2026-003")
    assert result.exit_code == 2, result.output
    assert f"Het sjabloon {template} kan niet worden ingevuld: een code erin werkt niet met de gegevens van deze " \
        "klacht (technische melding: " in result.stderr and said in result.stderr
    assert "Verbeter die code in het sjabloon." in result.stderr and "Traceback" not in result.output
    assert folder.register.read_bytes() == before and not list(folder.dossiers.rglob("*.docx"))
    assert not (folder.root / "formkit-fout.log").exists()


def test_without_libreoffice_the_docx_is_still_made(folder, tmp_path, monkeypatch):
    """No soffice on PATH (and no Windows/macOS install on this machine): clear error, .docx kept."""
    empty = tmp_path / "leeg-pad"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    result = run(folder, "brief", "ontvangst", "K-2026-001", "--pdf")
    assert result.exit_code == 1
    assert "LibreOffice" in result.stderr and "Word-bestanden zijn wel gemaakt" in result.stderr
    docx = Path(result.stdout.strip())
    assert docx.suffix == ".docx" and docx.exists() and not docx.with_suffix(".pdf").exists()
    assert read_register(folder.register).get("K-2026-001").reaction_date == TODAY, "the letter was produced"


def test_register_open_in_excel_makes_nothing(folder):
    lock = folder.register.with_name("~$" + folder.register.name)
    lock.write_bytes(bytes([11]) + b"Yvonne Lips" + bytes(153))
    before = folder.register.read_bytes()
    result = run(folder, "brief", "ontvangst", "K-2026-001")
    assert result.exit_code == 2 and "Excel" in result.stderr
    assert not (folder.dossiers / "K-2026-001").exists(), "no letter that cannot be recorded"
    assert folder.register.read_bytes() == before


def test_existing_letter_with_missing_date_is_recorded_on_rerun(folder):
    """A run that could not record (Excel opened mid-run) is completed by running it again."""
    from formkit.documents.letters import plan, produce

    settings = folder
    complaint = read_register(settings.register).get("K-2026-001")
    batch = plan(settings, "ontvangst", [complaint], TODAY)
    for item in batch.items:
        item.record = {}  # as if the register write had been refused
    produce(settings, batch, TODAY)
    assert read_register(folder.register).get("K-2026-001").reaction_date is None
    result = run(folder, "brief", "ontvangst", "K-2026-001")
    # what the earlier run asked for is done: no --overwrite advice, nothing left to attend to
    assert result.exit_code == 0, result.stderr
    assert "bestond al; de datum is nu vastgelegd" in result.stderr and "--overwrite" not in result.stderr
    assert read_register(folder.register).get("K-2026-001").reaction_date == TODAY
    again = run(folder, "brief", "ontvangst", "K-2026-001")
    assert again.exit_code == 1 and "niet overschreven (gebruik --overwrite)" in again.stderr


def test_feedback_letter_needs_a_handled_complaint(folder):
    before = folder.register.read_bytes()
    result = run(folder, "brief", "terugkoppeling", "K-2026-001")
    assert result.exit_code == 1 and "nog niet afgehandeld" in result.stderr
    assert folder.register.read_bytes() == before
    assert not list(folder.dossiers.rglob("*terugkoppeling*"))


def test_dry_run_reports_what_would_fail(folder):
    result = run(folder, "brief", "ontvangst", "K-2026-003", "--dry-run")
    assert result.exit_code == 1
    assert "wordt niet gemaakt" in result.stderr and "Piet Onbekend" in result.stderr


def test_unreadable_received_date_is_named_not_called_empty(folder):
    from formkit.register.columns import COLUMNS
    from formkit.xlsx.patch import WorkbookPatch

    patch = WorkbookPatch(folder.register.read_bytes(), "Klachten")
    patch.set_cells(2, {[c.key for c in COLUMNS].index("received") + 1: "14-13-2026"})
    folder.register.write_bytes(patch.save())
    result = run(folder, "brief", "ontvangst", "K-2026-001")
    assert result.exit_code == 2, "a letter resting on an unreadable cell is refused"
    assert "niet te lezen" in result.stderr and "B2" in result.stderr and "is leeg" not in result.stderr
    assert '"14-13-2026"' in result.stderr, "the text staff typed"
    assert not (folder.dossiers / "K-2026-001").exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_written_files_keep_their_permissions(folder):
    os.chmod(folder.register, 0o664)
    assert run(folder, "brief", "ontvangst", "K-2026-001").exit_code == 0
    assert stat.S_IMODE(folder.register.stat().st_mode) == 0o664, "a shared register stays shared"
    docx = next(folder.dossiers.rglob("*.docx"))
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(docx.stat().st_mode) == 0o666 & ~umask, "new files get normal permissions"


def test_template_code_with_a_space_inside_the_braces_is_refused(folder):
    from docx import Document

    template = folder.templates / "brief-ontvangst.docx"
    doc = Document(template)
    doc.add_paragraph("Met groet, { { brief.aanhef }}")
    doc.save(template)
    result = run(folder, "brief", "ontvangst", "K-2026-001")
    assert result.exit_code == 2
    assert "{ { brief.aanhef }}" in result.stderr and "zonder spatie" in result.stderr


def test_dry_run_and_real_run_of_a_kept_letter_say_the_same(folder):
    """A letter that exists is kept by a rerun: its dry run must not warn about a letter it will not make."""
    term = (TODAY - dt.timedelta(days=3) + dt.timedelta(days=7)).strftime("%d-%m-%Y")  # K-2026-001 is serious
    first = run(folder, "brief", "verlenging", "K-2026-001", "--verwacht", term)
    assert "een verlenging is dan niet nodig" in first.stderr, first.stderr
    dry = run(folder, "brief", "verlenging", "K-2026-001", "--verwacht", term, "--dry-run")
    real = run(folder, "brief", "verlenging", "K-2026-001", "--verwacht", term)
    notes = [[line for line in r.stderr.splitlines() if line.startswith("Let op")] for r in (dry, real)]
    assert notes[0] == notes[1] == [], (dry.stderr, real.stderr)


def test_dry_run_names_an_unknown_template_name_as_the_real_run_does(folder):
    from docx import Document

    template = folder.templates / "brief-ontvangst.docx"
    doc = Document(template)
    doc.add_paragraph("{{ behandelaar.naaam }}")
    doc.save(template)
    dry = run(folder, "brief", "ontvangst", "K-2026-001", "--dry-run")
    real = run(folder, "brief", "ontvangst", "K-2026-001")
    assert dry.exit_code == real.exit_code == 2
    assert "behandelaar.naaam (bedoelt u behandelaar.naam?)" in dry.stderr
    assert dry.stderr.splitlines()[0] == real.stderr.splitlines()[0]
