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
@click.pass_context
def import_command(ctx: click.Context, paden: tuple[Path, ...], dry_run: bool, overwrite: bool) -> None:
    """Lees ingevulde PDF-formulieren (bestanden of mappen) in het register.

    Een klachtenformulier wordt een nieuwe klacht met het volgende nummer; een
    tevredenheidsformulier vult Tevredenheid bij zijn klacht. Een andere waarde dan in het
    register is een conflict en wordt alleen met --overwrite geschreven.

    \b
    Voorbeeld:
      formkit inlezen ~/Downloads/klachtenformulier.pdf
      formkit inlezen --dry-run binnengekomen/
    """
    from formkit.intake import collect_pdfs, describe, import_forms  # pypdf and its workers: only this command

    for path in paden:
        if not path.exists():
            raise FormkitError(f"{path} bestaat niet.")
    files = collect_pdfs(paden)
    if not files:
        warn("Geen PDF-bestanden gevonden.")
        ctx.exit(0)
    outcomes = import_forms(ctx.obj.settings, files, dry_run=dry_run, overwrite=overwrite,
                            progress=progress("Inlezen", threshold=10))
    for outcome in outcomes:
        lines = describe(outcome)
        if outcome.status == "fout":
            error(lines[0])
        else:
            click.echo("\n".join(lines))
    counts = {s: sum(o.status == s for o in outcomes)
              for s in ("nieuw", "bijgewerkt", "ongewijzigd", "al-ingelezen", "conflict", "fout")}
    summary = ", ".join(f"{n} {label}" for label, n in (
        ("nieuw", counts["nieuw"]), ("bijgewerkt", counts["bijgewerkt"]), ("ongewijzigd", counts["ongewijzigd"]),
        ("al eerder ingelezen", counts["al-ingelezen"]), ("met conflict", counts["conflict"]),
        ("niet te lezen", counts["fout"])) if n)
    info(("Proefdraai, niets opgeslagen: " if dry_run else "Ingelezen: ") + (summary or "niets"))
    if counts["conflict"] and not overwrite:
        warn("Conflicten zijn niet overschreven; gebruik --overwrite om de waarden van het formulier te nemen.")
    if not dry_run:
        for outcome in outcomes:
            if outcome.kept_as is not None:
                show_path(outcome.kept_as)
    ctx.exit(1 if any(o.needs_attention for o in outcomes) else 0)
