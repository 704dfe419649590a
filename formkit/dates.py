"""Dates as they arrive in the register and on the command line, and Dutch dates for documents."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from functools import lru_cache

PHANTOM_LEAP_DAY = 60  # serial of 29-02-1900 in Excel's 1900 system, a day that never was
LAST_SERIAL = 2958465  # 31-12-9999

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "feb": 2, "maart": 3, "mrt": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7,
    "augustus": 8, "aug": 8, "september": 9, "sep": 9, "sept": 9, "oktober": 10, "okt": 10,
    "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}

_NUMERIC = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{2}|\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$")
_WORDS = re.compile(r"^(?:[a-z]+\.?,?\s+)?(\d{1,2})\s+([a-z]+)\.?\s+(\d{4})$")


class DateParseError(ValueError):
    """Text that is not a date; str() is a Dutch explanation."""


def from_serial(serial: float, date1904: bool = False) -> dt.date:
    """Excel serial number -> date (the time part is dropped): 1 is 01-01-1900 (1904 system: 02-01-1904).

    Serial 60 of the 1900 system is Excel's 29-02-1900, which does not exist: unreadable, not guessed.
    """
    # Imported here: only a number in a date column needs it, and openpyxl (with numpy) adds about
    # 150 ms to every start of `controle`.
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, from_excel

    if serial < 1 or serial > LAST_SERIAL:
        raise DateParseError(f"{serial:g} is geen geldig datumgetal")
    if not date1904 and int(serial) == PHANTOM_LEAP_DAY:
        raise DateParseError(f"{serial:g} is het datumgetal van 29-02-1900, een dag die niet bestaat")
    moment = from_excel(int(serial), MAC_EPOCH if date1904 else WINDOWS_EPOCH)
    return moment.date() if isinstance(moment, dt.datetime) else moment


def to_serial(day: dt.date, date1904: bool = False) -> int:
    """date -> Excel serial number in the workbook's date system."""
    # imported here for the same reason as in from_serial: reading the register never needs it
    from openpyxl.utils.datetime import MAC_EPOCH, WINDOWS_EPOCH, to_excel

    return int(to_excel(day, MAC_EPOCH if date1904 else WINDOWS_EPOCH))


def parse_date_text(text: str) -> dt.date:
    """Parse the text forms SPEC.md lists: 24-11-2026, 24-11-26, 2026-11-24, 24 november 2026."""
    raw = " ".join(str(text).split())
    lowered = raw.lower()
    try:
        if m := _ISO.match(lowered):
            return _make(int(m[1]), int(m[2]), int(m[3]), raw)
        if m := _NUMERIC.match(lowered):
            year = int(m[3])
            if len(m[3]) == 2:
                year += 2000
            return _make(year, int(m[2]), int(m[1]), raw)
        if m := _WORDS.match(lowered):
            month = MONTHS.get(m[2])
            if month is None:
                raise DateParseError(f"'{raw}' is geen datum: onbekende maand '{m[2]}'")
            return _make(int(m[3]), month, int(m[1]), raw)
    except DateParseError:
        raise
    raise DateParseError(f"'{raw}' is geen datum (verwacht bijvoorbeeld 24-11-2026)")


def _make(year: int, month: int, day: int, raw: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise DateParseError(f"'{raw}' bestaat niet als datum") from None


def to_date(value: object, date1904: bool = False) -> dt.date | None:
    """A register cell value -> date; '' and None -> None; raises DateParseError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise DateParseError(f"'{value}' is geen datum")
    if isinstance(value, (int, float)):
        return from_serial(float(value), date1904)
    if isinstance(value, dt.time | dt.timedelta):
        raise DateParseError(f"'{value}' is een tijd, geen datum")
    text = str(value).strip()
    if not text:
        return None
    if re.fullmatch(r"\d{5}(\.\d+)?", text):  # a serial number stored as text
        return from_serial(float(text), date1904)
    return parse_date_text(text)


def parse_cli_date(text: str) -> dt.date:
    """Command-line dates: 2026-11-24 and 24-11-2026 (other register forms are accepted too)."""
    return parse_date_text(text)


def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months later; the day is clipped to the month's end (31 jan + 1 -> 28/29 feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    if day.day <= 28:  # every month has these days; no calendar look-up needed
        return dt.date(year, month, day.day)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    """Same day `years` later; 29 feb becomes 28 feb in a non-leap year."""
    return add_months(day, 12 * years)


def dutch(day: dt.date | None) -> str:
    """'24 november 2026' (empty text for None)."""
    from babel.dates import format_date  # here, not at the top: the monthly check never needs babel

    return format_date(day, format="d MMMM y", locale="nl_NL") if day else ""


@lru_cache(maxsize=4096)  # a register's findings repeat the same few hundred dates
def dutch_short(day: dt.date | None) -> str:
    """'24-11-2026', the form staff type in Excel (empty text for None)."""
    return f"{day.day:02d}-{day.month:02d}-{day.year:04d}" if day else ""
