"""Data quality of one register row: what `controle` reports as gegevens-onjuist."""

from __future__ import annotations

from collections.abc import Sequence

from formkit.dates import dutch_short
from formkit.register.model import Complaint
from formkit.settings import Settings
from formkit.words import and_list


def odd_number_text(row: int, text: str) -> str:
    """A row whose Klachtnummer holds something else: not a complaint until it has a real number."""
    shown = " ".join(text.split())
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    return (f"Rij {row}: '{shown}' in de kolom Klachtnummer is geen klachtnummer (verwacht K-JJJJ-NNN, "
            "bijvoorbeeld K-2026-014). formkit behandelt deze rij niet als klacht: verbeter het nummer, of zet "
            "een notitie in een eigen kolom.")


def data_problems(c: Complaint, settings: Settings, duplicate_rows: Sequence[int] = ()) -> list[str]:
    """Dutch texts for each gegevens-onjuist finding of one row (one text per problem)."""
    texts: list[str] = []  # each gets "Rij N: " in front
    bad = c.unreadable_keys()
    number = c.number_text
    if not number and "number" not in bad:
        texts.append("Klachtnummer ontbreekt.")
    rows = sorted(set(duplicate_rows) | {c.row}) if duplicate_rows else ()
    if number and len(rows) > 1:
        texts.append(f"Klachtnummer {number} komt meer dan eens voor: rijen {and_list(rows)}. "
                     "Geef elke klacht een eigen nummer.")
    received = c.received
    if received is None and "received" not in bad:
        texts.append("Datum ontvangst ontbreekt; de termijnen zijn niet te berekenen.")
    if received and c.handled_date and c.handled_date < received:
        texts.append(f"Datum afhandeling ({dutch_short(c.handled_date)}) ligt voor "
                     f"Datum ontvangst ({dutch_short(received)}).")
    if received and c.reaction_date and c.reaction_date < received:
        texts.append(f"Datum reactie ({dutch_short(c.reaction_date)}) ligt voor "
                     f"Datum ontvangst ({dutch_short(received)}).")
    if settings.handler(c.handler) is None and "handler" not in bad:
        name = " ".join((c.handler or "").split())
        if name and settings.handlers:
            known = and_list([h.name for h in settings.handlers])
            texts.append(f"Behandelaar '{name}' staat niet in formkit.toml (bekend: {known}).")
        elif not name and c.is_open:
            texts.append("Geen Behandelaar ingevuld voor deze openstaande klacht.")
    if c.serious not in (None, "ja", "nee"):  # the usual values need no closer look
        serious = c.serious.strip()
        if serious.lower() not in ("", "ja", "nee") and "serious" not in bad:
            texts.append(f"Ernstig is '{serious}'; verwacht ja of nee (leeg telt als nee). "
                         "De klacht is als niet-ernstig behandeld.")
    texts = [f"Rij {c.row}: {text}" for text in texts]
    for p in c.problems:
        text = p.text.strip()
        end = "" if text.endswith((".", "!", "?")) else "."
        texts.append(f"Cel {p.cell} ({p.header}) is niet te lezen: {text}{end}")
    return texts
