"""The Flask application of `formkit app`: every request passes the Guard, every page is Dutch.

What each request passes, in order: the Host (DNS rebinding), the key or the cookie, and for a
POST the Origin and the CSRF token. Every answer carries a Content-Security-Policy without inline
script, frame-ancestors 'none' and nosniff, and is not cached. A bug gives a Dutch page naming
formkit-fout.log (formkit.crash), never a traceback.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, redirect, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from formkit.crash import crash_message, record_crash
from formkit.dates import dutch_short
from formkit.settings import CONFIG_NAME, Settings, load_settings
from formkit.web import texts
from formkit.web.security import Guard, Session, csrf_ok

MAX_UPLOAD_FILES = 200  # returned forms in one drop
MAX_UPLOAD_BYTES = 100 * 1024 * 1024  # the whole request; each PDF is bounded again (20 MB) when read
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")


@dataclass
class Site:
    """What the pages share: the working folder, the guard, LibreOffice, the long jobs."""

    root: Path
    register: Path | None
    guard: Guard
    office: Any = None  # formkit.web.office.Office, or None: plain conversion
    jobs: Any = None  # formkit.web.jobs.Jobs

    def __post_init__(self) -> None:
        self.action_lock = threading.Lock()  # one change at a time, whatever the number of tabs
        self._settings: tuple[tuple[int, int] | None, Settings] | None = None
        self._settings_lock = threading.Lock()

    @property
    def settings(self) -> Settings:
        """formkit.toml as it is now (read again only when the file changed)."""
        config = self.root / CONFIG_NAME
        try:
            stat = config.stat()
            stamp: tuple[int, int] | None = (stat.st_mtime_ns, stat.st_size)
        except OSError:
            stamp = None
        with self._settings_lock:
            if self._settings is None or self._settings[0] != stamp:
                self._settings = (stamp, load_settings(self.root, self.register))
            return self._settings[1]


def site() -> Site:
    return g.site


def session() -> Session:
    return g.session


def create_app(the_site: Site) -> Flask:
    app = Flask("formkit.web", static_folder="static", template_folder="templates")
    app.config.update(MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES, MAX_FORM_PARTS=MAX_UPLOAD_FILES + 50,
                      MAX_FORM_MEMORY_SIZE=1024 * 1024, TEMPLATES_AUTO_RELOAD=False)
    app.jinja_env.globals.update(t=texts)
    app.jinja_env.filters["shown"] = shown
    app.jinja_env.autoescape = True
    app.url_map.merge_slashes = False  # '/bestand//etc/passwd' is refused, not redirected
    guard = the_site.guard

    @app.before_request
    def admit() -> BaseResponse | None:
        g.site = the_site
        if not guard.host_ok(request.host):
            return refusal(texts.WRONG_HOST, 403)
        if "sleutel" in request.args and request.method == "GET":
            if not guard.key_matches(request.args.get("sleutel")):
                return refusal(texts.WRONG_KEY, 403)
            token = guard.new_session()
            answer = redirect(request.path, 303)
            answer.set_cookie(guard.cookie, token, httponly=True, samesite="Strict", path="/")
            return answer
        found = guard.session(request.cookies.get(guard.cookie))
        if found is None:
            return refusal(texts.NO_KEY, 403)
        g.session = found
        if request.method not in ("GET", "HEAD"):
            if not guard.origin_ok(request.headers.get("Origin"), request.headers.get("Referer")):
                return refusal(texts.WRONG_ORIGIN, 403)
            if not csrf_ok(found, request.form.get("csrf")):
                return refusal(texts.NO_CSRF, 403)
        return None

    @app.after_request
    def headers(answer: Response) -> Response:
        answer.headers.setdefault("Content-Security-Policy", CSP)
        answer.headers["X-Content-Type-Options"] = "nosniff"
        answer.headers["X-Frame-Options"] = "DENY"
        answer.headers["Referrer-Policy"] = "same-origin"
        answer.headers["Cache-Control"] = "no-store"
        return answer

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = exc.code or 500
        text = {404: texts.NOT_FOUND, 405: texts.METHOD, 413: texts.TOO_LARGE}.get(code, exc.name)
        return refusal(text, code)

    @app.errorhandler(Exception)
    def bug(exc: Exception) -> Response:
        log = record_crash(exc, the_site.root, f"app {request.endpoint or ''}")
        return refusal(crash_message(log), 500, texts.CRASH_TITLE)

    from formkit.web.views import analysis, complaints, documents, files, forms, intake, monthly, today

    for module in (today, complaints, documents, files, forms, intake, monthly, analysis):
        app.register_blueprint(module.blueprint)
    return app


def shown(value: object) -> str:
    """A register or form value as staff read it: dates as 24-11-2026, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return dutch_short(value)
    return str(value)


def refusal(text: str, status: int, title: str | None = None) -> Response:
    """A small Dutch page for a refusal or an error: no navigation, no data."""
    body = render_template("weigering.html", title=title or texts.ERROR, text=text)
    return Response(body, status=status, mimetype="text/html")


def page(template: str, **context: Any) -> str:
    """A page with navigation, the session's CSRF token and its waiting messages."""
    current = session()
    messages, current.messages[:] = list(current.messages), []
    return render_template(template, csrf=current.csrf, messages=messages, nav=texts.NAV,
                           endpoint=request.endpoint, **context)


def run_exclusive(action: Callable[[], Any]) -> Any:
    """One change at a time: a second tab's POST waits briefly, then is told formkit is busy."""
    lock = site().action_lock
    if not lock.acquire(timeout=30):
        from formkit.web.messages import error

        error(texts.BUSY)
        return None
    try:
        return action()
    finally:
        lock.release()
