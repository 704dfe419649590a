"""A complaint as read from one register row: typed values, the row, and what was unreadable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from formkit.register.columns import BY_HEADER, BY_KEY, normalise_header


@dataclass
class Problem:
    """A cell that could not be read as its column requires (reported, never guessed)."""

    header: str
    cell: str  # e.g. "B7"
    text: str  # Dutch explanation
    raw: str = ""  # the cell's content as staff see it ("31-02-2026"); "" for an error value


@dataclass(slots=True)
class Complaint:
    """One register row. Dates are `datetime.date` or None; everything else is text or None."""

    row: int = 0  # 1-based worksheet row
    number: str | None = None
    received: dt.date | None = None
    channel: str | None = None
    client_type: str | None = None
    name: str | None = None
    organisation: str | None = None
    address: str | None = None
    postcode: str | None = None
    city: str | None = None
    email: str | None = None
    phone: str | None = None
    participant: str | None = None
    course: str | None = None
    description: str | None = None
    desired_solution: str | None = None
    category: str | None = None
    serious: str | None = None
    handler: str | None = None
    reaction_date: dt.date | None = None
    reaction_mode: str | None = None
    extended_until: dt.date | None = None
    extension_notice_date: dt.date | None = None
    cause: str | None = None
    solution: str | None = None
    handled_date: dt.date | None = None
    feedback_date: dt.date | None = None
    internal_feedback: str | None = None
    third_party: str | None = None
    submitted_date: dt.date | None = None
    third_party_ruling: str | None = None
    satisfaction: str | None = None
    satisfaction_date: dt.date | None = None
    improvement: str | None = None
    improvement_done: dt.date | None = None
    signal: str | None = None
    remarks: str | None = None
    problems: tuple[Problem, ...] = ()  # shared empty default: a register has thousands of clean rows

    @property
    def number_text(self) -> str:
        """Klachtnummer as typed, trimmed; "" when empty."""
        return (self.number or "").strip()

    @property
    def is_serious(self) -> bool:
        serious = self.serious
        return serious == "ja" or (serious is not None and serious.strip().lower() == "ja")

    @property
    def is_open(self) -> bool:
        return self.handled_date is None

    @property
    def is_anonymised(self) -> bool:
        """Destroyed rows keep only non-personal data and say so in Signalering/Opmerkingen."""
        if self.signal is None and self.remarks is None:
            return False
        marks = f"{self.signal or ''} {self.remarks or ''}".lower()
        return "vernietigd op" in marks

    @property
    def satisfaction_score(self) -> int | None:
        """Tevredenheid as 1..5, or None when empty or not a score."""
        text = (self.satisfaction or "").strip().replace(",", ".")
        try:
            value = float(text)
        except ValueError:
            return None
        return int(value) if value.is_integer() and 1 <= value <= 5 else None

    def problem_for(self, key: str) -> Problem | None:
        header = BY_KEY[key].header
        return next((p for p in self.problems if p.header == header), None)

    def unreadable_keys(self) -> set[str]:
        """Keys of the columns whose cell could not be read on this row."""
        if not self.problems:
            return set()
        return {BY_HEADER[h].key for p in self.problems if (h := normalise_header(p.header)) in BY_HEADER}


VALUE_KEYS: tuple[str, ...] = tuple(f.name for f in fields(Complaint) if f.name not in ("row", "problems"))
