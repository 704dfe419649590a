"""Klachten: every complaint (searchable, filterable), and one complaint's page with its register
values (read-only: editing stays in Excel), deadlines, findings, dossier files and actions."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from flask import Blueprint, request

from formkit.check.deadlines import destroy_from, handling_deadline, reaction_deadline, satisfaction_deadline
from formkit.check.monthly import check_register
from formkit.check.output import days_text
from formkit.dates import dutch_short
from formkit.documents import LETTER_KINDS
from formkit.errors import FormkitError
from formkit.pdf.fields import KINDS as FORM_KINDS
from formkit.register.columns import COLUMNS
from formkit.register.model import Complaint
from formkit.register.reading import Register, normalise_number, read_register
from formkit.web import texts
from formkit.web.messages import failed
from formkit.web.security import relative_link
from formkit.web.site import page, site

blueprint = Blueprint("complaints", __name__)
SEARCHED = ("number", "name", "organisation", "participant", "course", "description", "category", "email", "city")


@blueprint.get("/klachten", endpoint="listing")
def listing() -> str:
    query = request.args.get("q", "").strip()
    status = request.args.get("status", "")
    handler = request.args.get("behandelaar", "")
    serious = request.args.get("ernstig") == "ja"
    settings = site().settings
    try:
        register = read_register(settings.register)
    except FormkitError as exc:
        failed(exc)
        return page("klachten.html", rows=[], total=0, handlers=[], query=query, status=status, handler=handler,
                    serious=serious)
    complaints = [c for c in register.complaints if c.number_text]
    handlers = sorted({h.name for h in settings.handlers} | {(c.handler or "").strip() for c in complaints} - {""})
    words = query.lower().split()
    shown = [c for c in complaints
             if _matches(c, words) and (status != "open" or c.is_open) and (status != "afgehandeld" or not c.is_open)
             and (not handler or (c.handler or "").strip().lower() == handler.lower())
             and (not serious or c.is_serious)]
    shown.sort(key=lambda c: (c.received is None, -(c.received or dt.date.min).toordinal(), c.row))
    rows = [(c, dutch_short(c.received), _state(register, c)) for c in shown]
    return page("klachten.html", rows=rows, total=len(complaints), handlers=handlers, query=query, status=status,
                handler=handler, serious=serious)


@blueprint.get("/klacht/<number>", endpoint="complaint")
def complaint(number: str) -> str | tuple[str, int]:
    settings = site().settings
    today = dt.date.today()
    try:
        register = read_register(settings.register)
        found = register.get(number)
    except FormkitError as exc:
        failed(exc)
        return page("klacht.html", number=normalise_number(number), c=None), 404
    terms = settings.terms
    values = [(column.header, _value(found, column.key)) for column in COLUMNS]
    values += [(header, _shown(value)) for header, value in register.extra_values.get(found.row, {}).items()]
    deadlines = list(zip(texts.DEADLINE_NAMES, (
        reaction_deadline(found, terms) if found.reaction_date is None and found.is_open else None,
        handling_deadline(found, terms) if found.is_open else None,
        satisfaction_deadline(found, terms) if found.satisfaction_date is None else None,
        destroy_from(found, terms)), strict=True))
    findings = [(f, " ".join(p for p in (dutch_short(f.deadline), days_text(f)) if p))
                for f in check_register(settings, today, read=register) if f.row == found.row]
    destroyed = register.is_destroyed(found.number_text) or found.is_anonymised
    return page("klacht.html", number=found.number_text, c=found, values=values,
                deadlines=[(name, dutch_short(day)) for name, day in deadlines if day],
                findings=findings, files=_dossier(found.number_text), destroyed=destroyed,
                kinds=("formulier", *LETTER_KINDS), form_kinds=FORM_KINDS,
                back=f"/klacht/{found.number_text}")


def _matches(c: Complaint, words: list[str]) -> bool:
    """Every word occurs in one of the searched columns (case-insensitive)."""
    if not words:
        return True
    text = " ".join(value.lower() for key in SEARCHED if isinstance(value := getattr(c, key), str))
    return all(word in text for word in words)


def _state(register: Register, c: Complaint) -> str:
    if c.is_anonymised or register.is_destroyed(c.number_text):
        return texts.STATE_DESTROYED
    return texts.STATE_OPEN if c.is_open else texts.STATE_HANDLED


def _value(c: Complaint, key: str) -> str:
    problem = c.problem_for(key)
    if problem is not None:
        return f"{problem.raw} - {texts.UNREADABLE_CELL.format(cell=problem.cell)}".lstrip(" -")
    return _shown(getattr(c, key))


def _shown(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return dutch_short(value)
    return str(value)


def _dossier(number: str) -> list[tuple[str, str, str]]:
    """(name, link to open, link to download) of every file in the complaint's dossier, newest first."""
    settings = site().settings
    folder = settings.dossier(number)
    if not folder.is_dir():
        return []
    root = settings.root
    found: list[Path] = sorted((p for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")),
                               key=lambda p: p.name, reverse=True)
    result = []
    for path in found:
        try:
            link = relative_link(root, path)
        except ValueError:  # a link pointing out of the working folder: not offered
            continue
        result.append((path.relative_to(folder).as_posix(), link, link))
    return result
