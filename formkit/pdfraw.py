"""Low-level, defensive reading of a PDF's form fields with pypdf (no interpretation here).

Everything pypdf gives back is turned into plain Python text at once, so nothing lazy can
fail later; the caller turns any exception into a Dutch PdfFormError.
"""

from __future__ import annotations

import io
import logging
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from pypdf import PdfReader
from pypdf.errors import DependencyError

from formkit.errors import PdfFormError
from formkit.pdffields import INFO_FORM, INFO_VERSION

MAX_FIELDS = 2000  # terminal fields accepted at most (ours have 16)
MAX_DEPTH = 32  # nesting of /Kids followed at most


@dataclass
class RawField:
    """One terminal field: the value pypdf reports and the on/off states of its widgets."""

    name: str
    ftype: str  # /Tx, /Btn, /Ch, /Sig or ""
    value: str  # /V as text ("/Yes" for a name); lists joined with ", "
    states: list[str] = field(default_factory=list)  # /AS of each widget ("Off" included)
    options: list[str] = field(default_factory=list)  # /Opt export values, if any


class _Keep(logging.Handler):
    """Collects pypdf's complaints instead of printing them."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def quiet_pypdf() -> Iterator[list[logging.LogRecord]]:
    """Silence pypdf's logging and warnings for this read, but remember that it complained."""
    logger, handler = logging.getLogger("pypdf"), _Keep()
    saved = (logger.level, logger.propagate, logger.disabled)
    logger.addHandler(handler)
    logger.level, logger.propagate, logger.disabled = logging.WARNING, False, False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield handler.records
    finally:
        logger.removeHandler(handler)
        logger.level, logger.propagate, logger.disabled = saved


def load_fields(path: Path, data: bytes) -> tuple[dict[str, RawField], dict[str, str], bool, bool]:
    """Open with pypdf: terminal fields, document info, XFA or not, and whether fields were declared."""
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except DependencyError:
            raise PdfFormError(f"{path}: het PDF-bestand is versleuteld (AES) en deze installatie van formkit "
                               "kan dat niet openen (de module 'cryptography' ontbreekt).") from None
        if not opened:
            raise PdfFormError(f"{path}: het PDF-bestand is versleuteld met een wachtwoord en kan niet "
                               "worden geopend. Vraag om het formulier zonder wachtwoord op te slaan.")
    root = reader.trailer["/Root"].get_object()
    acro = root.get("/AcroForm")
    acro = acro.get_object() if acro is not None else None
    xfa = bool(acro is not None and "/XFA" in acro)
    declared = acro is not None and len(acro.get("/Fields") or []) > 0
    info: dict[str, str] = {}
    meta = reader.trailer.get("/Info")
    meta = meta.get_object() if meta is not None else None
    if hasattr(meta, "items"):
        for key in (INFO_FORM, INFO_VERSION, "/Subject"):
            if key in meta:
                info[key] = text_of(resolve(meta[key]))
    widgets = _walk(acro) if acro is not None else {}
    fields: dict[str, RawField] = {}
    for key, fld in (reader.get_fields() or {}).items():
        if "/Kids" in fld and any("/T" in k.get_object() for k in fld["/Kids"]):
            continue  # a non-terminal node; its children are listed themselves
        name = text_of(key)
        raw = widgets.get(name, RawField(name, "", ""))
        raw.ftype = text_of(resolve(fld.get("/FT"))) or raw.ftype
        raw.value = text_of(resolve(fld.get("/V"))) if "/V" in fld else raw.value
        fields[name] = raw
        if len(fields) > MAX_FIELDS:
            raise PdfFormError(f"{path}: het formulier heeft onwaarschijnlijk veel velden; dit is geen "
                               "formulier van formkit.")
    return fields, info, xfa, declared


def _walk(acro: Any) -> dict[str, RawField]:
    """Our own walk of /Fields for what get_fields() leaves out: widget /AS and /Opt."""
    found: dict[str, RawField] = {}
    seen: set[int] = set()
    budget = [MAX_FIELDS * 4]

    def visit(ref: Any, prefix: str, inherited: dict[str, Any], depth: int) -> None:
        budget[0] -= 1
        if depth > MAX_DEPTH or budget[0] < 0:
            return
        node = ref.get_object()
        if not hasattr(node, "get") or id(node) in seen:
            return
        seen.add(id(node))
        own = inherited | {k: node[k] for k in ("/FT", "/V", "/Opt") if k in node}
        name = prefix
        if "/T" in node:
            part = text_of(node["/T"])
            name = f"{prefix}.{part}" if prefix else part
        kids = node.get("/Kids")
        kids = kids.get_object() if kids is not None else []
        named_kids = [k for k in kids if "/T" in k.get_object()]
        if named_kids:
            for kid in named_kids:
                visit(kid, name, own, depth + 1)
            return
        raw = found.setdefault(name, RawField(name, text_of(resolve(own.get("/FT"))),
                                               text_of(resolve(own.get("/V")))))
        opts = own.get("/Opt")
        if opts is not None and not raw.options:
            raw.options = [text_of(o.get_object()[0] if isinstance(o.get_object(), list) else o)
                           for o in opts.get_object()]
        for widget in (kids or [node]):
            w = widget.get_object()
            if "/AS" in w:
                raw.states.append(text_of(w["/AS"]).lstrip("/"))

    fields = acro.get("/Fields")
    for ref in (fields.get_object() if fields is not None else []):
        visit(ref, "", {}, 0)
    return found


def resolve(value: Any) -> Any:
    return value.get_object() if hasattr(value, "get_object") else value


def text_of(value: Any) -> str:
    """A PDF string, name or number as text; a name keeps its slash ('/Yes')."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        for enc in ("utf-8", "cp1252"):
            try:
                return value.decode(enc)
            except UnicodeDecodeError:
                continue
        return value.decode("latin-1")
    if isinstance(value, (list, tuple)):
        return ", ".join(text_of(resolve(v)) for v in value)
    return str(value)
