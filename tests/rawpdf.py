"""A PDF as editable objects, written back with any object graph (loops, self-references, bombs).

pypdf's writer repairs or refuses much of what a hostile file contains; this writer serialises
whatever it is given, with a classic xref table or an object stream plus an xref stream.
"""

from __future__ import annotations

import io
import zlib

from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject, NameObject, PdfObject, StreamObject

BOMB_BYTES = 400 * 2**20  # what the decompression bomb inflates to


class RawPdf:
    """A PDF as {object number: pypdf object or raw bytes}, rewritten with a fresh xref."""

    def __init__(self, data: bytes) -> None:
        reader = PdfReader(io.BytesIO(data))
        self.objects: dict[int, PdfObject | bytes] = {}
        for num in sorted(n for table in reader.xref.values() for n in table) + sorted(reader.xref_objStm):
            if num:
                self.objects[num] = reader.get_object(IndirectObject(num, 0, reader))
        self.root = reader.trailer.raw_get("/Root").idnum
        info = reader.trailer.raw_get("/Info") if "/Info" in reader.trailer else None
        self.info = info.idnum if info is not None else None
        self.fields = {str(ref.get_object()["/T"]): ref.idnum
                       for ref in reader.trailer["/Root"]["/AcroForm"]["/Fields"]}

    def __getitem__(self, num: int) -> DictionaryObject:
        return self.objects[num]  # type: ignore[return-value]

    def field(self, name: str) -> DictionaryObject:
        return self[self.fields[name]]

    def acroform_num(self) -> int:
        return self[self.root].raw_get("/AcroForm").idnum

    def add(self, obj: PdfObject | bytes) -> IndirectObject:
        num = max(self.objects) + 1
        self.objects[num] = obj
        return IndirectObject(num, 0, None)

    def write(self, packed: frozenset[int] = frozenset(), padding: int = 0, streams: int = 1) -> bytes:
        """Classic xref table; or, with `packed`, those objects spread over `streams` compressed
        object streams (each decoding to `padding` extra zero bytes: a bomb where the reader must
        look) and an xref stream, as Acrobat saves."""
        out = io.BytesIO()
        out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        offsets: dict[int, int] = {}
        for num, obj in sorted(self.objects.items()):
            if num not in packed:
                offsets[num] = out.tell()
                out.write(b"%d 0 obj\n%s\nendobj\n" % (num, _serialise(obj)))
        size = max(self.objects) + 1
        info = b" /Info %d 0 R" % self.info if self.info else b""
        if not packed:
            start = out.tell()
            out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
            for num in range(1, size):
                out.write(b"%010d 00000 n \n" % offsets[num] if num in offsets else b"0000000000 65535 f \n")
            out.write(b"trailer\n<< /Size %d /Root %d 0 R%s >>\nstartxref\n%d\n%%%%EOF\n"
                      % (size, self.root, info, start))
            return out.getvalue()
        order = sorted(packed)
        groups = [order[i::streams] for i in range(streams)]
        where: dict[int, tuple[int, int]] = {}
        for n, group in enumerate(groups):
            stm = size + n
            offsets[stm] = out.tell()
            out.write(_object_stream(stm, [(num, _serialise(self.objects[num])) for num in group], padding))
            where.update({num: (stm, i) for i, num in enumerate(group)})
        xref = size + streams
        rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
        for num in range(1, xref + 1):
            if num in offsets:
                rows.append(b"\x01" + offsets[num].to_bytes(4, "big") + b"\x00\x00")
            elif num in where:
                rows.append(b"\x02" + where[num][0].to_bytes(4, "big") + where[num][1].to_bytes(2, "big"))
            elif num == xref:
                rows.append(b"\x01" + out.tell().to_bytes(4, "big") + b"\x00\x00")
            else:
                rows.append(b"\x00\x00\x00\x00\x00\x00\x00")
        table = b"".join(rows)
        start = out.tell()
        out.write(b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root %d 0 R%s /Length %d >>\nstream\n"
                  % (xref, xref + 1, self.root, info, len(table)) + table
                  + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % start)
        return out.getvalue()


def _object_stream(stm: int, objects: list[tuple[int, bytes]], padding: int) -> bytes:
    """One compressed object stream holding `objects`, followed by `padding` zero bytes."""
    heads, bodies, pos = [], [], 0
    for num, body in objects:
        heads.append(b"%d %d" % (num, pos))
        bodies.append(body + b"\n")
        pos += len(body) + 1
    head = b" ".join(heads) + b"\n"
    packer = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE)  # RLE: zeros compress fast
    parts = [packer.compress(head + b"".join(bodies))]
    parts += [packer.compress(bytes(2**20)) for _ in range(padding // 2**20)]
    data = b"".join(parts) + packer.flush()
    return (b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n"
            % (stm, len(objects), len(head), len(data)) + data + b"\nendstream\nendobj\n")


def _serialise(obj: PdfObject | bytes) -> bytes:
    if isinstance(obj, bytes):
        return obj
    buf = io.BytesIO()
    obj.write_to_stream(buf)
    return buf.getvalue()


def bomb_stream(inflated: int = BOMB_BYTES) -> bytes:
    """Deflate data of `inflated` zero bytes (about 1/1000 of that on disk)."""
    packer, chunk = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_RLE), bytes(2**20)
    parts = [packer.compress(chunk) for _ in range(inflated // len(chunk))]
    return b"".join(parts) + packer.flush()


def stream_object(data: bytes, flate: bool = True, **entries: PdfObject) -> StreamObject:
    stream = StreamObject()
    stream._data = data
    if flate:
        stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    for key, value in entries.items():
        stream[NameObject("/" + key)] = value
    return stream
