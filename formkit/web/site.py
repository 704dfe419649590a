"""What the pages of `formkit app` share while they answer a request: the Site (working folder,
guard, kept LibreOffice, long jobs), the session, and the Dutch page around every answer."""

from __future__ import annotations

import datetime as dt
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Response, g, render_template, request

from formkit.dates import dutch_short
from formkit.settings import CONFIG_NAME, Settings, load_settings
from formkit.web import texts
from formkit.web.security import Guard, Session

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
