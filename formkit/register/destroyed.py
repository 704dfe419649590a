"""Which complaints were destroyed, and when: the destruction log `register/vernietigingslog.csv`.

A destroyed complaint stays destroyed (SPEC.md): no command makes documents for it or writes
personal data into it again. The log, not the register row, decides: staff may retype a row.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from formkit.dates import DateParseError, parse_date_text

LOG_NAME = "vernietigingslog.csv"
LOG_HEADER = ["klachtnummer", "datum afhandeling", "datum vernietiging", "door",
              "verwijderde kolommen", "aantal bestanden", "sha256 per bestand"]


def log_path(register: Path) -> Path:
    return register.parent / LOG_NAME


def destroyed_numbers(register: Path) -> dict[str, dt.date | None]:
    """Klachtnummer (as normalise_number gives it) -> the day it was destroyed (None if unreadable)."""
    path = log_path(register)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError):
        text = path.read_bytes().decode("utf-8", errors="replace") if path.exists() else ""
    found: dict[str, dt.date | None] = {}
    for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]:
        if not row or not row[0].strip():
            continue
        number = "".join(row[0].split()).upper()
        try:
            day: dt.date | None = parse_date_text(row[2]) if len(row) > 2 else None
        except DateParseError:
            day = None
        found.setdefault(number, day)
    return found
