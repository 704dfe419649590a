"""Start-up: `formkit --version` and `formkit controle --json` on a new, empty register (formkit init),
each as a fresh process, beside `python -c pass` (reported, no goal). Also which big libraries
`formkit controle` imports, from one `python -X importtime -m formkit ... controle --json`.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

from procs import FORMKIT, REPO, Command, env_for, take_turns
from results import record

# Libraries controle has no use for (documents, PDF, charts, writing xlsx) and the ones it needs.
HEAVY = ("openpyxl", "docxtpl", "docx", "pypdf", "matplotlib", "reportlab", "numpy", "PIL", "jinja2", "babel",
         "cryptography", "pandas")
NEEDED = ("click", "python_calamine", "orjson", "lxml", "filelock")


def imported(cmd: list[str], env: dict[str, str], cwd: Path) -> dict[str, float]:
    """Top-level packages a command imports, each with the import time of its own modules in ms (the
    sum of importtime's self column over the package and its submodules)."""
    done = subprocess.run([sys.executable, "-X", "importtime", *cmd], capture_output=True, text=True, env=env,
                          cwd=cwd)
    found: dict[str, float] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, _, name = line[len("import time:"):].split("|")
        package = name.strip().split(".")[0]
        found[package] = found.get(package, 0.0) + int(own) / 1000
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=21)
    args = parser.parse_args()
    env = env_for(REPO)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        subprocess.run([*FORMKIT, "--quiet", "init", str(tmp / "werkmap")], check=True, env=env, cwd=tmp,
                       stdout=subprocess.DEVNULL)
        controle = ["--map", str(tmp / "werkmap"), "controle", "--json"]
        bare, version, empty = take_turns([
            Command("python -c pass", [sys.executable, "-c", "pass"], env),
            Command("formkit --version", [*FORMKIT, "--version"], env),
            Command("formkit controle --json (leeg register)", [*FORMKIT, *controle], env, (0, 1)),
        ], args.repeat, cwd=tmp)
        print(f"{'opdracht (vers proces)':>42} {'wand':>8} {'cpu':>8} {'piek':>7}")
        for m in (bare, version, empty):
            print(f"{m.name:>42} {m.wall * 1000:>6.0f}ms {m.cpu * 1000:>6.0f}ms {m.rss_mb:>5.0f}MB  ({m.spread})")
        record("start: formkit --version", version.wall * 1000, "ms", "python -c pass", bare.wall * 1000, "gemeld")
        record("start: controle --json, leeg register", empty.wall * 1000, "ms", "python -c pass",
               bare.wall * 1000, "gemeld")
        found = imported(["-m", "formkit", *controle], env, tmp)
    print("controle importeert (python -X importtime, eigen modules van elk pakket):")
    for name in NEEDED + HEAVY:
        state = f"{found[name]:6.1f} ms" if name in found else "  niet geladen"
        print(f"  {name:<16} {state}")
    biggest = sorted(((t, n) for n, t in found.items()), reverse=True)[:8]
    print("grootste imports: " + ", ".join(f"{n} {t:.0f} ms" for t, n in biggest))
    named = ("openpyxl", "docxtpl", "pypdf", "matplotlib", "reportlab")
    loaded = [name for name in named if name in found]
    record(f"start: controle laadt {', '.join(named)}?", len(loaded), "", "", None,
           f"gemeld: {', '.join(loaded) if loaded else 'geen ervan'}")

if __name__ == "__main__":
    main()
