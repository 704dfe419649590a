"""A batch of documents (registration forms or letters) and what became of each: the data the
letter batch fills in, that its finishing steps (signing, drafts) and every front end read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from formkit.documents.recording import Decision
from formkit.register.model import Complaint
from formkit.register.reading import Register
from formkit.xlsx.patch import Value


@dataclass
class Planned:
    complaint: Complaint
    docx: Path
    exists: bool
    record: dict[str, Value] = field(default_factory=dict)  # column key -> value to record
    expected: dt.date | None = None  # the date the letter names instead of a passed one, or the extension's
    salutation: object = None  # the register's Aanhef, when it has that column
    made: bool = False
    pdf: Path | None = None
    error: str = ""
    extra: list[Path] = field(default_factory=list)  # enclosures, e.g. the satisfaction form
    draft: Path | None = None  # the e-mail draft beside it (--mail)
    signed: bool = False  # its PDF carries the organisation's digital signature (--onderteken)
    reached: bool = False  # the batch came to it (after Ctrl-C the rest is not reached)
    completed: bool = False  # it existed; what it lacked (its PDF, the enclosed form) was made now
    decision: Decision | None = None  # on a dry run: what the register would get


@dataclass
class Batch:
    kind: str
    items: list[Planned]
    register: Register | None = None  # as read for this batch: recording reuses it when unchanged
    recorded: dict[str, list[str]] = field(default_factory=dict)  # number -> headers written
    kept: dict[str, list[str]] = field(default_factory=dict)  # number -> "Header (value)" left as they were
    notes: list[str] = field(default_factory=list)  # Dutch warnings about timing, for the user
    warnings: list[str] = field(default_factory=list)  # Dutch: made, but something needs attention (exit 1)
    pdf_error: str = ""
    interrupted: bool = False
    record_error: str = ""  # after Ctrl-C: why the letters made could not be recorded

    @property
    def failed(self) -> list[Planned]:
        return [p for p in self.items if p.error]

    @property
    def left_as_they_were(self) -> list[Planned]:
        """Documents that existed and were left as they were (without --overwrite)."""
        return [p for p in self.items if p.reached and p.exists and not p.made and not p.completed and not p.error]

    @property
    def skipped(self) -> list[Planned]:
        """Kept documents that did nothing this run: worth telling, with --overwrite as the way on."""
        return [p for p in self.left_as_they_were if p.complaint.number_text not in self.recorded]

    @property
    def recorded_late(self) -> list[Planned]:
        """Kept documents whose date an earlier run could not record (a held register): recorded now."""
        return [p for p in self.left_as_they_were if p.complaint.number_text in self.recorded]


class Interrupted(KeyboardInterrupt):
    """Ctrl-C during a batch, after the bookkeeping: `batch` says what was and was not made."""

    def __init__(self, batch: Batch) -> None:
        super().__init__()
        self.batch = batch
