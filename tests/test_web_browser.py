"""`formkit app` in a real browser (Playwright driving Debian's chromium) on a demo working folder:
every page and action, checked in the register and the dossier afterwards; at 1280x800 without
horizontal scrolling; actions by mouse with JavaScript, and again by keyboard only without it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from formkit.register.reading import read_register
from formkit.retention import due_for_destruction
from tests.test_web_support import LiveApp, browser, demo_folder, open_page  # noqa: F401 (browser: a fixture)

PAGES = {"Vandaag": "/", "Klachten": "/klachten", "Inlezen": "/inlezen", "Maandcontrole": "/maandcontrole",
         "Analyse": "/analyse", "Formulieren": "/formulieren"}
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def app(tmp_path_factory) -> Iterator[LiveApp]:
    settings = demo_folder(tmp_path_factory.mktemp("browser") / "klachten")
    live = LiveApp(settings.root)
    live.settings = settings
    yield live
    assert live.interrupt() == 0  # Ctrl-C: a clean stop
    assert "Traceback" not in live.stderr()
    assert not (settings.root / "formkit-fout.log").exists()


@pytest.fixture(scope="module")
def pages(browser, app):
    """One page with JavaScript (used with the mouse) and one without (used with the keyboard)."""
    opened = {True: open_page(browser, app, js=True), False: open_page(browser, app, js=False)}
    yield opened
    for page in opened.values():
        page.context.close()


@pytest.fixture
def mouse(pages, app):
    pages[True].goto(app.base + "/")
    return pages[True]


@pytest.fixture
def keyboard(pages, app):
    pages[False].goto(app.base + "/")
    return pages[False]


def by_state(app: LiveApp) -> dict[str, object]:
    register = read_register(app.settings.register)
    return {(c.remarks or "").removeprefix("Voorbeeld: "): c for c in register.complaints}


def complaint(app: LiveApp, number: str):
    return read_register(app.settings.register).get(number)


def fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def tab_to(page, locator, limit: int = 400) -> None:
    """Tab through the page (as a keyboard user does) until `locator` has the focus."""
    target = locator.element_handle()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("el => document.activeElement === el", target):
            return
    raise AssertionError("could not reach the element with Tab")


def cookie(page, app: LiveApp) -> str:
    """The browser's cookie for plain HTTP requests of the test itself."""
    found = next(c for c in page.context.cookies() if c["name"] == f"formkit-{app.port}")
    return f"{found['name']}={found['value']}"


def messages(page) -> str:
    return " ".join(page.locator(".melding").all_inner_texts())


def dossier(app: LiveApp, number: str) -> list[str]:
    folder = app.settings.dossier(number)
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def enter(page) -> None:
    """Enter on the focused button or field, and wait for the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def type_date(page, field, day: dt.date) -> None:
    """Type a date into the focused date field, then Tab out of it (past its calendar button).

    The field's order of day and month follows the browser's own language, not the page's: the
    first order that gives the date is kept; a wrong one is cleared segment by segment."""
    for order in ("%m%d%Y", "%d%m%Y"):
        page.keyboard.type(day.strftime(order))
        if field.input_value() == day.isoformat():
            break
        for key in ("Backspace", "Shift+Tab", "Backspace", "Shift+Tab", "Backspace"):
            page.keyboard.press(key)
    assert field.input_value() == day.isoformat()
    handle = field.element_handle()
    for _ in range(5):
        page.keyboard.press("Tab")
        if not page.evaluate("el => document.activeElement === el", handle):
            return
    raise AssertionError("could not leave the date field with Tab")


# --- every page ------------------------------------------------------------------------------

@pytest.mark.parametrize("js", [True, False], ids=["js", "zonder-js"])
def test_every_page_is_dutch_and_fits_1280x800(pages, app, js):
    page = pages[js]
    page.goto(app.base + "/")
    for label, path in PAGES.items():
        page.get_by_role("link", name=label, exact=True).click()
        assert page.url == app.base + path
        assert page.locator("html").get_attribute("lang") == "nl"
        assert page.locator("h1").first.inner_text().startswith(label)
        assert fits(page), f"{label} scrolls sideways at 1280x800"
    number = by_state(app)["nieuw binnengekomen"].number_text
    page.goto(f"{app.base}/klacht/{number}")
    assert fits(page)


def test_the_skip_link_and_the_menu_work_with_the_keyboard(keyboard, app):
    keyboard.keyboard.press("Tab")
    assert keyboard.evaluate("document.activeElement.textContent") == "Naar de inhoud"
    tab_to(keyboard, keyboard.get_by_role("link", name="Klachten", exact=True))
    keyboard.keyboard.press("Enter")
    keyboard.wait_for_url(app.base + "/klachten")


# --- Vandaag ---------------------------------------------------------------------------------

def test_vandaag_acknowledgement_by_mouse(mouse, app):
    row = mouse.locator('tr[data-soort="reactie-te-laat"]').first
    number = row.locator("th a").inner_text()
    row.get_by_label("Als").select_option("word")
    row.get_by_role("button", name="Ontvangstbevestiging maken").click()
    assert "vastgelegd in het register: Datum reactie" in messages(mouse)
    assert mouse.locator(f'tr[data-soort="reactie-te-laat"] th a:text-is("{number}")').count() == 0  # finding gone
    assert complaint(app, number).reaction_date == TODAY
    assert dossier(app, number) == [f"{TODAY} ontvangst {number}.docx"]
    assert fits(mouse)


def test_vandaag_extension_by_keyboard_without_javascript(keyboard, app):
    row = keyboard.locator('tr[data-soort="afhandeling-bijna-te-laat"]').first
    number = row.locator("th a").inner_text()
    expected = TODAY + dt.timedelta(days=30)
    keyboard.get_by_role("link", name="Afhandeling bijna te laat", exact=False).first.focus()
    field = row.get_by_label("Verwachte datum van afhandeling")
    tab_to(keyboard, field)
    type_date(keyboard, field, expected)  # then the output: Word
    keyboard.keyboard.type("W")
    keyboard.keyboard.press("Tab")
    enter(keyboard)
    assert "Verlengd tot" in messages(keyboard)
    c = complaint(app, number)
    assert (c.extended_until, c.extension_notice_date) == (expected, TODAY)
    assert f"{TODAY} verlenging {number}.docx" in dossier(app, number)


def test_vandaag_feedback_and_survey_with_pdf(mouse, app):
    for kind, letter, button in (("terugkoppeling-ontbreekt", "terugkoppeling", "Terugkoppelingsbrief maken"),
                                 ("tevredenheid-ontbreekt", "tevredenheid", "Tevredenheidsmeting versturen")):
        row = mouse.locator(f'tr[data-soort="{kind}"]').first
        number = row.locator("th a").inner_text()
        row.get_by_role("button", name=button).click()  # Word and PDF (the default)
        assert "Gemaakt" in messages(mouse)
        files = dossier(app, number)
        assert {f"{TODAY} {letter} {number}.docx", f"{TODAY} {letter} {number}.pdf"} <= set(files), files
        pdf = app.settings.dossier(number) / f"{TODAY} {letter} {number}.pdf"
        assert pdf.read_bytes().startswith(b"%PDF")
        link = mouse.get_by_role("link", name=pdf.name)
        assert link.count() == 1
        answer = mouse.context.request.get(app.base + link.get_attribute("href"))
        assert answer.status == 200 and answer.headers["content-type"] == "application/pdf"
        if letter == "terugkoppeling":
            assert complaint(app, number).feedback_date == TODAY


# --- Klachten and one complaint ---------------------------------------------------------------

@pytest.mark.parametrize("js", [True, False], ids=["js", "zonder-js"])
def test_klachten_search_and_filters(pages, app, js):
    page = pages[js]
    page.goto(app.base + "/klachten")
    target = by_state(app)["ernstig, te laat"]
    search = page.get_by_label("Zoek op nummer, naam, opleiding of omschrijving")
    search.fill(target.name.split()[-1])
    search.press("Enter")  # the keyboard submits the form
    assert target.number_text in page.locator("table.klachten tbody").inner_text()
    page.get_by_label("Zoek op nummer").fill("")
    page.get_by_label("Status").select_option("open")
    page.get_by_label("Alleen ernstige klachten").check()
    page.get_by_role("button", name="Toon").click()
    rows = page.locator("table.klachten tbody tr")
    assert rows.count() >= 1
    for text in rows.all_inner_texts():
        assert "ja" in text and "open" in text
    page.get_by_label("Behandelaar").select_option("Yvonne Lips")
    page.get_by_role("button", name="Toon").click()
    assert all("Yvonne Lips" in text for text in page.locator("table.klachten tbody tr").all_inner_texts())
    assert fits(page)


def test_complaint_page_values_files_and_actions(mouse, app):
    c = by_state(app)["gereageerd, in behandeling"]
    number = c.number_text
    mouse.goto(app.base + "/klachten")
    mouse.get_by_role("link", name=number, exact=True).click()
    assert mouse.locator("h1").inner_text() == f"Klacht {number}"
    values = mouse.locator("dl.gegevens").inner_text()
    assert c.name in values and "Klachtnummer" in values and c.course in values
    assert "Afhandelen uiterlijk" in mouse.locator("dl.termijnen").inner_text()
    form = mouse.locator("ul.acties li").filter(has_text="Registratieformulier")
    form.get_by_label("Als").select_option("pdf")
    form.get_by_role("button", name="Registratieformulier maken").click()
    assert dossier(app, number) == [f"{TODAY} registratieformulier {number}.pdf"]  # PDF only
    mouse.get_by_role("button", name="Klachtenformulier maken").click()
    assert f"{TODAY} klachtenformulier {number}.pdf" in dossier(app, number)
    files = mouse.locator("ul.dossier").inner_text()
    assert f"{TODAY} registratieformulier {number}.pdf" in files and "klachtenformulier" in files
    with mouse.expect_download() as download:
        mouse.get_by_role("link", name=f"{TODAY} registratieformulier {number}.pdf downloaden").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


def test_complaint_actions_by_keyboard_without_javascript(keyboard, app):
    c = by_state(app)["laat gereageerd, in behandeling"]
    number = c.number_text
    keyboard.goto(f"{app.base}/klacht/{number}")
    tab_to(keyboard, keyboard.get_by_role("button", name="Tevredenheidsformulier maken"))
    enter(keyboard)
    assert f"{TODAY} tevredenheidsformulier {number}.pdf" in dossier(app, number)
    form = keyboard.locator("ul.acties li").filter(has_text="Registratieformulier")
    tab_to(keyboard, form.get_by_label("Als"))
    keyboard.keyboard.type("W")
    keyboard.keyboard.press("Tab")
    enter(keyboard)
    assert f"{TODAY} registratieformulier {number}.docx" in dossier(app, number)
    # the same again: the page says it exists and offers to overwrite, as --overwrite does
    form = keyboard.locator("ul.acties li").filter(has_text="Registratieformulier")
    tab_to(keyboard, form.get_by_label("Als"))
    keyboard.keyboard.type("W")
    keyboard.keyboard.press("Tab")
    enter(keyboard)
    assert "bestaat al; niet overschreven" in messages(keyboard)
    docx = app.settings.dossier(number) / f"{TODAY} registratieformulier {number}.docx"
    before = docx.stat().st_mtime_ns
    tab_to(keyboard, keyboard.get_by_role("button", name="Toch opnieuw maken (bestaande bestanden overschrijven)"))
    enter(keyboard)
    assert "Gemaakt" in messages(keyboard) and docx.stat().st_mtime_ns != before


def test_a_letter_that_would_promise_a_passed_date_asks_for_one(keyboard, app):
    c = by_state(app)["afhandeling te laat"]
    number = c.number_text
    keyboard.goto(f"{app.base}/klacht/{number}")
    form = keyboard.locator("ul.acties li").filter(has_text="Ontvangstbevestiging")
    tab_to(keyboard, form.get_by_label("Als"))
    keyboard.keyboard.type("W")
    keyboard.keyboard.press("Tab")
    enter(keyboard)
    assert "verwachte datum" in messages(keyboard).lower()
    assert complaint(app, number) == c and dossier(app, number) == []  # nothing made or recorded yet
    expected = TODAY + dt.timedelta(days=14)
    field = keyboard.get_by_label(f"Verwachte datum voor {number}")
    tab_to(keyboard, field)
    type_date(keyboard, field, expected)  # on to the button
    enter(keyboard)
    assert "Gemaakt" in messages(keyboard)
    after = complaint(app, number)
    assert after.extended_until == expected and after.extension_notice_date == TODAY  # the date the letter names
    assert dossier(app, number) == [f"{TODAY} ontvangst {number}.docx"]


# --- Maandcontrole ------------------------------------------------------------------------------

def test_monthly_check_signalering_and_report(mouse, app):
    mouse.get_by_role("link", name="Maandcontrole", exact=True).click()
    assert "Afhandeling te laat" in mouse.locator("table.tellingen").inner_text()
    mouse.get_by_role("button", name="Signalering schrijven in het register").click()
    assert "Signalering bijgewerkt bij" in messages(mouse)
    register = read_register(app.settings.register)
    assert any(c.signal for c in register.complaints)
    mouse.get_by_role("button", name="Rapport maken (.xlsx)").click()
    link = mouse.get_by_role("link", name=f"{TODAY} controle.xlsx")
    with mouse.expect_download() as download:
        link.click()
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"
    assert (app.settings.reports / f"{TODAY} controle.xlsx").is_file()


def test_monthly_check_by_keyboard_without_javascript(keyboard, app):
    keyboard.goto(app.base + "/maandcontrole")
    day = TODAY - dt.timedelta(days=1)
    field = keyboard.get_by_label("Peildatum")
    tab_to(keyboard, field)
    type_date(keyboard, field, day)  # on to the button Toon
    enter(keyboard)
    assert keyboard.url.endswith(f"/maandcontrole?peildatum={day}")
    tab_to(keyboard, keyboard.get_by_role("button", name="Rapport maken (.xlsx)"))
    enter(keyboard)
    assert (app.settings.reports / f"{day} controle.xlsx").is_file()


def test_retention_with_explicit_confirmation(keyboard, app):
    settings = app.settings
    plans = [p for p in due_for_destruction(read_register(settings.register), TODAY, settings) if not p.problem]
    assert plans
    number = plans[0].number
    settings.dossier(number).mkdir(parents=True, exist_ok=True)
    (settings.dossier(number) / "brief.docx").write_bytes(b"x")
    keyboard.goto(app.base + "/maandcontrole#vernietigen")
    listed = keyboard.locator("table.vernietigen").inner_text()
    assert all(p.number in listed for p in plans)
    # without the confirmation: nothing is destroyed
    before = settings.register.read_bytes()
    tab_to(keyboard, keyboard.get_by_role("button", name="Definitief vernietigen"))
    enter(keyboard)
    assert "Niets vernietigd" in messages(keyboard)
    assert settings.register.read_bytes() == before and (settings.dossier(number) / "brief.docx").exists()
    # with it (Space ticks the box): destroyed
    tab_to(keyboard, keyboard.get_by_label("Ik begrijp dat dit definitief is"))
    keyboard.keyboard.press("Space")
    keyboard.keyboard.press("Tab")
    enter(keyboard)
    assert f"{number} vernietigd" in messages(keyboard)
    assert complaint(app, number).is_anonymised and not settings.dossier(number).exists()
    assert (settings.register.parent / "vernietigingslog.csv").is_file()
    keyboard.goto(f"{app.base}/klacht/{number}")
    assert "vernietigd" in keyboard.locator("main").inner_text()
    assert keyboard.get_by_role("button", name="Registratieformulier maken").count() == 0


# --- Analyse and Formulieren -----------------------------------------------------------------------

def test_analysis_shows_the_reports_charts_and_makes_the_reports(mouse, app):
    from formkit.analysis.charts import all_charts
    from formkit.analysis.figures import analyse_register

    mouse.get_by_role("link", name="Analyse", exact=True).click()
    assert "Klachten ontvangen" in mouse.locator("table.kerncijfers").inner_text()
    images = mouse.locator(".grafieken img")
    names = images.evaluate_all("els => els.map(e => e.dataset.grafiek)")
    assert names == list(all_charts(analyse_register(app.settings)))  # the same charts as the report
    mouse.wait_for_load_state("load")  # the load event waits for every picture
    assert images.evaluate_all("els => els.every(i => i.complete && i.naturalWidth > 0)")
    assert fits(mouse)
    period = app.get(f"/analyse?van={TODAY.year - 1}-01-01&tot={TODAY}", headers={"Cookie": cookie(mouse, app)})
    assert f"1 januari {TODAY.year - 1}" in period.body  # the period chosen (its pictures load with the page)
    for label, suffix in (("Werkmap met grafieken (.xlsx) maken", "xlsx"), ("Managementrapport (PDF) maken", "pdf")):
        mouse.get_by_role("button", name=label).click()
        name = f"{TODAY} klachtenanalyse.{suffix}"
        assert name in messages(mouse)
        with mouse.expect_download() as download:
            mouse.get_by_role("link", name=name).click()
        assert Path(download.value.path()).read_bytes()[:2] in (b"PK", b"%P")


def test_analysis_report_by_keyboard_without_javascript(keyboard, app):
    keyboard.goto(app.base + "/analyse")
    (app.settings.reports / f"{TODAY} klachtenanalyse.xlsx").unlink(missing_ok=True)
    tab_to(keyboard, keyboard.get_by_role("button", name="Werkmap met grafieken (.xlsx) maken"))
    enter(keyboard)
    assert (app.settings.reports / f"{TODAY} klachtenanalyse.xlsx").is_file()


@pytest.mark.parametrize("js", [True, False], ids=["muis", "toetsenbord-zonder-js"])
def test_blank_forms_to_download(pages, app, js):
    page = pages[js]
    page.goto(app.base + "/formulieren")
    button = page.get_by_role("button", name="Klachtenformulier", exact=False)
    if js:
        button.click()
    else:
        tab_to(page, button)
        enter(page)
    assert "Gemaakt: klachtenformulier.pdf" in messages(page)
    assert (app.settings.forms / "klachtenformulier.pdf").read_bytes().startswith(b"%PDF")
    with page.expect_download() as download:
        page.get_by_role("link", name="Klachtenformulier downloaden").click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")


def test_a_letter_signed_and_drafted_from_the_page(mouse, app):
    """The letter actions take the same two options as `brief --mail --onderteken`; the password
    is typed into a password field and never comes back in a page."""
    from tests.pki import PASSWORD, make_pki, pdfsig

    pki = make_pki(app.settings.root / "certificaat")
    toml = app.settings.root / "formkit.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("certificaat = ''",
                                                              "certificaat = 'certificaat/geldig.p12'"), encoding="utf-8")
    c = next(c for c in read_register(app.settings.register).complaints
             if c.handled_date and c.email and c.handler and not app.settings.dossier(c.number_text).exists())
    number = c.number_text
    mouse.goto(f"{app.base}/klacht/{number}")
    letter = mouse.locator("ul.acties li").filter(has_text="Terugkoppelingsbrief")
    letter.get_by_label("E-mailconcept met de PDF").check()
    letter.get_by_label("Digitaal ondertekenen").check()
    letter.get_by_label("Wachtwoord certificaat").fill("fout wachtwoord")
    letter.get_by_role("button", name="Terugkoppelingsbrief maken").click()
    assert "klopt niet" in messages(mouse) and dossier(app, number) == []  # nothing made
    assert "fout wachtwoord" not in mouse.content()
    letter = mouse.locator("ul.acties li").filter(has_text="Terugkoppelingsbrief")
    letter.get_by_label("E-mailconcept met de PDF").check()
    letter.get_by_label("Digitaal ondertekenen").check()
    letter.get_by_label("Wachtwoord certificaat").fill(PASSWORD)
    letter.get_by_role("button", name="Terugkoppelingsbrief maken").click()
    assert PASSWORD not in mouse.content()
    name = f"{TODAY} terugkoppeling {number}"
    assert {f"{name}.pdf", f"{name}.eml"} <= set(dossier(app, number)), messages(mouse)
    verdict = pdfsig(app.settings.dossier(number) / f"{name}.pdf", pki.nss)
    assert verdict["Signature Validation"] == "Signature is Valid." and "Total document signed" in verdict
    draft = (app.settings.dossier(number) / f"{name}.eml").read_bytes()
    assert b"X-Unsent: 1" in draft and c.email.encode() in draft
    assert mouse.locator("ul.dossier li").filter(has_text=f"{name}.eml").count() == 1
