"""Low-level, defensive reading of a PDF's form fields with pypdf (no interpretation here).

Everything pypdf gives back is turned into plain Python text at once, so nothing lazy can
fail later, and every object is type-checked before use: a hostile file can only make pypdf
itself raise, which the caller turns into a Dutch PdfFormError. pypdf's resource limits are
tightened for the whole read (PYPDF_LIMITS, through pypdf.apply_configuration; pyproject.toml
requires a pypdf that knows every one of them): a form is small, a decompression bomb is not.

What real files do that the form dictionary alone would miss, and how it is read here:
- widgets on the pages while the catalogue has no /AcroForm, or files it under a misspelt key (as
  some browser engines save a filled form): the fields are recovered from the pages' /Annots;
- a document whose strings and streams are in clear and only its attachments are encrypted
  (/StmF and /StrF /Identity, /EFF a crypt filter): the fields are read without the password;
- Brotli-compressed streams (PDF 2.0): read with the `brotli` module, else named (`explain`).
`explain` gives the true Dutch message for pypdf errors whose meaning is known.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
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
from formkit.pdf.fields import INFO_FORM, INFO_NUMBER, INFO_VERSION, KINDS

MAX_FIELDS = 2000  # terminal fields accepted at most (ours have 16)
MAX_DEPTH = 32  # nesting of /Kids followed at most
MAX_OBJECT_STREAMS = 64  # compressed object streams at most (a form has one or two)
WALK_BUDGET = 8 * MAX_FIELDS  # field, widget, page, annotation and /Parent visits at most (ours take about 60)
PUSH_BUTTON = 1 << 16  # /Ff bit of a push-button: it holds no answer (TeX documents use thousands as tooltips)
ANSWER_TYPES = ("/Tx", "/Ch", "/Sig", "/Btn")  # field types that hold an answer (/Btn unless a push-button)
PRINTED_ID = re.compile(rf"formkit-(?:{'|'.join(KINDS)})/\d+")  # the form id formkit prints in every footer
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
    recovered: bool = False  # found through the widgets on the pages: the catalogue lists no usable fields


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


@contextmanager
def _limits() -> Iterator[None]:
    """pypdf's tightened limits and formkit's decode budget, for one read."""
    token = _budget.set([TOTAL_DECODED])
    try:
        with pypdf.apply_configuration(None, **PYPDF_LIMITS):  # over the current one, for this read only
            yield
    finally:
        _budget.reset(token)


def load_fields(path: Path, data: bytes) -> tuple[dict[str, RawField], dict[str, str], bool, bool]:
    """Open with pypdf: terminal fields, document info, XFA or not, and whether fields were declared."""
    with _limits():
        return _load(path, data)


def printed_id(path: Path, data: bytes) -> str | None:
    """The form id formkit prints in the footer of every page ('formkit-klacht/1'), read as text from
    the last page, then the first; None when neither shows it or the pages cannot be read.

    For a file without fields only: it tells a formkit form that lost its fields (printed to PDF,
    flattened) from any other document.
    """
    with quiet_pypdf(), _limits():
        try:
            pages = _open(path, data).pages
            for index in dict.fromkeys((len(pages) - 1, 0)):
                if index >= 0 and (found := PRINTED_ID.search(pages[index].extract_text())):
                    return found[0]
        except Exception:  # an unreadable page shows no id; the file has no fields either way
            return None
    return None


def _open(path: Path, data: bytes) -> PdfReader:
    """PdfReader over the bytes, decrypted when that needs no password."""
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
    except LimitReachedError as exc:
        if _COMMENTS in str(exc):  # while reading the cross-reference table or the trailer
            raise PdfFormError(f"{path}: het PDF-bestand is beschadigd: de inhoudsopgave van het bestand is "
                               "onleesbaar.") from exc
        raise
    if reader.is_encrypted:
        _decrypt(path, reader)
    return reader


def _decrypt(path: Path, reader: PdfReader) -> None:
    """Open an encrypted file with the empty password, or read it as it is when only its
    attachments are encrypted; a file that needs a password is refused."""
    try:
        opened = reader.decrypt("")
    except DependencyError:
        raise PdfFormError(_aes_missing(path)) from None
    except NotImplementedError:
        raise PdfFormError(_unknown_encryption(path)) from None
    if opened:
        return
    if _only_attachments_encrypted(reader) and hasattr(reader, "_override_encryption"):
        # Strings and streams are stored in clear (/Identity): read them as stored, the way pypdf
        # itself reads the /Encrypt dictionary. An attachment would be ciphertext; none is read.
        reader._override_encryption = True
        return
    raise PdfFormError(f"{path}: het PDF-bestand is versleuteld met een wachtwoord en kan niet "
                       "worden geopend. Vraag om het formulier zonder wachtwoord op te slaan.")


def _only_attachments_encrypted(reader: PdfReader) -> bool:
    """Whether the /Encrypt dictionary leaves strings and streams in clear (/StmF and /StrF /Identity,
    the default from version 4 on): then at most the attachments (/EFF) are encrypted."""
    encrypt = resolve(reader.trailer.get("/Encrypt"))
    if not isinstance(encrypt, DictionaryObject):
        return False
    version = resolve(encrypt.get("/V"))
    if not isinstance(version, int) or version < 4:
        return False
    return all(resolve(encrypt.get(key, NameObject("/Identity"))) == "/Identity" for key in ("/StmF", "/StrF"))


def _aes_missing(path: Path) -> str:
    return (f"{path}: het PDF-bestand is versleuteld (AES) en deze installatie van formkit kan dat niet openen "
            "(de module 'cryptography' ontbreekt).")


def _unknown_encryption(path: Path) -> str:
    return (f"{path}: het PDF-bestand is versleuteld op een manier die formkit niet kent. Vraag om het "
            "formulier zonder beveiliging op te slaan.")


_COMMENTS = "leading comments"  # pypdf's LimitReachedError for more than 1,000 comments in a row
_ENCRYPTION_WORDS = re.compile(r"encryption|SubFilter|Method|/Crypt", re.I)  # pypdf's NotImplementedErrors


def explain(path: Path, exc: BaseException) -> PdfFormError | None:
    """The true Dutch message for a pypdf error whose meaning is known, wherever it was raised;
    None for the rest (the caller calls those damage, or a bomb for the limits)."""
    text = str(exc)
    if isinstance(exc, DependencyError):
        if "brotli" in text.lower():
            return PdfFormError(f"{path}: het PDF-bestand is gecomprimeerd met Brotli (PDF 2.0) en deze installatie "
                                "van formkit kan dat niet lezen (de module 'brotli' ontbreekt). Installeer formkit "
                                "opnieuw, of vraag om het formulier op te slaan als gewone PDF.")
        if "cryptography" in text or "AES" in text:
            return PdfFormError(_aes_missing(path))
        return PdfFormError(f"{path}: deze installatie van formkit mist een onderdeel om dit PDF-bestand te lezen. "
                            "Installeer formkit opnieuw.")
    if isinstance(exc, NotImplementedError) and _ENCRYPTION_WORDS.search(text):
        return PdfFormError(_unknown_encryption(path))
    if isinstance(exc, LimitReachedError) and (_COMMENTS in text or "Root object recovery" in text):
        # damage, not a bomb: a run of comments inside an object, a catalogue that is not where it should be
        return PdfFormError(f"{path}: het PDF-bestand is beschadigd en niet te lezen.")
    return None


def _load(path: Path, data: bytes) -> tuple[dict[str, RawField], dict[str, str], bool, bool]:
    reader = _open(path, data)
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
    budget = _Budget(path)
    widgets = _walk(path, listed, budget) if isinstance(listed, ArrayObject) else {}
    fields = _fields(path, reader, widgets)
    if not fields:  # no usable form dictionary: the widgets on the pages are the fields
        tops = _widget_fields(path, reader, budget)
        if tops:
            root[NameObject("/AcroForm")] = DictionaryObject({NameObject("/Fields"): tops})  # in memory only
            fields = _fields(path, reader, _walk(path, tops, budget))
            for raw in fields.values():
                raw.recovered = True
    return fields, info, xfa, declared


def _fields(path: Path, reader: PdfReader, widgets: dict[str, RawField]) -> dict[str, RawField]:
    """pypdf's terminal fields with their values, joined with what our own walk found."""
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
    return fields


class _Budget:
    """The visits one read may make to fields, widgets, pages, annotations and /Parent links."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.left = WALK_BUDGET

    def spend(self, steps: int = 1, pages: bool = False) -> None:
        self.left -= steps
        if self.left >= 0:
            return
        if pages:
            raise PdfFormError(f"{self.path}: het PDF-bestand heeft onwaarschijnlijk veel pagina's of onderdelen "
                               "voor een formulier en is daarom niet helemaal gelezen.")
        raise PdfFormError(f"{self.path}: het formulier heeft onwaarschijnlijk veel velden of onderdelen; dit is "
                           "geen formulier van formkit (of het is beschadigd).")


def _widget_fields(path: Path, reader: PdfReader, budget: _Budget) -> ArrayObject:
    """The top-level fields of the answer-holding widgets on the pages, for a file whose catalogue
    has no usable form dictionary: each widget's /Parent chain is followed up to its top field,
    which needs a name (/T); the chain must give a field type (/FT) that holds an answer.
    An unreadable page tree is damage (pypdf raises)."""
    tops: dict[int, IndirectObject] = {}
    for page in reader.pages:
        budget.spend(pages=True)
        annots = resolve(page.get("/Annots"))
        if not isinstance(annots, ArrayObject):
            continue
        budget.spend(len(annots), pages=True)
        for ref in annots:
            widget = resolve(ref)
            if not isinstance(ref, IndirectObject) or not isinstance(widget, DictionaryObject) \
                    or resolve(widget.get("/Subtype")) != "/Widget":
                continue
            top_ref, top, own = ref, widget, {k: widget[k] for k in ("/FT", "/Ff") if k in widget}
            seen = {id(widget)}
            while isinstance(up := top.get("/Parent"), IndirectObject):
                budget.spend()
                parent = resolve(up)
                if not isinstance(parent, DictionaryObject) or id(parent) in seen or len(seen) > MAX_DEPTH:
                    raise PdfFormError(f"{path}: het PDF-bestand is beschadigd: de invulvelden zijn "
                                       "onwaarschijnlijk diep genest of verwijzen eindeloos naar elkaar.")
                seen.add(id(parent))
                own = {k: parent[k] for k in ("/FT", "/Ff") if k in parent} | own  # the nearest wins
                top_ref, top = up, parent
            ftype, flags = resolve(own.get("/FT")), resolve(own.get("/Ff"))
            push = isinstance(flags, int) and bool(flags & PUSH_BUTTON)
            if "/T" in top and ftype in ANSWER_TYPES and not (ftype == "/Btn" and push):
                tops.setdefault(id(top), top_ref)
    return ArrayObject(tops.values())


def _object_streams(path: Path, reader: PdfReader) -> None:
    """Decode every object stream the xref names, up front and within the budget for all of them."""
    streams = sorted({entry[0] for entry in getattr(reader, "xref_objStm", {}).values()})
    if len(streams) > MAX_OBJECT_STREAMS:  # a document of hundreds of pages, or a bomb: no form either way
        raise PdfFormError(f"{path}: het PDF-bestand is te ingewikkeld opgebouwd voor een formulier "
                           f"({len(streams)} objectstromen, hoogstens {MAX_OBJECT_STREAMS}) en is daarom niet "
                           "gelezen.")
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


def _walk(path: Path, listed: ArrayObject, budget: _Budget) -> dict[str, RawField]:
    """Our own walk of /Fields, before pypdf's: widget /AS and /Opt, and a bound on the work.

    pypdf's get_fields() walks the same tree but does not count widgets, so 2,000 fields that
    share one /Kids array of 2,000 widgets take it minutes. Here every node and widget visit
    (repeats included) and every /Parent step is counted; past the budget the file is refused
    before pypdf walks it.
    """
    found: dict[str, RawField] = {}
    seen: set[int] = set()
    spend = budget.spend

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
