"""Register writes at scale: formkit's package patch against openpyxl load+save.

Builds registers of 1,000 to 20,000 rows, times a one-row update and a one-row append through
formkit's full write path (lock, read, patch, backup, atomic replace, log) and openpyxl's
load_workbook + save of the same file, and prints the ratio and how the cost grows.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import openpyxl

from results import record

from formkit.register.storage import update_register
from formkit.workfolder.create import init_workfolder


def build(folder: Path, rows: int):
    settings = init_workfolder(folder).settings
    with update_register(settings, "bench") as update:
        for i in range(rows):
            update.append({
                "number": f"K-{2000 + i // 999}-{i % 999 + 1:03d}",
                "received": dt.date(2025, 1, 1) + dt.timedelta(days=i % 600),
                "channel": "e-mail", "client_type": "particulier", "name": f"Deelnemer {i}",
                "address": f"Straat {i}", "postcode": "5492 AB", "city": "Gemonde", "email": f"d{i}@example.nl",
                "description": "Omschrijving van de klacht, met wat tekst erbij. " * 3, "category": "Overig",
                "serious": "nee", "handler": "Yvonne Lips", "reaction_date": dt.date(2025, 1, 3),
            })
    return settings


def timed(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def formkit_update(settings) -> None:
    with update_register(settings, "bench") as update:
        complaint = update.register.complaints[len(update.register.complaints) // 2]
        update.set(complaint, {"remarks": f"bijgewerkt {time.perf_counter()}"})


def formkit_append(settings) -> None:
    with update_register(settings, "bench") as update:
        update.append({"number": f"K-2099-{time.perf_counter_ns() % 10**9}", "received": dt.date(2026, 11, 24)})


def openpyxl_update(path: Path) -> None:
    wb = openpyxl.load_workbook(path)
    wb["Klachten"].cell(row=10, column=36).value = "bijgewerkt"
    wb.save(path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,5000,20000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"{'rijen':>7} {'formkit wijzig':>15} {'formkit toevoeg':>16} {'openpyxl laad+opslaan':>22} {'verhouding':>11}")
    results = []
    for rows in sizes:
        with tempfile.TemporaryDirectory() as tmp:
            settings = build(Path(tmp) / "werkmap", rows)
            update = timed(lambda: formkit_update(settings), args.repeat)
            append = timed(lambda: formkit_append(settings), args.repeat)
            copy = Path(tmp) / "openpyxl.xlsx"
            shutil.copyfile(settings.register, copy)
            baseline = timed(lambda: openpyxl_update(copy), 1 if rows > 5000 else args.repeat)
            results.append((rows, update, append, baseline))
            print(f"{rows:>7} {update * 1000:>13.0f}ms {append * 1000:>14.0f}ms {baseline * 1000:>20.0f}ms "
                  f"{baseline / max(update, append):>10.1f}x")
    for rows, update, append, baseline in results:
        record(f"register: 1 rij wijzigen, {rows} rijen", update * 1000, "ms", "openpyxl laden+opslaan",
               baseline * 1000, "<= 0.10x (10x sneller)")
        record(f"register: 1 rij toevoegen, {rows} rijen", append * 1000, "ms", "openpyxl laden+opslaan",
               baseline * 1000, "<= 0.10x (10x sneller)")
    if len(results) > 1:
        (r0, u0, a0, _), (r1, u1, a1, _) = results[0], results[-1]
        growth = max(u1, a1) / max(u0, a0)
        record(f"register: tijd bij {r1} / bij {r0} rijen", growth, "x", "aantal rijen", r1 / r0,
               "<= 1.00x (hooguit lineair)")
        print(f"groei {r0} -> {r1} rijen ({r1 / r0:.0f}x zoveel): formkit {growth:.1f}x zo lang "
              f"({'lineair of beter' if growth <= r1 / r0 else 'slechter dan lineair'})")


if __name__ == "__main__":
    main()
