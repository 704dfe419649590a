"""What recurs (procedure step 7): causes with their improvement actions, and patterns.

"Aan de hand van de registratie kunnen bepaalde patronen worden gesignaleerd, waarop door STAP
Brabant gerichte verbeteringen kunnen worden doorgevoerd." Texts typed by staff are grouped
ignoring case, spacing and a final full stop, so "Rooster te laat." and "rooster te laat" are one
cause. Pure: facts in, groups out.

A pattern is a cause behind at least PATTERN_MIN complaints, a course with at least PATTERN_MIN
complaints of one category, or a cause that came back after its improvement was carried through
(improvements carried through before the period count for that too).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from formkit.analysis.facts import Fact
from formkit.dates import dutch
from formkit.register.model import Complaint

PATTERN_MIN = 2
NOT_FILLED, DESTROYED = "niet ingevuld", "vernietigd"


@dataclass(frozen=True)
class Action:
    """One Verbeteractie on one complaint and when (if) it was carried through."""

    number: str
    text: str
    done: dt.date | None


@dataclass(frozen=True)
class CauseActions:
    """A root cause with its complaints and the improvement actions recorded for them."""

    cause: str | None
    missing: str | None
    complaints: int
    numbers: tuple[str, ...]
    actions: tuple[Action, ...]

    @property
    def done(self) -> int:
        return sum(1 for a in self.actions if a.done)


@dataclass(frozen=True)
class Pattern:
    """Something that recurs (step 7): kind is "oorzaak", "na-verbetering" or "opleiding"."""

    kind: str
    subject: str
    numbers: tuple[str, ...]
    status: str  # Dutch: what has been done about it


def group_key(text: str) -> str:
    """How texts are compared: case, spacing and a final full stop ignored."""
    return " ".join(text.split()).rstrip(".").strip().casefold()


def groups(facts: Sequence[Fact], attribute: str) -> list[tuple[str | None, str | None, list[Fact]]]:
    """(label, why missing, facts) per value of one attribute: commonest first, missing last."""
    found: dict[str, list[Fact]] = {}
    spellings: dict[str, Counter[str]] = {}
    missing: dict[str, list[Fact]] = {NOT_FILLED: [], DESTROYED: []}
    for f in facts:
        value = getattr(f, attribute)
        if value is None:
            missing[DESTROYED if f.anonymised else NOT_FILLED].append(f)
            continue
        key = group_key(value)
        found.setdefault(key, []).append(f)
        spellings.setdefault(key, Counter())[value] += 1
    known: list[tuple[str | None, str | None, list[Fact]]] = [
        (display(spellings[k]), None, g) for k, g in found.items()]
    known.sort(key=lambda item: (-len(item[2]), (item[0] or "").casefold()))
    return known + [(None, why, g) for why, g in missing.items() if g]


def display(spellings: Counter[str]) -> str:
    """The commonest spelling (first seen on a tie): a capital first, no full stop at the end."""
    text = spellings.most_common(1)[0][0].rstrip(".").rstrip() or spellings.most_common(1)[0][0]
    return text[:1].upper() + text[1:]


def cause_actions(facts: Sequence[Fact]) -> tuple[CauseActions, ...]:
    """Improvement actions grouped by root cause, in the order of the cause breakdown."""
    return tuple(
        CauseActions(label, why, len(g), tuple(f.number for f in g),
                     tuple(Action(f.number, f.improvement, f.improvement_done) for f in g if f.improvement))
        for label, why, g in groups(facts, "cause"))


def patterns(facts: Sequence[Fact], register: Sequence[Complaint]) -> tuple[Pattern, ...]:
    """Recurring causes and courses, and causes that came back after their improvement."""
    found: list[Pattern] = []
    done_by_cause: dict[str, list[tuple[dt.date, str]]] = {}
    for c in register:  # improvements carried through before the period count too
        if c.cause and c.improvement and c.improvement_done:
            done_by_cause.setdefault(group_key(c.cause), []).append(
                (c.improvement_done, (c.number or "").strip()))
    for group in cause_actions(facts):
        if group.cause is None:
            continue
        done = sorted(done_by_cause.get(group_key(group.cause), []))
        if group.complaints >= PATTERN_MIN:
            found.append(Pattern("oorzaak", group.cause, group.numbers, _cause_status(group, done)))
        if done:
            first_done, source = done[0]
            after = tuple(f.number for f in facts
                          if f.cause and group_key(f.cause) == group_key(group.cause) and f.received > first_done)
            if after:
                found.append(Pattern("na-verbetering", group.cause, after,
                                     f"verbeteractie doorgevoerd op {dutch(first_done)} bij {source}"))
    for label, _, chosen in groups(facts, "course"):
        for category, _, same in groups(chosen, "category") if label is not None else ():
            if category is not None and len(same) >= PATTERN_MIN:
                found.append(Pattern("opleiding", f"{label} ({category.lower()})", tuple(f.number for f in same),
                                     f"{len(same)} klachten over {category.lower()} bij deze opleiding"))
    return tuple(found)


def _cause_status(group: CauseActions, done: list[tuple[dt.date, str]]) -> str:
    if done:
        days = sorted({day for day, _ in done})
        listed = ", ".join(dutch(d) for d in days[:-1]) + (" en " if len(days) > 1 else "") + dutch(days[-1])
        return f"verbeteractie doorgevoerd op {listed}"
    if group.actions:
        return "verbeteractie vastgelegd, nog niet doorgevoerd"
    return "nog geen verbeteractie vastgelegd"
