"""What every command shares: options defined once, the date type, the working folder, output.

Messages go to stderr, data (paths of files made, tables, JSON) to stdout. `--quiet` (before or
after the command) silences progress bars and informational lines; errors, warnings and data
still appear.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from formkit.dates import DateParseError, parse_cli_date
from formkit.errors import ConfigError, Hint
from formkit.settings import Settings, find_workfolder, load_settings

T = TypeVar("T")
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}

# How the command line tells a user what to do about an error (formkit.errors.Hint).
HINTS = {
    Hint.OVERWRITE: "Gebruik --overwrite om het toch te doen.",
    Hint.EXPECTED_DATE: "Geef de datum op met --verwacht DATUM.",
    Hint.NUMBERS: "Geef klachtnummers op, of --open voor alle openstaande klachten.",
    Hint.PEILDATUM_TODAY: "Laat --peildatum weg of kies vandaag of eerder.",
    Hint.RETRY: "Voer daarna dezelfde opdracht opnieuw uit.",
    Hint.WORKFOLDER: "Ga met cd naar de werkmap (of een map daarin), of geef haar op met --map MAP.",
    Hint.INIT: "Maak een leeg register met 'formkit init' in de werkmap, of zet een reservekopie terug uit "
               "de map backups naast het register.",
    Hint.PASSWORD: ("Zet het wachtwoord in FORMKIT_CERTIFICAAT_WACHTWOORD, of geef de opdracht in een terminal: "
                    "dan vraagt formkit erom."),
}


class DateType(click.ParamType):
    """A date on the command line: 2026-11-24 or 24-11-2026."""

    name = "DATUM"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return parse_cli_date(value)
        except DateParseError as exc:
            self.fail(str(exc).split(" (verwacht")[0] + " (gebruik 2026-11-24 of 24-11-2026)", param, ctx)


DATE = DateType()


class State:
    """What the group options chose: the working folder, an optional register path, quietness."""

    def __init__(self, chosen: Path | None, register: Path | None, quiet: bool = False) -> None:
        self.chosen = chosen  # --map or FORMKIT_MAP
        self.folder = chosen or Path.cwd()  # where init and demo make their folder
        self.register = register
        self.quiet = quiet
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        """The working folder's settings: --map, else the nearest folder at or above this one."""
        if self._settings is None:
            root = self.chosen or find_workfolder(Path.cwd())
            if root is None and self.register is None:
                raise ConfigError(f"Hier is geen werkmap van formkit: er staat geen formkit.toml in {Path.cwd()} "
                                  "of in een map daarboven.", Hint.WORKFOLDER)
            self._settings = load_settings(root or Path.cwd(), self.register)
            for note in self._settings.notes:
                warn(f"Let op: {note}")
            self.folder = self._settings.root
        return self._settings


def state() -> State | None:
    ctx = click.get_current_context(silent=True)
    return ctx.find_object(State) if ctx is not None else None


def _set_quiet(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    found = ctx.find_object(State)
    if value and found is not None:
        found.quiet = True


# Options shared by several commands, defined once.
peildatum_option = click.option("--peildatum", type=DATE, default=None, metavar="DATUM",
                                help="Datum waarop gecontroleerd wordt (standaard: vandaag).")
dry_run_option = click.option("--dry-run", is_flag=True, help="Laat zien wat er zou gebeuren; wijzig niets.")
json_option = click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON op stdout.")
yes_option = click.option("--yes", "-y", is_flag=True, help="Niet om bevestiging vragen.")
overwrite_option = click.option("--overwrite", is_flag=True, help="Bestaande bestanden of waarden overschrijven.")
pdf_option = click.option("--pdf", is_flag=True, help="Maak ook een PDF (met LibreOffice).")
quiet_option = click.option("--quiet", "-q", is_flag=True, expose_value=False, is_eager=True, callback=_set_quiet,
                            help="Geen voortgang of meldingen; alleen fouten en gegevens.")


class DutchFormatter(click.HelpFormatter):
    """click's own words in help texts (Usage, Options, Commands), in Dutch."""

    HEADINGS = {"Options": "Opties", "Commands": "Opdrachten", "Arguments": "Argumenten"}

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="Gebruik: " if prefix is None else prefix)

    def section(self, name: str) -> Any:
        return super().section(self.HEADINGS.get(name, name))


class DutchContext(click.Context):
    formatter_class = DutchFormatter


class DutchHelp:
    """Mixed into formkit's command classes: Dutch help option and headings."""

    context_class: type[click.Context] = DutchContext

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)  # type: ignore[misc]  # click.Command's, by the MRO
        if option is not None:
            option.help = "Toon deze uitleg en stop."
        return option


class Command(DutchHelp, click.Command):
    pass


def command(name: str) -> Callable[[Callable[..., Any]], click.Command]:
    """A formkit command: Dutch help, and --quiet after the command as well as before it."""

    def decorate(function: Callable[..., Any]) -> click.Command:
        make = click.command(name, cls=Command, context_settings=CONTEXT, options_metavar="[OPTIES]")
        return make(quiet_option(function))

    return decorate


# -- output ---------------------------------------------------------------------------------------

def error(message: str, hint: Hint | None = None) -> None:
    text = f"Fout: {message}" + (f" {HINTS[hint]}" if hint in HINTS else "")
    click.secho(text, fg="red", err=True)


def warn(message: str) -> None:
    click.secho(message, fg="yellow", err=True)


def info(message: str = "") -> None:
    found = state()
    if found is None or not found.quiet:
        click.echo(message, err=True)


def show_path(path: Path) -> None:
    """Each command that makes a file prints its path (data: stdout)."""
    click.echo(str(path))


class progress:  # noqa: N801  (used like a function: progress("Inlezen"))
    """A progress bar for long work on a terminal; nothing when piped, quiet, or only a few items."""

    def __init__(self, label: str, threshold: int = 5) -> None:
        self.label, self.threshold = label, threshold

    def __call__(self, items: Sequence[T]) -> Iterator[T]:
        found = state()
        if len(items) < self.threshold or not sys.stderr.isatty() or (found is not None and found.quiet):
            yield from items
            return
        with click.progressbar(items, label=self.label, file=sys.stderr) as bar:
            yield from bar
