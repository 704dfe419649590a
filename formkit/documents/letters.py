"""The registration form and the letters for a batch of complaints, recorded in the register.

One template read, one LibreOffice run (per 100 documents) and one register write per batch;
the register records only documents that were really produced. Ctrl-C stops the batch between
documents: LibreOffice is stopped, no new document starts, the letters made are recorded, and
`Interrupted` carries the batch, which says what was and was not made. Every file is written whole
or not at all, so running the same command again (without overwrite) makes what is missing.
"""

from __future__ import annotations

import datetime as dt
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from formkit.dates import dutch, dutch_short
from formkit.documents import LETTER_KINDS, unreadable_cell
from formkit.documents.batch import Batch, Interrupted, Planned
from formkit.documents.checks import attention, precheck, unreadable
from formkit.documents.context import build_context, document_word, template_name
from formkit.documents.convert import BatchConverter, Converter
from formkit.documents.promises import Expected, promised_date, resolve_expected
from formkit.documents.recording import decide, to_record
from formkit.documents.templating import Renderer
from formkit.errors import (
    DocumentError,
    FormkitError,
    Hint,
    InputError,
    RegisterLocked,
    TemplateError,
    UnknownNumberError,
)
from formkit.register.columns import BY_KEY, normalise_header
from formkit.register.model import Complaint
from formkit.register.reading import Register, normalise_number, read_register
from formkit.register.storage import ensure_not_open, update_register
from formkit.settings import Settings
from formkit.xlsx.patch import Value

if TYPE_CHECKING:
    from formkit.outgoing.signing import Certificate


def make_documents(
    settings: Settings,
    kind: str,
    numbers: Sequence[str] = (),
    *,
    open_only: bool = False,
    pdf: bool = False,
    overwrite: bool = False,
    expected: Expected = None,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Callable[[Sequence[Planned]], Iterable[Planned]] = lambda items: items,
    converter: Converter | None = None,
    mail: bool = False,
    certificate: Certificate | None = None,
) -> Batch:
    """`formkit formulier` (kind "formulier") and `formkit brief KIND`: the whole action, or with
    dry_run everything it would check and make, without writing a file.

    expected: the date the client may expect handling, for every letter or per Klachtnummer: for
    an extension notice, and for a letter whose term has passed (else ExpectedDateNeeded).
    converter: makes PDFs of .docx files (default: a LibreOffice run per chunk; the web page keeps
    one LibreOffice running). mail: an e-mail draft beside each letter; certificate: each PDF
    signed (formkit.outgoing.signing.load_certificate has checked it). Both imply pdf.
    """
    pdf = pdf or mail or certificate is not None
    if not numbers and not open_only:
        raise InputError("Geef een of meer klachtnummers op. Er is niets gemaakt.", Hint.NUMBERS)
    today = today or dt.date.today()
    register = read_register(settings.register)
    complaints = select(register, numbers, open_only)
    batch = plan(settings, kind, complaints, today, expected, register=register)
    if dry_run:
        return preview(settings, batch, today, overwrite=overwrite)
    return produce(settings, batch, today, pdf=pdf, overwrite=overwrite, progress=progress, converter=converter,
                   mail=mail, certificate=certificate)


def select(register: Register, numbers: Sequence[str], open_only: bool = False) -> list[Complaint]:
    """Resolve numbers (every unknown one named at once); open_only adds every open complaint."""
    unknown = [normalise_number(n) for n in numbers if register.find(n) is None]
    if unknown:
        which = f"Klachtnummer {unknown[0]} staat" if len(unknown) == 1 else f"Klachtnummers {', '.join(unknown)} staan"
        raise UnknownNumberError(f"{which} niet in {register.path.name}. Er is niets gemaakt.")
    register.refuse_destroyed(numbers, "documenten")
    chosen = [register.get(n) for n in numbers]
    if open_only:
        chosen += [c for c in register.complaints if c.is_open and c.number and not c.is_anonymised
                   and not register.is_destroyed(c.number) and c not in chosen]
    return chosen


def plan(settings: Settings, kind: str, complaints: Iterable[Complaint], letter_date: dt.date,
         expected: Expected = None, *, register: Register | None = None) -> Batch:
    """Which file each complaint gets, the date its letter names and what it records.

    Refuses (ExpectedDateNeeded) before anything is made when a letter would promise a passed date.
    """
    complaints = list(complaints)
    letter = kind in LETTER_KINDS
    dates = resolve_expected(kind, complaints, expected, letter_date, settings.terms) if letter else {}
    salutations = _salutations(register) if letter and register is not None else {}
    batch = Batch(kind, [], register=register)
    for c in complaints:
        number = normalise_number(c.number_text)
        when = dates.get(number)
        docx = settings.dossier_file(c.number_text, letter_date, document_word(kind), ".docx")
        batch.items.append(Planned(c, docx, docx.exists(), to_record(kind, letter_date, when, c), when,
                                   salutations.get(c.row)))
        if letter and when is None and (number in expected if isinstance(expected, Mapping) else expected):
            promised = promised_date(c, settings.terms) if kind == "ontvangst" else None
            batch.notes.append(f"{c.number_text}: de verwachte datum is niet gebruikt; " + (
                f"de afhandeltermijn ({dutch(promised)}) is nog niet voorbij." if promised else
                "deze brief noemt geen datum van afhandeling."))
    return batch


def _salutations(register: Register) -> dict[int, object]:
    """The optional column Aanhef (SPEC.md), a staff column to the reader: row -> value."""
    header = next((h for h in register.extra_columns if normalise_header(h) == "aanhef"), None)
    if header is None:
        return {}
    return {row: values[header] for row, values in register.extra_values.items() if header in values}


def refuse_unreadable(batch: Batch, renderer: Renderer) -> None:
    """A letter whose text rests on an unreadable cell is not made (nothing is, exit 2); the form
    shows the cell as typed, marked, and says so."""
    found = []
    for item in batch.items:
        c = item.complaint
        if not c.problems:
            continue
        problems = unreadable(batch.kind, c, renderer.used, item.expected)
        found += [f"{c.number_text}: {unreadable_cell(p)}" for p in problems]
        if problems and batch.kind == "formulier":
            batch.warnings += [f"{c.number_text}: {unreadable_cell(p)}; het formulier toont de tekst met "
                               "'(onleesbaar)' en de termijnen die ervan afhangen als onbekend." for p in problems]
    if found and batch.kind != "formulier":
        raise DocumentError(f"De brief hangt af van cellen die niet te lezen zijn: {'; '.join(found)}. Verbeter "
                            "ze in het register. Er is niets gemaakt.")


def preview(settings: Settings, batch: Batch, letter_date: dt.date, *, overwrite: bool = False) -> Batch:
    """--dry-run: everything produce() checks and would record, without writing a file."""
    renderer = Renderer(settings, template_name(batch.kind))
    refuse_unreadable(batch, renderer)
    for item in batch.items:
        item.reached = True
        if item.exists and not overwrite:  # kept as it is, as produce() keeps it: only its date may be recorded
            item.decision = decide(item.record, item.complaint, made_now=False)
            continue
        try:
            batch.notes += precheck(batch.kind, item.complaint, letter_date, item.expected, settings.terms)
            renderer.check_names(_context(settings, batch.kind, item, letter_date, None))
            batch.warnings += attention(batch.kind, item.complaint)
            item.decision = decide(item.record, item.complaint, made_now=overwrite or not item.exists)
        except TemplateError:
            raise
        except (DocumentError, InputError) as exc:
            item.error = exc.message
    return batch


def produce(
    settings: Settings,
    batch: Batch,
    letter_date: dt.date,
    *,
    expected: dt.date | None = None,
    pdf: bool = False,
    overwrite: bool = False,
    progress: Callable[[Sequence[Planned]], Iterable[Planned]] = lambda items: items,
    converter: Converter | None = None,
    mail: bool = False,
    certificate: Certificate | None = None,
) -> Batch:
    """Render, convert, then record in one register write; a failing complaint does not stop the rest.

    expected: for callers that plan an extension notice themselves; plan() already gave each item its date.
    """
    renderer = Renderer(settings, template_name(batch.kind))  # a broken template stops before any file
    refuse_unreadable(batch, renderer)
    if any(item.record for item in batch.items):
        ensure_not_open(settings.register)  # before any document: a letter nobody can record is no use
    pdfs = BatchConverter(pdf, converter)
    try:
        with pdfs:
            for item in progress(batch.items):
                item.reached = True
                if item.exists and not overwrite:
                    _complete(settings, batch, item, letter_date, pdfs, pdf)
                    continue
                _make(settings, batch, item, letter_date, expected, renderer, pdfs)
    except KeyboardInterrupt:
        batch.interrupted = True
        for item in batch.items:  # written whole just before the interrupt came
            if item.reached and not item.made and not item.exists and not item.error and item.docx.exists():
                item.made = True
    for item in batch.items:
        item.pdf = pdfs.pdfs.get(item.docx)
        item.completed = item.completed or (item.exists and not item.made and item.pdf is not None)
        if mail and certificate is None and item.exists and not item.made and item.reached and not item.error:
            _complete_draft(item)
    batch.pdf_error = pdfs.error
    if (mail or certificate is not None) and not batch.interrupted:
        # the email package and the signing tools: only for letters that leave by mail or are signed
        from formkit.documents.finishing import finish_letters

        finish_letters(settings, batch, mail=mail, certificate=certificate)
    with _finishing() as pressed:
        _record_made(settings, batch)
    if batch.interrupted or pressed:
        batch.interrupted = True
        raise Interrupted(batch)
    return batch


def _make(settings: Settings, batch: Batch, item: Planned, letter_date: dt.date, expected: dt.date | None,
          renderer: Renderer, converter: BatchConverter) -> None:
    """One document, its enclosure, and its PDF on the way; its problems are its own."""
    try:
        batch.notes += precheck(batch.kind, item.complaint, letter_date, item.expected, settings.terms)
        context = _context(settings, batch.kind, item, letter_date, expected)
        item.docx.parent.mkdir(parents=True, exist_ok=True)
        renderer.render(context, item.docx)
        item.made = True
        batch.warnings += attention(batch.kind, item.complaint)
        if batch.kind == "tevredenheid":
            item.extra.append(_satisfaction_form(settings, item, letter_date, context["brief"]["email"]))
        converter.add(item.docx)
    except TemplateError:
        if not any(p.made for p in batch.items):
            raise  # the template is broken: nothing made, nothing recorded (exit 2)
        item.error = "sjabloonfout, zie hierboven"
    except (DocumentError, InputError) as exc:
        item.error = exc.message


def _complete(settings: Settings, batch: Batch, item: Planned, letter_date: dt.date, converter: BatchConverter,
              pdf: bool) -> None:
    """An existing document, kept: what an interrupted run left out (the PDF, the enclosed form) is made."""
    try:
        if batch.kind == "tevredenheid":
            from formkit.pdf.forms import form_path  # reportlab and pypdf: only for the satisfaction letter

            form = form_path(settings, "tevredenheid", item.complaint.number_text, letter_date)
            if not form.exists():
                email = _context(settings, batch.kind, item, letter_date, None)["brief"]["email"]
                item.extra.append(_satisfaction_form(settings, item, letter_date, email))
                item.completed = True
            else:
                item.extra.append(form)  # enclosed: a draft made now attaches it too
        if pdf and not item.docx.with_suffix(".pdf").exists():
            converter.add(item.docx)
    except (DocumentError, InputError) as exc:
        item.error = exc.message


def _complete_draft(item: Planned) -> None:
    """A kept letter with its PDF but without the draft --mail asks for: the draft is what is missing.
    (A kept PDF is never signed afterwards: --onderteken makes its letters anew, with --overwrite.)"""
    existing = item.docx.with_suffix(".pdf")
    if item.pdf is None and existing.exists() and not item.docx.with_suffix(".eml").exists():
        item.pdf = existing
        item.completed = True


def _context(settings: Settings, kind: str, item: Planned, letter_date: dt.date,
             expected: dt.date | None) -> dict[str, Any]:
    return build_context(item.complaint, settings, kind, letter_date, item.expected or expected,
                         salutation=item.salutation)


@contextmanager
def _finishing() -> Iterator[list[bool]]:
    """While the batch is recorded, Ctrl-C waits: the register write and the report then tell the truth.

    Only in the main thread and when Python's own handler is in place (the CLI; not a web server).
    The list yielded is non-empty when Ctrl-C was pressed meanwhile.
    """
    pressed: list[bool] = []
    if threading.current_thread() is not threading.main_thread() or \
            signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        yield pressed
        return
    signal.signal(signal.SIGINT, lambda *_: pressed.append(True))
    try:
        yield pressed
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)


def _satisfaction_form(settings: Settings, item: Planned, letter_date: dt.date, reply_to: str) -> Path:
    """The prefilled satisfaction form the letter encloses, naming the letter's return address."""
    # only the satisfaction letter encloses a PDF form: reportlab and pypdf load for it alone
    from formkit.pdf.forms import form_path, make_form

    number = item.complaint.number_text
    return make_form("tevredenheid", settings, form_path(settings, "tevredenheid", number, letter_date),
                     item.complaint, return_address=reply_to)


def _record_made(settings: Settings, batch: Batch) -> None:
    """Record what was made (and fill dates an earlier run could not record) in one write."""
    done = [p for p in batch.items if p.made or (p.reached and p.exists and not p.error)]
    try:
        _record(settings, batch, done)
    except RegisterLocked as exc:
        message = (f"{exc.message} De documenten zijn wel gemaakt; voer dezelfde opdracht opnieuw uit zodra het "
                   "register vrij is, dan worden de datums alsnog vastgelegd.")
        if not batch.interrupted:
            raise RegisterLocked(message) from None
        batch.record_error = message
    except FormkitError as exc:
        if not batch.interrupted:
            raise
        batch.record_error = exc.message


def _record(settings: Settings, batch: Batch, made: list[Planned]) -> None:
    """Each letter's decision (recording.decide), written in one register write."""
    todo = [p for p in made if p.record]
    if not todo:
        return
    with update_register(settings, batch.kind, read=batch.register) as update:
        for item in todo:
            current = update.register.get(item.complaint.number_text)
            decision = decide(item.record, current, made_now=item.made)
            number = current.number_text
            if decision.kept:
                batch.kept[number] = [f"{BY_KEY[k].header} ({_shown(v)})" for k, v in decision.kept.items()]
            batch.warnings += [f"{number}: {unreadable_cell(p)}; die cel is niet overschreven. Verbeter haar in "
                               "het register." for p in decision.unreadable]
            changed = update.set(current, decision.values)
            if changed:
                batch.recorded[number] = changed
    batch.notes += update.notes  # after the write: a held logbook adds its note then


def _shown(value: Value) -> str:
    return dutch_short(value) if isinstance(value, dt.date) else str(value)
