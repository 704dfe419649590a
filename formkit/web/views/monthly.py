"""Maandcontrole: the check with its counts, Signalering, the .xlsx report, and retention with an
explicit confirmation (`formkit controle --markeer --rapport`, `formkit vernietig --uitvoeren`)."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, redirect, request, url_for
from werkzeug.wrappers import Response

from formkit.check.findings import GROUPS, grouped
from formkit.check.monthly import check_register
from formkit.dates import DateParseError, dutch_short, parse_cli_date
from formkit.errors import FormkitError, InputError
from formkit.register.backups import list_backups
from formkit.register.reading import read_register
from formkit.web import texts
from formkit.web.actions import run_exclusive
from formkit.web.messages import done, error, failed, warning
from formkit.web.security import relative_link
from formkit.web.site import page, site
from formkit.words import count

blueprint = Blueprint("monthly", __name__)


def _peildatum(text: str | None) -> dt.date:
    if not text or not text.strip():
        return dt.date.today()
    try:
        return parse_cli_date(text.strip())
    except DateParseError as exc:
        raise InputError(str(exc)) from None


@blueprint.get("/maandcontrole", endpoint="page")
def monthly_page() -> str:
    from formkit.retention import due_for_destruction  # the workbook writer: only this page needs it

    settings = site().settings
    try:
        peildatum = _peildatum(request.args.get("peildatum"))
    except InputError as exc:
        failed(exc)
        peildatum = dt.date.today()
    counts, plans, skipped, backups = [], [], [], 0
    try:
        register = read_register(settings.register)
        findings = check_register(settings, peildatum, read=register)
        by_group = dict(grouped(findings))
        counts = [(group.title, len(by_group.get(group, []))) for group in GROUPS]
        retention_day = min(peildatum, dt.date.today())
        due = due_for_destruction(register, retention_day, settings)
        plans = [(p, _what(p)) for p in due if p.problem is None]
        skipped = [p.problem for p in due if p.problem]
        backups = len(list_backups(settings.register))
    except FormkitError as exc:
        failed(exc)
    return page("maandcontrole.html", peildatum=peildatum.isoformat(), day=dutch_short(peildatum), counts=counts,
                plans=plans, skipped=skipped, backups=backups, today=dt.date.today().isoformat())


def _what(plan) -> str:
    files = texts.IN_DOSSIER.format(files=count(len(plan.files), *texts.FILES)) if plan.dossiers else texts.NO_DOSSIER
    if plan.leftover:
        return texts.LEFTOVER.format(files=files)
    return texts.PLAN_WHAT.format(columns=count(len(plan.headers), *texts.COLUMNS), headers=", ".join(plan.headers),
                                  files=files)


def _back(peildatum: dt.date | None = None) -> Response:
    target = url_for("monthly.page", peildatum=peildatum.isoformat()) if peildatum else url_for("monthly.page")
    return redirect(target, 303)


@blueprint.post("/maandcontrole/signalering", endpoint="mark")
def mark() -> Response:
    def action() -> None:
        from formkit.check.marking import mark_signals  # the workbook writer

        try:
            marked = mark_signals(site().settings, _peildatum(request.form.get("peildatum")), "app: signalering")
        except FormkitError as exc:
            failed(exc)
            return
        for note in marked.notes:
            warning(note)
        done(texts.MARK_DONE.format(count=count(marked.changed, *texts.COMPLAINTS)) if marked.changed
             else texts.MARK_SAME)

    run_exclusive(action)
    return _back()


@blueprint.post("/maandcontrole/rapport", endpoint="report")
def report() -> Response:
    def action() -> None:
        from formkit.check.report import write_check_report  # openpyxl

        settings = site().settings
        try:
            peildatum = _peildatum(request.form.get("peildatum"))
            findings = check_register(settings, peildatum)
            settings.reports.mkdir(parents=True, exist_ok=True)
            path = write_check_report(findings, peildatum, settings.reports / f"{peildatum.isoformat()} controle.xlsx")
        except FormkitError as exc:
            failed(exc)
            return
        except OSError as exc:
            error(texts.REPORTS_FOLDER_FAILED.format(folder=settings.reports, reason=exc.strerror or exc))
            return
        link = url_for("files.download", relative=relative_link(settings.root, path))
        done(f"{texts.REPORT_DONE}: {path.name}", [(path.name, link)])

    run_exclusive(action)
    return _back()


@blueprint.post("/maandcontrole/vernietigen", endpoint="destroy")
def destroy() -> Response:
    chosen = request.form.getlist("nummer")
    if request.form.get("bevestig") != "ja":
        error(texts.RETENTION_NOT_CONFIRMED)
        return _back()
    if not chosen:
        error(texts.RETENTION_NONE_CHOSEN)
        return _back()

    def action() -> None:
        from formkit.retention import destroy as destroy_complaints

        settings = site().settings
        try:
            result = destroy_complaints(settings, _peildatum(request.form.get("peildatum")), "app: vernietig",
                                        numbers=chosen)
        except FormkitError as exc:
            failed(exc)
            return
        for record in result.records:
            what = [texts.BLANKED.format(columns=count(len(record.headers), *texts.COLUMNS))] if record.headers else []
            if record.dossier:
                what.append(texts.DOSSIER_REMOVED.format(files=count(len(record.hashes), *texts.FILES)))
            done(texts.DESTROYED.format(number=record.number, what=", ".join(what) or texts.NOTHING_LEFT))
        if result.log is not None:
            done(texts.DESTROY_LOG)
        removed = len(result.backups_removed)
        done(texts.BACKUPS_REMOVED.format(backups=count(removed, *texts.BACKUPS)) if removed else texts.NO_BACKUPS)
        for note in result.notes:
            warning(note)
        for trace in result.traces:
            warning(texts.TRACE.format(trace=trace))

    run_exclusive(action)
    return _back()
