"""What keeps the page to its one user: the key, the cookie, CSRF tokens, Host and Origin, safe paths.

The key printed with the address is exchanged for a cookie (HttpOnly, SameSite=Strict) whose
name carries the port: cookies are not separated by port, and other local programs share
127.0.0.1. Every change is a POST with the session's CSRF token from a page of this very origin.
"""

from __future__ import annotations

import hmac
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

SESSION_LIMIT = 64  # browsers that exchanged the key; the oldest is forgotten beyond this


@dataclass
class Session:
    """One browser that showed the key: its CSRF token and the messages for its next page."""

    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    messages: list[Any] = field(default_factory=list)


class Guard:
    """The key of this run and the browsers that exchanged it."""

    def __init__(self, port: int, key: str | None = None) -> None:
        self.port = port
        self.key = key or secrets.token_urlsafe(24)
        self.cookie = f"formkit-{port}"
        self.hosts = frozenset({f"127.0.0.1:{port}", f"localhost:{port}"})
        self.origins = frozenset(f"http://{host}" for host in self.hosts)
        self._sessions: dict[str, Session] = {}
        self._lock = threading.Lock()

    def key_matches(self, given: str | None) -> bool:
        return given is not None and hmac.compare_digest(given.encode(), self.key.encode())

    def new_session(self) -> str:
        token = secrets.token_urlsafe(32)
        with self._lock:
            while len(self._sessions) >= SESSION_LIMIT:
                self._sessions.pop(next(iter(self._sessions)))
            self._sessions[token] = Session()
        return token

    def session(self, token: str | None) -> Session | None:
        if not token:
            return None
        with self._lock:
            return self._sessions.get(token)

    def host_ok(self, host: str | None) -> bool:
        """Only this port on the loopback names: another Host means DNS rebinding or another site."""
        return (host or "").lower() in self.hosts

    def origin_ok(self, origin: str | None, referer: str | None) -> bool:
        """Scheme, host and port of the page that sent a POST (Referer when a browser sends no Origin)."""
        if origin:
            return origin.lower() in self.origins
        if referer:
            return any(referer.lower() == o or referer.lower().startswith(o + "/") for o in self.origins)
        return False


def csrf_ok(session: Session, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(given.encode(), session.csrf.encode())


class UnsafePath(ValueError):
    """A requested path that does not name a file inside the working folder."""


def safe_path(root: Path, relative: str) -> Path:
    """The file `relative` (as the page writes it: '/'-separated, inside `root`), or UnsafePath.

    Refused before touching the disk: absolute and drive paths, backslashes, colons (drive letters,
    Windows streams), '..', '.' and hidden names, control characters. After resolving (symlinks
    followed) the file must still lie inside the working folder.
    """
    if not relative or len(relative) > 1024:
        raise UnsafePath("leeg of te lang")
    if "\\" in relative or ":" in relative or any(ord(ch) < 32 for ch in relative):
        raise UnsafePath("ongeldig teken")
    pure = PurePosixPath(relative)
    if pure.is_absolute() or relative.startswith("/"):
        raise UnsafePath("absoluut pad")
    if any(part in ("", ".", "..") or part.startswith(".") for part in relative.split("/")):
        raise UnsafePath("ongeldig deel")
    base = Path(root).resolve()
    try:
        target = (base / Path(*pure.parts)).resolve(strict=True)
    except (OSError, RuntimeError):
        raise UnsafePath("bestaat niet") from None
    if not target.is_relative_to(base) or not target.is_file():
        raise UnsafePath("buiten de werkmap")
    return target


def relative_link(root: Path, path: Path) -> str:
    """The '/'-separated path of a file inside the working folder, as safe_path takes it back."""
    return Path(path).resolve().relative_to(Path(root).resolve()).as_posix()


def local_return(target: str | None, default: str = "/") -> str:
    """A page of this site to return to after an action: a path, never another site ('//x', 'http:')."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(ch) < 32 for ch in target):
        return default
    return target
