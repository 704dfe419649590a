"""Changes made from the page, one at a time."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from formkit.web import texts
from formkit.web.messages import error
from formkit.web.site import site


def run_exclusive(action: Callable[[], Any]) -> Any:
    """One change at a time: a second tab's POST waits briefly, then is told formkit is busy."""
    lock = site().action_lock
    if not lock.acquire(timeout=30):
        error(texts.BUSY)
        return None
    try:
        return action()
    finally:
        lock.release()
