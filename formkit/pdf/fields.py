"""The fields of formkit's PDF forms, their register columns, and how a form names itself.

Shared by `forms` (writing) and `reading` (reading), so that both agree on every name.
"""

from __future__ import annotations

from dataclasses import dataclass

from formkit.register.columns import CLIENT_TYPES

FORM_VERSION = "1"
KNOWN_VERSIONS: dict[str, tuple[str, ...]] = {"klacht": ("1",), "tevredenheid": ("1",)}
KINDS: tuple[str, ...] = ("klacht", "tevredenheid")
TITLES = {"klacht": "Klachtenformulier", "tevredenheid": "Tevredenheidsformulier"}
ID_FIELD = "formkit_id"
INFO_FORM = "/FormkitForm"  # custom document-info keys; the hidden field is the second carrier
INFO_VERSION = "/FormkitVersion"
# A form formkit prefilled for one complaint carries that complaint's number twice: in a hidden,
# read-only field and in the document info. Only this marker links a returned form to a complaint;
# the visible Klachtnummer field is what the client typed (on a blank form, anything at all).
MARKER_FIELD = "formkit_klachtnummer"
INFO_NUMBER = "/FormkitKlachtnummer"

SCORE_LABELS = ("zeer ontevreden", "ontevreden", "neutraal", "tevreden", "zeer tevreden")
YES_NO = ("ja", "nee")


def form_name(kind: str) -> str:
    """'formkit-klacht': the form's identity in the document info."""
    return f"formkit-{kind}"


def form_id(kind: str, version: str = FORM_VERSION) -> str:
    """'formkit-klacht/1': the value of the hidden id field and the footer text."""
    return f"{form_name(kind)}/{version}"


@dataclass(frozen=True)
class FormField:
    """One field of one of our forms and where its value goes in the register."""

    name: str  # AcroForm field name (/T)
    label: str  # Dutch label, also used in error messages
    key: str | None  # register column key, or None when composed into Opmerkingen
    kind: str = "text"  # text | long | date | email | number | radio | checkbox
    options: tuple[str, ...] = ()  # radio export values
    remark: str = ""  # Dutch phrase used when composing Opmerkingen


COMPLAINT_FIELDS: tuple[FormField, ...] = (
    FormField("klachtnummer", "Klachtnummer", "number", "number"),
    FormField("naam", "Naam", "name"),
    FormField("type_klant", "Type klant", "client_type", "radio", CLIENT_TYPES),
    FormField("organisatie", "Organisatie", "organisation"),
    FormField("adres", "Adres", "address"),
    FormField("postcode", "Postcode", "postcode"),
    FormField("woonplaats", "Woonplaats", "city"),
    FormField("email", "E-mail", "email", "email"),
    FormField("telefoon", "Telefoon", "phone"),
    FormField("terugbellen", "Ik wil graag teruggebeld worden", None, "checkbox",
              remark="wil graag teruggebeld worden"),
    FormField("opleiding", "Opleiding", "course"),
    FormField("naam_deelnemer", "Naam deelnemer", "participant"),
    FormField("omschrijving", "Omschrijving van de klacht", "description", "long"),
    FormField("gewenste_oplossing", "Gewenste oplossing", "desired_solution", "long"),
    FormField("datum", "Datum", "received", "date"),
)

SATISFACTION_FIELDS: tuple[FormField, ...] = (
    FormField("klachtnummer", "Klachtnummer", "number", "number"),
    FormField("naam", "Naam", "name"),
    FormField("tevredenheid", "Tevredenheid", "satisfaction", "radio", ("1", "2", "3", "4", "5")),
    FormField("binnen_week", "Werd u binnen een week na uw klacht door ons benaderd?", None,
              "radio", YES_NO, "binnen een week benaderd"),
    FormField("oplossing", "Bent u tevreden over de oplossing?", None, "radio", YES_NO,
              "tevreden over de oplossing"),
    FormField("voortgang", "Hebben wij u duidelijk op de hoogte gehouden?", None, "radio", YES_NO,
              "duidelijk op de hoogte gehouden"),
    FormField("aanbevelen", "Zou u ons aanbevelen bij anderen?", None, "radio", YES_NO,
              "zou ons aanbevelen"),
    FormField("opmerkingen", "Opmerkingen", "remarks", "long"),
    FormField("datum", "Datum", "satisfaction_date", "date"),
)

FIELDS: dict[str, tuple[FormField, ...]] = {"klacht": COMPLAINT_FIELDS, "tevredenheid": SATISFACTION_FIELDS}
