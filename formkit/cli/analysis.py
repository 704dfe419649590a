"""`formkit analyse`: management information from the register (procedure steps 5-7)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import click

from formkit.cli.common import DATE, command, info, json_option, show_path, warn
from formkit.dates import dutch
from formkit.settings import Settings


@command("analyse")
@click.option("--van", "start", type=DATE, default=None, metavar="DATUM",
              help="Eerste ontvangstdatum (standaard: de laatste 12 hele maanden).")
@click.option("--tot", "end", type=DATE, default=None, metavar="DATUM",
              help="Laatste ontvangstdatum, die dag telt mee.")
@click.option("--rapport", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Schrijf ook een rapport: .xlsx (werkmap met grafieken), .pdf of .docx (managementrapport).")
@json_option
@click.pass_context
def analyse_command(ctx: click.Context, start: dt.date | None, end: dt.date | None, rapport: Path | None,
                    as_json: bool) -> None:
    """Managementinformatie: soorten klachten, oorzaken, termijnen, tevredenheid en verbeteracties.

    Telt de klachten die in de periode zijn ontvangen, ook de vernietigde. Zonder --van en --tot
    de laatste 12 hele maanden; met alleen --van of alleen --tot 12 maanden vanaf of tot die dag.

    \b
    Voorbeeld:
      formkit analyse
      formkit analyse --van 01-01-2026 --tot 31-12-2026 --rapport rapporten/klachten-2026.pdf
      formkit analyse --rapport rapporten/klachtenanalyse.xlsx
      formkit analyse --json > analyse.json
    """
    # the figures, their texts and reports (docx, openpyxl, matplotlib): only this command
    from formkit.analysis.figures import analyse_register
    from formkit.analysis.report import report_format, write_report
    from formkit.analysis.text import data_notes, summary_lines, to_json

    if rapport is not None:
        report_format(rapport)  # a wrong suffix fails before any work
    settings: Settings = ctx.obj.settings
    figures = analyse_register(settings, start, end)
    if as_json:
        click.echo(json.dumps(to_json(figures), ensure_ascii=False, indent=2).encode("utf-8"))  # always UTF-8
    else:
        title, *lines = summary_lines(figures)
        click.echo(click.style(title, bold=True))
        for line in lines:
            click.echo(line)
    for note in data_notes(figures):
        warn(f"Let op: {note}")
    if start is None and end is None:
        today = dt.date.today()
        info(f"Periode: de laatste 12 hele maanden ({dutch(figures.period.start)} tot en met "
             f"{dutch(figures.period.end)}). De lopende maand telt nog niet mee; neem haar mee met "
             f"--tot {today:%d-%m-%Y}, of kies een periode met --van en --tot.")
    if rapport is not None:
        path = write_report(figures, rapport.absolute(), settings)
        if as_json:  # stdout holds the JSON document alone
            info(f"Rapport: {path}")
        else:
            show_path(path)
