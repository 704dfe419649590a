"""The procedure's deadlines as pure functions: what `formkit controle` finds, and why.

Read next to klachtenprocedure.txt ("Ad 3. Oplossen", "Ad 6. Leren", the closing retention line)
and SPEC.md "Rules from the procedure". Nothing here reads files or prints; every number comes
from `Terms` (formkit.toml [termijnen]).

Counting days, the same for every rule:
- A term of N days after date D ends on D + N days, and that last day is still on time:
  "reaction within 7 days" of 1 jan ends 8 jan; on 8 jan nothing is late, on 9 jan it is.
- A term of N calendar months ends on the same day N months later, clipped to the month's end
  (31 jan + 1 month = 28 feb, or 29 feb in a leap year; 30 apr + 1 month = 30 may).
- `Finding.days` = peildatum - termijn: positive = days past the term, 0 = the last day,
  negative = days left. Overdue means peildatum > termijn.
- Nearly late: an open complaint with 0 to `nearly_late_days` days left (both ends included).
- Written feedback is due once the complaint is handled: flagged from the day of handling.
- Satisfaction: measured within `satisfaction_days` after handling; flagged from the day after.
- Retention: kept until `retention_years` after handling; from that anniversary on
  (peildatum >= destroy_from) it must be destroyed; 29 feb + 2 years = 28 feb. Warned from
  `retention_warning_days` before that day. Open complaints are never due.

Decisions where the procedure is silent:
- Serious complaints (Ernstig = ja) must be handled within `serious_days`; if the month is
  shorter, the month holds (haste never gives more time).
- An extension counts only when both Verlengd tot and Datum verlengingsbericht are filled in and
  the notice went out on or before the deadline that applied (for a serious complaint: its short
  term). It replaces that deadline with Verlengd tot (never earlier than the original deadline).
  A late, undated or dateless extension does not count; the toelichting says so.
- A late first reaction is only reported while the complaint is open; once handled it is a fact
  for analysis (`reaction_was_late`), not something to act on.
- A rule is skipped when one of its date cells is unreadable: the gegevens-onjuist finding for
  that cell says what to fix, and guessing would give false alarms.
- Unknown Behandelaar is only checked when formkit.toml names handlers; an empty Behandelaar is
  flagged for open complaints only. An empty Ernstig counts as nee.
- Satisfaction counts as measured when Tevredenheid or Datum tevredenheidsmeting is filled in.
- Third party: Derde partij "nee", "n.v.t.", "geen" or "-" counts as empty.
- Duplicate numbers: those passed in and those seen in `complaints` (anonymised rows included).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Mapping, Sequence

from formkit.check.dataquality import data_problems, odd_number_text
from formkit.check.findings import Finding, sort_findings
from formkit.dates import add_months, add_years, dutch_short
from formkit.register.model import Complaint
from formkit.settings import Settings, Terms
from formkit.words import count

NO_THIRD_PARTY = frozenset({"", "nee", "n.v.t.", "nvt", "geen", "-"})


# --- the terms -------------------------------------------------------------------------------

def reaction_deadline(c: Complaint, terms: Terms) -> dt.date | None:
    """Last day for the first reaction ("binnen een week")."""
    return c.received + dt.timedelta(days=terms.reaction_days) if c.received else None


def reaction_was_late(c: Complaint, terms: Terms) -> bool | None:
    """Whether the first reaction came after its term; a handling within the term counts as one.

    None while it cannot be known yet: no Datum ontvangst, or open and no reaction recorded.
    """
    deadline = reaction_deadline(c, terms)
    if deadline is None:
        return None
    done = [d for d in (c.reaction_date, c.handled_date) if d]
    return min(done) > deadline if done else None


def _original_handling_deadline(c: Complaint, terms: Terms) -> dt.date | None:
    if c.received is None:
        return None
    month = add_months(c.received, terms.handling_months)
    if c.is_serious:
        return min(month, c.received + dt.timedelta(days=terms.serious_days))
    return month


def _extension_counts(c: Complaint, original: dt.date) -> bool:
    notice = c.extension_notice_date
    return bool(c.extended_until and notice and notice <= original)


def handling_deadline(c: Complaint, terms: Terms) -> dt.date | None:
    """Last day to handle: a month (serious: `serious_days`), or Verlengd tot when told in time."""
    original = _original_handling_deadline(c, terms)
    return None if original is None else _extended(c, original)


def _extended(c: Complaint, original: dt.date) -> dt.date:
    if _extension_counts(c, original):
        assert c.extended_until is not None
        return max(original, c.extended_until)
    return original


def handling_was_late(c: Complaint, terms: Terms) -> bool | None:
    """Whether a handled complaint was handled after its deadline (None when open or undated)."""
    deadline = handling_deadline(c, terms)
    if deadline is None or c.handled_date is None:
        return None
    return c.handled_date > deadline


def satisfaction_deadline(c: Complaint, terms: Terms) -> dt.date | None:
    """Last day to measure satisfaction after handling."""
    return c.handled_date + dt.timedelta(days=terms.satisfaction_days) if c.handled_date else None


def destroy_from(c: Complaint, terms: Terms) -> dt.date | None:
    """First day the complaint must be destroyed ("tot twee jaar na afhandeling bewaard")."""
    return add_years(c.handled_date, terms.retention_years) if c.handled_date else None


def _handling_explanation(c: Complaint, terms: Terms, original: dt.date) -> str:
    """How the handling deadline came about, in Dutch, including why an extension did not count."""
    received = f"Ontvangen op {dutch_short(c.received)}"
    if c.is_serious:
        haste = count(terms.serious_days, "dag", "dagen")
        text = (f"Ernstige klacht: met spoed afhandelen, binnen {haste}. "
                f"{received}; uiterlijk {dutch_short(original)}.")
    else:
        text = (f"{received}; afhandeling binnen {count(terms.handling_months, 'maand', 'maanden')}, "
                f"uiterlijk {dutch_short(original)}.")
    notice, until = c.extension_notice_date, c.extended_until
    if _extension_counts(c, original) and until and until > original:
        text += (f" Verlengd tot {dutch_short(until)} "
                 f"(verlengingsbericht verstuurd op {dutch_short(notice)}).")
    elif _extension_counts(c, original):
        text += f" Verlengd tot {dutch_short(until)} ligt niet na die termijn; de termijn blijft."
    elif until and notice:
        text += (f" Het verlengingsbericht van {dutch_short(notice)} is na de termijn van "
                 f"{dutch_short(original)} verstuurd; de verlenging tot {dutch_short(until)} telt niet.")
    elif until:
        text += (f" Verlengd tot {dutch_short(until)} telt niet: Datum verlengingsbericht is leeg.")
    elif notice:
        text += " Er is een verlengingsbericht verstuurd, maar Verlengd tot is leeg."
    return text


# --- the check -------------------------------------------------------------------------------

Hit = tuple[str, dt.date | None, str]  # kind, termijn, toelichting of one finding-to-be


def check(
    complaints: Sequence[Complaint],
    peildatum: dt.date,
    settings: Settings,
    duplicates: Mapping[str, Sequence[int]] | None = None,
    odd_rows: Sequence[tuple[int, str]] = (),
) -> list[Finding]:
    """Every finding for the register on `peildatum`, sorted as `controle` shows them.

    Rows that share a Klachtnummer (those passed in, and those seen here) are checked with those rows.
    `odd_rows` (row, text) hold something else than a Klachtnummer: one data-quality finding each.
    """
    numbers = [c.number_text for c in complaints]
    counts = Counter(numbers)
    rows: dict[str, set[int]] = {k.strip(): set(v) for k, v in (duplicates or {}).items()}
    for c, number in zip(complaints, numbers, strict=True):
        if number and (counts[number] > 1 or number in rows):
            rows.setdefault(number, set()).add(c.row)
    found: list[Finding] = []
    for c, number in zip(complaints, numbers, strict=True):
        shared = rows.get(number, ())
        found += check_complaint(c, peildatum, settings, sorted(shared) if len(shared) > 1 else ())
    found += [Finding("", "gegevens-onjuist", None, None, False, None, odd_number_text(row, text), row)
              for row, text in odd_rows]
    return sort_findings(found)


def check_complaint(
    c: Complaint, peildatum: dt.date, settings: Settings, duplicate_rows: Sequence[int] = ()
) -> list[Finding]:
    """The findings for one row; `duplicate_rows` = all rows sharing its Klachtnummer."""
    if c.is_anonymised:
        return []
    hits: list[Hit] = [("gegevens-onjuist", None, text)
                       for text in data_problems(c, settings, duplicate_rows)]
    bad = c.unreadable_keys()
    terms = settings.terms
    for rule in RULES:
        hits += rule(c, peildatum, terms, bad)
    if not hits:
        return []
    known = settings.handler(c.handler)
    handler = known.name if known else (" ".join((c.handler or "").split()) or None)
    number, serious, row = c.number_text, c.is_serious, c.row
    return [
        Finding(number, kind, deadline, (peildatum - deadline).days if deadline else None, serious, handler, text, row)
        for kind, deadline, text in hits
    ]


# The cells each rule reads: when one is unreadable the rule is skipped (see the module docstring).
_REACTION_CELLS = frozenset({"received", "reaction_date", "handled_date"})
_HANDLING_CELLS = frozenset({"received", "handled_date", "serious", "extended_until", "extension_notice_date"})
_FEEDBACK_CELLS = frozenset({"handled_date", "feedback_date"})
_SATISFACTION_CELLS = frozenset({"handled_date", "satisfaction", "satisfaction_date"})


def _reaction_rule(c: Complaint, peildatum: dt.date, terms: Terms, bad: set[str]) -> list[Hit]:
    """Ad 3: "binnen een week gereageerd", reported while the complaint is open."""
    if not c.is_open or c.reaction_date:
        return []
    deadline = reaction_deadline(c, terms)
    if deadline is None or peildatum <= deadline or bad & _REACTION_CELLS:
        return []
    late = (peildatum - deadline).days
    return [("reactie-te-laat", deadline,
             f"Ontvangen op {dutch_short(c.received)}; reactie binnen "
             f"{count(terms.reaction_days, 'dag', 'dagen')}, uiterlijk {dutch_short(deadline)}. "
             f"Er is nog geen Datum reactie: {count(late, 'dag', 'dagen')} te laat.")]


def _handling_rule(c: Complaint, peildatum: dt.date, terms: Terms, bad: set[str]) -> list[Hit]:
    """Ad 3: handled within a month, serious ones with haste, or by an extension told in time."""
    if not c.is_open:
        return []
    original = _original_handling_deadline(c, terms)
    if original is None or bad & _HANDLING_CELLS:
        return []
    deadline = _extended(c, original)
    days = (peildatum - deadline).days
    if days > 0:
        basis = _handling_explanation(c, terms, original)
        return [("afhandeling-te-laat", deadline,
                 f"Nog niet afgehandeld. {basis} Nu {count(days, 'dag', 'dagen')} te laat.")]
    if -days <= terms.nearly_late_days:
        basis = _handling_explanation(c, terms, original)
        left = "Vandaag is de laatste dag" if days == 0 else f"Nog {count(-days, 'dag', 'dagen')} te gaan"
        hint = ("" if deadline != original else " Lukt dat niet, stuur dan op tijd een verlengingsbericht.")
        return [("afhandeling-bijna-te-laat", deadline,
                 f"Nog niet afgehandeld. {basis} {left}.{hint}")]
    return []


def _feedback_rule(c: Complaint, peildatum: dt.date, terms: Terms, bad: set[str]) -> list[Hit]:
    """Ad 4: written feedback to the client, due from the day of handling."""
    handled = c.handled_date
    if not handled or c.feedback_date or peildatum < handled or bad & _FEEDBACK_CELLS:
        return []
    return [("terugkoppeling-ontbreekt", handled,
             f"Afgehandeld op {dutch_short(handled)}, maar Datum terugkoppeling is leeg: "
             "de schriftelijke terugkoppeling aan de klant ontbreekt.")]


def _satisfaction_rule(c: Complaint, peildatum: dt.date, terms: Terms, bad: set[str]) -> list[Hit]:
    """Ad 6: "Na afhandeling van de klacht zal de tevredenheid ... worden gemeten"."""
    if c.is_open or c.satisfaction_date:
        return []
    due = satisfaction_deadline(c, terms)
    measured = (c.satisfaction or "").strip()
    if (due is None or measured or peildatum <= due
            or bad & _SATISFACTION_CELLS):
        return []
    return [("tevredenheid-ontbreekt", due,
             f"Afgehandeld op {dutch_short(c.handled_date)}; de tevredenheid had binnen "
             f"{count(terms.satisfaction_days, 'dag', 'dagen')} gemeten moeten zijn (uiterlijk "
             f"{dutch_short(due)}), maar Tevredenheid is leeg.")]


def _third_party_rule(c: Complaint, peildatum: dt.date, terms: Terms, bad: set[str]) -> list[Hit]:
    """Ad 3: the independent third party's binding ruling is awaited (pending, not overdue)."""
    if not (c.third_party or c.submitted_date):
        return []
    party = " ".join((c.third_party or "").split())
    party = "" if party.lower() in NO_THIRD_PARTY else party
    ruled = (c.third_party_ruling or "").strip()
    if not (party or c.submitted_date) or ruled or "submitted_date" in bad:
        return []
    since = f" op {dutch_short(c.submitted_date)}" if c.submitted_date else ""
    return [("derde-partij-lopend", c.submitted_date,
             f"Voorgelegd aan {party or 'de onafhankelijke derde partij'}{since}; "
             "de uitspraak is nog niet vastgelegd.")]


def _retention_rule(c: Complaint, peildatum: dt.date, terms: Terms, bad: set[str]) -> list[Hit]:
    """Closing line: "tot twee jaar na afhandeling bewaard"; open complaints are never due."""
    destroy = destroy_from(c, terms)
    if destroy is None or "handled_date" in bad:
        return []
    left = (destroy - peildatum).days
    if left > 0 and left > terms.retention_warning_days:  # neither due nor to be warned about
        return []
    kept = (f"Afgehandeld op {dutch_short(c.handled_date)}; bewaren tot "
            f"{count(terms.retention_years, 'jaar', 'jaar')} na afhandeling.")
    if left <= 0:
        return [("vernietigen", destroy, f"{kept} Vernietigen vanaf {dutch_short(destroy)}.")]
    return [("binnenkort-vernietigen", destroy,
             f"{kept} Vernietigen vanaf {dutch_short(destroy)}, over {count(left, 'dag', 'dagen')}.")]


RULES = (_reaction_rule, _handling_rule, _feedback_rule, _satisfaction_rule, _third_party_rule,
         _retention_rule)
