"""What one complaint contributes to the management information: its Fact, the row behind every
figure (no personal data), decided with the rules of `formkit.check.deadlines`."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Literal

from formkit.check import deadlines
from formkit.register.model import Complaint
from formkit.settings import Terms

Outcome = Literal["on_time", "late", "pending", "unknown"]


@dataclass(frozen=True)
class Fact:
    """What one complaint contributes; the row behind every figure (no personal data)."""

    number: str
    received: dt.date
    serious: bool
    anonymised: bool
    category: str | None
    cause: str | None
    course: str | None
    client_type: str | None
    channel: str | None
    reaction: Outcome
    handling_original: Outcome  # against the term without extension
    handling: Outcome  # against the term with an extension that counts
    extended: bool  # an extension that counts moved the term
    handled: dt.date | None
    lead_days: int | None
    feedback: bool | None  # None: not handled (or its dates unreadable)
    satisfaction_due: bool
    measured: bool
    score: int | None
    escalated: bool
    third_party: str | None
    submitted: dt.date | None
    ruling: str | None
    improvement: str | None
    improvement_done: dt.date | None


def fact(c: Complaint, terms: Terms, today: dt.date) -> Fact:
    """One complaint's contribution, using the rules of `deadlines` (as known on `today`)."""
    bad = c.unreadable_keys()
    received = c.received
    assert received is not None
    impossible = bool((c.handled_date and c.handled_date < received) or
                      (c.reaction_date and c.reaction_date < received))
    handling_bad = impossible or bool(bad & {"handled_date", "extended_until", "extension_notice_date"})
    original_deadline = deadlines.handling_deadline(
        dataclasses.replace(c, extended_until=None, extension_notice_date=None), terms)
    deadline = deadlines.handling_deadline(c, terms)
    handled = None if "handled_date" in bad else c.handled_date
    feedback_ok = handled is not None and not impossible and "feedback_date" not in bad
    satisfaction_end = deadlines.satisfaction_deadline(c, terms)
    measured = bool((c.satisfaction or "").strip() or c.satisfaction_date)
    named = " ".join((c.third_party or "").split())
    party = None if named.lower() in deadlines.NO_THIRD_PARTY else named
    ruling = " ".join((c.third_party_ruling or "").split()) or None
    return Fact(
        number=(c.number or "").strip() or f"(rij {c.row})",
        received=received, serious=c.is_serious, anonymised=c.is_anonymised,
        category=_clean(c.category), cause=_clean(c.cause), course=_clean(c.course),
        client_type=_clean(c.client_type), channel=_clean(c.channel),
        reaction=_reaction(c, terms, today, impossible or bool(bad & {"reaction_date", "handled_date"})),
        handling_original=_handling(handled, original_deadline, today, handling_bad),
        handling=_handling(handled, deadline, today, handling_bad),
        extended=not handling_bad and deadline != original_deadline,
        handled=handled,
        lead_days=(handled - received).days if handled and not impossible else None,
        feedback=bool(c.feedback_date) if feedback_ok else None,
        satisfaction_due=bool(handled and satisfaction_end and (measured or satisfaction_end < today)),
        measured=measured, score=c.satisfaction_score,
        escalated=bool(party or c.submitted_date), third_party=party,
        submitted=c.submitted_date, ruling=ruling,
        improvement=_clean(c.improvement), improvement_done=c.improvement_done,
    )


def _reaction(c: Complaint, terms: Terms, today: dt.date, bad: bool) -> Outcome:
    if bad:
        return "unknown"
    late = deadlines.reaction_was_late(c, terms)
    if late is None:  # open, no reaction yet: late once the term has passed
        deadline = deadlines.reaction_deadline(c, terms)
        return "late" if deadline and deadline < today else "pending"
    return "late" if late else "on_time"


def _handling(handled: dt.date | None, deadline: dt.date | None, today: dt.date, bad: bool) -> Outcome:
    if bad or deadline is None:
        return "unknown"
    if handled is None:
        return "late" if deadline < today else "pending"
    return "late" if handled > deadline else "on_time"

def _clean(value: str | None) -> str | None:
    return " ".join((value or "").split()) or None
