"""The evidence that a file was imported, and where it is kept: the dossier copies (whose names
carry the file's SHA-256) and the ledger `register/ingelezen.csv`."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
from collections.abc import Sequence
from functools import partial
from pathlib import Path

from formkit.errors import FileHeld, FormkitError, Hint
from formkit.held import retrying
from formkit.intake.outcomes import ImportPlan, Outcome
from formkit.register.destroyed import log_path as destruction_log
from formkit.register.logbook import append_csv
from formkit.register.reading import Register, normalise_number
from formkit.settings import Settings

LEDGER_NAME = "ingelezen.csv"
LEDGER_WAITING = ".ingelezen-wacht.csv"  # ledger lines that could not be added yet
LEDGER_HEADER = ["tijd", "sha256", "formulier", "klachtnummer"]
WITNESS = re.compile(r"^\d{4}-\d{2}-\d{2} ingelezen [a-z]+ ([0-9a-f]{16})\.pdf$")


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def witnesses(settings: Settings, register: Register) -> dict[str, tuple[str, bool]]:
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


def destroyed_files(settings: Settings) -> dict[str, str]:
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


def ledger(settings: Settings) -> Path:
    return settings.register.parent / LEDGER_NAME


def _ledger_rows(settings: Settings) -> list[tuple[str, str]]:
    """(sha256, Klachtnummer) of the ledger and of the lines waiting to go into it."""
    rows = []
    for path in (ledger(settings), settings.register.parent / LEDGER_WAITING):
        try:
            text = path.read_text(encoding="utf-8-sig", errors="replace")
        except OSError:
            continue
        rows += [(r[1], r[3]) for r in list(csv.reader(io.StringIO(text), delimiter=";"))[1:] if len(r) >= 4]
    return rows


def stage(outcomes: Sequence[Outcome]) -> list[tuple[Outcome, Path]]:
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
            if digest(data) != outcome.form.sha256:
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


def file_away(settings: Settings, plan: ImportPlan, staged: list[tuple[Outcome, Path]]) -> None:
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
    book, waiting = ledger(settings), settings.register.parent / LEDGER_WAITING
    try:
        earlier = [r for r in csv.reader(io.StringIO(waiting.read_text(encoding="utf-8-sig")), delimiter=";")][1:]
    except FileNotFoundError:
        earlier = []
    if not rows and not earlier:
        return
    try:
        retrying(book, lambda: append_csv(book, LEDGER_HEADER, earlier + rows))
        waiting.unlink(missing_ok=True)
    except FileHeld:
        append_csv(waiting, LEDGER_HEADER, rows)
        notes.append(f"{book} is in gebruik door een ander programma (Excel?); de regels voor deze formulieren "
                     "worden bij de volgende keer inlezen alsnog toegevoegd.")


