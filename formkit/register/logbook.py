"""The register's logbook (`logboek.csv`) and the other CSV records beside it.

One line per complaint changed: time, command, number and the column names, never the values.
The files are ';'-separated UTF-8 with a BOM, so Excel opens them as they are.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import os
from collections.abc import Iterable
from pathlib import Path

LOG_NAME = "logboek.csv"
LOG_HEADER = ["tijd", "opdracht", "klachtnummer", "kolommen"]


def log_changes(register: Path, command: str, changes: Iterable[tuple[int, str, str]]) -> None:
    """One line per complaint changed; `changes` are (row, number, header) of each cell written."""
    per_row: dict[tuple[int, str], list[str]] = {}
    for row, number, header in changes:
        headers = per_row.setdefault((row, number), [])
        if header not in headers:
            headers.append(header)
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    append_csv(register.parent / LOG_NAME, LOG_HEADER,
               [[stamp, command, number, ", ".join(headers)] for (_, number), headers in per_row.items()])


def append_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Append rows to a ';'-separated UTF-8 CSV that Excel opens (BOM and header when new)."""
    new = not path.exists() or path.stat().st_size == 0
    torn = not new and _last_byte(path) not in (b"\n", b"")  # a run killed mid-line: start a fresh line
    with path.open("a", encoding="utf-8-sig" if new else "utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        if new:
            writer.writerow(header)
        elif torn:
            fh.write("\r\n")
        writer.writerows(rows)
        fh.flush()
        os.fsync(fh.fileno())


def _last_byte(path: Path) -> bytes:
    with path.open("rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1)


def current_user() -> str:
    """The OS user, for records of who did what."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return os.environ.get("USERNAME") or os.environ.get("USER") or "onbekend"
