"""The monthly check at scale: `formkit controle --json` as a fresh process, side by side with

* pandas.read_excel(..., engine="calamine") merely reading the sheet (goal 1a: formkit faster),
* python-calamine reading the sheet bare (goal 1b: formkit at most 2x),
* the peak memory of each (goal 1c: formkit below pandas; bare calamine shown for reference),
* at the --old-sizes, the code of the commit before the one-read restructuring (df9e3a6), both
  started as `python -m formkit` with PYTHONPATH at their own checkout (goal 2: at most 1.1x).

Goals 1a-1c count for the realistic 20,000-row registers (formkit-written and saved as by Excel);
the all-open, all-late stress register is reported only.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_register import build  # noqa: E402  (same folder)
from procs import FORMKIT, REPO, Command, env_for, python_has, take_turns
from results import record

from formkit.documents.convert import find_soffice
from formkit.register.storage import update_register
from formkit.workfolder.create import init_workfolder

PEILDATUM = dt.date(2026, 11, 24)
PEIL = f"{PEILDATUM:%d-%m-%Y}"  # as --peildatum takes it
OLD_REV = "df9e3a6"  # the last commit before the one-read restructuring
GOAL_SIZE = 20000


def build_realistic(folder: Path, rows: int, unanswered: int = 0, peildatum: dt.date = PEILDATUM):
    """A register as it grows in practice: most complaints closed and complete, a few open, received
    over the 660 days before `peildatum`. The newest `unanswered` complaints have no Datum reactie
    yet (for `formkit brief ontvangst`)."""
    settings = init_workfolder(folder).settings
    with update_register(settings, "bench") as update:
        for i in range(rows):
            received = peildatum - dt.timedelta(days=1 + (i * 660) // rows)
            row = {"number": f"K-{received.year}-{i:05d}", "received": received, "channel": "e-mail",
                   "client_type": "particulier", "name": f"Deelnemer {i}", "address": f"Straat {i}",
                   "postcode": "5492 AB", "city": "Gemonde", "email": f"d{i}@example.nl",
                   "description": "Omschrijving van de klacht. " * 4, "category": "Overig", "serious": "nee",
                   "handler": "Yvonne Lips", "reaction_date": received + dt.timedelta(days=2)}
            if i < unanswered:
                del row["reaction_date"]
            elif i % 20:  # 95% handled, fed back and measured
                handled = received + dt.timedelta(days=14)
                row.update(handled_date=min(handled, peildatum), feedback_date=min(handled, peildatum),
                           satisfaction="4", satisfaction_date=min(handled + dt.timedelta(days=7), peildatum),
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
PANDAS = (
    "import pandas, sys\n"
    "frame = pandas.read_excel(sys.argv[1], sheet_name='Klachten', engine='calamine')\n"
)


def old_checkout(rev: str, dest: Path) -> Path | None:
    """The formkit package as it was at `rev`, unpacked with `git archive` (nothing in the checkout
    changes); None when this is no git checkout or the commit is unknown."""
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", rev, "formkit"],
                             capture_output=True)
    if archive.returncode != 0:
        return None
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return dest


def compare_with_old(settings, rows: int, repeat: int, tmp: Path, old_rev: str) -> None:
    old = old_checkout(old_rev, tmp / "oud")
    if old is None:
        print(f"  (commit {old_rev} niet gevonden: vergelijking met de vorige code overgeslagen)")
        return
    args = ["-m", "formkit", "--map", str(settings.root), "controle", "--json", "--peildatum", PEIL]
    outputs = [subprocess.run([sys.executable, *args], capture_output=True, env=env_for(where), cwd=tmp).stdout
               for where in (old, REPO)]
    same = "gelijk" if outputs[0] == outputs[1] else "VERSCHILLEND"
    before, now = take_turns([Command(f"{old_rev} (python -m)", [sys.executable, *args], env_for(old), (0, 1)),
                              Command("nu (python -m)", [sys.executable, *args], env_for(REPO), (0, 1))],
                             repeat, cwd=tmp)
    print(f"  {rows} rijen, code van {old_rev} tegen nu (python -m formkit, {repeat}x om beurten; uitvoer {same}):")
    for m in (before, now):
        print(f"    {m.name:<22} wand {m.wall * 1000:6.0f} ms ({m.spread})  cpu {m.cpu * 1000:6.0f} ms  "
              f"piek {m.rss_mb:5.0f} MB")
    print(f"    verhouding nu/{old_rev}: wand {now.wall / before.wall:.2f}x, cpu {now.cpu / before.cpu:.2f}x")
    goal = "2: <= 1.10x" if rows == 300 else "gemeld"
    record(f"controle --json, {rows} rijen, gewoon: nu tegen {old_rev} (cpu {now.cpu / before.cpu:.2f}x)",
           now.wall * 1000, "ms", f"code van {old_rev}, zelfde start", before.wall * 1000, goal)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default=f"300,{GOAL_SIZE}")
    parser.add_argument("--repeat", type=int, default=11)
    parser.add_argument("--old-sizes", default="300", help="sizes at which the old code is compared too")
    parser.add_argument("--old-repeat", type=int, default=61)
    parser.add_argument("--old-rev", default=OLD_REV)
    args = parser.parse_args()
    if not python_has("pandas"):
        raise SystemExit(f"pandas ontbreekt (alleen voor de vergelijking): {sys.executable} -m pip install -r "
                         f"{Path(__file__).with_name('requirements.txt')}")
    env = env_for(REPO)
    old_sizes = {int(s) for s in args.old_sizes.split(",") if s}
    print(f"{'register':>30} {'rijen':>6} {'calamine kaal':>14} {'pandas':>9} {'controle --json':>16} "
          f"{'/kaal':>6} {'/pandas':>8} {'piek MB kaal/pandas/formkit':>28}")
    cases = [(rows, kind) for rows in (int(s) for s in args.sizes.split(","))
             for kind in ("gewoon (95% afgehandeld)", "gewoon, als Excel opgeslagen", "alles open en te laat")]
    for rows, kind in cases:
        with tempfile.TemporaryDirectory() as tmp:
            tmp = Path(tmp)
            maker = build if kind.startswith("alles") else build_realistic
            settings = maker(tmp / "werkmap", rows)
            if "Excel" in kind:
                saved_as_by_excel(settings.register)
            controle = [*FORMKIT, "--map", str(settings.root), "controle", "--json", "--peildatum", PEIL]
            found = json.loads(subprocess.run(controle, capture_output=True, env=env, cwd=tmp).stdout)["bevindingen"]
            assert found or kind.startswith("gewoon"), "the late register has findings"
            register = str(settings.register)
            bare, frame, ours = take_turns([
                Command("calamine kaal", [sys.executable, "-c", BARE, register], env),
                Command("pandas.read_excel", [sys.executable, "-c", PANDAS, register], env),
                Command("formkit controle --json", controle, env, (0, 1)),
            ], args.repeat, cwd=tmp)
            print(f"{kind:>30} {rows:>6} {bare.wall * 1000:>12.0f}ms {frame.wall * 1000:>7.0f}ms "
                  f"{ours.wall * 1000:>14.0f}ms {ours.wall / bare.wall:>5.2f}x {ours.wall / frame.wall:>7.2f}x "
                  f"{bare.rss_mb:>10.0f} /{frame.rss_mb:>5.0f} /{ours.rss_mb:>5.0f}")
            print(f"{'cpu-tijd (user+sys)':>30} {'':>6} {bare.cpu * 1000:>12.0f}ms {frame.cpu * 1000:>7.0f}ms "
                  f"{ours.cpu * 1000:>14.0f}ms {ours.cpu / bare.cpu:>5.2f}x {ours.cpu / frame.cpu:>7.2f}x")
            counts = rows == GOAL_SIZE and kind.startswith("gewoon")
            short = kind.split(" (")[0]
            record(f"controle --json, {rows} rijen, {short} (cpu {ours.cpu / frame.cpu:.2f}x)", ours.wall * 1000,
                   "ms", "pandas.read_excel (calamine)", frame.wall * 1000, "1a: < 1.00x" if counts else "gemeld")
            record(f"controle --json, {rows} rijen, {short} (cpu {ours.cpu / bare.cpu:.2f}x)", ours.wall * 1000,
                   "ms", "calamine kaal (eigen proces)", bare.wall * 1000, "1b: <= 2.00x" if counts else "gemeld")
            record(f"piekgeheugen controle, {rows} rijen, {short}", round(ours.rss_mb), "MB",
                   f"pandas.read_excel (kaal calamine: {bare.rss_mb:.0f} MB)", round(frame.rss_mb),
                   "1c: < 1.00x" if counts else "gemeld")
            if rows in old_sizes and kind.startswith("gewoon (95%"):
                compare_with_old(settings, rows, args.old_repeat, tmp, args.old_rev)


if __name__ == "__main__":
    main()
