"""Files are replaced whole: written beside the target, flushed, then renamed over it.

A crash leaves the old file or the new one, never half of one. The new file keeps the target's
permissions (a temporary file starts owner-only, which would lock a colleague out of a shared
folder), or gets the normal permissions of a new file.

atomic_write goes through the os module alone (os.open, os.write until every byte is out,
os.fsync, os.close, os.replace): each step of a write is one call, and tests/test_storage.py
stops a real `formkit` run at every os.write, os.fsync and os.replace in turn.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path


def atomic_write(path: Path, data: bytes) -> None:
    """Write bytes to `path` all or nothing (on disk before the new file takes the name)."""
    atomic_save(path, lambda tmp: _write_synced(tmp, data))


def atomic_save(path: Path, write: Callable[[Path], object]) -> None:
    """Let `write` fill a temporary file beside `path` (by its name), then put it in place in one step."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        write(tmp)
        os.chmod(tmp, _mode_for(path))
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _write_synced(tmp: Path, data: bytes) -> None:
    """All of `data` into the (empty) file `tmp`, flushed to disk."""
    fd = os.open(tmp, os.O_WRONLY | os.O_TRUNC | getattr(os, "O_BINARY", 0))
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]  # a write may take fewer bytes than offered
        os.fsync(fd)
    finally:
        os.close(fd)


def _mode_for(path: Path) -> int:
    """The target's permission bits, or those a new file gets under the current umask."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_dir(folder: Path) -> None:
    """Make the rename itself durable (POSIX); Windows has no directory handles to sync."""
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
