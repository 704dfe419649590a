"""What happens to a batch of PDF letters before they leave: signed (--onderteken), then an e-mail
draft beside each (--mail), with formkit.outgoing's tools. Called by the letter batch once its PDFs
exist, before recording."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from formkit.atomic import atomic_write
from formkit.documents.context import SUBJECTS
from formkit.errors import DocumentError
from formkit.outgoing.mail import Draft, build_draft, letter_text, mail_address
from formkit.settings import Settings

if TYPE_CHECKING:
    from formkit.documents.batch import Batch, Planned
    from formkit.outgoing.signing import Certificate


def finish_letters(settings: Settings, batch: Batch, *, mail: bool, certificate: Certificate | None) -> None:
    """Sign each letter's PDF, then write its draft; a letter's problem is its own.

    A PDF that could not be signed is removed, so it cannot be sent as if signed; the letter is
    then not recorded, and the same command again makes and signs its PDF.
    """
    told_no_sender = False
    for item in batch.items:
        if item.pdf is None or not item.pdf.exists() or item.error or not (item.made or item.completed):
            continue
        if certificate is not None and not _sign(settings, batch, item, certificate):
            continue
        if mail:
            draft = _draft(settings, batch, item)
            if draft is None:
                continue
            path, sender = draft
            item.draft = path
            if not sender and not told_no_sender:
                told_no_sender = True
                batch.notes.append("Er staat geen e-mailadres van de behandelaar of de organisatie in formkit.toml; "
                                   "de concepten hebben geen afzender: uw e-mailprogramma vult uw eigen adres in.")


def _sign(settings: Settings, batch: Batch, item: Planned, certificate: Certificate) -> bool:
    from formkit.outgoing.signing import sign_pdf  # pyHanko: only letters that are signed load it

    assert item.pdf is not None
    handler = settings.handler(item.complaint.handler)
    image = (settings.root / handler.signature) if handler and handler.signature else None
    try:
        visible = sign_pdf(item.pdf, certificate, image if image and image.is_file() else None,
                           reason=settings.signing.reason, location=settings.signing.location,
                           timestamp_url=settings.signing.timestamp_url)
    except Exception as exc:  # pyHanko's own errors (a timestamp server that does not answer, a PDF it refuses)
        item.pdf.unlink(missing_ok=True)
        item.pdf, item.made = None, False
        item.error = (f"{item.docx.with_suffix('.pdf').name} kon niet digitaal worden ondertekend "
                      f"({type(exc).__name__}); de PDF is weggehaald en de brief niet vastgelegd. Voer de opdracht "
                      "opnieuw uit.")
        return False
    item.signed = True
    if not visible:
        batch.warnings.append(f"{item.pdf.name}: ondertekend, maar zonder zichtbaar handtekeningvak (de "
                              "handtekening van de behandelaar staat niet precies één keer in de brief).")
    return True


def _draft(settings: Settings, batch: Batch, item: Planned) -> tuple[Path, str] | None:
    c = item.complaint
    to = mail_address(c.email)
    if to is None:
        given = (c.email or "").strip()
        why = f"heeft geen geldig e-mailadres ('{given}')" if given else "heeft geen e-mailadres"
        batch.warnings.append(f"Klacht {c.number_text} {why}: er is geen e-mailconcept gemaakt. De brief is wel "
                              "gemaakt; stuur die per post of vul het adres in het register in.")
        return None
    handler = settings.handler(c.handler)
    sender = mail_address(handler.email if handler else "") or mail_address(settings.organisation.email) or ""
    sender_name = (handler.name if handler and mail_address(handler.email) else settings.organisation.name)
    assert item.pdf is not None
    attachments = (item.pdf, *[p for p in item.extra if p.suffix.lower() == ".pdf" and p.exists()])
    subject = f"{SUBJECTS[batch.kind]} (kenmerk {c.number_text})"
    salutation = item.salutation if isinstance(item.salutation, str) else ""
    try:
        text = letter_text(item.docx, salutation)
        data = build_draft(Draft(c.name or c.organisation or "", to, sender_name, sender, subject, text, attachments))
    except DocumentError as exc:
        batch.warnings.append(f"Klacht {c.number_text}: {exc.message}")
        return None
    path = item.docx.with_suffix(".eml")
    atomic_write(path, data)
    return path, sender
