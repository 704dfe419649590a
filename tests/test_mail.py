"""E-mail drafts of letters, read back by Python's email package and by an independent parser:
reformime/reformail from Debian's maildrop (Courier's C library, no Python)."""

from __future__ import annotations

import shutil
import subprocess
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from docx import Document

from formkit.outgoing.mail import Draft, build_draft, letter_text, mail_address


@pytest.fixture
def letter(tmp_path) -> tuple[Path, Path]:
    docx = tmp_path / "2026-11-30 ontvangst K-2026-014.docx"
    doc = Document()
    for text in ("Femke van Aalst\nKerkstraat 12", "Gemonde, 30 november 2026", "Betreft:\tOntvangst",
                 "Geachte mevrouw Van Aalst,", "Wij hebben uw klacht ontvangen: \"té laat\" & <niet> goed.",
                 "Met vriendelijke groet,", "", "Yvonne Lips", "Eerste aanspreekpunt klachten", "STAP Brabant"):
        doc.add_paragraph(text)
    doc.save(str(docx))
    pdf = tmp_path / "2026-11-30 ontvangst K-2026-014.pdf"
    pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n")
    return docx, pdf


def draft(letter, **changes) -> bytes:
    docx, pdf = letter
    values = dict(to_name="Femke van Aalst", to_address="femke@example.nl", sender_name="Yvonne Lips",
                  sender_address="y.lips@example.org", subject="Ontvangstbevestiging van uw klacht (kenmerk K-2026-014)",
                  text=letter_text(docx, "Geachte mevrouw Van Aalst,"), attachments=(pdf,))
    values.update(changes)
    return build_draft(Draft(**values))


def reformime(eml: Path, *args: str) -> bytes:
    return subprocess.run(["reformime", *args], stdin=eml.open("rb"), capture_output=True, check=True).stdout


def header(eml: Path, name: str, kind: str = "-h") -> str:
    raw = subprocess.run(["reformail", "-x", f"{name}:"], stdin=eml.open("rb"), capture_output=True,
                         check=True).stdout.decode().strip()
    return reformime(eml, "-c", "UTF-8", kind, raw).decode("utf-8").strip() if raw else ""


def test_the_letter_is_the_message_and_its_pdf_the_attachment(letter, tmp_path):
    assert shutil.which("reformime"), "apt-get install maildrop (.ci/run installs it)"
    raw = draft(letter, to_name="José de Vries-Müller, \"Jan\"")
    eml = tmp_path / "concept.eml"
    eml.write_bytes(raw)
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert message["X-Unsent"] == "1"
    assert message["To"].addresses[0].display_name == "José de Vries-Müller, \"Jan\""
    assert message["From"].addresses[0].addr_spec == "y.lips@example.org"
    plain = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    rich = message.get_body(("html",)).get_content()
    assert plain.startswith("Geachte mevrouw Van Aalst,") and "Kerkstraat" not in plain
    assert plain.rstrip().endswith("Yvonne Lips\nEerste aanspreekpunt klachten\nSTAP Brabant")
    assert "&quot;té laat&quot; &amp; &lt;niet&gt;" in rich or "\"té laat\" &amp; &lt;niet&gt;" in rich
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == "2026-11-30 ontvangst K-2026-014.pdf"
    assert attachment.get_content() == letter[1].read_bytes()
    # the independent parser
    structure = reformime(eml, "-i").decode()
    assert "content-type: application/pdf" in structure and "content-type: text/html" in structure
    section = next(line.split(":")[1].strip() for line in structure.splitlines() if line.startswith("section:")
                   and "application/pdf" in structure.split(line, 1)[1].split("section:")[0])
    assert reformime(eml, "-s", section, "-e") == letter[1].read_bytes()
    assert header(eml, "To", "-H") == "\"José de Vries-Müller, \\\"Jan\\\"\" <femke@example.nl>"
    assert header(eml, "Subject") == "Ontvangstbevestiging van uw klacht (kenmerk K-2026-014)"


@pytest.mark.parametrize("name", ["Jan\r\nBcc: x@example.com", "Jan\nBcc: x@example.com",
                                  "=?utf-8?q?Jan=0D=0ABcc:_x@example.com?=", "Jan\u2028Bcc: x@example.com"])
def test_values_never_become_headers(letter, tmp_path, name):
    raw = draft(letter, to_name=name, subject=f"Klacht {name}", sender_name=name)
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert [k.lower() for k in message.keys()] == ["x-unsent", "from", "to", "subject", "mime-version",
                                                    "content-type"]
    assert "Bcc" not in message and message["To"].addresses[0].addr_spec == "femke@example.nl"
    assert "Bcc" in str(message["To"].addresses[0].display_name)  # it stays in its field, as text
    eml = tmp_path / "concept.eml"
    eml.write_bytes(raw)
    assert header(eml, "Bcc") == ""


def test_without_a_sender_address_the_draft_has_no_from(letter):
    message = BytesParser(policy=policy.default).parsebytes(draft(letter, sender_address=""))
    assert "From" not in message and message["X-Unsent"] == "1"


@pytest.mark.parametrize("text, expected", [
    ("femke@example.nl", "femke@example.nl"), (" femke@example.nl ", "femke@example.nl"),
    ("f.van.aalst@café.nl", "f.van.aalst@xn--caf-dma.nl"), ("", None), ("femke", None),
    ("femke@localhost", None), ("Femke <femke@example.nl>", None), ("a@b.nl, c@d.nl", None),
    ("femke@example.nl\r\nBcc: x@example.com", None), ("jän@example.nl", None)])
def test_which_addresses_a_draft_can_go_to(text, expected):
    assert mail_address(text) == expected
