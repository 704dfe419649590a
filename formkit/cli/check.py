"""The monthly commands: `controle` (what needs attention) and `vernietig` (retention)."""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from formkit.check.findings import Finding
from formkit.check.monthly import check_register
from formkit.check.output import findings_json, format_findings, summary_line
from formkit.cli.common import command, info, json_option, peildatum_option, show_path, warn, yes_option
from formkit.dates import dutch_short
from formkit.errors import InputError
from formkit.register.backups import list_backups
from formkit.register.reading import read_register
from formkit.settings import Settings
from formkit.words import count

if TYPE_CHECKING:
    from formkit.retention import Destruction, Plan

# Group title -> colour of its heading on a terminal (click drops colour when piped).
_COLOURS = {
    "Ernstige klachten: met spoed": "red",
    "Afhandeling te laat": "red",
    "Reactie te laat": "red",
    "Afhandeling bijna te laat": "yellow",
    "Terugkoppeling of tevredenheid ontbreekt": "yellow",
    "Lopend bij de onafhankelijke derde partij": "cyan",
    "Te vernietigen": "magenta",
    "Binnenkort te vernietigen": "magenta",
    "Gegevens onjuist of onvolledig": "yellow",
}


@command("controle")
@peildatum_option
@click.option("--markeer", is_flag=True, help="Schrijf per klacht wat aandacht vraagt in de kolom Signalering.")
@click.option("--rapport", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Schrijf de bevindingen ook in een Excel-rapport (.xlsx).")
@json_option
@click.pass_context
def controle_command(
    ctx: click.Context, peildatum: dt.date | None, markeer: bool, rapport: Path | None, as_json: bool
) -> None:
    """Controleer de termijnen: wat te laat is, bijna te laat, ontbreekt of vernietigd moet worden.

    Exitcode 0 als alles op orde is, 1 als er iets aandacht vraagt, 2 bij een fout.

    \b
    Voorbeeld:
      formkit controle
      formkit controle --markeer --rapport rapporten/controle-november.xlsx
      formkit controle --peildatum 01-12-2026 --json > controle.json
    """
    if rapport is not None and rapport.suffix.lower() != ".xlsx":
        raise InputError(f"Rapport {rapport}: het rapport moet een .xlsx-bestand zijn (bijvoorbeeld controle.xlsx).")
    settings: Settings = ctx.obj.settings
    peildatum = peildatum or dt.date.today()
    if markeer:
        from formkit.check.marking import mark_signals  # the workbook writer: only --markeer writes

        marked = mark_signals(settings, peildatum)
        findings = marked.findings
    else:
        findings = check_register(settings, peildatum)
    if as_json:  # UTF-8 bytes whatever the console's encoding; indented for a person at a terminal
        click.echo(findings_json(findings, peildatum, pretty=sys.stdout.isatty()))
    else:
        _print_findings(findings, peildatum)
    if markeer:
        for note in marked.notes:
            warn(f"Let op: {note}")
        info(f"Signalering bijgewerkt bij {count(marked.changed, 'klacht', 'klachten')}." if marked.changed
             else "De kolom Signalering was al bijgewerkt; het register is niet gewijzigd.")
    if rapport is not None:
        from formkit.check.report import write_check_report  # openpyxl: only when a report is asked for

        path = write_check_report(findings, peildatum, rapport.absolute())
        if as_json:  # stdout holds the JSON document alone
            info(f"Rapport: {path}")
        else:
            show_path(path)
    ctx.exit(1 if findings else 0)


def _print_findings(findings: Sequence[Finding], peildatum: dt.date) -> None:
    click.echo(click.style(f"Controle klachtenregister, peildatum {dutch_short(peildatum)}", bold=True))
    for title, lines in format_findings(findings, peildatum):
        click.echo()
        click.echo(click.style(f"{title} ({len(lines)})", fg=_COLOURS.get(title), bold=True))
        for line in lines:
            click.echo(f"  {line}")
    click.echo()
    click.echo(click.style(summary_line(findings), bold=True))


@command("vernietig")
@peildatum_option
@click.option("--uitvoeren", is_flag=True, help="Vernietig echt; zonder deze optie alleen een lijst.")
@yes_option
@click.pass_context
def vernietig_command(ctx: click.Context, peildatum: dt.date | None, uitvoeren: bool, yes: bool) -> None:
    """Vernietig klachten waarvan de bewaartermijn (twee jaar na afhandeling) voorbij is.

    Zonder --uitvoeren alleen een lijst (exitcode 1 als er iets te vernietigen is). Met
    --uitvoeren verdwijnen de persoonsgegevens uit het register, het dossier en de
    reservekopieën; het vernietigingslog legt vast wat er is verwijderd.

    \b
    Voorbeeld:
      formkit vernietig
      formkit vernietig --uitvoeren
      formkit vernietig --uitvoeren --yes
    """
    # retention uses the workbook writer (openpyxl): imported by the command that needs it
    from formkit.retention import check_peildatum, destroy, due_for_destruction

    settings: Settings = ctx.obj.settings
    peildatum = peildatum or dt.date.today()
    if uitvoeren:
        check_peildatum(peildatum)
    register = read_register(settings.register)
    plans = due_for_destruction(register, peildatum, settings)
    ready = [p for p in plans if p.problem is None]
    for plan in plans:
        if plan.problem:
            warn(f"Overgeslagen: {plan.problem}")
    if not ready:
        info(f"Niets te vernietigen op {dutch_short(peildatum)}.")
        ctx.exit(1 if plans else 0)
    for plan in ready:
        _print_plan(plan)
    backups = len(list_backups(settings.register))
    how_many = count(len(ready), "klacht", "klachten")
    if not uitvoeren:
        info(f"\n{how_many} over de bewaartermijn. Vernietig met: formkit vernietig --uitvoeren")
        # the destruction itself makes one more backup first (of the register as it is now)
        info(f"Dan worden ook alle reservekopieën van het register verwijderd ({backups} nu, plus de kopie "
             "die de vernietiging zelf eerst maakt): die bevatten deze gegevens nog.")
        ctx.exit(1)
    if not yes and not _confirm(f"{how_many} definitief vernietigen? Dit kan niet ongedaan worden gemaakt."):
        info("Niets vernietigd.")
        ctx.exit(1)
    result = destroy(settings, peildatum, numbers=[p.number for p in ready], read=register)
    _print_destruction(result)
    ctx.exit(1 if len(ready) < len(plans) or result.traces else 0)


def _confirm(question: str) -> bool:
    """Yes only for j/ja (or y/yes); anything else, or no input at all, is the safe no."""
    try:
        answer = click.prompt(f"{question} [j/N]", default="", show_default=False, err=True)
    except click.Abort:
        click.echo(err=True)
        return False
    return answer.strip().lower() in {"j", "ja", "y", "yes"}


def _print_plan(plan: Plan) -> None:
    files = (count(len(plan.files), "bestand", "bestanden") + " in het dossier") if plan.dossiers else "geen dossier"
    if plan.leftover:
        click.echo(f"{plan.number:<12}  register al geanonimiseerd; nog {files}")
        return
    click.echo(f"{plan.number:<12}  afgehandeld {dutch_short(plan.handled)}  "
               f"vernietigen vanaf {dutch_short(plan.destroy_from)}  "
               f"{count(len(plan.headers), 'kolom', 'kolommen')}, {files}")
    if plan.headers:
        click.echo(f"{'':<12}  kolommen: {', '.join(plan.headers)}")


def _print_destruction(result: Destruction) -> None:
    for record in result.records:
        done = [f"{count(len(record.headers), 'kolom', 'kolommen')} leeggemaakt"] if record.headers else []
        if record.dossier:
            done.append(f"dossier met {count(len(record.hashes), 'bestand', 'bestanden')} verwijderd")
        click.echo(f"{record.number:<12}  vernietigd: {', '.join(done) or 'niets meer te verwijderen'}")
    if result.log is not None:
        info("Vastgelegd in het vernietigingslog (zonder persoonsgegevens):")
        show_path(result.log)
    removed = len(result.backups_removed)
    info(f"{count(removed, 'reservekopie', 'reservekopieën')} van het register met deze gegevens verwijderd."
         if removed else "Er waren geen reservekopieën van het register met deze gegevens.")
    for note in result.notes:
        warn(f"Let op: {note}")
    for trace in result.traces:
        warn(f"Let op, {trace}. Verwijder die zelf in Excel (opmerkingen bij cellen, filters, "
             "draaitabellen of andere tabbladen).")
