"""`formkit inlezen`: returned PDF forms into the register, one write for the whole batch.

A value never silently replaces a different non-empty register value: it becomes a conflict,
written only with overwrite. A file whose content was read before changes nothing (its SHA-256
is in `register/ingelezen.csv`). The PDF is kept in the complaint's dossier.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from formkit.dates import dutch_short
from formkit.errors import DuplicateNumberError, PdfFormError
from formkit.pdf.reading import ImportedForm
from formkit.pdf.worker import FormReader
from formkit.register.columns import BY_KEY
from formkit.register.logbook import append_csv
from formkit.register.model import Complaint
from formkit.register.storage import RegisterUpdate, update_register
from formkit.settings import Settings
from formkit.xlsx.patch import Value

LEDGER_NAME = "ingelezen.csv"
LEDGER_HEADER = ["tijd", "sha256", "formulier", "klachtnummer"]
APPENDED_KEYS = frozenset({"remarks"})  # free text: the form's text is added, never replaces
DOSSIER_NAMES = {"klacht": "klachtenformulier", "tevredenheid": "tevredenheidsformulier"}


@dataclass
class Outcome:
    """What happened (or would happen) to one file."""

    path: Path
    status: str  # nieuw | bijgewerkt | ongewijzigd | al-ingelezen | conflict | fout
    number: str | None = None
    kind: str | None = None
    changes: list[tuple[str, object, object]] = field(default_factory=list)  # header, old, new
    conflicts: list[tuple[str, object, object]] = field(default_factory=list)
    message: str = ""
    warnings: list[str] = field(default_factory=list)
    kept_as: Path | None = None
    form: ImportedForm | None = None

    @property
    def needs_attention(self) -> bool:
        return self.status in ("conflict", "fout")


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


def read_ledger(settings: Settings) -> set[str]:
    ledger = settings.register.parent / LEDGER_NAME
    if not ledger.exists():
        return set()
    lines = ledger.read_text(encoding="utf-8-sig").splitlines()[1:]
    return {line.split(";")[1] for line in lines if line.count(";") >= 3}


def import_forms(
    settings: Settings,
    paths: Iterable[Path],
    *,
    dry_run: bool = False,
    overwrite: bool = False,
    today: dt.date | None = None,
    progress: Callable[[Sequence[Path]], Iterable[Path]] = lambda files: files,
) -> list[Outcome]:
    """Read every PDF, then apply all of them to the register in one write."""
    today = today or dt.date.today()
    files = collect_pdfs(paths)
    outcomes: list[Outcome] = []
    with FormReader() as reader:  # worker processes: a hostile PDF cannot hang or exhaust the batch
        results = reader.read(files)
        for _ in progress(files):
            path, result = next(results)
            if isinstance(result, PdfFormError):
                outcomes.append(Outcome(path, "fout", message=result.message))
            else:
                outcomes.append(Outcome(path, "ongewijzigd", kind=result.kind, form=result,
                                        warnings=list(result.warnings)))
    readable = [o for o in outcomes if o.form is not None]
    if not readable:
        return outcomes
    with update_register(settings, "inlezen", dry_run=dry_run) as update:
        done = read_ledger(settings)  # under the lock: a run at the same time cannot import a file twice
        batch: set[str] = set()
        for outcome in readable:
            assert outcome.form is not None
            digest = outcome.form.sha256
            if digest in done or digest in batch:
                outcome.status = "al-ingelezen"
            batch.add(digest)
        todo = [o for o in readable if o.status != "al-ingelezen"]
        for outcome in todo:
            _apply(update, outcome, overwrite, today)
        # dossier copies and the ledger only once the register holds the values
        update.after_write(lambda: _keep_files(settings, todo, today))
    return outcomes


def _apply(update: RegisterUpdate, outcome: Outcome, overwrite: bool, today: dt.date) -> None:
    form = outcome.form
    assert form is not None  # only readable files are applied
    values: dict[str, Value] = dict(form.values)
    register = update.register
    target: Complaint | None = None
    typed = values.pop("number", None)
    number = typed if isinstance(typed, str) else None
    try:
        found = register.find(number) if number else None
    except DuplicateNumberError as exc:
        outcome.status, outcome.message = "fout", f"{outcome.path}: {exc.message}"
        return
    if form.kind == "tevredenheid":
        values.pop("name", None)  # identifies the client; the register's name stays authoritative
        target = found
        if target is None:
            outcome.status = "fout"
            outcome.message = (
                f"{outcome.path}: tevredenheidsformulier voor klachtnummer {number or '(leeg)'}, "
                "maar dat nummer staat niet in het register."
            )
            return
        values.setdefault("satisfaction_date", today)
    elif number:
        target = found
        if target is None:
            outcome.warnings.append(f"klachtnummer {number} op het formulier staat niet in het register; "
                                    "het wordt een nieuwe klacht")
    if target is None:  # a new complaint with the next free number of its year
        given = values.get("received")
        received = given if isinstance(given, dt.date) else today
        values["received"] = received
        values["channel"] = "klachtenformulier"
        values["number"] = register.next_number(received.year)
        complaint = update.append(values)
        outcome.status, outcome.number = "nieuw", complaint.number
        order = list(BY_KEY)
        outcome.changes = [(BY_KEY[k].header, None, values[k]) for k in sorted(values, key=order.index)
                           if k != "number" and values[k] not in (None, "")]
        return
    outcome.number = target.number
    merged: dict[str, Value] = {}
    for key, new in values.items():
        old = getattr(target, key)
        if old in (None, "") or old == new:
            if old != new:
                merged[key] = new
        elif key in APPENDED_KEYS:
            if str(new) not in str(old):
                merged[key] = f"{old}\n{new}"
        elif overwrite:
            merged[key] = new
        else:
            outcome.conflicts.append((BY_KEY[key].header, old, new))
    before = {key: getattr(target, key) for key in merged}
    changed = update.set(target, merged)
    outcome.changes = [(BY_KEY[k].header, before[k], merged[k]) for k in merged if BY_KEY[k].header in changed]
    if outcome.conflicts:
        outcome.status = "conflict"
    elif outcome.changes:
        outcome.status = "bijgewerkt"


def _keep_files(settings: Settings, outcomes: list[Outcome], today: dt.date) -> None:
    """Copy each applied PDF into its dossier and remember its hash (not for conflicts: retry)."""
    rows = []
    for outcome in outcomes:
        if outcome.status == "fout" or outcome.number is None or outcome.form is None or outcome.kind is None:
            continue
        folder = settings.dossier(outcome.number)
        folder.mkdir(parents=True, exist_ok=True)
        stem = f"{today.isoformat()} ingelezen {DOSSIER_NAMES[outcome.kind]}"
        outcome.kept_as = _copy_once(outcome.path, folder, stem, outcome.form.sha256)
        if outcome.status != "conflict":
            stamp = dt.datetime.now().isoformat(timespec="seconds")
            rows.append([stamp, outcome.form.sha256, outcome.kind, outcome.number])
    if rows:
        append_csv(settings.register.parent / LEDGER_NAME, LEDGER_HEADER, rows)


def _copy_once(source: Path, folder: Path, stem: str, digest: str) -> Path:
    """Copy into the dossier; the same content is kept once, another file gets ' (2)' etc."""
    for n in range(1, 1000):
        target = folder / (f"{stem}.pdf" if n == 1 else f"{stem} ({n}).pdf")
        if not target.exists():
            shutil.copyfile(source, target)
            return target
        if hashlib.sha256(target.read_bytes()).hexdigest() == digest:
            return target
    raise OSError(f"te veel bestanden met de naam {stem} in {folder}")


def describe(outcome: Outcome) -> list[str]:
    """Dutch lines for the terminal: what was (or would be) added or changed, field by field."""
    name = outcome.path.name
    if outcome.status == "fout":
        return [outcome.message]
    if outcome.status == "al-ingelezen":
        return [f"{name}: al eerder ingelezen; niets gewijzigd."]
    title = DOSSIER_NAMES.get(outcome.kind or "", "formulier")
    head = {
        "nieuw": f"{name}: {title} -> nieuwe klacht {outcome.number}",
        "bijgewerkt": f"{name}: {title} -> {outcome.number} bijgewerkt",
        "ongewijzigd": f"{name}: {title} -> {outcome.number}: staat al zo in het register",
        "conflict": f"{name}: {title} -> {outcome.number}: conflict, niet overschreven",
    }[outcome.status]
    lines = [head]
    lines += [f"    {header}: {_show(new)}" for header, _, new in outcome.changes]
    lines += [f"    conflict {header}: register '{_show(old)}', formulier '{_show(new)}'"
              for header, old, new in outcome.conflicts]
    lines += [f"    let op: {w}" for w in outcome.warnings]
    return lines


def _show(value: object) -> str:
    if isinstance(value, dt.date):
        return dutch_short(value)
    text = str(value)
    return text if len(text) <= 60 and "\n" not in text else text.replace("\n", " ")[:57] + "..."
