"""`formkit inlezen`: returned PDF forms into the register, in three steps that the command line
and the web page share, so that what a dry run shows is what a real run writes:

- read_forms: every PDF read in a worker process (no register access);
- plan_import: one read of the register decides per file what would change (the dry run);
- apply_import: under the register lock, exactly that plan in one register write, or PlanChanged
  (carrying the new plan) when the register is no longer the one the plan was made on.

A form changes a complaint only when formkit prefilled it for that complaint (its marker, see
pdf/fields.py); a number a client typed on a blank form gives a new complaint, the typed number in
Opmerkingen. Klachtnummer, Datum ontvangst and Wijze van indienen of a complaint in the register
never come from a form. A value never silently replaces a different non-empty register value: it
is a conflict, written only with overwrite. A form for a destroyed complaint is refused, not kept.

Whether a file was imported before must not depend on a bookkeeping file being writable: its copy
in the dossier carries the first 16 hex digits of its SHA-256 in its name and counts while its
complaint is in the register; `register/ingelezen.csv` (the ledger) is the second witness, for a
copy that could not be put in place and for copies kept before names carried the hash.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from formkit.dates import dutch_short
from formkit.errors import DestroyedComplaint, DuplicateNumberError, FileHeld, FormkitError, Hint, PdfFormError
from formkit.held import retrying
from formkit.pdf.reading import ImportedForm
from formkit.pdf.worker import FormReader
from formkit.register.columns import BY_KEY
from formkit.register.destroyed import log_path as destruction_log
from formkit.register.logbook import append_csv
from formkit.register.model import Complaint
from formkit.register.reading import Register, normalise_number, read_register
from formkit.register.storage import RegisterUpdate, update_register
from formkit.settings import Settings
from formkit.words import count
from formkit.xlsx.patch import Value

LEDGER_NAME = "ingelezen.csv"
LEDGER_WAITING = ".ingelezen-wacht.csv"  # ledger lines that could not be added yet
LEDGER_HEADER = ["tijd", "sha256", "formulier", "klachtnummer"]
APPENDED_KEYS = frozenset({"remarks"})  # free text: the form's text is added, never replaces
PROTECTED_KEYS = frozenset({"number", "received", "channel"})  # of a complaint in the register: never from a form
DOSSIER_NAMES = {"klacht": "klachtenformulier", "tevredenheid": "tevredenheidsformulier"}
WITNESS = re.compile(r"^\d{4}-\d{2}-\d{2} ingelezen [a-z]+ ([0-9a-f]{16})\.pdf$")
ATTEMPTS = 3  # plans made again when another run changed the register in between (import_forms)
Progress = Callable[[Sequence[Path]], Iterable[Path]]


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


def collect_pdfs(paths: Iterable[Path]) -> list[Path]:
    """Files as given, and every *.pdf below a folder (sorted, each once)."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
        else:
            found.append(path)
    seen: set[Path] = set()
    unique = []
    for path in found:
        key = path.resolve()
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return unique


def read_forms(paths: Iterable[Path], progress: Progress = lambda files: files) -> list[Outcome]:
    """Read every PDF (folders: the PDFs below them) in worker processes; status gelezen or fout.

    `progress` is given the files and yields them as they are done; when it raises (Ctrl-C, a
    cancelled web request) the workers are stopped and the exception propagates.
    """
    files = collect_pdfs(paths)
    outcomes: list[Outcome] = []
    with FormReader() as reader:  # a hostile PDF can neither hang nor exhaust the batch
        results = reader.read(files)
        for _ in progress(files):
            path, result = next(results)
            if isinstance(result, PdfFormError):
                outcomes.append(Outcome(path, "fout", message=result.message))
            else:
                outcomes.append(_unplanned(path, result))
    return outcomes


def plan_import(settings: Settings, outcomes: Sequence[Outcome], *, overwrite: bool = False,
                today: dt.date | None = None) -> ImportPlan:
    """What the read files would change, decided on one read of the register; nothing is written."""
    today = today or dt.date.today()
    if not any(o.form is not None for o in outcomes):  # only unreadable files: the register is not needed
        return ImportPlan([_unplanned(o.path, o.form) if o.form else o for o in outcomes], "", overwrite, today)
    return _plan(settings, read_register(settings.register), outcomes, overwrite, today)


def apply_import(settings: Settings, plan: ImportPlan) -> ImportPlan:
    """Write exactly `plan`: one register write under the lock, then the dossier copies and the ledger.

    Raises PlanChanged when the register bytes differ from those planned on. A dossier that cannot
    take a copy, or a ledger another program holds, stops the import before the register changes.
    """
    if not any(o.writes or o.keep_to for o in plan.outcomes):
        plan.applied = True
        return plan
    staged: list[tuple[Outcome, Path]] = []
    try:
        with update_register(settings, "inlezen", bookkeeping=[_ledger(settings)]) as update:
            if _digest(update.register.data) != plan.register_sha256:
                fresh = read_register(settings.register, update.register.data)
                raise PlanChanged(_plan(settings, fresh, plan.outcomes, plan.overwrite, plan.today))
            for outcome in plan.outcomes:
                if outcome.status == "nieuw":
                    update.append(outcome.writes)
                elif outcome.writes and outcome.number:
                    update.set(update.register.get(outcome.number), outcome.writes)
            staged = _stage(plan.outcomes)
            update.after_write(lambda: _file_away(settings, plan, staged))
        plan.notes += update.notes
    finally:
        for _, temp in staged:  # those not put in place (an error, or the copy was refused)
            temp.unlink(missing_ok=True)
            try:
                temp.parent.rmdir()  # a new complaint's folder made for nothing
            except OSError:
                pass
    plan.applied = True
    return plan


def import_forms(settings: Settings, paths: Iterable[Path], *, dry_run: bool = False, overwrite: bool = False,
                 today: dt.date | None = None, progress: Progress = lambda files: files) -> ImportPlan:
    """`formkit inlezen`: read, plan and (unless dry_run) apply. Iterating the result gives the outcomes."""
    plan = plan_import(settings, read_forms(paths, progress), overwrite=overwrite, today=today)
    if dry_run:
        return plan
    for attempt in range(ATTEMPTS):  # another run wrote in between: nobody saw this plan yet, plan again
        try:
            return apply_import(settings, plan)
        except PlanChanged as changed:
            if attempt == ATTEMPTS - 1:
                raise
            plan = changed.plan
    raise AssertionError("unreachable")  # the loop returns or raises


# -- planning ---------------------------------------------------------------------------------------

def _unplanned(path: Path, form: ImportedForm) -> Outcome:
    return Outcome(path, "gelezen", kind=form.kind, form=form, warnings=list(form.warnings))


class _Planner:
    """Decides file by file on a copy of the register; later files see what earlier ones would do."""

    def __init__(self, settings: Settings, register: Register, overwrite: bool, today: dt.date) -> None:
        self.settings, self.register, self.overwrite, self.today = settings, register, overwrite, today
        self.update = RegisterUpdate(register)  # never saved: it records what the plan would write
        self.witnesses = _witnesses(settings, register)
        self.destroyed_files = _destroyed_files(settings)
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


def _plan(settings: Settings, register: Register, outcomes: Sequence[Outcome], overwrite: bool,
          today: dt.date) -> ImportPlan:
    planner = _Planner(settings, register, overwrite, today)
    planned = [_unplanned(o.path, o.form) if o.form is not None else o for o in outcomes]  # fresh: plan again
    for outcome in planned:
        if outcome.form is not None:
            planner.decide(outcome)
    return ImportPlan(planned, _digest(register.data), overwrite, today)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _witnesses(settings: Settings, register: Register) -> dict[str, tuple[str, bool]]:
    """SHA-256 prefix -> (Klachtnummer, a copy is in its dossier) of every file imported before,
    counted only while its complaint is in the register (a row deleted in Excel frees its forms)."""
    numbers = {normalise_number(c.number) for c in register.complaints if c.number}
    found: dict[str, tuple[str, bool]] = {}
    for digest, number in _ledger_rows(settings):
        if normalise_number(number) in numbers:
            found[digest[:16]] = (normalise_number(number), False)
    if settings.dossiers.is_dir():
        for folder in settings.dossiers.iterdir():
            number = normalise_number(folder.name)
            if number not in numbers or not folder.is_dir():
                continue
            for path in folder.glob("* ingelezen *.pdf"):
                if m := WITNESS.match(path.name):
                    found[m[1]] = (number, True)
    return found


def _destroyed_files(settings: Settings) -> dict[str, str]:
    """SHA-256 -> Klachtnummer of every dossier file that `vernietig` deleted: such a PDF sent
    again belongs to a destroyed complaint, even on a blank form."""
    try:
        text = destruction_log(settings.register).read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return {}
    found = {}
    for row in list(csv.reader(io.StringIO(text), delimiter=";"))[1:]:
        if len(row) >= 7 and row[0].strip():
            found.update(dict.fromkeys(row[6].split(), normalise_number(row[0])))
    return found


# -- after the plan: the dossier copies and the ledger ----------------------------------------------

def _ledger(settings: Settings) -> Path:
    return settings.register.parent / LEDGER_NAME


def _ledger_rows(settings: Settings) -> list[tuple[str, str]]:
    """(sha256, Klachtnummer) of the ledger and of the lines waiting to go into it."""
    rows = []
    for path in (_ledger(settings), settings.register.parent / LEDGER_WAITING):
        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            continue
        rows += [(r[1], r[3]) for r in list(csv.reader(io.StringIO(text), delimiter=";"))[1:] if len(r) >= 4]
    return rows


def _stage(outcomes: Sequence[Outcome]) -> list[tuple[Outcome, Path]]:
    """Each copy written beside its place in the dossier before the register changes: a dossier
    that cannot take it stops the import with nothing changed. Put in place after the write."""
    staged: list[tuple[Outcome, Path]] = []
    try:
        for outcome in outcomes:
            target = outcome.keep_to
            if target is None or outcome.form is None or target.exists():
                continue
            try:
                data = outcome.path.read_bytes()
            except OSError as exc:
                raise FormkitError(f"{outcome.path} is niet meer te lezen ({exc.strerror or exc}); er is niets "
                                   "opgeslagen.", Hint.RETRY) from None
            if _digest(data) != outcome.form.sha256:
                raise FormkitError(f"{outcome.path} is gewijzigd nadat het is gelezen; er is niets opgeslagen.",
                                   Hint.RETRY)
            target.parent.mkdir(parents=True, exist_ok=True)
            temp = target.with_name(f".{target.name}.tmp")
            staged.append((outcome, temp))
            retrying(target, partial(temp.write_bytes, data), done="Het register is niet gewijzigd.")
    except BaseException:
        for _, temp in staged:
            temp.unlink(missing_ok=True)
        raise
    return staged


def _file_away(settings: Settings, plan: ImportPlan, staged: list[tuple[Outcome, Path]]) -> None:
    """After the register write: the ledger first (the witness that needs no dossier), then each
    copy into place. What another program holds waits for the next run, and the user is told."""
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    rows = [[stamp, o.form.sha256, o.form.kind, o.number or ""] for o in plan.outcomes
            if o.form is not None and o.status in ("nieuw", "bijgewerkt", "ongewijzigd")]
    _append_ledger(settings, rows, plan.notes)
    waiting = {id(o) for o, _ in staged}
    for outcome in plan.outcomes:
        target = outcome.keep_to
        if target is not None and id(outcome) not in waiting and target.exists():
            outcome.kept_as = target  # kept by an earlier run
    for outcome, temp in staged:
        target = outcome.keep_to
        assert target is not None  # only outcomes with a place were staged
        try:
            retrying(target, partial(os.replace, temp, target))
            outcome.kept_as = target
        except FileHeld:
            plan.notes.append(f"{target} kon niet in het dossier worden gezet: het bestand is in gebruik door een "
                              "ander programma. Het formulier is wel ingelezen; voer dezelfde opdracht opnieuw uit "
                              "om het alsnog te bewaren.")


def _append_ledger(settings: Settings, rows: list[list[str]], notes: list[str]) -> None:
    ledger, waiting = _ledger(settings), settings.register.parent / LEDGER_WAITING
    try:
        earlier = [r for r in csv.reader(io.StringIO(waiting.read_text(encoding="utf-8-sig")), delimiter=";")][1:]
    except FileNotFoundError:
        earlier = []
    if not rows and not earlier:
        return
    try:
        retrying(ledger, lambda: append_csv(ledger, LEDGER_HEADER, earlier + rows))
        waiting.unlink(missing_ok=True)
    except FileHeld:
        append_csv(waiting, LEDGER_HEADER, rows)
        notes.append(f"{ledger} is in gebruik door een ander programma (Excel?); de regels voor deze formulieren "
                     "worden bij de volgende keer inlezen alsnog toegevoegd.")


# -- for the terminal -------------------------------------------------------------------------------

def describe(outcome: Outcome, details: bool = False) -> list[str]:
    """Dutch lines for one file (terminal, demo): what was or would be done; with `details` every field."""
    name = outcome.path.name
    if outcome.status == "fout":
        return [outcome.message]
    title = DOSSIER_NAMES.get(outcome.kind or "", "formulier")
    conflicts = "; ".join(f"{header} (register '{_value(old)}', formulier '{_value(new)}')"
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
            *(f"    {header}: {_value(new)}" for header, _, new in outcome.changes),
            *(f"    conflict {header}: register '{_value(old)}', formulier '{_value(new)}'"
              for header, old, new in outcome.conflicts),
            *(f"    let op: {warning}" for warning in outcome.warnings)]


def _value(value: object) -> str:
    if isinstance(value, dt.date):
        return dutch_short(value)
    text = str(value)
    return text if len(text) <= 60 and "\n" not in text else text.replace("\n", " ")[:57] + "..."
