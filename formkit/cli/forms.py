"""Commands for PDF forms: make fillable forms, read returned ones into the register."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from formkit.cli.common import dry_run_option, error, info, overwrite_option, show_path, warn
from formkit.errors import FormkitError


@click.command("pdf-formulier")
@click.argument("soort", type=click.Choice(["klacht", "tevredenheid"]))
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
    from formkit.pdf.fields import TITLES
    from formkit.pdf.forms import make_form
    from formkit.register.reading import read_register

    settings = ctx.obj.settings
    name = TITLES[soort].lower()
    if nummer is None:
        settings.forms.mkdir(parents=True, exist_ok=True)
        show_path(make_form(soort, settings, settings.forms / f"{name}.pdf"))
        return
    complaint = read_register(settings.register).get(nummer)
    folder = settings.dossier(complaint.number)
    target = folder / f"{dt.date.today().isoformat()} {name} {complaint.number}.pdf"
    if target.exists() and not overwrite:
        raise FormkitError(f"{target} bestaat al; niet overschreven (gebruik --overwrite).")
    folder.mkdir(parents=True, exist_ok=True)
    show_path(make_form(soort, settings, target, complaint))


@click.command("inlezen")
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
    from formkit.intake import collect_pdfs, describe, import_forms

    settings = ctx.obj.settings
    for path in paden:
        if not path.exists():
            raise FormkitError(f"{path} bestaat niet.")
    files = collect_pdfs(paden)
    if not files:
        warn("Geen PDF-bestanden gevonden.")
        ctx.exit(0)

    def progress(items):
        if len(items) < 10 or not sys.stderr.isatty():
            return items
        return click.progressbar(items, label="Inlezen", file=sys.stderr)

    outcomes = import_forms(settings, files, dry_run=dry_run, overwrite=overwrite, progress=_iterate(progress))
    for outcome in outcomes:
        lines = describe(outcome)
        if outcome.status == "fout":
            error(lines[0])
        else:
            click.echo("\n".join(lines))
    counts = {s: sum(o.status == s for o in outcomes) for s in ("nieuw", "bijgewerkt", "ongewijzigd", "al-ingelezen", "conflict", "fout")}
    summary = ", ".join(f"{n} {label}" for label, n in (
        ("nieuw", counts["nieuw"]), ("bijgewerkt", counts["bijgewerkt"]), ("ongewijzigd", counts["ongewijzigd"]),
        ("al eerder ingelezen", counts["al-ingelezen"]), ("met conflict", counts["conflict"]),
        ("niet te lezen", counts["fout"])) if n)
    info(("Proefdraai, niets opgeslagen: " if dry_run else "Ingelezen: ") + (summary or "niets"))
    if not dry_run:
        for outcome in outcomes:
            if outcome.kept_as is not None:
                show_path(outcome.kept_as)
    ctx.exit(1 if any(o.needs_attention for o in outcomes) else 0)


def _iterate(progress):
    """click.progressbar is a context manager; plain lists are not."""

    def run(items):
        bar = progress(items)
        if bar is items:
            yield from items
            return
        with bar as wrapped:
            yield from wrapped

    return run
