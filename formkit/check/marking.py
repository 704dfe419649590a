"""Writing the monthly check into the register's Signalering column (`controle --markeer`)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from formkit.check.deadlines import check
from formkit.check.findings import Finding, signal_text
from formkit.register.storage import update_register
from formkit.settings import Settings


@dataclass
class Marked:
    findings: list[Finding]
    changed: int  # complaints whose Signalering changed
    notes: list[str]  # Dutch, for the user


def mark_signals(settings: Settings, peildatum: dt.date, command: str = "controle --markeer") -> Marked:
    """Check and write Signalering in one locked write, so the text matches the register as read.

    Destroyed rows keep their "vernietigd op ..." text: it marks them as destroyed.
    """
    with update_register(settings, command) as update:
        register = update.register
        findings = check(register.complaints, peildatum, settings, register.duplicates, register.odd_rows)
        per_row: dict[int, list[Finding]] = defaultdict(list)
        for finding in findings:
            per_row[finding.row].append(finding)
        for complaint in register.complaints:
            if not complaint.is_anonymised:
                update.set(complaint, {"signal": signal_text(per_row.get(complaint.row, [])) or None})
        changed = len({change.row for change in update.changes})
    return Marked(findings, changed, update.notes)
