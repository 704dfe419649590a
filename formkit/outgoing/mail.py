"""E-mail drafts of letters (`brief --mail`): an .eml beside the letter that a mail program opens
ready to send, with the letter as its text and its PDF attached.

`X-Unsent: 1` makes Outlook open the file as an unsent draft; other mail programs open it too
(some as a received message; the user guide says how to send it from those). Register values
become header *values* only: control characters (CR, LF, ...) are folded into spaces and '=?'
(which a mail program would decode as an encoded word) is broken up, so a name like
"Jan\\r\\nBcc: x@example.com" stays in its field. The draft is parsed back before it is
written; a header that did not come back exactly as meant stops it.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from docx import Document

from formkit.errors import DocumentError

# CRLF line ends: the canonical form of a message on disk, which every mail program reads.
EML_POLICY = policy.default.clone(linesep="\r\n")
# An address as a complaints office meets it: dot-atom local part, a domain with a top-level domain.
_ADDRESS = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                      r"@([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


class NoMailAddress(DocumentError):
    """The complaint has no (valid) e-mail address: no draft; the letter itself is made (exit 1)."""

    exit_code = 1


@dataclass(frozen=True)
class Draft:
    to_name: str
    to_address: str
    sender_name: str
    sender_address: str  # "" -> no From: the mail program fills in its own account
    subject: str
    text: str  # the letter's text, plain
    attachments: tuple[Path, ...]


def header_text(value: str) -> str:
    """A value as it may stand in a header: one line, no encoded-word opener, NFC."""
    value = unicodedata.normalize("NFC", value or "")
    value = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") else ch for ch in value)
    value = " ".join(value.replace("=?", "= ?").split())
    return value[:200]


def mail_address(text: str | None) -> str | None:
    """The address if it is one a draft can be sent to (international domains as punycode), else None."""
    text = (text or "").strip()
    local, at, domain = text.rpartition("@")
    if not at:
        return None
    try:
        domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    address = f"{local}@{domain}"
    return address if _ADDRESS.match(address) else None


def letter_text(docx: Path, salutation: str) -> str:
    """The letter's text for the message: from its salutation to its signature lines.

    What comes before (address block, place and date, subject, reference) is the letter's head;
    the mail's own headers say it. Images (the signature scan) have no text and are left out.
    """
    paragraphs = [p.text.strip() for p in Document(str(docx)).paragraphs]
    start = next((i for i, text in enumerate(paragraphs) if salutation and text.startswith(salutation)), None)
    if start is None:
        start = next((i for i, text in enumerate(paragraphs) if text.lower().startswith(("geachte", "beste"))), 0)
    body = [text for text in paragraphs[start:] if text]
    closing = next((i for i, text in enumerate(body) if text.lower().startswith("met vriendelijke groet")),
                   len(body) - 1)
    signed = "\n".join(body[closing + 1:])  # name, function, organisation: one block, as signed
    return "\n\n".join(body[:closing + 1]) + (f"\n\n{signed}" if signed else "") + "\n"


def build_draft(draft: Draft) -> bytes:
    """The .eml bytes: plain text and simple HTML, the attachments, checked by parsing them back."""
    message = EmailMessage(policy=EML_POLICY)
    message["X-Unsent"] = "1"
    if draft.sender_address:
        message["From"] = Address(display_name=header_text(draft.sender_name), addr_spec=draft.sender_address)
    message["To"] = Address(display_name=header_text(draft.to_name), addr_spec=draft.to_address)
    message["Subject"] = header_text(draft.subject)
    message.set_content(draft.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(_html(draft.text), subtype="html", charset="utf-8", cte="quoted-printable")
    attached = []
    for path in draft.attachments:
        data = path.read_bytes()
        message.add_attachment(data, maintype="application", subtype="pdf", filename=header_text(path.name))
        attached.append((header_text(path.name), data))
    raw = message.as_bytes(policy=EML_POLICY)
    _check_parsed_back(raw, message, attached)
    return raw


def _html(text: str) -> str:
    paragraphs = "".join(f"<p>{html.escape(block).replace(chr(10), '<br>')}</p>"
                         for block in text.strip().split("\n\n"))
    return (f'<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"></head>'
            f'<body style="font-family: Calibri, Arial, sans-serif">{paragraphs}</body></html>\n')


def _check_parsed_back(raw: bytes, message: EmailMessage, attached: Sequence[tuple[str, bytes]]) -> None:
    """The written bytes, read as a mail program will: the same headers, values and attachments."""
    back = BytesParser(policy=policy.default).parsebytes(raw)
    wrong = [k for k in ("x-unsent", "from", "to", "subject") if str(back[k] or "") != str(message[k] or "")]
    if [k.lower() for k in back.keys()] != [k.lower() for k in message.keys()] or wrong:
        raise DocumentError("Het e-mailconcept kwam niet goed terug na het schrijven (kopregels "
                            f"{', '.join(wrong) or 'anders'}); er is geen concept gemaakt.")
    if [(p.get_filename(), p.get_content()) for p in back.iter_attachments()] != list(attached):
        raise DocumentError("De bijlagen van het e-mailconcept kwamen niet goed terug; er is geen concept gemaakt.")
