"""Read PDF forms in worker processes, so that one hostile PDF can never hang or exhaust a batch.

pypdf is pure Python: a thread reading it cannot be interrupted, and `signal.alarm` exists only
on POSIX. So each file is read by a worker process; a worker that takes longer than
READ_TIMEOUT on one file is killed and replaced, and that file gets a Dutch PdfFormError.
Workers are started with "spawn" (the only method on Windows, the default on macOS, and the
same on Linux so that every platform behaves alike), reused across the files of a batch, and
always reaped: on Ctrl-C (they ignore it from birth; the main process kills them) and when the
main process dies (each worker watches its parent and exits).

Bounded, per file:
- wall time: READ_TIMEOUT seconds, every platform (the worker is killed, not asked);
- input size: reading.MAX_PDF_BYTES (20 MB), checked before parsing;
- decompression: 4 MB per stream (pypdf's limits, tightened in opening.PYPDF_LIMITS) and 32 MB
  for all streams of the file together (opening.TOTAL_DECODED; pypdf's limits are per stream);
- structure: at most 64 object streams, 2,000 fields, 16,000 field/widget/parent visits,
  nesting 32 deep (raw), so pypdf's own field walk stays small too;
- memory: WORKER_MEMORY (1 GB) of address space per worker, on Linux only (setrlimit); running out
  is a clean Dutch error, and a worker that dies in any other way is one too.
Not bounded: a worker's memory on Windows and macOS beyond the limits above; the worst
variants of the fuzz campaign peak at about 190 MB there (a 19 MB file of 350,000 objects).
The main process never parses a PDF: it reads the register and copies files.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any

from formkit.errors import FormkitError, PdfFormError
from formkit.pdf.reading import ImportedForm, read_form

READ_TIMEOUT = 20.0  # seconds one file may take in a worker before it is killed
START_TIMEOUT = 120.0  # seconds a new worker may take to start (imports on a slow laptop)
WORKERS = max(1, min(2, os.cpu_count() or 1))  # at most this many files are read at once
WORKER_MEMORY = 2**30  # bytes of address space per worker (Linux only; an idle one maps about 130 MB)

Result = ImportedForm | PdfFormError
STARTUP_FAILED = ("Het inlezen van PDF-bestanden kon niet starten: een hulpproces van formkit startte niet "
                  "of stopte meteen. Probeer het opnieuw; blijft dit gebeuren, installeer formkit dan opnieuw.")


def timeout_message(path: Path, seconds: float) -> str:
    """The Dutch message for a file whose reading was stopped."""
    shown = f"{seconds:g}".replace(".", ",")
    return (f"{path}: het lezen duurde te lang (meer dan {shown} seconden); "
            "het bestand is mogelijk beschadigd.")


def _serve(conn: Connection, memory: int | None) -> None:
    """A worker's life: say ready, then one path in, one result out, until the pipe closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is for the main process to handle
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_follow, args=(parent,), name="formkit-parent", daemon=True).start()
    _limit_memory(memory)
    try:
        conn.send(("ready", os.getpid()))
    except (EOFError, OSError):
        os._exit(0)  # the main process is already gone (killed while starting us)
    while True:
        try:
            path = conn.recv()
        except (EOFError, OSError):
            return  # the main process is gone: stop, never linger
        if path is None:
            conn.close()
            os._exit(0)  # nothing to flush or clean up: skip the slow interpreter shutdown
        try:
            reply: tuple[str, Any] = ("ok", read_form(Path(path)))
        except PdfFormError as exc:
            reply = ("fout", exc.message)
        except MemoryError:
            reply = ("fout", f"{path}: het lezen vraagt te veel geheugen; het bestand is mogelijk beschadigd.")
        except Exception:  # read_form promises PdfFormError only; never let a worker die of it
            reply = ("fout", f"{path}: het PDF-bestand is beschadigd en niet te lezen.")
        try:
            conn.send(reply)
        except (EOFError, OSError):
            return
        except Exception:  # a result that does not pickle: report, keep serving
            conn.send(("fout", f"{path}: het PDF-bestand is beschadigd en niet te lezen."))


def _follow(parent: Any) -> None:
    """When the main process dies (killed, crashed), end at once, even in the middle of a file."""
    parent.join()  # waits on the parent's sentinel; a blocked thread costs nothing
    os._exit(1)


def _limit_memory(memory: int | None) -> None:
    """Cap the worker's address space where the OS enforces it (Linux); elsewhere do nothing."""
    if memory is None or not sys.platform.startswith("linux"):
        return
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        memory = min(memory, hard)
    if soft == resource.RLIM_INFINITY or soft > memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, hard))


@contextmanager
def _deaf_children() -> Iterator[None]:
    """Start a worker deaf to Ctrl-C from birth: hit while its interpreter starts, it would print
    a traceback. POSIX: SIGINT blocked while starting (the child inherits the mask; the parent
    gets its pending Ctrl-C right after). Windows: the ignore-Ctrl-C flag children inherit."""
    if hasattr(signal, "pthread_sigmask"):
        from multiprocessing import resource_tracker

        resource_tracker.ensure_running()  # it unblocks SIGINT after its own start: get that done first
        old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
        return
    console = _windows_console()
    if console is not None:
        console.SetConsoleCtrlHandler(None, True)
    try:
        yield
    finally:
        if console is not None:
            console.SetConsoleCtrlHandler(None, False)


@contextmanager
def _main_module_hidden() -> Iterator[None]:
    """Start a worker without re-running the parent's __main__ in it: spawn imports the main script
    in every child (0.3 s for a script that imports openpyxl; an unguarded script would even start
    formkit again). A worker needs nothing from it: its target and arguments live in formkit."""
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved: dict[str, Any] = {key: main.__dict__[key] for key in ("__file__", "__spec__") if key in main.__dict__}
    main.__dict__.pop("__file__", None)
    main.__dict__["__spec__"] = None
    try:
        yield
    finally:
        main.__dict__.pop("__spec__", None)
        main.__dict__.update(saved)


def _windows_console() -> Any:
    """kernel32 on Windows (for SetConsoleCtrlHandler), else None."""
    if sys.platform != "win32":
        return None
    try:
        import ctypes

        return ctypes.windll.kernel32
    except (ImportError, AttributeError, OSError):
        return None


class _Worker:
    """One worker process, its pipe, and the file it is reading (if any).

    Made first and started after (start()): the pool registers it in between, so a Ctrl-C that
    lands while the process starts still finds it to kill and reap. stop() and reap() cope with a
    process that never started or whose start was cut short.
    """

    def __init__(self, context: Any, memory: int | None) -> None:
        self.conn, self._child = context.Pipe()
        self.process = context.Process(target=_serve, args=(self._child, memory), name="formkit-pdf", daemon=True)
        self.ready = False
        self.started = time.monotonic()
        self.job: int | None = None
        self.deadline = float("inf")

    def start(self) -> None:
        self.started = time.monotonic()
        with _deaf_children(), _main_module_hidden():
            self.process.start()
        self._child.close()  # only the worker holds its end: its death is seen as EOF here

    def _running(self) -> bool:
        """Whether there is a process to stop and wait for (start() got as far as creating it)."""
        return self.process.pid is not None

    def give(self, index: int, path: Path, timeout: float) -> None:
        self.conn.send(str(path))
        self.job = index
        self.deadline = time.monotonic() + timeout if self.ready else float("inf")

    def stop(self, kill: bool) -> None:
        """Ask an idle worker to leave, kill a busy or stuck one; see reap()."""
        if not self._running():
            return
        if kill or self.job is not None:
            self.process.kill()
            return
        try:
            self.conn.send(None)
        except OSError:
            self.process.kill()

    def reap(self) -> None:
        """Wait for the process to end (killing it if it will not), so none is left behind."""
        if self._running():
            self.process.join(timeout=2)
            if self.process.exitcode is None:
                self.process.kill()
                self.process.join(timeout=10)
        self.conn.close()
        self._child.close()  # still open when start() was cut short
        try:
            self.process.close()
        except (ValueError, AttributeError):  # it still runs after all, or multiprocessing's start was cut short
            pass


class FormReader:
    """A small pool of reading processes for one batch; use as a context manager."""

    def __init__(self, workers: int | None = None, timeout: float | None = None,
                 memory: int | None = WORKER_MEMORY) -> None:
        self.size = workers or WORKERS
        self.timeout = READ_TIMEOUT if timeout is None else timeout
        self.memory = memory
        self._context = multiprocessing.get_context("spawn")
        self._workers: list[_Worker] = []

    def __enter__(self) -> FormReader:
        return self

    def __exit__(self, kind: type[BaseException] | None, *rest: object) -> None:
        self.close(kill=kind is not None)

    def close(self, kill: bool = False) -> None:
        """Stop every worker (killed when `kill`, e.g. on Ctrl-C)."""
        workers, self._workers = self._workers, []
        for worker in workers:  # all asked first, then all reaped: they end in parallel
            worker.stop(kill)
        for worker in workers:
            worker.reap()

    def read(self, paths: Iterable[Path]) -> Iterator[tuple[Path, Result]]:
        """(path, ImportedForm or PdfFormError) per file, in the given order, read in parallel."""
        paths = [Path(p) for p in paths]
        todo = deque(range(len(paths)))
        done: dict[int, Result] = {}
        following = 0
        while following < len(paths):
            self._dispatch(paths, todo)
            while following in done:
                yield paths[following], done.pop(following)
                following += 1
            if following < len(paths):
                self._collect(paths, done)

    def _dispatch(self, paths: list[Path], todo: deque[int]) -> None:
        """Give every idle worker a file; start workers up to the pool size while files wait."""
        for worker in list(self._workers):
            if todo and worker.job is None:
                self._give(worker, todo, paths)
        while todo and len(self._workers) < self.size:
            worker = _Worker(self._context, self.memory)
            self._workers.append(worker)  # before it starts: close() reaps it whatever happens next
            worker.start()
            if not self._give(worker, todo, paths):
                raise FormkitError(STARTUP_FAILED)

    def _give(self, worker: _Worker, todo: deque[int], paths: list[Path]) -> bool:
        """Hand over the next file; a worker that died while idle is replaced, the file waits."""
        index = todo.popleft()
        try:
            worker.give(index, paths[index], self.timeout)
            return True
        except OSError:
            todo.appendleft(index)
            self._replace(worker)
            return False

    def _collect(self, paths: list[Path], done: dict[int, Result]) -> None:
        """Wait for the first reply or deadline; replace workers that died or ran out of time."""
        busy = [(w, w.job) for w in self._workers if w.job is not None]
        now = time.monotonic()
        deadline = min(w.deadline if w.ready else w.started + START_TIMEOUT for w, _ in busy)
        ready = wait([w.conn for w, _ in busy] + [w.process.sentinel for w, _ in busy], max(0.0, deadline - now))
        now = time.monotonic()
        for worker, index in busy:
            if worker.conn in ready or worker.process.sentinel in ready:
                self._receive(worker, index, paths, done)
            elif worker.ready and now >= worker.deadline:
                done[index] = PdfFormError(timeout_message(paths[index], self.timeout))
                self._replace(worker)
            elif not worker.ready and now >= worker.started + START_TIMEOUT:
                self._replace(worker)
                raise FormkitError(STARTUP_FAILED)

    def _receive(self, worker: _Worker, index: int, paths: list[Path], done: dict[int, Result]) -> None:
        """One message from a worker: 'ready', a result, or (EOF) its death."""
        try:
            if not worker.conn.poll():
                raise EOFError
            kind, payload = worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            if not worker.ready:  # died before reading anything: not the file's fault
                raise FormkitError(STARTUP_FAILED) from None
            done[index] = PdfFormError(f"{paths[index]}: het PDF-bestand is beschadigd en niet te lezen "
                                       "(het lezen is vastgelopen).")
            return
        if kind == "ready":
            worker.ready = True
            worker.deadline = time.monotonic() + self.timeout
            return
        worker.job, worker.deadline = None, float("inf")
        done[index] = payload if kind == "ok" else PdfFormError(payload)

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and forget it; _dispatch starts a fresh one when files still wait."""
        worker.job = None
        worker.stop(kill=True)
        worker.reap()
        self._workers.remove(worker)
