"""Starting and stopping `formkit app`: Ctrl-C (SIGINT at its default handler, to the whole process
group as a terminal sends it) stops it cleanly and leaves no process of its own behind, LibreOffice
included, checked by process id; the kept LibreOffice and its fall-back."""

from __future__ import annotations

import datetime as dt
import os
import select
import signal
import sys
from pathlib import Path

import pytest

from formkit.documents.letters import make_documents
from formkit.register.reading import read_register
from formkit.web.office import Office, office_pythons
from tests.test_web_support import LiveApp, alive, demo_folder


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
    finally:
        office.stop()


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
