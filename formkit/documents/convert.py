"""Word to PDF with LibreOffice: one headless run for a whole batch, a private profile, a time limit."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

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


def to_pdf(docx_paths: Sequence[Path], timeout: float | None = None, profile: Path | None = None) -> list[Path]:
    """Convert .docx files to PDFs next to them; returns the PDF paths in the same order.

    All documents go through one LibreOffice run per chunk of at most 100 (files with the same
    name from different folders go to separate runs), each with a private profile so an open
    LibreOffice window neither blocks nor is disturbed. `timeout` is per run (default: 60 s plus
    5 s per document); a run that fails or times out is retried once.
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
    with tempfile.TemporaryDirectory(prefix="formkit-pdf-") as work:
        profile = profile or Path(work) / "profiel"  # a caller converting in chunks reuses one
        for number, chunk in enumerate(_chunks(paths)):
            outdir = Path(work) / f"uit-{number}"
            outdir.mkdir()
            _convert_chunk(soffice, profile, chunk, outdir, timeout or 60 + 5 * len(chunk))
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


def _convert_chunk(soffice: Path, profile: Path, chunk: list[Path], outdir: Path, timeout: float) -> None:
    problem = ""
    for _attempt in (1, 2):
        todo = [p for p in chunk if not (outdir / f"{p.stem}.pdf").is_file()]
        if not todo:
            return
        problem = _run(soffice, profile, todo, outdir, timeout)
    still = [p for p in chunk if not (outdir / f"{p.stem}.pdf").is_file()]
    if still:
        names = ", ".join(str(p) for p in still[:5]) + (" ..." if len(still) > 5 else "")
        raise ConversionError(f"LibreOffice heeft geen PDF gemaakt van {names}" + (f" ({problem})" if problem
                              else "") + ". Controleer of het Word-bestand te openen is en probeer het opnieuw.")


def _run(soffice: Path, profile: Path, files: list[Path], outdir: Path, timeout: float) -> str:
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
        proc = subprocess.Popen(cmd, **kwargs)
    except OSError as exc:
        raise ConversionError(f"LibreOffice ({soffice}) kan niet worden gestart: {exc.strerror}. "
                              + INSTALL_HINT.split(", maar")[0] + ".") from None
    try:
        _, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc)
        return f"LibreOffice reageerde niet binnen {timeout:.0f} seconden"
    if proc.returncode != 0:
        tail = err.decode(errors="replace").strip().splitlines()[-1:] if err else []
        return f"LibreOffice stopte met code {proc.returncode}" + (f": {tail[0]}" if tail else "")
    return ""


def _kill(proc: subprocess.Popen) -> None:
    """Stop LibreOffice and the processes it started (soffice is a wrapper around soffice.bin)."""
    try:
        if os.name == "nt":
            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False)
        else:
            os.killpg(proc.pid, signal.SIGKILL)
    except OSError:
        proc.kill()
    proc.communicate()


def _move_next_to(pdf: Path, target: Path) -> None:
    """Copy into the target folder under a temporary name, then replace: never half a PDF."""
    tmp = target.with_name(f".{target.stem}-{os.getpid()}.pdf.tmp")
    try:
        shutil.copyfile(pdf, tmp)
        os.replace(tmp, target)
    except PermissionError:
        raise ConversionError(f"{target} kan niet worden geschreven. Is het geopend in een PDF-lezer? "
                              "Sluit het en probeer het opnieuw.") from None
    except OSError as exc:
        raise ConversionError(f"{target} kan niet worden geschreven ({exc.strerror}).") from None
    finally:
        if tmp.exists():
            tmp.unlink()
