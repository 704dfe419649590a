"""The registration form and the four letters: which template, and everything a template may name.

The context is plain data (text, booleans, dates already in Dutch); `formkit.documents.templating` renders
it. The names are documented for staff in templates/LEESMIJ.md.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from formkit.check import deadlines
from formkit.dates import dutch
from formkit.documents import LETTER_KINDS, unreadable_cell
from formkit.documents.promises import original_deadline, told_date
from formkit.documents.templating import Renderer, clean_text
from formkit.errors import DocumentError, Hint, InputError
from formkit.register.columns import BY_HEADER, normalise_header
from formkit.register.model import Complaint
from formkit.settings import Settings

__all__ = ["TEMPLATES", "Renderer", "build_context", "cells_named", "clean_text", "document_word",
           "render_documents", "template_name"]

TEMPLATES: dict[str, str] = {
    "formulier": "registratieformulier.docx",
    "ontvangst": "brief-ontvangst.docx",
    "verlenging": "brief-verlenging.docx",
    "terugkoppeling": "brief-terugkoppeling.docx",
    "tevredenheid": "brief-tevredenheid.docx",
}
SUBJECTS = {
    "formulier": "Klachtenregistratieformulier",
    "ontvangst": "Ontvangstbevestiging van uw klacht",
    "verlenging": "Verlenging van de behandeling van uw klacht",
    "terugkoppeling": "Afhandeling van uw klacht",
    "tevredenheid": "Uw mening over de afhandeling van uw klacht",
}
# Complaint attribute -> name in the templates (`{{ klacht.naam }}`); see templates/LEESMIJ.md.
FIELDS = {
    "number": "nummer", "received": "datum_ontvangst", "channel": "wijze_indienen",
    "client_type": "type_klant", "name": "naam", "organisation": "organisatie", "address": "adres",
    "postcode": "postcode", "city": "woonplaats", "email": "email", "phone": "telefoon",
    "participant": "deelnemer", "course": "opleiding", "description": "omschrijving",
    "desired_solution": "gewenste_oplossing", "category": "categorie", "serious": "ernstig_tekst",
    "handler": "behandelaar", "reaction_date": "datum_reactie", "reaction_mode": "wijze_reactie",
    "extended_until": "verlengd_tot", "extension_notice_date": "datum_verlengingsbericht",
    "cause": "oorzaak", "solution": "oplossing", "handled_date": "datum_afhandeling",
    "feedback_date": "datum_terugkoppeling", "internal_feedback": "terugkoppeling_organisatie",
    "third_party": "derde_partij", "submitted_date": "datum_voorgelegd",
    "third_party_ruling": "uitspraak_derde_partij", "satisfaction": "tevredenheid",
    "satisfaction_date": "datum_tevredenheidsmeting", "improvement": "verbeteractie",
    "improvement_done": "verbeteractie_doorgevoerd", "signal": "signalering", "remarks": "opmerkingen",
}
CHOICES = {  # check-box groups on the form: name -> (attribute, {box name: register value})
    "indienen": ("channel", {"gesprek": "gesprek", "telefoon": "telefoon", "email": "e-mail",
                             "brief": "brief", "klachtenformulier": "klachtenformulier"}),
    "klant": ("client_type", {"particulier": "particulier", "bedrijf": "bedrijf"}),
    "ernstig": ("serious", {"ja": "ja", "nee": "nee"}),
    "reactie": ("reaction_mode", {"email": "e-mail", "telefoon": "telefoon", "brief": "brief"}),
}
CHECKED, UNCHECKED = "☒", "☐"
QUOTE_CHARS = 300
UNREADABLE = "(onleesbaar)"  # after a cell's text on the form: staff see what they typed, and that it is wrong
UNKNOWN = "onbekend"  # a term that rests on an unreadable cell

# The register columns (keys) each name rests on. A letter naming one of them is not made while
# such a cell is unreadable: its text would show a blank or a guess.
EXTENSION_CELLS = frozenset({"extended_until", "extension_notice_date"})
_HANDLING = frozenset({"received", "serious"}) | EXTENSION_CELLS
TERM_CELLS: dict[str, frozenset[str]] = {
    "reactie": frozenset({"received"}), "reactie_grond": frozenset({"received"}),
    "afhandeling": _HANDLING, "afhandeling_grond": _HANDLING,
    "afhandeling_oorspronkelijk": frozenset({"received", "serious"}), "verwacht": EXTENSION_CELLS,
    "bewaren_tot": frozenset({"handled_date"}), "bewaren": frozenset({"handled_date"}),
}
CELLS: dict[str, frozenset[str]] = {
    **{f"klacht.{name}": frozenset({attr}) for attr, name in FIELDS.items()},
    **{f"termijn.{name}": cells for name, cells in TERM_CELLS.items()},
    "klacht.ernstig": frozenset({"serious"}), "klacht.particulier": frozenset({"client_type"}),
    "klacht.bedrijf": frozenset({"client_type"}), "klacht.omschrijving_kort": frozenset({"description"}),
    "klacht.postcode_woonplaats": frozenset({"postcode", "city"}), "brief.aanhef": frozenset({"name"}),
    "brief.adres": frozenset({"name", "organisation", "client_type", "address", "postcode", "city"}),
    "brief.email": frozenset({"handler"}), "behandelaar": frozenset({"handler"}),
    "handtekening": frozenset({"handler"}), "derde_partij": frozenset({"client_type"}),
    **{f"vakje.{group}": frozenset({attr}) for group, (attr, _options) in CHOICES.items()},
}


def _kind(kind: str) -> str:
    key = "formulier" if kind == "registratieformulier" else kind
    if key not in TEMPLATES:
        raise DocumentError(f"Onbekende soort document '{kind}'; kies uit: {', '.join(TEMPLATES)}.")
    return key


def template_name(kind: str) -> str:
    """The template file for a document kind (formulier, ontvangst, verlenging, ...)."""
    return TEMPLATES[_kind(kind)]


def document_word(kind: str) -> str:
    """The word a document's file name carries: 'registratieformulier', 'ontvangst', ..."""
    return "registratieformulier" if _kind(kind) == "formulier" else kind


def cells_named(names: Iterable[str], expected: dt.date | None = None) -> set[str]:
    """The register columns (keys) that the names a template uses rest on.

    A name counts with what it contains and what contains it: `termijn` rests on every term's
    cells, `klacht.naam.upper` on Naam klager. A given expected date replaces the extension cells
    in the terms.
    """
    keys: set[str] = set()
    for used in names:
        for name, cells in CELLS.items():
            if name == used or name.startswith(used + ".") or used.startswith(name + "."):
                keys |= cells - EXTENSION_CELLS if expected and name.startswith("termijn.") else cells
    return keys


def salutation_line(salutation: object, name: str) -> str:
    """The register's Aanhef ("Geachte heer De Vries") with its comma, else the complainant by name."""
    text = " ".join(clean_text(salutation).split())
    if text:
        return text if text.endswith((",", ":", "!")) else text + ","
    return f"Geachte {name}," if name else "Geachte heer/mevrouw,"


def build_context(complaint: Complaint, settings: Settings, kind: str, letter_date: dt.date,
                  expected: dt.date | None = None, *, salutation: object = None) -> dict[str, Any]:
    """Everything a template may name, as plain data with Dutch dates; letters check their needs.

    expected: the handling date the letter names (the extension notice's date, or the date given
    because the term has passed). salutation: the register's Aanhef, when it has that column.
    An unreadable cell shows as typed with "(onleesbaar)", and terms that rest on it as "onbekend".
    """
    kind = _kind(kind)
    c = complaint
    number = clean_text(c.number)
    if not number:
        raise DocumentError("Deze klacht heeft geen Klachtnummer; vul het eerst in het register in.")
    letter = kind in LETTER_KINDS
    handler = settings.handler(c.handler)
    if letter:
        signature = _signature(number, c, settings)
    else:  # the form may show it when staff add {{ handtekening }}, but never needs it
        try:
            signature = _signature(number, c, settings)
        except DocumentError:
            signature = ""
    if kind in ("ontvangst", "verlenging", "terugkoppeling") and c.received is None:
        problem = c.problem_for("received")
        if problem is not None:
            raise DocumentError(f"Klacht {number}: {unreadable_cell(problem)}; verbeter die eerst in het register.")
        raise DocumentError(f"Klacht {number}: Datum ontvangst is leeg; vul die eerst in het register in.")
    if letter and expected is None:  # the date the client was told, which the letter repeats
        expected = c.extended_until if kind == "verlenging" else told_date(c, settings.terms)
    if kind == "verlenging":
        if expected is None:
            raise InputError(f"Klacht {number}: geef de verwachte datum van afhandeling op.", Hint.EXPECTED_DATE)
    if expected and c.received and expected <= c.received:
        raise InputError(f"Klacht {number}: de verwachte datum {dutch(expected)} ligt niet na "
                         f"de datum van ontvangst ({dutch(c.received)}).")

    klacht: dict[str, Any] = {key: _value(getattr(c, attr)) for attr, key in FIELDS.items()}
    for problem in c.problems:  # as staff typed it, marked: a blank would hide the mistake
        column = BY_HEADER.get(normalise_header(problem.header))
        if column is not None:
            klacht[FIELDS[column.key]] = f"{problem.raw} {UNREADABLE}".strip()
    client = clean_text(c.client_type).lower()
    description = " ".join(klacht["omschrijving"].split())
    klacht.update(
        particulier=client == "particulier", bedrijf=client == "bedrijf", ernstig=c.is_serious,
        omschrijving_kort=_shorten(description, QUOTE_CHARS),
        postcode_woonplaats=_join("  ", klacht["postcode"], klacht["woonplaats"]),
    )
    org = {k: clean_text(getattr(settings.organisation, a)) for k, a in (
        ("naam", "name"), ("adres", "address"), ("postcode", "postcode"), ("plaats", "city"),
        ("telefoon", "phone"), ("email", "email"), ("website", "website"))}
    place_line = _join(" ", org["postcode"], org["plaats"])
    org["adresregel"] = _join(", ", org["adres"], place_line)
    org["contactregel"] = _join("  ·  ", org["adres"], place_line, org["telefoon"] and f"T {org['telefoon']}",
                                org["email"], org["website"])
    behandelaar = {k: clean_text(getattr(handler, a)) if handler else "" for k, a in (
        ("naam", "name"), ("functie", "function"), ("email", "email"), ("telefoon", "phone"))}
    behandelaar["naam"] = behandelaar["naam"] or clean_text(c.handler)
    phone, email = behandelaar["telefoon"] or org["telefoon"], behandelaar["email"] or org["email"]
    behandelaar["bereikbaar"] = _join(" of ", phone and f"telefoon {phone}", email and f"e-mail {email}")

    if klacht["bedrijf"] and klacht["organisatie"]:
        addressee = [klacht["organisatie"], klacht["naam"] and f"T.a.v. {klacht['naam']}"]
    else:
        addressee = [klacht["naam"]]
    brief = {
        "soort": kind, "datum": dutch(letter_date), "plaats": org["plaats"],
        "plaats_datum": _join(", ", org["plaats"], dutch(letter_date)),
        "betreft": SUBJECTS[kind], "kenmerk": number,
        "aanhef": salutation_line(salutation, klacht["naam"]),
        "adres": "\n".join(x for x in (*addressee, klacht["adres"], klacht["postcode_woonplaats"]) if x),
        "email": email,
    }
    return {
        "klacht": klacht, "organisatie": org, "behandelaar": behandelaar, "brief": brief,
        "termijn": _terms(c, settings, expected), "derde_partij": _third_party(client, settings),
        "vakje": _boxes(c), "handtekening": signature,
    }


def _value(value: object) -> str:
    return dutch(value) if isinstance(value, dt.date) else clean_text(value)


def _count(n: int) -> str:
    """Small numbers in words, as a Dutch letter writes them ('twee jaar')."""
    words = ("nul", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien")
    return words[n] if 0 <= n < len(words) else str(n)


def _join(sep: str, *parts: str) -> str:
    return sep.join(p for p in parts if p)


def _shorten(text: str, limit: int) -> str:
    """A quote of at most `limit` characters, cut at a word boundary."""
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0] if " " in text[:limit] else text[:limit]
    return cut.rstrip(" ,;:.-") + " …"


def _signature(number: str, c: Complaint, settings: Settings) -> str:
    """The handler's signature image (absolute path); a letter cannot go out without it."""
    name = clean_text(c.handler)
    if not name:
        raise DocumentError(f"Klacht {number}: de kolom Behandelaar is leeg; vul de behandelaar in het register in.")
    handler = settings.handler(name)
    if handler is None:
        known = ", ".join(h.name for h in settings.handlers) or "geen"
        raise DocumentError(f"Klacht {number}: behandelaar '{name}' staat niet in formkit.toml "
                            f"(bekende behandelaars: {known}).")
    if not handler.signature:
        raise DocumentError(f"Voor behandelaar {handler.name} is geen handtekening ingesteld "
                            "(handtekening = \"handtekeningen/....png\" in formkit.toml).")
    path = Path(handler.signature)
    path = path if path.is_absolute() else settings.root / path
    if not path.is_file():
        raise DocumentError(f"De handtekening van {handler.name} ontbreekt: {path} bestaat niet. "
                            "Zet daar een scan van de handtekening (PNG) of pas formkit.toml aan.")
    return str(path)


def _terms(c: Complaint, settings: Settings, expected: dt.date | None) -> dict[str, str]:
    """The deadlines of this complaint, the same ones `formkit controle` checks.

    In a letter that names an expected date later than the term, the handling term is that date:
    it is what the client is told, and no name may still carry a date that has passed.
    """
    t = settings.terms
    original = original_deadline(c, t)
    handling = deadlines.handling_deadline(c, t)
    if expected and original and expected > original:
        handling = expected
    if not c.received:
        ground = ""
    elif c.is_serious:
        ground = f"ernstige klacht: met spoed, binnen {t.serious_days} dagen na ontvangst"
    else:
        ground = "binnen één maand na ontvangst" if t.handling_months == 1 else \
            f"binnen {t.handling_months} maanden na ontvangst"
    if handling and original and handling != original:
        ground = f"verlengd; oorspronkelijk {dutch(original)}"
    destroy = deadlines.destroy_from(c, t)
    terms = {
        "reactie": dutch(deadlines.reaction_deadline(c, t)),
        "reactie_grond": f"binnen {t.reaction_days} dagen na ontvangst" if c.received else "",
        "afhandeling": dutch(handling), "afhandeling_grond": ground,
        "afhandeling_oorspronkelijk": dutch(original), "verwacht": dutch(expected),
        "bewaren_tot": dutch(destroy),
        "bewaren": f"tot {dutch(destroy)}" if destroy else f"tot {_count(t.retention_years)} jaar na afhandeling",
    }
    for name, cells in TERM_CELLS.items() if c.problems else ():
        problems = [p for key in sorted(cells - (EXTENSION_CELLS if expected else set()))
                    if (p := c.problem_for(key)) is not None]
        if not problems:
            continue
        if name.endswith("_grond"):
            terms[name] = unreadable_cell(problems[0])
        elif name != "bewaren":  # "tot twee jaar na afhandeling" holds whatever the date
            terms[name] = UNKNOWN
    return terms


def _third_party(client: str, settings: Settings) -> dict[str, Any]:
    """The independent third party for this client type (its judgement binds both parties)."""
    tp = settings.third_parties
    private = _join(" ", tp.private, tp.private_web and f"({tp.private_web})")
    business = _join(" ", tp.business, tp.business_web and f"({tp.business_web})")
    name, web, full = {"particulier": (tp.private, tp.private_web, private),
                       "bedrijf": (tp.business, tp.business_web, business)}.get(client, ("", "", ""))
    return {"naam": name, "website": web, "volledig": full, "bekend": bool(name),
            "particulier": private, "bedrijf": business}


def _boxes(c: Complaint) -> dict[str, dict[str, str]]:
    """☒/☐ per choice of the form; an unknown value ticks 'anders' and is shown beside it."""
    boxes: dict[str, dict[str, str]] = {}
    for group, (attr, options) in CHOICES.items():
        raw = clean_text(getattr(c, attr))
        value = re.sub(r"[\s-]", "", raw.lower())
        group_boxes = {box: CHECKED if value == re.sub(r"[\s-]", "", v) else UNCHECKED
                       for box, v in options.items()}
        other = bool(raw) and CHECKED not in group_boxes.values()
        group_boxes.update(anders=CHECKED if other else UNCHECKED, anders_tekst=raw if other else "")
        boxes[group] = group_boxes
    return boxes


def render_documents(complaints: Iterable[tuple[Complaint, Path]], settings: Settings, kind: str,
                     letter_date: dt.date, expected: dt.date | None = None) -> list[Path]:
    """Render one kind for many complaints (template read once); returns the written paths."""
    renderer = Renderer(settings, template_name(kind))
    return [renderer.render(build_context(c, settings, kind, letter_date, expected), out)
            for c, out in complaints]
