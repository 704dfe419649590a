"""Every refusal of a returned PDF tells the truth about the file (SPEC: "a clear Dutch message
naming the file and the problem").

One test per message that was untrue on real-world PDFs, each on a case built here from formkit's
own form with pypdf, qpdf and brotli (deterministic: the same bytes every run):
- an ordinary document without fields "bevat geen invulvelden"; "afgedrukt of platgemaakt" only a
  formkit form that lost its fields (told by /Subject, /FormkitForm or the printed footer);
- widgets on the pages are fields, also when the catalogue has no form dictionary, files it under a
  misspelt key, or lists only some of them (a broken catalogue);
- a complete PDF without its %PDF- header is read; "geen PDF-bestand" only without any PDF structure;
- comments in the cross-reference table: a long one is read, 1,001 of them are damage
  ("inhoudsopgave ... onleesbaar"), never "te groot of verwijst eindeloos naar zichzelf";
- Brotli streams are read (and limited); without the brotli module the message names it;
- a PDF whose only encrypted part is an attachment is read, with or without a password.
And the committed corpus of real PDFs (tests/corpus/pdf) through `formkit inlezen`: the normal run
its representative set, --long all of it.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from formkit.errors import PdfFormError
from formkit.pdf import opening
from formkit.pdf.forms import make_form
from formkit.pdf.reading import ImportedForm, read_form
from formkit.register.model import Complaint
from formkit.settings import Organisation, Settings
from tests.pdffill import pypdf_fill
from tests.pdfmutants import normalise
from tests.rawpdf import RawPdf

CORPUS = Path(__file__).parent / "corpus" / "pdf"
SAFETY = 600  # seconds: only for a run that hangs, never a measurement

# The kinds of message, in the order they are told apart: the first pattern found names the message.
KINDS = (
    ("geen-pdf", "dit is geen PDF-bestand"),
    ("onvolledig", "beschadigd of onvolledig"),
    ("inhoudsopgave", "de inhoudsopgave van het bestand is onleesbaar"),
    ("brotli", "gecomprimeerd met Brotli"),
    ("wachtwoord", "versleuteld met een wachtwoord"),
    ("onbekende-versleuteling", "versleuteld op een manier die formkit niet kent"),
    ("te-ingewikkeld", "te ingewikkeld opgebouwd voor een formulier"),
    ("onveilig", "beschadigd of onveilig"),
    ("geen-paginas", "er is geen enkele pagina te lezen"),
    ("beschadigd", "beschadigd"),
    ("xfa", "XFA-formulier"),
    ("geen-invulvelden", "bevat geen invulvelden"),
    ("platgemaakt", "afgedrukt of platgemaakt"),
    ("geen-formkit", "geen formulier van formkit"),
    ("te-lang", "duurde te lang"),
)


def kind(message: str) -> str:
    return next((name for name, text in KINDS if text in message), "?")


def refusal(path: Path) -> str:
    """The message read_form gives for `path` (it must refuse it)."""
    with pytest.raises(PdfFormError) as caught:
        read_form(path)
    message = caught.value.message
    assert message.startswith(f"{path}: "), message
    return message[len(str(path)) + 2:]


# --- formkit's own form, filled in as a browser does ------------------------------------------------

@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A complaint form filled in with pypdf (classic cross-reference table), and a satisfaction form
    formkit prefilled for K-2026-001 (two carriers of its id: document info and printed footer)."""
    tmp = tmp_path_factory.mktemp("formulieren")
    settings = Settings(root=tmp, organisation=Organisation(address="Kerkstraat 1", postcode="5291 AB",
                                                            email="klachten@example.nl"))
    blank = make_form("klacht", settings, tmp / "klacht.pdf")
    survey = make_form("tevredenheid", settings, tmp / "tevredenheid.pdf",
                       Complaint(number="K-2026-001", name="Femke van Aalst"))
    values = {"naam": "Zoë Müller", "email": "zoe@example.nl", "omschrijving": "De docent kwam niet.",
              "datum": "24-11-2026", "terugbellen": "/Yes"}
    return {"klacht": normalise(pypdf_fill(blank, tmp / "vol.pdf", values).read_bytes()),
            "tevredenheid": normalise(pypdf_fill(survey, tmp / "tvol.pdf", {"tevredenheid": "/4"}).read_bytes())}


@pytest.fixture(scope="module")
def healthy(made: dict[str, bytes], tmp_path_factory: pytest.TempPathFactory) -> ImportedForm:
    (path := tmp_path_factory.mktemp("gezond") / "klacht.pdf").write_bytes(made["klacht"])
    form = read_form(path)
    assert form.kind == "klacht" and form.values["name"] == "Zoë Müller" and not form.warnings
    return form


def write(tmp: Path, name: str, data: bytes) -> Path:
    (path := tmp / name).write_bytes(data)
    return path


def edited(data: bytes, change) -> bytes:
    """The form rewritten by RawPdf after `change(doc)`: any object graph, offsets right."""
    doc = RawPdf(data)
    change(doc)
    return doc.write()


def same_answers(form: ImportedForm, healthy: ImportedForm) -> None:
    assert (form.kind, form.values, form.raw) == (healthy.kind, healthy.values, healthy.raw)


# --- 1. no fields: "bevat geen invulvelden"; "platgemaakt" only for formkit's own forms ---------------

def _letter() -> bytes:
    from reportlab.pdfgen.canvas import Canvas

    out = io.BytesIO()
    canvas = Canvas(out, invariant=1)
    canvas.setSubject("Nieuwsbrief maart")
    canvas.drawString(72, 760, "Beste bewoners, op 12 maart is de jaarvergadering in het buurthuis.")
    canvas.showPage()
    canvas.save()
    return out.getvalue()


def _stripped(data: bytes, info: dict[str, str | None]) -> bytes:
    """The form without any field (no /AcroForm, no widgets), its document info changed by `info`."""
    reader = PdfReader(io.BytesIO(data))
    writer = PdfWriter(clone_from=reader)
    del writer._root_object["/AcroForm"]
    for page in writer.pages:
        page.pop("/Annots", None)
    meta = writer._info.get_object() if writer._info is not None else None
    assert isinstance(meta, DictionaryObject)
    for key, value in info.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[NameObject(key)] = TextStringObject(value)
    out = io.BytesIO()
    writer.write(out)
    return normalise(out.getvalue())


def test_a_document_without_fields_has_no_fields_and_is_not_called_flattened(tmp_path: Path) -> None:
    letter = write(tmp_path, "brief.pdf", _letter())
    assert kind(refusal(letter)) == "geen-invulvelden"
    assert "bevat geen invulvelden" in refusal(letter) and "platgemaakt" not in refusal(letter)
    writer = PdfWriter(clone_from=PdfReader(letter))  # an empty form dictionary: no fields either
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): ArrayObject()})
    writer.write(empty := tmp_path / "leeg-formulier.pdf")
    assert kind(refusal(empty)) == "geen-invulvelden"


NO_ID = {"/Subject": None, "/FormkitForm": None, "/FormkitVersion": None, "/Keywords": None}


@pytest.mark.parametrize("carrier", ["/Subject", "/FormkitForm", "footer", "footer of the last page"])
def test_a_formkit_form_that_lost_its_fields_is_called_flattened(made: dict[str, bytes], tmp_path: Path,
                                                                 carrier: str) -> None:
    """Told by one carrier of the form's id alone: the document info, or the footer it prints."""
    kind_ = "tevredenheid" if carrier == "footer of the last page" else "klacht"
    info: dict[str, str | None] = dict(NO_ID)
    if carrier == "/Subject":
        info["/Subject"] = "formkit-klacht/1"
    elif carrier == "/FormkitForm":
        info["/FormkitForm"] = "formkit-klacht"
    data = _stripped(made[kind_], info)
    if carrier == "footer of the last page":  # a cover page without the id before the form's page
        cover = PdfReader(io.BytesIO(_letter())).pages[0]
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
        writer.insert_page(cover, 0)
        writer.write(out := io.BytesIO())
        data = out.getvalue()
    message = refusal(write(tmp_path, "plat.pdf", data))
    assert kind(message) == "platgemaakt", message
    assert "er zijn geen invulvelden meer" in message


def test_a_damaged_file_without_fields_says_it_is_damaged(made: dict[str, bytes], tmp_path: Path) -> None:
    """pypdf had to repair the file (its header line is gone, every offset is off): a formkit form without
    fields is then called damaged, not flattened, and a document says it has errors too."""
    form = _stripped(made["klacht"], {})
    message = refusal(write(tmp_path, "kapot-formulier.pdf", form[form.index(b"\n") + 1:]))
    assert kind(message) == "beschadigd" and "formulier van formkit" in message, message
    letter = _letter()
    message = refusal(write(tmp_path, "kapotte-brief.pdf", letter[letter.index(b"\n") + 1:]))
    assert kind(message) == "geen-invulvelden" and "het bestand bevat ook fouten" in message, message


def test_without_any_carrier_of_the_id_it_is_a_document_without_fields(made: dict[str, bytes],
                                                                      tmp_path: Path) -> None:
    """Text turned into outlines and a new document info: nothing tells it was formkit's."""
    def no_text(doc: RawPdf) -> None:
        for obj in list(doc.objects.values()):
            if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/Page":
                obj[NameObject("/Contents")] = doc.add(_stream(b"0 0 10 10 re f\n"))
    data = _stripped(edited(made["klacht"], no_text), NO_ID)
    assert kind(refusal(write(tmp_path, "contouren.pdf", data))) == "geen-invulvelden"


# --- 2. widgets on the pages are fields, whatever the catalogue says -------------------------------

def _catalogue(how: str):
    def change(doc: RawPdf) -> None:
        root = doc[doc.root]
        acro = root.raw_get("/AcroForm")
        fields = doc[acro.idnum]["/Fields"]
        if how == "no /AcroForm":  # as a browser engine saves a filled form
            del root["/AcroForm"]
        elif how == "misspelt /AcroFrom":
            del root["/AcroForm"]
            root[NameObject("/AcroFrom")] = acro
        elif how == "/AcroForm not a dictionary":
            root[NameObject("/AcroForm")] = NumberObject(7)
        elif how == "/Fields not an array":
            doc[acro.idnum][NameObject("/Fields")] = TextStringObject("kapot")
        elif how == "/Fields lists one field only":  # the rest hang on the pages alone
            doc[acro.idnum][NameObject("/Fields")] = ArrayObject([fields[0]] * 50)
    return change


@pytest.mark.parametrize("how", ["no /AcroForm", "misspelt /AcroFrom", "/AcroForm not a dictionary",
                                 "/Fields not an array", "/Fields lists one field only"])
def test_widgets_on_the_pages_are_read_whatever_the_catalogue_says(made: dict[str, bytes], healthy: ImportedForm,
                                                                  tmp_path: Path, how: str) -> None:
    form = read_form(write(tmp_path, "widgets.pdf", edited(made["klacht"], _catalogue(how))))
    same_answers(form, healthy)
    assert any("op de pagina's gevonden" in w for w in form.warnings), form.warnings


def test_widgets_that_hold_no_answer_make_no_form(made: dict[str, bytes], tmp_path: Path) -> None:
    """Push-buttons (the tooltips of TeX documents) on pages without a form dictionary are no fields."""
    def buttons(doc: RawPdf) -> None:
        del doc[doc.root]["/AcroForm"]
        for num in doc.fields.values():
            doc[num][NameObject("/FT")] = NameObject("/Btn")
            doc[num][NameObject("/Ff")] = NumberObject(1 << 16)
        for key in NO_ID:
            doc[doc.info].pop(key, None)
        for obj in list(doc.objects.values()):
            if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/Page":
                obj[NameObject("/Contents")] = doc.add(_stream(b"BT /F1 9 Tf 72 720 Td (Uitleg) Tj ET\n"))
    message = refusal(write(tmp_path, "knoppen.pdf", edited(made["klacht"], buttons)))
    assert kind(message) == "geen-invulvelden", message


def test_a_pdf_without_pages_is_damaged(made: dict[str, bytes], tmp_path: Path) -> None:
    def no_pages(doc: RawPdf) -> None:
        pages = doc[doc[doc.root].raw_get("/Pages").idnum]
        pages[NameObject("/Kids")] = ArrayObject()
        pages[NameObject("/Count")] = NumberObject(0)
    assert kind(refusal(write(tmp_path, "geen-paginas.pdf", edited(made["klacht"], no_pages)))) == "geen-paginas"


# --- 3. the header ------------------------------------------------------------------------------------

def test_a_complete_pdf_without_its_header_is_read(made: dict[str, bytes], healthy: ImportedForm,
                                                   tmp_path: Path) -> None:
    data = made["klacht"]
    line = data.index(b"\n") + 1
    assert data.startswith(b"%PDF-1.")
    for name, variant in (("zonder-kop.pdf", data[line:]),  # offsets now off by the line's length
                          ("kop-gewist.pdf", b" " * (line - 1) + b"\n" + data[line:])):
        form = read_form(write(tmp_path, name, variant))
        same_answers(form, healthy)
        assert any("hersteld gelezen" in w for w in form.warnings), form.warnings


@pytest.mark.parametrize("data", [
    b"Beste klant,\n\nHierbij mijn klacht over de trailer van de cursus: de xref staat niet in het boek.\n%%EOF\n",
    b"PK\x03\x04" + bytes(range(256)) * 8 + b"%%EOF",
    "{\\rtf1 Zoë, de cursus was slecht}\n%%EOF".encode(),
], ids=["text", "zip", "rtf"])
def test_without_any_pdf_structure_it_is_no_pdf(tmp_path: Path, data: bytes) -> None:
    assert kind(refusal(write(tmp_path, "klacht.pdf", data))) == "geen-pdf"


# --- 4. comments in the cross-reference table -----------------------------------------------------

def _after_xref(data: bytes, insert: bytes) -> bytes:
    at = data.rindex(b"\nxref\n") + len(b"\nxref\n")  # startxref still points at `xref`
    return data[:at] + insert + data[at:]


def test_comments_in_the_cross_reference_table(made: dict[str, bytes], healthy: ImportedForm,
                                               tmp_path: Path) -> None:
    data = made["klacht"]
    long_one = read_form(write(tmp_path, "lang.pdf", _after_xref(data, b"%" + b"formkit " * 2**17 + b"\n")))
    same_answers(long_one, healthy)  # one comment of a megabyte: a legal PDF, read
    many = refusal(write(tmp_path, "veel.pdf", _after_xref(data, b"%c\n" * 1001)))
    assert kind(many) == "inhoudsopgave", many
    assert many == "het PDF-bestand is beschadigd: de inhoudsopgave van het bestand is onleesbaar."
    trailer = data.rindex(b"trailer") + len(b"trailer")
    in_trailer = refusal(write(tmp_path, "trailer.pdf", data[:trailer] + b"\n%c" * 1001 + data[trailer:]))
    assert kind(in_trailer) == "inhoudsopgave", in_trailer


def test_comments_before_an_object_are_damage_not_a_bomb(made: dict[str, bytes], tmp_path: Path) -> None:
    def commented(doc: RawPdf) -> None:
        num = doc.fields["naam"]
        doc.objects[num] = b"%c\n" * 1001 + _serialised(doc[num])
    message = refusal(write(tmp_path, "object.pdf", edited(made["klacht"], commented)))
    assert message == "het PDF-bestand is beschadigd en niet te lezen.", message


# --- 5. Brotli ----------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def brotli():
    try:
        import brotli
    except ImportError:  # a dependency of formkit: missing is a failure, not a skip
        pytest.fail("brotli >= 1.2 is required (pip install 'brotli>=1.2')")
    return brotli


def _brotli_streams(data: bytes, brotli) -> bytes:
    """Every stream (page contents, appearances, fonts) re-encoded with /BrotliDecode."""
    def change(doc: RawPdf) -> None:
        for num, obj in list(doc.objects.items()):
            if isinstance(obj, StreamObject):
                plain = obj.get_data()
                new = StreamObject()
                new.update({k: v for k, v in obj.items() if k not in ("/Filter", "/DecodeParms", "/Length")})
                new._data = brotli.compress(plain, quality=5)
                new[NameObject("/Filter")] = NameObject("/BrotliDecode")
                doc.objects[num] = new
    return edited(data, change)


def _brotli_object_stream(data: bytes, brotli) -> bytes:
    """PDF 2.0: every object but the streams (catalogue, fields, widgets) in one Brotli object stream,
    indexed by an xref stream."""
    doc = RawPdf(data)
    packed = sorted(n for n, o in doc.objects.items() if not isinstance(o, StreamObject))
    out = io.BytesIO()
    out.write(b"%PDF-2.0\n%\xe2\xe3\xcf\xd3\n")
    rows: dict[int, bytes] = {0: b"\x00" + bytes(4) + b"\xff\xff"}
    for num, obj in sorted(doc.objects.items()):
        if num not in packed:
            rows[num] = b"\x01" + out.tell().to_bytes(4, "big") + bytes(2)
            out.write(b"%d 0 obj\n%s\nendobj\n" % (num, _serialised(obj)))
    heads, bodies, at = [], [], 0
    for i, num in enumerate(packed):
        body = _serialised(doc.objects[num]) + b"\n"
        heads.append(b"%d %d" % (num, at))
        bodies.append(body)
        at += len(body)
        rows[num] = b"\x02" + (max(doc.objects) + 1).to_bytes(4, "big") + i.to_bytes(2, "big")
    head = b" ".join(heads) + b"\n"
    stm, xref = max(doc.objects) + 1, max(doc.objects) + 2
    squeezed = brotli.compress(head + b"".join(bodies), quality=5)
    rows[stm] = b"\x01" + out.tell().to_bytes(4, "big") + bytes(2)
    out.write(b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /BrotliDecode /Length %d >>\nstream\n"
              % (stm, len(packed), len(head), len(squeezed)) + squeezed + b"\nendstream\nendobj\n")
    rows[xref] = b"\x01" + out.tell().to_bytes(4, "big") + bytes(2)
    table = b"".join(rows.get(n, b"\x00" + bytes(6)) for n in range(xref + 1))
    start = out.tell()
    info = b" /Info %d 0 R" % doc.info if doc.info else b""
    out.write(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R%s /Length %d >>\nstream\n"
              % (xref, xref + 1, doc.root, info, len(table)) + table
              + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)
    return out.getvalue()


def test_brotli_streams_are_read(made: dict[str, bytes], healthy: ImportedForm, tmp_path: Path, brotli) -> None:
    assert "brotli_maximum_output_length" in opening.PYPDF_LIMITS
    streams = _brotli_streams(made["klacht"], brotli)
    assert b"/BrotliDecode" in streams and b"/FlateDecode" not in streams
    objects = _brotli_object_stream(made["klacht"], brotli)
    assert b"/Filter /BrotliDecode" in objects and b"/AcroForm" not in objects  # the catalogue is packed
    for name, data in (("inhoud.pdf", streams), ("objecten.pdf", objects)):
        same_answers(read_form(write(tmp_path, name, data)), healthy)


def test_a_brotli_bomb_is_stopped_by_the_limit(made: dict[str, bytes], tmp_path: Path, brotli) -> None:
    def bomb(doc: RawPdf) -> None:
        stream = StreamObject()
        stream._data = brotli.compress(bytes(2 * opening.LIMIT), quality=1)
        stream[NameObject("/Filter")] = NameObject("/BrotliDecode")
        doc[doc.fields["naam"]][NameObject("/V")] = doc.add(stream)
    assert kind(refusal(write(tmp_path, "bom.pdf", edited(made["klacht"], bomb)))) == "onveilig"


def test_without_the_brotli_module_the_message_names_it(made: dict[str, bytes], healthy: ImportedForm,
                                                        tmp_path: Path, brotli,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from pypdf.errors import DependencyError
    from pypdf.filters import BrotliDecode

    def missing() -> None:
        raise DependencyError("brotli is required for BrotliDecode. Install it with: pip install pypdf[brotli]")

    monkeypatch.setattr(BrotliDecode, "_check_brotli_available", staticmethod(missing))
    message = refusal(write(tmp_path, "objecten.pdf", _brotli_object_stream(made["klacht"], brotli)))
    assert kind(message) == "brotli" and "de module 'brotli' ontbreekt" in message, message
    # fields in plain objects are read: only the drawing is Brotli (formkit does not need it)
    same_answers(read_form(write(tmp_path, "inhoud.pdf", _brotli_streams(made["klacht"], brotli))), healthy)


# --- 6. encryption of the attachments only ----------------------------------------------------------

def _aes_cbc(key: bytes, iv: bytes, data: bytes) -> bytes:
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return enc.update(data) + enc.finalize()


def _hash_r6(password: bytes, salt: bytes, udata: bytes) -> bytes:
    """ISO 32000-2 algorithm 2.B."""
    k = hashlib.sha256(password + salt + udata).digest()
    i = 0
    while True:
        e = _aes_cbc(k[:16], k[16:32], (password + k + udata) * 64)
        k = (hashlib.sha256, hashlib.sha384, hashlib.sha512)[sum(e[:16]) % 3](e).digest()
        i += 1
        if i >= 64 and e[-1] <= i - 32:
            return k[:32]


def _encrypt_dict(key: bytes, user: bytes, owner: bytes, crypt: bytes) -> bytes:
    """An AES-256 (V5/R6) standard security handler dictionary with fixed salts."""
    seed = hashlib.sha256(b"formkit-test").digest()
    u_vs, u_ks, o_vs, o_ks = seed[0:8], seed[8:16], seed[16:24], seed[24:32]
    u = _hash_r6(user, u_vs, b"") + u_vs + u_ks
    ue = _aes_cbc(_hash_r6(user, u_ks, b""), bytes(16), key)
    o = _hash_r6(owner, o_vs, u) + o_vs + o_ks
    oe = _aes_cbc(_hash_r6(owner, o_ks, u), bytes(16), key)
    perms = Cipher(algorithms.AES(key), modes.ECB()).encryptor().update(
        (-1028 & 0xFFFFFFFF).to_bytes(4, "little") + b"\xff" * 4 + b"Tadb" + seed[:4])
    hexed = [b"<" + v.hex().encode() + b">" for v in (o, u, oe, ue, perms)]
    return (b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P -1028 /CF << /StdCF << /Type /CryptFilter "
            b"/CFM /AESV3 /AuthEvent /EFOpen /Length 32 >> >> " + crypt
            + b" /O %s /U %s /OE %s /UE %s /Perms %s >>" % tuple(hexed))


def _attachment_encrypted(data: bytes, password: bytes, handler: bytes = b"") -> bytes:
    """The form with an attached receipt that is AES-256 encrypted; strings and streams stay in clear
    (/StmF /StrF /Identity, /EFF /StdCF: Acrobat's "encrypt only file attachments")."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.add_attachment("bon.txt", b"Bon 2026-0815, EUR 49,95\n" * 4)
    writer.write(out := io.BytesIO())
    doc = RawPdf(normalise(out.getvalue()))
    key = hashlib.sha256(b"formkit-test-key").digest()
    embedded = next(n for n, o in doc.objects.items() if isinstance(o, StreamObject)
                    and o.get("/Type") == "/EmbeddedFile")
    stream = doc.objects[embedded]
    assert isinstance(stream, StreamObject)
    iv = hashlib.md5(b"formkit-test-iv").digest()
    padding = 16 - len(stream._data) % 16
    stream._data = iv + _aes_cbc(key, iv, stream._data + bytes([padding]) * padding)
    entry = handler or _encrypt_dict(key, password, b"eigenaar", b"/StmF /Identity /StrF /Identity /EFF /StdCF")
    encrypt = doc.add(entry)
    written = doc.write()
    ids = b"<" + b"0123456789abcdef" * 2 + b"> <" + b"0123456789abcdef" * 2 + b">"
    return written.replace(b"trailer\n<< /Size", b"trailer\n<< /Encrypt %d 0 R /ID [%s] /Size"
                           % (encrypt.idnum, ids), 1)


@pytest.mark.parametrize("password", [b"", b"geheim"], ids=["empty password", "with a password"])
def test_a_pdf_whose_only_encrypted_part_is_an_attachment_is_read(made: dict[str, bytes], healthy: ImportedForm,
                                                                   tmp_path: Path, password: bytes) -> None:
    path = write(tmp_path, "bijlage.pdf", _attachment_encrypted(made["klacht"], password))
    reader = PdfReader(path)
    assert reader.is_encrypted and bool(reader.decrypt("")) == (password == b"")
    same_answers(read_form(path), healthy)


def test_a_pdf_that_needs_its_password_is_refused_as_such(made: dict[str, bytes], tmp_path: Path) -> None:
    src = write(tmp_path, "open.pdf", made["klacht"])
    for args in (["geheim", "eigenaar", "256"], ["geheim", "eigenaar", "128", "--use-aes=y"]):
        subprocess.run(["qpdf", "--static-id", "--encrypt", *args, "--", str(src), str(tmp_path / "dicht.pdf")],
                       check=True, capture_output=True)
        assert kind(refusal(tmp_path / "dicht.pdf")) == "wachtwoord"
    certificate = _attachment_encrypted(made["klacht"], b"", handler=(
        b"<< /Filter /Adobe.PubSec /SubFilter /adbe.pkcs7.s5 /V 4 /R 4 /Length 128 /P -1028 >>"))
    assert kind(refusal(write(tmp_path, "certificaat.pdf", certificate))) == "onbekende-versleuteling"


# --- 7. more object streams than a form has --------------------------------------------------------

def test_a_manual_with_many_object_streams_is_too_complex_for_a_form(made: dict[str, bytes], tmp_path: Path) -> None:
    doc = RawPdf(made["klacht"])
    for i in range(100):
        doc.add(DictionaryObject({NameObject("/Vulling"): NumberObject(i)}))
    packed = frozenset(n for n, o in doc.objects.items() if isinstance(o, DictionaryObject)
                       and not isinstance(o, StreamObject) and n != doc.root)
    message = refusal(write(tmp_path, "handboek.pdf", doc.write(packed=packed, streams=70)))
    assert kind(message) == "te-ingewikkeld" and "70 objectstromen, hoogstens 64" in message, message


def _stream(data: bytes) -> StreamObject:
    stream = StreamObject()
    stream._data = zlib.compress(data)
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    return stream


def _serialised(obj: PdfObject | IndirectObject | bytes) -> bytes:
    if isinstance(obj, bytes):
        return obj
    buf = io.BytesIO()
    obj.write_to_stream(buf)
    return buf.getvalue()


def test_the_cases_are_the_same_every_run(made: dict[str, bytes], brotli) -> None:
    for build in (lambda: _stripped(made["klacht"], NO_ID), lambda: _brotli_object_stream(made["klacht"], brotli),
                  lambda: _attachment_encrypted(made["klacht"], b"geheim"), _letter):
        assert build() == build()


# --- 8. the committed corpus of real PDFs ----------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    file: str
    sha256: str
    size: int
    licence: str
    representative: bool
    expected: str

    @property
    def path(self) -> Path:
        return CORPUS / self.file


def corpus() -> list[Entry]:
    with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8", newline="") as fh:
        return [Entry(r["file"], r["sha256"], int(r["bytes"]), r["licence"], r["representative"] == "yes",
                      r["expected"]) for r in csv.DictReader(fh, delimiter="\t")]


PERMISSIVE = re.compile(r"^(MIT|BSD-[23]-Clause|bsd2|Apache-2\.0|MPL-2\.0|LPPL-1\.[0-3]c?\+|lppl1\.3a|CC-PDDC|"
                        r"CC-BY-4\.0|CC0-1\.0|ISC|public-domain)$")


def test_the_corpus_is_committed_with_its_licences() -> None:
    entries = corpus()
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*.pdf")}
    assert on_disk == {e.file for e in entries}
    assert 35 <= sum(e.representative for e in entries) <= 50 and len(entries) >= 200
    assert sum(p.stat().st_size for p in CORPUS.rglob("*") if p.is_file()) <= 20 * 10**6
    for e in entries:
        data = e.path.read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (e.size, e.sha256), e.file
        assert all(PERMISSIVE.match(part) for part in e.licence.split(" AND ")), (e.file, e.licence)
        assert e.expected in {name for name, _ in KINDS} - {"platgemaakt", "te-lang"}, e.file
    folders = {e.file.split("/")[0] for e in entries}
    licences = {p.stem for p in (CORPUS / "LICENSES").iterdir()}
    assert folders - licences <= {"pypi-pypdfium2"}  # per-file licences only (REUSE): their SPDX texts
    assert {"SPDX-Apache-2.0", "SPDX-BSD-3-Clause", "SPDX-CC-BY-4.0"} <= licences


def test_real_pdfs_get_true_messages_and_change_nothing(workfolder, tmp_path: Path, long_run: bool) -> None:
    """The representative set (--long: every file) through one `formkit inlezen`: no traceback, no hang,
    each file reported once with the message its MANIFEST line expects, the register unchanged."""
    entries = [e for e in corpus() if long_run or e.representative]
    inbox = tmp_path / "binnengekomen"
    inbox.mkdir()
    names = {}
    for e in entries:
        name = e.file.replace("/", "__")
        shutil.copyfile(e.path, inbox / name)
        names[name] = e
    register = workfolder.register.read_bytes()
    done = subprocess.run([sys.executable, "-m", "formkit", "--map", str(workfolder.root), "inlezen", str(inbox)],
                          capture_output=True, text=True, timeout=SAFETY,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert "Traceback" not in done.stdout + done.stderr, done.stderr[-3000:]
    assert done.returncode == 1, done.stdout + done.stderr[-3000:]
    errors = {m[1]: m[2] for m in re.finditer(r"Fout: (.+?\.pdf): (.*?)(?=\nFout: |\nIngelezen: |\Z)",
                                              done.stderr, re.S)}
    wrong = []
    for name, e in names.items():
        message = errors.get(str(inbox / name))
        assert message is not None, f"{name}: no message\n{done.stdout[-2000:]}"
        if kind(message) != e.expected:
            wrong.append(f"{e.file}: expected {e.expected}, got: {message}")
    assert not wrong, "\n".join(wrong)
    assert len(errors) == len(names)
    assert workfolder.register.read_bytes() == register
    assert not (workfolder.register.parent / "ingelezen.csv").exists()
