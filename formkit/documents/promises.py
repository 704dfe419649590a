"""A letter never promises a date that has passed (SPEC.md, "Promises about data").

The acknowledgement tells the client of an open complaint when it will be handled: the
procedure's term, or the later date an extension notice already named (even a late one: that is
what the client was told). The extension notice names the date the client may expect. When that
date lies before the letter's date (for the extension notice: not after it), the letter is not made
with it; the user gives the date the client may now expect, which must lie after the letter's
date. The letter names that date and it is recorded as an extension (Verlengd tot, Datum
verlengingsbericht = the letter's date). `formkit controle` keeps reporting the missed term,
because the notice came after it (formkit.check.deadlines: a late extension does not count).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

from formkit.check.deadlines import handling_deadline
from formkit.dates import dutch
from formkit.documents import unreadable_cell
from formkit.errors import Hint, InputError
from formkit.register.model import Complaint
from formkit.register.reading import normalise_number
from formkit.settings import Terms
from formkit.words import and_list

Expected = dt.date | Mapping[str, dt.date] | None  # one date for every letter, or one per Klachtnummer


class ExpectedDateNeeded(InputError):
    """Letters that would promise a passed date (or none): the date the client may now expect is needed.

    `reasons` maps each Klachtnummer to why (Dutch); a front end asks for a date per number and
    calls again with them (`expected={number: date}`).
    """

    def __init__(self, reasons: Mapping[str, str], letter_date: dt.date, kind: str = "") -> None:
        self.reasons = dict(reasons)
        self.letter_date = letter_date
        # an extension notice always names the new date; other letters need one instead of a passed date
        self.rule = ("Een verlengingsbrief noemt de datum waarop de klacht nu wordt afgehandeld."
                     if kind == "verlenging" else "Een brief belooft de klant geen datum die al voorbij is.")
        listed = and_list([f"{number} ({why})" for number, why in self.reasons.items()])
        super().__init__(f"Geef de verwachte datum van afhandeling op voor {listed}. {self.rule} Er is niets "
                         "gemaakt.", Hint.EXPECTED_DATE)


def check_expected(expected: dt.date, letter_date: dt.date) -> None:
    """The date the client may expect must lie after the letter's date."""
    if expected <= letter_date:
        raise InputError(f"De verwachte datum {dutch(expected)} ligt niet na de datum van de brief "
                         f"({dutch(letter_date)}); een brief belooft de klant geen datum die al voorbij is. "
                         "Kies een latere datum.", Hint.EXPECTED_DATE)


def original_deadline(c: Complaint, terms: Terms) -> dt.date | None:
    """The handling term without any extension."""
    return handling_deadline(dataclasses.replace(c, extended_until=None, extension_notice_date=None), terms)


def told_date(c: Complaint, terms: Terms) -> dt.date | None:
    """The later handling date an extension notice gave the client, also when the notice came late."""
    original = original_deadline(c, terms)
    if c.extended_until is None or c.extension_notice_date is None or original is None:
        return None
    return c.extended_until if c.extended_until > original else None


def promised_date(c: Complaint, terms: Terms) -> dt.date | None:
    """The handling date an acknowledgement tells the client (as the register stands)."""
    return told_date(c, terms) or handling_deadline(c, terms)


def resolve_expected(kind: str, complaints: Iterable[Complaint], expected: Expected, letter_date: dt.date,
                     terms: Terms) -> dict[str, dt.date]:
    """The date each letter names instead of a passed one (by normalised Klachtnummer).

    Refuses with ExpectedDateNeeded, naming every complaint at once, when one is needed and not given.
    """
    per_number = isinstance(expected, Mapping)
    given = {normalise_number(n): d for n, d in expected.items()} if isinstance(expected, Mapping) else {}
    for given_day in (given.values() if per_number else [expected] if isinstance(expected, dt.date) else []):
        check_expected(given_day, letter_date)
    dates: dict[str, dt.date] = {}
    needed: dict[str, str] = {}
    for c in complaints:
        number = normalise_number(c.number_text)
        day = given.get(number) if per_number else expected if isinstance(expected, dt.date) else None
        why = _why_needed(kind, c, letter_date, terms)
        if kind == "verlenging" and day is not None:
            dates[number] = day  # the notice names the date given, whatever Verlengd tot held
        elif why and day is not None:
            dates[number] = day
        elif why:
            needed[number] = why
    if needed:
        raise ExpectedDateNeeded(needed, letter_date, kind)
    return dates


def _why_needed(kind: str, c: Complaint, letter_date: dt.date, terms: Terms) -> str:
    """Why this letter cannot name the date it would name (Dutch), or "" when it can."""
    if kind == "verlenging":
        problem = c.problem_for("extended_until")
        if problem is not None:
            return unreadable_cell(problem)
        if c.extended_until is None:
            return "Verlengd tot is leeg"
        if c.extended_until <= letter_date:
            return f"Verlengd tot ({dutch(c.extended_until)}) ligt niet na {dutch(letter_date)}"
        return ""
    if kind == "ontvangst" and c.is_open:
        promised = promised_date(c, terms)
        if promised is not None and promised < letter_date:
            return f"de afhandeltermijn was {dutch(promised)}"
    return ""
