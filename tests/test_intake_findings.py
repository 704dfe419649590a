"""`formkit inlezen` and its API (read_forms, plan_import, apply_import) against the reported findings:
destroyed complaints, a client's typed number, big batches, US dates, Ctrl-C, a register that changed
between plan and write. Real forms (formkit's own), real fillers (pypdf, pdftk), a real register.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
from pathlib import Path

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.intake import LEDGER_NAME, PlanChanged, apply_import, import_forms, plan_import, read_forms
from formkit.pdf.forms import make_form
from formkit.register.backups import list_backups
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from formkit.retention import destroy
from tests.pdffill import pdftk_fill, pypdf_fill

TODAY = dt.date.today()
COMPLAINT = {"naam": "Karin de Wit", "email": "karin@example.nl", "omschrijving": "De les ging niet door.",
             "datum": "28-11-2026"}


@pytest.fixture
def folder(workfolder):
    with update_register(workfolder, "test") as update:
        update.append({"number": "K-2026-001", "received": dt.date(2026, 11, 3), "name": "Femke van Aalst",
                       "channel": "telefoon", "description": "Rooster te laat.", "handler": "Yvonne Lips"})
        update.append({"number": "K-2026-002", "received": dt.date(2026, 11, 4), "name": "Ruud Bakhuijs"})
    return workfolder


def run(folder, *args):
    return CliRunner().invoke(main, ["--map", str(folder.root), "inlezen", *map(str, args)])


def blank(folder, kind: str) -> Path:
    return make_form(kind, folder, folder.forms / f"leeg {kind}.pdf")


def prefilled(folder, kind: str, number: str) -> Path:
    """The form formkit makes for one complaint (pdf-formulier KIND NUMMER; the letter encloses it)."""
    return make_form(kind, folder, folder.forms / f"{kind} {number}.pdf", read_register(folder.register).get(number))


# -- 5. destroyed complaints stay destroyed --------------------------------------------------------

def destroyed_folder(workfolder, tmp_path):
    """K-2024-001 with a satisfaction form returned and kept, then destroyed by `vernietig`."""
    with update_register(workfolder, "test") as update:
        update.append({"number": "K-2024-001", "received": dt.date(2024, 3, 1), "name": "Oud Klager",
                       "handled_date": dt.date(2024, 3, 15)})
    sent = prefilled(workfolder, "tevredenheid", "K-2024-001")
    first = pypdf_fill(sent, tmp_path / "eerste.pdf", {"tevredenheid": "/3"})
    assert run(workfolder, first).exit_code == 0
    assert destroy(workfolder, TODAY).records
    return sent, first


def test_a_form_for_a_destroyed_complaint_is_refused_and_not_kept(workfolder, tmp_path):
    sent, first = destroyed_folder(workfolder, tmp_path)
    late = pypdf_fill(sent, tmp_path / "laat.pdf",
                      {"tevredenheid": "/2", "opmerkingen": "Mijn naam is Oud Klager, bel me op 06-99999999"})
    before = workfolder.register.read_bytes()
    for pdf in (late, first):  # a new answer, and the very file that was kept and destroyed
        result = run(workfolder, pdf)
        assert result.exit_code == 1, result.output
        assert f"Fout: {pdf}: Klacht K-2024-001 (vernietigd op {TODAY:%d-%m-%Y}) is vernietigd" in result.stderr
        assert "niet ingelezen en niet bewaard" in result.stderr and pdf.name not in result.stdout
    assert workfolder.register.read_bytes() == before
    assert not workfolder.dossier("K-2024-001").exists(), "not kept in any dossier"
    assert not [p for p in workfolder.dossiers.rglob("*.pdf")]
    assert "06-99999999" not in (read_register(workfolder.register).get("K-2024-001").remarks or "")


def test_a_kept_form_of_a_destroyed_complaint_is_known_by_its_hash(workfolder, tmp_path):
    """A complaint form that became K-2024-002 comes back after destruction, and the ledger is gone:
    the destruction log's hashes still know it (it would otherwise be a new complaint)."""
    pdf = pypdf_fill(blank(workfolder, "klacht"), tmp_path / "klacht.pdf", {**COMPLAINT, "datum": "02-03-2024"})
    assert run(workfolder, pdf).exit_code == 0
    with update_register(workfolder, "test") as update:
        update.set(update.register.get("K-2024-001"), {"handled_date": dt.date(2024, 3, 20)})
    destroy(workfolder, TODAY)
    (workfolder.register.parent / LEDGER_NAME).unlink()
    result = run(workfolder, pdf)
    assert result.exit_code == 1 and "K-2024-001 (vernietigd op" in result.stderr, result.output
    assert [c.number for c in read_register(workfolder.register).complaints] == ["K-2024-001"]


# -- 7. a number the client typed never merges forms -----------------------------------------------

def test_a_number_typed_on_a_blank_complaint_form_makes_a_new_complaint(folder, tmp_path):
    pdf = pdftk_fill(blank(folder, "klacht"), tmp_path / "getypt.pdf", {**COMPLAINT, "klachtnummer": "K-2026-001"})
    before = folder.register.read_bytes()
    dry = run(folder, "--dry-run", "--overwrite", pdf)
    assert dry.exit_code == 0, dry.output
    assert "getypt.pdf: klachtenformulier -> nieuwe klacht K-2026-003" in dry.stdout
    assert "klachtnummer K-2026-001 is door de klant getypt" in dry.stderr
    assert folder.register.read_bytes() == before
    assert run(folder, "--overwrite", pdf).exit_code == 0
    register = read_register(folder.register)
    old, new = register.get("K-2026-001"), register.get("K-2026-003")
    assert (old.description, old.received, old.name) == ("Rooster te laat.", dt.date(2026, 11, 3), "Femke van Aalst")
    assert new.name == "Karin de Wit" and new.received == dt.date(2026, 11, 28)
    assert "K-2026-001" in new.remarks


def test_only_formkits_prefilled_form_updates_its_complaint_and_never_its_number_date_or_channel(folder, tmp_path):
    form = prefilled(folder, "klacht", "K-2026-001")
    pdf = pypdf_fill(form, tmp_path / "aangevuld.pdf", {"omschrijving": "Het rooster kwam twee weken te laat.",
                                                        "email": "femke@example.nl", "datum": "28-11-2026"})
    result = run(folder, pdf)
    assert result.exit_code == 1 and "conflict, niet overschreven: Omschrijving" in result.stdout
    assert "Datum ontvangst" not in result.stdout and "Wijze van indienen" not in result.stdout
    assert run(folder, "--overwrite", pdf).exit_code == 0
    c = read_register(folder.register).get("K-2026-001")
    assert c.description == "Het rooster kwam twee weken te laat." and c.email == "femke@example.nl"
    assert (c.number, c.received, c.channel) == ("K-2026-001", dt.date(2026, 11, 3), "telefoon")
    assert len(read_register(folder.register).complaints) == 2


def test_a_blank_satisfaction_form_is_not_matched_by_its_typed_number(folder, tmp_path):
    pdf = pypdf_fill(blank(folder, "tevredenheid"), tmp_path / "t.pdf",
                     {"klachtnummer": "K-2026-001", "tevredenheid": "/5"})
    before = folder.register.read_bytes()
    result = run(folder, pdf)
    assert result.exit_code == 1
    assert f"Fout: {pdf}: dit tevredenheidsformulier is niet door formkit voor een klacht ingevuld" in result.stderr
    assert "het getypte klachtnummer K-2026-001 is niet genoeg" in result.stderr
    assert "Neem de antwoorden zelf over in het register" in result.stderr
    assert folder.register.read_bytes() == before and not list(folder.dossiers.rglob("*.pdf"))
    answered = pypdf_fill(prefilled(folder, "tevredenheid", "K-2026-001"), tmp_path / "p.pdf", {"tevredenheid": "/5"})
    assert run(folder, answered).exit_code == 0
    assert read_register(folder.register).get("K-2026-001").satisfaction == "5"


def test_the_demo_returns_the_prefilled_satisfaction_form(tmp_path):
    from formkit.workfolder.demo import INBOX, run_demo

    steps = run_demo(tmp_path / "demo", dt.date(2026, 11, 2))
    for message, _ in steps:  # up to the forms read back in; the letters (LibreOffice) are not needed
        if message.startswith("Ingevulde formulieren"):
            lines = [next(steps)[0] for _ in range(3)]
            break
    steps.close()
    from pypdf import PdfReader

    from formkit.pdf.fields import MARKER_FIELD
    from formkit.settings import load_settings

    settings = load_settings(tmp_path / "demo")
    returned = next((settings.root / INBOX).glob("tevredenheid *.pdf"))
    number = returned.stem.split()[-1]
    assert PdfReader(returned).get_fields()[MARKER_FIELD]["/V"] == number
    assert any(line.startswith(f"{returned.name}: tevredenheidsformulier -> {number} bijgewerkt") for line in lines)
    assert read_register(settings.register).get(number).satisfaction == "4"


# -- 13. a big batch: one line per file, then what could not be read, then the summary ------------

def test_a_big_batch_prints_one_line_per_file_and_the_errors_last(folder, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    form = blank(folder, "klacht")
    for i in range(12):
        pypdf_fill(form, inbox / f"klacht {i:02d}.pdf", {**COMPLAINT, "naam": f"Klant {i}"})
    for name in ("kapot 1.pdf", "kapot 2.pdf"):
        (inbox / name).write_bytes(b"%PDF-1.7\n kapot")
    result = run(folder, inbox)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        f"klacht {i:02d}.pdf: klachtenformulier -> nieuwe klacht K-2026-{i + 3:03d} (bewaard als "
        f"{next(folder.dossier(f'K-2026-{i + 3:03d}').glob('*.pdf')).relative_to(folder.root)})" for i in range(12)]
    err = result.stderr.splitlines()
    assert [line.split(":")[0] for line in err] == ["Fout", "Fout", "Ingelezen"]
    assert f"Fout: {inbox / 'kapot 1.pdf'}: " in err[0] and "Ingelezen: 12 nieuw, 2 niet ingelezen" in err[2]
    detailed = run(folder, "--dry-run", "--details", inbox)
    assert "al eerder ingelezen (K-2026-003)" in detailed.stdout
    fresh = pypdf_fill(form, inbox / "nieuw.pdf", {**COMPLAINT, "naam": "Nog een"})
    detail = run(folder, "--dry-run", "--details", fresh).stdout.splitlines()
    assert detail[0] == "nieuw.pdf: klachtenformulier -> nieuwe klacht K-2026-015"
    assert "    Naam klager: Nog een" in detail and "    Omschrijving: De les ging niet door." in detail


# -- 14. a US date is one field problem; the form names the address to send it to -----------------

def test_a_us_date_on_the_form_is_a_warning_and_the_rest_goes_in(folder, tmp_path):
    pdf = pypdf_fill(blank(folder, "klacht"), tmp_path / "us.pdf", {**COMPLAINT, "datum": "11/28/2026"})
    result = run(folder, pdf)
    assert result.exit_code == 0, result.output
    assert "us.pdf: klachtenformulier -> nieuwe klacht K-2026-003 (let op: 2 waarschuwingen)" in result.stdout
    assert "Let op: us.pdf: Veld 'Datum': '11/28/2026' bestaat niet als datum" in result.stderr
    assert f"Datum ontvangst is vandaag ({TODAY:%d-%m-%Y})" in result.stderr
    c = read_register(folder.register).get("K-2026-003")
    assert c.name == "Karin de Wit" and c.received == TODAY


# -- the API the command and the web page share -----------------------------------------------------

def test_plan_is_the_dry_run_and_apply_writes_exactly_it_once(folder, tmp_path):
    a = pypdf_fill(blank(folder, "klacht"), tmp_path / "a.pdf", COMPLAINT)
    b = pypdf_fill(prefilled(folder, "tevredenheid", "K-2026-002"), tmp_path / "b.pdf", {"tevredenheid": "/4"})
    before = folder.register.read_bytes()
    outcomes = read_forms([a, b, tmp_path / "weg.pdf"])
    assert [o.status for o in outcomes] == ["gelezen", "gelezen", "fout"]
    dry = import_forms(folder, [a, b], dry_run=True)
    plan = plan_import(folder, outcomes)
    assert folder.register.read_bytes() == before and not plan.applied and not dry.applied
    assert not list(folder.dossiers.rglob("*.pdf")) and not (folder.register.parent / LEDGER_NAME).exists()
    summary = [(o.status, o.number, o.changes) for o in plan]
    assert summary[:2] == [(o.status, o.number, o.changes) for o in dry]
    assert summary[0][:2] == ("nieuw", "K-2026-003") and summary[1][:2] == ("bijgewerkt", "K-2026-002")
    backups = len(list_backups(folder.register))
    done = apply_import(folder, plan)
    assert done.applied and [(o.status, o.number, o.changes) for o in done] == summary
    assert len(list_backups(folder.register)) == backups + 1, "one register write"
    assert read_register(folder.register).get("K-2026-002").satisfaction == "4"
    assert all(o.kept_as and o.kept_as.exists() for o in done.outcomes[:2])


def test_a_register_changed_after_planning_raises_plan_changed_with_the_new_plan(folder, tmp_path):
    form = blank(folder, "klacht")
    mine = pypdf_fill(form, tmp_path / "mijn.pdf", COMPLAINT)
    plan = plan_import(folder, read_forms([mine]))
    assert plan.outcomes[0].number == "K-2026-003"
    other = pypdf_fill(form, tmp_path / "ander.pdf", {**COMPLAINT, "naam": "Iemand Anders"})
    import_forms(folder, [other])  # meanwhile, another run (or staff in Excel) changes the register
    before = folder.register.read_bytes()
    with pytest.raises(PlanChanged) as changed:
        apply_import(folder, plan)
    assert "er is niets opgeslagen" in changed.value.message
    assert folder.register.read_bytes() == before and not folder.dossier("K-2026-004").exists()
    assert changed.value.plan.outcomes[0].number == "K-2026-004"
    apply_import(folder, changed.value.plan)
    assert read_register(folder.register).get("K-2026-004").name == "Karin de Wit"


class Cancelled(Exception):
    """What the web page raises from its progress callable when the user cancels."""


@pytest.mark.parametrize("stop", [KeyboardInterrupt, Cancelled])
def test_a_progress_that_raises_stops_the_workers_and_changes_nothing(folder, tmp_path, stop):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    form = blank(folder, "klacht")
    for i in range(8):
        pypdf_fill(form, inbox / f"{i}.pdf", {**COMPLAINT, "naam": f"Klant {i}"})

    def progress(files):
        for i, item in enumerate(files):
            if i == 3:
                raise stop
            yield item

    before = folder.register.read_bytes()
    with pytest.raises(stop):
        import_forms(folder, [inbox], progress=progress)
    assert multiprocessing.active_children() == []
    assert folder.register.read_bytes() == before and not list(folder.dossiers.rglob("*.pdf"))


def test_an_unreadable_cell_is_not_empty_a_form_value_is_a_conflict(folder, tmp_path):
    with update_register(folder, "test") as update:  # as staff typed it in Excel: text in a date column
        update.set(update.register.get("K-2026-002"), {"satisfaction_date": "31-02-2026"})
    pdf = pypdf_fill(prefilled(folder, "tevredenheid", "K-2026-002"), tmp_path / "t.pdf",
                     {"tevredenheid": "/4", "datum": "20-11-2026"})
    result = run(folder, pdf)
    assert result.exit_code == 1 and "Datum tevredenheidsmeting (register '31-02-2026'" in result.stdout
    c = read_register(folder.register).get("K-2026-002")
    assert c.satisfaction == "4" and c.problem_for("satisfaction_date").raw == "31-02-2026"
