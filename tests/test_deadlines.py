"""The procedure's rules, worked out by hand around every boundary, plus properties on dates."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from formkit.settings import Handler, Settings, Terms, load_settings
from formkit.workfolder.create import default_settings_text
from formkit.check.deadlines import (
    check,
    destroy_from,
    handling_deadline,
    handling_was_late,
    reaction_deadline,
    reaction_was_late,
)
from formkit.check.findings import GROUPS, KINDS, Finding, signal_text, sort_findings
from formkit.register.model import Complaint, Problem

SETTINGS = Settings(root=Path("."), handlers=(Handler("Yvonne Lips"), Handler("Arianda Schepens")))
TERMS = Terms()
D = date


def mk(**kw) -> Complaint:
    values = dict(row=2, number="K-2026-001", handler="Yvonne Lips", serious="nee")
    values.update(kw)
    return Complaint(**values)


def findings(c: Complaint, peil: date, settings: Settings = SETTINGS) -> list[Finding]:
    return check([c], peil, settings)


def kinds(c: Complaint, peil: date, settings: Settings = SETTINGS) -> list[str]:
    return [f.kind for f in findings(c, peil, settings)]


def only(c: Complaint, peil: date, kind: str, settings: Settings = SETTINGS) -> Finding:
    found = [f for f in findings(c, peil, settings) if f.kind == kind]
    assert len(found) == 1, findings(c, peil, settings)
    return found[0]


# --- settings from formkit.toml ----------------------------------------------------------------

def test_default_toml_terms_are_the_procedures(tmp_path):
    (tmp_path / "formkit.toml").write_text(default_settings_text(), encoding="utf-8")
    s = load_settings(tmp_path)
    assert s.terms == Terms()
    c = mk(received=D(2026, 1, 1), handler="yvonne  lips")
    assert kinds(c, D(2026, 1, 9), s) == ["reactie-te-laat"]
    assert findings(c, D(2026, 1, 9), s)[0].handler == "Yvonne Lips"  # the name as configured


# --- pure deadline functions -------------------------------------------------------------------

@pytest.mark.parametrize(
    "received, expected",
    [
        (D(2026, 1, 15), D(2026, 2, 15)),
        (D(2026, 1, 30), D(2026, 2, 28)),
        (D(2026, 1, 31), D(2026, 2, 28)),  # no 31 feb: clipped to the month's end
        (D(2024, 1, 31), D(2024, 2, 29)),  # leap year
        (D(2024, 2, 29), D(2024, 3, 29)),
        (D(2026, 3, 31), D(2026, 4, 30)),  # 31 -> 30-day month
        (D(2026, 4, 30), D(2026, 5, 30)),  # 30-day month -> 31-day month keeps the day
        (D(2026, 5, 31), D(2026, 6, 30)),
        (D(2025, 12, 31), D(2026, 1, 31)),  # year boundary
    ],
)
def test_handling_deadline_is_one_calendar_month(received, expected):
    assert handling_deadline(mk(received=received), TERMS) == expected


@pytest.mark.parametrize(
    "received, expected",
    [(D(2026, 1, 1), D(2026, 1, 8)), (D(2025, 12, 28), D(2026, 1, 4)), (D(2024, 2, 25), D(2024, 3, 3))],
)
def test_reaction_deadline_is_seven_days(received, expected):
    assert reaction_deadline(mk(received=received), TERMS) == expected


def test_deadlines_without_received_date_are_none():
    c = mk(received=None)
    assert handling_deadline(c, TERMS) is None
    assert reaction_deadline(c, TERMS) is None
    assert reaction_was_late(c, TERMS) is None


@pytest.mark.parametrize(
    "reaction, handled, late",
    [
        (D(2026, 1, 8), None, False),  # day 7: on time
        (D(2026, 1, 9), None, True),  # day 8: late
        (None, D(2026, 1, 5), False),  # handled within the week counts as the reaction
        (None, D(2026, 1, 20), True),
        (None, None, None),  # still open: not known yet
        (D(2026, 1, 12), D(2026, 1, 6), False),  # the earliest contact counts
    ],
)
def test_reaction_was_late_is_a_fact(reaction, handled, late):
    c = mk(received=D(2026, 1, 1), reaction_date=reaction, handled_date=handled)
    assert reaction_was_late(c, TERMS) is late


@pytest.mark.parametrize(
    "handled, expected",
    [
        (D(2024, 3, 15), D(2026, 3, 15)),
        (D(2024, 2, 29), D(2026, 2, 28)),  # 29 feb -> 28 feb
        (D(2025, 12, 31), D(2027, 12, 31)),
        (None, None),  # open complaints are never due
    ],
)
def test_destroy_from_two_years_after_handling(handled, expected):
    assert destroy_from(mk(received=D(2023, 1, 1), handled_date=handled), TERMS) == expected


def test_destroy_from_29_feb_to_a_leap_year():
    c = mk(received=D(2024, 2, 1), handled_date=D(2024, 2, 29))
    assert destroy_from(c, Terms(retention_years=4)) == D(2028, 2, 29)


# --- the check, day by day at each boundary -----------------------------------------------------

@pytest.mark.parametrize(
    "peil, expected",
    [
        (D(2026, 1, 7), []),
        (D(2026, 1, 8), []),  # day 7 of "within 7 days": still on time
        (D(2026, 1, 9), [("reactie-te-laat", D(2026, 1, 8), 1)]),  # day 8: late
        (D(2026, 1, 15), [("reactie-te-laat", D(2026, 1, 8), 7)]),
    ],
)
def test_reaction_overdue_boundary(peil, expected):
    c = mk(received=D(2026, 1, 1))
    got = [(f.kind, f.deadline, f.days) for f in findings(c, peil) if f.kind == "reactie-te-laat"]
    assert got == expected


def test_reaction_given_or_complaint_handled_gives_no_reaction_finding():
    assert "reactie-te-laat" not in kinds(mk(received=D(2026, 1, 1), reaction_date=D(2026, 1, 20)),
                                          D(2026, 1, 25))
    handled = mk(received=D(2026, 1, 1), handled_date=D(2026, 1, 20), feedback_date=D(2026, 1, 20))
    assert kinds(handled, D(2026, 1, 25)) == []


@pytest.mark.parametrize(
    "peil, kind, days",
    [
        (D(2026, 2, 20), None, None),  # 8 days left: nothing yet
        (D(2026, 2, 21), "afhandeling-bijna-te-laat", -7),  # 7 days left
        (D(2026, 2, 28), "afhandeling-bijna-te-laat", 0),  # last day (31 jan + 1 month)
        (D(2026, 3, 1), "afhandeling-te-laat", 1),
        (D(2026, 3, 31), "afhandeling-te-laat", 31),
    ],
)
def test_handling_boundaries_from_31_january(peil, kind, days):
    c = mk(received=D(2026, 1, 31), reaction_date=D(2026, 2, 2))
    got = [(f.kind, f.days) for f in findings(c, peil) if f.kind.startswith("afhandeling")]
    assert got == ([] if kind is None else [(kind, days)])
    if kind:
        assert only(c, peil, kind).deadline == D(2026, 2, 28)


def test_handling_in_leap_year_from_31_january():
    c = mk(received=D(2024, 1, 31), reaction_date=D(2024, 2, 1))
    assert only(c, D(2024, 2, 29), "afhandeling-bijna-te-laat").days == 0
    assert only(c, D(2024, 3, 1), "afhandeling-te-laat").days == 1


def test_handled_complaint_is_never_overdue():
    c = mk(received=D(2026, 1, 1), reaction_date=D(2026, 1, 2), handled_date=D(2026, 3, 1),
           feedback_date=D(2026, 3, 1), satisfaction="4")
    assert kinds(c, D(2026, 3, 2)) == []
    assert handling_was_late(c, TERMS) is True


@pytest.mark.parametrize(
    "peil, kind, days",
    [
        (D(2026, 1, 1), "afhandeling-bijna-te-laat", -7),  # serious: haste from day one
        (D(2026, 1, 8), "afhandeling-bijna-te-laat", 0),
        (D(2026, 1, 9), "afhandeling-te-laat", 1),  # a month would still be fine, 7 days are not
    ],
)
def test_serious_complaint_seven_days(peil, kind, days):
    c = mk(received=D(2026, 1, 1), reaction_date=D(2026, 1, 1), serious=" Ja ")
    f = only(c, peil, kind)
    assert (f.deadline, f.days, f.serious) == (D(2026, 1, 8), days, True)
    assert "Ernstige klacht" in f.explanation


def test_serious_term_longer_than_a_month_keeps_the_month():
    c = mk(received=D(2026, 1, 1), serious="ja")
    assert handling_deadline(c, Terms(serious_days=45)) == D(2026, 2, 1)
    assert handling_deadline(c, Terms(serious_days=3)) == D(2026, 1, 4)


@pytest.mark.parametrize(
    "notice, until, expected, counts",
    [
        (D(2026, 2, 10), D(2026, 3, 10), D(2026, 3, 10), True),  # sent on the last day: counts
        (D(2026, 1, 20), D(2026, 3, 10), D(2026, 3, 10), True),
        (D(2026, 2, 11), D(2026, 3, 10), D(2026, 2, 10), False),  # one day late: does not count
        (None, D(2026, 3, 10), D(2026, 2, 10), False),  # no notice recorded
        (D(2026, 1, 20), None, D(2026, 2, 10), False),  # no date promised
        (D(2026, 1, 20), D(2026, 2, 1), D(2026, 2, 10), True),  # never shortens the term
    ],
)
def test_extension(notice, until, expected, counts):
    c = mk(received=D(2026, 1, 10), reaction_date=D(2026, 1, 11),
           extension_notice_date=notice, extended_until=until)
    assert handling_deadline(c, TERMS) == expected
    overdue = only(c, expected + timedelta(days=2), "afhandeling-te-laat")
    assert overdue.days == 2
    if notice and until and not counts:
        assert "telt niet" in overdue.explanation
        assert "na de termijn van 10-02-2026" in overdue.explanation


def test_extension_of_serious_complaint_must_be_sent_within_its_short_term():
    base = dict(received=D(2026, 1, 1), serious="ja", extended_until=D(2026, 1, 20))
    assert handling_deadline(mk(**base, extension_notice_date=D(2026, 1, 8)), TERMS) == D(2026, 1, 20)
    assert handling_deadline(mk(**base, extension_notice_date=D(2026, 1, 9)), TERMS) == D(2026, 1, 8)


def test_nearly_late_suggests_an_extension_only_without_one():
    c = mk(received=D(2026, 1, 10), reaction_date=D(2026, 1, 11))
    assert "verlengingsbericht" in only(c, D(2026, 2, 8), "afhandeling-bijna-te-laat").explanation
    extended = dataclasses.replace(c, extension_notice_date=D(2026, 2, 1), extended_until=D(2026, 3, 1))
    text = only(extended, D(2026, 2, 25), "afhandeling-bijna-te-laat").explanation
    assert "Verlengd tot 01-03-2026" in text and "Lukt dat niet" not in text


@pytest.mark.parametrize("peil, flagged", [(D(2026, 3, 9), False), (D(2026, 3, 10), True)])
def test_feedback_due_from_the_day_of_handling(peil, flagged):
    c = mk(received=D(2026, 3, 1), reaction_date=D(2026, 3, 2), handled_date=D(2026, 3, 10))
    assert ("terugkoppeling-ontbreekt" in kinds(c, peil)) is flagged
    if flagged:
        f = only(c, peil, "terugkoppeling-ontbreekt")
        assert (f.deadline, f.days) == (D(2026, 3, 10), 0)


@pytest.mark.parametrize(
    "peil, satisfaction, measured_on, flagged",
    [
        (D(2026, 3, 31), None, None, False),  # day 30 after handling: still in time
        (D(2026, 4, 1), None, None, True),  # day 31
        (D(2026, 4, 1), "4", None, False),
        (D(2026, 4, 1), None, D(2026, 3, 20), False),  # measured, no answer
    ],
)
def test_satisfaction_missing_after_30_days(peil, satisfaction, measured_on, flagged):
    c = mk(received=D(2026, 2, 1), reaction_date=D(2026, 2, 2), handled_date=D(2026, 3, 1),
           feedback_date=D(2026, 3, 1), satisfaction=satisfaction, satisfaction_date=measured_on)
    assert ("tevredenheid-ontbreekt" in kinds(c, peil)) is flagged
    if flagged:
        f = only(c, peil, "tevredenheid-ontbreekt")
        assert (f.deadline, f.days) == (D(2026, 3, 31), 1)


@pytest.mark.parametrize(
    "party, submitted, ruling, pending",
    [
        ("De Geschillencommissie", D(2026, 3, 1), None, True),
        ("", D(2026, 3, 1), None, True),
        ("De Geschillencommissie", None, None, True),
        ("De Geschillencommissie", D(2026, 3, 1), "Klacht ongegrond", False),
        ("nee", None, None, False),
        ("n.v.t.", None, None, False),
    ],
)
def test_third_party_pending(party, submitted, ruling, pending):
    c = mk(received=D(2026, 2, 1), reaction_date=D(2026, 2, 2), handled_date=D(2026, 2, 20),
           feedback_date=D(2026, 2, 20), satisfaction="2", third_party=party,
           submitted_date=submitted, third_party_ruling=ruling)
    assert kinds(c, D(2026, 3, 11)) == (["derde-partij-lopend"] if pending else [])
    if pending and submitted:
        assert only(c, D(2026, 3, 11), "derde-partij-lopend").days == 10


@pytest.mark.parametrize(
    "handled, peil, kind, days",
    [
        (D(2024, 3, 15), D(2026, 1, 13), None, None),  # 61 days before: quiet
        (D(2024, 3, 15), D(2026, 1, 14), "binnenkort-vernietigen", -60),
        (D(2024, 3, 15), D(2026, 3, 14), "binnenkort-vernietigen", -1),  # the last day kept
        (D(2024, 3, 15), D(2026, 3, 15), "vernietigen", 0),  # two years after handling
        (D(2024, 3, 15), D(2026, 4, 1), "vernietigen", 17),
        (D(2024, 2, 29), D(2026, 2, 27), "binnenkort-vernietigen", -1),
        (D(2024, 2, 29), D(2026, 2, 28), "vernietigen", 0),  # 29 feb -> 28 feb
    ],
)
def test_retention(handled, peil, kind, days):
    c = mk(received=handled - timedelta(days=10), reaction_date=handled, handled_date=handled,
           feedback_date=handled, satisfaction="5")
    got = [(f.kind, f.days) for f in findings(c, peil)]
    assert got == ([] if kind is None else [(kind, days)])


def test_open_complaint_is_never_destroyed():
    c = mk(received=D(2020, 1, 1), reaction_date=D(2020, 1, 2))
    assert destroy_from(c, TERMS) is None
    assert kinds(c, D(2040, 1, 1)) == ["afhandeling-te-laat"]


def test_anonymised_rows_give_no_findings():
    c = mk(number=None, received=None, handler="onbekend", serious="?",
           signal="Vernietigd op 01-03-2026", problems=[Problem("Datum afhandeling", "Z7", "geen datum")])
    assert check([c], D(2026, 6, 1), SETTINGS) == []
    assert signal_text([]) == ""


# --- data quality ------------------------------------------------------------------------------

def quality(c: Complaint, settings: Settings = SETTINGS, duplicates=None) -> list[str]:
    return [f.explanation for f in check([c], D(2026, 2, 1), settings, duplicates or {})
            if f.kind == "gegevens-onjuist"]


@pytest.mark.parametrize(
    "changes, expected",
    [
        (dict(received=None), "Datum ontvangst ontbreekt"),
        (dict(handled_date=D(2026, 1, 5)), "Datum afhandeling (05-01-2026) ligt voor Datum ontvangst"),
        (dict(reaction_date=D(2026, 1, 9)), "Datum reactie (09-01-2026) ligt voor Datum ontvangst"),
        (dict(handler="Piet Jansen"), "Behandelaar 'Piet Jansen' staat niet in formkit.toml"),
        (dict(handler=None), "Geen Behandelaar ingevuld"),
        (dict(serious="misschien"), "Ernstig is 'misschien'"),
        (dict(number="  "), "Rij 2: Klachtnummer ontbreekt"),
    ],
)
def test_data_quality_findings(changes, expected):
    c = mk(**{"received": D(2026, 1, 10), "reaction_date": D(2026, 1, 11), **changes})
    texts = quality(c)
    assert len(texts) == 1 and expected in texts[0], texts


@pytest.mark.parametrize("serious", ["", None, "nee", "Nee", "JA"])
def test_empty_or_yes_no_serious_is_fine(serious):
    assert quality(mk(received=D(2026, 1, 10), reaction_date=D(2026, 1, 11), serious=serious)) == []


def test_empty_handler_is_fine_once_handled_and_unknown_handler_needs_configured_handlers():
    handled = mk(received=D(2026, 1, 10), handled_date=D(2026, 1, 12), handler=None)
    assert quality(handled) == []
    assert quality(mk(received=D(2026, 1, 10), handler="Piet"), Settings(root=Path("."))) == []


def test_unreadable_cell_is_reported_and_its_rules_are_skipped():
    c = mk(received=D(2025, 11, 1), reaction_date=D(2025, 11, 2),
           problems=[Problem("Datum afhandeling", "Y7", "'31-02-2026' bestaat niet als datum")])
    found = check([c], D(2026, 2, 1), SETTINGS)
    assert [f.kind for f in found] == ["gegevens-onjuist"]  # not "afhandeling te laat"
    assert found[0].explanation == ("Cel Y7 (Datum afhandeling) is niet te lezen: "
                                    "'31-02-2026' bestaat niet als datum.")


def test_duplicate_numbers_name_the_rows():
    a = mk(row=5, received=D(2026, 1, 10), reaction_date=D(2026, 1, 11))
    b = dataclasses.replace(a, row=9)
    found = [f for f in check([a, b], D(2026, 1, 12), SETTINGS) if f.kind == "gegevens-onjuist"]
    assert [f.row for f in found] == [5, 9]
    assert all("rijen 5 en 9" in f.explanation for f in found)
    # rows the caller knows about (e.g. an anonymised or unread row) are named too
    passed = quality(dataclasses.replace(a, row=5), duplicates={"K-2026-001": [5, 12]})
    assert any("rijen 5 en 12" in t for t in passed)


# --- order and texts ---------------------------------------------------------------------------

def test_groups_most_urgent_first():
    rows = [
        mk(row=2, number="K-1", received=D(2025, 12, 1), reaction_date=D(2025, 12, 2)),  # 31 days late
        mk(row=3, number="K-2", received=D(2026, 1, 20), serious="ja"),  # serious, reaction+handling
        mk(row=4, number="K-3", received=D(2025, 12, 20), reaction_date=D(2025, 12, 21)),  # 12 late
        mk(row=5, number="K-4", received=D(2026, 1, 1)),  # reaction late, handling nearly late
        mk(row=6, number="K-5", received=D(2023, 12, 1), reaction_date=D(2023, 12, 2),
           handled_date=D(2024, 1, 5), feedback_date=D(2024, 1, 5), satisfaction="3"),
        mk(row=7, number=None, received=D(2026, 1, 25), reaction_date=D(2026, 1, 26)),
    ]
    found = check(rows, D(2026, 2, 1), SETTINGS)
    order = [(f.number, f.kind) for f in found]
    assert order == [
        ("K-2", "afhandeling-te-laat"),
        ("K-2", "reactie-te-laat"),
        ("K-1", "afhandeling-te-laat"),
        ("K-3", "afhandeling-te-laat"),
        ("K-4", "reactie-te-laat"),
        ("K-4", "afhandeling-bijna-te-laat"),
        ("K-5", "vernietigen"),
        ("", "gegevens-onjuist"),
    ]
    assert sort_findings(list(reversed(found))) == found


def test_signal_text():
    c = mk(received=D(2026, 1, 20), serious="ja", handler="Onbekend")
    text = signal_text(check([c], D(2026, 2, 1), SETTINGS))
    assert text.startswith("Ernstig, met spoed: Afhandeling 5 dagen te laat (uiterlijk 27-01-2026)")
    assert "Reactie 5 dagen te laat" in text and "Gegevens controleren: Behandelaar 'Onbekend'" in text


# --- properties --------------------------------------------------------------------------------

dates = st.dates(min_value=D(2020, 1, 1), max_value=D(2035, 12, 31))
maybe = st.none() | dates
terms = st.builds(Terms, reaction_days=st.integers(0, 30), handling_months=st.integers(0, 6),
                  serious_days=st.integers(0, 60), nearly_late_days=st.integers(0, 30),
                  satisfaction_days=st.integers(0, 90), retention_years=st.integers(1, 10),
                  retention_warning_days=st.integers(0, 400))
complaints = st.builds(
    mk, received=maybe, reaction_date=maybe, handled_date=maybe, feedback_date=maybe,
    extended_until=maybe, extension_notice_date=maybe, satisfaction_date=maybe, submitted_date=maybe,
    serious=st.sampled_from(["ja", "nee", "", None, "x"]),
    satisfaction=st.sampled_from([None, "", "4"]),
    third_party=st.sampled_from([None, "", "nee", "De Geschillencommissie"]),
    handler=st.sampled_from([None, "Yvonne Lips", "Piet"]),
)
FAST = hsettings(max_examples=150, deadline=None)
OVERDUE = {"reactie-te-laat", "afhandeling-te-laat", "tevredenheid-ontbreekt", "vernietigen",
           "terugkoppeling-ontbreekt"}


@FAST
@given(complaints, terms)
def test_deadlines_never_before_the_date_they_count_from(c, t):
    if c.received:
        assert handling_deadline(c, t) >= c.received
        assert reaction_deadline(c, t) >= c.received
    if c.handled_date:
        assert destroy_from(c, t) > c.handled_date
    else:
        assert destroy_from(c, t) is None


@FAST
@given(dates, dates, st.booleans())
def test_on_time_iff_not_flagged(received, peil, serious):
    c = mk(received=received, serious="ja" if serious else "nee")
    found = {f.kind for f in check([c], peil, SETTINGS)}
    assert ("afhandeling-te-laat" in found) == (peil > handling_deadline(c, TERMS))
    assert ("reactie-te-laat" in found) == (peil > received + timedelta(days=7))
    assert not {"afhandeling-te-laat", "afhandeling-bijna-te-laat"} <= found


@FAST
@given(dates)
def test_month_deadline_is_next_month_same_or_last_day(received):
    deadline = handling_deadline(mk(received=received), TERMS)
    assert (deadline.year * 12 + deadline.month) - (received.year * 12 + received.month) == 1
    assert deadline.day == received.day or (deadline.day < received.day
                                            and (deadline + timedelta(days=1)).day == 1)


@FAST
@given(complaints, dates, st.integers(0, 2000), terms)
def test_overdue_is_monotonic_in_peildatum(c, peil, later, t):
    s = dataclasses.replace(SETTINGS, terms=t)
    before = {f.kind for f in check([c], peil, s)} & OVERDUE
    after = {f.kind for f in check([c], peil + timedelta(days=later), s)} & OVERDUE
    assert before <= after


@FAST
@given(complaints, dates, terms)
def test_findings_are_consistent(c, peil, t):
    s = dataclasses.replace(SETTINGS, terms=t)
    found = check([c], peil, s)
    assert found == sort_findings(found)
    got = {f.kind for f in found}
    assert not {"vernietigen", "binnenkort-vernietigen"} <= got
    for f in found:
        assert f.kind in KINDS
        assert f.days == ((peil - f.deadline).days if f.deadline else None)
        assert sum(g.matches(f) for g in GROUPS) >= 1
        assert f.explanation
    destroy = destroy_from(c, t)
    if destroy and not c.is_anonymised:
        assert ("vernietigen" in got) == (peil >= destroy)
    if c.is_open:
        assert not got & {"vernietigen", "binnenkort-vernietigen", "terugkoppeling-ontbreekt"}





@FAST
@given(dates, dates, dates, dates)
def test_extension_counts_only_when_sent_in_time(received, notice, until, peil):
    c = mk(received=received, extension_notice_date=notice, extended_until=until)
    original = handling_deadline(mk(received=received), TERMS)
    expected = max(original, until) if notice <= original else original
    assert handling_deadline(c, TERMS) == expected
