"""Letters and forms at their edges: passed terms, unreadable cells, dry runs that tell the truth,
Ctrl-C in a batch, and what clients see (return address, postal address, salutation)."""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import formkit.cli.documents as cli_documents
from formkit.check.monthly import check_register
from formkit.cli import main
from formkit.dates import dutch
from formkit.documents import convert
from formkit.documents.letters import make_documents
from formkit.documents.promises import ExpectedDateNeeded
from formkit.register.columns import COLUMNS
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from formkit.xlsx.patch import WorkbookPatch

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)
LATER = TODAY + 20 * DAY
ADDRESS = {"address": "Kerkstraat 1", "postcode": "5492 AB", "city": "Sint-Oedenrode"}
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
          "november", "december")


def add(settings, *rows: dict) -> None:
    with update_register(settings, "test") as update:
        for row in rows:
            update.append({"client_type": "particulier", "handler": "Yvonne Lips", **ADDRESS, **row})


def run(settings, *args: str, **kwargs):
    return CliRunner().invoke(main, ["--map", str(settings.root), *args], **kwargs)


def docx_text(path: Path) -> str:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def dutch_dates(text: str) -> list[tuple[dt.date, str]]:
    """Every '24 november 2026' in a text, with the sentence it stands in."""
    found = []
    for sentence in re.split(r"(?<=[.;])\s", " ".join(text.split())):
        for day, month, year in re.findall(rf"(\d{{1,2}}) ({'|'.join(MONTHS)}) (\d{{4}})", sentence):
            found.append((dt.date(int(year), MONTHS.index(month) + 1, int(day)), sentence))
    return found


def set_cell(settings, row: int, key: str, text: str) -> None:
    """Type text into a register cell, as staff do in Excel (a date formkit cannot read, say)."""
    patch = WorkbookPatch(settings.register.read_bytes(), "Klachten")
    patch.set_cells(row, {[c.key for c in COLUMNS].index(key) + 1: text})
    settings.register.write_bytes(patch.save())


# --- 4. a letter never promises a date that has passed ------------------------------------------


@pytest.fixture
def late(workfolder):
    """K-001: serious, received 20 days ago (its 7-day term passed); K-002: received two months ago."""
    add(workfolder, {"number": "K-2026-001", "received": TODAY - 20 * DAY, "serious": "ja", "name": "Jan de Vries"},
        {"number": "K-2026-002", "received": TODAY - 60 * DAY, "name": "Els Janssen"})
    return workfolder


def test_acknowledgement_whose_term_has_passed_is_refused_naming_the_option(late):
    before = late.register.read_bytes()
    result = run(late, "brief", "ontvangst", "K-2026-001", "K-2026-002")
    assert result.exit_code == 2, result.output
    assert "--verwacht DATUM" in result.stderr
    assert "K-2026-001" in result.stderr and dutch(TODAY - 13 * DAY) in result.stderr  # the serious term
    assert "K-2026-002" in result.stderr
    assert late.register.read_bytes() == before and not any(late.dossiers.rglob("*"))


def test_acknowledgement_names_the_expected_date_and_records_an_extension(late):
    result = run(late, "brief", "ontvangst", "K-2026-001", "K-2026-002", "--verwacht", LATER.isoformat(), "--pdf")
    assert result.exit_code == 0, result.output
    for docx in (Path(p) for p in result.stdout.splitlines() if p.endswith(".docx")):
        text = " ".join(docx_text(docx).split())
        assert f"uiterlijk {dutch(LATER)} verwachten" in text
        promised = [d for d, sentence in dutch_dates(text) if "uiterlijk" in sentence.lower()]
        assert promised and all(d > TODAY for d in promised), promised
        assert f"uiterlijk {dutch(LATER)} verwachten" in pdf_text(docx.with_suffix(".pdf"))
    register = read_register(late.register)
    for number in ("K-2026-001", "K-2026-002"):
        c = register.get(number)
        assert (c.reaction_date, c.extended_until, c.extension_notice_date) == (TODAY, LATER, TODAY)
    findings = {(f.number, f.kind): f for f in check_register(late, TODAY)}
    missed = findings[("K-2026-001", "afhandeling-te-laat")]  # the notice came after the term
    assert missed.deadline == TODAY - 13 * DAY and "na de termijn" in missed.explanation
    assert "wordt vastgelegd als verlenging" in result.stderr


def test_a_rerun_repeats_the_date_the_client_was_told(late):
    assert run(late, "brief", "ontvangst", "K-2026-002", "--verwacht", LATER.isoformat()).exit_code == 0
    again = run(late, "brief", "ontvangst", "K-2026-002", "--overwrite")
    assert again.exit_code == 0, again.output  # no question: the register holds the date the client knows
    assert f"uiterlijk {dutch(LATER)} verwachten" in " ".join(docx_text(Path(again.stdout.strip())).split())


@pytest.mark.parametrize("day", [TODAY, TODAY - DAY])
def test_the_expected_date_must_lie_after_today(late, day):
    result = run(late, "brief", "ontvangst", "K-2026-001", "--verwacht", day.isoformat())
    assert result.exit_code == 2 and "ligt niet na" in result.stderr
    assert not any(late.dossiers.rglob("*"))


def test_on_a_terminal_formkit_asks_per_complaint(late, monkeypatch):
    monkeypatch.setattr(cli_documents, "_interactive", lambda: True)
    answers = f"{TODAY.strftime('%d-%m-%Y')}\n{LATER.strftime('%d-%m-%Y')}\n{(LATER + DAY).isoformat()}\n"
    result = run(late, "brief", "ontvangst", "K-2026-001", "K-2026-002", input=answers)
    assert result.exit_code == 0, result.output
    assert "K-2026-001: de afhandeltermijn was" in result.stderr and "Welke datum" in result.stderr
    assert "ligt niet na" in result.stderr, "today is refused and asked again"
    register = read_register(late.register)
    assert register.get("K-2026-001").extended_until == LATER
    assert register.get("K-2026-002").extended_until == LATER + DAY


def test_the_api_takes_a_date_per_complaint(late):
    with pytest.raises(ExpectedDateNeeded) as needed:
        make_documents(late, "ontvangst", ["K-2026-001", "K-2026-002"], expected={"k-2026-001": LATER})
    assert list(needed.value.reasons) == ["K-2026-002"]
    batch = make_documents(late, "ontvangst", ["K-2026-001", "K-2026-002"],
                           expected={"k-2026-001": LATER, "K-2026-002": LATER + DAY})
    assert [item.expected for item in batch.items] == [LATER, LATER + DAY]


def test_a_template_from_before_names_the_expected_date_as_the_term(late):
    """Working folders keep the templates `init` copied: one naming only termijn.afhandeling still
    promises no passed date."""
    from docx import Document

    doc = Document()
    doc.add_paragraph("{{ brief.aanhef }}")
    doc.add_paragraph("Wij handelen uw klacht uiterlijk {{ termijn.afhandeling }} af.")
    doc.save(str(late.templates / "brief-ontvangst.docx"))
    result = run(late, "brief", "ontvangst", "K-2026-002", "--verwacht", LATER.isoformat())
    assert result.exit_code == 0, result.output
    assert f"Wij handelen uw klacht uiterlijk {dutch(LATER)} af." in docx_text(Path(result.stdout.strip()))


def test_extension_notice_whose_date_has_passed_asks_for_a_new_one(workfolder):
    add(workfolder, {"number": "K-2026-003", "received": TODAY - 50 * DAY, "extended_until": TODAY - 2 * DAY,
                     "extension_notice_date": TODAY - 30 * DAY})
    result = run(workfolder, "brief", "verlenging", "K-2026-003")
    assert result.exit_code == 2 and "Verlengd tot" in result.stderr and "--verwacht DATUM" in result.stderr
    made = run(workfolder, "brief", "verlenging", "K-2026-003", "--verwacht", LATER.isoformat())
    assert made.exit_code == 0, made.output
    assert f"uiterlijk {dutch(LATER)}" in " ".join(docx_text(Path(made.stdout.strip())).split())


def test_every_letter_states_no_passed_promise(late):
    """Every shipped letter, for a complaint whose term has passed: no 'uiterlijk' date before today,
    except the extension notice's account of the original term ('zouden wij ... uiterlijk')."""
    with update_register(late, "test") as update:
        update.set(update.register.get("K-2026-002"), {"handled_date": TODAY - DAY, "cause": "x", "solution": "y"})
    for kind, number in (("ontvangst", "K-2026-001"), ("verlenging", "K-2026-001"),
                         ("terugkoppeling", "K-2026-002"), ("tevredenheid", "K-2026-002")):
        result = run(late, "brief", kind, number, "--verwacht", LATER.isoformat(), "--overwrite")
        assert result.exit_code == 0, (kind, result.output)
        text = docx_text(next(Path(p) for p in result.stdout.splitlines() if p.endswith(".docx")))
        for day, sentence in dutch_dates(text):
            if "uiterlijk" in sentence.lower() and "zouden" not in sentence:
                assert day > TODAY, (kind, sentence)


# --- 6. unreadable dates are shown as typed, and letters resting on them are refused -----------


def test_form_shows_an_unreadable_date_as_typed_and_its_terms_as_unknown(workfolder):
    add(workfolder, {"number": "K-2026-004", "received": TODAY - 3 * DAY, "name": "Piet"})
    set_cell(workfolder, 2, "received", "31-02-2026")
    result = run(workfolder, "formulier", "K-2026-004")
    assert result.exit_code == 1, result.output
    assert "B2" in result.stderr and "31-02-2026" in result.stderr
    text = docx_text(Path(result.stdout.strip()))
    assert "31-02-2026 (onleesbaar)" in text
    assert re.search(r"Reactie uiterlijk\n(onbekend)", text) and re.search(r"Afhandeling uiterlijk\n(onbekend)", text)


@pytest.mark.parametrize("kind", ["terugkoppeling", "tevredenheid"])
def test_letter_resting_on_an_unreadable_date_is_refused(workfolder, kind):
    add(workfolder, {"number": "K-2026-005", "received": TODAY - 30 * DAY, "handled_date": TODAY - DAY})
    set_cell(workfolder, 2, "handled_date", "31-02-2026")
    before = workfolder.register.read_bytes()
    result = run(workfolder, "brief", kind, "K-2026-005")
    assert result.exit_code == 2, result.output
    assert "Datum afhandeling in cel" in result.stderr and '"31-02-2026"' in result.stderr
    assert "is leeg" not in result.stderr
    assert workfolder.register.read_bytes() == before and not any(workfolder.dossiers.rglob("*"))


# --- 8. the dry run and the real run make one decision ----------------------------------------


def test_dry_run_says_what_the_real_run_records(workfolder):
    first = TODAY - 5 * DAY
    add(workfolder, {"number": "K-2026-006", "received": TODAY - 6 * DAY, "reaction_date": first})
    dry = run(workfolder, "brief", "ontvangst", "K-2026-006", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "vastleggen in register" not in dry.stdout
    assert f"blijft in register (stond er al): Datum reactie = {first.strftime('%d-%m-%Y')}" in dry.stdout
    real = run(workfolder, "brief", "ontvangst", "K-2026-006")
    assert real.exit_code == 0 and "Datum reactie" in real.stderr and "niet gewijzigd" in real.stderr
    assert read_register(workfolder.register).get("K-2026-006").reaction_date == first


# --- 9. Ctrl-C in a batch -------------------------------------------------------------------


def interrupt_after(n: int):
    """A progress callable that lets n documents through, then acts as Ctrl-C."""

    def progress(_label: str):
        def each(items):
            for i, item in enumerate(items):
                if i == n:
                    raise KeyboardInterrupt
                yield item
        return each

    return progress


def our_processes(folder: Path) -> list[str]:
    """Running LibreOffice processes (not zombies) with a profile under `folder`."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit() or int(proc.name) == os.getpid():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "UserInstallation=" in cmdline and str(folder) in cmdline:
            found.append(cmdline)
    return found


@pytest.fixture
def five(workfolder):
    add(workfolder, *({"number": f"K-2026-01{i}", "received": TODAY - DAY, "name": f"Klant {i}"} for i in range(5)))
    return workfolder


def test_ctrl_c_in_letters_records_what_was_made_and_says_what_was_not(five, monkeypatch):
    monkeypatch.setattr(cli_documents, "progress", interrupt_after(2))
    numbers = [f"K-2026-01{i}" for i in range(5)]
    result = run(five, "brief", "ontvangst", *numbers)
    assert result.exit_code == 130, result.output
    made = [Path(p) for p in result.stdout.splitlines()]
    assert [p.parent.name for p in made] == numbers[:2]
    assert "Afgebroken" in result.stderr and "Gemaakt: 2 brieven" in result.stderr
    assert "Niet gemaakt: K-2026-012, K-2026-013 en K-2026-014" in result.stderr
    assert "vastgelegd in het register" in result.stderr
    register = read_register(five.register)
    assert [register.get(n).reaction_date for n in numbers] == [TODAY, TODAY, None, None, None]
    monkeypatch.undo()
    rerun = run(five, "brief", "ontvangst", *numbers)
    assert [Path(p).parent.name for p in rerun.stdout.splitlines()] == numbers[2:], "only what was missing"
    assert [read_register(five.register).get(n).reaction_date for n in numbers] == [TODAY] * 5


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to look for left-over processes")
def test_ctrl_c_in_forms_with_pdf_stops_libreoffice_and_a_rerun_completes(five, tmp_path, monkeypatch, soffice):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # LibreOffice's profiles land in tmp_path
    monkeypatch.setattr(convert, "CHUNK", 2)  # a chunk goes to LibreOffice while the batch renders on
    monkeypatch.setattr(cli_documents, "progress", interrupt_after(3))
    before = five.register.read_bytes()
    result = run(five, "formulier", "--open", "--pdf")
    assert result.exit_code == 130, result.output
    assert our_processes(tmp_path) == [], "LibreOffice stopped"
    assert "Gemaakt: 3 registratieformulieren" in result.stderr and "register" not in result.stderr
    assert "Niet gemaakt: K-2026-013 en K-2026-014" in result.stderr
    assert five.register.read_bytes() == before
    files = sorted(p for p in five.dossiers.rglob("*") if p.is_file())
    assert not [p for p in files if p.suffix not in (".docx", ".pdf")], "no temporary files left"
    for pdf in (p for p in files if p.suffix == ".pdf"):
        data = pdf.read_bytes()
        assert data.startswith(b"%PDF") and b"%%EOF" in data[-1024:], f"{pdf.name} is whole"
    docx = [p for p in files if p.suffix == ".docx"]
    assert len(docx) == 3
    complete = [p for p in docx if p.with_suffix(".pdf").exists()]  # converted before Ctrl-C came: kept as they are
    monkeypatch.undo()
    rerun = run(five, "formulier", "--open", "--pdf")
    assert rerun.exit_code == (1 if complete else 0), rerun.output
    assert len(list(five.dossiers.rglob("*.docx"))) == len(list(five.dossiers.rglob("*.pdf"))) == 5
    assert rerun.stderr.count("bestond al; wat ontbrak is nu gemaakt") == 3 - len(complete)


def test_ctrl_c_while_libreoffice_converts_in_this_thread_kills_it(tmp_path, monkeypatch, soffice):
    """to_pdf called from the main thread (demo, analysis report): Ctrl-C while it waits."""
    from docx import Document

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    docx = tmp_path / "brief.docx"
    Document().save(str(docx))
    started = []
    real = subprocess.Popen.communicate

    def interrupted(self, *args, **kwargs):
        if not started:
            started.append(self.pid)
            raise KeyboardInterrupt
        return real(self, *args, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "communicate", interrupted)
    with pytest.raises(KeyboardInterrupt):
        convert.to_pdf([docx])
    assert started and our_processes(tmp_path) == []
    assert not docx.with_suffix(".pdf").exists()


@pytest.mark.skipif(sys.platform != "linux", reason="looks for left-over processes in /proc")
def test_sigint_to_a_formkit_process_leaves_no_libreoffice(five, tmp_path):
    """The real thing: SIGINT (as Ctrl-C sends it) once LibreOffice runs; no soffice survives."""
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    child = subprocess.Popen(
        [sys.executable, "-m", "formkit", "--map", str(five.root), "formulier", "--open", "--pdf"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))  # an ignored SIGINT is inherited
    try:
        deadline = time.monotonic() + 60
        while not our_processes(tmp_path):  # the child's first output that matters: LibreOffice started
            assert child.poll() is None, child.communicate()
            assert time.monotonic() < deadline, "LibreOffice never started"
            time.sleep(0.02)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=60)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err.decode()
    assert "Afgebroken" in err.decode() and "Gemaakt: 5 registratieformulieren, waarvan 0 met PDF" in err.decode()
    assert len(out.decode().splitlines()) == 5
    assert our_processes(tmp_path) == []
    assert not list(five.dossiers.rglob("*.pdf")) and not list(five.dossiers.rglob("*.tmp"))


# --- 14. what clients see -----------------------------------------------------------------------


def test_satisfaction_letter_and_its_form_name_the_same_return_address(workfolder):
    toml = workfolder.root / "formkit.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('email = ""', 'email = "klachten@stap.example"', 1)  # [organisatie]
    text = text.replace('email = ""', 'email = "y.lips@stap.example"', 1)  # the first handler
    toml.write_text(text, encoding="utf-8")
    add(workfolder, {"number": "K-2026-007", "received": TODAY - 40 * DAY, "handled_date": TODAY - 2 * DAY})
    result = run(workfolder, "brief", "tevredenheid", "K-2026-007")
    assert result.exit_code == 0, result.output
    paths = [Path(p) for p in result.stdout.splitlines()]
    letter = " ".join(docx_text(next(p for p in paths if p.suffix == ".docx")).split())
    form = pdf_text(next(p for p in paths if p.suffix == ".pdf"))
    assert "e-mail naar y.lips@stap.example" in letter
    assert "Stuur het ingevulde formulier naar y.lips@stap.example" in form
    assert "formulier naar klachten@stap.example" not in form


def test_letter_without_postal_address_is_made_with_a_warning(workfolder):
    add(workfolder, {"number": "K-2026-008", "received": TODAY - DAY, "name": "Zonder Adres",
                     "address": None, "postcode": None, "city": None})
    result = run(workfolder, "brief", "ontvangst", "K-2026-008")
    assert result.exit_code == 1, result.output
    assert "K-2026-008" in result.stderr and "postadres" in result.stderr
    assert Path(result.stdout.strip()).exists()
    assert read_register(workfolder.register).get("K-2026-008").reaction_date == TODAY


def test_salutation_from_the_optional_aanhef_column_else_the_name(workfolder):
    add(workfolder, {"number": "K-2026-009", "received": TODAY - DAY, "name": "Jan de Vries"},
        {"number": "K-2026-010", "received": TODAY - DAY, "name": "Els Janssen"})
    patch = WorkbookPatch(workfolder.register.read_bytes(), "Klachten")
    column = len(COLUMNS) + 1
    patch.set_cells(1, {column: " AANHEF "})
    patch.set_cells(2, {column: "Geachte heer De Vries"})
    workfolder.register.write_bytes(patch.save())
    result = run(workfolder, "brief", "ontvangst", "K-2026-009", "K-2026-010")
    assert result.exit_code == 0, result.output
    first, second = (docx_text(Path(p)) for p in result.stdout.splitlines())
    assert "Geachte heer De Vries,\n" in first and "heer/mevrouw" not in first
    assert "Geachte Els Janssen,\n" in second and "heer/mevrouw" not in second
