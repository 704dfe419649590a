"""PDF fuzzing: damaged and hostile variants of real filled forms through `formkit inlezen`.

Every variant must end as a clean import or a clean Dutch error naming the file, never a
traceback or a hang; a batch without any good file leaves the register byte-identical.
The CI run makes about 350 variants; FORMKIT_LONG=1 makes about 3,400 (see tests/pdfmutants.py).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.errors import PdfFormError
from formkit.pdf import worker as pdfworker
from formkit.pdf.forms import make_form
from formkit.pdf.opening import PYPDF_LIMITS, TooMuchData
from formkit.pdf.reading import ImportedForm, read_form
from formkit.pdf.worker import FormReader
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from tests import pdfmutants
from tests.pdffill import pypdf_fill

LONG = os.environ.get("FORMKIT_LONG", "") == "1"
SPECS = pdfmutants.plan(10 if LONG else 1)
BATCH = 40
BATCHES = [SPECS[i:i + BATCH] for i in range(0, len(SPECS), BATCH)]
FILE_SECONDS = 5.0  # the per-file time limit during the campaign (formkit's default is 20)

# Every message a user can get for a file; anything else (pypdf's English) fails the test.
DUTCH = re.compile("|".join(re.escape(p) for p in (
    "is beschadigd", "onvolledig", "geen PDF-bestand", "het bestand is leeg", "te groot voor een formulier",
    "versleuteld", "XFA-formulier", "platgemaakt", "geen formulier van formkit", "onbekend formkit-formulier",
    "heeft versie", "ontbreekt", "ontbreken", "onjuiste waarden in het", "niet ingevuld", "is leeg: er is niets",
    "onwaarschijnlijk veel velden", "duurde te lang", "te veel geheugen", "staat niet in het register",
    "onveilig", "niet door formkit voor een klacht ingevuld", "bevat geen invulvelden", "inhoudsopgave",
    "Brotli", "te ingewikkeld opgebouwd voor een formulier", "onwaarschijnlijk veel pagina's",
    "mist een onderdeel", "het formulier is aangepast")))
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
    """In-process: only PdfFormError escapes, and a swallowed exception was raised inside pypdf
    (one raised by formkit's own code would be a formkit bug)."""
    for name, path in corpus.items():
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


def test_every_pypdf_limit_is_in_effect_while_a_form_is_read(sources: dict[str, bytes], tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """pypdf's configuration, looked at from inside pypdf during a real read of a real form: every
    limit of PYPDF_LIMITS (each tighter than pypdf's own), and pypdf's defaults again afterwards."""
    import pypdf

    defaults = pypdf.Configuration()
    assert all(value < getattr(defaults, name) for name, value in PYPDF_LIMITS.items()), "not tightened"
    seen: list[tuple[str, dict[str, object]]] = []

    def now(where: str) -> None:
        config = pypdf.get_configuration()
        seen.append((where, {name: getattr(config, name) for name in PYPDF_LIMITS}))

    real_init, real_fields = pypdf.PdfReader.__init__, pypdf.PdfReader.get_fields

    def init(reader, *args, **kwargs) -> None:
        now("open")
        real_init(reader, *args, **kwargs)

    def get_fields(reader, *args, **kwargs):
        now("fields")
        return real_fields(reader, *args, **kwargs)

    monkeypatch.setattr(pypdf.PdfReader, "__init__", init)
    monkeypatch.setattr(pypdf.PdfReader, "get_fields", get_fields)
    (path := tmp_path / "klacht.pdf").write_bytes(sources["pdftk-klacht"])
    form = read_form(path)
    assert form.kind == "klacht"
    assert {where for where, _ in seen} == {"open", "fields"}, seen
    for where, limits in seen:
        assert limits == PYPDF_LIMITS, where
    assert pypdf.get_configuration() == defaults, "the limits outlived the read"


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
    result = run(folder, inbox)
    bad = _check_outcomes(result, inbox, names)
    if not LONG:  # each takes well under a second; a timeout here is a hang in formkit or pypdf
        assert "duurde te lang" not in result.stderr, "a variant kept a worker busy until READ_TIMEOUT"
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
    complaint = read_register(folder.register).get("K-2026-001")  # a satisfaction form formkit made for it
    made = make_form("tevredenheid", folder, tmp_path / "tevredenheid K-2026-001.pdf", complaint)
    pypdf_fill(made, inbox / "4-goed.pdf", {"tevredenheid": "4"})
    monkeypatch.setattr(pdfworker, "READ_TIMEOUT", 0.25)
    result = run(folder, inbox)
    assert result.exit_code == 1 and "Traceback" not in result.output
    for name in ("1-traag.pdf", "3-traag.pdf"):
        assert (f"{inbox / name}: het lezen duurde te lang (meer dan 0,25 seconden); het bestand is mogelijk "
                "beschadigd.") in result.stderr
    assert "2-goed.pdf: klachtenformulier -> nieuwe klacht K-2026-002" in result.stdout
    assert "4-goed.pdf: tevredenheidsformulier -> K-2026-001 bijgewerkt" in result.stdout


def test_a_worker_that_dies_is_a_clean_error_and_is_replaced(tmp_path: Path, sources: dict[str, bytes],
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    slow = slow_pdf(tmp_path / "traag.pdf")
    (good := tmp_path / "goed.pdf").write_bytes(sources["pypdf-klacht"])
    receive, killed = FormReader._receive, []

    def receive_then_kill(reader: FormReader, worker, index: int, paths, done) -> None:
        receive(reader, worker, index, paths, done)
        if worker.ready and worker.job == 0 and not killed:  # it said ready and has the slow file
            worker.process.kill()  # as the OS would on a crash or out of memory
            killed.append(worker.process.pid)

    monkeypatch.setattr(FormReader, "_receive", receive_then_kill)
    with FormReader(workers=1, timeout=60) as reader:
        results = dict(reader.read([slow, good]))
    assert killed, "the worker was never seen ready with the slow file"
    assert isinstance(results[slow], PdfFormError) and "vastgelopen" in results[slow].message
    assert isinstance(results[good], ImportedForm)


def test_no_worker_outlives_ctrl_c_in_process(folder, sources: dict[str, bytes], tmp_path: Path) -> None:
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


@pytest.mark.parametrize("which", [1, 2], ids=["first-worker", "second-worker"])
def test_no_worker_outlives_ctrl_c_while_a_worker_starts(folder, sources: dict[str, bytes], tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, which: int) -> None:
    """Ctrl-C right after a worker's process was created, before formkit's own bookkeeping for it
    is done: the KeyboardInterrupt still leaves no process behind."""
    from multiprocessing.context import SpawnProcess

    from formkit.intake import import_forms

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(4):
        (inbox / f"{i:02d}.pdf").write_bytes(sources["pdftk-klacht"])
    monkeypatch.setattr(pdfworker, "WORKERS", 2)
    real_start, started = SpawnProcess.start, []

    def start_then_ctrl_c(process: SpawnProcess) -> None:
        real_start(process)
        started.append(process.pid)
        if len(started) == which:
            raise KeyboardInterrupt

    monkeypatch.setattr(SpawnProcess, "start", start_then_ctrl_c)
    before = folder.register.read_bytes()
    with pytest.raises(KeyboardInterrupt):
        import_forms(folder, [inbox])
    assert len(started) == which
    assert multiprocessing.active_children() == []
    assert [pid for pid in started if _exists(pid)] == [], "a worker was left running (or unreaped)"
    assert folder.register.read_bytes() == before


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


PROGRESS = re.compile(rb"Inlezen[^\n]*?\b[1-9][0-9]*%")  # the bar past 0%: files are being read
SAFETY = 120.0  # seconds: only for an event that never comes (a broken run), never a measurement


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds processes through /proc")
@pytest.mark.parametrize("how", ["ctrl-c", "kill"])
def test_no_worker_outlives_ctrl_c_or_a_killed_formkit(folder, sources: dict[str, bytes], tmp_path: Path,
                                                      how: str) -> None:
    """Ctrl-C reaches the whole foreground group: formkit stops its workers and says so. A killed
    formkit cannot: its workers notice and end by themselves. Either comes once the progress bar
    (stderr is a terminal here) shows files read, in a batch of 600 that is far from done."""
    import pty

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(600):
        (inbox / f"{i:03d}.pdf").write_bytes(sources["pdftk-klacht"])
    marker = uuid.uuid4().hex
    before = folder.register.read_bytes()
    master, terminal = pty.openpty()
    with (tmp_path / "stdout.txt").open("w+") as out:
        try:
            # SIGINT at its default, so that Python turns it into KeyboardInterrupt even when this
            # test run inherited it as ignored (a background job of a script ignores it; formkit
            # then rightly ignores it too).
            proc = subprocess.Popen(
                [sys.executable, "-m", "formkit", "--map", str(folder.root), "inlezen", str(inbox)],
                env={**os.environ, "FORMKIT_TEST_MARKER": marker}, start_new_session=True,
                stdin=subprocess.DEVNULL, stdout=out, stderr=terminal,
                preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        finally:
            os.close(terminal)
        screen = bytearray()
        try:
            assert _read_terminal(master, screen, PROGRESS), f"no progress shown: exit {proc.poll()}\n{screen!r}"
            if how == "kill":
                os.kill(proc.pid, signal.SIGKILL)
            else:
                os.killpg(proc.pid, signal.SIGINT)
            _read_terminal(master, screen, None)  # until no process holds the terminal any more
            proc.wait(timeout=SAFETY)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
            os.close(master)
        out.seek(0)
        output = out.read()
    err = screen.decode("utf-8", errors="replace")
    if how == "kill":
        assert proc.returncode == -signal.SIGKILL
    else:
        assert proc.returncode == 130, err
        assert "Afgebroken" in err and "Traceback" not in err + output
    deadline = time.monotonic() + SAFETY
    while _marked(marker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _marked(marker) == [], "a worker outlived formkit"
    assert folder.register.read_bytes() == before


def _read_terminal(master: int, screen: bytearray, until: re.Pattern[bytes] | None) -> bool:
    """Collect what the run shows on its terminal until `until` appears (True) or every process
    holding the terminal has ended (False; the wait when `until` is None)."""
    import select

    deadline = time.monotonic() + SAFETY
    while time.monotonic() < deadline:
        if select.select([master], [], [], 1.0)[0]:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the last process holding the terminal is gone
                return False
            if not chunk:
                return False
            screen += chunk
            if until is not None and until.search(screen):
                return True
    raise AssertionError(f"nothing happened on the terminal in {SAFETY:g} s:\n{bytes(screen)!r}")


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
