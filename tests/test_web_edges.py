"""What the page says when staff give it something it cannot do: a wrong date, nothing chosen, an
unknown complaint or job, a reports folder that cannot be made, a bug while reading forms.

The app runs in this process (Flask's test client, the real views, the real working folder), so
each refusal is checked message by message and file by file. The browser tests cover the same
pages when everything goes right.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import threading
from pathlib import Path

import pytest
from werkzeug.datastructures import MultiDict

from formkit.dates import DateParseError, dutch_short, parse_cli_date
from formkit.errors import FormkitError
from formkit.register.reading import read_register
from formkit.web import texts
from formkit.web.application import create_app
from formkit.web.jobs import Jobs
from formkit.web.security import Guard
from formkit.web.site import Site
from tests.test_web_security import snapshot
from tests.test_web_support import CSRF, demo_folder

PORT = 8123
BASE = f"http://127.0.0.1:{PORT}"
WRONG_DAY = "31-02-2026"


def date_error(text: str) -> str:
    try:
        parse_cli_date(text)
    except DateParseError as exc:
        return str(exc)
    raise AssertionError(f"{text} is a date after all")


class Page:
    """The app in this process, logged in with its key, as one browser tab."""

    def __init__(self, root: Path) -> None:
        self.guard = Guard(PORT)
        self.site = Site(root, None, self.guard, None, Jobs(root / ".formkit-app"))
        self.client = create_app(self.site).test_client()
        assert self.client.get(f"/?sleutel={self.guard.key}", base_url=BASE).status_code == 303

    def get(self, path: str):
        return self.client.get(path, base_url=BASE)

    def text(self, path: str) -> str:
        answer = self.get(path)
        assert answer.status_code == 200, (path, answer.status_code)
        return html.unescape(answer.get_data(as_text=True))

    def post(self, path: str, fields: dict[str, str] | list[tuple[str, str]] | None = None, **kw):
        csrf = CSRF.search(self.get("/").get_data(as_text=True))
        assert csrf, "no CSRF token on the page"
        data = [("csrf", csrf[1]), *(fields.items() if isinstance(fields, dict) else fields or [])]
        return self.client.post(path, data=MultiDict(data), base_url=BASE, headers={"Origin": BASE}, **kw)

    def after(self, path: str, fields: dict[str, str] | list[tuple[str, str]] | None = None) -> str:
        """POST, then the page it sends the user back to, with the messages on it."""
        answer = self.post(path, fields)
        assert answer.status_code == 303, (path, answer.status_code, answer.get_data(as_text=True)[:300])
        return self.text(answer.headers["Location"])


def messages(body: str, level: str) -> list[str]:
    """The texts of the messages of one level ('fout', 'let-op', 'ok'), without their label."""
    found = re.findall(rf'<div class="melding {level}"[^>]*>\s*<p>(?:<strong>[^<]*</strong> )?(.*?)</p>', body, re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", m).split()) for m in found]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return demo_folder(tmp_path_factory.mktemp("randen") / "klachten")


@pytest.fixture
def tab(folder):
    page = Page(folder.root)
    yield page
    page.site.jobs.stop()


# --- Maandcontrole ---------------------------------------------------------------------------

def test_a_wrong_peildatum_is_said_and_the_check_is_of_today(tab):
    body = tab.text(f"/maandcontrole?peildatum={WRONG_DAY}")
    assert messages(body, "fout") == [date_error(WRONG_DAY)]
    assert dutch_short(dt.date.today()) in body


def test_signalering_with_a_wrong_date_changes_nothing_and_twice_is_said_once(tab, folder):
    before = snapshot(folder.root)
    body = tab.after("/maandcontrole/signalering", {"peildatum": WRONG_DAY})
    assert messages(body, "fout") == [date_error(WRONG_DAY)]
    assert snapshot(folder.root) == before

    first = messages(tab.after("/maandcontrole/signalering", {"peildatum": ""}), "ok")
    marked = read_register(folder.register).complaints
    assert len(first) == 1 and first[0].startswith("Signalering bijgewerkt bij")
    assert any(c.signal for c in marked)
    written = folder.register.read_bytes()
    assert messages(tab.after("/maandcontrole/signalering", {"peildatum": ""}), "ok") == [texts.MARK_SAME]
    assert folder.register.read_bytes() == written


def test_a_report_that_cannot_be_saved_says_where_and_why(tab, folder):
    body = tab.after("/maandcontrole/rapport", {"peildatum": WRONG_DAY})
    assert messages(body, "fout") == [date_error(WRONG_DAY)]
    reports = folder.reports
    aside = reports.rename(reports.with_name("rapporten-weg")) if reports.exists() else None
    reports.write_text("een bestand waar de map had moeten staan", encoding="utf-8")
    try:
        body = tab.after("/maandcontrole/rapport", {"peildatum": ""})
        [said] = messages(body, "fout")
        assert said.startswith(f"Kan de map {reports} niet maken (") and "Traceback" not in body
    finally:
        reports.unlink()
        if aside is not None:
            aside.rename(reports)
    assert not (folder.root / "formkit-fout.log").exists()


def test_destruction_needs_the_tick_a_choice_and_a_right_date(tab, folder):
    before = snapshot(folder.root)
    number = read_register(folder.register).complaints[0].number_text
    refused = [
        ({"nummer": number}, texts.RETENTION_NOT_CONFIRMED),
        ({"bevestig": "ja"}, texts.RETENTION_NONE_CHOSEN),
        ({"bevestig": "ja", "nummer": number, "peildatum": WRONG_DAY}, date_error(WRONG_DAY)),
    ]
    for fields, said in refused:
        assert messages(tab.after("/maandcontrole/vernietigen", fields), "fout") == [said], fields
    assert snapshot(folder.root) == before


# --- Analyse ---------------------------------------------------------------------------------

def test_analysis_with_a_wrong_period_says_so_and_draws_nothing(tab, folder):
    body = tab.text(f"/analyse?van={WRONG_DAY}")
    assert messages(body, "fout") == [date_error(WRONG_DAY)]
    assert "/analyse/grafiek/" not in body
    assert tab.get("/analyse/grafiek/onbekend.png").status_code == 404
    name = next(iter(texts.CHART_TITLES))
    assert tab.get(f"/analyse/grafiek/{name}.png?tot={WRONG_DAY}").status_code == 404
    drawn = tab.get(f"/analyse/grafiek/{name}.png")
    assert drawn.status_code == 200 and drawn.data.startswith(b"\x89PNG")

    before = snapshot(folder.root)
    assert tab.post("/analyse/rapport", {"soort": "exe"}).status_code == 400
    body = tab.after("/analyse/rapport", {"soort": "xlsx", "tot": WRONG_DAY})
    assert messages(body, "fout") == [date_error(WRONG_DAY)]
    assert snapshot(folder.root) == before


# --- Documents -------------------------------------------------------------------------------

def test_documents_refuse_unknown_kinds_wrong_dates_and_unknown_complaints(tab, folder):
    register = read_register(folder.register)
    number = next(c.number_text for c in register.complaints if c.reaction_date is None and c.is_open)
    before = snapshot(folder.root)
    assert tab.post("/maken", {"nummer": number, "soort": "ontslag", "uitvoer": "word"}).status_code == 400
    assert tab.post("/maken", {"nummer": number, "soort": "ontvangst", "uitvoer": "exe"}).status_code == 400
    assert tab.post("/pdf-formulier", {"nummer": number, "soort": "ontslag"}).status_code == 400

    body = tab.after("/maken", {"nummer": number, "soort": "verlenging", "uitvoer": "word", "verwacht": WRONG_DAY})
    assert messages(body, "fout") == [f"{date_error(WRONG_DAY)} Er is niets gemaakt."]
    body = tab.after("/pdf-formulier", {"nummer": "K-2026-999", "soort": "tevredenheid", "terug": "/"})
    [said] = messages(body, "fout")
    assert "K-2026-999" in said
    assert snapshot(folder.root) == before


# --- Inlezen ---------------------------------------------------------------------------------

def test_reading_without_files_and_unknown_jobs(tab, folder):
    before = snapshot(folder.root)
    answer = tab.client.post("/inlezen", data={"csrf": CSRF.search(tab.get("/inlezen").get_data(as_text=True))[1]},
                             base_url=BASE, headers={"Origin": BASE})
    assert answer.status_code == 303
    assert messages(tab.text(answer.headers["Location"]), "fout") == [texts.INTAKE_NO_FILES]
    assert tab.get("/inlezen/onbekend").status_code == 404
    for action in ("bevestigen", "overschrijven", "afbreken"):
        assert tab.post(f"/inlezen/onbekend/{action}").status_code == 404
    assert snapshot(folder.root) == before


def test_a_job_still_reading_cannot_be_confirmed_and_its_page_shows_progress(tab):
    release = threading.Event()

    def work(job):
        for _ in job.progress([1, 2]):
            release.wait(60)
        return None

    job = tab.site.jobs.start(texts.INTAKE_TITLE, work)
    try:
        assert tab.post(f"/inlezen/{job.id}/bevestigen").status_code == 409
        assert tab.post(f"/inlezen/{job.id}/overschrijven").status_code == 409
        assert "Traceback" not in tab.text(f"/inlezen/{job.id}")
    finally:
        release.set()
    assert job.ended.wait(60)


@pytest.mark.parametrize("failure", ["bug", "refusal"])
def test_a_job_that_fails_says_so_in_dutch_and_a_bug_goes_to_the_log(tab, folder, failure):
    secret = read_register(folder.register).complaints[0].name

    def work(job):
        if failure == "bug":
            raise ZeroDivisionError(f"waarde {secret}")
        raise FormkitError(f"{folder.register.name} is niet te lezen.")

    job = tab.site.jobs.start(texts.INTAKE_TITLE, work)
    assert job.ended.wait(60)
    body = tab.text(f"/inlezen/{job.id}")
    [said] = messages(body, "fout")
    log = folder.root / "formkit-fout.log"
    try:
        assert "Traceback" not in body and secret not in body
        if failure == "bug":
            assert "formkit-fout.log" in said
            assert "ZeroDivisionError" in log.read_text(encoding="utf-8")
            assert secret not in log.read_text(encoding="utf-8")
        else:
            assert said == f"{folder.register.name} is niet te lezen."
            assert not log.exists()
    finally:
        log.unlink(missing_ok=True)
