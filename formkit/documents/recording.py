"""What sending a letter records in the register, decided by one function for the dry run and the write.

SPEC.md: ontvangst -> Datum reactie; verlenging -> Verlengd tot and Datum verlengingsbericht;
terugkoppeling -> Datum terugkoppeling; tevredenheid -> nothing until the form comes back. A letter
that names an expected date instead of a term that has passed records it as an extension too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from formkit.register.model import Complaint, Problem
from formkit.xlsx.patch import Value

KEEP_FIRST = frozenset({"reaction_date", "feedback_date"})  # the first reaction and feedback are the ones that count


def to_record(kind: str, letter_date: dt.date, expected: dt.date | None, c: Complaint) -> dict[str, Value]:
    """What sending this letter means for the register (column key -> value)."""
    values: dict[str, Value] = {}
    if kind == "ontvangst":
        values["reaction_date"] = letter_date
    elif kind == "terugkoppeling":
        values["feedback_date"] = letter_date
    if kind == "verlenging" or (expected is not None and kind != "formulier"):
        values.update(extended_until=expected or c.extended_until, extension_notice_date=letter_date)
    return values


@dataclass
class Decision:
    """What one letter does to its register row."""

    values: dict[str, Value] = field(default_factory=dict)  # to write
    kept: dict[str, Value] = field(default_factory=dict)  # left as they are: the value already there
    unreadable: list[Problem] = field(default_factory=list)  # not overwritten: staff correct the cell


def decide(record: Mapping[str, Value], current: Complaint, made_now: bool) -> Decision:
    """Kept-first rules: the first reaction and feedback stay; a letter made now updates an extension,
    and a letter that already existed (made earlier) only fills what is still empty, so a run that
    could not record is completed by the next one. An unreadable cell is never overwritten: it holds
    what staff typed, and a value never silently replaces a different one (SPEC.md)."""
    decision = Decision()
    for key, value in record.items():
        problem = current.problem_for(key)
        if problem is not None:
            decision.unreadable.append(problem)
            continue
        old = getattr(current, key)
        if old == value:
            continue
        if old is not None and (key in KEEP_FIRST or not made_now):
            decision.kept[key] = old
            continue
        decision.values[key] = value
    return decision
