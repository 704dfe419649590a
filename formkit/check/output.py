"""What `formkit controle` prints: terminal lines and the --json object (no openpyxl here).

Plain text only (the CLI adds colour); everything a user reads is Dutch. Every output shows the
same findings in the same order: `findings.sort_findings`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import orjson

from formkit.check.findings import Finding, grouped
from formkit.dates import dutch_short


def findings_to_json(findings: Sequence[Finding], peildatum: dt.date) -> dict:
    """The `controle --json` object exactly as SPEC.md fixes it, in the order `check` returns."""
    return {
        "peildatum": peildatum.isoformat(),
        "bevindingen": [
            {
                "klachtnummer": f.number,
                "soort": f.kind,
                "termijn": f.deadline.isoformat() if f.deadline else None,
                "dagen": f.days,
                "ernstig": f.serious,
                "behandelaar": f.handler,
                "toelichting": f.explanation,
            }
            for f in findings
        ],
    }


def findings_json(findings: Sequence[Finding], peildatum: dt.date, pretty: bool = False) -> bytes:
    """The `controle --json` document as UTF-8 (indented when `pretty`, for a person at a terminal)."""
    return orjson.dumps(findings_to_json(findings, peildatum), option=orjson.OPT_INDENT_2 if pretty else 0)


def days_text(f: Finding) -> str:
    """How far past or before the termijn, in words that fit the kind of finding."""
    if f.days is None:
        return ""
    n = abs(f.days)
    amount = f"{n} {'dag' if n == 1 else 'dagen'}"
    if f.kind == "terugkoppeling-ontbreekt":
        return "vandaag afgehandeld" if n == 0 else f"{amount} na afhandeling"
    if f.kind == "derde-partij-lopend":
        return "vandaag voorgelegd" if f.days == 0 else f"{amount} geleden" if f.days > 0 else ""
    if f.kind == "vernietigen":
        return "vanaf vandaag" if n == 0 else f"{amount} over tijd"
    if f.days > 0:
        return f"{amount} te laat"
    return "laatste dag" if n == 0 else f"nog {amount}"


def who(f: Finding) -> str:
    return f.number or f"(rij {f.row})"


def format_findings(findings: Sequence[Finding], peildatum: dt.date) -> list[tuple[str, list[str]]]:
    """Group title -> aligned plain lines: number, handler, termijn, days over/left, what."""
    result: list[tuple[str, list[str]]] = []
    for group, items in grouped(findings):
        mixed = len(group.kinds) > 1
        lines = []
        for f in items:
            if f.kind == "gegevens-onjuist":
                what = f.explanation
            elif f.kind == "derde-partij-lopend":
                what = f.explanation.split(";")[0]
            else:
                what = f.kind.replace("-", " ") if mixed else ""
            extension = _extension_note(f.explanation)
            if extension:
                what = f"{what}; {extension}" if what else extension
            termijn = dutch_short(f.deadline) if f.deadline else "-"
            handler = f.handler or "(geen behandelaar)"
            line = f"{who(f):<12}  {handler:<18}  {termijn:<10}  {days_text(f):<24}  {what}"
            lines.append(line.rstrip())
        result.append((group.title, lines))
    return result


def _extension_note(explanation: str) -> str:
    """The sentence saying why an extension does not count (or that it does), if there is one."""
    for sentence in explanation.split(". "):
        if "Verlengd tot" in sentence or "verlenging" in sentence.lower():
            return sentence.strip().rstrip(".") + "."
    return ""


def summary_line(findings: Sequence[Finding]) -> str:
    """One Dutch sentence with the totals, for the end of the terminal output."""
    if not findings:
        return "Geen bevindingen: alle klachten zijn op orde."
    complaints = len({(f.row, f.number) for f in findings})
    parts = [f"{len(items)} {group.label}" for group, items in grouped(findings)]
    total = f"{len(findings)} {'bevinding' if len(findings) == 1 else 'bevindingen'}"
    which = f"{complaints} {'klacht' if complaints == 1 else 'klachten'}"
    return f"{total} bij {which}: " + ", ".join(parts) + "."
