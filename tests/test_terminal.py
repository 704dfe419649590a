"""formkit on a real terminal (a pseudo-terminal, as staff's console is one): the questions it asks,
the certificate password it never shows, and Ctrl-D as an answer. The real command runs in a child
process whose controlling terminal is the pseudo-terminal, so the password prompt turns echo off
exactly as it does for staff."""

from __future__ import annotations

import datetime as dt
import os
import select
import subprocess
import sys

import pytest

from formkit.outgoing.signing import PASSWORD_VARIABLE
from formkit.register.reading import read_register
from tests.pki import PASSWORD, pdfsig
from tests.test_brief_outgoing import folder, made, pki  # noqa: F401  (fixtures)
from tests.test_letters_edges import LATER, late  # noqa: F401  (fixture)

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals exist on POSIX only")


class Terminal:
    """`formkit --map ROOT ARGS` with a pseudo-terminal as its console; what it shows is kept."""

    def __init__(self, root, *args: str) -> None:
        import fcntl
        import termios

        master, slave = os.openpty()
        env = {k: v for k, v in os.environ.items() if k != PASSWORD_VARIABLE}
        self.process = subprocess.Popen(
            [sys.executable, "-m", "formkit", "--map", str(root), *args], stdin=slave, stdout=slave, stderr=slave,
            env=env, start_new_session=True, preexec_fn=lambda: fcntl.ioctl(0, termios.TIOCSCTTY, 0))
        os.close(slave)
        self.master = master
        self.shown = b""

    def _read(self, timeout: float) -> bool:
        """More of what the terminal shows; False when the command has closed it."""
        if not select.select([self.master], [], [], timeout)[0]:
            raise AssertionError(f"the terminal showed nothing new for {timeout} s: {self.text()!r}")
        try:
            chunk = os.read(self.master, 4096)
        except OSError:  # EIO: every process holding the terminal has ended
            chunk = b""
        self.shown += chunk
        return bool(chunk)

    def expect(self, text: str, timeout: float = 120) -> None:
        while text not in self.text():
            assert self._read(timeout), f"ended before showing {text!r}: {self.text()!r}"

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def end(self, timeout: float = 120) -> int:
        while self._read(timeout):
            pass
        os.close(self.master)
        return self.process.wait(timeout)

    def text(self) -> str:
        return self.shown.decode("utf-8", errors="replace").replace("\r\n", "\n")


@pytest.mark.parametrize("typed", ["fout-wachtwoord-42", PASSWORD])
def test_the_password_is_asked_without_showing_it(folder, typed):  # noqa: F811
    terminal = Terminal(folder.root, "brief", "terugkoppeling", "K-2026-001", "--onderteken")
    terminal.expect("Wachtwoord van het certificaat")
    terminal.type(typed + "\n")
    code = terminal.end()
    assert typed not in terminal.text(), "the password was shown on the screen"
    pdf = folder.dossier("K-2026-001") / f"{dt.date.today()} terugkoppeling K-2026-001.pdf"
    if typed == PASSWORD:
        assert code == 0, terminal.text()
        assert pdfsig(pdf)["Signature Validation"] == "Signature is Valid."
    else:
        assert code == 2 and "klopt niet" in terminal.text()
        assert made(folder, "K-2026-001") == set()
        assert read_register(folder.register).get("K-2026-001").feedback_date is None


def test_ctrl_d_at_the_expected_date_question_changes_nothing(late):  # noqa: F811
    before = late.register.read_bytes()
    terminal = Terminal(late.root, "brief", "ontvangst", "K-2026-001", "K-2026-002")
    terminal.expect("K-2026-001: de afhandeltermijn was")
    terminal.expect("Welke datum mag de klant nu verwachten?")
    terminal.type("\x04")  # Ctrl-D: end of input
    assert terminal.end() == 1
    assert "Afgebroken; er is niets gewijzigd." in terminal.text() and "Traceback" not in terminal.text()
    assert late.register.read_bytes() == before and not any(late.dossiers.rglob("*"))


def test_a_date_typed_wrongly_is_asked_again_then_recorded(late):  # noqa: F811
    terminal = Terminal(late.root, "brief", "ontvangst", "K-2026-001")
    terminal.expect("Welke datum mag de klant nu verwachten?")
    terminal.type("31-02-2026\n")
    terminal.expect("bestaat niet als datum")
    terminal.type(LATER.strftime("%d-%m-%Y") + "\n")
    assert terminal.end() == 0, terminal.text()
    assert read_register(late.register).get("K-2026-001").extended_until == LATER
