"""Opening a PDF with pypdf inside formkit's limits: tightened pypdf limits and a decode budget
for the whole read, decryption where no password is needed, and the true Dutch message for the
pypdf errors whose meaning is known (`explain`).

pypdf's resource limits are tightened for the whole read (PYPDF_LIMITS, through
pypdf.apply_configuration; pyproject.toml requires a pypdf that knows every one of them): a form
is small, a decompression bomb is not. A document whose strings and streams are in clear and only
its attachments are encrypted (/StmF and /StrF /Identity, /EFF a crypt filter) is read without the
password; Brotli-compressed streams (PDF 2.0) are read with the `brotli` module, else named.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any

import pypdf
from pypdf import PdfReader
from pypdf.errors import DependencyError
from pypdf.errors import LimitReachedError as LimitReachedError  # re-exported: reading.py catches it
from pypdf.generic import DictionaryObject, IndirectObject, NameObject, StreamObject

from formkit.errors import PdfFormError

MAX_FIELDS = 2000  # terminal fields accepted at most (ours have 16)
MAX_DEPTH = 32  # nesting of /Kids followed at most
LIMIT = 4 * 2**20  # bytes any one stream may inflate to; a form's object streams hold far less
TOTAL_DECODED = 32 * 2**20  # bytes all decoded streams of one file may take together (see _budget)
# Every one applied for the whole read with pypdf.apply_configuration (see limits()). pypdf >= 7.0
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


def decoded(stream: StreamObject) -> bytes:
    """A stream's data, counted against the budget of the read in progress (limits())."""
    data = stream.get_data()
    left = _budget.get()
    if left is None:
        return data
    left[0] -= len(data)
    if left[0] < 0:
        raise TooMuchData(f"more than {TOTAL_DECODED} bytes decoded")
    return data


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
def limits() -> Iterator[None]:
    """pypdf's tightened limits and formkit's decode budget, for one read."""
    token = _budget.set([TOTAL_DECODED])
    try:
        with pypdf.apply_configuration(None, **PYPDF_LIMITS):  # over the current one, for this read only
            yield
    finally:
        _budget.reset(token)


def open_pdf(path: Path, data: bytes) -> PdfReader:
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


def resolve(value: Any) -> Any:
    """The object behind a reference (a few hops at most: references to references exist)."""
    for _ in range(8):
        if not isinstance(value, IndirectObject):
            return value
        value = value.get_object()
    return None
