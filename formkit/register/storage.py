"""Every write of the register: locked, all or nothing, with a backup and a log line.

Use `update_register(settings, command)` as a context manager: it takes the lock, refuses while
Excel or LibreOffice has the file open, reads the register once, lets the caller record changes,
and on a clean exit writes them in one atomic replace.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from filelock import FileLock, Timeout

from formkit.atomic import atomic_write
from formkit.register.columns import BY_KEY
from formkit.settings import Settings
from formkit.errors import RegisterError, RegisterLocked
from formkit.register.model import Complaint
from formkit.register.reading import Register, read_register
from formkit.xlsx.sharedstrings import forget_unused_strings
from formkit.xlsx.patch import Value, WorkbookPatch

LOCK_TIMEOUT = 5.0  # seconds a second formkit run waits before it gives up
BACKUP_DIR = "backups"
LOG_NAME = "logboek.csv"
LOG_HEADER = ["tijd", "opdracht", "klachtnummer", "kolommen"]


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


@dataclass
class RegisterUpdate:
    """Changes to one register, recorded per cell and written together."""

    register: Register
    patch: WorkbookPatch
    changes: list[CellChange] = field(default_factory=list)
    _after_write: list[Callable[[], None]] = field(default_factory=list)

    def after_write(self, action: Callable[[], None]) -> None:
        """Run `action` once the register is written (or needed no change), still under the lock.

        Never on a dry run or after an error: e.g. the ledger of read files follows the register.
        """
        self._after_write.append(action)

    def set(self, complaint: Complaint, values: dict[str, Value]) -> list[str]:
        """Set register columns (by key) of one complaint; returns the headers really changed."""
        cells: dict[int, Value] = {}
        changed = []
        for key, value in values.items():
            column = BY_KEY[key]
            value = _normalise(value, column.kind)
            old = getattr(complaint, key)
            if _same(old, value) and complaint.problem_for(key) is None:
                continue
            cells[self.register.columns[key]] = _cell_value(value, column.kind)
            self.changes.append(CellChange(complaint.number or "", complaint.row, column.header, old, value))
            setattr(complaint, key, value)
            changed.append(column.header)
        if cells:
            self.patch.set_cells(complaint.row, cells)
        return changed

    def set_extra(self, complaint: Complaint, header: str, value: Value) -> None:
        """Set one of the staff's own columns by its header."""
        self.patch.set_cells(complaint.row, {self.register.extra_columns[header]: value})
        self.changes.append(CellChange(complaint.number or "", complaint.row, header, None, value))

    def append(self, values: dict[str, Value]) -> Complaint:
        """A new row below the last one, formatted like the row above; the table grows with it."""
        row = self.register.last_row + 1
        complaint = Complaint(row=row, number=_normalise(values.get("number"), "text"))
        cells: dict[int, Value] = {}
        for key, value in values.items():
            column = BY_KEY[key]
            value = _normalise(value, column.kind)
            if value is None:
                continue
            setattr(complaint, key, value)
            cells[self.register.columns[key]] = _cell_value(value, column.kind)
            self.changes.append(CellChange(complaint.number or "", row, column.header, None, value))
        style_row = self.register.last_row if self.register.last_row >= 2 else None
        self.patch.set_cells(row, cells, style_from_row=style_row)
        self.patch.mark_appended(row)
        self.register.last_row = row
        self.register.complaints.append(complaint)
        return complaint


def _normalise(value: Value, kind: str) -> Value:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, str):
        value = value.replace("\r\n", "\n").replace("\r", "\n").strip()
        return value or None
    if isinstance(value, (int, float)) and not isinstance(value, bool) and kind != "date":
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
    settings: Settings, command: str, *, dry_run: bool = False, scrub_shared_strings: bool = False
) -> Iterator[RegisterUpdate]:
    """Lock, read, let the caller change, then write once (nothing when dry_run or no change).

    scrub_shared_strings: also empty shared strings no cell uses any more (for destruction).
    """
    path = settings.register
    if dry_run:
        data = _read_bytes(path)
        register = read_register(path, data)
        yield RegisterUpdate(register, WorkbookPatch(data, register.sheet_name, register.date1904, path.name))
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
        data = _read_bytes(path)
        before = path.stat()
        register = read_register(path, data)
        update = RegisterUpdate(register, WorkbookPatch(data, register.sheet_name, register.date1904, path.name))
        yield update
        if update.changes:
            new = update.patch.save()
            if scrub_shared_strings:
                new = forget_unused_strings(new)
            ensure_not_open(path)
            now = path.stat()
            if (now.st_size, now.st_mtime_ns) != (before.st_size, before.st_mtime_ns):
                raise RegisterError(
                    f"{path.name} is tijdens deze opdracht door iemand anders gewijzigd; er is niets "
                    "opgeslagen. Voer de opdracht opnieuw uit."
                )
            make_backup(path, data, settings.terms.backup_days)
            atomic_write(path, new)
            log_changes(path, command, update.changes)
        for action in update._after_write:  # the register is now as it should be (written or unchanged)
            action()
    finally:
        lock.release()


def _read_bytes(path: Path) -> bytes:
    if not path.exists():
        raise RegisterError(f"Het register {path} bestaat niet. Maak een werkmap met 'formkit init'.")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise RegisterError(f"Het register {path} is niet te lezen: {exc.strerror or exc}.") from None


def _remove_stale_temps(path: Path) -> None:
    """Temporary files of a run that was killed (we hold the lock, so nobody is writing them).

    Also those of a half-written backup: they hold personal data that pruning and destruction,
    which look for finished backups only, would otherwise never remove.
    """
    folders = ((path.parent, f".{path.name}.*.tmp"), (backup_dir(path), f".{path.stem}-*{path.suffix}.*.tmp"))
    for folder, pattern in folders:  # named as formkit.atomic names them
        for stale in folder.glob(pattern):
            stale.unlink(missing_ok=True)


def backup_dir(register: Path) -> Path:
    return register.parent / BACKUP_DIR


def make_backup(register: Path, data: bytes, keep_days: int) -> Path:
    """Save the register as it was before this write; prune backups older than keep_days."""
    folder = backup_dir(register)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = folder / f"{register.stem}-{stamp}{register.suffix}"
    atomic_write(target, data)
    prune_backups(register, keep_days)
    return target


def backup_time(path: Path) -> dt.datetime | None:
    """When a backup was made, from its name."""
    try:
        return dt.datetime.strptime("-".join(path.stem.rsplit("-", 3)[-3:]), "%Y%m%d-%H%M%S-%f")
    except ValueError:
        return None


def list_backups(register: Path) -> list[Path]:
    folder = backup_dir(register)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob(f"{register.stem}-*{register.suffix}") if backup_time(p))


def prune_backups(register: Path, keep_days: int, now: dt.datetime | None = None) -> list[Path]:
    limit = (now or dt.datetime.now()) - dt.timedelta(days=keep_days)
    removed = []
    for backup in list_backups(register):
        if backup_time(backup) < limit:
            backup.unlink(missing_ok=True)
            removed.append(backup)
    return removed


def log_changes(register: Path, command: str, changes: list[CellChange]) -> None:
    """One line per complaint changed: time, command, number, column names (never values)."""
    per_row: dict[tuple[int, str], list[str]] = {}
    for change in changes:
        headers = per_row.setdefault((change.row, change.number), [])
        if change.header not in headers:
            headers.append(change.header)
    stamp = dt.datetime.now().isoformat(timespec="seconds")
    append_csv(
        register.parent / LOG_NAME,
        LOG_HEADER,
        [[stamp, command, number, ", ".join(headers)] for (_, number), headers in per_row.items()],
    )


def append_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """Append rows to a ';'-separated UTF-8 CSV that Excel opens (BOM and header when new)."""
    new = not path.exists() or path.stat().st_size == 0
    torn = not new and _last_byte(path) not in (b"\n", b"")  # a run killed mid-line: start a fresh line
    with path.open("a", encoding="utf-8-sig" if new else "utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        if new:
            writer.writerow(header)
        elif torn:
            fh.write("\r\n")
        writer.writerows(rows)
        fh.flush()
        os.fsync(fh.fileno())


def _last_byte(path: Path) -> bytes:
    with path.open("rb") as fh:
        fh.seek(-1, os.SEEK_END)
        return fh.read(1)


def current_user() -> str:
    """The OS user, for records of who did what."""
    try:
        return getpass.getuser()
    except (OSError, KeyError, ImportError):
        return os.environ.get("USERNAME") or os.environ.get("USER") or "onbekend"
