"""Fillable PDF forms out and back in, with real fillers (pdftk, pypdf) and real damaged files."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject
from reportlab.pdfgen.canvas import Canvas

from formkit.settings import Handler, Organisation, Settings
from formkit.errors import FormkitError, PdfFormError
from formkit.register.model import Complaint
from formkit.pdf.fields import FIELDS, ID_FIELD, INFO_FORM, INFO_NUMBER, INFO_VERSION, MARKER_FIELD
from formkit.pdf.forms import make_form, return_address_for
from formkit.pdf.reading import MAX_PDF_BYTES, read_form

from tests.pdffill import pdftk_fill, pypdf_fill, require_tool

# CI installs these tools; a missing one is a failure, not a skip.
needs_pdftk = require_tool("pdftk")
needs_qpdf = require_tool("qpdf")
needs_cairo = require_tool("pdftocairo")

LONG = "\n".join(f"Regel {i}: één ë ü, de docent kwam te laat en het lokaal was koud." for i in range(80))
LONG = (LONG + "\n" + "x" * 4000)[:4000]
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture()
def settings(tmp_path: Path) -> Settings:
    org = Organisation(address="Kerkstraat 1", postcode="5291 AB", email="klachten@example.nl")
    return Settings(root=tmp_path, organisation=org)


@pytest.fixture()
def blank(tmp_path: Path, settings: Settings) -> dict[str, Path]:
    return {k: make_form(k, settings, tmp_path / f"{k}.pdf") for k in ("klacht", "tevredenheid")}


def bad(path: Path, *words: str) -> str:
    """read_form must raise PdfFormError naming the file and saying `words`."""
    with pytest.raises(PdfFormError) as info:
        read_form(path)
    message = str(info.value)
    assert path.name in message
    for word in words:
        assert word in message, message
    return message


COMPLAINT = {
    "naam": "Zoë Müller-Hé", "organisatie": FORMULA, "adres": "Kerkstraat 1", "postcode": "5291 AB",
    "woonplaats": "Gemonde", "email": "zoe@example.nl", "telefoon": "+31 6 12345678",
    "opleiding": "Vakopleiding Coach", "naam_deelnemer": "Björn", "omschrijving": LONG,
    "gewenste_oplossing": "Geld terug\nof een nieuwe cursus", "datum": "24-11-2025",
}
EXPECTED = {
    "name": "Zoë Müller-Hé", "organisation": FORMULA, "address": "Kerkstraat 1", "postcode": "5291 AB",
    "city": "Gemonde", "email": "zoe@example.nl", "phone": "+31 6 12345678", "course": "Vakopleiding Coach",
    "participant": "Björn", "description": LONG, "desired_solution": "Geld terug\nof een nieuwe cursus",
    "received": dt.date(2025, 11, 24), "channel": "klachtenformulier",
}


def test_blank_forms_are_acroforms_without_length_limits(blank: dict[str, Path]) -> None:
    for kind, path in blank.items():
        reader = PdfReader(path)
        fields = reader.get_fields()
        assert {f.name for f in FIELDS[kind]} | {ID_FIELD} == set(fields)
        assert fields[ID_FIELD]["/V"] == f"formkit-{kind}/1"
        assert reader.metadata[INFO_FORM] == f"formkit-{kind}" and reader.metadata[INFO_VERSION] == "1"
        for page in reader.pages:
            for annot in page["/Annots"]:
                assert "/MaxLen" not in annot.get_object()
        assert round(float(reader.pages[0].mediabox.width)) == 595  # A4
    assert not [p for p in blank["klacht"].parent.iterdir() if p.name.endswith(".tmp")]


def test_make_form_prefills_and_overwrites(tmp_path: Path, settings: Settings) -> None:
    c = Complaint(number="K-2026-014", name="Jérôme Ëlmer", client_type="bedrijf", email="j@x.nl",
                  received=dt.date(2026, 11, 2))
    path = tmp_path / "uit" / "tevredenheid K-2026-014.pdf"
    make_form("tevredenheid", settings, path)
    make_form("tevredenheid", settings, path, c)
    fields = PdfReader(path).get_fields()
    assert fields["klachtnummer"]["/V"] == "K-2026-014" and fields["naam"]["/V"] == "Jérôme Ëlmer"
    assert fields["tevredenheid"].get("/V") in (None, "/Off")
    bad(path, "niet ingevuld")  # returned untouched: only what we prefilled
    form = read_form(make_form("klacht", settings, tmp_path / "k.pdf", c))
    assert form.values["client_type"] == "bedrijf" and form.values["email"] == "j@x.nl"
    assert form.values["number"] == "K-2026-014" and form.values["name"] == "Jérôme Ëlmer"
    exotic = Complaint(name="Łukasz 😀 Wąs", organisation="Bakkerij € & Zn", address="Dorpsstraat 1\nachterom")
    form = read_form(make_form("klacht", settings, tmp_path / "exotisch.pdf", exotic))
    assert form.values["name"] == "Łukasz 😀 Wąs" and form.values["organisation"] == "Bakkerij € & Zn"
    assert form.values["address"] == "Dorpsstraat 1\nachterom"
    with pytest.raises(FormkitError):
        make_form("brief", settings, tmp_path / "x.pdf")


@needs_pdftk
def test_pdftk_fill_reads_back_exactly(tmp_path: Path, blank: dict[str, Path]) -> None:
    out = pdftk_fill(blank["klacht"], tmp_path / "ingevuld.pdf",
                     COMPLAINT | {"type_klant": "particulier", "terugbellen": "Yes"})
    form = read_form(out)
    assert (form.kind, form.version, form.warnings) == ("klacht", "1", [])
    assert form.values == EXPECTED | {"client_type": "particulier",
                                      "remarks": "Klachtenformulier: wil graag teruggebeld worden"}
    assert len(form.values["description"]) == 4000
    assert form.sha256 == hashlib.sha256(out.read_bytes()).hexdigest()
    unchecked = read_form(pdftk_fill(blank["klacht"], tmp_path / "zonder.pdf", {"naam": "Ab", "terugbellen": "Off"}))
    assert unchecked.values == {"name": "Ab", "channel": "klachtenformulier"}
    assert any("omschrijving" in w for w in unchecked.warnings)


@needs_pdftk
@pytest.mark.parametrize("score", ["1", "2", "3", "4", "5"])
def test_pdftk_each_score(tmp_path: Path, settings: Settings, score: str) -> None:
    src = make_form("tevredenheid", settings, tmp_path / "t.pdf", Complaint(number="K-2026-007", name="Ü"))
    out = pdftk_fill(src, tmp_path / f"score{score}.pdf",
                     {"tevredenheid": score, "binnen_week": "ja", "oplossing": "nee", "opmerkingen": "Dank\r\nje",
                      "datum": "3 november 2025"})
    form = read_form(out)
    assert form.values == {
        "number": "K-2026-007", "name": "Ü", "satisfaction": score, "satisfaction_date": dt.date(2025, 11, 3),
        "remarks": "Tevredenheidsformulier: binnen een week benaderd: ja; tevreden over de oplossing: nee"
                   "\nOpmerkingen: Dank\nje"}
    assert form.raw["opmerkingen"] == "Dank\nje"


def test_pypdf_fill_like_a_browser(tmp_path: Path, blank: dict[str, Path]) -> None:
    values = COMPLAINT | {"type_klant": "/bedrijf", "terugbellen": "/Yes"}
    form = read_form(pypdf_fill(blank["klacht"], tmp_path / "browser.pdf", values))
    assert form.warnings == []
    assert form.values == EXPECTED | {"client_type": "bedrijf",
                                      "remarks": "Klachtenformulier: wil graag teruggebeld worden"}
    sat = pypdf_fill(blank["tevredenheid"], tmp_path / "tevreden.pdf",
                     {"klachtnummer": " k-2026-003 ", "tevredenheid": "/5", "aanbevelen": "/ja",
                      "opmerkingen": FORMULA, "datum": "2025-12-01"})
    form = read_form(sat)
    assert form.values == {"number": "K-2026-003", "satisfaction": "5", "satisfaction_date": dt.date(2025, 12, 1),
                           "remarks": f"Tevredenheidsformulier: zou ons aanbevelen: ja\nOpmerkingen: {FORMULA}"}


def _edit(src: Path, out: Path, change) -> Path:
    writer = PdfWriter(clone_from=PdfReader(src))
    change(writer)
    writer.write(out)
    return out


def _field(writer: PdfWriter, name: str) -> DictionaryObject:
    return next(f.get_object() for f in writer._root_object["/AcroForm"]["/Fields"] if f.get_object()["/T"] == name)


def test_widget_state_wins_and_on_values(tmp_path: Path, blank: dict[str, Path]) -> None:
    def disagree(writer: PdfWriter) -> None:
        group = _field(writer, "tevredenheid")
        group[NameObject("/V")] = NameObject("/2")
        for kid in group["/Kids"]:
            kid = kid.get_object()
            kid[NameObject("/AS")] = NameObject("/4" if "/4" in kid["/AP"]["/N"] else "/Off")

    form = read_form(_edit(blank["tevredenheid"], tmp_path / "oneens.pdf", disagree))
    assert form.values["satisfaction"] == "4" and any("wijkt af" in w for w in form.warnings)

    def on_state(writer: PdfWriter) -> None:  # a checkbox whose on-state is called /On
        box = _field(writer, "terugbellen")
        for key in ("/N", "/D"):
            states = box["/AP"][key]
            states[NameObject("/On")] = states.pop("/Yes")
        box[NameObject("/V")] = box[NameObject("/AS")] = NameObject("/On")
        _field(writer, "naam")[NameObject("/V")] = TextStringObject("Piet")

    form = read_form(_edit(blank["klacht"], tmp_path / "on.pdf", on_state))
    assert form.values["remarks"] == "Klachtenformulier: wil graag teruggebeld worden"


def test_recognised_by_either_carrier(tmp_path: Path, blank: dict[str, Path]) -> None:
    def no_info(writer: PdfWriter) -> None:
        writer._info = None
        _field(writer, "naam")[NameObject("/V")] = TextStringObject("Piet")

    assert read_form(_edit(blank["klacht"], tmp_path / "zonder-info.pdf", no_info)).kind == "klacht"

    def no_id_field(writer: PdfWriter) -> None:
        acro = writer._root_object["/AcroForm"]
        acro[NameObject("/Fields")] = ArrayObject(f for f in acro["/Fields"] if f.get_object()["/T"] != ID_FIELD)
        page = writer.pages[0]
        page[NameObject("/Annots")] = ArrayObject(a for a in page["/Annots"] if a.get_object().get("/T") != ID_FIELD)
        _field(writer, "tevredenheid")[NameObject("/V")] = NameObject("/3")

    form = read_form(_edit(blank["tevredenheid"], tmp_path / "zonder-id.pdf", no_id_field))
    assert (form.kind, form.values["satisfaction"]) == ("tevredenheid", "3")


def test_unknown_version(tmp_path: Path, blank: dict[str, Path]) -> None:
    def future(writer: PdfWriter) -> None:
        _field(writer, ID_FIELD)[NameObject("/V")] = TextStringObject("formkit-klacht/9")
        writer.add_metadata({INFO_VERSION: "9"})

    bad(_edit(blank["klacht"], tmp_path / "versie9.pdf", future), "versie '9'")


def test_invalid_values_name_the_field(tmp_path: Path, blank: dict[str, Path]) -> None:
    """What a filler lets a client type wrongly is one warning and the field not taken; what no
    filler can give (a radio value the form does not offer) refuses the form, naming the field."""
    path = pypdf_fill(blank["klacht"], tmp_path / "fout.pdf", {"naam": "A", "email": "zoe@", "datum": "31-02-2026"})
    form = read_form(path)
    assert form.values == {"name": "A", "channel": "klachtenformulier"} and set(form.skipped) == {"email", "received"}
    assert any("'E-mail'" in w and "'zoe@'" in w and "niet overgenomen" in w for w in form.warnings), form.warnings
    assert any("'Datum'" in w and "bestaat niet" in w for w in form.warnings), form.warnings
    number = read_form(pypdf_fill(blank["tevredenheid"], tmp_path / "nummer.pdf",
                                  {"klachtnummer": "14", "tevredenheid": "/2"}))
    assert "number" not in number.values and any("'14'" in w for w in number.warnings)
    optional = read_form(pypdf_fill(blank["klacht"], tmp_path / "opt.pdf", {"naam": "A", "klachtnummer": "14"}))
    assert "number" not in optional.values and any("'14'" in w for w in optional.warnings)
    score = _edit(blank["tevredenheid"], tmp_path / "score.pdf",
                  lambda w: _field(w, "tevredenheid").__setitem__(NameObject("/V"), NameObject("/7")))
    bad(score, "Tevredenheid", "1 tot en met 5")
    kind = _edit(blank["klacht"], tmp_path / "type.pdf",
                 lambda w: _field(w, "type_klant").__setitem__(NameObject("/V"), NameObject("/overheid")))
    bad(kind, "Type klant", "particulier of bedrijf")


@pytest.mark.parametrize("filler", [pdftk_fill, pypdf_fill])
def test_a_us_style_date_is_one_warning_not_a_refused_form(tmp_path: Path, blank: dict[str, Path], filler) -> None:
    form = read_form(filler(blank["klacht"], tmp_path / "us.pdf", {**COMPLAINT, "datum": "11/28/2026"}))
    assert form.values == {k: v for k, v in EXPECTED.items() if k != "received"}
    assert form.skipped == ["received"]
    assert form.warnings == ["Veld 'Datum': '11/28/2026' bestaat niet als datum (verwacht dag-maand-jaar, zoals "
                             "24-11-2026); niet overgenomen."]


def test_prefilled_forms_carry_formkits_marker(tmp_path: Path, settings: Settings) -> None:
    """Hidden read-only field and document-info key with the number; the visible number is read-only."""
    c = Complaint(number="K-2026-014", name="Jérôme", received=dt.date(2026, 11, 2))
    for kind in ("klacht", "tevredenheid"):
        path = make_form(kind, settings, tmp_path / f"{kind}-K-2026-014.pdf", c)
        reader = PdfReader(path)
        fields = reader.get_fields()
        assert fields[MARKER_FIELD]["/V"] == "K-2026-014" and reader.metadata[INFO_NUMBER] == "K-2026-014"
        assert int(fields[MARKER_FIELD]["/Ff"]) & 1 and int(fields["klachtnummer"]["/Ff"]) & 1  # read-only
        widget = next(a.get_object() for a in reader.pages[0]["/Annots"] if a.get_object()["/T"] == MARKER_FIELD)
        assert int(widget["/F"]) & 2, "hidden"
        assert read_form(pypdf_fill(path, tmp_path / f"{kind}-ingevuld.pdf", {"tevredenheid": "/4", "naam": "J"}
                                    if kind == "tevredenheid" else {"omschrijving": "Te laat."})).prefilled_for \
            == "K-2026-014"
    blank = make_form("tevredenheid", settings, tmp_path / "leeg.pdf")
    assert MARKER_FIELD not in PdfReader(blank).get_fields() and INFO_NUMBER not in PdfReader(blank).metadata
    typed = read_form(pypdf_fill(blank, tmp_path / "getypt.pdf", {"klachtnummer": "K-2026-014", "tevredenheid": "/4"}))
    assert typed.values["number"] == "K-2026-014" and typed.prefilled_for is None, "typing is no marker"
    unnumbered = make_form("klacht", settings, tmp_path / "zonder.pdf", Complaint(name="Piet"))
    assert MARKER_FIELD not in PdfReader(unnumbered).get_fields()


def test_a_marker_that_was_changed_is_refused(tmp_path: Path, settings: Settings,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    path = make_form("tevredenheid", settings, tmp_path / "t.pdf", Complaint(number="K-2026-014"))

    def retyped(writer: PdfWriter) -> None:
        _field(writer, MARKER_FIELD)[NameObject("/V")] = TextStringObject("K-2026-001")
        _field(writer, "tevredenheid")[NameObject("/V")] = NameObject("/4")

    edited = _edit(path, tmp_path / "ander.pdf", retyped)
    from formkit.pdf import reading

    real = reading.load_fields

    def with_number_info(p: Path, data: bytes):  # as pdf/raw.py gives the info once it reads INFO_NUMBER
        fields, info, xfa, declared = real(p, data)
        return fields, {**info, INFO_NUMBER: str(PdfReader(p).metadata[INFO_NUMBER])}, xfa, declared

    monkeypatch.setattr(reading, "load_fields", with_number_info)
    bad(edited, "aangepast", "kenmerk van de klacht")
    assert read_form(_edit(path, tmp_path / "goed.pdf", lambda w: _field(w, "tevredenheid").__setitem__(
        NameObject("/V"), NameObject("/4")))).prefilled_for == "K-2026-014"
    garbage = _edit(path, tmp_path / "onzin.pdf", lambda w: _field(w, MARKER_FIELD).__setitem__(
        NameObject("/V"), TextStringObject("klacht veertien")))
    monkeypatch.setattr(reading, "load_fields", real)
    bad(garbage, "kenmerk van de klacht")


def test_the_return_address_is_the_one_given(tmp_path: Path, settings: Settings) -> None:
    """The satisfaction letter and the form it encloses name the same address (the handler's)."""
    def text(path: Path) -> str:
        return " ".join(" ".join(page.extract_text() for page in PdfReader(path).pages).split())

    c = Complaint(number="K-2026-014", handler="Yvonne Lips")
    default = make_form("tevredenheid", settings, tmp_path / "org.pdf", c)
    assert "Stuur het ingevulde formulier naar klachten@example.nl." in text(default)
    given = make_form("tevredenheid", settings, tmp_path / "beh.pdf", c, return_address="y.lips@example.nl")
    assert "formulier naar y.lips@example.nl." in text(given) and "naar klachten@example.nl" not in text(given)
    handler = Settings(root=tmp_path, organisation=settings.organisation,
                       handlers=(Handler(name="Yvonne Lips", email="y.lips@example.nl"),))
    assert return_address_for(handler, c) == "y.lips@example.nl"
    assert return_address_for(handler, Complaint(handler="Iemand Anders")) == "klachten@example.nl"
    complaint_form = make_form("klacht", settings, tmp_path / "k.pdf", return_address="info@example.nl")
    assert "naar info@example.nl." in text(complaint_form)


@needs_pdftk
def test_flattened_with_pdftk(tmp_path: Path, blank: dict[str, Path]) -> None:
    filled = pdftk_fill(blank["klacht"], tmp_path / "vol.pdf", COMPLAINT)
    flat = tmp_path / "plat.pdf"
    subprocess.run(["pdftk", str(filled), "output", str(flat), "flatten"], check=True, capture_output=True)
    bad(flat, "het formulier is afgedrukt of platgemaakt: er zijn geen invulvelden meer")


@needs_cairo
def test_printed_to_pdf(tmp_path: Path, blank: dict[str, Path]) -> None:
    filled = pypdf_fill(blank["tevredenheid"], tmp_path / "vol.pdf", {"tevredenheid": "/3"})
    printed = tmp_path / "afgedrukt.pdf"
    subprocess.run(["pdftocairo", "-pdf", str(filled), str(printed)], check=True, capture_output=True)
    bad(printed, "het formulier is afgedrukt of platgemaakt: er zijn geen invulvelden meer")


def test_truncated_corrupt_and_not_pdf(tmp_path: Path, blank: dict[str, Path]) -> None:
    data = blank["klacht"].read_bytes()
    (half := tmp_path / "half.pdf").write_bytes(data[: len(data) // 2])
    bad(half, "onvolledig")
    noise = bytearray(data)
    rng = random.Random(7)
    noise[16:-64] = bytes(rng.randrange(256) for _ in range(len(data) - 80))
    (corrupt := tmp_path / "kapot.pdf").write_bytes(bytes(noise))
    bad(corrupt, "beschadigd")
    (text := tmp_path / "brief.pdf").write_text("Beste mevrouw,\nhierbij mijn klacht.", encoding="utf-8")
    bad(text, "geen PDF")
    (empty := tmp_path / "leeg.pdf").write_bytes(b"")
    bad(empty, "leeg")
    bad(tmp_path / "bestaat-niet.pdf", "bestaat niet")
    big = tmp_path / "groot.pdf"
    with big.open("wb") as fh:
        fh.write(b"%PDF-1.4\n")
        fh.truncate(MAX_PDF_BYTES + 1)
    bad(big, "te groot")


@needs_qpdf
def test_encrypted(tmp_path: Path, blank: dict[str, Path]) -> None:
    filled = pypdf_fill(blank["klacht"], tmp_path / "vol.pdf", {"naam": "Zoë", "omschrijving": "Te laat."})
    locked, owner_only = tmp_path / "wachtwoord.pdf", tmp_path / "eigenaar.pdf"
    subprocess.run(["qpdf", "--encrypt", "geheim", "eigenaar", "256", "--", str(filled), str(locked)], check=True)
    subprocess.run(["qpdf", "--encrypt", "", "eigenaar", "256", "--", str(filled), str(owner_only)], check=True)
    bad(locked, "versleuteld", "wachtwoord")
    form = read_form(owner_only)
    assert form.values["name"] == "Zoë" and form.values["description"] == "Te laat."


def test_foreign_xfa_and_hostile_forms(tmp_path: Path) -> None:
    foreign = tmp_path / "ander-formulier.pdf"
    canvas = Canvas(str(foreign))
    canvas.acroForm.textfield(name="voornaam", value="Piet", x=50, y=700, maxlen=0)
    canvas.showPage()
    canvas.save()
    bad(foreign, "geen formulier van formkit")

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {NameObject("/Fields"): ArrayObject(), NameObject("/XFA"): TextStringObject("<xdp:xdp/>")})
    writer.write(xfa := tmp_path / "xfa.pdf")
    bad(xfa, "XFA")

    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    loop = DictionaryObject({NameObject("/T"): TextStringObject("a"), NameObject("/FT"): NameObject("/Tx")})
    ref = writer._add_object(loop)
    loop[NameObject("/Kids")] = ArrayObject([ref])  # a field that is its own child
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject([ref])})
    writer.write(cyclic := tmp_path / "lus.pdf")
    bad(cyclic, "beschadigd")


def test_repaired_file_warns_and_pypdf_stays_quiet(tmp_path: Path, blank: dict[str, Path],
                                                  caplog: pytest.LogCaptureFixture) -> None:
    filled = pypdf_fill(blank["klacht"], tmp_path / "vol.pdf", {"naam": "Zoë"}).read_bytes()
    (shifted := tmp_path / "verschoven.pdf").write_bytes(filled[:15] + b"%extra regel\n" + filled[15:])
    form = read_form(shifted)  # every xref offset is wrong: pypdf repairs, we say so
    assert form.values["name"] == "Zoë" and any("hersteld" in w for w in form.warnings)
    (broken := tmp_path / "xref.pdf").write_bytes(filled.replace(b"startxref", b"startxrex"))
    bad(broken, "beschadigd")
    assert not [r for r in caplog.records if r.name.startswith("pypdf")]


def test_mutated_files_never_escape(tmp_path: Path, blank: dict[str, Path]) -> None:
    data = pypdf_fill(blank["tevredenheid"], tmp_path / "vol.pdf", {"tevredenheid": "/3"}).read_bytes()
    for seed in range(40):
        rng = random.Random(seed)
        mutated = bytearray(data)
        for _ in range(rng.choice((1, 5, 40))):
            pos = rng.randrange(len(mutated))
            mutated[pos:pos + rng.randrange(1, 20)] = rng.randbytes(rng.randrange(20))
        (path := tmp_path / f"mutant{seed}.pdf").write_bytes(bytes(mutated))
        try:
            read_form(path)
        except PdfFormError as exc:
            assert path.name in str(exc)
