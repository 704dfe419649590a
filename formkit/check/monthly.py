"""The monthly check of a whole register, as `controle` and the web page run it."""

from __future__ import annotations

import datetime as dt

from formkit.check.deadlines import check
from formkit.check.findings import Finding
from formkit.register.reading import Register, read_register
from formkit.settings import Settings


def check_register(settings: Settings, peildatum: dt.date, read: Register | None = None) -> list[Finding]:
    """Every finding of the register on `peildatum`, in the order `controle` shows them.

    read: the register as the caller already read it, so that a page reads the file once."""
    register = read if read is not None else read_register(settings.register)
    return check(register.complaints, peildatum, settings, register.duplicates, register.odd_rows)
