"""Commands for Word documents: the registration form and the four letters."""

from __future__ import annotations

import datetime as dt
import sys

import click

from formkit.cli.common import DATE, dry_run_option, error, info, overwrite_option, show_path, warn
from formkit.register.columns import BY_KEY
from formkit.dates import dutch_short
from formkit.errors import InputError

pdf_option = click.option("--pdf", is_flag=True, help="Maak ook een PDF (met LibreOffice).")


@click.command("formulier")
@click.argument("nummers", nargs=-1)
@click.option("--open", "open_only", is_flag=True, help="Alle klachten zonder Datum afhandeling.")
@pdf_option
@overwrite_option
@dry_run_option
@click.pass_context
def form_command(ctx, nummers, open_only, pdf, overwrite, dry_run) -> None:
    """Maak het registratieformulier (bijlage van de klachtenprocedure) per klacht.

    \b
    Voorbeeld:
      formkit formulier K-2026-014 --pdf
      formkit formulier --open
    """
    _run(ctx, "formulier", nummers, open_only, pdf, overwrite, dry_run, None)


@click.command("brief")
@click.argument("soort", type=click.Choice(["ontvangst", "verlenging", "terugkoppeling", "tevredenheid"]),
                metavar="SOORT")
@click.argument("nummers", nargs=-1, required=True)
@pdf_option
@click.option("--verwacht", type=DATE, default=None, metavar="DATUM",
              help="Verwachte datum van afhandeling (bij verlenging).")
@overwrite_option
@dry_run_option
@click.pass_context
def letter_command(ctx, soort, nummers, pdf, verwacht, overwrite, dry_run) -> None:
    """Maak een brief aan de klager en leg de datum vast in het register.

    ontvangst -> Datum reactie; verlenging -> Verlengd tot en Datum verlengingsbericht;
    terugkoppeling -> Datum terugkoppeling; tevredenheid -> met ingevuld tevredenheidsformulier.

    \b
    Voorbeeld:
      formkit brief ontvangst K-2026-014 --pdf
      formkit brief verlenging K-2026-014 --verwacht 15-01-2027
    """
    _run(ctx, soort, nummers, False, pdf, overwrite, dry_run, verwacht)


def _run(ctx, kind, numbers, open_only, pdf, overwrite, dry_run, expected) -> None:
    from formkit.documents.letters import plan, preview, produce, select

    settings = ctx.obj.settings
    if not numbers and not open_only:
        raise InputError("Geef een of meer klachtnummers op (of --open).")
    today = dt.date.today()
    complaints = select(settings, numbers, open_only)
    if kind == "verlenging" and expected is None:
        missing = [c.number for c in complaints if c.extended_until is None]
        if missing:
            raise InputError(f"Geef de verwachte datum van afhandeling op met --verwacht DATUM "
                             f"(Verlengd tot is leeg bij {', '.join(missing)}). Er is niets gemaakt.")
    batch = plan(settings, kind, complaints, today, expected)
    if not batch.items:
        info("Geen klachten om een document voor te maken.")
        return
    if dry_run:
        preview(settings, batch, today, expected)
        for item in batch.items:
            if item.error:
                error(f"{item.docx.name}: wordt niet gemaakt: {item.error}")
                continue
            state = "bestaat al, wordt overschreven" if item.exists and overwrite else (
                "bestaat al, wordt NIET overschreven" if item.exists else "wordt gemaakt")
            click.echo(f"{item.docx} ({state}{', met PDF' if pdf else ''})")
            if item.record and not (item.exists and not overwrite):
                shown = ", ".join(f"{BY_KEY[k].header} = {dutch_short(v) if isinstance(v, dt.date) else v}"
                                  for k, v in item.record.items())
                click.echo(f"    vastleggen in register: {shown}")
        for note in batch.notes:
            warn(f"Let op: {note}")
        info("Proefdraai: er is niets gemaakt of vastgelegd.")
        ctx.exit(1 if any(item.error for item in batch.items) else 0)

    def progress(items):
        if len(items) < 5 or not sys.stderr.isatty():
            yield from items
            return
        with click.progressbar(items, label="Documenten maken", file=sys.stderr) as bar:
            yield from bar

    produce(settings, batch, today, expected=expected, pdf=pdf, overwrite=overwrite, progress=progress)
    for item in batch.items:
        if item.made:
            show_path(item.docx)
            if item.pdf:
                show_path(item.pdf)
            for extra in item.extra:
                show_path(extra)
    for item in batch.skipped:
        warn(f"{item.docx} bestaat al; niet overschreven (gebruik --overwrite).")
    for item in batch.failed:
        error(item.error)
    if batch.pdf_error:
        error(batch.pdf_error + " De Word-bestanden zijn wel gemaakt.")
    for note in batch.notes:
        warn(f"Let op: {note}")
    for number, headers in batch.recorded.items():
        info(f"{number}: vastgelegd in het register: {', '.join(headers)}")
    for number, notes in batch.kept.items():
        info(f"{number}: datum stond al in het register en is niet gewijzigd.")
    attention = batch.failed or batch.skipped or batch.pdf_error
    ctx.exit(1 if attention else 0)
