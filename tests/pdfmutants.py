"""Damaged and hostile variants of real filled forms, made deterministically for the fuzz tests.

`plan(scale)` lists (family, source, seed) triples; `make(spec, sources, bomb)` turns one into
bytes. Byte-level families cut and flip the file as a bad download or disk would; structural
families rewrite objects (types, values, loops, streams, text encodings) through `RawPdf`, which
(tests/rawpdf.py) writes any object graph, also ones pypdf's writer would refuse or repair.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    PdfObject,
    StreamObject,
    TextStringObject,
)

from tests.rawpdf import BOMB_BYTES, RawPdf, bomb_stream, stream_object  # noqa: F401  (bomb_stream: for the tests)


@dataclass(frozen=True)
class Spec:
    """One variant: which family of damage, on which source, with which seed."""

    family: str
    source: str
    seed: int

    @property
    def name(self) -> str:
        return f"{self.family}-{self.source}-{self.seed:04d}.pdf"


# --- byte-level families ---------------------------------------------------------------------

def _truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(1, len(data))]


def _truncate_eof(data: bytes, rng: random.Random) -> bytes:
    """Cut, then glue a valid-looking end on, so the parser itself must cope."""
    return data[: rng.randrange(1, len(data))] + rng.choice((b"\n%%EOF\n", b"\nstartxref\n116\n%%EOF\n"))


def _flip(data: bytes, rng: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rng.choice((1, 2, 4, 16, 64, 256))):
        pos = rng.randrange(len(out))
        out[pos] = out[pos] ^ (1 << rng.randrange(8)) if rng.random() < 0.5 else rng.randrange(256)
    return bytes(out)


def _splice(data: bytes, rng: random.Random) -> bytes:
    """Delete, duplicate or move a chunk: a bad copy, a half-rewritten sector."""
    a, n = rng.randrange(len(data)), rng.randrange(1, 4096)
    chunk = data[a:a + n]
    b = rng.randrange(len(data))
    how = rng.randrange(3)
    if how == 0:
        return data[:a] + data[a + n:]
    if how == 1:
        return data[:b] + chunk + data[b:]
    return data[:b] + chunk + data[b + len(chunk):]


def _xref(data: bytes, rng: random.Random) -> bytes:
    """Broken or removed cross-reference table, startxref and trailer."""
    start = data.rfind(b"xref")
    trailer = data.rfind(b"trailer")
    how = rng.randrange(9)
    if how == 0:  # table removed
        return data[:start] + data[trailer:]
    if how == 1:  # trailer removed
        return data[:trailer] + data[data.rfind(b"startxref"):]
    if how == 2:  # startxref points anywhere
        return re.sub(rb"startxref\s+\d+", b"startxref\n%d" % rng.choice((0, 1, 7, len(data) * 3, 2**62)), data)
    if how == 3:  # entries shifted by a few bytes
        return re.sub(rb"(\d{10}) 00000 n", lambda m: b"%010d 00000 n" % (int(m[1]) + rng.randrange(-9, 9)), data)
    if how == 4:  # garbage entries
        return re.sub(rb"\d{10} 00000 n", lambda m: b"%010d 00000 n" % rng.randrange(10**10), data)
    if how == 5:  # the table and trailer overwritten with noise
        return data[:start] + rng.randbytes(len(data) - start - 6) + b"%%EOF\n"
    if how == 6:  # /Root to a missing or wrong object
        return re.sub(rb"/Root \d+ 0 R", b"/Root %d 0 R" % rng.choice((0, 1, 9999, 2**31)), data)
    if how == 7:  # /Size lies
        return re.sub(rb"/Size \d+", b"/Size %d" % rng.choice((0, 1, 3, 10**9)), data)
    # a second, empty update section whose /Prev points at itself
    pos = len(data)
    return data + (b"xref\n0 1\n0000000000 65535 f \ntrailer\n<< /Size 1 /Prev %d >>\nstartxref\n%d\n%%%%EOF\n"
                   % (pos, pos))


# --- structural families (through RawPdf) -------------------------------------------------------

def _text_fields(doc: RawPdf) -> list[str]:
    return sorted(n for n, num in doc.fields.items() if doc[num].get("/FT") == "/Tx" and n != "formkit_id")


def _wrong_type(doc: RawPdf, rng: random.Random) -> None:
    """/FT changed, /V as a number, array, dictionary, stream, boolean, null, name, ..."""
    name = rng.choice(sorted(doc.fields))
    fld = doc.field(name)
    values: list[PdfObject] = [
        NumberObject(rng.randrange(-10**6, 10**6)), FloatObject(rng.random() * 1e9), NullObject(),
        BooleanObject(rng.random() < 0.5), NameObject("/Off"), NameObject("/Yes"),
        ArrayObject([TextStringObject("a"), NumberObject(1), ArrayObject([NullObject()])]),
        DictionaryObject({NameObject("/V"): TextStringObject("x")}),
        stream_object(zlib.compress("Zoë via een tekststroom".encode("utf-16-be"))),
        ArrayObject(), TextStringObject(""), TextStringObject("x" * rng.choice((40000, 400000))),
    ]
    how = rng.randrange(4)
    if how == 0:
        fld[NameObject("/FT")] = rng.choice([NameObject(n) for n in ("/Btn", "/Tx", "/Ch", "/Sig", "/Foo")]
                                             + [NumberObject(3), TextStringObject("/Tx")])
    elif how == 1:
        fld.pop("/FT", None)
        fld[NameObject("/V")] = rng.choice(values)
    else:
        fld[NameObject(rng.choice(("/V", "/V", "/AS", "/Opt", "/T", "/Kids")))] = rng.choice(values)
    if rng.random() < 0.3:  # and the id carrier too
        doc.field("formkit_id")[NameObject("/V")] = rng.choice(values)


def _loops(doc: RawPdf, rng: random.Random) -> None:
    """Cycles through /Kids and /Parent, objects that refer to themselves."""
    names = sorted(doc.fields)
    a, b = rng.sample(names, 2)
    na, nb = doc.fields[a], doc.fields[b]
    ref = lambda n: IndirectObject(n, 0, None)  # noqa: E731
    how = rng.randrange(10)
    if how == 8:  # every field shares one /Kids array of thousands of widgets: quadratic walks
        widgets = [doc.add(DictionaryObject({NameObject("/Subtype"): NameObject("/Widget"),
                                             NameObject("/AS"): NameObject("/Off")})) for _ in range(2500)]
        shared = doc.add(ArrayObject(widgets))
        extra = [doc.add(DictionaryObject({NameObject("/T"): TextStringObject(f"x{i}"), NameObject("/Kids"): shared}))
                 for i in range(2500)]
        acro = doc[doc.acroform_num()]
        acro[NameObject("/Fields")] = ArrayObject([ref(n) for n in doc.fields.values()] + extra)
    elif how == 9:  # a /Parent chain thousands long
        chain = doc.add(DictionaryObject({NameObject("/T"): TextStringObject("top")}))
        for i in range(rng.choice((40, 5000))):
            chain = doc.add(DictionaryObject({NameObject("/T"): TextStringObject(f"p{i}"),
                                              NameObject("/Parent"): chain}))
        doc[na][NameObject("/Parent")] = chain
    elif how == 0:
        doc[na][NameObject("/Kids")] = ArrayObject([ref(na)])
    elif how == 1:
        doc[na][NameObject("/Kids")] = ArrayObject([ref(nb)])
        doc[nb][NameObject("/Kids")] = ArrayObject([ref(na)])
    elif how == 2:
        doc[na][NameObject("/Parent")] = ref(nb)
        doc[nb][NameObject("/Parent")] = ref(na)
    elif how == 3:
        doc[na][NameObject("/Parent")] = ref(na)
    elif how == 4:  # an indirect object that is a reference to itself, used as a value
        loop = doc.add(b"")
        doc.objects[loop.idnum] = b"%d 0 R" % loop.idnum
        doc[na][NameObject(rng.choice(("/V", "/FT", "/T", "/Kids", "/Parent")))] = loop
    elif how == 5:  # the form or the catalog itself is such an object
        num = rng.choice((doc.acroform_num(), doc.root, doc[doc.acroform_num()].raw_get("/Fields").idnum
                          if isinstance(doc[doc.acroform_num()].raw_get("/Fields"), IndirectObject) else doc.root))
        doc.objects[num] = b"%d 0 R" % num
    elif how == 6:  # two references chasing each other
        x, y = doc.add(b""), doc.add(b"")
        doc.objects[x.idnum], doc.objects[y.idnum] = b"%d 0 R" % y.idnum, b"%d 0 R" % x.idnum
        doc[na][NameObject("/V")] = x
    else:  # /Fields listing a field thousands of times, and deep nesting
        acro = doc[doc.acroform_num()]
        acro[NameObject("/Fields")] = ArrayObject([ref(na)] * rng.choice((5000, 50000)))


def _streams(doc: RawPdf, rng: random.Random, bomb: bytes, how: int) -> dict[str, object]:
    """Decompression bombs and very long streams wherever a reader might decode them (8 kinds)."""
    if how == 6:  # the form's own objects sit in an object stream that inflates to hundreds of MB
        packed = frozenset(n for n, o in doc.objects.items() if isinstance(o, DictionaryObject)
                           and not isinstance(o, StreamObject) and n != doc.root)
        return {"packed": packed, "padding": BOMB_BYTES}
    if how == 7:  # spread over 40 object streams of 3 MB each (under the per-stream limit), or 100 of them
        streams = rng.choice((40, 100))
        for i in range(streams):  # enough objects to fill every stream
            doc.add(DictionaryObject({NameObject("/Filler"): NumberObject(i)}))
        packed = frozenset(n for n, o in doc.objects.items() if isinstance(o, DictionaryObject)
                           and not isinstance(o, StreamObject) and n != doc.root)
        return {"packed": packed, "padding": 3 * 2**20 if streams == 40 else 0, "streams": streams}
    name = rng.choice(_text_fields(doc))
    if how == 0:  # a field value that is a bomb stream
        doc.field(name)[NameObject("/V")] = doc.add(stream_object(bomb))
    elif how == 1:  # the XFA packet is a bomb
        doc[doc.acroform_num()][NameObject("/XFA")] = doc.add(stream_object(bomb))
    elif how == 2:  # XMP metadata and a page content stream are bombs
        doc[doc.root][NameObject("/Metadata")] = doc.add(stream_object(bomb, Type=NameObject("/Metadata"),
                                                                  Subtype=NameObject("/XML")))
        content = doc.add(stream_object(bomb))
        for obj in list(doc.objects.values()):
            if isinstance(obj, DictionaryObject) and obj.get("/Type") == "/Page":
                obj[NameObject("/Contents")] = content
    elif how == 3:  # a very long (15 MB) uncompressed field value stream, like a content stream
        doc.field(name)[NameObject("/V")] = doc.add(stream_object(b"(x) Tj " * (15 * 2**20 // 7), flate=False))
    elif how == 4:  # a bomb behind a chain of filters
        doc.field(name)[NameObject("/V")] = doc.add(stream_object(
            zlib.compress(bomb), Filter=ArrayObject([NameObject("/FlateDecode")] * 2)))
    else:  # a stream that claims a huge /Length
        doc.field(name)[NameObject("/V")] = doc.add(b"<< /Length 99999999999 >>\nstream\nabc\nendstream")
    return {}


_TEXTS: list[bytes] = [
    b"\xfe\xff\x00Z\x00o",          # UTF-16 BOM, odd length
    b"\xfe\xff\xd8\x00\x00a",       # UTF-16 with a lone high surrogate
    b"\xfe\xff\x00a\xdc\x00",       # lone low surrogate
    b"\xff\xfeZ\x00o\x00",          # little-endian BOM (not allowed in PDF)
    b"\xef\xbb\xbfZo\xc3",          # UTF-8 BOM, cut in a sequence
    b"Zo\xeb M\xfcller",            # latin-1 bytes
    b"\x00\x01\x02\x1b[31mrood",    # control characters and an escape sequence
    b"\x80\x9f\xad\x7f",            # undefined in PDFDocEncoding
    b"\xfe\xff" + b"\xff\xfe" * 50,  # non-characters
    b"=1+1", b"\xfe\xff\x00=\x00H\x00Y",  # formulas
]


def _non_utf(doc: RawPdf, rng: random.Random) -> None:
    """Field values, names and document info in invalid or odd encodings."""
    raw = rng.choice(_TEXTS)
    value = ByteStringObject(raw)
    where = rng.randrange(4)
    if where == 0:
        doc.field(rng.choice(_text_fields(doc)))[NameObject("/V")] = value
    elif where == 1:
        doc.field(rng.choice(sorted(doc.fields)))[NameObject("/T")] = value
    elif where == 2 and doc.info:
        doc[doc.info][NameObject(rng.choice(("/FormkitForm", "/FormkitVersion", "/Subject")))] = value
    else:
        doc.field("formkit_id")[NameObject("/V")] = value
        for name in _text_fields(doc)[:3]:
            doc.field(name)[NameObject("/V")] = ByteStringObject(rng.choice(_TEXTS))


def _xfa_only(doc: RawPdf, rng: random.Random) -> None:
    """An XFA form (Adobe LiveCycle): the XFA packet, no or empty AcroForm fields."""
    acro = doc[doc.acroform_num()]
    xdp = b'<xdp:xdp xmlns:xdp="http://ns.adobe.com/xdp/"><template/><datasets/></xdp:xdp>'
    acro[NameObject("/XFA")] = (doc.add(stream_object(zlib.compress(xdp))) if rng.random() < 0.5 else
                                ArrayObject([TextStringObject("template"), doc.add(stream_object(xdp, flate=False))]))
    if rng.random() < 0.7:
        acro[NameObject("/Fields")] = ArrayObject()
    doc[doc.root][NameObject("/NeedsRendering")] = BooleanObject(True)


STRUCTURAL = {"type": _wrong_type, "loop": _loops, "text": _non_utf, "xfa": _xfa_only}
BYTES = {"cut": _truncate, "cuteof": _truncate_eof, "flip": _flip, "splice": _splice, "xref": _xref}
SOURCES = ("pdftk-klacht", "pypdf-klacht", "pdftk-tevr", "pypdf-tevr", "objstm-klacht")
# variants per (family, source) in the CI run; the long run multiplies the random families
PER_SOURCE = {"cut": 8, "cuteof": 8, "flip": 10, "splice": 5, "xref": 9, "type": 10, "loop": 8, "text": 6,
              "xfa": 2, "stream": 4}


def plan(scale: int = 1) -> list[Spec]:
    """Every variant to make: 356 at scale 1, 3,416 at scale 10."""
    specs = [Spec(family, source, seed) for family, count in PER_SOURCE.items() for source in SOURCES
             for seed in range(count * (scale if family != "xfa" else 1))]
    specs += [Spec("crypt", "pypdf-klacht", i) for i in range(len(ENCRYPTIONS))]
    return specs


ENCRYPTIONS = (["geheim", "eigenaar", "40"], ["geheim", "eigenaar", "128", "--use-aes=n"],
               ["geheim", "eigenaar", "128", "--use-aes=y"], ["geheim", "eigenaar", "256"],
               ["", "eigenaar", "256"], ["", "eigenaar", "40"])


def make(spec: Spec, sources: dict[str, bytes], bomb: bytes, tmp: Path) -> bytes:
    """The bytes of one variant; the same spec always gives the same bytes."""
    rng = random.Random(f"{spec.family}/{spec.source}/{spec.seed}")
    data = sources[spec.source]
    if spec.family in BYTES:
        return BYTES[spec.family](data, rng)
    if spec.family == "crypt":
        src, out = tmp / f"{spec.name}.in", tmp / spec.name
        src.write_bytes(data)
        args = ENCRYPTIONS[spec.seed]
        subprocess.run(["qpdf", "--static-id", "--static-aes-iv", "--allow-weak-crypto", "--encrypt", *args, "--",
                        str(src), str(out)], check=True, capture_output=True)  # (AES-256 salts stay random)
        return out.read_bytes()
    doc = RawPdf(data)
    if spec.family == "stream":
        how = (spec.seed + SOURCES.index(spec.source)) % 8  # every kind on several sources
        return doc.write(**_streams(doc, rng, bomb, how))  # type: ignore[arg-type]
    STRUCTURAL[spec.family](doc, rng)
    return doc.write()


def object_streams(data: bytes, tmp: Path) -> bytes:
    """The same form with compressed object streams and an xref stream (as Acrobat saves)."""
    src, out = tmp / "objstm-in.pdf", tmp / "objstm-out.pdf"
    src.write_bytes(data)
    subprocess.run(["qpdf", "--static-id", "--object-streams=generate", str(src), str(out)], check=True,
                   capture_output=True)
    return out.read_bytes()


def normalise(data: bytes) -> bytes:
    """Fixed dates and ids, same lengths: the sources, and so the variants, are the same every run."""
    data = re.sub(rb"D:\d{14}", b"D:20260101120000", data)
    return re.sub(rb"<[0-9a-fA-F]{32}>", b"<" + b"0123456789abcdef" * 2 + b">", data)


def build_sources(tmp: Path) -> dict[str, bytes]:
    """Real filled forms: pdftk (XFDF, like a desktop tool) and pypdf (like a browser) fills of a blank
    complaint form and of a satisfaction form prefilled for K-2026-001."""
    from formkit.pdf.forms import make_form
    from formkit.register.model import Complaint
    from formkit.settings import Organisation, Settings
    from tests.pdffill import pdftk_fill, pypdf_fill

    settings = Settings(root=tmp, organisation=Organisation(address="Kerkstraat 1", postcode="5291 AB",
                                                            email="klachten@example.nl"))
    # A blank complaint form, and the satisfaction form formkit prefilled for K-2026-001 (the complaint the
    # fuzz tests' register holds): its marker makes a good variant update that complaint, so the variants
    # exercise reading, not only the refusal of a form formkit did not make for a complaint.
    client = Complaint(number="K-2026-001", name="Femke van Aalst", received=dt.date(2026, 10, 1))
    blank = {"klacht": make_form("klacht", settings, tmp / "leeg-klacht.pdf"),
             "tevredenheid": make_form("tevredenheid", settings, tmp / "tevredenheid-K-2026-001.pdf", client)}
    complaint = {"naam": "Zoë Müller", "email": "zoe@example.nl", "omschrijving": "De docent kwam\nniet opdagen.",
                 "datum": "24-11-2026", "opleiding": "Excel", "telefoon": "=1+1"}
    survey = {"opmerkingen": "Prima, é ë", "datum": "20-11-2026"}
    made = {
        "pdftk-klacht": pdftk_fill(blank["klacht"], tmp / "a.pdf", {**complaint, "terugbellen": "Yes"}),
        "pypdf-klacht": pypdf_fill(blank["klacht"], tmp / "b.pdf", {**complaint, "terugbellen": "/Yes"}),
        "pdftk-tevr": pdftk_fill(blank["tevredenheid"], tmp / "c.pdf",
                                 {**survey, "tevredenheid": "4", "binnen_week": "ja"}),
        "pypdf-tevr": pypdf_fill(blank["tevredenheid"], tmp / "d.pdf",
                                 {**survey, "tevredenheid": "/4", "binnen_week": "/ja"}),
    }
    sources = {name: normalise(path.read_bytes()) for name, path in made.items()}
    sources["objstm-klacht"] = object_streams(sources["pdftk-klacht"], tmp)
    return sources
