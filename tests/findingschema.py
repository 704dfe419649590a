"""The `controle --json` schema of SPEC.md, checked the same way wherever a test needs it."""

from __future__ import annotations

from datetime import date

from formkit.check.findings import KINDS

FINDING_KEYS = {"klachtnummer", "soort", "termijn", "dagen", "ernstig", "behandelaar", "toelichting"}


def assert_finding(item: dict) -> None:
    """One entry of `bevindingen` has exactly the SPEC keys, each of the SPEC type."""
    assert set(item) == FINDING_KEYS
    assert isinstance(item["klachtnummer"], str)
    assert item["soort"] in KINDS
    assert item["termijn"] is None or date.fromisoformat(item["termijn"])
    assert item["dagen"] is None or isinstance(item["dagen"], int)
    assert isinstance(item["ernstig"], bool)
    assert item["behandelaar"] is None or isinstance(item["behandelaar"], str)
    assert isinstance(item["toelichting"], str) and item["toelichting"]
