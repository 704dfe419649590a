"""Dutch words for counts and lists, as every message and report writes them."""

from __future__ import annotations

from collections.abc import Sequence


def count(n: int, one: str, many: str) -> str:
    """'1 dag', '3 dagen'."""
    return f"{n} {one if n == 1 else many}"


def and_list(items: Sequence[object]) -> str:
    """'a', 'a en b', 'a, b en c'."""
    words = [str(i) for i in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + " en " + words[-1]
