"""Low-level, defensive reading of a PDF's form fields with pypdf (no interpretation here).

Everything pypdf gives back is turned into plain Python text at once, so nothing lazy can
fail later, and every object is type-checked before use: a hostile file can only make pypdf
itself raise, which the caller turns into a Dutch PdfFormError. pypdf's resource limits are
tightened for the whole read (PYPDF_LIMITS, through pypdf.apply_configuration; pyproject.toml
requires a pypdf that knows every one of them): a form is small, a decompression bomb is not.
"""

from __future__ import annotations

import codecs
import io
import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pypdf
from pypdf import PdfReader
from pypdf.errors import DependencyError
from pypdf.errors import LimitReachedError as LimitReachedError  # re-exported: reading.py catches it
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
)

from formkit.errors import PdfFormError
from formkit.pdf.fields import INFO_FORM, INFO_NUMBER, INFO_VERSION

MAX_FIELDS = 2000  # terminal fields accepted at most (ours have 16)
MAX_DEPTH = 32  # nesting of /Kids followed at most
MAX_OBJECT_STREAMS = 64  # compressed object streams at most (a form has one or two)
WALK_BUDGET = 8 * MAX_FIELDS  # field, widget and /Parent visits at most (ours take about 60)
LIMIT = 4 * 2**20  # bytes any one stream may inflate to; a form's object streams hold far less
TOTAL_DECODED = 32 * 2**20  # bytes all decoded streams of one file may take together (see _budget)
# Every one applied for the whole read with pypdf.apply_configuration (see load_fields). pypdf >= 7.0
# knows all these names (xfa_decoding_work_maximum_length came last); an unknown name raises, so a
# limit is never dropped silently. pypdf raises LimitReachedError when one is exceeded.
PYPDF_LIMITS: dict[str, int] = {
    "maximum_declared_stream_length": TOTAL_DECODED,  # > MAX_PDF_BYTES: only lies are refused
    "zlib_maximum_output_length": LIMIT,
    "lzw_maximum_output_length": LIMIT,
    "run_length_maximum_output_length": LIMIT,
    "brotli_maximum_output_length": LIMIT,
    "jbig2_maximum_output_length": LIMIT,
    "array_based_stream_maximum_output_length": LIMIT,
    "image_maximum_buffer_size": LIMIT,
    "stream_decoding_work_maximum_length": 4 * LIMIT,
    "xfa_decoding_work_maximum_length": LIMIT,
    "form_fields_maximum_entries": 4 * MAX_FIELDS,
    "form_fields_maximum_depth": MAX_DEPTH,
}
# pypdf's limits are per stream and it keeps what it decoded: sixty object streams of 15 MB each
# (a 1 MB file) took 30 s and 1 GB. So formkit counts decoded bytes over the whole read.
_budget: ContextVar[list[int] | None] = ContextVar("formkit_pdf_decode_budget", default=None)


class TooMuchData(Exception):
    """The streams of one file inflate to more than TOTAL_DECODED: a bomb spread over many streams."""


def _decoded(stream: StreamObject) -> bytes:
    """A stream's data, counted against the budget of the read in progress (load_fields)."""
    data = stream.get_data()
    left = _budget.get()
    if left is None:
        return data
    left[0] -= len(data)
    if left[0] < 0:
        raise TooMuchData(f"more than {TOTAL_DECODED} bytes decoded")
    return data


@dataclass
class RawField:
    """One terminal field: the value pypdf reports and the on/off states of its widgets."""

    name: str
    ftype: str  # /Tx, /Btn, /Ch, /Sig or ""
    value: str  # /V as text ("/Yes" for a name); lists joined with ", "
    states: list[str] = field(default_factory=list)  # /AS of each widget ("Off" included)
    options: list[str] = field(default_factory=list)  # /Opt export values, if any
    kind: str = "empty"  # what /V was: empty | text | name | number | list | other (dict, boolean, ...)
    repaired: bool = False  # the text was not validly encoded; bad bytes became U+FFFD


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
    token = _budget.set([TOTAL_DECODED])
    try:
        with pypdf.apply_configuration(None, **PYPDF_LIMITS):  # over the current one, for this read only
            return _load(path, data)
    finally:
        _budget.reset(token)


def _load(path: Path, data: bytes) -> tuple[dict[str, RawField], dict[str, str], bool, bool]:
    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except DependencyError:
            raise PdfFormError(f"{path}: het PDF-bestand is versleuteld (AES) en deze installatie van formkit "
                               "kan dat niet openen (de module 'cryptography' ontbreekt).") from None
        except NotImplementedError:
            raise PdfFormError(f"{path}: het PDF-bestand is versleuteld op een manier die formkit niet kent. "
                               "Vraag om het formulier zonder beveiliging op te slaan.") from None
        if not opened:
            raise PdfFormError(f"{path}: het PDF-bestand is versleuteld met een wachtwoord en kan niet "
                               "worden geopend. Vraag om het formulier zonder wachtwoord op te slaan.")
    _object_streams(path, reader)
    root = resolve(reader.trailer.get("/Root"))
    if not isinstance(root, DictionaryObject):
        raise PdfFormError(f"{path}: het PDF-bestand is beschadigd en niet te lezen.")
    acro = resolve(root.get("/AcroForm"))
    acro = acro if isinstance(acro, DictionaryObject) else None
    xfa = acro is not None and "/XFA" in acro
    listed = resolve(acro.get("/Fields")) if acro is not None else None
    declared = listed is not None and not (isinstance(listed, ArrayObject) and len(listed) == 0)
    info: dict[str, str] = {}
    meta = resolve(reader.trailer.get("/Info"))
    if isinstance(meta, DictionaryObject):
        for key in (INFO_FORM, INFO_VERSION, INFO_NUMBER, "/Subject"):
            text, kind, _ = value_of(meta.get(key))
            if kind in ("text", "name"):
                info[key] = text
    widgets = _walk(path, listed) if isinstance(listed, ArrayObject) else {}
    fields: dict[str, RawField] = {}
    for key, fld in (reader.get_fields() or {}).items():
        if any("/T" in kid for kid in _kids(fld)):
            continue  # a non-terminal node; its children are listed themselves
        name = key if isinstance(key, str) else text_of(key)
        raw = widgets.get(name, RawField(name, "", ""))
        raw.ftype = text_of(resolve(fld.get("/FT"))) or raw.ftype
        if "/V" in fld:
            raw.value, raw.kind, raw.repaired = value_of(fld.get("/V"))
        fields[name] = raw
        if len(fields) > MAX_FIELDS:
            raise PdfFormError(f"{path}: het formulier heeft onwaarschijnlijk veel velden; dit is geen "
                               "formulier van formkit.")
    return fields, info, xfa, declared


def _object_streams(path: Path, reader: PdfReader) -> None:
    """Decode every object stream the xref names, up front and within the budget for all of them."""
    streams = sorted({entry[0] for entry in getattr(reader, "xref_objStm", {}).values()})
    if len(streams) > MAX_OBJECT_STREAMS:
        raise PdfFormError(f"{path}: het PDF-bestand is beschadigd of onveilig: het is onwaarschijnlijk "
                           "ingewikkeld opgebouwd en is daarom niet gelezen.")
    for num in streams:
        stream = resolve(IndirectObject(num, 0, reader))
        if isinstance(stream, StreamObject):
            _decoded(stream)


def _kids(node: Any) -> list[DictionaryObject]:
    """The dictionaries in a node's /Kids; anything else there is ignored."""
    kids = resolve(node.get("/Kids")) if isinstance(node, DictionaryObject) else None
    if not isinstance(kids, ArrayObject):
        return []
    return [kid for kid in (resolve(k) for k in kids[:WALK_BUDGET]) if isinstance(kid, DictionaryObject)]


def _walk(path: Path, listed: ArrayObject) -> dict[str, RawField]:
    """Our own walk of /Fields, before pypdf's: widget /AS and /Opt, and a bound on the work.

    pypdf's get_fields() walks the same tree but does not count widgets, so 2,000 fields that
    share one /Kids array of 2,000 widgets take it minutes. Here every node and widget visit
    (repeats included) and every /Parent step is counted; past the budget the file is refused
    before pypdf walks it.
    """
    found: dict[str, RawField] = {}
    seen: set[int] = set()
    budget = [WALK_BUDGET]

    def spend(steps: int = 1) -> None:
        budget[0] -= steps
        if budget[0] < 0:
            raise PdfFormError(f"{path}: het formulier heeft onwaarschijnlijk veel velden of onderdelen; dit is "
                               "geen formulier van formkit (of het is beschadigd).")

    def visit(node: Any, prefix: str, inherited: dict[str, Any], depth: int) -> None:
        spend()
        if not isinstance(node, DictionaryObject) or id(node) in seen:
            return
        if depth > MAX_DEPTH:
            raise PdfFormError(f"{path}: het PDF-bestand is beschadigd: de invulvelden zijn onwaarschijnlijk "
                               "diep genest.")
        seen.add(id(node))
        spend(_parents(path, node))
        own = inherited | {k: node[k] for k in ("/FT", "/V", "/Opt") if k in node}
        name = prefix
        if "/T" in node:
            part = text_of(resolve(node["/T"]))
            name = f"{prefix}.{part}" if prefix else part
        kids = _kids(node)
        spend(len(kids))
        named_kids = [k for k in kids if "/T" in k]
        if named_kids:
            for kid in named_kids:
                visit(kid, name, own, depth + 1)
            return
        raw = found.setdefault(name, RawField(name, text_of(resolve(own.get("/FT"))), ""))
        raw.value, raw.kind, raw.repaired = value_of(own.get("/V"))
        opts = resolve(own.get("/Opt"))
        if isinstance(opts, ArrayObject) and not raw.options:
            spend(len(opts))
            for opt in opts:
                opt = resolve(opt)
                if isinstance(opt, ArrayObject) and opt:  # [export value, display text]
                    opt = resolve(opt[0])
                raw.options.append(value_of(opt)[0])
        for widget in kids or [node]:
            state = resolve(widget.get("/AS"))
            if isinstance(state, str):
                raw.states.append(str(state).lstrip("/"))

    spend(len(listed))
    for ref in listed:
        visit(resolve(ref), "", {}, 0)
    return found


def _parents(path: Path, node: DictionaryObject) -> int:
    """Length of the /Parent chain (pypdf follows it for every field's full name); bounded."""
    steps, seen = 0, {id(node)}
    while isinstance(node := resolve(node.get("/Parent")), DictionaryObject):
        steps += 1
        if steps > MAX_DEPTH or id(node) in seen:
            raise PdfFormError(f"{path}: het PDF-bestand is beschadigd: de invulvelden zijn onwaarschijnlijk "
                               "diep genest of verwijzen eindeloos naar elkaar.")
        seen.add(id(node))
    return steps


def resolve(value: Any) -> Any:
    """The object behind a reference (a few hops at most: references to references exist)."""
    for _ in range(8):
        if not isinstance(value, IndirectObject):
            return value
        value = value.get_object()
    return None


def value_of(value: Any) -> tuple[str, str, bool]:
    """A field value as (text, kind, repaired): what a register cell can take, and what it was."""
    value = resolve(value)
    if value is None or isinstance(value, NullObject):
        return "", "empty", False
    if isinstance(value, NameObject):
        return str(value), "name", False
    if isinstance(value, (NumberObject, FloatObject)):
        return str(value), "number", False
    if isinstance(value, StreamObject):  # a "text stream": allowed for long texts
        text, repaired = decode_text(_decoded(value))
        return text, "text", repaired
    if isinstance(value, (BooleanObject, DictionaryObject)):
        return "", "other", False
    if isinstance(value, str):
        raw = getattr(value, "_original_bytes", None)  # pypdf reads a broken UTF-8 string as PDFDocEncoding
        if isinstance(raw, bytes) and raw.startswith(codecs.BOM_UTF8):
            text, repaired = decode_text(raw)
            return text, "text", repaired
        return str(value), "text", False
    if isinstance(value, bytes):
        text, repaired = decode_text(bytes(value))
        return text, "text", repaired
    if isinstance(value, (list, tuple)):
        parts = [value_of(v) for v in value[:MAX_FIELDS]]
        if all(kind in ("text", "name", "number") for _, kind, _ in parts):
            return ", ".join(text for text, _, _ in parts), "list", any(r for _, _, r in parts)
    return "", "other", False


def decode_text(data: bytes) -> tuple[str, bool]:
    """Bytes of a PDF text string: UTF-16 or UTF-8 by their mark, else UTF-8, Windows-1252 or latin-1."""
    for bom, codec in ((codecs.BOM_UTF16_BE, "utf-16-be"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF8, "utf-8")):
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body.decode(codec), False
            except UnicodeDecodeError:
                return body.decode(codec, errors="replace"), True
    for enc in ("utf-8", "cp1252"):
        try:
            return data.decode(enc), False
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), False


def text_of(value: Any) -> str:
    """A PDF string, name or number as text; a name keeps its slash ('/Yes')."""
    return value_of(value)[0]
