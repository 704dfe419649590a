"""Digital signatures on PDF letters (`brief --onderteken`): PAdES with the organisation's certificate.

The certificate is a PKCS#12 file (.p12/.pfx) named in formkit.toml [ondertekening]; its password
comes from the environment or the user, is never stored and never logged. Everything about it is
checked before any letter is made (missing, not PKCS#12, wrong password, no private key, expired,
not yet valid, not meant for signing): a letter is never left unsigned while the user expects it
signed. PAdES B-B (ETSI.CAdES.detached); B-T (a timestamp from a time-stamping authority) only
when [ondertekening] tijdstempel names one. The visible signature box lies exactly where the
letter shows the handler's signature image, on its page, and holds that image: it covers no text.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from asn1crypto import keys as asn1_keys
from asn1crypto import pkcs12 as asn1_pkcs12

# asn1crypto maps content-type names once, on first use; the timestamp types register themselves
# when their module is imported, so it is imported here, before anything parses ASN.1.
from asn1crypto import tsp as _tsp  # noqa: F401
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from PIL import Image
from pyhanko.pdf_utils import layout
from pyhanko.pdf_utils.images import PdfImage
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko.stamp import StaticStampStyle
from pyhanko_certvalidator.registry import SimpleCertificateStore
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, IndirectObject

from formkit.dates import dutch
from formkit.errors import FormkitError, Hint
from formkit.settings import CONFIG_NAME, Settings

FIELD = "Handtekening"
PASSWORD_VARIABLE = "FORMKIT_CERTIFICAAT_WACHTWOORD"
Matrix = tuple[float, float, float, float, float, float]
Box = tuple[float, float, float, float]


class CertificateError(FormkitError):
    """The certificate cannot sign: nothing is made or recorded (exit 2)."""


@dataclass(frozen=True)
class Certificate:
    """A checked signing certificate with its key and the certificates above it."""

    path: Path
    key: Any  # a cryptography private key
    certificate: x509.Certificate
    chain: tuple[x509.Certificate, ...]

    @property
    def holder(self) -> str:
        names = self.certificate.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
        return str(names[0].value) if names else self.certificate.subject.rfc4514_string()


def certificate_for(settings: Settings, password: str | None, today: dt.date | None = None) -> Certificate:
    """The certificate [ondertekening] names, checked (see load_certificate)."""
    if not settings.signing.certificate:
        raise CertificateError(f"Er is geen certificaat ingesteld om mee te ondertekenen. Vul in "
                               f"{settings.root / CONFIG_NAME} bij [ondertekening] certificaat = '...' in "
                               "(een .p12- of .pfx-bestand).")
    path = Path(settings.signing.certificate)
    return load_certificate(path if path.is_absolute() else settings.root / path, password, today)


def load_certificate(path: Path, password: str | None, today: dt.date | None = None) -> Certificate:
    """Open the PKCS#12 file and check that it can sign today; a Dutch CertificateError if not."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CertificateError(f"Het certificaat {path} bestaat niet. Zet het PKCS#12-bestand (.p12 of .pfx) daar "
                               "neer, of pas certificaat in [ondertekening] van formkit.toml aan.") from None
    except OSError as exc:
        raise CertificateError(f"Het certificaat {path} is niet te lezen ({exc.strerror or exc}).") from None
    try:  # first the structure: cryptography says the same for a wrong password and a wrong file
        asn1_pkcs12.Pfx.load(data, strict=True)["auth_safe"]["content_type"].native  # noqa: B018
    except Exception:
        raise CertificateError(f"{path} is geen certificaatbestand (PKCS#12, .p12 of .pfx). Exporteer het "
                               "certificaat opnieuw, met de privésleutel, als .pfx of .p12.") from None
    if password is None:
        raise CertificateError(f"Het wachtwoord van het certificaat {path} ontbreekt.", Hint.PASSWORD)
    try:
        bundle = pkcs12.load_pkcs12(data, password.encode("utf-8"))
    except (ValueError, TypeError):
        raise CertificateError(f"Het wachtwoord van het certificaat {path} klopt niet. Er is niets gemaakt.",
                               Hint.PASSWORD) from None
    if bundle.key is None or bundle.cert is None:
        raise CertificateError(f"{path} bevat geen privésleutel, alleen een certificaat: daarmee kan niet worden "
                               "ondertekend. Exporteer het certificaat opnieuw mét de privésleutel (in Windows: "
                               "'Ja, de persoonlijke sleutel exporteren').")
    certificate = bundle.cert.certificate
    if _public(bundle.key.public_key()) != _public(certificate.public_key()):
        raise CertificateError(f"In {path} hoort de privésleutel niet bij het certificaat.")
    today = today or dt.date.today()
    start, end = certificate.not_valid_before_utc.date(), certificate.not_valid_after_utc.date()
    if today < start:
        raise CertificateError(f"Het certificaat in {path} is pas geldig vanaf {dutch(start)}. Er is niets gemaakt.")
    if today > end:
        raise CertificateError(f"Het certificaat in {path} is verlopen op {dutch(end)}; vraag een nieuw "
                               "certificaat aan. Er is niets gemaakt.")
    try:
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        if not (usage.digital_signature or usage.content_commitment):
            raise CertificateError(f"Het certificaat in {path} is niet bedoeld om mee te ondertekenen (het mist "
                                   "het gebruik 'digitale handtekening').")
    except x509.ExtensionNotFound:
        pass
    return Certificate(path, bundle.key, certificate, tuple(c.certificate for c in bundle.additional_certs))


def _public(key: Any) -> bytes:
    return key.public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)


def sign_pdf(pdf: Path, certificate: Certificate, image: Path | None, *, reason: str = "", location: str = "",
             timestamp_url: str = "") -> bool:
    """Sign the PDF in place (the old file or the signed one, never half); True when the signature
    box could be put over the signature image, False when it is an invisible signature."""
    spot = find_image(pdf, image) if image is not None else None
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD, md_algorithm="sha256", subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason or None, location=location or None, embed_validation_info=False, use_pades_lta=False)
    style = None
    spec = fields.SigFieldSpec(sig_field_name=FIELD)
    if spot is not None and image is not None:
        page, box = spot
        # pyHanko takes the box in points, fractions included (its type hint says int: rounding
        # would move the box off the printed signature)
        spec = fields.SigFieldSpec(sig_field_name=FIELD, on_page=page, box=box)  # type: ignore[arg-type]
        style = StaticStampStyle(
            background=PdfImage(str(image)), background_opacity=1.0, border_width=0,
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MID, y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins(0, 0, 0, 0), inner_content_scaling=layout.InnerScaling.STRETCH_FILL))
    stamper = timestamps.HTTPTimeStamper(timestamp_url, timeout=30) if timestamp_url else None
    signer = signers.PdfSigner(metadata, signer=_signer(certificate), timestamper=stamper, stamp_style=style,
                               new_field_spec=spec)
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)  # its errors carry paths and names; ours say it
    fd, name = tempfile.mkstemp(prefix=f".{pdf.name}.", suffix=".tmp", dir=pdf.parent)
    try:
        with pdf.open("rb") as source, os.fdopen(fd, "wb") as target:
            signer.sign_pdf(IncrementalPdfFileWriter(source), output=target)
        os.replace(name, pdf)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return spot is not None


def _signer(certificate: Certificate) -> signers.SimpleSigner:
    def asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))

    key = certificate.key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    store = SimpleCertificateStore()
    store.register_multiple([asn1(c) for c in certificate.chain])
    return signers.SimpleSigner(signing_cert=asn1(certificate.certificate),
                                signing_key=asn1_keys.PrivateKeyInfo.load(key), cert_registry=store)


def find_image(pdf: Path, image: Path) -> tuple[int, Box] | None:
    """Where the letter draws `image` (page index, box in PDF points).

    Every page's content is walked with its graphics state: an image fills the unit square of the
    transformation in force where it is drawn. LibreOffice may store the image at another
    resolution, so it is known by its shape (width to height); None when that shape is drawn
    other than exactly once, or turned.
    """
    with Image.open(image) as picture:
        width, height = picture.size
    found = [(page, box) for page, box, (w, h), straight in _placements(pdf)
             if straight and h and abs(w / h - width / height) <= 0.02 * width / height]
    return found[0] if len(found) == 1 else None


def _placements(pdf: Path) -> list[tuple[int, Box, tuple[int, int], bool]]:
    reader = PdfReader(str(pdf))
    found: list[tuple[int, Box, tuple[int, int], bool]] = []

    def walk(content: Any, resources: Any, ctm: Matrix, page: int, depth: int) -> None:
        if depth > 12:  # a Form XObject drawing itself: stop
            return
        objects = resources.get("/XObject", {}).get_object() if resources else {}
        stack: list[Matrix] = []
        for operands, operator in content.operations:
            if operator == b"q":
                stack.append(ctm)
            elif operator == b"Q":
                ctm = stack.pop() if stack else ctm
            elif operator == b"cm":
                ctm = _times(_matrix(operands), ctm)
            elif operator == b"Do" and operands[0] in objects:
                ref = objects[operands[0]]
                drawn = ref.get_object() if isinstance(ref, IndirectObject) else ref
                if not isinstance(drawn, DictionaryObject):
                    continue
                if drawn.get("/Subtype") == "/Image":
                    found.append((page, _unit_box(ctm), (cast(int, drawn["/Width"]), cast(int, drawn["/Height"])),
                                  abs(ctm[1]) < 1e-9 and abs(ctm[2]) < 1e-9))
                elif drawn.get("/Subtype") == "/Form":
                    matrix = _matrix(drawn.get("/Matrix", [1, 0, 0, 1, 0, 0]))
                    walk(ContentStream(drawn, reader), drawn.get("/Resources", resources),
                         _times(matrix, ctm), page, depth + 1)

    for number, page in enumerate(reader.pages):
        content = page.get_contents()
        if content is not None:
            walk(content, page.get("/Resources"), (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), number, 0)
    return found


def _matrix(values: Any) -> Matrix:
    a, b, c, d, e, f = (float(x) for x in values)
    return (a, b, c, d, e, f)


def _times(m1: Matrix, m2: Matrix) -> Matrix:
    """PDF matrix product m1 x m2 (row vectors: [a b c d e f])."""
    a1, b1, c1, d1, e1, f1 = m1
    a2, b2, c2, d2, e2, f2 = m2
    return (a1 * a2 + b1 * c2, a1 * b2 + b1 * d2, c1 * a2 + d1 * c2, c1 * b2 + d1 * d2,
            e1 * a2 + f1 * c2 + e2, e1 * b2 + f1 * d2 + f2)


def _unit_box(m: Matrix) -> Box:
    a, b, c, d, e, f = m
    xs, ys = (e, a + e, c + e, a + c + e), (f, b + f, d + f, b + d + f)
    return (min(xs), min(ys), max(xs), max(ys))
