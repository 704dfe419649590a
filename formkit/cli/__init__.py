"""The `formkit` command: parses options, calls the core, prints. No procedure logic lives here."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from formkit import __version__
from formkit.cli import analysis, check, documents, folder, forms
from formkit.cli.common import CONTEXT, FormkitGroup, State


@click.group(cls=FormkitGroup, context_settings=CONTEXT)
@click.option(
    "--map",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="FORMKIT_MAP",
    default=None,
    help="Werkmap (standaard: de huidige map; ook via FORMKIT_MAP).",
)
@click.option("--register", type=click.Path(dir_okay=False, path_type=Path), default=None, help="Ander registerbestand.")
@click.version_option(__version__, "--version", prog_name="formkit", message="%(prog)s %(version)s")
@click.pass_context
def main(ctx: click.Context, folder: Path | None, register: Path | None) -> None:
    """formkit: de klachtenprocedure rond het Excel-klachtenregister, Word-brieven en PDF-formulieren.

    \b
    Voorbeeld:
      formkit init klachten
      formkit --map klachten controle
    """
    ctx.obj = State(Path(folder or os.getcwd()), register)


for command in (folder.init_command, folder.demo_command, documents.form_command, documents.letter_command,
                forms.pdf_form_command, forms.import_command, check.controle_command, check.vernietig_command,
                analysis.analyse_command):
    main.add_command(command)

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
