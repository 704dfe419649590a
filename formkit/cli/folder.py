"""Commands of the working folder: init and demo."""

from __future__ import annotations

from pathlib import Path

import click

from formkit.cli.common import show_path


@click.command("init")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def init_command(ctx: click.Context, folder: Path | None) -> None:
    """Maak een nieuwe werkmap met een leeg register, sjablonen en instellingen.

    \b
    Voorbeeld:
      formkit init klachten
    """
    from formkit.workfolder.create import init_workfolder

    target = folder or ctx.obj.folder
    result = init_workfolder(target)
    for path in result.created:
        show_path(path)
    for path in result.kept:
        click.echo(f"Bestond al, niet gewijzigd: {path}", err=True)
    click.echo(f"Werkmap klaar: {result.settings.root}", err=True)


@click.command("demo")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def demo_command(ctx: click.Context, folder: Path | None) -> None:
    """Maak een voorbeeldwerkmap met verzonnen klachten en doorloop de procedure één keer.

    \b
    Voorbeeld:
      formkit demo voorbeeld
    """
    from formkit.workfolder.demo import run_demo

    target = folder or Path(ctx.obj.folder) / "formkit-demo"
    for line, path in run_demo(target):
        if line:
            click.echo(line, err=True)
        if path is not None:
            show_path(path)
