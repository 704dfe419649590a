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

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from formkit.errors import PdfFormError
from formkit.intake.keeping import LEDGER_NAME, digest, file_away, ledger, stage
from formkit.intake.outcomes import DOSSIER_NAMES, ImportPlan, Outcome, PlanChanged, describe
from formkit.intake.planning import plan_on, unplanned
from formkit.pdf.worker import FormReader
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from formkit.settings import Settings

__all__ = ["DOSSIER_NAMES", "LEDGER_NAME", "ImportPlan", "Outcome", "PlanChanged", "apply_import", "collect_pdfs",
           "describe", "import_forms", "plan_import", "read_forms"]

ATTEMPTS = 3  # plans made again when another run changed the register in between (import_forms)
Progress = Callable[[Sequence[Path]], Iterable[Path]]


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
                outcomes.append(unplanned(path, result))
    return outcomes


def plan_import(settings: Settings, outcomes: Sequence[Outcome], *, overwrite: bool = False,
                today: dt.date | None = None) -> ImportPlan:
    """What the read files would change, decided on one read of the register; nothing is written."""
    today = today or dt.date.today()
    if not any(o.form is not None for o in outcomes):  # only unreadable files: the register is not needed
        return ImportPlan([unplanned(o.path, o.form) if o.form else o for o in outcomes], "", overwrite, today)
    return plan_on(settings, read_register(settings.register), outcomes, overwrite, today)


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
        # The plan's own register is not passed as `read`: planning changed it in memory.
        with update_register(settings, "inlezen", bookkeeping=[ledger(settings)]) as update:
            if digest(update.register.data) != plan.register_sha256:  # planned again on what was just read
                raise PlanChanged(plan_on(settings, update.register, plan.outcomes, plan.overwrite, plan.today))
            for outcome in plan.outcomes:
                if outcome.status == "nieuw":
                    update.append(outcome.writes)
                elif outcome.writes and outcome.number:
                    update.set(update.register.get(outcome.number), outcome.writes)
            staged = stage(plan.outcomes)
            update.after_write(lambda: file_away(settings, plan, staged))
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
