"""Backups of the register: one before every write, kept `backup_days` (formkit.toml)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from formkit.atomic import atomic_write

BACKUP_DIR = "backups"


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
        made = backup_time(backup)
        if made is not None and made < limit:
            backup.unlink(missing_ok=True)
            removed.append(backup)
    return removed
