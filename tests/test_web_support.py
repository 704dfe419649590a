"""Shared by the web page's tests: a real `formkit app` process, and plain HTTP to it.

No test functions here. The app runs as staff run it (a process with its first line on stdout),
with SIGINT at its default handler so that Ctrl-C tests see what a terminal would do.
"""

from __future__ import annotations

import atexit
import datetime as dt
import http.client
import os
import re
import signal
import subprocess
import sys
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from formkit.register.storage import update_register
from formkit.workfolder.create import init_workfolder
from formkit.workfolder.demo_data import demo_rows, numbered

# `formkit app` in a child process whose argv[0] says formkit (the page shows the command's name)
LAUNCH = "import sys\nfrom formkit.cli import main\nsys.argv[0] = 'formkit'\nmain()\n"
CSRF = re.compile(r'name="csrf" value="([^"]+)"')
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}


_SHARED: list = []  # (playwright, browser) once started


@pytest.fixture(scope="module")
def browser():
    """One chromium for every web test module (import this fixture into the module); closed at exit."""
    # the test extra installs playwright and CI installs chromium: missing is a failure, not a skip
    from playwright.sync_api import sync_playwright

    if not _SHARED:
        started = sync_playwright().start()
        _SHARED.append((started, started.chromium.launch(executable_path=CHROMIUM, args=ARGS)))
        atexit.register(_close_browser)
    return _SHARED[0][1]


def _close_browser() -> None:
    started, launched = _SHARED.pop()
    launched.close()
    started.stop()


def open_page(browser, app: LiveApp, js: bool = True):
    """A page of its own (own cookies) that opened the printed address: the key became the cookie."""
    context = browser.new_context(viewport=VIEWPORT, locale="nl-NL", java_script_enabled=js, accept_downloads=True)
    page = context.new_page()
    page.goto(app.first_line)
    assert page.url == app.base + "/"
    return page


def demo_folder(root: Path, today: dt.date | None = None):
    """A working folder with the demo's invented complaints as of `today` (no documents yet)."""
    settings = init_workfolder(root).settings
    today = today or dt.date.today()
    with update_register(settings, "test") as update:
        for row in numbered(demo_rows(today), today):
            update.append(row)
    return settings


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: str
    cookies: list[str] = field(default_factory=list)

    @property
    def csrf(self) -> str:
        found = CSRF.search(self.body)
        assert found, "no form with a CSRF token on the page"
        return found[1]


class LiveApp:
    """`formkit --map FOLDER app --no-browser` as a process in a session of its own."""

    def __init__(self, folder: Path, *args: str, env: dict[str, str] | None = None) -> None:
        self.folder = Path(folder)
        self.stderr_path = self.folder.parent / f"app-stderr-{os.getpid()}-{id(self)}.txt"
        self._stderr = self.stderr_path.open("wb")
        self.process = subprocess.Popen(
            [sys.executable, "-c", LAUNCH, "--map", str(folder), "app", "--no-browser", *args],
            stdout=subprocess.PIPE, stderr=self._stderr, stdin=subprocess.DEVNULL, env={**os.environ, **(env or {})},
            start_new_session=True, preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        assert self.process.stdout is not None
        self.first_line = self.process.stdout.readline().decode().strip()
        assert self.first_line, f"no address printed: {self.stderr()}"
        parts = urllib.parse.urlsplit(self.first_line)
        self.port = parts.port or 0
        self.key = urllib.parse.parse_qs(parts.query)["sleutel"][0]
        self.base = f"http://127.0.0.1:{self.port}"
        self.cookie = ""

    def stderr(self) -> str:
        if not self._stderr.closed:
            self._stderr.flush()
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                cookie: bool = True) -> Answer:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        sent = {"Host": f"127.0.0.1:{self.port}", **(headers or {})}
        if cookie and self.cookie:
            sent.setdefault("Cookie", self.cookie)
        connection.request(method, path, body=body, headers=sent)
        answer = connection.getresponse()
        data = answer.read().decode("utf-8", errors="replace")
        result = Answer(answer.status, {k.lower(): v for k, v in answer.getheaders()}, data,
                        answer.headers.get_all("Set-Cookie") or [])
        connection.close()
        return result

    def login(self) -> Answer:
        answer = self.request("GET", f"/?sleutel={self.key}", cookie=False)
        assert answer.status == 303, answer
        self.cookie = answer.cookies[0].split(";")[0]
        return answer

    def get(self, path: str, **kw) -> Answer:
        return self.request("GET", path, **kw)

    def post(self, path: str, fields: dict[str, str] | list[tuple[str, str]], origin: str | None = "",
             **kw) -> Answer:
        headers = {"Content-Type": "application/x-www-form-urlencoded", **kw.pop("headers", {})}
        if origin is not None:
            headers["Origin"] = origin or self.base
        return self.request("POST", path, urllib.parse.urlencode(fields).encode(), headers=headers, **kw)

    def descendants(self) -> set[int]:
        """Every process started by the app."""
        return descendants(self.process.pid)

    def interrupt(self, timeout: float = 60) -> int:
        """Ctrl-C as a terminal sends it: SIGINT to the app's whole process group."""
        os.killpg(self.process.pid, signal.SIGINT)
        return self.wait(timeout)

    def wait(self, timeout: float = 60) -> int:
        try:
            code = self.process.wait(timeout)
        finally:
            self._stderr.close()
        return code

    def kill(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._stderr.close()


def descendants(pid: int) -> set[int]:
    """Every process started by `pid`, by walking /proc (also those in other sessions)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(parent, []).append(int(entry.name))
    found: set[int] = set()
    todo = [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    """Whether a process still exists (a zombie counts as gone: it holds nothing)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
