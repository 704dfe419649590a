"""Commands for Word documents: the registration form and the four letters."""

from __future__ import annotations

import datetime as dt
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from formkit.cli.common import (
    DATE,
    command,
    dry_run_option,
    error,
    info,
    overwrite_option,
    pdf_option,
    progress,
    show_path,
    warn,
)
from formkit.cli.group import INTERRUPTED
from formkit.dates import dutch_short
from formkit.documents import LETTER_KINDS
from formkit.errors import InputError
from formkit.register.columns import BY_KEY
from formkit.settings import Settings
from formkit.words import and_list, count

if TYPE_CHECKING:
    from formkit.documents.batch import Batch, Planned
    from formkit.documents.promises import ExpectedDateNeeded
    from formkit.outgoing.signing import Certificate

SHOWN = 10  # numbers named in a summary before "en N andere"


@command("formulier")
@click.argument("nummers", nargs=-1)
@click.option("--open", "open_only", is_flag=True, help="Alle klachten zonder Datum afhandeling.")
@pdf_option
@overwrite_option
@dry_run_option
@click.pass_context
def form_command(ctx: click.Context, nummers: tuple[str, ...], open_only: bool, pdf: bool, overwrite: bool,
                 dry_run: bool) -> None:
    """Maak het registratieformulier (bijlage van de klachtenprocedure) per klacht.

    \b
    Voorbeeld:
      formkit formulier K-2026-014 --pdf
      formkit formulier --open
    """
    _run(ctx, "formulier", nummers, open_only=open_only, pdf=pdf, overwrite=overwrite, dry_run=dry_run)


@command("brief")
@click.argument("soort", type=click.Choice(LETTER_KINDS), metavar="SOORT")
@click.argument("nummers", nargs=-1, required=True)
@pdf_option
@click.option("--verwacht", type=DATE, default=None, metavar="DATUM",
              help="Verwachte datum van afhandeling (bij verlenging, of als de termijn voorbij is).")
@click.option("--mail", is_flag=True, help="Maak naast elke brief een e-mailconcept met de PDF als bijlage.")
@click.option("--onderteken", is_flag=True, help="Onderteken elke PDF-brief digitaal met het certificaat.")
@overwrite_option
@dry_run_option
@click.pass_context
def letter_command(ctx: click.Context, soort: str, nummers: tuple[str, ...], pdf: bool, verwacht: dt.date | None,
                   mail: bool, onderteken: bool, overwrite: bool, dry_run: bool) -> None:
    """Maak een brief aan de klager en leg de datum vast in het register.

    ontvangst -> Datum reactie; verlenging -> Verlengd tot en Datum verlengingsbericht;
    terugkoppeling -> Datum terugkoppeling; tevredenheid -> met ingevuld tevredenheidsformulier.
    Is de afhandeltermijn al voorbij, dan noemt de brief de datum die u opgeeft (--verwacht, of
    formkit vraagt erom) en wordt die vastgelegd als verlenging.

    --mail zet naast elke brief een e-mailconcept (.eml) met de PDF als bijlage; --onderteken
    zet een digitale handtekening onder elke PDF (het certificaat staat in formkit.toml, het
    wachtwoord in FORMKIT_CERTIFICAAT_WACHTWOORD of formkit vraagt erom).

    \b
    Voorbeeld:
      formkit brief ontvangst K-2026-014 --pdf
      formkit brief verlenging K-2026-014 --verwacht 15-01-2027
      formkit brief terugkoppeling K-2026-014 --pdf --mail --onderteken
    """
    certificate = _certificate(ctx.obj.settings) if onderteken and not dry_run else None
    _run(ctx, soort, nummers, pdf=pdf or mail or onderteken, overwrite=overwrite, expected=verwacht, dry_run=dry_run,
         mail=mail, certificate=certificate)


def _certificate(settings: Settings) -> Certificate:
    """The organisation's certificate, checked before anything is made; the password from the
    environment, else asked (hidden) on a terminal, else refused at once (a scheduled job waits for nobody)."""
    from formkit.outgoing.signing import PASSWORD_VARIABLE, certificate_for

    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None and _interactive():
        password = click.prompt("Wachtwoord van het certificaat", hide_input=True, err=True, default="",
                                show_default=False)
    return certificate_for(settings, password)


def _run(ctx: click.Context, kind: str, numbers: tuple[str, ...], **options: Any) -> None:
    """Make the batch (asking for expected dates on a terminal), report it, exit with its code."""
    from formkit.documents.letters import Interrupted, make_documents  # docxtpl: only these commands
    from formkit.documents.promises import ExpectedDateNeeded

    settings = ctx.obj.settings
    make = lambda **more: make_documents(settings, kind, numbers, progress=progress("Documenten maken"),  # noqa: E731
                                         **{**options, **more})
    try:
        try:
            batch = make()
        except ExpectedDateNeeded as exc:
            if not _interactive():
                raise
            batch = make(expected=_ask_dates(exc))
    except Interrupted as exc:
        _report(exc.batch, options.get("pdf", False), options.get("overwrite", False), False)
        _report_interrupted(exc.batch, options.get("pdf", False))
        ctx.exit(INTERRUPTED)
    except KeyboardInterrupt:  # before the first document
        error("Afgebroken; er is niets gemaakt.")
        ctx.exit(INTERRUPTED)
    ctx.exit(_report(batch, options.get("pdf", False), options.get("overwrite", False),
                     options.get("dry_run", False)))


def _interactive() -> bool:
    """Ask only when someone can answer and see the question."""
    return sys.stdin.isatty() and sys.stderr.isatty()


def _ask_dates(needed: ExpectedDateNeeded) -> dict[str, dt.date]:
    """The date the client may now expect, per complaint, each checked as the core checks it."""
    from formkit.documents.promises import check_expected

    warn(needed.rule)
    dates: dict[str, dt.date] = {}
    for number, why in needed.reasons.items():
        while number not in dates:
            day = click.prompt(f"{number}: {why}. Welke datum mag de klant nu verwachten?", type=DATE, err=True)
            try:
                check_expected(day, needed.letter_date)
            except InputError as exc:
                error(exc.message)
                continue
            dates[number] = day
    return dates


def _report(batch: Batch, pdf: bool, overwrite: bool, dry_run: bool) -> int:
    """Print what was (or, on a dry run, would be) made and recorded; returns the exit code."""
    if not batch.items:
        info("Geen klachten om een document voor te maken.")
        return 0
    if dry_run:
        return _report_dry_run(batch, pdf, overwrite)
    for item in batch.items:
        if item.made or item.completed:
            for path in (item.docx if item.made else None, item.pdf, *item.extra, item.draft):
                if path is not None:
                    show_path(path)
    signed = [item.pdf.name for item in batch.items if item.signed and item.pdf is not None]
    if signed:
        info(f"Digitaal ondertekend: {and_list(signed)}.")
    for item in batch.items:
        if item.completed:
            info(f"{item.docx.name} bestond al; wat ontbrak is nu gemaakt.")
    for item in batch.recorded_late:  # the rerun a held register asked for
        info(f"{item.docx.name} bestond al; de datum is nu vastgelegd.")
    for item in batch.skipped:
        warn(f"{item.docx} bestaat al; niet overschreven (gebruik --overwrite).")
    for item in batch.failed:
        error(item.error)
    if batch.pdf_error:
        error(batch.pdf_error + " De Word-bestanden zijn wel gemaakt.")
    for note in batch.notes:
        warn(f"Let op: {note}")
    for warning in batch.warnings:
        warn(f"Let op: {warning}")
    for number, headers in batch.recorded.items():
        info(f"{number}: vastgelegd in het register: {', '.join(headers)}")
    for number, kept in batch.kept.items():
        info(f"{number}: stond al in het register en is niet gewijzigd: {', '.join(kept)}.")
    return 1 if batch.failed or batch.skipped or batch.pdf_error or batch.warnings else 0


def _report_dry_run(batch: Batch, pdf: bool, overwrite: bool) -> int:
    for item in batch.items:
        if item.error:
            error(f"{item.docx.name}: wordt niet gemaakt: {item.error}")
            continue
        if item.exists and not overwrite:
            state = "bestaat al, wordt NIET overschreven"
            if pdf and not item.docx.with_suffix(".pdf").exists():
                state += "; de PDF ontbreekt en wordt gemaakt"
        else:
            state = "bestaat al, wordt overschreven" if item.exists else "wordt gemaakt"
            state += ", met PDF" if pdf else ""
        click.echo(f"{item.docx} ({state})")
        decision = item.decision
        if decision is not None and decision.values:
            click.echo(f"    vastleggen in register: {_values(decision.values)}")
        if decision is not None and decision.kept:
            click.echo(f"    blijft in register (stond er al): {_values(decision.kept)}")
        for problem in decision.unreadable if decision is not None else ():
            click.echo(f"    niet overschreven: {problem.header} in cel {problem.cell} is niet te lezen")
    for note in batch.notes:
        warn(f"Let op: {note}")
    for warning in batch.warnings:
        warn(f"Let op: {warning}")
    info("Proefdraai: er is niets gemaakt of vastgelegd.")
    return 1 if batch.failed or batch.warnings else 0


def _values(values: dict[str, Any]) -> str:
    return ", ".join(f"{BY_KEY[k].header} = {dutch_short(v) if isinstance(v, dt.date) else v}"
                     for k, v in values.items())


def _report_interrupted(batch: Batch, pdf: bool) -> None:
    """After Ctrl-C: what was made, what was not, and how to finish (a rerun makes only what is missing)."""
    letters = batch.kind != "formulier"
    words = ("brief", "brieven") if letters else ("registratieformulier", "registratieformulieren")
    made = [p for p in batch.items if p.made]
    missing = [p for p in batch.items if not p.made and not p.exists and not p.error]
    no_pdf = [p for p in batch.items if pdf and (p.made or p.exists) and p.pdf is None
              and not p.docx.with_suffix(".pdf").exists()]
    error("Afgebroken.")
    with_pdf = sum(1 for p in made if p.pdf is not None)
    info(f"Gemaakt: {count(len(made), *words)}" + (f", waarvan {with_pdf} met PDF" if pdf and made else "") + ".")
    if missing:
        warn(f"Niet gemaakt: {_numbers(missing)}.")
    if no_pdf:
        warn(f"Zonder PDF: {_numbers(no_pdf)}.")
    if letters and batch.record_error:
        error(batch.record_error)
    elif letters and made:
        info("De gemaakte brieven zijn vastgelegd in het register.")
    if missing or no_pdf:
        info("Voer dezelfde opdracht opnieuw uit (zonder --overwrite): dan wordt alleen gemaakt wat nog ontbreekt.")


def _numbers(items: list[Planned]) -> str:
    numbers = [p.complaint.number_text for p in items]
    if len(numbers) > SHOWN:
        return f"{', '.join(numbers[:SHOWN])} en {len(numbers) - SHOWN} andere"
    return and_list(numbers)
