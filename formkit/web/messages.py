"""Messages for the next page a browser sees: what was done, what went wrong and what to do about it.

An error's Hint (formkit.errors) becomes a button or a field: the message keeps the form that was
sent, so the user can send it again with the overwrite flag, a date, or as it was.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from flask import request

from formkit.errors import FormkitError, Hint
from formkit.web import texts
from formkit.web.site import session


@dataclass
class Message:
    level: str  # "ok" | "let-op" | "fout"
    text: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    hint: Hint | None = None
    hint_text: str = ""
    button: str = ""  # label of the button that sends the form again
    action: str = ""  # where that form goes
    fields: dict[str, str] = field(default_factory=dict)  # the form as sent, without its CSRF token
    dates: dict[str, str] = field(default_factory=dict)  # Klachtnummer -> why a date is needed


def _add(message: Message) -> Message:
    session().messages.append(message)
    return message


def done(text: str, links: Sequence[tuple[str, str]] = ()) -> Message:
    return _add(Message("ok", text, list(links)))


def warning(text: str, links: Sequence[tuple[str, str]] = ()) -> Message:
    return _add(Message("let-op", text, list(links)))


def error(text: str) -> Message:
    return _add(Message("fout", text))


def failed(exc: FormkitError, dates: Mapping[str, str] | None = None) -> Message:
    """A core error in its own Dutch words, with what its Hint offers on a page."""
    message = Message("fout", exc.message, hint=exc.hint)
    hint = exc.hint
    if hint is not None:
        message.hint_text = texts.HINT_TEXTS.get(hint, "")
        message.button = texts.HINT_BUTTONS.get(hint, "")
        if message.button:
            message.action = request.path
            message.fields = _resent(request.form)
            if hint is Hint.OVERWRITE:
                message.fields["overwrite"] = "1"
            if hint is Hint.PEILDATUM_TODAY:
                message.fields["peildatum"] = ""
    if hint is Hint.EXPECTED_DATE:
        number = request.form.get("nummer", "")
        message.dates = dict(dates or {number: ""})
        message.fields.pop("verwacht", None)
    return _add(message)


def _resent(form: Mapping[str, str]) -> dict[str, str]:
    """The form as it can be sent again: never its CSRF token, never a password (typed again)."""
    return {k: v for k, v in form.items() if k not in ("csrf", "wachtwoord")}


def overwrite_offer(text: str) -> Message:
    """Files that exist and were left alone: the same form again, with overwrite."""
    message = Message("let-op", text, hint=Hint.OVERWRITE, button=texts.HINT_BUTTONS[Hint.OVERWRITE],
                      action=request.path)
    message.fields = _resent(request.form)
    message.fields["overwrite"] = "1"
    return _add(message)
