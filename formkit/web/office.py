"""LibreOffice kept running for the web page, so a PDF does not wait for LibreOffice to start.

Started on first need with a profile of its own, stopped with the app. LibreOffice's UNO bridge
runs under LibreOffice's own Python (Windows, macOS) or the system's Python with python3-uno
(Linux), not under formkit's: `uno_host.py` runs there, with unoserver's converter from formkit's
site-packages. When no such Python is found, or the kept LibreOffice fails, a conversion falls
back to the plain one (formkit.documents.convert.to_pdf: a LibreOffice run per batch).
"""

from __future__ import annotations

import json
import os
import queue
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from formkit.documents.convert import find_soffice, kill_group, to_pdf
from formkit.errors import ConversionError
from formkit.web import texts

HOST = Path(__file__).with_name("uno_host.py")
START_TIMEOUT = 90.0  # seconds for LibreOffice to start and accept the bridge
CONVERT_TIMEOUT = 120.0  # seconds for one document
STOP_TIMEOUT = 15.0


def office_pythons(soffice: Path) -> list[Path]:
    """Where LibreOffice's own Python may be: beside soffice (Windows), in Resources (macOS), else
    the Pythons of this system that may have python3-uno (Linux)."""
    real = Path(os.path.realpath(soffice))
    program = real.parent
    candidates = [program / "python.exe", program / "python", program.parent / "Resources" / "python"]
    if sys.platform not in ("win32", "darwin"):
        candidates += [Path(p) for p in ("/usr/bin/python3", "/usr/local/bin/python3")]
        which = shutil.which("python3")
        if which:
            candidates.append(Path(which))
    seen: list[Path] = []
    for candidate in candidates:
        if candidate.is_file() and candidate not in seen:
            seen.append(candidate)
    return seen


def _site_of_unoserver() -> Path | None:
    try:
        import unoserver
    except ImportError:
        return None
    return Path(unoserver.__file__).resolve().parent.parent


def _process_options() -> dict[str, Any]:
    """Its own process group: Ctrl-C in the window reaches the app, which stops LibreOffice itself."""
    if sys.platform == "win32":
        return {"creationflags": subprocess.CREATE_NEW_PROCESS_GROUP | getattr(subprocess, "CREATE_NO_WINDOW", 0)}
    return {"start_new_session": True}


class Office:
    """One LibreOffice for the whole app; conversions take turns."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[str] | None = None
        self._replies: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self._profile: Path | None = None
        self.broken = ""  # why the kept LibreOffice is not used (then: plain conversion)
        self.stopped = False

    @property
    def pids(self) -> list[int]:
        return [self._process.pid] if self._process is not None else []

    def to_pdf(self, paths: Sequence[Path]) -> list[Path]:
        """Like formkit.documents.convert.to_pdf: each PDF next to its .docx, in the same order."""
        paths = [Path(p).resolve() for p in paths]
        if not paths:
            return []
        with self._lock:
            if self.stopped:
                raise ConversionError(texts.OFFICE_STOPPING)
            if not self._running() and not self.broken:
                self._start()
            if self._running():
                try:
                    return [self._convert(path) for path in paths]
                except _Failed:
                    pass  # this document: the plain conversion says why, in its own words
                except _Broken as exc:
                    if self.stopped:
                        raise ConversionError(texts.OFFICE_STOPPING) from None
                    self.broken = str(exc)
                    self._kill()
        return to_pdf(paths)

    def _running(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _start(self) -> None:
        soffice, site = find_soffice(), _site_of_unoserver()
        if soffice is None or site is None:
            self.broken = "LibreOffice of unoserver niet gevonden"
            return
        self._profile = Path(tempfile.mkdtemp(prefix="formkit-app-lo-"))
        pipe = f"formkit-{os.getpid()}-{secrets.token_hex(8)}"
        for python in office_pythons(soffice):
            args = [str(python), str(HOST), str(soffice), (self._profile / "profiel").as_uri(), pipe, str(site)]
            try:
                process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                           stderr=subprocess.DEVNULL, text=True, encoding="utf-8",
                                           **_process_options())
            except OSError:
                continue
            self._process, self._replies = process, queue.Queue()
            assert process.stdout is not None
            threading.Thread(target=_read_replies, args=(process.stdout, self._replies), daemon=True,
                             name="formkit-office").start()
            reply = self._reply(START_TIMEOUT)
            if reply is not None and reply.get("klaar"):
                return
            self._kill()
        self.broken = "geen Python met LibreOffice's uno gevonden"

    def _reply(self, timeout: float) -> dict[str, Any] | None:
        try:
            return self._replies.get(timeout=timeout)
        except queue.Empty:
            return None

    def _convert(self, docx: Path) -> Path:
        if not docx.is_file():
            raise ConversionError(f"Kan geen PDF maken: {docx} bestaat niet.")
        target = docx.with_suffix(".pdf")
        tmp = target.with_name(f".{target.stem}-{os.getpid()}.pdf.tmp")
        assert self._process is not None and self._process.stdin is not None
        try:
            self._process.stdin.write(json.dumps({"in": str(docx), "out": str(tmp)}) + "\n")
            self._process.stdin.flush()
        except OSError as exc:
            raise _Broken(str(exc)) from None
        reply = self._reply(CONVERT_TIMEOUT)
        if reply is None:
            tmp.unlink(missing_ok=True)
            raise _Broken("LibreOffice reageerde niet")
        if not reply.get("ok"):
            tmp.unlink(missing_ok=True)
            raise _Failed(str(reply.get("fout")))
        try:
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ConversionError(f"{target} kan niet worden geschreven ({exc.strerror}). Is het geopend in een "
                                  "PDF-lezer? Sluit het en probeer het opnieuw.") from None
        return target

    def stop(self) -> None:
        """Stop LibreOffice and remove its profile; later conversions are plain ones."""
        self.stopped = True
        process = self._process
        if process is not None and process.poll() is None:
            try:
                assert process.stdin is not None
                process.stdin.close()  # the host stops LibreOffice and itself
                process.wait(STOP_TIMEOUT)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._kill()
        if self._profile is not None:
            shutil.rmtree(self._profile, ignore_errors=True)
            self._profile = None

    def _kill(self) -> None:
        """The host and everything it started (its own process group), whatever state it is in."""
        process, self._process = self._process, None
        if process is None:
            return
        kill_group(process)
        try:
            process.wait(STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            pass


class _Broken(Exception):
    """The kept LibreOffice cannot be used any more: plain conversion from now on."""


class _Failed(Exception):
    """The kept LibreOffice could not convert this document."""


def _read_replies(stream: IO[str], replies: queue.Queue[dict[str, Any] | None]) -> None:
    for line in stream:
        try:
            replies.put(json.loads(line))
        except ValueError:
            continue
    replies.put(None)
