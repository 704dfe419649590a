"""Vandaag: what needs attention now, grouped and ordered as `formkit controle` shows it, each
finding with the action that resolves it."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint

from formkit.check.findings import grouped
from formkit.check.monthly import check_register
from formkit.check.output import days_text
from formkit.dates import dutch
from formkit.errors import FormkitError
from formkit.web import texts
from formkit.web.messages import failed
from formkit.web.site import page, site

blueprint = Blueprint("today", __name__)


@blueprint.get("/", endpoint="page")
def today_page() -> str:
    today = dt.date.today()
    groups = []
    try:
        findings = check_register(site().settings, today)  # the register as saved now: no cache
    except FormkitError as exc:
        failed(exc)
        findings = []
    for group, items in grouped(findings):
        rows = []
        for f in items:
            when = " ".join(part for part in (f.deadline and f"{f.deadline:%d-%m-%Y}", days_text(f)) if part)
            rows.append((f, when, texts.FINDING_ACTIONS.get(f.kind) if f.number else None))
        groups.append((group, rows))
    return page("vandaag.html", groups=groups, day=dutch(today), back="/")

