"""`formkit app`: the staff's web page on this computer (formkit.web)."""

from __future__ import annotations

from typing import Any

import click

from formkit.cli.common import command, info, state


class PortType(click.ParamType):
    """A port number, refused in Dutch (click's int type says 'is not a valid integer')."""

    name = "N"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> int:
        text = str(value).strip()
        if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 65535:
            self.fail(f"{text or '(leeg)'} is geen poort; kies een getal van 1 tot en met 65535.", param, ctx)
        return int(text)


@command("app")
@click.option("--port", type=PortType(), default=None, metavar="N",
              help="Poort op 127.0.0.1, 1 tot en met 65535 (standaard: een vrije poort).")
@click.option("--no-browser", is_flag=True, help="Alleen het adres tonen; de browser niet openen.")
@click.pass_context
def app_command(ctx: click.Context, port: int | None, no_browser: bool) -> None:
    """Open de klachtenprocedure als webpagina op deze computer; stop met Ctrl-C.

    Het adres (met een sleutel) staat op de eerste regel; alleen deze computer kan de pagina openen.

    \b
    Voorbeeld:
      formkit --map voorbeeld app
      formkit app --port 8765 --no-browser
    """
    from formkit.web.server import serve  # Flask and waitress: only this command

    found = state()
    assert found is not None
    settings = found.settings  # the working folder, found as every command finds it

    def show(line: str) -> None:
        click.echo(line)  # data: the address, even with --quiet

    serve(settings.root, found.register, port, not no_browser, info, show)
