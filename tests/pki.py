"""A test PKI made here with `cryptography`: a CA, signing certificates in PKCS#12 files (valid,
expired, not yet valid, without its key) and an NSS database that trusts the CA, for pdfsig."""

from __future__ import annotations

import datetime as dt
import subprocess
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

PASSWORD = "Geheim wachtwoord 2026"


@dataclass(frozen=True)
class Pki:
    folder: Path
    ca: Path  # PEM
    valid: Path  # PKCS#12, valid from yesterday for a year
    expired: Path
    not_yet: Path
    certificate_only: Path
    nss: Path  # an NSS database directory that trusts the CA for signatures


def _name(common: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "NL"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, "STAP Brabant (test)"),
                      x509.NameAttribute(NameOID.COMMON_NAME, common)])


def _certificate(common: str, key, issuer: x509.Certificate | None, issuer_key, start: dt.datetime,
                 end: dt.datetime, ca: bool = False) -> x509.Certificate:
    builder = (x509.CertificateBuilder().subject_name(_name(common))
               .issuer_name(issuer.subject if issuer else _name(common)).public_key(key.public_key())
               .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=ca, path_length=0 if ca else None), critical=True)
               .add_extension(x509.KeyUsage(digital_signature=not ca, content_commitment=not ca, key_encipherment=False,
                                            data_encipherment=False, key_agreement=False, key_cert_sign=ca,
                                            crl_sign=ca, encipher_only=False, decipher_only=False), critical=True))
    return builder.sign(issuer_key or key, hashes.SHA256())


def make_pki(folder: Path) -> Pki:
    folder.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    day = dt.timedelta(days=1)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca = _certificate("STAP Brabant test-CA", ca_key, None, None, now - day, now + 3650 * day, ca=True)
    (folder / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    password = serialization.BestAvailableEncryption(PASSWORD.encode())

    def leaf(name: str, start: dt.datetime, end: dt.datetime, with_key: bool = True) -> Path:
        key = ec.generate_private_key(ec.SECP256R1())
        cert = _certificate(f"STAP Brabant {name}", key, ca, ca_key, start, end)
        path = folder / f"{name}.p12"
        if with_key:
            path.write_bytes(pkcs12.serialize_key_and_certificates(name.encode(), key, cert, [ca], password))
        else:
            path.write_bytes(pkcs12.serialize_key_and_certificates(name.encode(), None, None, [cert], password))
        return path

    nss = folder / "nss"
    nss.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{nss}", "--empty-password"], check=True, capture_output=True)
    # poppler checks a signer for e-mail protection (S/MIME): the CA is trusted in that column
    subprocess.run(["certutil", "-A", "-d", f"sql:{nss}", "-n", "formkit-test-ca", "-t", ",C,", "-i",
                    str(folder / "ca.pem")], check=True, capture_output=True)
    return Pki(folder, folder / "ca.pem", leaf("geldig", now - day, now + 365 * day),
               leaf("verlopen", now - 400 * day, now - 35 * day), leaf("toekomst", now + 30 * day, now + 400 * day),
               leaf("zonder-sleutel", now - day, now + 365 * day, with_key=False), nss)


def pdfsig(pdf: Path, nss: Path | None = None) -> dict[str, str]:
    """poppler's verdict on the first signature, as field -> text ('Signature Validation' -> ...)."""
    cmd = ["pdfsig", *(["-nssdir", f"sql:{nss}"] if nss else []), str(pdf)]
    out = subprocess.run(cmd, capture_output=True, text=True).stdout
    fields: dict[str, str] = {}
    for line in out.splitlines():
        text = line.strip().lstrip("- ")
        if ":" in text:
            key, _, value = text.partition(":")
            fields.setdefault(key.strip(), value.strip())
        elif text:
            fields.setdefault(text, "")
    return fields
