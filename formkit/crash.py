"""What happens when formkit itself fails (a bug): one Dutch line for the user, details in a log.

The log `formkit-fout.log` (in the working folder, or the temp folder when that cannot be
written) holds what a developer needs to find the bug: the exception types and where in formkit
and its libraries they happened. Never an exception's message, arguments or variables: those may
hold register values, names or file names of clients.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import tempfile
import traceback
from pathlib import Path

from formkit import __version__

LOG_NAME = "formkit-fout.log"
MAX_BYTES = 1_000_000  # a log that grows past this starts again: only the recent crashes matter


def record_crash(exc: BaseException, folder: Path | None, action: str) -> Path:
    """Append the crash to the log (working folder, else temp folder); returns the log's path."""
    lines = [f"--- {dt.datetime.now().isoformat(timespec='seconds')}  formkit {__version__}  "
             f"Python {platform.python_version()}  {platform.system()} {platform.release()}  opdracht: {action}"]
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:  # the chain of causes, innermost last
        seen.add(id(current))
        lines.append(f"{type(current).__module__}.{type(current).__qualname__}")
        for frame in traceback.extract_tb(current.__traceback__):
            lines.append(f"  {_where(frame.filename)}:{frame.lineno} in {frame.name}")
        current = current.__cause__ or current.__context__
    text = "\n".join(lines) + "\n"
    for place in (folder, Path(tempfile.gettempdir())):
        if place is None:
            continue
        path = Path(place) / LOG_NAME
        try:
            if path.exists() and path.stat().st_size > MAX_BYTES:
                path.unlink()
            with path.open("a", encoding="utf-8") as fh:
                fh.write(text)
            return path
        except OSError:
            continue
    return Path(tempfile.gettempdir()) / LOG_NAME


def crash_message(log: Path) -> str:
    """The one Dutch line a user sees."""
    return (f"Er ging iets mis in formkit zelf (een programmafout); wat al was opgeslagen is heel gebleven. "
            f"De details staan in {log}: stuur dat bestand naar wie formkit beheert.")


def _where(filename: str) -> str:
    """A source file as a path inside its package (no user's home folder or working folder)."""
    path = Path(filename)
    parts = path.parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            return "/".join(parts[parts.index(marker) + 1:])
    if "formkit" in parts:
        return "/".join(parts[len(parts) - 1 - parts[::-1].index("formkit"):])
    prefix = os.path.dirname(os.__file__)  # the standard library
    if filename.startswith(prefix):
        return "python/" + os.path.relpath(filename, prefix).replace(os.sep, "/")
    return path.name
