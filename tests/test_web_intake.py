"""Inlezen on the web page: returned PDF forms dropped (chosen) in a real browser, what would change
with conflicts side by side, confirmed into the register in one write; a register that changed in
between is planned again; hostile PDFs read with the command's isolation; cancelling; uploads gone."""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

import pytest

from formkit.pdf.forms import make_blank_form, make_prefilled_form
from formkit.register.reading import read_register
from formkit.workfolder.demo import DEMO_COMPLAINTS, fill_form
from tests.test_web_browser import enter, messages, tab_to
from tests.test_web_security import _multipart, snapshot
from tests.test_web_support import LiveApp, browser, demo_folder, open_page  # noqa: F401 (browser: a fixture)

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    settings = demo_folder(tmp_path_factory.mktemp("inlezen") / "klachten")
    live = LiveApp(settings.root)
    live.settings = settings
    live.login()
    yield live
    assert live.interrupt() == 0
    assert not (settings.root / ".formkit-app").exists()  # the uploads' temporary place is gone


@pytest.fixture(scope="module")
def opened(browser, app):
    page = open_page(browser, app, js=False)
    yield page
    page.context.close()


@pytest.fixture
def page(opened, app):
    opened.goto(app.base + "/")
    return opened


def returned_forms(settings, folder: Path) -> tuple[dict[str, Path], str, str]:
    """A new complaint on a blank form, a satisfaction form and a complaint form with a conflict."""
    folder.mkdir(parents=True, exist_ok=True)
    blank = make_blank_form(settings, "klacht")
    register = read_register(settings.register)
    waiting = next(c for c in register.complaints if "Voorbeeld: tevredenheid ontbreekt" in (c.remarks or ""))
    other = next(c for c in register.complaints if (c.remarks or "").startswith("Voorbeeld: gereageerd, in behandeling"))
    survey = make_prefilled_form(settings, "tevredenheid", waiting.number_text, overwrite=True)
    prefilled = make_prefilled_form(settings, "klacht", other.number_text, overwrite=True)
    return {
        "nieuw": fill_form(blank, folder / "klachtenformulier Vermeulen.pdf",
                           {**DEMO_COMPLAINTS[0], "datum": f"{TODAY:%d-%m-%Y}"}),
        "tevredenheid": fill_form(survey, folder / f"tevredenheid {waiting.number_text}.pdf",
                                  {"tevredenheid": "/4", "opmerkingen": "Goed opgelost."}),
        "conflict": fill_form(prefilled, folder / f"klacht {other.number_text}.pdf", {"telefoon": "06 99999999"}),
        "kapot": _write(folder / "kapot.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n"),
    }, waiting.number_text, other.number_text


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def bomb() -> bytes:
    """A PDF whose one stream inflates to 200 MB: refused by the reader's limits."""
    stream = zlib.compress(b"\0" * (200 * 1024 * 1024), 9)
    return (b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R /AcroForm << /Fields [] >> >> endobj\n"
            b"2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n"
            b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 4 0 R >> endobj\n"
            b"4 0 obj << /Length " + str(len(stream)).encode() + b" /Filter /FlateDecode >> stream\n" + stream +
            b"\nendstream endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")


def wait_for_plan(page) -> None:
    """The status page refreshes itself until the plan (or the outcome) is shown."""
    page.locator("ul.inlees-bestanden").wait_for(timeout=120_000)


def outcome(app, job: str):
    """The job's page once it shows an outcome (the status page asks the browser to come back)."""
    for _ in range(10_000):
        page = app.get(job)
        if 'http-equiv="refresh"' not in page.body:
            return page
    raise AssertionError("the job did not finish")


def test_read_show_confirm_in_one_write(page, app, tmp_path):
    settings = app.settings
    files, waiting, other = returned_forms(settings, tmp_path / "binnen")
    before = read_register(settings.register)
    page.get_by_role("link", name="Inlezen", exact=True).click()
    page.get_by_label("PDF-formulieren").set_input_files([str(p) for p in files.values()])
    page.get_by_role("button", name="Bekijken wat er verandert").click()
    wait_for_plan(page)
    shown = page.locator("ul.inlees-bestanden").inner_text()
    assert "klachtenformulier Vermeulen.pdf: wordt een nieuwe klacht" in shown
    assert f"tevredenheid {waiting}.pdf: vult een klacht aan" in shown
    conflict = page.locator("li[data-status='conflict'] table.conflicten")
    assert "Telefoon" in conflict.inner_text() and "06 99999999" in conflict.inner_text()  # side by side
    broken = page.locator("li[data-status='fout']").inner_text()
    assert "kapot.pdf" in broken and ".formkit-app" not in broken  # the user's own file name, in Dutch
    assert read_register(settings.register).data == before.data  # shown, nothing written yet
    tab_to(page, page.get_by_role("button", name="Bevestigen: zo in het register zetten"))
    enter(page)
    assert "Ingelezen: 1 nieuw, 1 bijgewerkt" in messages(page)
    after = read_register(settings.register)
    assert len(after.complaints) == len(before.complaints) + 1
    assert after.get(waiting).satisfaction == "4"
    assert after.get(other).phone == before.get(other).phone  # the conflict was not overwritten
    assert list(settings.register.parent.glob("backups/*")) != []
    assert not any((settings.root / ".formkit-app").glob("*"))  # uploads removed after the import


def test_conflicts_overwritten_only_after_showing_the_new_plan(page, app, tmp_path):
    settings = app.settings
    files, _, other = returned_forms(settings, tmp_path / "binnen")
    page.goto(app.base + "/inlezen")
    page.get_by_label("PDF-formulieren").set_input_files(str(files["conflict"]))
    page.get_by_role("button", name="Bekijken wat er verandert").click()
    wait_for_plan(page)
    page.get_by_role("button", name="Conflicten overschrijven", exact=False).click()
    assert page.locator("li[data-status='conflict']").count() == 0
    assert "06 99999999" in page.locator("table.wijzigingen").inner_text()
    assert read_register(settings.register).get(other).phone != "06 99999999"  # still only shown
    page.get_by_role("button", name="Bevestigen: zo in het register zetten").click()
    assert read_register(settings.register).get(other).phone == "06 99999999"


def test_a_register_changed_in_between_is_planned_again(page, app, tmp_path):
    settings = app.settings
    files, waiting, _ = returned_forms(settings, tmp_path / "binnen")
    blank = make_blank_form(settings, "klacht")
    form = fill_form(blank, tmp_path / "nieuw.pdf", {**DEMO_COMPLAINTS[1], "datum": f"{TODAY:%d-%m-%Y}"})
    page.goto(app.base + "/inlezen")
    page.get_by_label("PDF-formulieren").set_input_files(str(form))
    page.get_by_role("button", name="Bekijken wat er verandert").click()
    wait_for_plan(page)
    planned = page.locator("li[data-status='nieuw'] h3").inner_text()
    # meanwhile a colleague adds a complaint (another formkit run): the planned number is taken
    from formkit.register.storage import update_register

    register = read_register(settings.register)
    with update_register(settings, "collega") as update:
        update.append({"number": register.next_number(TODAY.year), "received": TODAY, "name": "Collega"})
    written = settings.register.read_bytes()
    page.get_by_role("button", name="Bevestigen: zo in het register zetten").click()
    assert "Het register is gewijzigd" in messages(page)
    assert settings.register.read_bytes() == written  # nothing written: the new plan is shown first
    assert "Anders dan u eerder zag" in page.locator("ul.inlees-bestanden").inner_text()
    assert page.locator("li[data-status='nieuw'] h3").inner_text() != planned
    page.get_by_role("button", name="Bevestigen: zo in het register zetten").click()
    assert "Ingelezen: 1 nieuw" in messages(page)


def test_hostile_pdfs_are_refused_in_dutch_and_change_nothing(app, tmp_path):
    before = snapshot(app.settings.root)
    body, kind = _multipart([("bom.pdf", bomb()), ("geen-pdf.pdf", b"MZ\x90\x00 dit is geen pdf"),
                             ("afgekapt.pdf", b"%PDF-1.7\n1 0 obj <<"), ("leeg.pdf", b"")], app.get("/").csrf)
    answer = app.request("POST", "/inlezen", body=body, headers={"Content-Type": kind, "Origin": app.base})
    assert answer.status == 303
    job = answer.headers["location"]
    page = outcome(app, job)
    assert page.body.count('data-status="fout"') == 4
    for name in ("bom.pdf", "geen-pdf.pdf", "afgekapt.pdf", "leeg.pdf"):
        assert f"{name}: niet te lezen" in page.body
    assert "Er is niets in het register te zetten." in page.body
    assert snapshot(app.settings.root) == before
    assert app.process.poll() is None and "Traceback" not in app.stderr()


def test_cancelling_leaves_the_register_as_it_was(app, tmp_path):
    files, _, _ = returned_forms(app.settings, tmp_path / "binnen")
    before = snapshot(app.settings.root)
    body, kind = _multipart([(f"{n} {p.name}", p.read_bytes()) for n in range(6) for p in files.values()],
                            app.get("/").csrf)
    answer = app.request("POST", "/inlezen", body=body, headers={"Content-Type": kind, "Origin": app.base})
    job = answer.headers["location"]
    cancel = app.post(f"{job}/afbreken", {"csrf": app.get("/").csrf})
    assert cancel.status == 303
    page = outcome(app, job)
    assert "Afgebroken; het register is niet gewijzigd." in page.body
    assert app.post(f"{job}/bevestigen", {"csrf": app.get("/").csrf}).status == 409
    assert snapshot(app.settings.root) == before
    assert not any((app.settings.root / ".formkit-app").glob("*"))
