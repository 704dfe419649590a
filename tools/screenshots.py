"""Screenshots of every page of `formkit app` for the user guide, made from a fresh demo folder.

    .venv/bin/python tools/screenshots.py [docs/screenshots]

Needs Playwright (the test extra) and Debian's chromium (or CHROMIUM=/path/to/chrome). The demo's
invented complaints only: no real data ever reaches a screenshot. The guide's examples are dated
24 November 2026; to match them, run this under faketime with the offset from today to that day
(for example `faketime -f -6d .venv/bin/python tools/screenshots.py`): the browser itself is
started without faketime.

Besides the pages: a letter made from a complaint's page with an e-mail draft (needs LibreOffice),
the e-mail and signature options of one letter, and the page's refusal while Excel has the register
open (an Excel owner file `~$klachtenregister.xlsx`, removed again).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import urllib.parse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from formkit.pdf.forms import make_blank_form
from formkit.register.reading import read_register
from formkit.workfolder.demo import DEMO_COMPLAINTS, fill_form, run_demo

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
# a Dutch browser (headless Chromium may still show date fields as mm/dd/yyyy; on a Dutch computer dd-mm-jjjj)
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync", "--lang=nl-NL"]
BROWSER_ENV = ({k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")}
               | {"LANG": "nl_NL.UTF-8", "LANGUAGE": "nl"})
LAUNCH = "import sys\nfrom formkit.cli import main\nsys.argv[0] = 'formkit'\nmain()\n"
PAGES = (("vandaag", "/"), ("klachten", "/klachten"), ("klacht", "/klacht/{number}"),
         ("maandcontrole", "/maandcontrole"), ("analyse", "/analyse"), ("formulieren", "/formulieren"),
         ("inlezen", "/inlezen"))


def main(target: Path) -> None:
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "voorbeeld"
        for _ in run_demo(folder):
            pass
        returned = fill_form(make_blank_form(_settings(folder), "klacht"), Path(tmp) / "klachtenformulier.pdf",
                             {**DEMO_COMPLAINTS[0], "naam": "Lieke de Graaf", "email": "lieke@example.nl"})
        complaints = read_register(_settings(folder).register).complaints
        number = _by_remark(complaints, "laat gereageerd, in behandeling")
        no_reaction = _by_remark(complaints, "reactie te laat")
        app = subprocess.Popen([sys.executable, "-c", LAUNCH, "--map", str(folder), "app", "--no-browser"],
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            assert app.stdout is not None
            address = app.stdout.readline().decode().strip()
            base = address.split("/?")[0]
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, env=BROWSER_ENV)
                page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="nl-NL")
                page.goto(address)
                for name, path in PAGES:
                    _open(page, base, path.format(number=number))
                    page.screenshot(path=str(target / f"{name}.png"))
                _letters(page, base, no_reaction, target)
                _register_open(page, base, folder, target)
                _open(page, base, "/inlezen")
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


def _open(page: Page, base: str, path: str) -> None:
    page.goto(base + urllib.parse.quote(path))
    page.wait_for_load_state("load")


def _letters(page: Page, base: str, number: str, target: Path) -> None:
    """A complaint's letter actions (e-mail and signature options), then a letter made with a draft."""
    _open(page, base, f"/klacht/{number}")
    box = page.locator("ul.acties > li").filter(has=page.get_by_role("heading", name="Ontvangstbevestiging"))
    box.scroll_into_view_if_needed()
    page.locator("ul.acties").screenshot(path=str(target / "klacht-maken.png"))
    box.get_by_label("E-mailconcept met de PDF").check()
    box.get_by_role("button", name="Ontvangstbevestiging maken").click()
    page.locator(".melding").first.wait_for(timeout=180_000)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(target / "brief-gemaakt.png"))


def _register_open(page: Page, base: str, folder: Path, target: Path) -> None:
    """What the page says while Excel has the register open (Excel's owner file beside it)."""
    owner = _settings(folder).register.with_name("~$klachtenregister.xlsx")
    name = "Yvonne Lips"
    owner.write_bytes((bytes([len(name)]) + name.encode("cp1252")).ljust(54, b" ")
                      + len(name).to_bytes(2, "little") + name.encode("utf-16-le"))
    try:
        _open(page, base, "/maandcontrole")
        page.get_by_role("button", name="Signalering schrijven in het register").click()
        page.locator(".melding.fout").wait_for(timeout=60_000)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(target / "register-open.png"))
    finally:
        owner.unlink()


def _by_remark(complaints, remark: str) -> str:
    """The demo complaint in a given state (the demo notes it in Opmerkingen: 'Voorbeeld: ...')."""
    return next(c.number_text for c in complaints if (c.remarks or "").endswith(remark))


def _settings(folder: Path):
    from formkit.settings import load_settings

    return load_settings(folder)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots")
