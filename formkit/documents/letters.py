"""The registration form and the letters for a batch of complaints, recorded in the register.

One template read, one LibreOffice run (per 100 documents) and one register write per batch;
the register records only documents that were really produced.
"""

from __future__ import annotations

import datetime as dt
import itertools
import tempfile
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from formkit.check.deadlines import handling_deadline
from formkit.dates import dutch_short
from formkit.documents.context import build_context, document_word, template_name
from formkit.documents.convert import CHUNK, to_pdf
from formkit.documents.templating import Renderer
from formkit.errors import (
    ConversionError,
    DocumentError,
    Hint,
    InputError,
    RegisterLocked,
    TemplateError,
    UnknownNumberError,
)
from formkit.register.model import Complaint
from formkit.register.reading import Register, normalise_number, read_register
from formkit.register.storage import ensure_not_open, update_register
from formkit.settings import Settings
from formkit.xlsx.patch import Value


@dataclass
class Planned:
    complaint: Complaint
    docx: Path
    exists: bool
    record: dict[str, Value] = field(default_factory=dict)  # column key -> value to record
    made: bool = False
    pdf: Path | None = None
    error: str = ""
    extra: list[Path] = field(default_factory=list)  # enclosures, e.g. the satisfaction form


@dataclass
class Batch:
    kind: str
    items: list[Planned]
    register: Register | None = None  # as read for this batch: recording reuses it when unchanged
    recorded: dict[str, list[str]] = field(default_factory=dict)  # number -> headers written
    kept: dict[str, list[str]] = field(default_factory=dict)  # number -> notes on values left as they were
    notes: list[str] = field(default_factory=list)  # Dutch warnings about timing, for the user
    pdf_error: str = ""

    @property
    def failed(self) -> list[Planned]:
        return [p for p in self.items if p.error]

    @property
    def skipped(self) -> list[Planned]:
        return [p for p in self.items if p.exists and not p.made and not p.error]


def make_documents(
    settings: Settings,
    kind: str,
    numbers: Sequence[str] = (),
    *,
    open_only: bool = False,
    pdf: bool = False,
    overwrite: bool = False,
    expected: dt.date | None = None,
    dry_run: bool = False,
    today: dt.date | None = None,
    progress: Callable[[Sequence[Planned]], Iterable[Planned]] = lambda items: items,
) -> Batch:
    """`formkit formulier` (kind "formulier") and `formkit brief KIND`: the whole action, or with
    dry_run everything it would check and make, without writing a file."""
    if not numbers and not open_only:
        raise InputError("Geef een of meer klachtnummers op. Er is niets gemaakt.", Hint.NUMBERS)
    today = today or dt.date.today()
    register = read_register(settings.register)
    complaints = select(register, numbers, open_only)
    if kind == "verlenging" and expected is None:
        missing = [c.number_text for c in complaints if c.extended_until is None]
        if missing:
            raise InputError(f"Geef de verwachte datum van afhandeling op (Verlengd tot is leeg bij "
                             f"{', '.join(missing)}). Er is niets gemaakt.", Hint.EXPECTED_DATE)
    batch = plan(settings, kind, complaints, today, expected)
    batch.register = register
    if dry_run:
        return preview(settings, batch, today, expected)
    return produce(settings, batch, today, expected=expected, pdf=pdf, overwrite=overwrite, progress=progress)


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


def to_record(kind: str, letter_date: dt.date, expected: dt.date | None, c: Complaint) -> dict[str, Value]:
    """What sending this letter means for the register (SPEC.md)."""
    if kind == "ontvangst":
        return {"reaction_date": letter_date}
    if kind == "verlenging":
        return {"extended_until": expected or c.extended_until, "extension_notice_date": letter_date}
    if kind == "terugkoppeling":
        return {"feedback_date": letter_date}
    return {}


def plan(settings: Settings, kind: str, complaints: Iterable[Complaint], letter_date: dt.date,
         expected: dt.date | None = None) -> Batch:
    items = []
    for c in complaints:
        docx = settings.dossier_file(c.number_text, letter_date, document_word(kind), ".docx")
        items.append(Planned(c, docx, docx.exists(), to_record(kind, letter_date, expected, c)))
    return Batch(kind, items)


def precheck(kind: str, c: Complaint, letter_date: dt.date, expected: dt.date | None, terms) -> list[str]:
    """What the procedure says about sending this letter now: errors raise, notes are returned."""
    if kind == "terugkoppeling" and c.handled_date is None:
        raise InputError(f"Klacht {c.number} is nog niet afgehandeld (Datum afhandeling is leeg); de schriftelijke "
                         "terugkoppeling volgt na afhandeling. Vul eerst Oorzaak, Oplossing en Datum afhandeling in.")
    notes = []
    if kind == "verlenging":
        deadline = handling_deadline(c, terms)
        if deadline and letter_date > deadline:
            notes.append(f"{c.number}: de afhandeltermijn was al verstreken op {dutch_short(deadline)}; een "
                         "verlenging die daarna wordt gemeld, telt voor de controle niet mee.")
        if deadline and expected and expected <= deadline:
            notes.append(f"{c.number}: de verwachte datum {dutch_short(expected)} ligt niet na de termijn "
                         f"{dutch_short(deadline)}; een verlenging is dan niet nodig.")
    return notes


def preview(settings: Settings, batch: Batch, letter_date: dt.date, expected: dt.date | None = None) -> Batch:
    """--dry-run: everything produce() checks, without writing a file."""
    renderer = Renderer(settings, template_name(batch.kind))
    for item in batch.items:
        try:
            batch.notes += precheck(batch.kind, item.complaint, letter_date, expected, settings.terms)
            unknown = renderer.unknown_names(build_context(item.complaint, settings, batch.kind, letter_date, expected))
            if unknown:
                raise TemplateError(f"Het sjabloon {renderer.path} gebruikt namen die formkit niet kent: "
                                    f"{', '.join(unknown)}.")
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
) -> Batch:
    """Render, convert, then record in one register write; a failing complaint does not stop the rest."""
    renderer = Renderer(settings, template_name(batch.kind))  # a broken template stops before any file
    if any(item.record for item in batch.items):
        ensure_not_open(settings.register)  # before any document: a letter nobody can record is no use
    with _Converter(pdf) as converter:
        for item in progress(batch.items):
            if item.exists and not overwrite:
                continue
            try:
                batch.notes += precheck(batch.kind, item.complaint, letter_date, expected, settings.terms)
                context = build_context(item.complaint, settings, batch.kind, letter_date, expected)
                item.docx.parent.mkdir(parents=True, exist_ok=True)
                renderer.render(context, item.docx)
                item.made = True
                if batch.kind == "tevredenheid":
                    item.extra.append(_satisfaction_form(settings, item, letter_date))
                converter.add(item)
            except TemplateError:
                if not any(p.made for p in batch.items):
                    raise  # the template is broken: nothing made, nothing recorded (exit 2)
                item.error = "sjabloonfout, zie hierboven"
            except (DocumentError, InputError) as exc:
                item.error = exc.message
    batch.pdf_error = converter.error
    try:
        _record(settings, batch, [p for p in batch.items if p.made or (p.exists and not p.error)])
    except RegisterLocked as exc:
        raise RegisterLocked(f"{exc.message} De documenten zijn wel gemaakt; voer dezelfde opdracht opnieuw uit "
                             "zodra het register vrij is, dan worden de datums alsnog vastgelegd.") from None
    return batch


class _Converter:
    """PDFs made while the next documents render: each full chunk goes to LibreOffice at once.

    Two LibreOffice processes run side by side, each with its own profile (one profile cannot be
    shared by two running instances), so a batch of many chunks uses both cores of a small machine.
    """

    WORKERS = 2

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.error = ""
        self._pending: list[Planned] = []
        self._jobs: list[tuple[list[Planned], Future]] = []
        self._local = threading.local()

    def __enter__(self) -> _Converter:
        if self.enabled:
            self._pool = ThreadPoolExecutor(max_workers=self.WORKERS, thread_name_prefix="formkit-pdf")
            self._profiles = tempfile.TemporaryDirectory(prefix="formkit-lo-")
            self._count = itertools.count()
        return self

    def add(self, item: Planned) -> None:
        if self.enabled:
            self._pending.append(item)
            if len(self._pending) >= CHUNK:
                self._submit()

    def _submit(self) -> None:
        items, self._pending = self._pending, []
        self._jobs.append((items, self._pool.submit(self._convert, [p.docx for p in items])))

    def _convert(self, paths: list[Path]) -> list[Path]:
        if not hasattr(self._local, "profile"):  # one profile per worker thread, kept for its next chunks
            self._local.profile = Path(self._profiles.name) / f"profiel-{next(self._count)}"
        return to_pdf(paths, None, self._local.profile)

    def __exit__(self, *exc_info) -> None:
        if not self.enabled:
            return
        try:
            if self._pending and exc_info[0] is None:
                self._submit()
            for items, job in self._jobs:
                try:
                    for item, out in zip(items, job.result(), strict=True):
                        item.pdf = out
                except ConversionError as exc:
                    self.error = self.error or exc.message
        finally:
            self._pool.shutdown(wait=True)
            self._profiles.cleanup()


def _satisfaction_form(settings: Settings, item: Planned, letter_date: dt.date) -> Path:
    """The prefilled satisfaction form the letter encloses."""
    # only the satisfaction letter encloses a PDF form: reportlab and pypdf load for it alone
    from formkit.pdf.forms import form_path, make_form

    number = item.complaint.number_text
    return make_form("tevredenheid", settings, form_path(settings, "tevredenheid", number, letter_date),
                     item.complaint)


def _record(settings: Settings, batch: Batch, made: list[Planned]) -> None:
    """First dates stay (the first reaction is the one that counts); a new extension updates.

    A document that already existed (made earlier today) only fills dates that are still empty,
    so a run that could not record (register open in Excel) is completed by the next one.
    """
    todo = [p for p in made if p.record]
    if not todo:
        return
    with update_register(settings, batch.kind, read=batch.register) as update:
        for item in todo:
            current = update.register.get(item.complaint.number_text)
            values: dict[str, Value] = {}
            keep_first = batch.kind in ("ontvangst", "terugkoppeling") or not item.made
            for key, value in item.record.items():
                old = getattr(current, key)
                if old is not None and old != value and keep_first:
                    batch.kept.setdefault(current.number_text, []).append(f"{key}={old}")
                    continue
                values[key] = value
            changed = update.set(current, values)
            if changed:
                batch.recorded[current.number_text] = changed
        batch.notes += update.notes
