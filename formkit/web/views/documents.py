"""The actions that make documents: the registration form and the letters (Word, PDF or both), and
prefilled PDF forms. The same core calls as `formkit formulier`, `brief` and `pdf-formulier`,
with the same decisions (the expected-date question, destroyed complaints, files that exist)."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Blueprint, abort, redirect, request, url_for
from werkzeug.wrappers import Response

from formkit.dates import DateParseError, parse_cli_date
from formkit.documents.batch import Batch
from formkit.documents.letters import make_documents
from formkit.errors import FormkitError, InputError
from formkit.pdf.fields import KINDS as FORM_KINDS
from formkit.settings import Settings
from formkit.web import texts
from formkit.web.actions import run_exclusive
from formkit.web.messages import done, error, failed, overwrite_offer, warning
from formkit.web.security import local_return, relative_link
from formkit.web.site import site

if TYPE_CHECKING:
    from formkit.outgoing.signing import Certificate

blueprint = Blueprint("documents", __name__)
OUTPUTS = {value for value, _ in texts.OUTPUTS}


@blueprint.post("/maken", endpoint="make")
def make() -> Response:
    form = request.form
    number, kind, output = form.get("nummer", "").strip(), form.get("soort", ""), form.get("uitvoer", "beide")
    if kind not in texts.DOCUMENT_NAMES or output not in OUTPUTS or not number:
        abort(400)
    back = local_return(form.get("terug"), url_for("complaints.complaint", number=number))
    try:
        expected = expected_dates(form, number)
    except InputError as exc:
        failed(exc)
        return redirect(back, 303)
    mail, sign = form.get("mail") == "1", form.get("onderteken") == "1"
    password = form.get("wachtwoord") or None  # lives for this request only
    run_exclusive(lambda: _make(kind, number, output, expected, form.get("overwrite") == "1", mail, sign, password))
    return redirect(back, 303)


@blueprint.post("/pdf-formulier", endpoint="pdf_form")
def pdf_form() -> Response:
    number, kind = request.form.get("nummer", "").strip(), request.form.get("soort", "")
    if kind not in FORM_KINDS or not number:
        abort(400)
    back = local_return(request.form.get("terug"), url_for("complaints.complaint", number=number))

    def action() -> None:
        from formkit.pdf.forms import make_prefilled_form  # reportlab and pypdf: only for this action

        settings = site().settings
        try:
            path = make_prefilled_form(settings, kind, number, overwrite=request.form.get("overwrite") == "1")
        except FormkitError as exc:
            failed(exc)
            return
        done(f"{texts.MADE}: {path.name}", [_link(path)])

    run_exclusive(action)
    return redirect(back, 303)


def expected_dates(form: Mapping[str, str], number: str) -> dt.date | dict[str, dt.date] | None:
    """The date the client may now expect: one field, or one per complaint (verwacht-K-2026-014)."""
    given = {key.removeprefix("verwacht-"): value for key, value in form.items()
             if key.startswith("verwacht-") and value.strip()}
    single = form.get("verwacht", "").strip()
    try:
        dates = {n: parse_cli_date(v) for n, v in given.items()}
        day = parse_cli_date(single) if single else None
    except DateParseError as exc:
        raise InputError(f"{exc} Er is niets gemaakt.") from None
    if set(dates) == {number}:
        return dates[number]
    return dates or day


def _make(kind: str, number: str, output: str, expected: dt.date | dict[str, dt.date] | None,
          overwrite: bool, mail: bool = False, sign: bool = False, password: str | None = None) -> None:
    settings = site().settings
    pdf = output != "word" or mail or sign
    office = site().office
    try:
        certificate = _certificate(settings, password) if sign else None
        batch = make_documents(settings, kind, [number], pdf=pdf, overwrite=overwrite, expected=expected,
                               converter=office.to_pdf if pdf and office is not None else None, mail=mail,
                               certificate=certificate)
    except FormkitError as exc:
        failed(exc, getattr(exc, "reasons", None))
        return
    _report(batch, output)


def _certificate(settings: Settings, password: str | None) -> Certificate:
    """The certificate, checked before anything is made: the password from the form, else from
    FORMKIT_CERTIFICAAT_WACHTWOORD of the app's environment. Never stored, never shown again."""
    from formkit.outgoing.signing import PASSWORD_VARIABLE, certificate_for  # pyHanko: only when signing

    return certificate_for(settings, password or os.environ.get(PASSWORD_VARIABLE))


def _report(batch: Batch, output: str) -> None:
    """What was made and recorded, in the words of `formkit brief`."""
    name = texts.DOCUMENT_NAMES[batch.kind]
    for item in batch.items:
        if not item.made:
            continue
        files: list[Path] = []
        if item.pdf is not None and output == "pdf":
            item.docx.unlink(missing_ok=True)  # PDF only: the Word file was the way to it
        else:
            files.append(item.docx)
        files += [p for p in (item.pdf, *item.extra, item.draft) if p is not None]
        done(f"{texts.MADE}: {name} {item.complaint.number_text}", [_link(p) for p in files])
    for item in batch.skipped:
        overwrite_offer(texts.NOT_OVERWRITTEN.format(name=item.docx.name))
    for item in batch.failed:
        error(item.error)
    if batch.pdf_error:
        error(texts.PDF_FAILED_WORD_MADE.format(error=batch.pdf_error))
    for note in (*batch.notes, *batch.warnings):
        warning(note)
    for number, headers in batch.recorded.items():
        done(texts.RECORDED_AS.format(number=number, headers=", ".join(headers)))
    for number in batch.kept:
        done(texts.KEPT.format(number=number))
    if not batch.items:
        warning(texts.NOTHING_MADE)


def _link(path: Path) -> tuple[str, str]:
    return path.name, url_for("files.open_file", relative=relative_link(site().settings.root, path))

