"""Crash soak and concurrency: real `formkit` processes killed at random moments or run side by side.

On a 2,000-row register, `formkit inlezen`, `formkit brief ontvangst` and `formkit controle --markeer`
are SIGKILLed at random moments. After every kill the register must open (formkit and openpyxl)
and hold exactly the old or the new content of that command, never a lost row. Long runs only
(`--long` or FORMKIT_LONG=1, 240 kills); the normal suite crashes `formkit` at every step of its
writes instead, deterministically (tests/test_storage.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from filelock import FileLock

from formkit.cli import main
from formkit.pdf.forms import make_form
from formkit.register.model import VALUE_KEYS
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from formkit.settings import Settings, load_settings
from formkit.workfolder.create import init_workfolder
from tests.pdffill import pypdf_fill

ROOT = Path(__file__).resolve().parent.parent
ROWS = 2000
BATCH = 5  # numbers per `brief ontvangst`
FORMS = ("Soak Klager A", "Soak Klager B", "Soak Klager C")
PEILDATUMS = (dt.date(2026, 6, 1), dt.date(2026, 9, 1))
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}

State = dict[str, tuple]  # Klachtnummer -> every value of its row


def letters(*numbers: str) -> list[str]:
    """`brief ontvangst` for complaints whose term has passed (all of them here): a letter then names
    the date given with --verwacht (after today) and records it as an extension."""
    later = dt.date.today() + dt.timedelta(days=90)
    return ["brief", "ontvangst", *numbers, "--verwacht", later.strftime("%d-%m-%Y")]


@pytest.fixture(scope="module")
def big_folder(tmp_path_factory) -> Path:
    """A working folder with 2,000 complaints, built once and copied per test."""
    root = tmp_path_factory.mktemp("soak") / "werkmap"
    settings = init_workfolder(root).settings
    with update_register(settings, "opbouw") as update:
        for i in range(1, ROWS + 1):
            update.append({
                "number": f"K-2026-{i:04d}", "received": dt.date(2026, 1, 1) + dt.timedelta(days=i % 300),
                "channel": "e-mail", "client_type": "particulier" if i % 3 else "bedrijf", "name": f"Klager {i}",
                "city": "Gemonde", "description": "Omschrijving van de klacht, met wat tekst. " * 2,
                "category": "Overig", "serious": "ja" if i % 50 == 0 else "nee", "handler": "Yvonne Lips",
            })
    shutil.rmtree(settings.register.parent / "backups")
    return root


@pytest.fixture
def folder(big_folder, tmp_path) -> Settings:
    target = tmp_path / "werkmap"
    shutil.copytree(big_folder, target)
    return load_settings(target)


def formkit(settings: Settings, *args: str, **kwargs) -> subprocess.Popen:
    """Start the real CLI in its own process group (so a killed run's helpers can be ended too)."""
    return subprocess.Popen([sys.executable, "-m", "formkit", "--map", str(settings.root), *args], env=ENV,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            **kwargs)


def end_group(proc: subprocess.Popen) -> None:
    """After the main process died: end what it started (PDF workers), by its process group id."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def state(settings: Settings) -> State:
    register = read_register(settings.register)
    return {c.number: tuple(getattr(c, k) for k in VALUE_KEYS) for c in register.complaints}


def temp_files(settings: Settings) -> list[Path]:
    register = settings.register
    return [*register.parent.glob(f".{register.name}.*.tmp"),
            *(register.parent / "backups").glob(f".{register.stem}-*.tmp")]


KEY = {k: i for i, k in enumerate(VALUE_KEYS)}


def changed_keys(old: tuple, new: tuple) -> set[str]:
    return {k for k, i in KEY.items() if old[i] != new[i]}


@dataclass
class Soak:
    """Runs commands, kills them at random moments and checks the register after each."""

    settings: Settings
    rng: random.Random
    durations: dict[str, float] = field(default_factory=dict)
    outcomes: Counter = field(default_factory=Counter)
    verified: set[str] = field(default_factory=set)
    temps: set[Path] = field(default_factory=set)
    current: State | None = None
    kills: int = 0

    def run(self, name: str, args: list[str], kill: bool) -> tuple[State, State, bool]:
        """One run, killed at a random moment (or not); returns state before, after, and if killed."""
        before = self.current if self.current is not None else state(self.settings)
        proc = formkit(self.settings, *args)
        killed = False
        if kill:
            killed = self.kill_at_random(name, proc)
            self.kills += killed
        start = time.monotonic()
        out, err = proc.communicate(timeout=120)
        end_group(proc)
        if not kill:
            self.durations[name] = time.monotonic() - start + 0.05
        assert killed or proc.returncode in (0, 1), f"{name}: exit {proc.returncode}\n{err}"
        assert killed or "Traceback" not in err, err
        if killed and "Traceback" in err:  # a PDF worker noticing its parent is gone (not formkit's own output)
            self.outcomes[(name, "helper meldt traceback na kill")] += 1
        left = set(temp_files(self.settings)) - self.temps
        if left:  # killed between writing the new file and putting it in place
            self.outcomes[(name, "gedood tijdens het schrijven")] += 1
            self.temps |= left
        self.current = self.check_opens()
        return before, self.current, killed

    def kill_at_random(self, name: str, proc: subprocess.Popen) -> bool:
        """Kill anywhere in the run, late in it, or while the backup or new register is being written."""
        span = self.durations.get(name, 0.5)
        moment = self.rng.random()
        if moment < 0.25:  # the moment a temporary file appears: the write itself
            stale = set(temp_files(self.settings))
            deadline = time.monotonic() + 2 * span
            while proc.poll() is None and time.monotonic() < deadline:
                if set(temp_files(self.settings)) - stale:
                    proc.kill()
                    return True
                time.sleep(0.0005)
            if proc.poll() is not None:
                return False
        delay = span * (self.rng.uniform(0.0, 1.0) if moment < 0.6 else self.rng.uniform(0.6, 1.0))
        try:
            proc.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            proc.kill()
            return True
        return False

    def check_opens(self) -> State:
        """The register opens in formkit and openpyxl (each distinct file content checked once)."""
        data = self.settings.register.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        after = state(self.settings)
        if digest not in self.verified:
            wb = openpyxl.load_workbook(self.settings.register, read_only=True)
            rows = sum(1 for _ in wb["Klachten"].iter_rows(values_only=True))
            wb.close()
            assert rows >= len(after) + 1
            self.verified.add(digest)
        return after

    def record(self, name: str, before: State, after: State, killed: bool) -> None:
        outcome = "oud" if after == before else "nieuw"
        self.outcomes[(name, f"{outcome}{' (gedood)' if killed else ''}")] += 1


def check_letters(before: State, after: State, numbers: list[str], today: dt.date) -> None:
    """brief ontvangst: nothing changed, or Datum reactie = today on every number of the batch (and
    the extension to the date given with --verwacht)."""
    assert set(after) == set(before), "no row lost or added"
    if after == before:
        return
    for number, values in after.items():
        if number in numbers:
            assert changed_keys(before[number], values) <= {"reaction_date", "extended_until",
                                                             "extension_notice_date"}
            assert values[KEY["reaction_date"]] == today
        else:
            assert values == before[number], f"{number} changed by a letter for other complaints"


def check_marks(before: State, after: State, expected: dict[str, str | None]) -> None:
    """controle --markeer: nothing changed, or Signalering is the new text on every row at once."""
    assert set(after) == set(before)
    if after == before:
        return
    for number, values in after.items():
        assert changed_keys(before[number], values) <= {"signal"}, number
        assert values[KEY["signal"]] == expected[number], f"{number}: half of the Signalering column written"


def check_intake(before: State, after: State, target: str) -> None:
    """inlezen: nothing changed, or three new complaints and the satisfaction score, all together."""
    assert set(before) <= set(after), "never a lost row"
    if after == before:
        return
    new = set(after) - set(before)
    assert sorted(after[n][KEY["name"]] for n in new) == list(FORMS), "all three forms or none"
    for number, values in before.items():
        if number != target:
            assert after[number] == values, f"{number} changed by forms for other complaints"
    assert after[target][KEY["satisfaction"]] == "4", "the satisfaction form was applied with the new rows"
    assert changed_keys(before[target], after[target]) <= {"satisfaction", "satisfaction_date", "remarks"}


def expected_marks(settings: Settings, peildatum: dt.date) -> dict[str, str | None]:
    """What `controle --markeer` writes in Signalering, computed here from the register as it is."""
    from formkit.check.deadlines import check
    from formkit.check.findings import signal_text

    register = read_register(settings.register)
    findings = check(register.complaints, peildatum, settings, register.duplicates)
    per_row = defaultdict(list)
    for finding in findings:
        per_row[finding.row].append(finding)
    return {c.number: (c.signal if c.is_anonymised else (signal_text(per_row.get(c.row, [])) or None))
            for c in register.complaints}


def complaint_forms(settings: Settings, folder: Path, round_number: int = 0) -> Path:
    """The three complaint forms in folder/inbox, different in every round (a file read before, by
    its dossier copy or the ledger, is never read again)."""
    blank = folder / "leeg-klacht.pdf"
    make_form("klacht", settings, blank)
    inbox = folder / "inbox"
    inbox.mkdir(exist_ok=True)
    for i, name in enumerate(FORMS):
        pypdf_fill(blank, inbox / f"klacht-{i}.pdf", {
            "naam": name, "omschrijving": f"Soak {i}, ronde {round_number} {{{{ 7*7 }}}}", "datum": "24-11-2026",
            "email": f"soak{i}@example.nl"})
    blank.unlink()
    return inbox


def satisfaction_form(settings: Settings, inbox: Path, number: str) -> None:
    """The satisfaction form formkit makes for the complaint (a typed number alone is not accepted), filled in."""
    for old in inbox.glob("tevredenheid-*.pdf"):
        old.unlink()
    made = make_form("tevredenheid", settings, inbox.parent / "tevredenheid-gemaakt.pdf",
                     read_register(settings.register).get(number))
    pypdf_fill(made, inbox / f"tevredenheid-{number}.pdf", {"tevredenheid": "4"})


def test_crash_soak_on_2000_rows(folder, tmp_path, long_run):
    """SIGKILL inlezen, brief and controle --markeer at random moments: old or new register, never broken."""
    if not long_run:
        pytest.skip("random kills: --long or FORMKIT_LONG=1")
    target = 240
    soak = Soak(folder, random.Random(20261124))
    today = dt.date.today()
    fresh = iter(f"K-2026-{i:04d}" for i in range(1, ROWS + 1))
    targets = iter(f"K-2026-{i:04d}" for i in range(ROWS, 0, -1))
    round_number = 0
    while soak.kills < target:
        assert round_number < target, "runs keep ending before the kill: durations misjudged"
        kill = round_number > 0  # the first round measures each command's duration
        numbers = [next(fresh) for _ in range(BATCH)]
        before, after, killed = soak.run("brief", letters(*numbers), kill)
        check_letters(before, after, numbers, today)
        soak.record("brief", before, after, killed)

        peildatum = PEILDATUMS[round_number % 2]
        expected = expected_marks(folder, peildatum)
        before, after, killed = soak.run("controle", ["controle", "--markeer", "--peildatum", peildatum.isoformat()],
                                         kill)
        check_marks(before, after, expected)
        soak.record("controle", before, after, killed)

        scored = next(targets)
        inbox = complaint_forms(folder, tmp_path, round_number)
        satisfaction_form(folder, inbox, scored)
        before, after, killed = soak.run("inlezen", ["inlezen", str(inbox)], kill)
        check_intake(before, after, scored)
        soak.record("inlezen", before, after, killed)
        round_number += 1
    # the next write cleans what killed writes left behind, and the register is whole
    proc = formkit(folder, "controle", "--markeer", "--peildatum", "2026-12-01")
    proc.communicate(timeout=60)
    assert proc.returncode in (0, 1) and not temp_files(folder)
    wb = openpyxl.load_workbook(folder.register)
    assert wb["Klachten"].max_row >= ROWS + 1
    numbers = [c.number for c in read_register(folder.register).complaints]
    assert len(numbers) == len(set(numbers)) and numbers[:ROWS] == [f"K-2026-{i:04d}" for i in range(1, ROWS + 1)]
    assert soak.kills >= target
    print(f"\ncrash soak: {soak.kills} kills in {round_number} rounds, {ROWS} rows; "
          + ", ".join(f"{name} {what}: {n}" for (name, what), n in sorted(soak.outcomes.items()) if n))


# -- concurrency ---------------------------------------------------------------------------------


def test_two_and_four_processes_writing_at_once(folder, tmp_path):
    """brief and inlezen side by side: each succeeds or is refused (exit 2); no successful write is lost."""
    blank = tmp_path / "leeg.pdf"
    make_form("klacht", folder, blank)

    def inbox(n: int) -> Path:
        path = tmp_path / f"inbox{n}"
        path.mkdir()
        for i in range(2):
            pypdf_fill(blank, path / f"k{i}.pdf", {"naam": f"Gelijktijdig {n}-{i}", "datum": "24-11-2026"})
        return path

    def batch(n: int) -> list[str]:
        return [f"K-2026-{10 * n + i:04d}" for i in range(1, 4)]

    scenarios = [[("brief", batch(1)), ("brief", batch(2))],
                 [("inlezen", inbox(1)), ("inlezen", inbox(2))],
                 [("brief", batch(3)), ("brief", batch(4)), ("inlezen", inbox(3)), ("inlezen", inbox(4))]]
    today = dt.date.today()
    refused = succeeded = 0
    for scenario in scenarios:
        procs = [formkit(folder, *letters(*what)) if kind == "brief" else formkit(folder, "inlezen", str(what))
                 for kind, what in scenario]
        results = [proc.communicate(timeout=120) for proc in procs]
        complaints = read_register(folder.register).complaints
        by_number = {c.number: c for c in complaints}
        names = Counter(c.name for c in complaints)
        for (kind, what), proc, (_, err) in zip(scenario, procs, results, strict=True):
            assert "Traceback" not in err, err
            if proc.returncode == 2:
                assert "andere formkit-opdracht" in err, err
                refused += 1
                continue
            assert proc.returncode in (0, 1), err
            succeeded += 1
            if kind == "brief":
                assert all(by_number[n].reaction_date == today for n in what), "a successful letter run was lost"
            else:
                n = what.name.removeprefix("inbox")
                assert names[f"Gelijktijdig {n}-0"] == 1 and names[f"Gelijktijdig {n}-1"] == 1, "lost or doubled"
        numbers = [c.number for c in complaints]
        assert len(numbers) == len(set(numbers)), "two runs gave out the same Klachtnummer"
    assert succeeded >= 4
    print(f"\nconcurrency: {succeeded} runs written, {refused} refused with 'andere formkit-opdracht'")


def test_a_run_that_cannot_get_the_lock_is_refused(folder, monkeypatch):
    """Another run holds the lock: formkit gives up after LOCK_TIMEOUT with the Dutch refusal, exit 2."""
    import formkit.register.storage as storage

    monkeypatch.setattr(storage, "LOCK_TIMEOUT", 0.1)
    before = folder.register.read_bytes()
    lock = FileLock(str(folder.register.with_name(f".{folder.register.name}.lock")))
    with lock:
        results = [cli(folder, *letters("K-2026-0001")),
                   cli(folder, "controle", "--markeer", "--peildatum", "2026-06-01")]
    for result in results:
        assert result.exit_code == 2, result.output
        assert "wordt op dit moment bijgewerkt door een andere formkit-opdracht" in result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert folder.register.read_bytes() == before


def cli(settings: Settings, *args: str):
    """The real CLI in this process (so that the test can change a module's setting or hook in)."""
    return CliRunner().invoke(main, ["--map", str(settings.root), *args])


def excel_opens_the_register(settings: Settings):
    """A stand-in for the CLI's progress helper that opens the register "in Excel" once the first
    item is done: while `brief` makes its letters, or while `inlezen` reads its forms."""
    lock = settings.register.with_name("~$" + settings.register.name)

    def progress(label: str, threshold: int = 5):
        def each(items):
            for i, item in enumerate(items):
                if i == 1:
                    lock.write_bytes(b"\x0bYvonne Lips" + b"\x00" * 150)
                yield item
        return each

    return progress


def test_excel_lock_file_appearing_mid_run_refuses_and_keeps_the_register(folder, tmp_path, monkeypatch):
    """Excel opens the register while `brief` makes its letters, or while `inlezen` reads: refused, nothing written."""
    import formkit.cli.documents
    import formkit.cli.forms

    before = folder.register.read_bytes()
    excel_lock = folder.register.with_name("~$" + folder.register.name)
    monkeypatch.setattr(formkit.cli.documents, "progress", excel_opens_the_register(folder))
    result = cli(folder, *letters(*[f"K-2026-{i:04d}" for i in range(1500, 1505)]))
    assert excel_lock.exists() and any(folder.dossiers.glob("K-2026-15*/*.docx")), "not opened mid-run"
    assert result.exit_code == 2 and "geopend in Excel" in result.stderr, result.output
    assert folder.register.read_bytes() == before
    inbox = complaint_forms(folder, tmp_path)
    excel_lock.unlink()
    monkeypatch.setattr(formkit.cli.forms, "progress", excel_opens_the_register(folder))
    result = cli(folder, "inlezen", str(inbox))
    assert excel_lock.exists(), "not opened mid-run"
    assert result.exit_code == 2 and "geopend in Excel" in result.stderr, result.output
    assert folder.register.read_bytes() == before
    assert not (folder.register.parent / "ingelezen.csv").exists(), "nothing recorded as read"
