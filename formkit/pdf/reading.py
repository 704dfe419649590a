"""Read a returned, filled-in formkit PDF form into register values (no register writing here).

Where the answers go (see fields.FIELDS for field -> column):
- every field with a register column gives that column's value (text, or a date for dates);
- a complaint form also gives Wijze van indienen = "klachtenformulier"; its checkbox
  "Ik wil graag teruggebeld worden" becomes Opmerkingen "Klachtenformulier: wil graag teruggebeld worden";
- a satisfaction form's ja/nee questions and its Opmerkingen field are composed into one
  Opmerkingen text: "Tevredenheidsformulier: binnen een week benaderd: ja; ...\\nOpmerkingen: <text>".
Text stays exact (formulas like =HYPERLINK(...) are only text); newlines become \\n, control
characters are dropped, outer whitespace is trimmed. A value the client typed wrongly (a date as
11/28/2026, an e-mail address without domain, a Klachtnummer that is none) is not taken: a warning
says so and the rest of the form still counts. A form that cannot be used at all is a
PdfFormError with a Dutch message that names the file; no other exception type escapes `read_form`.
A form formkit prefilled for a complaint carries its number as a marker (`prefilled_for`); the
typed Klachtnummer is only what the client typed.
A file without fields is "afgedrukt of platgemaakt" only when it shows it was one of formkit's forms
(the form id in its document info or printed in its footer); any other is a document "zonder
invulvelden". Each refusal says what is true of the file: damaged, encrypted, not a PDF at all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from formkit.dates import DateParseError, parse_date_text
from formkit.errors import PdfFormError
from formkit.pdf.fields import (
    FIELDS,
    ID_FIELD,
    INFO_FORM,
    INFO_NUMBER,
    INFO_VERSION,
    KINDS,
    KNOWN_VERSIONS,
    MARKER_FIELD,
    TITLES,
    FormField,
)
from formkit.pdf.opening import LimitReachedError, TooMuchData, explain, quiet_pypdf
from formkit.pdf.raw import RawField, load_fields, printed_id

MAX_PDF_BYTES = 20 * 2**20  # larger files are refused unread (hostile or not a form)
EXCEL_CELL_MAX = 32767  # longest text an Excel cell holds

_ID_RE = re.compile(r"^formkit-([a-z]+)/(\S+)$")
_NUMBER_RE = re.compile(r"^K-\d{4}-\d{3,}$")
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_OFF = ("", "off")
# What a PDF is made of: without the header, a file with any of these is a damaged PDF, not another kind of file.
# (Bounded repeats: the search stays linear on 20 MB of digits.)
_PDF_STRUCTURE = re.compile(rb"(?<![0-9])[0-9]{1,10}\s{1,8}[0-9]{1,5}\s{1,8}obj\b|\bxref\s{1,8}[0-9]{1,10}\s{1,8}[0-9]"
                            rb"|\btrailer\s{0,8}<<|\bstartxref\s{1,8}[0-9]")
TYPED = ("date", "email", "number")  # kinds of field a client types freely: a mistake there is no refusal
FormValue = str | dt.date


@dataclass
class ImportedForm:
    """What one returned PDF form says, as register column keys; nothing is written yet."""

    path: Path
    kind: str  # "klacht" | "tevredenheid"
    version: str
    sha256: str  # of the file bytes: reading the same PDF twice is recognisable
    values: dict[str, FormValue]  # register column key -> text or date; only non-empty values
    warnings: list[str]  # Dutch, non-fatal
    raw: dict[str, str] = field(default_factory=dict)  # PDF field name -> cleaned text (non-empty)
    prefilled_for: str | None = None  # the Klachtnummer formkit made this form for (its marker), if any
    skipped: list[str] = field(default_factory=list)  # column keys whose typed value was not taken


def read_form(path: Path) -> ImportedForm:
    """Read one returned form; raises PdfFormError (Dutch, names the file) for anything unusable."""
    path = Path(path)
    data = _read_bytes(path)
    with quiet_pypdf() as log:
        try:
            return _parse(path, data, log)
        except PdfFormError:
            raise
        except Exception as exc:
            if (known := explain(path, exc)) is not None:  # Brotli, encryption, damage that looks like a limit
                raise known from exc
            raise _refusal(path, exc) from exc


def _refusal(path: Path, exc: Exception) -> PdfFormError:
    """The Dutch message for what pypdf (or formkit's own bounds) raised on this file."""
    if isinstance(exc, (LimitReachedError, TooMuchData, RecursionError)):  # a bomb, a cycle, absurd nesting
        return PdfFormError(f"{path}: het PDF-bestand is beschadigd of onveilig: de inhoud is te groot of "
                            "verwijst eindeloos naar zichzelf, en is daarom niet gelezen.")
    if isinstance(exc, MemoryError):
        return PdfFormError(f"{path}: het lezen vraagt te veel geheugen; het bestand is mogelijk beschadigd.")
    # pypdf raises many types on damaged input; the caller keeps the cause for tests
    return PdfFormError(f"{path}: het PDF-bestand is beschadigd en niet te lezen.")


def _parse(path: Path, data: bytes, log: list[logging.LogRecord]) -> ImportedForm:
    """The checks in the order a user understands: readable, has fields, ours, valid values."""
    fields, info, xfa, declared = load_fields(path, data)
    notes: list[str] = []
    if log:
        notes.append("Het PDF-bestand bevat fouten en is hersteld gelezen; controleer de ingelezen waarden.")
    if not fields:
        if xfa:
            raise PdfFormError(f"{path}: dit is een XFA-formulier (Adobe LiveCycle); formkit leest alleen "
                               "gewone PDF-formulieren. Gebruik het klachten- of tevredenheidsformulier van formkit.")
        if declared:
            raise PdfFormError(f"{path}: het PDF-bestand is beschadigd: de invulvelden zijn niet te lezen.")
        if _ours(info) or printed_id(path, data):
            if log:  # pypdf had to repair it: a damaged form, not (only) a flattened one
                raise PdfFormError(f"{path}: het PDF-bestand is beschadigd: het is een formulier van formkit, maar "
                                   "er zijn geen leesbare invulvelden in. Vraag om het ingevulde formulier opnieuw "
                                   "te sturen.")
            raise _flattened(path)
        errors = " (het bestand bevat ook fouten; formkit las wat leesbaar was)" if log else ""
        raise PdfFormError(f"{path}: dit PDF-bestand bevat geen invulvelden, dus ook geen ingevulde antwoorden"
                           f"{errors}. formkit leest alleen het ingevulde klachtenformulier of tevredenheidsformulier "
                           "van formkit.")
    if any(raw.recovered for raw in fields.values()):
        notes.append("De lijst met invulvelden in het PDF-bestand ontbreekt of is onvolledig; de velden zijn op de "
                     "pagina's gevonden. Controleer de ingelezen waarden.")
    kind, version = _identify(path, fields, info, notes)
    marker = _marker(path, fields, info)
    skipped: list[str] = []
    values, raw = _values(path, kind, fields, notes, skipped)
    return ImportedForm(path=path, kind=kind, version=version, sha256=hashlib.sha256(data).hexdigest(),
                        values=values, warnings=notes, raw=raw, prefilled_for=marker, skipped=skipped)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes after the cheap checks: exists, size limit, PDF header, complete end."""
    try:
        if not path.is_file():
            raise PdfFormError(f"{path}: dit bestand bestaat niet of is geen bestand.")
        size = path.stat().st_size
        if size > MAX_PDF_BYTES:
            mb = f"{size / 2**20:.1f}".replace(".", ",")
            raise PdfFormError(f"{path}: het bestand is te groot voor een formulier "
                               f"({mb} MB, hoogstens {MAX_PDF_BYTES // 2**20} MB).")
        data = path.read_bytes()
    except OSError as exc:
        raise PdfFormError(f"{path}: het bestand is niet te lezen ({exc.strerror or exc}).") from None
    if not data:
        raise PdfFormError(f"{path}: het bestand is leeg.")
    if b"%PDF-" not in data[:1024] and not _pdf_structure(data):  # without a header: a damaged PDF
        raise PdfFormError(f"{path}: dit is geen PDF-bestand.")
    if b"%%EOF" not in data[-4096:]:
        raise PdfFormError(f"{path}: het PDF-bestand is beschadigd of onvolledig (het einde ontbreekt; "
                           "is het bestand half gedownload of afgekapt?).")
    return data


def _pdf_structure(data: bytes) -> bool:
    """Whether the bytes hold objects, a cross-reference table or a trailer, as only a PDF does."""
    return any(word in data for word in (b"obj", b"xref", b"trailer")) and bool(_PDF_STRUCTURE.search(data))


def _clean(text: str) -> str:
    """Exact text for a cell: \\n newlines, no other control characters, outer whitespace trimmed."""
    text = re.sub(r"\r\n?|[\u2028\u2029\x85]", "\n", text)
    keep = []
    for ch in text:
        cat = unicodedata.category(ch)
        if ch in "\n\t" or not (cat in ("Cc", "Cs") or ch in "\ufffe\uffff"):
            keep.append(ch)
    return "".join(keep).strip()


def _ours(info: dict[str, str]) -> bool:
    """Whether the document info names one of formkit's forms (/FormkitForm, or /Subject 'formkit-klacht/1')."""
    subject = _clean(info.get("/Subject", ""))
    return _clean(info.get(INFO_FORM, "")).startswith("formkit-") or bool(_ID_RE.match(subject))


def _flattened(path: Path) -> PdfFormError:
    return PdfFormError(f"{path}: het formulier is afgedrukt of platgemaakt: er zijn geen invulvelden meer. "
                        "Vraag om het ingevulde formulier op te slaan met 'Opslaan' in plaats van "
                        "'Afdrukken naar PDF'.")


def _find(fields: dict[str, RawField], name: str) -> RawField | None:
    """A field by exact name, or by its last name part (some fillers nest fields under a parent)."""
    if name in fields:
        return fields[name]
    return next((f for n, f in fields.items() if n.rsplit(".", 1)[-1] == name), None)


def _identify(path: Path, fields: dict[str, RawField], info: dict[str, str],
              notes: list[str]) -> tuple[str, str]:
    """Which form and version: the hidden id field, else the document info, else the field names."""
    from_field = from_info = None
    if (idf := _find(fields, ID_FIELD)) is not None and idf.kind == "text" and (m := _ID_RE.match(_clean(idf.value))):
        from_field = (m[1], m[2])
    form, version = _clean(info.get(INFO_FORM, "")), _clean(info.get(INFO_VERSION, ""))
    if form.startswith("formkit-"):
        from_info = (form[len("formkit-"):], version)
    elif m := _ID_RE.match(_clean(info.get("/Subject", ""))):
        from_info = (m[1], m[2])
    found = from_field or from_info
    if from_field and from_info and from_field != from_info:
        notes.append("Het kenmerk in het formulier en in de documenteigenschappen verschillen; "
                     "het kenmerk in het formulier is gebruikt.")
    if found is None:
        names = {n.rsplit(".", 1)[-1] for n in fields}
        for kind in KINDS:
            if {f.name for f in FIELDS[kind]} <= names:
                notes.append(f"Het kenmerk van het formulier ontbreekt; herkend aan de velden als "
                             f"{TITLES[kind].lower()}.")
                return kind, KNOWN_VERSIONS[kind][-1]
        raise PdfFormError(f"{path}: dit PDF-formulier is geen formulier van formkit (het kenmerk ontbreekt). "
                           "Gebruik het klachtenformulier of het tevredenheidsformulier van formkit.")
    kind, version = found
    if kind not in KINDS:
        raise PdfFormError(f"{path}: onbekend formkit-formulier 'formkit-{kind}'; formkit leest alleen "
                           "het klachtenformulier en het tevredenheidsformulier.")
    if version not in KNOWN_VERSIONS[kind]:
        known = ", ".join(KNOWN_VERSIONS[kind])
        raise PdfFormError(f"{path}: dit {TITLES[kind].lower()} heeft versie '{version or '?'}', die deze "
                           f"versie van formkit niet kent (bekend: versie {known}). Werk formkit bij of "
                           "gebruik een nieuw formulier.")
    return kind, version


def _marker(path: Path, fields: dict[str, RawField], info: dict[str, str]) -> str | None:
    """The number of the complaint formkit prefilled this form for: hidden field and document info.

    Either carrier alone counts (some programs drop the document info on saving); when both are
    there they must agree, and a marker that is no Klachtnummer is refused: a form linked to the
    wrong complaint would write into it.
    """
    found = []
    if (hidden := _find(fields, MARKER_FIELD)) is not None and hidden.kind != "empty":
        found.append(_clean(hidden.value) if hidden.kind == "text" else "?")
    if text := _clean(info.get(INFO_NUMBER, "")):
        found.append(text)
    numbers = {re.sub(r"\s+", "", n).upper() for n in found}
    if not numbers:
        return None
    number = numbers.pop()
    if numbers or not _NUMBER_RE.match(number):
        raise PdfFormError(f"{path}: het formulier is aangepast: het kenmerk van de klacht waarvoor formkit het "
                           "maakte is onleesbaar of tegenstrijdig. Neem de antwoorden zelf over in het register.")
    return number


def _button(spec: FormField, raw: RawField, notes: list[str]) -> str | None:
    """The chosen export value of a checkbox or radio group; a widget shown 'on' wins over /V."""
    stored = raw.value.strip().lstrip("/") if raw.kind in ("text", "name", "number") else ""
    value = None if stored.lower() in _OFF else stored
    on = sorted({s for s in raw.states if s.lower() not in _OFF})
    chosen = value
    if len(on) == 1:  # what the filler showed the user
        if value is not None and value != on[0]:
            notes.append(f"Veld '{spec.label}': de opgeslagen keuze ({_option(raw, value)}) wijkt af van "
                         f"wat het formulier toont ({_option(raw, on[0])}); de getoonde keuze is gebruikt.")
        chosen = on[0]
    elif len(on) > 1:
        chosen = value if value in on else None
        notes.append(f"Veld '{spec.label}': meer dan een keuze aangevinkt"
                     + (f"; de opgeslagen keuze ({_option(raw, chosen)}) is gebruikt." if chosen else "; genegeerd."))
    elif value is not None and raw.states:
        notes.append(f"Veld '{spec.label}': de keuze ({_option(raw, value)}) is opgeslagen maar wordt in het "
                     "formulier niet getoond; controleer het formulier.")
    return _option(raw, chosen) if chosen is not None else None


def _option(raw: RawField, state: str) -> str:
    """A state name as its export value (/Opt lists export values by widget index)."""
    if raw.options and state.isdigit() and int(state) < len(raw.options):
        return raw.options[int(state)]
    return state


def _values(path: Path, kind: str, fields: dict[str, RawField], notes: list[str],
            skipped: list[str]) -> tuple[dict[str, FormValue], dict[str, str]]:
    """Field values -> register column keys, validated; a mistyped value is a note (and `skipped`),
    a value no filler can give (a damaged or altered form) is an error, all of them in one."""
    values: dict[str, FormValue] = {}
    raw_out: dict[str, str] = {}
    errors: list[str] = []
    answers: list[str] = []
    present, missing = 0, []
    for spec in FIELDS[kind]:
        raw = _find(fields, spec.name)
        if raw is None:
            missing.append(spec.label)
            continue
        present += 1
        if reason := _unusable(spec, raw):
            errors.append(f"{spec.label}: {reason}")
            continue
        if raw.repaired:
            notes.append(f"Veld '{spec.label}': de tekst bevat ongeldige tekens (vervangen door \ufffd); "
                         "controleer de waarde.")
        if spec.kind in ("radio", "checkbox"):
            text = _clean(_button(spec, raw, notes) or "")
        else:
            text = _clean(raw.value)
        if not text:
            continue
        raw_out[spec.name] = text
        if spec.kind == "checkbox":
            answers.append(spec.remark)
        elif spec.key is None:  # ja/nee question, composed into Opmerkingen
            if text.lower() in spec.options:
                answers.append(f"{spec.remark}: {text.lower()}")
            else:
                notes.append(f"Veld '{spec.label}': onbekend antwoord '{text}' genegeerd.")
        else:
            result, reason = _validate(spec, text, notes)
            if reason and spec.kind in TYPED:  # the client's typing: the rest of the form still counts
                notes.append(f"Veld '{spec.label}': {reason}; niet overgenomen.")
                skipped.append(spec.key)
            elif reason or result is None:
                errors.append(f"{spec.label}: {reason}")
            else:
                values[spec.key] = result
    if present == 0:
        raise _flattened(path)
    if missing:
        which = (f"het veld {missing[0]} ontbreekt" if len(missing) == 1 else
                 f"de velden {', '.join(missing)} ontbreken")
        raise PdfFormError(f"{path}: het {TITLES[kind].lower()} is beschadigd of aangepast: {which}.")
    if errors:
        raise PdfFormError(f"{path}: onjuiste waarden in het {TITLES[kind].lower()}: " + "; ".join(errors) + ".")
    return _compose(path, kind, values, answers, notes), raw_out


def _unusable(spec: FormField, raw: RawField) -> str:
    """Why a stored value cannot be a register value (a Dutch reason), or "" when it can."""
    allowed = ("name", "text", "number") if spec.kind in ("radio", "checkbox") else ("text", "number")
    if raw.kind not in ("empty", *allowed):
        instead = {"name": "een naam in plaats van tekst", "list": "een lijst in plaats van tekst"}
        what = "geen geldige keuze" if spec.kind in ("radio", "checkbox") else instead.get(raw.kind, "geen tekst")
        return f"de opgeslagen waarde is {what} (het formulier is beschadigd of onjuist opgeslagen)"
    if len(raw.value) > 4 * EXCEL_CELL_MAX:  # checked before cleaning: megabytes of text are refused at once
        return f"de tekst is te lang voor het register ({len(raw.value)} tekens, hoogstens {EXCEL_CELL_MAX})"
    return ""


def _validate(spec: FormField, text: str, notes: list[str]) -> tuple[FormValue | None, str]:
    """(register value, "") for one field, or (None, Dutch reason) when the value is invalid."""
    if len(text) > EXCEL_CELL_MAX:
        return None, f"de tekst is te lang voor het register ({len(text)} tekens, hoogstens {EXCEL_CELL_MAX})"
    if spec.kind == "date":
        try:
            day = parse_date_text(text)
        except DateParseError as exc:
            reason = str(exc)
            return None, reason if "verwacht" in reason else f"{reason} (verwacht dag-maand-jaar, zoals 24-11-2026)"
        if day > dt.date.today():
            notes.append(f"Veld '{spec.label}': de datum {day:%d-%m-%Y} ligt in de toekomst.")
        return day, ""
    if spec.kind == "email":
        return (text, "") if _EMAIL_RE.match(text) else (None, f"'{text}' is geen geldig e-mailadres")
    if spec.kind == "number":
        number = re.sub(r"\s+", "", text).upper()
        if _NUMBER_RE.match(number):
            return number, ""
        return None, f"'{text}' is geen klachtnummer (verwacht bijvoorbeeld K-2026-014)"
    if spec.kind == "radio":
        if text.lower() in spec.options:
            return text.lower(), ""
        if spec.key == "satisfaction":
            return None, f"'{text}' is geen score van 1 tot en met 5"
        return None, f"'{text}' moet {' of '.join(spec.options)} zijn"
    return text, ""


def _compose(path: Path, kind: str, values: dict[str, FormValue], answers: list[str],
             notes: list[str]) -> dict[str, FormValue]:
    """Add what the form itself implies and what has no column of its own (Opmerkingen)."""
    if kind == "klacht":
        if not values and not answers:
            raise PdfFormError(f"{path}: het klachtenformulier is leeg: er is niets ingevuld.")
        values["channel"] = "klachtenformulier"
        if answers:
            values["remarks"] = "Klachtenformulier: " + "; ".join(answers)
        if "description" not in values:
            notes.append("De omschrijving van de klacht is niet ingevuld.")
        if "name" not in values:
            notes.append("De naam van de klager is niet ingevuld.")
        return values
    remarks = values.pop("remarks", None)
    if "satisfaction" not in values and not answers and not remarks:
        raise PdfFormError(f"{path}: het tevredenheidsformulier is niet ingevuld: er is geen antwoord gegeven.")
    lines = ["Tevredenheidsformulier" + (": " + "; ".join(answers) if answers else "")]
    if remarks:
        lines.append(f"Opmerkingen: {remarks}")
    values["remarks"] = "\n".join(lines)
    if "satisfaction" not in values:
        notes.append("De score voor tevredenheid (1 tot en met 5) is niet ingevuld.")
    return values
