"""Inlezen: returned PDF forms dropped on the page (or chosen), read in the background with the
command's worker isolation and limits, what each file would change (conflicts side by side), then
confirmed: exactly the plan shown is written, in one register write. When the register changed
since, formkit plans again and shows the new plan instead of writing (formkit.intake)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, abort, redirect, request, url_for
from werkzeug.wrappers import Response

from formkit.crash import crash_message, record_crash
from formkit.errors import FormkitError
from formkit.web import texts
from formkit.web.actions import run_exclusive
from formkit.web.jobs import Cancelled, Job
from formkit.web.messages import done, error, failed, warning
from formkit.web.security import relative_link
from formkit.web.site import page, site

blueprint = Blueprint("intake", __name__)
UNSAFE_NAME = re.compile(r'[<>:"/\\|?*\x00-\x1f]')
FIRST_WAIT = 3.0  # seconds the upload waits for the plan before it shows the status page
STATUS_WAIT = 1.0  # seconds the status page waits for the end before it shows the progress


@blueprint.get("/inlezen", endpoint="page")
def intake_page() -> str:
    return page("inlezen.html", job=None)


@blueprint.post("/inlezen", endpoint="upload")
def upload() -> Response:
    files = [f for f in request.files.getlist("bestanden") if f.filename]
    if not files:
        error(texts.INTAKE_NO_FILES)
        return redirect(url_for("intake.page"), 303)
    jobs = site().jobs
    folder = jobs.upload_folder()
    names: dict[str, str] = {}
    paths = []
    for n, storage in enumerate(files, start=1):
        shown = Path((storage.filename or "").replace("\\", "/")).name or f"bestand-{n}.pdf"
        target = folder / f"{n:03d}" / (UNSAFE_NAME.sub("_", shown)[:150] or f"bestand-{n}.pdf")
        target.parent.mkdir()
        storage.save(target)
        names[str(target)] = shown
        paths.append(target)
    settings = site().settings

    def work(job: Job):
        from formkit.intake import plan_import, read_forms  # pypdf and its workers: only this page

        outcomes = read_forms(paths, progress=job.progress)
        return plan_import(settings, outcomes)

    job = jobs.start(texts.INTAKE_TITLE, work, folder, data={"names": names})
    job.ended.wait(FIRST_WAIT)  # a few forms are read at once: then the plan is the next page, not a status page
    return redirect(url_for("intake.job", job_id=job.id), 303)


def _job(job_id: str) -> Job:
    job = site().jobs.get(job_id)
    if job is None:
        abort(404)
    return job


@blueprint.get("/inlezen/<job_id>", endpoint="job")
def job_page(job_id: str) -> str:
    job = _job(job_id)
    if not job.ended.wait(STATUS_WAIT):
        return page("inlezen.html", job=job, running=True)
    if job.error is not None:
        _say_error(job)
        return page("inlezen.html", job=None)
    plan = job.result
    names: dict[str, str] = job.data["names"]
    writes = any(o.writes or o.keep_to for o in plan.outcomes)
    if not writes:
        site().jobs.discard(job)  # nothing to confirm: the uploads are not needed any more
    before, now = job.data.get("before", {}), _state(plan)
    rows = [(o, _named(names, o.message), [_named(names, w) for w in o.warnings],
             bool(before) and before.get(str(o.path)) != now[str(o.path)]) for o in plan.outcomes]
    return page("inlezen.html", job=job, plan=plan, rows=rows, names=names, applied=job.data.get("applied", False),
                kept=job.data.get("kept", []), writes=writes)


def _state(plan) -> dict[str, tuple]:
    return {str(o.path): (o.status, o.number, o.changes, o.conflicts) for o in plan.outcomes}


def _say_error(job: Job) -> None:
    exc = job.error
    if isinstance(exc, Cancelled):
        done(texts.JOB_CANCELLED)
    elif isinstance(exc, FormkitError):
        failed(exc)
    elif isinstance(exc, Exception):
        error(crash_message(record_crash(exc, site().root, "app inlezen")))


def _named(names: dict[str, str], text: str) -> str:
    """A message names the uploaded copy; the user knows the file by its own name."""
    for path, name in names.items():
        text = text.replace(path, name)
    return text


@blueprint.post("/inlezen/<job_id>/afbreken", endpoint="cancel")
def cancel(job_id: str) -> Response:
    job = _job(job_id)
    job.cancelled.set()
    if job.finished and job.error is None and not job.data.get("applied"):
        job.error = Cancelled()
        site().jobs.discard(job)
    return redirect(url_for("intake.job", job_id=job.id), 303)


@blueprint.post("/inlezen/<job_id>/overschrijven", endpoint="overwrite")
def overwrite(job_id: str) -> Response:
    """The same files planned again, conflicts taking the form's value; shown before anything is written."""
    job = _job(job_id)
    if not job.finished or job.error is not None or job.data.get("applied"):
        abort(409)

    def action() -> None:
        from formkit.intake import plan_import

        try:
            job.result = plan_import(site().settings, job.result.outcomes, overwrite=True)
        except FormkitError as exc:
            failed(exc)

    run_exclusive(action)
    return redirect(url_for("intake.job", job_id=job.id), 303)


@blueprint.post("/inlezen/<job_id>/bevestigen", endpoint="confirm")
def confirm(job_id: str) -> Response:
    job = _job(job_id)
    if not job.finished or job.error is not None:
        abort(409)
    if job.data.get("applied"):
        return redirect(url_for("intake.job", job_id=job.id), 303)

    def action() -> None:
        from formkit.intake import PlanChanged, apply_import

        settings = site().settings
        try:
            plan = apply_import(settings, job.result)
        except PlanChanged as changed:
            job.data["before"] = _state(job.result)  # what the user saw, to mark what is different now
            job.result = changed.plan  # shown again: the user confirms what it would do now
            warning(changed.message)
            return
        except FormkitError as exc:
            failed(exc)
            return
        job.data["applied"] = True
        job.data["kept"] = [(o.kept_as.name, relative_link(settings.root, o.kept_as))
                            for o in plan.outcomes if o.kept_as is not None]
        done(texts.INTAKE_DONE.format(summary=summary(plan)))
        for note in plan.notes:
            warning(note)
        site().jobs.discard(job)

    run_exclusive(action)
    return redirect(url_for("intake.job", job_id=job.id), 303)


def summary(plan) -> str:
    """The command's closing line: how many files ended how."""
    parts = [f"{plan.count(status)} {label}" for status, label in texts.INTAKE_COUNTS if plan.count(status)]
    return ", ".join(parts) or texts.NOTHING
