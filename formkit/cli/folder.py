"""Commands of the working folder: init and demo."""

from __future__ import annotations

from pathlib import Path

import click

from formkit.cli.common import command, info, show_path


@command("init")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def init_command(ctx: click.Context, folder: Path | None) -> None:
    """Maak een nieuwe werkmap met een leeg register, sjablonen en instellingen.

    \b
    Voorbeeld:
      formkit init klachten
    """
    from formkit.workfolder.create import init_workfolder  # openpyxl builds the new register: only here

    result = init_workfolder(folder or ctx.obj.folder)
    for path in result.created:
        show_path(path)
    for path in result.kept:
        info(f"Bestond al, niet gewijzigd: {path}")
    info(f"Werkmap klaar: {result.settings.root}")


@command("demo")
@click.argument("folder", required=False, type=click.Path(file_okay=False, path_type=Path))
@click.pass_context
def demo_command(ctx: click.Context, folder: Path | None) -> None:
    """Maak een voorbeeldwerkmap met verzonnen klachten en doorloop de procedure één keer.

    \b
    Voorbeeld:
      formkit demo voorbeeld
    """
    from formkit.workfolder.demo import run_demo  # every part of formkit: only here

    for line, path in run_demo(folder or Path(ctx.obj.folder) / "formkit-demo"):
        if line:
            info(line)
        if path is not None:
            show_path(path)
