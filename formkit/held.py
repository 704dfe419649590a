"""Files another program holds open. On Windows, Excel, Word, a PDF viewer, a virus scanner or a
sync client (OneDrive) refuse a write or a replace of a file they hold (PermissionError), often
only for a moment. formkit retries briefly, then refuses with a Dutch message naming the file.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from formkit.errors import FileHeld, FormkitError

T = TypeVar("T")
# Pauses between attempts, in seconds (about 3 s in all); tests set it to () to try once.
RETRY_PAUSES: tuple[float, ...] = (0.1, 0.2, 0.4, 0.8, 1.5)


def held_message(path: Path, done: str = "") -> str:
    return (f"{path} is in gebruik door een ander programma (Excel, Word, een PDF-lezer, een virusscanner of "
            f"een synchronisatieprogramma zoals OneDrive) en kan niet worden bijgewerkt. Sluit het bestand "
            f"(of wacht tot het programma klaar is).{' ' + done if done else ''}")


def patiently(action: Callable[[], T]) -> T:
    """Run `action`; while it meets a PermissionError, wait a moment and try again. The last
    PermissionError is raised as it is, for the caller to word."""
    for pause in RETRY_PAUSES:
        try:
            return action()
        except PermissionError:
            time.sleep(pause)
    return action()


def retrying(path: Path, action: Callable[[], T], done: str = "Er is niets gewijzigd.",
             error: type[FormkitError] = FileHeld) -> T:
    """Run `action` patiently, then refuse with a Dutch message naming `path`.

    `done` tells the user what state things are in when formkit gives up; `error` is what is raised.
    """
    try:
        return patiently(action)
    except PermissionError:
        raise error(held_message(path, done)) from None


def writable(path: Path) -> None:
    """Refuse now, before anything changes, when `path` exists and cannot be opened for appending."""
    if path.exists():
        retrying(path, lambda: path.open("ab").close())
