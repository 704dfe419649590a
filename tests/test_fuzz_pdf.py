"""PDF fuzzing: damaged and hostile variants of real filled forms through `formkit inlezen`.

Every variant must end as a clean import or a clean Dutch error naming the file, never a
traceback or a hang; a batch without any good file leaves the register byte-identical.
The CI run makes about 350 variants; FORMKIT_LONG=1 makes about 3,400 (see tests/pdfmutants.py).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from formkit.pdf import worker as pdfworker
from formkit.cli import main
from formkit.errors import PdfFormError
from formkit.pdf.reading import ImportedForm, read_form
from formkit.pdf.raw import TooMuchData
from formkit.pdf.worker import FormReader
from formkit.register.storage import update_register
from tests import pdfmutants

LONG = os.environ.get("FORMKIT_LONG", "") == "1"
SPECS = pdfmutants.plan(10 if LONG else 1)
BATCH = 40
BATCHES = [SPECS[i:i + BATCH] for i in range(0, len(SPECS), BATCH)]
FILE_SECONDS = 5.0  # the per-file time limit during the campaign (formkit's default is 20)
START_SECONDS = 15.0  # pool start and the register write, per batch, on a slow CI machine

# Every message a user can get for a file; anything else (pypdf's English) fails the test.
DUTCH = re.compile("|".join(re.escape(p) for p in (
    "is beschadigd", "onvolledig", "geen PDF-bestand", "het bestand is leeg", "te groot voor een formulier",
    "versleuteld", "XFA-formulier", "platgemaakt", "geen formulier van formkit", "onbekend formkit-formulier",
    "heeft versie", "ontbreekt", "ontbreken", "onjuiste waarden in het", "niet ingevuld", "is leeg: er is niets",
    "onwaarschijnlijk veel velden", "duurde te lang", "te veel geheugen", "staat niet in het register",
    "onveilig")))
ENGLISH = re.compile(r"\b(Error|Exception|Traceback|object|stream|xref|None|NullObject)\b")



@pytest.fixture(scope="session")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """Real filled forms (pdftk and pypdf fills, one re-saved by qpdf with object streams)."""
    for tool in ("pdftk", "qpdf"):
        if shutil.which(tool) is None:  # CI installs them: missing is a failure, not a skip
            pytest.fail(f"{tool} is required (apt-get install; .ci/run installs it)")
    return pdfmutants.build_sources(tmp_path_factory.mktemp("bron"))


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory, sources: dict[str, bytes]) -> dict[str, Path]:
    """Every variant of the plan on disk, made once per session; the same bytes every run."""
    tmp, work = tmp_path_factory.mktemp("varianten"), tmp_path_factory.mktemp("qpdf")
    bomb = pdfmutants.bomb_stream()
    paths = {}
    for spec in SPECS:
        (path := tmp / spec.name).write_bytes(pdfmutants.make(spec, sources, bomb, work))
        paths[spec.name] = path
    return paths


@pytest.fixture
def folder(workfolder):
    """A working folder whose register has K-2026-001, the number the satisfaction forms name."""
    with update_register(workfolder, "test") as update:
        update.append({"number": "K-2026-001", "received": dt.date(2026, 10, 1), "name": "Femke van Aalst"})
    return workfolder


def run(folder, *args: object):
    return CliRunner().invoke(main, ["--map", str(folder.root), "inlezen", *map(str, args)])


def test_the_plan_is_large_and_deterministic(corpus: dict[str, Path], sources: dict[str, bytes],
                                            tmp_path: Path) -> None:
    families = {spec.family for spec in SPECS}
    assert len(SPECS) >= (3000 if LONG else 300)
    assert families >= {"cut", "cuteof", "flip", "splice", "xref", "type", "loop", "stream", "text", "xfa", "crypt"}
    bomb = pdfmutants.bomb_stream()
    for spec in [*SPECS[::37], *SPECS[-len(pdfmutants.ENCRYPTIONS):]]:  # made again: the same bytes
        again, first = pdfmutants.make(spec, sources, bomb, tmp_path), corpus[spec.name].read_bytes()
        if spec.family == "crypt" and "256" in pdfmutants.ENCRYPTIONS[spec.seed]:
            assert len(again) == len(first), spec.name  # AES-256 (R6) needs random salts: qpdf cannot fix them
        else:
            assert again == first, spec.name


def test_read_form_alone_raises_only_dutch_errors_from_pypdf_trouble(corpus: dict[str, Path]) -> None:
    """In-process: only PdfFormError escapes, within the time limit, and a swallowed exception
    was raised inside pypdf (one raised by formkit's own code would be a formkit bug)."""
    for name, path in corpus.items():
        start = time.monotonic()
        try:
            form = read_form(path)
        except PdfFormError as exc:
            _check_message(exc.message, path)
            cause = exc.__cause__
            if cause is not None and not isinstance(cause, (RecursionError, MemoryError, TooMuchData)):
                frames = _frames(cause)
                assert "/pypdf/" in frames[-1], f"{name}: formkit code raised {cause!r} at {frames[-3:]}"
        else:
            assert isinstance(form, ImportedForm) and form.kind in ("klacht", "tevredenheid")
            assert all(not ENGLISH.search(w) for w in form.warnings), form.warnings
        assert time.monotonic() - start < FILE_SECONDS, f"{name} took {time.monotonic() - start:.1f}s"


@pytest.mark.parametrize("batch", range(len(BATCHES)),
                         ids=[f"{b[0].family}-{i}" for i, b in enumerate(BATCHES)])
def test_inlezen_on_hostile_pdfs(folder, corpus: dict[str, Path], batch: int, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pdfworker, "READ_TIMEOUT", FILE_SECONDS)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    names = [spec.name for spec in BATCHES[batch]]
    for name in names:
        shutil.copyfile(corpus[name], inbox / name)
    before = folder.register.read_bytes()
    start = time.monotonic()
    result = run(folder, inbox)
    elapsed = time.monotonic() - start
    bad = _check_outcomes(result, inbox, names)
    assert elapsed < START_SECONDS + len(names) * FILE_SECONDS / pdfworker.WORKERS
    if len(bad) == len(names):
        assert folder.register.read_bytes() == before, "no good file, yet the register changed"
        assert not (folder.register.parent / "ingelezen.csv").exists()
        assert not folder.dossiers.exists() or not any(folder.dossiers.iterdir())
    elif bad:  # the bad ones alone, again: now a batch without any good file
        rejects = tmp_path / "afgewezen"
        rejects.mkdir()
        for name in bad:
            shutil.copyfile(corpus[name], rejects / name)
        ledger = folder.register.parent / "ingelezen.csv"
        state = (folder.register.read_bytes(), ledger.read_bytes() if ledger.exists() else None)
        again = run(folder, rejects)
        assert _check_outcomes(again, rejects, sorted(bad)) == bad and again.exit_code == 1
        assert (folder.register.read_bytes(), ledger.read_bytes() if ledger.exists() else None) == state, \
            "no good file, yet the register changed"


def _check_outcomes(result, inbox: Path, names: list[str]) -> set[str]:
    """Each file exactly once: a Dutch error naming it on stderr, or its outcome on stdout."""
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    errors = {m[1]: m[2] for m in re.finditer(r"Fout: (.+?\.pdf): (.*?)(?=\nFout: |\nIngelezen: |\Z)",
                                              result.stderr, re.S)}
    bad = set()
    for name in names:
        path = str(inbox / name)
        told = re.search(rf"^{re.escape(name)}: ", result.stdout, re.M) is not None
        assert (path in errors) != told, f"{name}: reported {'twice' if told else 'nowhere'}:\n{result.output}"
        if path in errors:
            _check_message(f"{path}: {errors[path]}", Path(path))
            bad.add(name)
    attention = bad or "conflict" in result.stdout
    assert result.exit_code == (1 if attention else 0), result.output
    return bad


def _check_message(message: str, path: Path) -> None:
    assert message.startswith(f"{path}: "), message
    text = re.sub(r"'[^']*'", "'…'", message[len(str(path)) + 2:])
    assert DUTCH.search(text) and not ENGLISH.search(text), message


def _frames(exc: BaseException) -> list[str]:
    tb, frames = exc.__traceback__, []
    while tb is not None:
        frames.append(f"{tb.tb_frame.f_code.co_filename}:{tb.tb_lineno}")
        tb = tb.tb_next
    return frames


def slow_pdf(path: Path) -> Path:
    """A valid-looking 19 MB PDF of 350,000 objects without a catalog: about a second of pypdf."""
    count = 350_000
    body, offsets = bytearray(b"%PDF-1.7\n"), []
    for i in range(1, count + 1):
        offsets.append(len(body))
        body += b"%d 0 obj\n<< /N %d >>\nendobj\n" % (i, i)
    start = len(body)
    body += b"xref\n0 %d\n0000000000 65535 f \n" % (count + 1)
    body += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    body += b"trailer\n<< /Size %d >>\nstartxref\n%d\n%%%%EOF\n" % (count + 1, start)
    path.write_bytes(bytes(body))
    return path


def test_a_slow_file_is_stopped_and_the_batch_goes_on(folder, sources: dict[str, bytes], tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    slow_pdf(inbox / "1-traag.pdf")
    (inbox / "2-goed.pdf").write_bytes(sources["pdftk-klacht"])
    slow_pdf(inbox / "3-traag.pdf")
    (inbox / "4-goed.pdf").write_bytes(sources["pdftk-tevr"])
    monkeypatch.setattr(pdfworker, "READ_TIMEOUT", 0.25)
    start = time.monotonic()
    result = run(folder, inbox)
    assert time.monotonic() - start < START_SECONDS
    assert result.exit_code == 1 and "Traceback" not in result.output
    for name in ("1-traag.pdf", "3-traag.pdf"):
        assert (f"{inbox / name}: het lezen duurde te lang (meer dan 0,25 seconden); het bestand is mogelijk "
                "beschadigd.") in result.stderr
    assert "2-goed.pdf: klachtenformulier -> nieuwe klacht K-2026-002" in result.stdout
    assert "4-goed.pdf: tevredenheidsformulier -> K-2026-001 bijgewerkt" in result.stdout


def test_a_worker_that_dies_is_a_clean_error_and_is_replaced(tmp_path: Path, sources: dict[str, bytes]) -> None:
    slow = slow_pdf(tmp_path / "traag.pdf")
    (good := tmp_path / "goed.pdf").write_bytes(sources["pypdf-klacht"])
    with FormReader(workers=1, timeout=60) as reader:
        def kill_when_busy() -> None:
            while not any(w.ready and w.job is not None for w in reader._workers):
                time.sleep(0.01)
            time.sleep(0.1)
            for worker in list(reader._workers):
                worker.process.kill()  # as the OS would on a crash or out of memory

        killer = threading.Thread(target=kill_when_busy, daemon=True)
        killer.start()
        results = dict(reader.read([slow, good]))
        killer.join(5)
    assert isinstance(results[slow], PdfFormError) and "vastgelopen" in results[slow].message
    assert isinstance(results[good], ImportedForm)


def test_no_worker_outlives_ctrl_c_in_process(folder, sources: dict[str, bytes], tmp_path: Path) -> None:
    import multiprocessing

    from formkit.intake import import_forms

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(40):
        (inbox / f"{i:02d}.pdf").write_bytes(sources["pdftk-klacht"])

    def interrupted(files):
        for i, item in enumerate(files):
            if i == 5:
                raise KeyboardInterrupt
            yield item

    before = folder.register.read_bytes()
    with pytest.raises(KeyboardInterrupt):
        import_forms(folder, [inbox], progress=interrupted)
    assert multiprocessing.active_children() == []
    assert folder.register.read_bytes() == before


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds processes through /proc")
@pytest.mark.parametrize("how", ["ctrl-c", "ctrl-c-while-starting", "kill"])
def test_no_worker_outlives_ctrl_c_or_a_killed_formkit(folder, sources: dict[str, bytes], tmp_path: Path,
                                                      how: str) -> None:
    """Ctrl-C reaches the whole foreground group: formkit stops its workers and says so. A killed
    formkit cannot: its workers notice and end by themselves."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(600):
        (inbox / f"{i:03d}.pdf").write_bytes(sources["pdftk-klacht"])
    marker = uuid.uuid4().hex
    before = folder.register.read_bytes()
    proc = subprocess.Popen([sys.executable, "-m", "formkit", "--map", str(folder.root), "inlezen", str(inbox)],
                            env={**os.environ, "FORMKIT_TEST_MARKER": marker}, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    started = 2 if how == "ctrl-c-while-starting" else 1 + pdfworker.WORKERS  # (+ the resource tracker)
    try:
        deadline, alive = time.monotonic() + 30, []
        while len(alive) < started and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.005)
            alive = _marked(marker)  # (a process in the middle of exec() may be missed: counted next time)
        assert len(alive) >= started, f"the workers never started: {proc.poll()} {alive}"
        if how == "kill":
            os.kill(proc.pid, signal.SIGKILL)
        else:
            os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            print(proc.communicate())
    if how != "kill":
        assert proc.returncode == 130, err
        assert "Afgebroken" in err and "Traceback" not in err + out
    deadline = time.monotonic() + 10
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _marked(marker) == [], "a worker outlived formkit"
    assert folder.register.read_bytes() == before


def _marked(marker: str) -> list[int]:
    """Running processes whose environment carries `marker` (the formkit run and its workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if marker.encode() in (entry / "environ").read_bytes():
                    status = (entry / "status").read_text()
                    if "\nState:\tZ" not in status:
                        found.append(int(entry.name))
            except OSError:
                continue
    return found


@pytest.mark.parametrize("how", ["python -m formkit", "console script"])
def test_workers_start_under_python_m_and_the_console_script(folder, corpus: dict[str, Path],
                                                             sources: dict[str, bytes], tmp_path: Path,
                                                             how: str) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "goed.pdf").write_bytes(sources["pypdf-klacht"])
    for spec in (SPECS[0], next(s for s in SPECS if s.family == "stream")):
        shutil.copyfile(corpus[spec.name], inbox / spec.name)
    script = shutil.which("formkit", path=str(Path(sys.executable).parent))
    command = [sys.executable, "-m", "formkit"] if how == "python -m formkit" else [script]
    done = subprocess.run([*command, "--map", str(folder.root), "inlezen", str(inbox)], capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    assert "goed.pdf: klachtenformulier -> nieuwe klacht K-2026-002" in done.stdout
    assert done.stderr.count("Fout: ") == 2


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the address-space cap is Linux-only")
def test_workers_have_a_memory_cap(sources: dict[str, bytes], tmp_path: Path) -> None:
    (good := tmp_path / "goed.pdf").write_bytes(sources["pypdf-tevr"])
    with FormReader() as reader:
        list(reader.read([good]))
        limits = Path(f"/proc/{reader._workers[0].process.pid}/limits").read_text()
    line = next(line for line in limits.splitlines() if line.startswith("Max address space"))
    assert int(line.split()[3]) == pdfworker.WORKER_MEMORY
