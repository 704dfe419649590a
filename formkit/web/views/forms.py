"""Formulieren: the blank fillable PDF forms, to download, mail or publish (`formkit pdf-formulier`)."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from werkzeug.wrappers import Response

from formkit.errors import FormkitError
from formkit.pdf.fields import KINDS
from formkit.web import texts
from formkit.web.actions import run_exclusive
from formkit.web.messages import done, failed
from formkit.web.security import relative_link
from formkit.web.site import page, site

blueprint = Blueprint("forms", __name__)


@blueprint.get("/formulieren", endpoint="page")
def forms_page() -> str:
    from formkit.pdf.forms import form_path  # reportlab and pypdf: only for the forms

    settings = site().settings
    rows = []
    for kind in KINDS:
        path = form_path(settings, kind)
        rows.append((kind, texts.FORM_TITLES[kind], relative_link(settings.root, path) if path.is_file() else None))
    return page("formulieren.html", rows=rows)


@blueprint.post("/formulieren/maken", endpoint="make")
def make() -> Response:
    kind = request.form.get("soort", "")
    if kind not in KINDS:
        abort(400)

    def action() -> None:
        from formkit.pdf.forms import make_blank_form

        settings = site().settings
        try:
            path = make_blank_form(settings, kind)
        except FormkitError as exc:
            failed(exc)
            return
        link = url_for("files.open_file", relative=relative_link(settings.root, path))
        done(f"{texts.MADE}: {path.name}", [(path.name, link)])

    run_exclusive(action)
    return redirect(url_for("forms.page"), 303)
