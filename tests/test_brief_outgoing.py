"""`formkit brief ... --mail --onderteken` from the CLI: what is made, what is refused, and that a
refused certificate leaves nothing made or recorded. The drafts and signatures themselves are
checked independently in test_mail.py and test_signing.py."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from click.testing import CliRunner

from formkit.cli import main
from formkit.outgoing.signing import PASSWORD_VARIABLE
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from tests.pki import PASSWORD, make_pki, pdfsig

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    return make_pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def folder(workfolder, pki):
    """Three complaints: one with a good address, one with none, one with a broken one; the
    handler has an address and the organisation's certificate is configured."""
    toml = workfolder.root / "formkit.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace("certificaat = ''", f"certificaat = '{pki.valid.as_posix()}'")
    text = text.replace('email = ""           # afzender', 'email = "y.lips@example.org"  # afzender', 1)
    toml.write_text(text, encoding="utf-8")
    base = {"received": TODAY - dt.timedelta(days=20), "client_type": "particulier", "address": "Kerkstraat 1",
            "postcode": "5492 AB", "city": "Sint-Oedenrode", "description": "Het lokaal was te koud",
            "handler": "Yvonne Lips", "cause": "Verwarming defect", "solution": "Lokaal gewisseld",
            "handled_date": TODAY - dt.timedelta(days=1)}
    with update_register(workfolder, "test") as update:
        update.append({**base, "number": "K-2026-001", "name": "Femke van Aalst", "email": "femke@example.nl"})
        update.append({**base, "number": "K-2026-002", "name": "Zonder Adres"})
        update.append({**base, "number": "K-2026-003", "name": "Kapot Adres", "email": "femke at example"})
    return workfolder


def run(folder, *args, password: str | None = PASSWORD):
    env = {PASSWORD_VARIABLE: password} if password is not None else {}
    return CliRunner().invoke(main, ["--map", str(folder.root), *args], env=env)


def made(folder, number: str) -> set[str]:
    dossier = folder.dossier(number)
    return {p.name for p in dossier.iterdir()} if dossier.exists() else set()


def feedback_date(folder, number: str) -> dt.date | None:
    return read_register(folder.register).get(number).feedback_date


def test_signed_letter_and_its_draft_with_the_same_pdf(folder, pki):
    result = run(folder, "brief", "terugkoppeling", "K-2026-001", "--pdf", "--mail", "--onderteken")
    assert result.exit_code == 0, result.output
    name = f"{TODAY.isoformat()} terugkoppeling K-2026-001"
    assert {f"{name}.docx", f"{name}.pdf", f"{name}.eml"} <= made(folder, "K-2026-001")
    pdf = folder.dossier("K-2026-001") / f"{name}.pdf"
    verdict = pdfsig(pdf, pki.nss)
    assert verdict["Signature Validation"] == "Signature is Valid."
    assert verdict["Certificate Validation"] == "Certificate is Trusted."
    message = BytesParser(policy=policy.default).parse((pdf.with_suffix(".eml")).open("rb"))
    assert message["X-Unsent"] == "1" and message["To"].addresses[0].addr_spec == "femke@example.nl"
    assert message["From"].addresses[0].addr_spec == "y.lips@example.org" and "K-2026-001" in message["Subject"]
    attached = [part for part in message.iter_attachments() if part.get_content_type() == "application/pdf"]
    assert [p.get_filename() for p in attached] == [pdf.name]
    assert attached[0].get_content() == pdf.read_bytes()  # the signed file, byte for byte
    assert feedback_date(folder, "K-2026-001") == TODAY
    assert f"Digitaal ondertekend: {pdf.name}." in result.stderr


def test_mail_implies_pdf_and_satisfaction_drafts_carry_the_form(folder):
    result = run(folder, "brief", "tevredenheid", "K-2026-001", "--mail")
    assert result.exit_code == 0, result.output
    names = made(folder, "K-2026-001")
    letter = f"{TODAY.isoformat()} tevredenheid K-2026-001"
    assert {f"{letter}.pdf", f"{letter}.eml"} <= names
    form = next(folder.dossier("K-2026-001") / n for n in names if n.endswith(".pdf") and n != f"{letter}.pdf")
    message = BytesParser(policy=policy.default).parse((folder.dossier("K-2026-001") / f"{letter}.eml").open("rb"))
    attached = {p.get_filename(): p.get_content() for p in message.iter_attachments()}
    assert attached == {f"{letter}.pdf": (folder.dossier("K-2026-001") / f"{letter}.pdf").read_bytes(),
                        form.name: form.read_bytes()}


@pytest.mark.parametrize("number", ["K-2026-002", "K-2026-003"], ids=["geen-adres", "ongeldig-adres"])
def test_no_valid_address_no_draft_but_the_letter(folder, number):
    result = run(folder, "brief", "terugkoppeling", number, "--mail")
    assert result.exit_code == 1, result.output
    name = f"{TODAY.isoformat()} terugkoppeling {number}"
    assert made(folder, number) == {f"{name}.docx", f"{name}.pdf"}
    assert number in result.output and "e-mailadres" in result.output.lower()
    assert "Traceback" not in result.output
    assert feedback_date(folder, number) == TODAY


@pytest.mark.parametrize("problem", ["wachtwoord", "verlopen", "nog-niet-geldig", "ontbreekt", "zonder-sleutel",
                                     "niet-ingesteld"])
def test_a_refused_certificate_makes_and_records_nothing(folder, pki, problem):
    toml = folder.root / "formkit.toml"
    certificate = {"verlopen": pki.expired, "nog-niet-geldig": pki.not_yet, "zonder-sleutel": pki.certificate_only,
                   "ontbreekt": folder.root / "certificaat" / "weg.p12"}.get(problem)
    if certificate is not None:
        toml.write_text(toml.read_text(encoding="utf-8").replace(pki.valid.as_posix(), certificate.as_posix()),
                        encoding="utf-8")
    if problem == "niet-ingesteld":
        toml.write_text(toml.read_text(encoding="utf-8").replace(pki.valid.as_posix(), ""), encoding="utf-8")
    before = folder.register.read_bytes()
    result = run(folder, "brief", "terugkoppeling", "K-2026-001", "--mail", "--onderteken",
                 password="fout" if problem == "wachtwoord" else PASSWORD)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "certificaat" in result.output.lower()
    assert made(folder, "K-2026-001") == set()
    assert folder.register.read_bytes() == before
    assert PASSWORD not in result.output and "fout" not in result.output.split("certificaat", 1)[0]


def test_without_password_or_terminal_refused_at_once(folder):
    """A scheduled job has no one to type the password: exit 2 at once instead of waiting on stdin."""
    env = {k: v for k, v in os.environ.items() if k != PASSWORD_VARIABLE}
    result = subprocess.run([sys.executable, "-m", "formkit", "--map", str(folder.root), "brief", "terugkoppeling",
                             "K-2026-001", "--onderteken"], stdin=subprocess.PIPE, capture_output=True, env=env,
                            timeout=120)  # stdin stays open: a prompt would hang until the timeout
    assert result.returncode == 2, result.stderr.decode()
    assert PASSWORD_VARIABLE in result.stderr.decode() and "ontbreekt" in result.stderr.decode()
    assert made(folder, "K-2026-001") == set()


def test_dry_run_asks_no_password_and_makes_nothing(folder):
    result = run(folder, "brief", "terugkoppeling", "K-2026-001", "--mail", "--onderteken", "--dry-run", password=None)
    assert result.exit_code == 0, result.output
    assert made(folder, "K-2026-001") == set() and feedback_date(folder, "K-2026-001") is None


def test_password_never_in_the_log(folder, tmp_path):
    result = run(folder, "brief", "terugkoppeling", "K-2026-001", "--onderteken")
    assert result.exit_code == 0, result.output
    for path in Path(folder.root).rglob("*"):
        if path.is_file() and path.suffix in {".log", ".txt", ".csv", ".toml"}:
            assert PASSWORD not in path.read_text(encoding="utf-8", errors="replace"), path


@pytest.mark.parametrize("kind", ["terugkoppeling", "tevredenheid"])
def test_a_rerun_with_mail_completes_the_missing_draft(folder, kind):
    """A letter made before (with its PDF) gets the draft a rerun with --mail asks for, nothing more."""
    assert run(folder, "brief", kind, "K-2026-001", "--pdf").exit_code == 0
    before = {p.name: p.read_bytes() for p in folder.dossier("K-2026-001").iterdir()}
    result = run(folder, "brief", kind, "K-2026-001", "--mail")
    assert result.exit_code == 0, result.output
    name = f"{TODAY.isoformat()} {kind} K-2026-001"
    assert "bestond al; wat ontbrak is nu gemaakt" in result.stderr and "--overwrite" not in result.stderr
    after = {p.name: p.read_bytes() for p in folder.dossier("K-2026-001").iterdir()}
    assert set(after) - set(before) == {f"{name}.eml"} and all(after[n] == before[n] for n in before)
    message = BytesParser(policy=policy.default).parse((folder.dossier("K-2026-001") / f"{name}.eml").open("rb"))
    attached = {p.get_filename(): p.get_content() for p in message.iter_attachments()}
    assert attached == {n: before[n] for n in before if n.endswith(".pdf")}
    again = run(folder, "brief", kind, "K-2026-001", "--mail")
    assert again.exit_code == 1 and "niet overschreven (gebruik --overwrite)" in again.stderr
