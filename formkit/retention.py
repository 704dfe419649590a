"""Retention: which complaints are past "tot twee jaar na afhandeling bewaard", and destroying them.

Destroying a complaint means: its personal data leaves the register (the columns marked
`keep_on_destroy` stay, so the management information survives), its dossier folder is deleted,
register backups that still hold the data are deleted, and `register/vernietigingslog.csv` gets a
record without personal data. Order, so that a crash never loses the trail: the register is
written first (one locked, atomic write); dossiers follow, each logged once removed; backups last.
A run that stopped half-way is finished by the next one: anonymised rows whose dossier still
exists are planned again.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import stat
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from xml.sax.saxutils import escape

from formkit.check.deadlines import destroy_from
from formkit.dates import dutch_short
from formkit.errors import FormkitError, Hint, InputError
from formkit.held import patiently, retrying
from formkit.register.backups import backup_time, list_backups
from formkit.register.columns import BY_KEY, COLUMNS, normalise_header
from formkit.register.destroyed import LOG_HEADER, log_path
from formkit.register.logbook import append_csv, current_user
from formkit.register.model import VALUE_KEYS, Complaint
from formkit.register.reading import NUMBER_RE, Register, normalise_number
from formkit.register.storage import update_register
from formkit.settings import Settings
from formkit.xlsx.package import Package

MARK_KEYS = ("signal", "remarks")  # get "vernietigd op <datum>": how is_anonymised knows the row
_MARK = re.compile(r"vernietigd op \d{2}-\d{2}-\d{4}")
_BLANK_KEYS = tuple(c.key for c in COLUMNS if not c.keep_on_destroy and c.key not in MARK_KEYS)
# Contact data and the complaint text: checked afterwards for copies the cell writes cannot reach.
TRACE_KEYS = ("name", "organisation", "address", "email", "phone", "participant", "description")


@dataclass(frozen=True)
class Plan:
    """What destroying one complaint would remove; `problem` says why it cannot be done yet."""

    number: str
    row: int
    handled: dt.date | None
    destroy_from: dt.date | None
    headers: tuple[str, ...]  # register cells that would be blanked, by header
    files: tuple[Path, ...]  # dossier files that would be removed
    dossiers: tuple[Path, ...]  # the dossier folder(s) of this number that exist
    keys: tuple[str, ...] = ()  # register column keys to blank (not Signalering/Opmerkingen)
    extra: tuple[str, ...] = ()  # staff columns to blank
    leftover: bool = False  # register already anonymised by an earlier run; dossier remains
    problem: str | None = None


@dataclass(frozen=True)
class Record:
    """One line of the destruction log: what was removed, never what it said."""

    number: str
    handled: dt.date | None
    destroyed: dt.date
    user: str
    headers: tuple[str, ...]
    hashes: tuple[str, ...]  # SHA-256 of each dossier file removed
    dossier: bool = False  # a dossier folder was deleted

    def row(self) -> list[str]:
        return [self.number, dutch_short(self.handled), dutch_short(self.destroyed), self.user,
                ", ".join(self.headers), str(len(self.hashes)), " ".join(self.hashes)]


@dataclass
class Destruction:
    """The outcome of one `destroy`: a record per complaint, the backups removed, the log."""

    records: list[Record] = field(default_factory=list)
    backups_removed: list[Path] = field(default_factory=list)
    log: Path | None = None
    traces: list[str] = field(default_factory=list)  # Dutch: where removed text still stands
    notes: list[str] = field(default_factory=list)  # Dutch, for the user


def mark(day: dt.date) -> str:
    """The text that replaces Signalering and Opmerkingen of a destroyed row."""
    return f"vernietigd op {dutch_short(day)}"


def due_for_destruction(register: Register, peildatum: dt.date, settings: Settings) -> list[Plan]:
    """Every complaint past retention on `peildatum` and not yet anonymised, plus leftovers, plus
    destroyed complaints (vernietigingslog.csv) whose row holds personal data again."""
    keep = {normalise_header(h) for h in settings.keep_columns}
    plans: list[Plan] = []
    for c in register.complaints:
        dossiers = _dossiers(settings, c.number)
        personal = tuple(k for k in _BLANK_KEYS if getattr(c, k) not in (None, ""))
        marks = tuple(k for k in MARK_KEYS if getattr(c, k) not in (None, ""))
        extra = tuple(
            h for h in register.extra_columns
            if normalise_header(h) not in keep and register.extra_values.get(c.row, {}).get(h) not in (None, "")
        )
        again = bool(c.number) and register.is_destroyed(c.number or "") and bool(
            personal or extra or any(not _MARK.fullmatch(getattr(c, k) or "") for k in MARK_KEYS))
        leftover = c.is_anonymised and not again
        if leftover and not dossiers:
            continue
        start = destroy_from(c, settings.terms)
        if not leftover and not again and (start is None or peildatum < start):
            continue
        keys, marks, extra = ((), (), ()) if leftover else (personal, marks, extra)
        headers = tuple(col.header for col in COLUMNS if col.key in keys + marks) + extra
        plans.append(Plan(
            number=(c.number or "").strip(), row=c.row, handled=c.handled_date, destroy_from=start,
            headers=headers, files=tuple(f for d in dossiers for f in _files(d)), dossiers=dossiers,
            keys=keys, extra=extra, leftover=leftover, problem=_problem(c, register),
        ))
    return plans


def check_peildatum(peildatum: dt.date, today: dt.date | None = None) -> None:
    """Destroying ahead of the retention term is refused: the procedure keeps data two years."""
    if peildatum > (today or dt.date.today()):
        raise InputError(
            f"De peildatum {dutch_short(peildatum)} ligt in de toekomst. Vernietigen kan alleen wat "
            "nu al over de bewaartermijn is; kies vandaag of eerder.", Hint.PEILDATUM_TODAY
        )


def destroy(
    settings: Settings,
    peildatum: dt.date,
    command: str = "vernietig",
    today: dt.date | None = None,
    numbers: Collection[str] | None = None,
    read: Register | None = None,
) -> Destruction:
    """Destroy every complaint due on `peildatum` (only `numbers`, when given: those confirmed).

    Register first, then per complaint its dossier and log record, then the backups. `read` is
    the register as the caller read it (kept when the file has not changed since).
    """
    today = today or dt.date.today()
    check_peildatum(peildatum, today)
    text = mark(today)
    wanted = None if numbers is None else {normalise_number(n) for n in numbers}
    with update_register(settings, command, scrub_shared_strings=True, read=read,
                         bookkeeping=[log_path(settings.register)]) as update:
        plans = [p for p in due_for_destruction(update.register, peildatum, settings)
                 if p.problem is None and (wanted is None or normalise_number(p.number) in wanted)]
        by_row = {c.row: c for c in update.register.complaints}
        removed = _traceable(plans, by_row)
        for plan in plans:
            if plan.leftover:
                continue
            complaint = by_row[plan.row]
            earlier = update.register.destroyed.get(normalise_number(plan.number))  # destroyed before: its day
            marked = mark(earlier) if earlier else text
            update.set(complaint, {**{k: None for k in plan.keys}, **{k: marked for k in MARK_KEYS}})
            for header in plan.extra:
                update.set_extra(complaint, header, None)
    result = Destruction(notes=update.notes)
    if not plans:
        return result
    result.traces = _remaining_traces(settings.register, removed)
    written = dt.datetime.now()  # the backup of this very write is older than this
    result.log = log = log_path(settings.register)
    user = current_user()
    left: list[tuple[Path, OSError]] = []  # what Windows refused to delete (open in another program)
    for plan in plans:  # every dossier and backup is tried, so that as little as possible is left
        hashes: list[str] = []
        for folder in plan.dossiers:
            left += _remove_dossier(folder, hashes)
        record = Record(plan.number, plan.handled, today, user, plan.headers, tuple(hashes), bool(plan.dossiers))
        retrying(log, partial(append_csv, log, LOG_HEADER, [record.row()]), done="Het register is al geanonimiseerd.")
        result.records.append(record)
    result.backups_removed, held_backups = _remove_backups(settings.register, written)
    if left:
        shown = "; ".join(f"{path} ({exc.strerror or exc})" for path, exc in left)
        more = (" Verwijder ook deze reservekopieën van het register, die de gegevens nog bevatten: "
                f"{', '.join(map(str, held_backups))}." if held_backups else "")
        raise FormkitError(f"Het register is geanonimiseerd, maar niet alles kon worden verwijderd: {shown}. Is er "
                           f"een bestand geopend? Sluit het.{more}", Hint.RETRY)
    if held_backups:
        raise FormkitError(
            "Het register is geanonimiseerd en de dossiers zijn verwijderd, maar deze reservekopieën van het "
            "register bevatten nog de vernietigde gegevens en konden niet worden verwijderd: "
            f"{', '.join(map(str, held_backups))}. Sluit ze en verwijder ze zelf.")
    return result


# --- register ----------------------------------------------------------------------------------

def _problem(c: Complaint, register: Register) -> str | None:
    """Why a due complaint is not destroyed automatically (its number decides what is deleted)."""
    number = normalise_number(c.number or "")
    if not number:
        return f"rij {c.row}: Klachtnummer ontbreekt; vul het in en voer de opdracht opnieuw uit."
    if not NUMBER_RE.match(number):
        return (f"rij {c.row}: Klachtnummer '{c.number}' heeft niet de vorm K-JJJJ-NNN; "
                "verbeter het en voer de opdracht opnieuw uit.")
    rows = register.duplicates.get(number)
    if rows:
        listed = " en ".join(str(r) for r in rows)
        return f"klachtnummer {number} staat op meer dan één rij (rij {listed}); maak de nummers eerst uniek."
    return None


def _traceable(plans: list[Plan], by_row: dict[int, Complaint]) -> dict[str, dict[str, str]]:
    """Number -> {header: text} of the contact data about to be removed, unless another row has it."""
    destroyed = {p.row for p in plans if not p.leftover}
    others = {v for c in by_row.values() if c.row not in destroyed
              for v in (getattr(c, k) for k in VALUE_KEYS) if isinstance(v, str)}
    return {
        p.number: {BY_KEY[k].header: v for k in TRACE_KEYS
                   if isinstance(v := getattr(by_row[p.row], k), str) and len(v) >= 4 and v not in others}
        for p in plans if not p.leftover
    }


def _remaining_traces(register: Path, removed: dict[str, dict[str, str]]) -> list[str]:
    """Removed text that still stands elsewhere in the workbook: cell comments, filters, pivot
    tables or other sheets, which a cell write does not reach. Named by part, never by value."""
    package = Package(register.read_bytes())
    parts = {name: package.read(name) for name in package.names if name.endswith(".xml")}
    found = []
    for number, values in removed.items():
        for header, value in values.items():
            needles = {value.encode(), escape(value).encode(), escape(value, {'"': "&quot;"}).encode()}
            where = sorted(name for name, body in parts.items() if any(n in body for n in needles))
            if where:
                found.append(f"{number}: de waarde uit {header} staat nog in het register ({', '.join(where)})")
    return found



# --- dossiers and backups ----------------------------------------------------------------------

def _dossiers(settings: Settings, number: str | None) -> tuple[Path, ...]:
    """The existing dossier folder(s) of a number, as typed and normalised; never outside dossiers/."""
    found: list[Path] = []
    for name in dict.fromkeys(((number or "").strip(), normalise_number(number or ""))):
        if not NUMBER_RE.match(normalise_number(name)):
            continue
        folder = settings.dossier(name)  # NUMBER_RE has no separators: always inside dossiers/
        if folder.is_dir() and not any(folder.samefile(f) for f in found):  # one folder on macOS/Windows
            found.append(folder)
    return tuple(found)


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def _sha256(path: Path) -> str:
    if path.is_symlink():
        return hashlib.sha256(os.readlink(path).encode()).hexdigest()
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _remove_dossier(folder: Path, hashes: list[str]) -> list[tuple[Path, OSError]]:
    """Hash and delete every file, then the folders; `hashes` holds what is gone. What cannot be
    deleted is returned with its reason, and the rest is deleted all the same."""
    left: list[tuple[Path, OSError]] = []
    for path in _files(folder):
        try:
            digest = _sha256(path)
            patiently(partial(_unlink, path))  # a virus scanner or sync client may hold it for a moment
        except OSError as exc:
            left.append((path, exc))
            continue
        hashes.append(digest)
    if not left:
        try:
            shutil.rmtree(folder)
        except OSError as exc:
            left.append((folder, exc))
    return left


def _unlink(path: Path) -> None:
    try:
        path.unlink()
    except PermissionError:  # read-only files (Windows) can be deleted once made writable
        path.chmod(stat.S_IWRITE | stat.S_IREAD)
        path.unlink()


def _remove_backups(register: Path, written: dt.datetime) -> tuple[list[Path], list[Path]]:
    """Every backup made up to and including this destruction's write still holds the data:
    (removed, those that could not be removed)."""
    removed, failed = [], []
    for backup in list_backups(register):
        made = backup_time(backup)
        if made is None or made > written:
            continue
        try:
            patiently(partial(_unlink, backup))
            removed.append(backup)
        except OSError:
            failed.append(backup)
    return removed, failed

