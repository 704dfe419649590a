"""One letter end to end: `formkit brief ontvangst NUMMER` (no --pdf) as a fresh process, against
openpyxl load_workbook + save of the same register in its own process (goal 3: <= 0.10x).

Every formkit run takes another complaint that has no Datum reactie yet, so every run really renders
the letter and records the date (one register write: lock, patch, backup, atomic replace, log).
openpyxl sets that same cell, and starts each run from the untouched register (restored untimed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import tempfile
from pathlib import Path

from bench_controle import build_realistic, saved_as_by_excel
from procs import FORMKIT, REPO, Command, env_for, take_turns
from results import record

from formkit.register.columns import BY_KEY
from formkit.register.reading import read_register

OPENPYXL = (
    "import datetime, sys, openpyxl\n"
    "path, row = sys.argv[1], int(sys.argv[2])\n"
    "wb = openpyxl.load_workbook(path)\n"
    "ws = wb['Klachten']\n"
    "column = next(c.column for c in ws[1] if c.value == sys.argv[3])\n"
    "ws.cell(row=row, column=column).value = datetime.date.today()\n"
    "wb.save(path)\n"
)


def measure(kind: str, rows: int, repeat: int, env: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        settings = build_realistic(tmp / "werkmap", rows, unanswered=repeat, peildatum=dt.date.today())
        if "Excel" in kind:
            saved_as_by_excel(settings.register)
        waiting = [c for c in read_register(settings.register).complaints if c.reaction_date is None]
        assert len(waiting) >= repeat, "one unanswered complaint per run"
        pristine = tmp / "ongewijzigd.xlsx"
        shutil.copyfile(settings.register, pristine)
        copy = tmp / "openpyxl.xlsx"
        header = BY_KEY["reaction_date"].header
        brief = Command("formkit brief ontvangst", FORMKIT, env,
                        cmd_for=lambda n: [*FORMKIT, "--map", str(settings.root), "brief", "ontvangst",
                                           waiting[n].number_text])
        openpyxl = Command("openpyxl laden+opslaan", [], env, before=lambda n: shutil.copyfile(pristine, copy),
                           cmd_for=lambda n: [sys.executable, "-c", OPENPYXL, str(copy), str(waiting[n].row), header])
        ours, theirs = take_turns([brief, openpyxl], repeat, cwd=tmp)
        after = read_register(settings.register)
        recorded = [after.get(c.number_text).reaction_date for c in waiting[:repeat]]
        assert recorded == [dt.date.today()] * repeat, recorded
        assert len(list(settings.dossiers.rglob("*.docx"))) >= repeat, "one letter per run"
    print(f"{kind:>30} {rows:>6} {ours.wall * 1000:>14.0f}ms {theirs.wall * 1000:>20.0f}ms "
          f"{ours.wall / theirs.wall:>10.3f}x")
    print(f"{'':>30} {'':>6} piek {ours.rss_mb:.0f} MB / {theirs.rss_mb:.0f} MB; "
          f"cpu {ours.cpu * 1000:.0f} / {theirs.cpu * 1000:.0f} ms; spreiding {ours.spread} / {theirs.spread}")
    record(f"brief ontvangst (zonder pdf), {rows} rijen, {kind.split(' (')[0]} (cpu {ours.cpu / theirs.cpu:.2f}x)",
           ours.wall * 1000, "ms",
           "openpyxl laden+opslaan (eigen proces)", theirs.wall * 1000,
           "3: <= 0.10x" if rows == 20000 and "Excel" not in kind else "gemeld")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--excel", action="store_true", help="also the register as saved by Excel (shared strings)")
    args = parser.parse_args()
    env = env_for(REPO)
    print(f"{'register':>30} {'rijen':>6} {'brief ontvangst':>16} {'openpyxl laad+opslaan':>22} {'verhouding':>11}")
    for kind in ["gewoon (95% afgehandeld)"] + (["gewoon, als Excel opgeslagen"] if args.excel else []):
        measure(kind, args.rows, args.repeat, env)


if __name__ == "__main__":
    main()
