"""The `formkit` command: parses options, calls the core, prints. No procedure logic lives here."""

from __future__ import annotations

from pathlib import Path

import click

from formkit import __version__
from formkit.cli.common import CONTEXT, State
from formkit.cli.group import FormkitGroup

# Every command, by name: (module in formkit.cli, function). A command's module is imported when
# that command runs or its help is shown, so `controle` never loads docxtpl, pypdf or openpyxl and
# `--version` loads no command at all (bench/bench_startup.py measures this).
COMMANDS = {
    "init": ("folder", "init_command"),
    "demo": ("folder", "demo_command"),
    "formulier": ("documents", "form_command"),
    "brief": ("documents", "letter_command"),
    "pdf-formulier": ("forms", "pdf_form_command"),
    "inlezen": ("forms", "import_command"),
    "controle": ("check", "controle_command"),
    "vernietig": ("check", "vernietig_command"),
    "analyse": ("analysis", "analyse_command"),
    "app": ("app", "app_command"),
}


@click.group(cls=FormkitGroup, commands_by_name=COMMANDS, context_settings=CONTEXT, options_metavar="[OPTIES]",
             subcommand_metavar="OPDRACHT [ARGUMENTEN]...")
@click.option("--map", "workfolder", type=click.Path(file_okay=False, path_type=Path), envvar="FORMKIT_MAP",
              metavar="MAP", default=None,
              help="Werkmap (standaard: de map met formkit.toml, vanaf de huidige map omhoog gezocht; ook via "
                   "FORMKIT_MAP).")
@click.option("--register", type=click.Path(dir_okay=False, path_type=Path), default=None, metavar="BESTAND",
              help="Ander registerbestand.")
@click.option("--quiet", "-q", is_flag=True, help="Geen voortgang of meldingen; alleen fouten en gegevens.")
@click.version_option(__version__, "--version", prog_name="formkit", message="%(prog)s %(version)s",
                      help="Toon de versie van formkit.")
@click.pass_context
def main(ctx: click.Context, workfolder: Path | None, register: Path | None, quiet: bool) -> None:
    """formkit: de klachtenprocedure rond het Excel-klachtenregister, Word-brieven en PDF-formulieren.

    \b
    Voorbeeld:
      formkit init klachten
      formkit --map klachten controle
    """
    ctx.obj = State(workfolder, register, quiet)
