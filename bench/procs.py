"""Timing whole processes side by side: wall time, CPU time and peak memory (max RSS) of each run.

Commands take turns within every round (and the order flips each round), so a busier moment of a
shared machine, or the page cache warmed by the one before, weighs on all of them alike; the
figures are medians over the rounds.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# As staff start it: the console script when formkit is installed, else the module.
_SCRIPT = Path(sys.executable).with_name("formkit.exe" if os.name == "nt" else "formkit")
FORMKIT = [str(_SCRIPT)] if _SCRIPT.exists() else [sys.executable, "-m", "formkit"]


def env_for(checkout: Path = REPO) -> dict[str, str]:
    """The environment for a child that must import formkit from `checkout` (before any installed copy)."""
    return {**os.environ, "PYTHONPATH": str(checkout)}


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds of the child
    rss_mb: float | None  # peak resident memory of the child (Linux/macOS), MB
    code: int
    stderr: str


# The child is started by a small launcher (python -S) that forks it and waits for it with wait4:
# Linux carries a process's peak RSS over fork and exec, so a child started straight from this
# (large) benchmark process would report at least this process's own peak.
_LAUNCHER = """
import os, sys, time
report, cmd = sys.argv[1], sys.argv[2:]
start = time.perf_counter()
pid = os.fork()
if pid == 0:
    try:
        os.execvp(cmd[0], cmd)
    finally:
        os._exit(127)
_, status, usage = os.wait4(pid, 0)
wall = time.perf_counter() - start
with open(report, "w") as fh:
    fh.write(f"{wall} {usage.ru_utime + usage.ru_stime} {usage.ru_maxrss} {os.waitstatus_to_exitcode(status)}")
"""


def run_once(cmd: Sequence[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> Run:
    """One fresh process: wall time, its own CPU time and peak memory (POSIX), exit code, stderr."""
    with tempfile.TemporaryFile() as err, tempfile.TemporaryDirectory() as tmp:
        if hasattr(os, "fork"):
            report = Path(tmp) / "gebruik"
            subprocess.run([sys.executable, "-S", "-c", _LAUNCHER, str(report), *cmd], stdin=subprocess.DEVNULL,
                           stdout=subprocess.DEVNULL, stderr=err, env=env, cwd=cwd)
            wall_s, cpu_s, rss_s, code_s = report.read_text().split()
            # ru_maxrss: kilobytes on Linux, bytes on macOS
            rss = int(rss_s) / (1024 * 1024 if sys.platform == "darwin" else 1024)
            wall, cpu, code = float(wall_s), float(cpu_s), int(code_s)
        else:  # Windows: wall time only
            start = time.perf_counter()
            code = subprocess.run(list(cmd), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err,
                                  env=env, cwd=cwd).returncode
            wall, cpu, rss = time.perf_counter() - start, float("nan"), None
        err.seek(0)
        return Run(wall, cpu, rss, code, err.read().decode(errors="replace"))


@dataclass
class Measured:
    name: str
    runs: list[Run] = field(default_factory=list)

    @property
    def wall(self) -> float:
        return statistics.median(r.wall for r in self.runs)

    @property
    def cpu(self) -> float:
        return statistics.median(r.cpu for r in self.runs)

    @property
    def rss_mb(self) -> float | None:
        values = [r.rss_mb for r in self.runs if r.rss_mb is not None]
        return statistics.median(values) if values else None

    @property
    def spread(self) -> str:
        """Lowest and highest wall time, for the detail lines."""
        walls = [r.wall for r in self.runs]
        return f"{min(walls) * 1000:.0f}-{max(walls) * 1000:.0f} ms"


@dataclass
class Command:
    name: str
    cmd: Sequence[str]
    env: dict[str, str] | None = None
    ok_codes: tuple[int, ...] = (0,)
    before: Callable[[int], None] | None = None  # untimed set-up before run n (e.g. restore a file)
    cmd_for: Callable[[int], Sequence[str]] | None = None  # the command of run n, when it differs per run


def take_turns(commands: Sequence[Command], repeat: int, cwd: Path | None = None) -> list[Measured]:
    """Every command `repeat` times, taking turns; the order is reversed every other round."""
    measured = [Measured(c.name) for c in commands]
    order = list(range(len(commands)))
    for n in range(repeat):
        for i in (order if n % 2 == 0 else order[::-1]):
            command = commands[i]
            if command.before:
                command.before(n)
            cmd = command.cmd_for(n) if command.cmd_for else command.cmd
            run = run_once(cmd, command.env, cwd)
            if run.code not in command.ok_codes or "Traceback" in run.stderr:
                raise SystemExit(f"{command.name} faalde (exitcode {run.code}): {run.stderr[-2000:]}")
            measured[i].runs.append(run)
    return measured


def python_has(module: str) -> bool:
    """Whether this Python can import `module` (checked in a child, so nothing is loaded here)."""
    return subprocess.run([sys.executable, "-c", f"import {module}"], capture_output=True).returncode == 0
