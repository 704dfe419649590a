"""The `formkit` group's handling of what goes wrong: Dutch usage errors, core errors as their
message (and hint) with the exit code SPEC.md gives, and never a traceback (a bug: exit 3)."""

from __future__ import annotations

import sys
from collections.abc import Mapping
from difflib import get_close_matches
from importlib import import_module
from typing import Any

import click

from formkit.cli.common import DutchHelp, State, error, info
from formkit.crash import crash_message, record_crash
from formkit.errors import FormkitError

INTERRUPTED = 130


class FormkitGroup(DutchHelp, click.Group):
    """The commands are named in one table, {name: (module in formkit.cli, function)}, and each
    module is imported only when its command is wanted."""

    def __init__(self, *args: Any, commands_by_name: Mapping[str, tuple[str, str]] | None = None, **extra: Any):
        super().__init__(*args, **extra)
        self.commands_by_name = dict(commands_by_name or {})

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*self.commands, *self.commands_by_name})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in self.commands_by_name:
            module, function = self.commands_by_name[cmd_name]
            command = getattr(import_module(f"formkit.cli.{module}"), function)
            assert command.name == cmd_name, f"{module}.{function} is {command.name}, not {cmd_name}"
            self.commands[cmd_name] = command
        return self.commands.get(cmd_name)

    def main(self, args: Any = None, prog_name: str | None = None, complete_var: str | None = None,
             standalone_mode: bool = True, **extra: Any) -> Any:
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        safe_streams()
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

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except FormkitError as exc:
            error(exc.message, exc.hint)
            ctx.exit(exc.exit_code)
        except KeyboardInterrupt:
            error("Afgebroken.")
            ctx.exit(INTERRUPTED)
        except Exception as exc:  # a bug: one Dutch line, the details (no personal data) in a log
            found = ctx.find_object(State)
            command = ctx.invoked_subcommand or "formkit"
            log = record_crash(exc, found.folder if found is not None else None, command)
            error(crash_message(log))
            ctx.exit(3)


def safe_streams() -> None:
    """A Windows console or a redirected file may be cp1252: a character it cannot show becomes '?'
    instead of stopping the command after its work is done."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def dutch_usage_error(exc: click.UsageError) -> str:
    """The Dutch text of one of click's usage errors."""
    hint = ""
    param = getattr(exc, "param", None)
    if param is not None:
        hint = param.get_error_hint(exc.ctx) if exc.ctx is not None else (param.name or "")
    if isinstance(exc, click.exceptions.NoSuchCommand):
        # from the command table, not click's possibilities: those are only the commands loaded so far
        names = exc.ctx.command.list_commands(exc.ctx) if exc.ctx is not None and isinstance(
            exc.ctx.command, click.Group) else []
        possibilities = get_close_matches(exc.command_name, names) or exc.possibilities
        close = f" Bedoelt u {' of '.join(possibilities)}?" if possibilities else ""
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
