"""Commands for Word documents: the registration form and the four letters."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

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
from formkit.dates import dutch_short
from formkit.documents import LETTER_KINDS
from formkit.register.columns import BY_KEY

if TYPE_CHECKING:
    from formkit.documents.letters import Batch


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
    from formkit.documents.letters import make_documents  # Word templates (docxtpl): only these commands

    batch = make_documents(ctx.obj.settings, "formulier", nummers, open_only=open_only, pdf=pdf, overwrite=overwrite,
                           dry_run=dry_run, progress=progress("Documenten maken"))
    ctx.exit(_report(batch, pdf, overwrite, dry_run))


@command("brief")
@click.argument("soort", type=click.Choice(LETTER_KINDS), metavar="SOORT")
@click.argument("nummers", nargs=-1, required=True)
@pdf_option
@click.option("--verwacht", type=DATE, default=None, metavar="DATUM",
              help="Verwachte datum van afhandeling (bij verlenging).")
@overwrite_option
@dry_run_option
@click.pass_context
def letter_command(ctx: click.Context, soort: str, nummers: tuple[str, ...], pdf: bool, verwacht: dt.date | None,
                   overwrite: bool, dry_run: bool) -> None:
    """Maak een brief aan de klager en leg de datum vast in het register.

    ontvangst -> Datum reactie; verlenging -> Verlengd tot en Datum verlengingsbericht;
    terugkoppeling -> Datum terugkoppeling; tevredenheid -> met ingevuld tevredenheidsformulier.

    \b
    Voorbeeld:
      formkit brief ontvangst K-2026-014 --pdf
      formkit brief verlenging K-2026-014 --verwacht 15-01-2027
    """
    from formkit.documents.letters import make_documents  # Word templates (docxtpl): only these commands

    batch = make_documents(ctx.obj.settings, soort, nummers, pdf=pdf, overwrite=overwrite, expected=verwacht,
                           dry_run=dry_run, progress=progress("Documenten maken"))
    ctx.exit(_report(batch, pdf, overwrite, dry_run))


def _report(batch: Batch, pdf: bool, overwrite: bool, dry_run: bool) -> int:
    """Print what was (or, on a dry run, would be) made and recorded; returns the exit code."""
    if not batch.items:
        info("Geen klachten om een document voor te maken.")
        return 0
    if dry_run:
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
        return 1 if any(item.error for item in batch.items) else 0
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
    for number in batch.kept:
        info(f"{number}: datum stond al in het register en is niet gewijzigd.")
    return 1 if batch.failed or batch.skipped or batch.pdf_error else 0
