"""Starting and stopping `formkit app`: Ctrl-C (SIGINT at its default handler, to the whole process
group as a terminal sends it) stops it cleanly and leaves no process of its own behind, LibreOffice
included, checked by process id; the kept LibreOffice and its fall-back."""

from __future__ import annotations

import datetime as dt
import os
import select
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from docx import Document

from formkit.documents.letters import make_documents
from formkit.errors import ConversionError
from formkit.register.reading import read_register
from formkit.web import texts
from formkit.web.office import Office, office_pythons
from tests.test_web_support import LiveApp, alive, demo_folder, descendants


def wait_gone(pids: set[int], timeout: float = 30) -> set[int]:
    """Wait for processes that are not our children to end (pidfd: woken by their exit, no polling)."""
    left = set()
    for pid in pids:
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            continue
        try:
            if not select.select([fd], [], [], timeout)[0]:
                left.add(pid)
        finally:
            os.close(fd)
    return {pid for pid in left if alive(pid)}


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


@pytest.fixture
def folder(tmp_path):
    return demo_folder(tmp_path / "klachten")


def test_ctrl_c_stops_the_app_and_its_libreoffice(folder):
    app = LiveApp(folder.root)
    try:
        app.login()
        number = next(c.number_text for c in read_register(folder.register).complaints
                      if c.is_open and c.reaction_date is None)
        answer = app.post("/maken", {"csrf": app.get("/").csrf, "nummer": number, "soort": "ontvangst",
                                     "uitvoer": "beide", "terug": "/"})
        assert answer.status == 303
        assert (folder.dossier(number) / f"{dt.date.today()} ontvangst {number}.pdf").is_file()
        started = app.descendants()
        assert any("soffice" in command_line(pid) for pid in started), "LibreOffice is kept running"
        (folder.root / ".formkit-app" / "wacht").mkdir(parents=True, exist_ok=True)
        assert app.interrupt() == 0
        assert wait_gone(started) == set()
        assert "formkit app is gestopt." in app.stderr() and "Traceback" not in app.stderr()
        assert not (folder.root / ".formkit-app").exists()
    finally:
        app.kill()


def test_ctrl_c_to_the_app_alone_also_stops_everything(folder):
    app = LiveApp(folder.root)
    try:
        app.login()
        assert app.get("/klachten").status == 200
        started = app.descendants()
        os.kill(app.process.pid, signal.SIGINT)  # only the app's own process gets it
        assert app.wait() == 0
        assert wait_gone(started) == set()
    finally:
        app.kill()


def test_a_killed_app_takes_its_libreoffice_with_it(folder, tmp_path):
    """Even without a clean stop, the kept LibreOffice ends: its host sees the app's pipe close."""
    app = LiveApp(folder.root)
    try:
        app.login()
        number = next(c.number_text for c in read_register(folder.register).complaints
                      if c.is_open and c.reaction_date is None)
        app.post("/maken", {"csrf": app.get("/").csrf, "nummer": number, "soort": "formulier", "uitvoer": "pdf",
                            "terug": "/"})
        started = app.descendants()
        assert any("soffice" in command_line(pid) for pid in started)
        os.kill(app.process.pid, signal.SIGKILL)
        app.wait()
        assert wait_gone(started) == set()
    finally:
        app.kill()


def test_a_port_in_use_is_refused_in_dutch(folder):
    import socket

    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    try:
        from click.testing import CliRunner

        from formkit.cli import main

        result = CliRunner().invoke(main, ["--map", str(folder.root), "app", "--no-browser", "--port",
                                           str(taken.getsockname()[1])])
        assert result.exit_code == 2
        assert "niet te gebruiken" in result.stderr and "--port" in result.stderr and result.stdout == ""
    finally:
        taken.close()


# --- the kept LibreOffice -------------------------------------------------------------------------

def test_without_libreoffices_python_the_plain_conversion_is_used(folder, monkeypatch):
    monkeypatch.setattr("formkit.web.office.office_pythons", lambda soffice: [Path(sys.executable)])
    batch = make_documents(folder, "formulier", ["K-2026-003"])
    office = Office()
    try:
        pdf = office.to_pdf([batch.items[0].docx])[0]  # formkit's own Python has no uno: plain conversion
        assert pdf.read_bytes()[:4] == b"%PDF" and office.broken and office.pids == []
        assert office.to_pdf([]) == []
    finally:
        office.stop()


def letter(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.docx"
    document = Document()
    document.add_paragraph(text)
    document.save(str(path))
    return path


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_kept_libreoffice_refuses_truthfully_and_is_replaced_when_it_dies(tmp_path):
    office = Office()
    try:
        first, second = letter(tmp_path, "eerste", "Brief één"), letter(tmp_path, "tweede", "Brief twee")
        assert office.to_pdf([first, second]) == [first.with_suffix(".pdf"), second.with_suffix(".pdf")]
        assert "Brief één" in pdf_text(first.with_suffix(".pdf"))
        [host] = office.pids

        with pytest.raises(ConversionError, match="bestaat niet"):
            office.to_pdf([tmp_path / "weg.docx"])
        held = letter(tmp_path, "bezet", "Brief drie")
        held.with_suffix(".pdf").mkdir()  # where the PDF must go, something that cannot be replaced
        with pytest.raises(ConversionError, match="kan niet worden geschreven"):
            office.to_pdf([held])
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        assert office.pids == [host] and office.broken == ""  # a refused document costs nothing more

        libreoffice = descendants(host)  # LibreOffice crashes; its host is left
        for pid in libreoffice:
            os.kill(pid, signal.SIGKILL)
        assert wait_gone(libreoffice) == set()
        third = letter(tmp_path, "derde", "Brief vier")
        assert office.to_pdf([third]) == [third.with_suffix(".pdf")]  # made by the plain conversion
        assert "Brief vier" in pdf_text(third.with_suffix(".pdf"))
        assert wait_gone({host}) == set()  # the host ends with its LibreOffice ...

        fourth = letter(tmp_path, "vierde", "Brief vijf")
        assert office.to_pdf([fourth]) == [fourth.with_suffix(".pdf")]
        assert office.pids not in ([], [host]) and office.broken == ""  # ... and the next PDF starts a new one
    finally:
        office.stop()


def test_after_stop_no_pdf_is_made_and_nothing_is_left(tmp_path):
    temp = Path(tempfile.gettempdir())
    profiles = set(temp.glob("formkit-app-lo-*"))
    office = Office()
    made = office.to_pdf([letter(tmp_path, "brief", "Een brief")])
    [host] = office.pids
    started = descendants(host) | {host}
    [profile] = set(temp.glob("formkit-app-lo-*")) - profiles
    office.stop()
    assert made[0].is_file()
    assert wait_gone(started) == set() and office.pids == [] and not profile.exists()
    later = letter(tmp_path, "later", "Te laat")
    with pytest.raises(ConversionError) as refused:
        office.to_pdf([later])
    assert refused.value.message == texts.OFFICE_STOPPING
    assert not later.with_suffix(".pdf").exists()


@pytest.mark.parametrize("layout", ["windows", "macos"])
def test_libreoffices_own_python_is_found_beside_soffice(tmp_path, layout, monkeypatch):
    if layout == "windows":
        soffice = tmp_path / "LibreOffice" / "program" / "soffice.exe"
        python = soffice.with_name("python.exe")
    else:
        soffice = tmp_path / "LibreOffice.app" / "Contents" / "MacOS" / "soffice"
        python = tmp_path / "LibreOffice.app" / "Contents" / "Resources" / "python"
    for path in (soffice, python):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"")
    monkeypatch.setattr(sys, "platform", "win32" if layout == "windows" else "darwin")
    assert office_pythons(soffice) == [python]


def test_a_cancelled_job_stops_at_the_next_item_and_removes_its_uploads(tmp_path):
    import threading

    from formkit.web.jobs import Cancelled, Jobs

    jobs = Jobs(tmp_path / ".formkit-app")
    folder = jobs.upload_folder()
    (folder / "a.pdf").write_bytes(b"%PDF")
    reached = threading.Event()
    seen = []

    def work(job):
        for item in job.progress(list(range(1000))):
            seen.append(item)
            reached.set()
            job.cancelled.wait()  # the user cancels while this item is being read

    job = jobs.start("test", work, folder)
    reached.wait()
    job.cancelled.set()
    job.ended.wait()
    assert isinstance(job.error, Cancelled) and seen == [0] and not folder.exists()
    jobs.stop()
    assert not (tmp_path / ".formkit-app").exists()


def test_without_a_register_the_app_does_not_start(tmp_path):
    from click.testing import CliRunner

    from formkit.cli import main

    result = CliRunner().invoke(main, ["--map", str(tmp_path / "leeg"), "app", "--no-browser"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "bestaat niet" in result.stderr and "formkit init" in result.stderr
