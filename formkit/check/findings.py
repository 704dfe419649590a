"""What `formkit controle` reports: a finding, the groups it is shown in, its order, short texts.

The rules that make findings are in deadlines.py; every output (terminal, JSON, report,
Signalering column) shows them in the order `sort_findings` gives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from formkit.dates import dutch_short
from formkit.words import count

KINDS: tuple[str, ...] = (
    "reactie-te-laat", "afhandeling-te-laat", "afhandeling-bijna-te-laat", "terugkoppeling-ontbreekt",
    "tevredenheid-ontbreekt", "derde-partij-lopend", "vernietigen", "binnenkort-vernietigen",
    "gegevens-onjuist",
)
URGENT_KINDS = frozenset({"afhandeling-te-laat", "afhandeling-bijna-te-laat", "reactie-te-laat"})


class Finding(NamedTuple):
    """One thing that needs attention for one register row, as `controle` reports it.

    A named tuple: a register with many open complaints gives tens of thousands of these.
    """

    number: str  # Klachtnummer, "" when missing (then the toelichting names the row)
    kind: str  # one of KINDS
    deadline: dt.date | None  # the termijn
    days: int | None  # peildatum - deadline: past (positive) or left (negative)
    serious: bool
    handler: str | None
    explanation: str  # Dutch toelichting
    row: int  # worksheet row


@dataclass(frozen=True)
class Group:
    """A heading in the terminal output and a sheet in the report, in the SPEC's urgency order."""

    title: str  # Dutch heading
    kinds: frozenset[str]
    serious_only: bool  # only findings of serious complaints
    label: str  # lower-case Dutch phrase for the summary line
    sheet: str  # Excel sheet name (<= 31 characters, no : / \ ? * [ ])

    def matches(self, finding: Finding) -> bool:
        return finding.kind in self.kinds and (finding.serious or not self.serious_only)


def _group(title: str, label: str, sheet: str, *kinds: str, serious_only: bool = False) -> Group:
    return Group(title, frozenset(kinds), serious_only, label, sheet)


GROUPS: tuple[Group, ...] = (
    _group("Ernstige klachten: met spoed", "ernstig met spoed", "Ernstig", *URGENT_KINDS,
           serious_only=True),
    _group("Afhandeling te laat", "afhandeling te laat", "Afhandeling te laat", "afhandeling-te-laat"),
    _group("Reactie te laat", "reactie te laat", "Reactie te laat", "reactie-te-laat"),
    _group("Afhandeling bijna te laat", "afhandeling bijna te laat", "Afhandeling bijna te laat",
           "afhandeling-bijna-te-laat"),
    _group("Terugkoppeling of tevredenheid ontbreekt", "terugkoppeling of tevredenheid ontbreekt",
           "Terugkoppeling, tevredenheid", "terugkoppeling-ontbreekt", "tevredenheid-ontbreekt"),
    _group("Lopend bij de onafhankelijke derde partij", "lopend bij derde partij", "Derde partij",
           "derde-partij-lopend"),
    _group("Te vernietigen", "te vernietigen", "Vernietigen", "vernietigen"),
    _group("Binnenkort te vernietigen", "binnenkort te vernietigen", "Binnenkort vernietigen",
           "binnenkort-vernietigen"),
    _group("Gegevens onjuist of onvolledig", "gegevens onjuist", "Gegevens onjuist", "gegevens-onjuist"),
)


def group_index(finding: Finding) -> int:
    """Position of the first group that claims the finding (each finding is in exactly one)."""
    return _GROUP_OF[finding.kind, finding.serious]


_GROUP_OF: dict[tuple[str, bool], int] = {
    (kind, serious): next(i for i, g in enumerate(GROUPS) if kind in g.kinds and (serious or not g.serious_only))
    for kind in KINDS for serious in (False, True)
}


def sort_findings(findings: Sequence[Finding]) -> list[Finding]:
    """Grouped in GROUPS order; within a group the most overdue (or least time left) first."""
    return sorted(
        findings,
        key=lambda f: (_GROUP_OF[f.kind, f.serious], f.days is None, -(f.days or 0), f.row, _RANK[f.kind]),
    )


# On a tie the kind's own group decides: late handling before late reaction before nearly late.
_RANK = {k: i for i, g in enumerate(GROUPS) if not g.serious_only for k in g.kinds}


def grouped(findings: Sequence[Finding]) -> list[tuple[Group, list[Finding]]]:
    """The non-empty groups in order, each with its sorted findings."""
    result: list[tuple[Group, list[Finding]]] = []
    for f in sort_findings(findings):
        group = GROUPS[group_index(f)]
        if not result or result[-1][0] is not group:
            result.append((group, []))
        result[-1][1].append(f)
    return result


def signal_text(findings: Sequence[Finding]) -> str:
    """Short Dutch text for the Signalering column of one complaint; "" when nothing is due."""
    ordered = sort_findings(findings)
    parts = [short_text(f) for f in ordered if f.kind != "gegevens-onjuist"]
    checks = [f.explanation.removeprefix(f"Rij {f.row}: ")
              for f in ordered if f.kind == "gegevens-onjuist"]
    if checks:
        parts.append("Gegevens controleren: " + " ".join(checks))
    text = "; ".join(parts)
    if any(f.serious and f.kind in URGENT_KINDS for f in ordered):
        text = "Ernstig, met spoed: " + text
    return text


SHORT_TEXTS = {  # {late}: "3 dagen", {day}: the termijn as dd-mm-jjjj
    "reactie-te-laat": "Reactie {late} te laat (uiterlijk {day})",
    "afhandeling-te-laat": "Afhandeling {late} te laat (uiterlijk {day})",
    "afhandeling-bijna-te-laat": "Afhandelen uiterlijk {day}",
    "terugkoppeling-ontbreekt": "Schriftelijke terugkoppeling ontbreekt",
    "tevredenheid-ontbreekt": "Tevredenheid nog meten",
    "derde-partij-lopend": "Uitspraak derde partij afwachten",
    "vernietigen": "Vernietigen (sinds {day})",
    "binnenkort-vernietigen": "Vernietigen vanaf {day}",
}


def short_text(f: Finding) -> str:
    """A few Dutch words for one finding (Signalering column, terminal lines)."""
    template = SHORT_TEXTS.get(f.kind)
    if template is None:
        return f.explanation
    return template.format(late=count(f.days or 0, "dag", "dagen"), day=dutch_short(f.deadline))
