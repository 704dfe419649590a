"""One summary table over every benchmark: each figure beside its comparison, the ratio and the goal.

Benchmarks call `record(...)`; `bench/run` sets BENCH_RESULTS to a file and prints `python results.py FILE`.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path


def record(what: str, ours: float, unit: str, against: str, theirs: float | None, goal: str) -> None:
    """Append one figure to the run's results file (nothing when run on its own)."""
    target = os.environ.get("BENCH_RESULTS")
    if not target:
        return
    entry = {"what": what, "ours": ours, "unit": unit, "against": against, "theirs": theirs, "goal": goal}
    with Path(target).open("a", encoding="utf-8") as fh:
        fh.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    if unit == "x":
        return f"{value:.2f}x"
    if unit == "ms":
        return f"{value:.1f} ms" if value < 100 else f"{value:.0f} ms"
    return f"{value:g} {unit}".strip()


def main(path: str) -> None:
    rows = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    header = ("meting", "formkit", "vergeleken met", "daarvan", "verhouding", "doel")
    table = [header]
    for r in rows:
        ratio = f"{r['ours'] / r['theirs']:.2f}x" if r["theirs"] else "-"
        table.append((r["what"], _fmt(r["ours"], r["unit"]), r["against"], _fmt(r["theirs"], r["unit"]), ratio, r["goal"]))
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    for n, row in enumerate(table):
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths)).rstrip())
        if n == 0:
            print("  ".join("-" * width for width in widths))


if __name__ == "__main__":
    main(sys.argv[1])
