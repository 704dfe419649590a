"""The decision per file (what `inlezen` would change), made on one read of the register: the
dry run, and what apply_import writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from formkit.dates import dutch_short
from formkit.errors import DestroyedComplaint, DuplicateNumberError
from formkit.intake.keeping import destroyed_files, digest, witnesses
from formkit.intake.outcomes import DOSSIER_NAMES, ImportPlan, Outcome
from formkit.pdf.reading import ImportedForm
from formkit.register.columns import BY_KEY
from formkit.register.model import Complaint
from formkit.register.reading import Register, normalise_number
from formkit.register.storage import RegisterUpdate
from formkit.settings import Settings
from formkit.xlsx.patch import Value

APPENDED_KEYS = frozenset({"remarks"})  # free text: the form's text is added, never replaces
PROTECTED_KEYS = frozenset({"number", "received", "channel"})  # of a complaint in the register: never from a form


def unplanned(path: Path, form: ImportedForm) -> Outcome:
    return Outcome(path, "gelezen", kind=form.kind, form=form, warnings=list(form.warnings))


class Planner:
    """Decides file by file on a copy of the register; later files see what earlier ones would do."""

    def __init__(self, settings: Settings, register: Register, overwrite: bool, today: dt.date) -> None:
        self.settings, self.register, self.overwrite, self.today = settings, register, overwrite, today
        self.update = RegisterUpdate(register)  # never saved: it records what the plan would write
        self.witnesses = witnesses(settings, register)
        self.destroyed_files = destroyed_files(settings)
        self.batch: dict[str, Outcome] = {}  # sha256 -> the file of this batch it was seen in first

    def decide(self, outcome: Outcome) -> None:
        form = outcome.form
        assert form is not None  # only read files are planned
        earlier = self.batch.setdefault(form.sha256, outcome)
        gone = self.destroyed_files.get(form.sha256)
        number, has_copy = self.witnesses.get(form.sha256[:16], (None, False))
        for candidate in (gone, number, form.prefilled_for):
            if candidate and self.register.is_destroyed(candidate):
                return self._refuse_destroyed(outcome, candidate)
        if earlier is not outcome and earlier.status != "fout":
            outcome.status, outcome.number = "al-ingelezen", earlier.number
        elif number:
            outcome.status, outcome.number = "al-ingelezen", number
            if not has_copy:  # the ledger knows it, the dossier has no copy yet: keep it now
                outcome.keep_to = self._copy_path(number, form)
        else:
            self._merge(outcome, form)

    def _refuse_destroyed(self, outcome: Outcome, number: str) -> None:
        try:
            self.register.refuse_destroyed([number], "documenten")
        except DestroyedComplaint as exc:
            outcome.status = "fout"
            outcome.message = f"{outcome.path}: {exc.message} Het formulier is niet ingelezen en niet bewaard."

    def _merge(self, outcome: Outcome, form: ImportedForm) -> None:
        values: dict[str, Value] = dict(form.values)
        typed = form.raw.get("klachtnummer", "")
        values.pop("number", None)
        marker = form.prefilled_for
        if form.kind == "tevredenheid":
            values.pop("name", None)  # identifies the client; the register's name stays authoritative
            values.setdefault("satisfaction_date", self.today)
        if marker is None and form.kind == "tevredenheid":
            outcome.status = "fout"
            outcome.message = (
                f"{outcome.path}: dit tevredenheidsformulier is niet door formkit voor een klacht ingevuld"
                + (f"; het getypte klachtnummer {typed} is niet genoeg om het aan een klacht te koppelen" if typed
                   else " en noemt geen klacht")
                + ". Neem de antwoorden zelf over in het register, of stuur de klant het tevredenheidsformulier "
                  "dat formkit voor de klacht maakt (het zit bij de brief over de tevredenheid).")
            return
        if marker is None:
            return self._new(outcome, form, values, typed)
        try:
            target = self.register.find(marker)
        except DuplicateNumberError as exc:
            outcome.status, outcome.message = "fout", f"{outcome.path}: {exc.message}"
            return
        if target is None:
            outcome.status = "fout"
            outcome.message = (f"{outcome.path}: formkit maakte dit formulier voor klacht {marker}, maar die staat "
                               f"niet in het register {self.register.path.name}. Is dit de juiste werkmap?")
            return
        if typed and normalise_number(typed) != marker:
            outcome.warnings.append(f"op het formulier is klachtnummer {typed} getypt; het formulier is gemaakt "
                                    f"voor {marker} en daar ingelezen")
        self._update(outcome, form, target, values)

    def _new(self, outcome: Outcome, form: ImportedForm, values: dict[str, Value], typed: str) -> None:
        """A new complaint with the next free number of its year."""
        if typed:  # what the client typed is kept, but never decides which complaint this is
            note = f"Klachtnummer ingevuld door de klant: {typed} (niet gebruikt: geen vooraf ingevuld formulier)."
            values["remarks"] = "\n".join(str(v) for v in (values.get("remarks"), note) if v)
            outcome.warnings.append(f"klachtnummer {typed} is door de klant getypt op een leeg formulier en niet "
                                    "gebruikt: het staat in Opmerkingen. Hoort dit formulier bij die klacht, voeg "
                                    "de gegevens dan zelf samen")
        given = values.get("received")
        received = given if isinstance(given, dt.date) else self.today
        if "received" in form.skipped:
            outcome.warnings.append(f"Datum ontvangst is vandaag ({dutch_short(self.today)}), omdat de datum op het "
                                    "formulier niet te lezen was")
        values.update(received=received, channel="klachtenformulier",
                      number=self.register.next_number(received.year))
        complaint = self.update.append(values)
        outcome.status, outcome.number, outcome.writes = "nieuw", complaint.number, values
        order = list(BY_KEY)
        outcome.changes = [(BY_KEY[k].header, None, values[k]) for k in sorted(values, key=order.index)
                           if k != "number" and values[k] not in (None, "")]
        outcome.keep_to = self._copy_path(complaint.number or "", form)

    def _update(self, outcome: Outcome, form: ImportedForm, target: Complaint, values: dict[str, Value]) -> None:
        outcome.number = target.number
        merged: dict[str, Value] = {}
        for key, new in values.items():
            old = getattr(target, key)
            problem = target.problem_for(key)  # a cell staff typed that cannot be read is not empty
            if problem is None and (old in (None, "") or old == new):
                if old != new:
                    merged[key] = new
            elif key in PROTECTED_KEYS:
                continue  # the form's date is when it was signed; the register's is when the complaint came in
            elif key in APPENDED_KEYS and problem is None:
                if str(new) not in str(old):
                    merged[key] = f"{old}\n{new}"
            elif self.overwrite:
                merged[key] = new
            else:
                outcome.conflicts.append((BY_KEY[key].header, problem.raw or problem.text if problem else old, new))
        before = {key: getattr(target, key) for key in merged}
        changed = self.update.set(target, merged)
        outcome.writes = {k: v for k, v in merged.items() if BY_KEY[k].header in changed}
        outcome.changes = [(BY_KEY[k].header, before[k], v) for k, v in outcome.writes.items()]
        outcome.status = "conflict" if outcome.conflicts else "bijgewerkt" if outcome.changes else "ongewijzigd"
        outcome.keep_to = self._copy_path(target.number or "", form, conflict=bool(outcome.conflicts))

    def _copy_path(self, number: str, form: ImportedForm, conflict: bool = False) -> Path:
        """Where the PDF is kept: the hash in its name makes it the witness, except for a conflict,
        which is not done until the conflict is resolved (an overwrite run must still apply it)."""
        tag = " conflict" if conflict else ""
        name = f"{self.today.isoformat()} ingelezen {DOSSIER_NAMES[form.kind]} {form.sha256[:16]}{tag}.pdf"
        return self.settings.dossier(normalise_number(number)) / name


def plan_on(settings: Settings, register: Register, outcomes: Sequence[Outcome], overwrite: bool,
          today: dt.date) -> ImportPlan:
    planner = Planner(settings, register, overwrite, today)
    planned = [unplanned(o.path, o.form) if o.form is not None else o for o in outcomes]  # fresh: plan again
    for outcome in planned:
        if outcome.form is not None:
            planner.decide(outcome)
    return ImportPlan(planned, digest(register.data), overwrite, today)
