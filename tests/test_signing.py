"""Digital signatures on letters, checked by pyHanko and independently by poppler's pdfsig."""

from __future__ import annotations

import datetime as dt
import logging
import re
import subprocess
from pathlib import Path

import pytest
from pyhanko.keys import load_cert_from_pemder
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from formkit.documents.letters import make_documents
from formkit.errors import Hint
from formkit.outgoing.signing import CertificateError, find_image, load_certificate, sign_pdf
from formkit.register.reading import read_register
from tests.pki import PASSWORD, make_pki, pdfsig


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def letter(demo) -> tuple[Path, Path]:
    """A real acknowledgement letter as PDF (LibreOffice), and the handler's signature image."""
    complaint = next(c for c in read_register(demo.register).complaints
                     if c.is_open and not c.reaction_date and c.handler and c.received)
    later = dt.date.today() + dt.timedelta(days=30)  # the demo is of 2 November: its terms have passed
    batch = make_documents(demo, "ontvangst", [complaint.number], pdf=True, expected=later)
    pdf = batch.items[0].pdf
    assert pdf is not None and pdf.exists()
    image = demo.root / demo.handler(complaint.handler).signature
    return pdf, image


def test_every_certificate_problem_is_a_dutch_refusal(pki, tmp_path):
    cases = [
        (tmp_path / "weg.p12", PASSWORD, "bestaat niet"),
        (Path(__file__), PASSWORD, "geen certificaatbestand"),
        (pki.valid, None, "wachtwoord van het certificaat"),
        (pki.valid, "fout", "klopt niet"),
        (pki.certificate_only, PASSWORD, "geen privésleutel"),
        (pki.expired, PASSWORD, "is verlopen op"),
        (pki.not_yet, PASSWORD, "is pas geldig vanaf"),
    ]
    for path, password, expected in cases:
        with pytest.raises(CertificateError, match=expected) as refused:
            load_certificate(path, password)
        if password is None or password == "fout":
            assert refused.value.hint is Hint.PASSWORD
    assert load_certificate(pki.valid, PASSWORD).holder == "STAP Brabant geldig"


def test_a_signed_letter_is_valid_whole_and_trusted(pki, letter):
    pdf, image = letter
    spot = find_image(pdf, image)
    assert spot is not None, "the signature image is found on its page"
    assert sign_pdf(pdf, load_certificate(pki.valid, PASSWORD), image, reason="Schriftelijke reactie",
                    location="Gemonde")
    logging.getLogger("pyhanko").setLevel(logging.CRITICAL)
    with pdf.open("rb") as fh:
        status = validate_pdf_signature(
            PdfFileReader(fh).embedded_signatures[0],
            signer_validation_context=ValidationContext(trust_roots=[load_cert_from_pemder(str(pki.ca))],
                                                        allow_fetching=False))
    assert status.intact and status.valid and status.trusted and status.coverage.name == "ENTIRE_FILE"
    plain, trusted = pdfsig(pdf), pdfsig(pdf, pki.nss)
    assert plain["Signature Validation"] == "Signature is Valid."
    assert "Total document signed" in plain and plain["Signature Type"] == "ETSI.CAdES.detached"
    assert trusted["Certificate Validation"] == "Certificate is Trusted."
    # the box holds the image and covers no text
    page, (x0, y0, x1, y1) = spot
    html = subprocess.run(["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), str(pdf), "-"],
                          capture_output=True, text=True, check=True).stdout
    height = float(re.search(r'<page width="[\d.]+" height="([\d.]+)"', html)[1])
    for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">', html):
        wx0, wy0, wx1, wy1 = (float(v) for v in m.groups())
        top, bottom = height - wy0, height - wy1  # pdftotext counts from the top
        assert wx1 <= x0 or wx0 >= x1 or top <= y0 or bottom >= y1, f"text under the signature box: {m[0]}"


def test_a_letter_changed_after_signing_fails(pki, letter):
    pdf, image = letter
    sign_pdf(pdf, load_certificate(pki.valid, PASSWORD), image)
    data = bytearray(pdf.read_bytes())
    at = data.index(b"stream\n", 200) + 20  # a byte inside the first page's content
    data[at] ^= 0x01
    tampered = pdf.with_name("gewijzigd.pdf")
    tampered.write_bytes(bytes(data))
    assert pdfsig(tampered)["Signature Validation"] == "Digest Mismatch."


def test_a_certificate_that_has_expired_since_signing_is_reported(pki, letter):
    pdf, image = letter
    back_then = dt.date.today() - dt.timedelta(days=100)  # it was valid then
    sign_pdf(pdf, load_certificate(pki.expired, PASSWORD, today=back_then), image)
    assert pdfsig(pdf, pki.nss)["Certificate Validation"] == "Certificate has Expired"
