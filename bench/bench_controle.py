"""The monthly check at scale: `formkit controle --json` against python-calamine reading the sheet bare.

Both run as a fresh process, as a user or a scheduled job would start them. Goal: at most 1.5x.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import datetime as dt

from bench_register import build  # noqa: E402  (same folder)
from results import record
from formkit.documents.convert import find_soffice
from formkit.register.storage import update_register
from formkit.workfolder.create import init_workfolder

PEILDATUM = dt.date(2026, 11, 24)


def build_realistic(folder: Path, rows: int):
    """A register as it grows in practice: most complaints closed and complete, a few open."""
    settings = init_workfolder(folder).settings
    with update_register(settings, "bench") as update:
        for i in range(rows):
            received = PEILDATUM - dt.timedelta(days=1 + (i * 660) // rows)
            row = {"number": f"K-{received.year}-{i:05d}", "received": received, "channel": "e-mail",
                   "client_type": "particulier", "name": f"Deelnemer {i}", "email": f"d{i}@example.nl",
                   "description": "Omschrijving van de klacht. " * 4, "category": "Overig", "serious": "nee",
                   "handler": "Yvonne Lips", "reaction_date": received + dt.timedelta(days=2)}
            if i % 20:  # 95% handled, fed back and measured
                handled = received + dt.timedelta(days=14)
                row.update(handled_date=min(handled, PEILDATUM), feedback_date=min(handled, PEILDATUM),
                           satisfaction="4", satisfaction_date=min(handled + dt.timedelta(days=7), PEILDATUM),
                           cause="Planning", solution="Opgelost")
            update.append(row)
    return settings

def saved_as_by_excel(register: Path) -> None:
    """Save the register again the way Excel does: every text in the shared-strings table (formkit
    itself writes inline strings). LibreOffice does the saving here."""
    soffice = find_soffice()
    if soffice is None:
        raise SystemExit("LibreOffice is nodig voor deze meting")
    out = register.parent / "opgeslagen"
    subprocess.run([str(soffice), f"-env:UserInstallation={(register.parent / '.lo').as_uri()}", "--headless",
                    "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(register)],
                   check=True, capture_output=True, timeout=600)
    (out / register.name).replace(register)


BARE = (
    "import python_calamine, sys\n"
    "wb = python_calamine.CalamineWorkbook.from_path(sys.argv[1])\n"
    "rows = wb.get_sheet_by_name('Klachten').to_python(skip_empty_area=False)\n"
)


# As staff start it: the console script when formkit is installed, else the module.
_SCRIPT = Path(sys.executable).with_name("formkit.exe" if os.name == "nt" else "formkit")
FORMKIT = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "formkit"]


def timed(commands: list[list[str]], repeat: int, env: dict) -> list[float]:
    """Median wall time of each command; the commands take turns, so a busier moment of a shared
    machine weighs on all of them alike."""
    times: list[list[float]] = [[] for _ in commands]
    for _ in range(repeat):
        for cmd, spent in zip(commands, times):
            start = time.perf_counter()
            done = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
            spent.append(time.perf_counter() - start)
            if done.returncode not in (0, 1) or b"Traceback" in done.stderr:  # 1 = findings; else no timing
                raise SystemExit(f"{cmd[0]} faalde: {done.stderr.decode(errors='replace')}")
    return [statistics.median(spent) for spent in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,20000")  # 1,000 -> 20,000 rows shows the growth
    parser.add_argument("--repeat", type=int, default=9)
    args = parser.parse_args()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    print(f"{'register':>30} {'rijen':>7} {'calamine kaal':>14} {'controle --json':>16} {'verhouding':>11}")
    cases = [(rows, kind) for rows in (int(s) for s in args.sizes.split(","))
             for kind in ("gewoon (95% afgehandeld)", "gewoon, als Excel opgeslagen", "alles open en te laat")]
    for rows, kind in cases:
        with tempfile.TemporaryDirectory() as tmp:
            maker = build if kind.startswith("alles") else build_realistic
            settings = maker(Path(tmp) / "werkmap", rows)
            if "Excel" in kind:
                saved_as_by_excel(settings.register)
            controle = [*FORMKIT, "--map", str(settings.root), "controle", "--json", "--peildatum", "2026-11-24"]
            found = json.loads(subprocess.run(controle, capture_output=True, env=env).stdout)["bevindingen"]
            assert found or kind.startswith("gewoon"), "the late register has findings"
            bare, ours = timed([[sys.executable, "-c", BARE, str(settings.register)], controle], args.repeat, env)
            record(f"controle --json, {rows} rijen, {kind}", ours * 1000, "ms", "calamine kaal (eigen proces)",
                   bare * 1000, "<= 1.5x bij 20.000 rijen")
            print(f"{kind:>30} {rows:>7} {bare * 1000:>12.0f}ms {ours * 1000:>14.0f}ms {ours / bare:>10.2f}x")


if __name__ == "__main__":
    main()
