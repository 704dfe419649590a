"""Management information from the register (procedure steps 5-7): counts, on-time rates, patterns.

Pure: complaints, terms and a period in, figures out; nothing here reads files or prints. What
"on time" means comes from `formkit.check.deadlines`, so `analyse` and `controle` never disagree.

Decisions where the procedure is silent:
- Every figure is about the complaints *received* in the period (a cohort). The default period is
  the last 12 full calendar months before `today`.
- Destroyed (anonymised) rows count like any other: their dates, Type klant, Categorie, Oorzaak,
  Ernstig, Tevredenheid and Verbeteractie survive `vernietig`. A value they lost (Opleiding,
  Wijze van indienen) shows as "onbekend (vernietigd)", not as "niet ingevuld".
- A row without a readable Datum ontvangst cannot be placed in a period: left out, with a note.
- Outcomes are measured on `today`: an open complaint whose term has passed is late already; one
  still within its term is "pending" and left out of that percentage's n (and counted in a note).
- Handling on time is given twice: against the original term (a month; serious: `serious_days`)
  and against the term with an extension that counts (`deadlines.handling_deadline`).
- Lead time = days from ontvangst to afhandeling; median as usual (mean of the middle two), P90 by
  nearest rank: the smallest lead time that 90% of the complaints do not exceed (a real value).
- Feedback: share of handled complaints with Datum terugkoppeling. Satisfaction measured: share of
  handled complaints whose measuring term has passed (or that were measured); measured means
  Tevredenheid or Datum tevredenheidsmeting filled in, as in `deadlines`.
- A figure skips a complaint whose date cells for it are unreadable or impossible (afhandeling
  or reactie before ontvangst); a note counts them, `formkit controle` names them.
- Texts are grouped ignoring case, spacing and a final full stop; the commonest spelling is shown
  (`formkit.analysis.patterns`, which also finds what recurs: step 7).
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from formkit.analysis.facts import Fact, Outcome, fact
from formkit.analysis.patterns import CauseActions, Pattern, cause_actions, groups, patterns
from formkit.dates import add_months
from formkit.errors import InputError
from formkit.register.model import Complaint
from formkit.register.reading import read_register
from formkit.settings import Settings, Terms

SCORES = (1, 2, 3, 4, 5)
LEAD_BUCKETS = ((0, 7), (8, 14), (15, 21), (22, 31), (32, None))  # days, both ends included

@dataclass(frozen=True)
class Period:
    """A range of days, both ends included."""

    start: dt.date
    end: dt.date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, dt.date) and self.start <= day <= self.end

    def months(self) -> list[dt.date]:
        """The first day of every calendar month the period touches."""
        first, result = self.start.replace(day=1), []
        while first <= self.end:
            result.append(first)
            first = add_months(first, 1)
        return result


def default_period(today: dt.date) -> Period:
    """The last 12 full calendar months before `today`."""
    end = today.replace(day=1) - dt.timedelta(days=1)
    return Period(add_months(end.replace(day=1), -11), end)


def choose_period(start: dt.date | None, end: dt.date | None, today: dt.date) -> Period:
    """Start and end both given as typed; one alone spans 12 months from it; none: the default.

    Raises ValueError when the start lies after the end (analyse_register words it).
    """
    if start is None and end is None:
        return default_period(today)
    if start is None:
        assert end is not None
        start = add_months(end, -12) + dt.timedelta(days=1)
    elif end is None:
        later = add_months(start, 12)  # 29 feb + 12 months = 28 feb: that day still belongs to it
        end = later if later.day != start.day else later - dt.timedelta(days=1)
    if start > end:
        raise ValueError("start after end")
    return Period(start, end)


@dataclass(frozen=True)
class Ratio:
    """`count` of `n`: a percentage that always carries its n; None when n is 0."""

    count: int
    n: int

    @property
    def percent(self) -> float | None:
        return 100 * self.count / self.n if self.n else None

    @property
    def fraction(self) -> float | None:
        """0..1, as Excel's percentage format wants it."""
        return self.count / self.n if self.n else None


@dataclass(frozen=True)
class Tally:
    """One line of a breakdown: a value (None when missing, `missing` says why) and its counts."""

    label: str | None
    count: int
    serious: int
    share: Ratio
    missing: str | None = None  # NOT_FILLED or DESTROYED when label is None
    numbers: tuple[str, ...] = ()


@dataclass(frozen=True)
class LeadTimes:
    n: int
    median: float | None
    p90: int | None
    buckets: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Satisfaction:
    measured: Ratio
    scores: int  # readable scores 1-5
    average: float | None
    distribution: tuple[tuple[int, int], ...]  # (score, count) for 1..5
    unreadable: int  # measured, but Tevredenheid is not a score 1-5


@dataclass(frozen=True)
class Analysis:
    period: Period
    today: dt.date
    terms: Terms
    facts: tuple[Fact, ...]
    months: tuple[tuple[dt.date, int, int], ...]  # (first day, complaints, serious)
    by_category: tuple[Tally, ...]
    by_cause: tuple[Tally, ...]
    by_course: tuple[Tally, ...]
    by_client_type: tuple[Tally, ...]
    by_channel: tuple[Tally, ...]
    reaction: Ratio
    handling_original: Ratio
    handling: Ratio
    lead: LeadTimes
    feedback: Ratio
    satisfaction: Satisfaction
    escalations: tuple[Fact, ...]
    improvements: tuple[CauseActions, ...]
    patterns: tuple[Pattern, ...]
    undated: int  # rows left out: no readable Datum ontvangst
    unknown: int  # complaints skipped by at least one figure: unreadable or impossible dates

    @property
    def total(self) -> int:
        return len(self.facts)

    @property
    def serious(self) -> int:
        return sum(f.serious for f in self.facts)

    @property
    def anonymised(self) -> int:
        return sum(f.anonymised for f in self.facts)

    @property
    def extended(self) -> int:
        return sum(f.extended for f in self.facts)

    def pending(self, attribute: str) -> int:
        """Complaints still within their term for an outcome ("reaction", "handling")."""
        return sum(getattr(f, attribute) == "pending" for f in self.facts)


# --- the analysis ----------------------------------------------------------------------------

def analyse_register(settings: Settings, start: dt.date | None = None, end: dt.date | None = None,
                     today: dt.date | None = None) -> Analysis:
    """`formkit analyse`: the figures of the complaints received in the period (see choose_period)."""
    today = today or dt.date.today()
    try:
        period = choose_period(start, end, today)
    except ValueError:
        assert start is not None and end is not None  # only both together can be out of order
        raise InputError(f"De begindatum {start:%d-%m-%Y} ligt na de einddatum {end:%d-%m-%Y}; "
                         "kies een begindatum vóór de einddatum.") from None
    return analyse(read_register(settings.register).complaints, settings.terms, period, today)


def analyse(complaints: Sequence[Complaint], terms: Terms, period: Period, today: dt.date) -> Analysis:
    """All figures for the complaints received in `period`, as known on `today`."""
    undated = sum(1 for c in complaints if c.received is None)
    chosen = [c for c in complaints if c.received in period]
    facts = tuple(sorted((fact(c, terms, today) for c in chosen), key=lambda f: (f.received, f.number)))
    handled = [f for f in facts if f.feedback is not None]
    leads = sorted(f.lead_days for f in facts if f.lead_days is not None)
    due = [f for f in facts if f.satisfaction_due]
    scores = [f.score for f in facts if f.score is not None]
    return Analysis(
        period=period, today=today, terms=terms, facts=facts,
        months=tuple((m, *_month_counts(facts, m)) for m in period.months()),
        by_category=tally(facts, "category"), by_cause=tally(facts, "cause"),
        by_course=tally(facts, "course"), by_client_type=tally(facts, "client_type"),
        by_channel=tally(facts, "channel"),
        reaction=_ratio(f.reaction for f in facts),
        handling_original=_ratio(f.handling_original for f in facts),
        handling=_ratio(f.handling for f in facts),
        lead=LeadTimes(len(leads), statistics.median(leads) if leads else None, nearest_rank(leads, 90),
                       tuple((_bucket_label(lo, hi), sum(1 for d in leads if lo <= d and (hi is None or d <= hi)))
                             for lo, hi in LEAD_BUCKETS)),
        feedback=Ratio(sum(1 for f in handled if f.feedback), len(handled)),
        satisfaction=Satisfaction(
            measured=Ratio(sum(1 for f in due if f.measured), len(due)), scores=len(scores),
            average=statistics.fmean(scores) if scores else None,
            distribution=tuple((s, scores.count(s)) for s in SCORES),
            unreadable=sum(1 for f in facts if f.measured and f.score is None)),
        escalations=tuple(f for f in facts if f.escalated),
        improvements=cause_actions(facts),
        patterns=patterns(facts, complaints),
        undated=undated,
        unknown=sum(1 for f in facts if "unknown" in (f.reaction, f.handling) or
                    (f.handled and f.lead_days is None)),
    )


def _ratio(outcomes: Iterable[Outcome]) -> Ratio:
    counted = Counter(outcomes)
    return Ratio(counted["on_time"], counted["on_time"] + counted["late"])


def _month_counts(facts: Sequence[Fact], first: dt.date) -> tuple[int, int]:
    chosen = [f for f in facts if (f.received.year, f.received.month) == (first.year, first.month)]
    return len(chosen), sum(f.serious for f in chosen)


def nearest_rank(values: Sequence[int], percentile: int) -> int | None:
    """The smallest value that `percentile`% of the sorted values do not exceed."""
    if not values:
        return None
    return sorted(values)[max(1, math.ceil(percentile * len(values) / 100)) - 1]


def _bucket_label(low: int, high: int | None) -> str:
    return f"{low}–{high} dagen" if high is not None else f"meer dan {low - 1} dagen"


# --- breakdowns ------------------------------------------------------------------------------

def tally(facts: Sequence[Fact], attribute: str) -> tuple[Tally, ...]:
    """Counts per value of one attribute, each with its share of all complaints."""
    return tuple(Tally(label, len(g), sum(f.serious for f in g), Ratio(len(g), len(facts)), why,
                       tuple(f.number for f in g))
                 for label, why, g in groups(facts, attribute))


# --- helpers ---------------------------------------------------------------------------------
