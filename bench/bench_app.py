"""The web page against the command line, side by side (goals of issue 14):

- a letter with PDF: from the POST to the PDF on disk and the date in the register (the page answers
  when both are there), against `formkit brief ontvangst NUMMER --pdf` as a fresh process; the
  page's LibreOffice is warm (one letter first, untimed). Goal: <= 0.4x.
- the Vandaag page of a 300-row register (HTTP request to the whole page), against
  `formkit controle --json` on the same register as a fresh process. Goal: <= 2x. The page reads
  the register on every request (no cache): the bench changes the register between requests and
  checks that the page shows it.

Each run takes another complaint without Datum reactie, so every letter is really made and recorded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

from procs import FORMKIT, REPO, env_for, run_once
from results import record

from formkit.register.reading import read_register
from formkit.register.storage import update_register
from formkit.workfolder.create import init_workfolder

LAUNCH = ("import sys\nfrom formkit.cli import main\nif 'app' not in main.commands:\n"
          "    from formkit.cli.app import app_command\n    main.add_command(app_command)\n"
          "sys.argv[0] = 'formkit'\nmain()\n")


def build(folder: Path, rows: int, unanswered: int):
    """A register of `rows` complaints: 95% handled; the newest `unanswered` received this week, no reaction yet."""
    today = dt.date.today()
    settings = init_workfolder(folder).settings
    with update_register(settings, "bench") as update:
        for i in range(rows):
            received = today - dt.timedelta(days=1 + i % 5 if i < unanswered else 1 + (i * 660) // rows)
            row = {"number": f"K-{received.year}-{i + 1:04d}", "received": received, "channel": "e-mail",
                   "client_type": "particulier", "name": f"Deelnemer {i}", "address": f"Straat {i}",
                   "postcode": "5492 AB", "city": "Gemonde", "email": f"d{i}@example.nl",
                   "description": "Omschrijving van de klacht. " * 4, "category": "Overig", "serious": "nee",
                   "handler": "Yvonne Lips", "reaction_date": received + dt.timedelta(days=2)}
            if i < unanswered:
                del row["reaction_date"]
            elif i % 20:
                handled = min(received + dt.timedelta(days=14), today)
                row.update(handled_date=handled, feedback_date=handled, satisfaction="4",
                           satisfaction_date=min(handled + dt.timedelta(days=7), today), cause="Planning",
                           solution="Opgelost")
            update.append(row)
    return settings


class App:
    def __init__(self, root: Path, env: dict[str, str]) -> None:
        self.process = subprocess.Popen([sys.executable, "-c", LAUNCH, "--map", str(root), "app", "--no-browser"],
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env,
                                        start_new_session=True)
        assert self.process.stdout is not None
        line = self.process.stdout.readline().decode().strip()
        parts = urllib.parse.urlsplit(line)
        self.port = parts.port
        self.origin = f"http://127.0.0.1:{self.port}"
        answer = self.request("GET", f"/?{parts.query}")
        self.cookie = answer.getheader("Set-Cookie").split(";")[0]

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        sent = {"Host": f"127.0.0.1:{self.port}", **({"Cookie": self.cookie} if hasattr(self, "cookie") else {}),
                **(headers or {})}
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        answer.body = answer.read()
        connection.close()
        return answer

    def page(self, path: str = "/") -> str:
        answer = self.request("GET", path)
        assert answer.status == 200, answer.status
        return answer.body.decode()

    def letter(self, number: str) -> float:
        csrf = re.search(r'name="csrf" value="([^"]+)"', self.page("/inlezen"))[1]
        body = urllib.parse.urlencode({"csrf": csrf, "nummer": number, "soort": "ontvangst", "uitvoer": "beide",
                                       "terug": "/inlezen"}).encode()
        start = time.perf_counter()
        answer = self.request("POST", "/maken", body, {"Content-Type": "application/x-www-form-urlencoded",
                                                       "Origin": self.origin})
        took = time.perf_counter() - start
        assert answer.status == 303, answer.status
        return took

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGINT)
        self.process.wait(60)


def made(settings, number: str) -> bool:
    pdf = settings.dossier(number) / f"{dt.date.today()} ontvangst {number}.pdf"
    return pdf.is_file() and read_register(settings.register).get(number).reaction_date == dt.date.today()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    env = env_for(REPO)
    with tempfile.TemporaryDirectory() as tmp:
        settings = build(Path(tmp) / "werkmap", args.rows, unanswered=2 * args.repeat + 1)
        waiting = [c.number_text for c in read_register(settings.register).complaints if c.reaction_date is None]
        app = App(settings.root, env)
        try:
            app.letter(waiting.pop())  # LibreOffice starts for the page: untimed
            page_runs, cli_runs = [], []
            for n in range(args.repeat):
                for side in (("app", "cli") if n % 2 == 0 else ("cli", "app")):
                    number = waiting.pop()
                    if side == "app":
                        page_runs.append(app.letter(number))
                    else:
                        run = run_once([*FORMKIT, "--map", str(settings.root), "brief", "ontvangst", number, "--pdf"],
                                       env)
                        assert run.code == 0, run.stderr
                        cli_runs.append(run.wall)
                    assert made(settings, number), number
            ours, theirs = statistics.median(page_runs), statistics.median(cli_runs)
            print(f"brief ontvangst met PDF: pagina {ours * 1000:.0f} ms, opdracht {theirs * 1000:.0f} ms, "
                  f"verhouding {ours / theirs:.2f}x (doel <= 0.40x)")
            record("app: brief met PDF (POST tot PDF en datum)", ours * 1000, "ms",
                   "formkit brief ontvangst --pdf (eigen proces)", theirs * 1000, "<= 0.40x")

            vandaag, controle = [], []
            for n in range(3 * args.repeat):
                # the register changes between requests (as staff save it in Excel): the page must show it
                number = f"K-{dt.date.today().year}-9{n:03d}"
                with update_register(settings, "bench") as update:
                    update.append({"number": number, "received": dt.date.today() - dt.timedelta(days=40),
                                   "name": "Nieuw", "serious": "nee", "handler": "Yvonne Lips"})
                start = time.perf_counter()
                body = app.page("/")
                vandaag.append(time.perf_counter() - start)
                assert number in body, "the page shows the register as it is saved now"
                run = run_once([*FORMKIT, "--map", str(settings.root), "controle", "--json"], env)
                assert run.code in (0, 1), run.stderr
                controle.append(run.wall)
            ours, theirs = statistics.median(vandaag), statistics.median(controle)
            print(f"Vandaag, {args.rows} rijen: pagina {ours * 1000:.0f} ms, controle --json {theirs * 1000:.0f} ms, "
                  f"verhouding {ours / theirs:.2f}x (doel <= 2x)")
            record(f"app: pagina Vandaag, {args.rows} rijen", ours * 1000, "ms",
                   "formkit controle --json (eigen proces)", theirs * 1000, "<= 2x")
        finally:
            app.stop()


if __name__ == "__main__":
    main()
