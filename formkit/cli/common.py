"""What every command shares: options defined once, the date type, output helpers, the working folder."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from formkit.settings import Settings, load_settings
from formkit.dates import DateParseError, parse_cli_date
from formkit.errors import FormkitError

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class DateType(click.ParamType):
    """A date on the command line: 2026-11-24 or 24-11-2026."""

    name = "DATUM"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        try:
            return parse_cli_date(value)
        except DateParseError as exc:
            self.fail(str(exc).split(" (verwacht")[0] + " (gebruik 2026-11-24 of 24-11-2026)", param, ctx)


DATE = DateType()

# Options shared by several commands, defined once.
peildatum_option = click.option(
    "--peildatum", type=DATE, default=None, metavar="DATUM", help="Datum waarop gecontroleerd wordt (standaard: vandaag)."
)
dry_run_option = click.option("--dry-run", is_flag=True, help="Laat zien wat er zou gebeuren; wijzig niets.")
json_option = click.option("--json", "as_json", is_flag=True, help="Uitvoer als JSON op stdout.")
yes_option = click.option("--yes", "-y", is_flag=True, help="Niet om bevestiging vragen.")
overwrite_option = click.option("--overwrite", is_flag=True, help="Bestaande bestanden of waarden overschrijven.")
quiet_option = click.option("--quiet", "-q", is_flag=True, help="Alleen fouten melden.")


class FormkitGroup(click.Group):
    """Turns core errors into a Dutch message on stderr and the exit code SPEC.md gives."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        """click's own usage errors are English; say them in Dutch, exit 2 as SPEC.md asks."""
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        try:
            result = super().main(args, prog_name, complete_var, False, **extra)
        except click.UsageError as exc:
            error(dutch_usage_error(exc))
            command = exc.ctx.command_path if exc.ctx is not None else "formkit"
            info(f"Zie '{command} --help' voor uitleg en voorbeelden.")
            sys.exit(2)
        except click.Abort:
            error("Afgebroken; er is niets gewijzigd.")
            sys.exit(1)
        except click.ClickException as exc:
            error(exc.format_message())
            sys.exit(exc.exit_code)
        sys.exit(result if isinstance(result, int) else 0)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except FormkitError as exc:
            error(exc.message)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            error("Afgebroken; het register is niet half bijgewerkt.")
            ctx.exit(130)


def dutch_usage_error(exc: click.UsageError) -> str:
    """The Dutch text of one of click's usage errors."""
    hint = ""
    param = getattr(exc, "param", None)
    if param is not None:
        hint = param.get_error_hint(exc.ctx) if exc.ctx is not None else (param.name or "")
    if isinstance(exc, click.exceptions.NoSuchCommand):
        close = f" Bedoelt u {' of '.join(exc.possibilities)}?" if exc.possibilities else ""
        return f"Onbekende opdracht '{exc.command_name}'.{close}"
    if isinstance(exc, click.NoSuchOption):
        close = f" Bedoelt u {' of '.join(exc.possibilities)}?" if exc.possibilities else ""
        return f"Onbekende optie {exc.option_name}.{close}"
    if isinstance(exc, click.MissingParameter):
        return f"{hint or 'Een gegeven'} ontbreekt."
    if isinstance(exc, click.BadParameter):
        if param is not None and isinstance(param.type, click.Choice):
            return f"Ongeldige waarde voor {hint}: kies uit {', '.join(map(str, param.type.choices))}."
        return f"Ongeldige waarde voor {hint}: {exc.message}" if hint else exc.message
    message = exc.message
    if message.startswith("Got unexpected extra argument"):
        extra = message[message.find("(") + 1 : message.rfind(")")]
        return f"Te veel argumenten: {extra}."
    if message.startswith("Option") and "requires an argument" in message:
        return f"Optie {message.split()[1]} verwacht een waarde."
    return message


def error(message: str) -> None:
    click.secho(f"Fout: {message}", fg="red", err=True)


def warn(message: str) -> None:
    click.secho(message, fg="yellow", err=True)


def info(message: str) -> None:
    click.echo(message, err=True)


def show_path(path: Path) -> None:
    """Each command that makes a file prints its path (data: stdout)."""
    click.echo(str(path))


class State:
    """What the group options chose: the working folder and an optional register path."""

    def __init__(self, folder: Path, register: Path | None):
        self.folder = folder
        self.register = register
        self._settings: Settings | None = None

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(self.folder, self.register)
        return self._settings


pass_state = click.make_pass_decorator(State)
