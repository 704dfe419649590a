"""Low-level, defensive reading of a PDF's form fields with pypdf (no interpretation here).

Everything pypdf gives back is turned into plain Python text at once, so nothing lazy can
fail later, and every object is type-checked before use: a hostile file can only make pypdf
itself raise, which the caller turns into a Dutch PdfFormError. The file is opened inside
formkit's limits (formkit.pdf.opening); every walk here has a visit budget of its own.

What real files do that the form dictionary alone would miss: widgets on the pages while the
catalogue has no /AcroForm, or files it under a misspelt key (as some browser engines save a
filled form), or lists only some of them: the fields are recovered from the pages' /Annots.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pypdf import PdfReader
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
from formkit.pdf.opening import MAX_DEPTH, MAX_FIELDS, decoded, limits, open_pdf, quiet_pypdf, resolve

MAX_OBJECT_STREAMS = 64  # compressed object streams at most (a form has one or two)
WALK_BUDGET = 8 * MAX_FIELDS  # field, widget, page, annotation and /Parent visits at most (ours take about 60)
PUSH_BUTTON = 1 << 16  # /Ff bit of a push-button: it holds no answer (TeX documents use thousands as tooltips)
ANSWER_TYPES = ("/Tx", "/Ch", "/Sig", "/Btn")  # field types that hold an answer (/Btn unless a push-button)
PRINTED_ID = re.compile(rf"formkit-(?:{'|'.join(KINDS)})/\d+")  # the form id formkit prints in every footer


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


def load_fields(path: Path, data: bytes) -> tuple[dict[str, RawField], dict[str, str], bool, bool]:
    """Open with pypdf: terminal fields, document info, XFA or not, and whether fields were declared."""
    with limits():
        return _load(path, data)


def printed_id(path: Path, data: bytes) -> str | None:
    """The form id formkit prints in the footer of every page ('formkit-klacht/1'), read as text from
    the last page, then the first; None when neither shows it or the pages cannot be read.

    For a file without fields only: it tells a formkit form that lost its fields (printed to PDF,
    flattened) from any other document.
    """
    with quiet_pypdf(), limits():
        try:
            pages = open_pdf(path, data).pages
            for index in dict.fromkeys((len(pages) - 1, 0)):
                if index >= 0 and (found := PRINTED_ID.search(pages[index].extract_text())):
                    return found[0]
        except Exception:  # an unreadable page shows no id; the file has no fields either way
            return None
    return None


def _load(path: Path, data: bytes) -> tuple[dict[str, RawField], dict[str, str], bool, bool]:
    reader = open_pdf(path, data)
    _object_streams(path, reader)
    root = reader.root_object  # the catalogue pypdf reads fields from (it looks for one when /Root is wrong)
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
    listed = listed if isinstance(listed, ArrayObject) else ArrayObject()
    widgets = _walk(path, listed, budget)
    # The widgets on the pages are fields too, also where the catalogue lists none of them (no /AcroForm,
    # a misspelt key, a broken /Fields) or only some: the missing ones are added, in memory only.
    try:
        tops, pages = _widget_fields(reader, budget)
    except Exception:
        if not widgets:
            raise
        tops, pages = [], None  # pages unreadable, or more of them than a form has: the catalogue's fields it is
    known = {id(resolve(ref)) for ref in listed}
    if extra := [ref for ref in tops if id(resolve(ref)) not in known]:
        found = _walk(path, ArrayObject(extra), budget)
        for name, raw in found.items():
            raw.recovered = name not in widgets
        widgets = found | widgets
        if acro is None:
            acro = DictionaryObject()
            root[NameObject("/AcroForm")] = acro
        acro[NameObject("/Fields")] = ArrayObject([*listed, *extra])
    fields = _fields(path, reader, widgets)
    if pages == 0:
        raise PdfFormError(f"{path}: het PDF-bestand is beschadigd: er is geen enkele pagina te lezen.")
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


class _OutOfBudget(PdfFormError):
    """More fields, widgets, pages or annotations than a form has."""


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
            raise _OutOfBudget(f"{self.path}: het PDF-bestand heeft onwaarschijnlijk veel pagina's of onderdelen "
                               "voor een formulier en is daarom niet helemaal gelezen.")
        raise _OutOfBudget(f"{self.path}: het formulier heeft onwaarschijnlijk veel velden of onderdelen; dit is "
                           "geen formulier van formkit (of het is beschadigd).")


def _widget_fields(reader: PdfReader, budget: _Budget) -> tuple[list[IndirectObject], int]:
    """The top-level fields of the answer-holding widgets on the pages, and the number of pages.

    Each widget's /Parent chain is followed up to its top field, which needs a name (/T); the chain
    must give a field type (/FT) that holds an answer (push-buttons do not). A chain that loops or
    ends nowhere gives none. An unreadable page tree is damage (pypdf raises).
    """
    tops: dict[int, IndirectObject] = {}
    pages = 0
    for page in reader.pages:
        pages += 1
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
            seen, usable = {id(widget)}, True
            while usable and isinstance(up := top.get("/Parent"), IndirectObject):
                budget.spend()
                parent = resolve(up)
                # a chain that loops, is absurdly deep or ends in no dictionary gives no field
                usable = isinstance(parent, DictionaryObject) and id(parent) not in seen and len(seen) <= MAX_DEPTH
                if usable:
                    seen.add(id(parent))
                    own = {k: parent[k] for k in ("/FT", "/Ff") if k in parent} | own  # the nearest wins
                    top_ref, top = up, parent
            ftype, flags = resolve(own.get("/FT")), resolve(own.get("/Ff"))
            push = isinstance(flags, int) and bool(flags & PUSH_BUTTON)
            if usable and "/T" in top and ftype in ANSWER_TYPES and not (ftype == "/Btn" and push):
                tops.setdefault(id(top), top_ref)
    return list(tops.values()), pages


def _object_streams(path: Path, reader: PdfReader) -> None:
    """Decode every object stream the xref names, up front and within the budget for all of them."""
    streams = sorted({entry[0] for entry in getattr(reader, "xref_objStm", {}).values()})
    if len(streams) > MAX_OBJECT_STREAMS:  # a manual of hundreds of pages, or a bomb: more than a form needs
        raise PdfFormError(f"{path}: het PDF-bestand is te ingewikkeld opgebouwd voor een formulier "
                           f"({len(streams)} objectstromen, hoogstens {MAX_OBJECT_STREAMS}) en is daarom niet "
                           "gelezen.")
    for num in streams:
        stream = resolve(IndirectObject(num, 0, reader))
        if isinstance(stream, StreamObject):
            decoded(stream)


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
        text, repaired = decode_text(decoded(value))
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
