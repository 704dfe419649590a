"""Commands for PDF forms: make fillable forms, read returned ones into the register."""

from __future__ import annotations

from pathlib import Path

import click

from formkit.cli.common import command, dry_run_option, error, info, overwrite_option, progress, show_path, warn
from formkit.errors import FormkitError
from formkit.pdf.fields import KINDS


@command("pdf-formulier")
@click.argument("soort", type=click.Choice(KINDS))
@click.argument("nummer", required=False)
@overwrite_option
@click.pass_context
def pdf_form_command(ctx: click.Context, soort: str, nummer: str | None, overwrite: bool) -> None:
    """Maak een invulbaar PDF-formulier: klacht of tevredenheid (vooraf ingevuld met NUMMER).

    Zonder NUMMER komt een leeg formulier in formulieren/; met NUMMER een ingevuld formulier
    in het dossier van die klacht.

    \b
    Voorbeeld:
      formkit pdf-formulier klacht
      formkit pdf-formulier tevredenheid K-2026-014
    """
    from formkit.pdf.forms import make_blank_form, make_prefilled_form  # reportlab and pypdf: only this command

    settings = ctx.obj.settings
    if nummer is None:
        show_path(make_blank_form(settings, soort))
    else:
        show_path(make_prefilled_form(settings, soort, nummer, overwrite=overwrite))


@command("inlezen")
@click.argument("paden", nargs=-1, required=True, type=click.Path(path_type=Path))
@dry_run_option
@overwrite_option
@click.option("--details", is_flag=True, help="Toon ook elk gelezen veld.")
@click.pass_context
def import_command(ctx: click.Context, paden: tuple[Path, ...], dry_run: bool, overwrite: bool,
                   details: bool) -> None:
    """Lees ingevulde PDF-formulieren (bestanden of mappen) in het register.

    Een klachtenformulier wordt een nieuwe klacht met het volgende nummer; een formulier dat
    formkit voor een klacht heeft ingevuld, vult die klacht aan (een tevredenheidsformulier vult
    Tevredenheid). Een andere waarde dan in het register is een conflict en wordt alleen met
    --overwrite geschreven. Per bestand een regel; daarna de bestanden die niet te lezen waren.

    \b
    Voorbeeld:
      formkit inlezen ~/Downloads/klachtenformulier.pdf
      formkit inlezen --dry-run --details binnengekomen/
    """
    from formkit.intake import collect_pdfs, describe, import_forms  # pypdf and its workers: only this command

    for path in paden:
        if not path.exists():
            raise FormkitError(f"{path} bestaat niet.")
    files = collect_pdfs(paden)
    if not files:
        warn("Geen PDF-bestanden gevonden.")
        ctx.exit(0)
    settings = ctx.obj.settings
    plan = import_forms(settings, files, dry_run=dry_run, overwrite=overwrite,
                        progress=progress("Inlezen", threshold=10))
    for outcome in plan:  # data: one line per file (and its fields with --details)
        if outcome.status != "fout":
            lines = describe(outcome, details)
            if outcome.kept_as is not None:
                lines[0] += f" (bewaard als {_shown(outcome.kept_as, settings.root)})"
            click.echo("\n".join(lines))
    for outcome in plan:  # then what needs reading: warnings, the files that could not be read, notes
        if outcome.status != "fout":
            for warning in outcome.warnings:
                warn(f"Let op: {outcome.path.name}: {warning}")
    for outcome in plan:
        if outcome.status == "fout":
            error(outcome.message)
    for note in plan.notes:
        warn(f"Let op: {note}")
    summary = ", ".join(f"{n} {label}" for label, n in (
        ("nieuw", plan.count("nieuw")), ("bijgewerkt", plan.count("bijgewerkt")),
        ("ongewijzigd", plan.count("ongewijzigd")), ("al eerder ingelezen", plan.count("al-ingelezen")),
        ("met conflict", plan.count("conflict")), ("niet ingelezen", plan.count("fout"))) if n)
    info(("Proefdraai, niets opgeslagen: " if dry_run else "Ingelezen: ") + (summary or "niets"))
    if plan.count("conflict") and not overwrite:
        warn("Conflicten zijn niet overschreven; gebruik --overwrite om de waarden van het formulier te nemen.")
    ctx.exit(1 if plan.needs_attention else 0)


def _shown(path: Path, root: Path) -> str:
    """A kept copy's path, from the working folder when it lies inside (shorter on the line)."""
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
