"""Every write of the register: locked, all or nothing, with a backup and a log line.

Use `update_register(settings, command)` as a context manager: it takes the lock, refuses while
Excel or LibreOffice has the file open, reads the register (or keeps the copy the caller already
read, when the file is still byte for byte the same), lets the caller record changes, and on a
clean exit writes them in one atomic replace.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from filelock import FileLock, Timeout

from formkit.atomic import atomic_write
from formkit.errors import RegisterError, RegisterLocked
from formkit.held import retrying, writable
from formkit.register.backups import backup_dir, make_backup
from formkit.register.columns import BY_KEY
from formkit.register.file import refusal
from formkit.register.logbook import log_changes, log_path
from formkit.register.model import Complaint
from formkit.register.reading import Register, read_bytes, read_register
from formkit.settings import Settings
from formkit.xlsx import Value, WorkbookError, WorkbookPatch, forget_unused_strings

T = TypeVar("T")
LOCK_TIMEOUT = 5.0  # seconds a second formkit run waits before it gives up


@dataclass
class CellChange:
    number: str
    row: int
    header: str
    old: object
    new: object


def office_lock_owner(register: Path) -> str | None:
    """Who has the register open in Excel (`~$name`) or LibreOffice (`.~lock.name#`), if anyone."""
    excel = register.with_name("~$" + register.name)
    if excel.exists():
        return _excel_owner(excel) or "onbekende gebruiker"
    libre = register.with_name(f".~lock.{register.name}#")
    if libre.exists():
        try:
            fields = libre.read_text(encoding="utf-8", errors="replace").split(",")
            return (fields[1] or fields[0]).strip() or "onbekende gebruiker"
        except (OSError, IndexError):
            return "onbekende gebruiker"
    return None


def _excel_owner(path: Path) -> str | None:
    """Excel's owner file holds the user name: ANSI at offset 1, UTF-16 from offset 56."""
    try:
        data = path.read_bytes()[:512]
    except OSError:
        return None
    if len(data) >= 58:
        length = int.from_bytes(data[54:56], "little")
        if 0 < length <= 54 and len(data) >= 56 + 2 * length:
            try:
                return data[56 : 56 + 2 * length].decode("utf-16-le").strip("\x00 ") or None
            except UnicodeDecodeError:
                pass
    if data and 0 < data[0] < 54:
        return data[1 : 1 + data[0]].decode("cp1252", errors="replace").strip() or None
    return None


def ensure_not_open(register: Path) -> None:
    owner = office_lock_owner(register)
    if owner:
        raise RegisterLocked(
            f"{register.name} is geopend in Excel of LibreOffice door {owner}. "
            "Sluit het register en probeer het opnieuw; er is niets gewijzigd."
        )


class RegisterUpdate:
    """Changes to one register, recorded per cell and written together."""

    def __init__(self, register: Register) -> None:
        self.register = register
        self.changes: list[CellChange] = []
        self.notes: list[str] = []  # Dutch, for the user once the write is done
        self._after_write: list[Callable[[], None]] = []
        try:
            # the package the register was read from, when it has one: its parts are not read twice
            self.patch = WorkbookPatch(register.data, register.sheet_name, package=register.package)
        except WorkbookError as exc:
            raise refusal(exc, register.path.name) from None

    def after_write(self, action: Callable[[], None]) -> None:
        """Run `action` once the register is written (or needed no change), still under the lock.

        Never on a dry run or after an error: e.g. the ledger of read files follows the register.
        """
        self._after_write.append(action)

    def set(self, complaint: Complaint, values: Mapping[str, Value]) -> list[str]:
        """Set register columns (by key) of one complaint; returns the headers really changed."""
        cells: dict[int, Value] = {}
        changed = []
        pending = []
        for key, value in values.items():
            column = BY_KEY[key]
            value = _normalise(value, column.kind)
            old = getattr(complaint, key)
            if _same(old, value) and complaint.problem_for(key) is None:
                continue
            cells[self.register.columns[key] + 1] = _cell_value(value, column.kind)
            pending.append((key, column.header, old, value))
        if cells:
            self._patch(lambda: self.patch.set_cells(complaint.row, cells))
        for key, header, old, value in pending:  # recorded only once the cells took the values
            self.changes.append(CellChange(complaint.number or "", complaint.row, header, old, value))
            setattr(complaint, key, value)
            changed.append(header)
            if key == "number":
                self.register.renumbered()
        return changed

    def set_extra(self, complaint: Complaint, header: str, value: Value) -> None:
        """Set one of the staff's own columns by its header."""
        self._patch(lambda: self.patch.set_cells(complaint.row, {self.register.extra_columns[header] + 1: value}))
        self.changes.append(CellChange(complaint.number or "", complaint.row, header, None, value))

    def append(self, values: Mapping[str, Value]) -> Complaint:
        """A new row below the last one, in its columns' look; a table directly above grows with it."""
        complaint = Complaint()
        cells: dict[int, Value] = {}
        written = []
        for key, value in values.items():
            column = BY_KEY[key]
            value = _normalise(value, column.kind)
            if value is None:
                continue
            setattr(complaint, key, value)
            cells[self.register.columns[key] + 1] = _cell_value(value, column.kind)
            written.append((column.header, value))
        complaint.row = self._patch(lambda: self.patch.append_row(cells))
        self.changes += [CellChange(complaint.number or "", complaint.row, h, None, v) for h, v in written]
        self.register.last_row = complaint.row
        self.register.add(complaint)
        return complaint

    def _patch(self, action: Callable[[], T]) -> T:
        """A workbook's refusal, worded for the register's user."""
        try:
            return action()
        except WorkbookError as exc:
            raise refusal(exc, self.register.path.name) from None

    def new_bytes(self, scrub_shared_strings: bool) -> bytes:
        new = self._patch(self.patch.save)
        return forget_unused_strings(new) if scrub_shared_strings else new


def _normalise(value: Value, kind: str) -> Value:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        return value or None
    if isinstance(value, int | float) and not isinstance(value, bool) and kind != "date":
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


def _cell_value(value: Value, kind: str) -> Value:
    """Scores go in as numbers (Excel can average them); text stays text."""
    if kind == "score" and isinstance(value, str) and value in {"1", "2", "3", "4", "5"}:
        return int(value)
    return value


def _same(old: object, new: object) -> bool:
    if old is None or old == "":
        return new is None or new == ""
    return old == new


@contextmanager
def update_register(
    settings: Settings, command: str, *, dry_run: bool = False, scrub_shared_strings: bool = False,
    read: Register | None = None, bookkeeping: Sequence[Path] = (),
) -> Iterator[RegisterUpdate]:
    """Lock, read, let the caller change, then write once (nothing when dry_run or no change).

    read: the register as the caller already read it; kept when the file has not changed since.
    scrub_shared_strings: also empty shared strings no cell uses any more (for destruction).
    bookkeeping: files the caller appends to after the write (a ledger); like the logbook, each
    must be writable before the register changes, so that a rerun finds what was done.
    A register that another program holds (Windows refuses the replace) gets a brief retry, then
    a Dutch refusal with nothing written. `update.notes` says what the user should know after.
    """
    path = settings.register
    if dry_run:
        yield RegisterUpdate(_current(path, read))
        return
    ensure_not_open(path)
    lock = FileLock(str(path.with_name(f".{path.name}.lock")), timeout=LOCK_TIMEOUT)
    try:
        lock.acquire()
    except Timeout:
        raise RegisterLocked(
            f"{path.name} wordt op dit moment bijgewerkt door een andere formkit-opdracht. "
            "Probeer het over een minuut opnieuw; er is niets gewijzigd."
        ) from None
    try:
        _remove_stale_temps(path)
        before = path.stat() if path.exists() else None
        register = _current(path, read)
        update = RegisterUpdate(register)
        yield update
        if update.changes:
            new = update.new_bytes(scrub_shared_strings)
            ensure_not_open(path)
            for record in bookkeeping:
                writable(record)
            now = path.stat()
            if before is None or (now.st_size, now.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
                raise RegisterError(
                    f"{path.name} is tijdens deze opdracht door iemand anders gewijzigd; er is niets "
                    "opgeslagen. Voer de opdracht opnieuw uit."
                )
            retrying(backup_dir(path), lambda: make_backup(path, register.data, settings.terms.backup_days))
            retrying(path, lambda: atomic_write(path, new), done="Het register is niet gewijzigd.",
                     error=RegisterLocked)
        for action in update._after_write:  # the register is now as it should be (written or unchanged)
            action()
        # the logbook last: a held logbook waits ~3 s, and what a rerun relies on is written by then
        if update.changes and not log_changes(path, command, [(c.row, c.number, c.header) for c in update.changes]):
            update.notes.append(f"{log_path(path)} is in gebruik door een ander programma (Excel?); de regel voor "
                                "deze wijziging wordt bij de volgende opdracht alsnog toegevoegd.")
    finally:
        lock.release()


def _current(path: Path, read: Register | None) -> Register:
    """The register as the file holds it now: the caller's copy when the bytes are the same."""
    data = read_bytes(path)
    if read is not None and read.data == data and read.path == path:
        return read
    return read_register(path, data)


def _remove_stale_temps(path: Path) -> None:
    """Temporary files of a run that was killed (we hold the lock, so nobody is writing them).

    Also those of a half-written backup: they hold personal data that pruning and destruction,
    which look for finished backups only, would otherwise never remove.
    """
    folders = ((path.parent, f".{path.name}.*.tmp"), (backup_dir(path), f".{path.stem}-*{path.suffix}.*.tmp"))
    for folder, pattern in folders:  # named as formkit.atomic names them
        for stale in folder.glob(pattern):
            stale.unlink(missing_ok=True)
