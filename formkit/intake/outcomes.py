"""What `inlezen` did, or would do, with each file, and how it is told."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from formkit.dates import dutch_short
from formkit.errors import FormkitError, Hint
from formkit.pdf.reading import ImportedForm
from formkit.words import count
from formkit.xlsx.patch import Value

DOSSIER_NAMES = {"klacht": "klachtenformulier", "tevredenheid": "tevredenheidsformulier"}


@dataclass
class Outcome:
    """What happened (or would happen) to one file."""

    path: Path
    status: str  # gelezen (read, not yet planned) | nieuw | bijgewerkt | ongewijzigd | al-ingelezen | conflict | fout
    number: str | None = None
    kind: str | None = None
    changes: list[tuple[str, object, object]] = field(default_factory=list)  # header, old, new
    conflicts: list[tuple[str, object, object]] = field(default_factory=list)
    message: str = ""  # for fout: Dutch, names the file
    warnings: list[str] = field(default_factory=list)  # Dutch
    form: ImportedForm | None = None
    writes: dict[str, Value] = field(default_factory=dict)  # column key -> value the register gets
    keep_to: Path | None = None  # where the PDF goes in the dossier (planned)
    kept_as: Path | None = None  # where it is (after apply_import)

    @property
    def needs_attention(self) -> bool:
        return self.status in ("conflict", "fout")


@dataclass
class ImportPlan:
    """Every file's outcome, decided on one version of the register (identified by its SHA-256)."""

    outcomes: list[Outcome]
    register_sha256: str
    overwrite: bool
    today: dt.date
    applied: bool = False  # written by apply_import (else only planned: a dry run)
    notes: list[str] = field(default_factory=list)  # Dutch: what the user should know after the write

    def __iter__(self) -> Iterator[Outcome]:
        return iter(self.outcomes)

    def count(self, status: str) -> int:
        return sum(o.status == status for o in self.outcomes)

    @property
    def needs_attention(self) -> bool:
        return bool(self.notes) or any(o.needs_attention for o in self.outcomes)


class PlanChanged(FormkitError):
    """The register changed after the plan was made: nothing written; `plan` is the plan for it now."""

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__("Het register is gewijzigd nadat de formulieren zijn bekeken; er is niets opgeslagen. "
                         "Bekijk wat de formulieren nu zouden wijzigen en bevestig opnieuw.", Hint.RETRY)
        self.plan = plan


def describe(outcome: Outcome, details: bool = False) -> list[str]:
    """Dutch lines for one file (terminal, demo): what was or would be done; with `details` every field."""
    name = outcome.path.name
    if outcome.status == "fout":
        return [outcome.message]
    title = DOSSIER_NAMES.get(outcome.kind or "", "formulier")
    conflicts = "; ".join(f"{header} (register '{shown(old)}', formulier '{shown(new)}')"
                          for header, old, new in outcome.conflicts)
    head = {
        "gelezen": f"{name}: {title} gelezen",
        "nieuw": f"{name}: {title} -> nieuwe klacht {outcome.number}",
        "bijgewerkt": f"{name}: {title} -> {outcome.number} bijgewerkt: " + ", ".join(c[0] for c in outcome.changes),
        "ongewijzigd": f"{name}: {title} -> {outcome.number}: staat al zo in het register",
        "al-ingelezen": f"{name}: al eerder ingelezen ({outcome.number}); niets gewijzigd",
        "conflict": f"{name}: {title} -> {outcome.number}: conflict, niet overschreven: {conflicts}",
    }[outcome.status]
    if outcome.warnings:
        head += f" (let op: {count(len(outcome.warnings), 'waarschuwing', 'waarschuwingen')})"
    if not details:
        return [head]
    return [head,
            *(f"    {header}: {shown(new)}" for header, _, new in outcome.changes),
            *(f"    conflict {header}: register '{shown(old)}', formulier '{shown(new)}'"
              for header, old, new in outcome.conflicts),
            *(f"    let op: {warning}" for warning in outcome.warnings)]


def shown(value: object) -> str:
    if isinstance(value, dt.date):
        return dutch_short(value)
    text = str(value)
    return text if len(text) <= 60 and "\n" not in text else text.replace("\n", " ")[:57] + "..."
