"""Analyse: the key figures and the report's charts on the page, a chosen period, and the .xlsx
and PDF reports to download (`formkit analyse --van --tot --rapport`)."""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from collections import OrderedDict

from flask import Blueprint, Response, abort, redirect, request, url_for
from werkzeug.wrappers import Response as BaseResponse

from formkit.dates import DateParseError, parse_cli_date
from formkit.errors import FormkitError, InputError
from formkit.register.reading import read_bytes
from formkit.web import texts
from formkit.web.actions import run_exclusive
from formkit.web.messages import done, failed
from formkit.web.security import relative_link
from formkit.web.site import page, site

blueprint = Blueprint("analysis", __name__)
_charts: OrderedDict[tuple, dict[str, bytes]] = OrderedDict()  # by the register's bytes and the period
_charts_lock = threading.Lock()


def _period(source) -> tuple[dt.date | None, dt.date | None]:
    days = []
    for name in ("van", "tot"):
        text = (source.get(name) or "").strip()
        try:
            days.append(parse_cli_date(text) if text else None)
        except DateParseError as exc:
            raise InputError(str(exc)) from None
    return days[0], days[1]


def _analysis(start: dt.date | None, end: dt.date | None):
    from formkit.analysis.figures import analyse_register  # the analysis: only these pages

    return analyse_register(site().settings, start, end)


@blueprint.get("/analyse", endpoint="page")
def analysis_page() -> str:
    from formkit.analysis.text import data_notes, key_figures, pattern_sentence, period_text

    try:
        start, end = _period(request.args)
        a = _analysis(start, end)
    except FormkitError as exc:
        failed(exc)
        return page("analyse.html", a=None, van="", tot="")
    period = {"van": a.period.start.isoformat(), "tot": a.period.end.isoformat()}
    charts = [(name, title, url_for("analysis.chart", name=name, **period))
              for name, title in texts.CHART_TITLES.items()] if a.total else []
    return page("analyse.html", a=a, title=period_text(a.period), figures=key_figures(a), notes=data_notes(a),
                patterns=[pattern_sentence(p.kind, p.subject, p.numbers, p.status) for p in a.patterns],
                charts=charts, **period)


@blueprint.get("/analyse/grafiek/<name>.png", endpoint="chart")
def chart(name: str) -> Response:
    if name not in texts.CHART_TITLES:
        abort(404)
    try:
        start, end = _period(request.args)
        data = read_bytes(site().settings.register)
    except FormkitError:
        abort(404)
    key = (hashlib.sha256(data).hexdigest(), start, end, dt.date.today())
    with _charts_lock:  # the charts of one page are drawn once, for its first picture
        drawn = _charts.get(key)
        if drawn is None:
            from formkit.analysis.charts import all_charts  # matplotlib: only for the pictures

            drawn = all_charts(_analysis(start, end))
            _charts[key] = drawn
            while len(_charts) > 4:
                _charts.popitem(last=False)
    if name not in drawn:
        abort(404)
    return Response(drawn[name], mimetype="image/png")


@blueprint.post("/analyse/rapport", endpoint="report")
def report() -> BaseResponse:
    suffix = request.form.get("soort", "")
    if suffix not in {value for value, _ in texts.ANALYSIS_REPORTS}:
        abort(400)
    try:
        period = _period(request.form)
    except InputError as exc:  # said once, here: the page is shown without the wrong period
        failed(exc)
        return redirect(url_for("analysis.page"), 303)

    def action() -> None:
        from formkit.analysis.report import write_report

        settings = site().settings
        try:
            a = _analysis(*period)
            target = settings.reports / f"{dt.date.today().isoformat()} klachtenanalyse.{suffix}"
            office = site().office
            path = write_report(a, target, settings, office.to_pdf if office is not None else None)
        except FormkitError as exc:
            failed(exc)
            return
        link = url_for("files.download", relative=relative_link(settings.root, path))
        done(f"{texts.REPORT_DONE}: {path.name}", [(path.name, link)])

    run_exclusive(action)
    return redirect(url_for("analysis.page", van=request.form.get("van", ""), tot=request.form.get("tot", "")), 303)
