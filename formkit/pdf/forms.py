"""Fillable PDF forms (AcroForm) that clients fill in on screen or on paper and send back.

Field names and their register columns are in `fields`, shared with `reading`. A form made for
one complaint carries formkit's marker (its number in a hidden read-only field and in the document
info): only such a form updates that complaint when it comes back.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from pypdf import PdfReader, PdfWriter
from pypdf.generic import BooleanObject, DictionaryObject, NameObject, TextStringObject
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from formkit.atomic import atomic_write
from formkit.dates import dutch
from formkit.errors import FormkitError, Hint, InputError
from formkit.pdf.fields import (
    FIELDS,
    FORM_VERSION,
    INFO_FORM,
    INFO_NUMBER,
    INFO_VERSION,
    KINDS,
    MARKER_FIELD,
    SCORE_LABELS,
    TITLES,
    YES_NO,
    FormField,
    form_id,
    form_name,
)
from formkit.pdf.sheet import CONTENT_W, Sheet
from formkit.register.columns import CLIENT_TYPES
from formkit.register.model import Complaint
from formkit.register.reading import NUMBER_RE, normalise_number, read_register
from formkit.settings import Settings


def _field(kind: str, name: str) -> FormField:
    return next(f for f in FIELDS[kind] if f.name == name)


def _complaint_page(sheet: Sheet, c: Complaint | None) -> None:
    org = sheet.settings.organisation.name
    f = lambda name: _field("klacht", name)  # noqa: E731
    v = lambda attr: str(getattr(c, attr, None) or "") if c else ""  # noqa: E731
    send = sheet.return_address
    sheet.header(
        f"Bent u niet tevreden over {org}? Laat het ons dan zo snel mogelijk weten. U kunt dit "
        "formulier op de computer invullen en opslaan, of afdrukken en met de hand invullen."
        + (f" Stuur het ingevulde formulier naar {send}." if send else "")
        + "\nWij reageren binnen een week op uw klacht, per e-mail of telefoon. Binnen een maand "
        "behandelen wij uw klacht. Lukt dat niet, dan laten wij u weten wanneer u de oplossing kunt "
        "verwachten. Uw klacht wordt vertrouwelijk behandeld en tot twee jaar na de afhandeling bewaard."
    )
    sheet.section("1. Uw gegevens")
    sheet.text_row([(f("naam"), "Naam", 3, v("name")),
                    (f("klachtnummer"), "Klachtnummer (als u dat al van ons kreeg)", 1.4, v("number"))])
    client = (v("client_type") or "").strip().lower()
    sheet.choices(f("type_klant"), "U dient de klacht in als:", ("particulier", "bedrijf"),
                  client if client in CLIENT_TYPES else None, spacing=110)
    sheet.text_row([(f("organisatie"), "Organisatie (als u de klacht namens een bedrijf indient)", 1,
                     v("organisation"))])
    sheet.text_row([(f("adres"), "Adres (straat en huisnummer)", 1, v("address"))])
    sheet.text_row([(f("postcode"), "Postcode", 1, v("postcode")),
                    (f("woonplaats"), "Woonplaats", 2.6, v("city"))])
    sheet.text_row([(f("email"), "E-mail", 1.6, v("email")), (f("telefoon"), "Telefoon", 1, v("phone"))])
    sheet.checkbox(f("terugbellen"))
    sheet.section("2. Opleiding")
    sheet.text_row([(f("opleiding"), "Opleiding of cursus", 1, v("course"))])
    sheet.text_row([(f("naam_deelnemer"), "Naam deelnemer (als dat iemand anders is dan uzelf)", 1,
                     v("participant"))])
    sheet.section("3. Hoe gaat het verder?")
    third = sheet.settings.third_parties
    sheet.paragraph(
        f"{org} neemt contact met u op, zoekt samen met u naar een oplossing en laat u schriftelijk "
        "weten hoe uw klacht is afgehandeld. Komen wij er samen niet uit, dan wordt de klacht "
        f"voorgelegd aan een onafhankelijke derde partij: voor particulieren {third.private} "
        f"({third.private_web}), voor bedrijven {third.business}. Het oordeel van de "
        "onafhankelijke derde is bindend voor beide partijen.", size=9)
    sheet.new_page()
    sheet.section("4. Uw klacht")
    sheet.text_row([(f("omschrijving"), "Omschrijf uw klacht: wat is er gebeurd, wanneer en met wie?", 1,
                     "")], height=340)
    sheet.text_row([(f("gewenste_oplossing"), "Welke oplossing wenst u?", 1, "")],
                   height=160)
    sheet.y -= 8
    sheet.date_and_signature(f("datum"))


def _satisfaction_page(sheet: Sheet, c: Complaint | None) -> None:
    org = sheet.settings.organisation.name
    f = lambda name: _field("tevredenheid", name)  # noqa: E731
    send = sheet.return_address
    about = f" van {dutch(c.received)}" if c and c.received else ""
    sheet.header(
        f"Onlangs hebben wij uw klacht{about} afgehandeld. Wij horen graag hoe tevreden u bent over "
        "de manier waarop wij uw klacht hebben behandeld: zo leren wij ervan. Invullen duurt een "
        "paar minuten; uw antwoorden worden vertrouwelijk behandeld."
        + (f" Stuur het ingevulde formulier naar {send}." if send else "")
    )
    sheet.section("Uw gegevens")
    sheet.text_row([(f("naam"), "Naam", 2.4, (c.name or "") if c else ""),
                    (f("klachtnummer"), "Klachtnummer", 1, (c.number or "") if c else "")])
    sheet.section("Uw mening")
    sheet.choices(f("tevredenheid"), "Hoe tevreden bent u over de afhandeling van uw klacht?",
                  f("tevredenheid").options, None, spacing=CONTENT_W / 5, below=SCORE_LABELS)
    for name in ("binnen_week", "oplossing", "voortgang", "aanbevelen"):
        sheet.choices(f(name), f(name).label, YES_NO, None, spacing=70)
    sheet.text_row([(f("opmerkingen"), "Opmerkingen of suggesties", 1, "")], height=150)
    sheet.date_and_signature(f("datum"), sign=False)
    sheet.paragraph(f"Hartelijk dank voor uw medewerking. {org}", size=9)


def _render(kind: str, settings: Settings, complaint: Complaint | None, return_address: str) -> bytes:
    """Draw the form with reportlab, then stamp the id (and the marker) into the document info with pypdf."""
    marker = _marker(complaint)
    raw = io.BytesIO()
    canvas = Canvas(raw, pagesize=A4, pageCompression=1)
    org = settings.organisation.name
    canvas.setTitle(f"{TITLES[kind]} {org}")
    canvas.setAuthor(org)
    canvas.setSubject(form_id(kind))
    canvas.setCreator("formkit")
    canvas.setKeywords(f"{form_id(kind)}, klachtenprocedure")
    sheet = Sheet(canvas, kind, settings, return_address)
    sheet.id_field()
    if marker:
        sheet.marker_field(marker)
    (_complaint_page if kind == "klacht" else _satisfaction_page)(sheet, complaint)
    sheet.footer()
    canvas.showPage()
    canvas.save()

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw.getvalue())))
    writer.add_metadata({INFO_FORM: form_name(kind), INFO_VERSION: FORM_VERSION}
                        | ({INFO_NUMBER: marker} if marker else {}))
    root = writer._root_object
    root[NameObject("/Lang")] = TextStringObject("nl-NL")
    root[NameObject("/ViewerPreferences")] = DictionaryObject(
        {NameObject("/DisplayDocTitle"): BooleanObject(True)})
    _add_zapf(writer)
    if sheet.deferred:  # exact Unicode value; the viewer draws it with its own fonts
        acro = root["/AcroForm"].get_object()
        assert isinstance(acro, DictionaryObject)
        acro[NameObject("/NeedAppearances")] = BooleanObject(True)
    for page in writer.pages:
        for ref in page.get("/Annots", []):
            annot = ref.get_object()
            if (name := annot.get("/T")) in sheet.deferred:
                annot[NameObject("/V")] = TextStringObject(sheet.deferred[name])
            if name == MARKER_FIELD and marker:  # "reset form" in a viewer keeps the marker
                annot[NameObject("/DV")] = TextStringObject(marker)
            annot.pop("/MaxLen", None)  # no length limit on any field (reportlab's default is 100)
            if "/MK" in annot and "/CA" in annot["/MK"] and "/DA" not in annot:  # check/radio mark
                annot[NameObject("/DA")] = TextStringObject("/ZaDb 0 Tf 0 g")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _marker(complaint: Complaint | None) -> str | None:
    """The number a prefilled form is marked with: the complaint's, when it is a real Klachtnummer."""
    number = normalise_number(complaint.number or "") if complaint is not None else ""
    return number if NUMBER_RE.match(number) else None


def _add_zapf(writer: PdfWriter) -> None:
    """ZapfDingbats in the form's resources: viewers that redraw check marks (NeedAppearances) need it."""
    acro = writer._root_object["/AcroForm"].get_object()
    assert isinstance(acro, DictionaryObject)  # reportlab wrote the form
    dr = acro.setdefault(NameObject("/DR"), DictionaryObject()).get_object()
    fonts = dr.setdefault(NameObject("/Font"), DictionaryObject()).get_object()
    if "/ZaDb" not in fonts:
        fonts[NameObject("/ZaDb")] = writer._add_object(DictionaryObject({
            NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/ZapfDingbats"), NameObject("/Name"): NameObject("/ZaDb"),
        }))


def _write_atomic(path: Path, data: bytes) -> None:
    """Readers never see half a PDF."""
    atomic_write(path, data)


def form_path(settings: Settings, kind: str, number: str | None = None, day: dt.date | None = None) -> Path:
    """Where a form goes: a blank one in formulieren/, a prefilled one in its complaint's dossier."""
    if number is None:
        return settings.forms / f"{TITLES[kind].lower()}.pdf"
    return settings.dossier_file(number, day or dt.date.today(), TITLES[kind].lower(), ".pdf")


def make_blank_form(settings: Settings, kind: str) -> Path:
    """`formkit pdf-formulier KIND`: the blank fillable form, replaced by a fresh one."""
    _check_kind(kind)
    path = form_path(settings, kind)
    path.parent.mkdir(parents=True, exist_ok=True)
    return make_form(kind, settings, path)


def make_prefilled_form(settings: Settings, kind: str, number: str, *, overwrite: bool = False,
                        today: dt.date | None = None) -> Path:
    """`formkit pdf-formulier KIND NUMMER`: the form prefilled for one complaint, in its dossier."""
    _check_kind(kind)
    register = read_register(settings.register)
    register.refuse_destroyed([number], "formulieren")
    complaint = register.get(number)
    target = form_path(settings, kind, complaint.number_text, today)
    if target.exists() and not overwrite:
        raise FormkitError(f"{target} bestaat al; niet overschreven.", Hint.OVERWRITE)
    target.parent.mkdir(parents=True, exist_ok=True)
    return make_form(kind, settings, target, complaint, return_address=return_address_for(settings, complaint))


def return_address_for(settings: Settings, complaint: Complaint) -> str:
    """Where a client returns a form about this complaint: the handler's e-mail, else the organisation's.

    The same address the letters give (brief.email), so a letter and the form it encloses agree.
    """
    handler = settings.handler(complaint.handler)
    return " ".join((handler.email if handler else "").split()) or settings.organisation.email


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise InputError(f"Onbekende formuliersoort '{kind}': kies uit {' of '.join(KINDS)}.")


def make_form(kind: str, settings: Settings, path: Path, complaint: Complaint | None = None, *,
              return_address: str | None = None) -> Path:
    """Write a fillable form ("klacht" or "tevredenheid"), prefilled from `complaint` if given.

    A complaint with a Klachtnummer marks the form as made for it (see the module docstring).
    return_address: the e-mail address the form asks the client to send it to; default the
    organisation's (a letter enclosing the form passes the one the letter names).
    """
    _check_kind(kind)
    path = Path(path)
    address = settings.organisation.email if return_address is None else return_address
    _write_atomic(path, _render(kind, settings, complaint, address.strip()))
    return path
