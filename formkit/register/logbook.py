"""The register's logbook (`logboek.csv`) and the other CSV records beside it.

One line per complaint changed: time, command, number and the column names, never the values.
The files are ';'-separated UTF-8 with a BOM, so Excel opens them as they are. Staff open the
logbook in Excel, which holds it: lines that cannot be added wait in a small file beside it and
are added by the next command that writes the logbook.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import io
import os
from collections.abc import Iterable
from pathlib import Path

from formkit.errors import FileHeld
from formkit.held import retrying

LOG_NAME = "logboek.csv"
LOG_HEADER = ["tijd", "opdracht", "klachtnummer", "kolommen"]
WAITING_NAME = ".logboek-wacht.csv"  # lines the logbook could not take yet


def log_path(register: Path) -> Path:
    return register.parent / LOG_NAME


def log_changes(register: Path, command: str, changes: Iterable[tuple[int, str, str]]) -> bool:
    """One line per complaint changed; `changes` are (row, number, header) of each cell written.

    False when the logbook is held open: the lines then wait beside it for the next write.
    """
    per_row: dict[tuple[int, str], list[str]] = {}
    for row, number, header in changes:
        headers = per_row.setdefault((row, number), [])
        if header not in headers:
            headers.append(header)
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    rows = [[stamp, command, number, ", ".join(headers)] for (_, number), headers in per_row.items()]
    waiting = register.parent / WAITING_NAME
    try:
        earlier = _waiting_rows(waiting)
        retrying(log_path(register), lambda: append_csv(log_path(register), LOG_HEADER, earlier + rows))
        waiting.unlink(missing_ok=True)
        return True
    except FileHeld:
        append_csv(waiting, LOG_HEADER, rows)
        return False


def _waiting_rows(waiting: Path) -> list[list[str]]:
    try:
        text = waiting.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return []
    return [row for row in csv.reader(io.StringIO(text), delimiter=";")][1:]


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
