"""What is checked before a document is made: the procedure's timing, unreadable cells, a postal address."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from formkit.check.deadlines import handling_deadline
from formkit.dates import dutch_short
from formkit.documents import LETTER_KINDS
from formkit.documents.context import cells_named
from formkit.documents.promises import promised_date
from formkit.errors import InputError
from formkit.register.columns import BY_KEY
from formkit.register.model import Complaint, Problem
from formkit.settings import Terms

NEEDS = {"terugkoppeling": frozenset({"handled_date"})}  # cells a letter rests on beyond its template's names
ORDER = list(BY_KEY)  # problems are named in the register's column order


def precheck(kind: str, c: Complaint, letter_date: dt.date, expected: dt.date | None, terms: Terms) -> list[str]:
    """What the procedure says about sending this letter now: errors raise, notes are returned."""
    if kind == "terugkoppeling" and c.handled_date is None:
        raise InputError(f"Klacht {c.number} is nog niet afgehandeld (Datum afhandeling is leeg); de schriftelijke "
                         "terugkoppeling volgt na afhandeling. Vul eerst Oorzaak, Oplossing en Datum afhandeling in.")
    notes = []
    deadline = handling_deadline(c, terms)
    if kind == "verlenging":
        if deadline and letter_date > deadline:
            notes.append(f"{c.number}: de afhandeltermijn was al verstreken op {dutch_short(deadline)}; een "
                         "verlenging die daarna wordt gemeld, telt voor de controle niet mee.")
        if deadline and expected and expected <= deadline:
            notes.append(f"{c.number}: de verwachte datum {dutch_short(expected)} ligt niet na de termijn "
                         f"{dutch_short(deadline)}; een verlenging is dan niet nodig.")
    elif expected and (promised := promised_date(c, terms)):
        notes.append(f"{c.number}: de afhandeltermijn ({dutch_short(promised)}) is voorbij; de brief noemt "
                     f"{dutch_short(expected)} en die datum wordt vastgelegd als verlenging. De controle blijft de "
                     "termijn als gemist melden, omdat het bericht na de termijn kwam.")
    return notes


def attention(kind: str, c: Complaint) -> list[str]:
    """What makes a letter that can be made still need the user's attention (Dutch)."""
    if kind not in LETTER_KINDS or (c.address and (c.postcode or c.city)):
        return []
    return [f"{c.number_text}: het register heeft geen volledig postadres (Adres, Postcode, Woonplaats); de brief "
            "heeft zo alleen de naam als adres en kan niet per post. Vul het adres aan en maak de brief opnieuw, "
            "of stuur hem per e-mail."]


def unreadable(kind: str, c: Complaint, used: Iterable[str], expected: dt.date | None) -> list[Problem]:
    """The unreadable cells a document's text would rest on: the names its template uses, and more."""
    if not c.problems:
        return []
    needs = cells_named(used, expected) | NEEDS.get(kind, frozenset())
    return [p for key in sorted(needs, key=ORDER.index) if (p := c.problem_for(key)) is not None]
