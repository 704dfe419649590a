"""Word to PDF with LibreOffice: one headless run for a whole batch, a private profile, a time limit.

LibreOffice runs in its own process group (session), so Ctrl-C in the terminal does not reach it:
formkit stops it itself. Every run is tracked until it has ended; an interrupted wait kills the run
(and the soffice.bin behind the wrapper) before the interrupt goes on, and `Cancel` lets another
thread stop a batch's runs at once. A PDF takes its name only when it is whole.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from formkit.atomic import atomic_save
from formkit.errors import ConversionError

CHUNK = 100  # documents per LibreOffice run
INSTALL_HINT = (
    "LibreOffice is nodig om PDF's te maken, maar is niet gevonden. Installeer het gratis via "
    "https://nl.libreoffice.org (Windows en macOS) of met de pakketbeheerder (Linux: "
    "sudo apt install libreoffice-writer) en probeer het opnieuw."
)
WINDOWS_PATHS = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
MAC_PATH = "/Applications/LibreOffice.app/Contents/MacOS/soffice"


def find_soffice() -> Path | None:
    """LibreOffice's soffice: on PATH, or where the Windows and macOS installers put it."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return Path(found)
    candidates = list(WINDOWS_PATHS) if sys.platform == "win32" else []
    for env in ("ProgramFiles", "ProgramFiles(x86)"):
        if sys.platform == "win32" and os.environ.get(env):
            candidates.append(str(Path(os.environ[env]) / "LibreOffice" / "program" / "soffice.exe"))
    if sys.platform == "darwin":
        candidates += [MAC_PATH, str(Path.home() / MAC_PATH.lstrip("/"))]
    return next((Path(c) for c in candidates if Path(c).is_file()), None)


class Cancelled(ConversionError):
    """The conversion was stopped (Ctrl-C): the PDFs of the unfinished run were not made."""

    def __init__(self) -> None:
        super().__init__("De omzetting naar PDF is afgebroken.")


class Cancel:
    """Stops the LibreOffice runs of one batch from another thread: none starts after it, running ones die."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._running: set[subprocess.Popen] = set()
        self.cancelled = False

    def cancel(self) -> None:
        with self._lock:
            self.cancelled = True
            running = [p for p in self._running if p.returncode is None]
        for proc in running:  # their own threads see the end of the output and reap them
            kill_group(proc)

    def start(self, cmd: list[str], **kwargs: Any) -> subprocess.Popen:
        with self._lock:  # so that cancel() either prevents the start or sees the process
            if self.cancelled:
                raise Cancelled()
            proc = subprocess.Popen(cmd, **kwargs)
            self._running.add(proc)
            return proc

    def ended(self, proc: subprocess.Popen) -> None:
        with self._lock:
            self._running.discard(proc)


def to_pdf(docx_paths: Sequence[Path], timeout: float | None = None, profile: Path | None = None,
           cancel: Cancel | None = None) -> list[Path]:
    """Convert .docx files to PDFs next to them; returns the PDF paths in the same order.

    All documents go through one LibreOffice run per chunk of at most 100 (files with the same
    name from different folders go to separate runs), each with a private profile so an open
    LibreOffice window neither blocks nor is disturbed. `timeout` is per run (default: 60 s plus
    5 s per document); a run that fails or times out is retried once. `cancel` stops it from
    another thread (Cancelled); the PDFs of chunks already finished are in place.
    """
    paths = [Path(p).resolve() for p in docx_paths]
    if not paths:
        return []
    missing = [p for p in paths if not p.is_file()]
    if missing:
        raise ConversionError(f"Kan geen PDF maken: {missing[0]} bestaat niet.")
    soffice = find_soffice()
    if soffice is None:
        raise ConversionError(INSTALL_HINT)
    cancel = cancel or Cancel()
    with tempfile.TemporaryDirectory(prefix="formkit-pdf-", ignore_cleanup_errors=True) as work:
        profile = profile or Path(work) / "profiel"  # a caller converting in chunks reuses one
        for number, chunk in enumerate(_chunks(paths)):
            outdir = Path(work) / f"uit-{number}"
            outdir.mkdir()
            _convert_chunk(soffice, profile, chunk, outdir, timeout or 60 + 5 * len(chunk), cancel)
            for docx in chunk:
                _move_next_to(outdir / f"{docx.stem}.pdf", docx.with_suffix(".pdf"))
    return [p.with_suffix(".pdf") for p in paths]


def _chunks(paths: list[Path]) -> list[list[Path]]:
    """Groups of at most CHUNK files whose PDF names do not collide in one output folder."""
    chunks: list[list[Path]] = []
    for path in dict.fromkeys(paths):
        target = next((c for c in chunks if len(c) < CHUNK and all(p.stem != path.stem for p in c)), None)
        if target is None:
            chunks.append([path])
        else:
            target.append(path)
    return chunks


def _convert_chunk(soffice: Path, profile: Path, chunk: list[Path], outdir: Path, timeout: float,
                   cancel: Cancel) -> None:
    problem = ""
    for _attempt in (1, 2):
        todo = [p for p in chunk if not (outdir / f"{p.stem}.pdf").is_file()]
        if not todo:
            return
        problem = _run(soffice, profile, todo, outdir, timeout, cancel)
        if cancel.cancelled:  # a killed run is no reason to try again; its PDFs may be half written
            raise Cancelled()
    still = [p for p in chunk if not (outdir / f"{p.stem}.pdf").is_file()]
    if still:
        names = ", ".join(str(p) for p in still[:5]) + (" ..." if len(still) > 5 else "")
        raise ConversionError(f"LibreOffice heeft geen PDF gemaakt van {names}" + (f" ({problem})" if problem
                              else "") + ". Controleer of het Word-bestand te openen is en probeer het opnieuw.")


def _run(soffice: Path, profile: Path, files: list[Path], outdir: Path, timeout: float, cancel: Cancel) -> str:
    """One headless LibreOffice run; returns a short problem description ('' when it ended well)."""
    cmd = [str(soffice), f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--nolockcheck", "--nodefault", "--nofirststartwizard", "--convert-to", "pdf:writer_pdf_Export",
           "--outdir", str(outdir), *map(str, files)]
    kwargs: dict = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "stdin": subprocess.DEVNULL}
    if sys.platform == "win32":
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)
    else:
        kwargs["start_new_session"] = True
    try:
        proc = cancel.start(cmd, **kwargs)
    except OSError as exc:
        raise ConversionError(f"LibreOffice ({soffice}) kan niet worden gestart: {exc.strerror}. "
                              + INSTALL_HINT.split(", maar")[0] + ".") from None
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        return f"LibreOffice reageerde niet binnen {timeout:.0f} seconden"
    except BaseException:  # Ctrl-C while this thread waits: LibreOffice must not outlive formkit
        _kill(proc)
        raise
    finally:
        cancel.ended(proc)
    if proc.returncode != 0:
        tail = err.decode(errors="replace").strip().splitlines()[-1:] if err else []
        return f"LibreOffice stopte met code {proc.returncode}" + (f": {tail[0]}" if tail else "")
    return ""


def _kill(proc: subprocess.Popen) -> None:
    """Stop LibreOffice and the processes it started, and reap it (by the thread that started it)."""
    kill_group(proc)
    proc.communicate()


def kill_group(proc: subprocess.Popen) -> None:
    """Kill LibreOffice's whole process group (soffice is a wrapper around soffice.bin); it was
    started in a group of its own (start_new_session, or a new process group on Windows)."""
    try:
        if os.name == "nt":
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        try:
            proc.kill()
        except OSError:
            pass  # it has just ended by itself


def _move_next_to(pdf: Path, target: Path) -> None:
    """Copy into the target folder under a temporary name, then replace: never half a PDF."""
    try:
        atomic_save(target, lambda tmp: shutil.copyfile(pdf, tmp))
    except PermissionError:
        raise ConversionError(f"{target} kan niet worden geschreven. Is het geopend in een PDF-lezer? "
                              "Sluit het en probeer het opnieuw.") from None
    except OSError as exc:
        raise ConversionError(f"{target} kan niet worden geschreven ({exc.strerror}).") from None


# Makes a PDF beside each .docx and returns their paths, in order (to_pdf's contract).
Converter = Callable[[Sequence[Path]], list[Path]]


class BatchConverter:
    """PDFs made while the next documents render: each full chunk goes to LibreOffice at once.

    Two LibreOffice processes run side by side, each with its own profile (one profile cannot be
    shared by two running instances), so a batch of many chunks uses both cores of a small machine.
    Leaving the `with` block by an exception (Ctrl-C), or Ctrl-C while waiting at its end, stops
    every run and starts no new chunk; `pdfs` then holds the PDFs of the chunks that finished.
    """

    WORKERS = 2

    def __init__(self, enabled: bool, converter: Converter | None = None) -> None:
        self.enabled = enabled
        self.converter = converter  # another way to make PDFs (the web page's running LibreOffice)
        self.error = ""
        self.pdfs: dict[Path, Path] = {}  # .docx -> its PDF, once made
        self._cancel = Cancel()
        self._pending: list[Path] = []
        self._jobs: list[tuple[list[Path], Future]] = []
        self._local = threading.local()

    def __enter__(self) -> BatchConverter:
        if self.enabled:
            workers = 1 if self.converter is not None else self.WORKERS  # a kept LibreOffice converts one at a time
            self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="formkit-pdf")
            self._profiles = tempfile.TemporaryDirectory(prefix="formkit-lo-", ignore_cleanup_errors=True)
            self._count = itertools.count()
        return self

    def add(self, docx: Path) -> None:
        if self.enabled:
            self._pending.append(docx)
            if len(self._pending) >= CHUNK:
                self._submit()

    def _submit(self) -> None:
        paths, self._pending = self._pending, []
        self._jobs.append((paths, self._pool.submit(self._convert, paths)))

    def _convert(self, paths: list[Path]) -> list[Path]:
        if self.converter is not None:
            return self.converter(paths)
        if not hasattr(self._local, "profile"):  # one profile per worker thread, kept for its next chunks
            self._local.profile = Path(self._profiles.name) / f"profiel-{next(self._count)}"
        return to_pdf(paths, None, self._local.profile, self._cancel)

    def __exit__(self, exc_type: type[BaseException] | None, *exc_info: object) -> None:
        if not self.enabled:
            return
        try:
            if exc_type is not None:
                self._stop()
            elif self._pending:
                self._submit()
            self._collect()
        except KeyboardInterrupt:  # while waiting for LibreOffice
            self._stop()
            self._collect()
            raise
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._profiles.cleanup()

    def _stop(self) -> None:
        self._cancel.cancel()
        for _paths, job in self._jobs:
            job.cancel()  # a chunk that has not started never starts

    def _collect(self) -> None:
        for paths, job in self._jobs:
            if job.cancelled() or all(p in self.pdfs for p in paths):
                continue
            try:
                self.pdfs.update(zip(paths, _result(job), strict=True))
            except Cancelled:
                pass
            except ConversionError as exc:
                self.error = self.error or exc.message


def _result(job: Future) -> list[Path]:
    """Wait for a chunk in short steps: on Windows Ctrl-C does not interrupt a wait without a timeout."""
    while True:
        try:
            return job.result(timeout=0.5)
        except TimeoutError:
            continue
