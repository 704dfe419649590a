"""Screenshots of every page of `formkit app` for the user guide, made from a fresh demo folder.

    .venv/bin/python tools/screenshots.py [docs/screenshots]

Needs Playwright (the test extra) and Debian's chromium (or CHROMIUM=/path/to/chrome). The demo's
invented complaints only: no real data ever reaches a screenshot.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

from playwright.sync_api import sync_playwright

from formkit.pdf.forms import make_blank_form
from formkit.register.reading import read_register
from formkit.workfolder.demo import DEMO_COMPLAINTS, fill_form, run_demo

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
LAUNCH = "import sys\nfrom formkit.cli import main\nsys.argv[0] = 'formkit'\nmain()\n"


def main(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "voorbeeld"
        for _ in run_demo(folder):
            pass
        returned = fill_form(make_blank_form(_settings(folder), "klacht"), Path(tmp) / "klachtenformulier.pdf",
                             {**DEMO_COMPLAINTS[0], "naam": "Lieke de Graaf", "email": "lieke@example.nl"})
        app = subprocess.Popen([sys.executable, "-c", LAUNCH, "--map", str(folder), "app", "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            assert app.stdout is not None
            address = app.stdout.readline().decode().strip()
            base = address.split("/?")[0]
            number = next(c.number_text for c in read_register(_settings(folder).register).complaints
                          if (c.remarks or "").endswith("gereageerd, in behandeling"))
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="nl-NL")
                page.goto(address)
                for name, path in (("vandaag", "/"), ("klachten", "/klachten"), ("klacht", f"/klacht/{number}"),
                                   ("maandcontrole", "/maandcontrole"), ("analyse", "/analyse"),
                                   ("formulieren", "/formulieren"), ("inlezen", "/inlezen")):
                    page.goto(base + urllib.parse.quote(path))
                    page.wait_for_load_state("load")
                    page.screenshot(path=str(target / f"{name}.png"))
                page.get_by_label("PDF-formulieren").set_input_files(str(returned))
                page.get_by_role("button", name="Bekijken wat er verandert").click()
                page.locator("ul.inlees-bestanden").wait_for(timeout=120_000)
                page.screenshot(path=str(target / "inlezen-bekijken.png"))
                browser.close()
        finally:
            os.killpg(app.pid, signal.SIGINT)
            app.wait(60)
    for made in sorted(target.glob("*.png")):
        print(made)


def _settings(folder: Path):
    from formkit.settings import load_settings

    return load_settings(folder)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
