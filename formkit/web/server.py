"""Starting and stopping `formkit app`: 127.0.0.1 only, the address with its key as the first line
on stdout, the browser, and a clean stop on Ctrl-C (LibreOffice and uploads included).

The server is waitress (pure Python, Windows and macOS alike). It writes no access log: request
lines would carry searches and names; only its own warnings (no query strings) reach stderr.
"""

from __future__ import annotations

import errno
import shutil
import signal
import socket
import sys
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path

from formkit.errors import FormkitError
from formkit.register.reading import read_bytes
from formkit.settings import load_settings
from formkit.web import texts
from formkit.web.security import Guard

UPLOADS = ".formkit-app"  # the working folder's own temporary place (uploads), removed on stop
THREADS = 6


def address(port: int, key: str) -> str:
    return f"http://127.0.0.1:{port}/?sleutel={key}"


def _reason(exc: OSError) -> str:
    """Why a port cannot be had, in Dutch for the usual causes (the system's own words otherwise)."""
    if exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1)):
        return "een ander programma gebruikt haar al"
    if exc.errno in (errno.EACCES, getattr(errno, "WSAEACCES", -1)):
        return "deze poort is niet toegestaan"
    return str(exc.strerror or exc)


def listen(port: int | None) -> socket.socket:
    """A socket on 127.0.0.1 only (port 0: a free one)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if sys.platform == "win32":  # no other program may take the same port
        sock.setsockopt(socket.SOL_SOCKET, getattr(socket, "SO_EXCLUSIVEADDRUSE", 0x4), 1)
    try:
        sock.bind(("127.0.0.1", port or 0))
        sock.listen(64)
    except OSError as exc:
        sock.close()
        raise FormkitError(texts.PORT_UNUSABLE.format(port=port, reason=_reason(exc))) from None
    return sock


def serve(root: Path, register: Path | None, port: int | None, open_browser: bool,
          say: Callable[[str], None], show: Callable[[str], None]) -> None:
    """Run the page until Ctrl-C (or SIGTERM). `show` prints data (stdout), `say` informs (stderr)."""
    from waitress import create_server

    from formkit.web.application import create_app
    from formkit.web.jobs import Jobs
    from formkit.web.office import Office
    from formkit.web.site import Site

    settings = load_settings(root, register)  # a broken formkit.toml stops here, in Dutch
    if not settings.register.exists():
        read_bytes(settings.register)  # no register: the commands' own refusal (make one with init)
    sock = listen(port)
    guard = Guard(sock.getsockname()[1])
    uploads = settings.root / UPLOADS
    shutil.rmtree(uploads, ignore_errors=True)  # left by a run that was killed
    site = Site(settings.root, register, guard, Office(), Jobs(uploads))
    server = create_server(create_app(site), sockets=[sock], threads=THREADS, ident="formkit",
                           clear_untrusted_proxy_headers=True, expose_tracebacks=False)
    url = address(guard.port, guard.key)
    show(url)  # the first line on stdout
    say(texts.STARTED)
    if open_browser:
        threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
    previous = signal.getsignal(signal.SIGTERM)
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _interrupt)
    try:
        server.run()  # returns on KeyboardInterrupt (Ctrl-C), after its worker threads stopped
    finally:
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
            signal.signal(signal.SIGTERM, previous)
        try:
            server.close()
            site.jobs.stop()
            site.office.stop()
            shutil.rmtree(uploads, ignore_errors=True)
        finally:
            if threading.current_thread() is threading.main_thread():
                signal.signal(signal.SIGINT, signal.default_int_handler)
    say(texts.STOPPED)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt
