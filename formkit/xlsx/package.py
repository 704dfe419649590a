"""A workbook's zip package: its parts, their relationships, and a new package with some parts changed.

An .xlsx is a zip of XML parts tied together by relationship parts (`_rels/*.rels`). Every
reader and writer of formkit finds the workbook, its sheets, tables and styles through this one
class, in the transitional and in the Strict namespaces alike (only the relationship *type*'s
last segment is compared). A package whose zip directory names a part twice (also when the names
differ only in case, as Windows and Excel see them) is damaged: different readers would read
different copies.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
import zlib
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from lxml import etree

from formkit.xlsx.errors import DamagedWorkbook, DuplicateMember, NotAWorksheet, SheetNotFound

# What reading a damaged package can raise: zipfile's and zlib's errors, the file underneath,
# RuntimeError and NotImplementedError (e.g. a compression method zipfile does not know).
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError, KeyError)
XML_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False, no_network=True, remove_blank_text=False)
CONTENT_TYPES = "[Content_Types].xml"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


class Relationship(NamedTuple):
    id: str
    kind: str  # last segment of the relationship type: "worksheet", "table", "styles", ...
    target: str  # package path of the target part ("xl/worksheets/sheet1.xml"); the URI when external
    external: bool


def parse_xml(data: bytes) -> etree._Element:
    """A part's XML, parsed without entities or network access; XMLSyntaxError when it is not XML."""
    return etree.fromstring(data, XML_PARSER)


def serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def local(element: etree._Element) -> str:
    """An element's tag without its namespace ('' for comments and processing instructions)."""
    tag = element.tag
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def effective_children(parent: etree._Element) -> list[etree._Element]:
    """The children as a reader sees them: an mc:AlternateContent counts as the one element it
    stands for (its Fallback's, else its first Choice's); comments are skipped."""
    found = []
    for child in parent:
        if not isinstance(child.tag, str):
            continue
        if child.tag == f"{{{MC_NS}}}AlternateContent":
            branch = child.find(f"{{{MC_NS}}}Fallback")
            if branch is None:
                branch = child.find(f"{{{MC_NS}}}Choice")
            inner = [e for e in (branch if branch is not None else []) if isinstance(e.tag, str)]
            if inner:
                found.append(inner[0])
            continue
        found.append(child)
    return found


class Package:
    """The parts of one workbook package, read lazily and each checked (CRC) when read."""

    def __init__(self, data: bytes) -> None:
        self.data = data  # the package's bytes, as given
        try:
            self._zip = zipfile.ZipFile(io.BytesIO(data))
            self.infos = self._zip.infolist()
        except ZIP_ERRORS as exc:
            raise DamagedWorkbook("", f"not a complete zip file ({exc})") from None
        seen: dict[str, str] = {}
        for info in self.infos:
            key = info.filename.casefold()
            if key in seen:
                raise DuplicateMember(info.filename, seen[key])
            seen[key] = info.filename
        self._names = [info.filename for info in self.infos]
        self._parts: dict[str, bytes] = {}
        self._rels: dict[str, list[Relationship]] = {}

    @property
    def names(self) -> list[str]:
        return list(self._names)

    def has(self, name: str) -> bool:
        return name in self._parts or name in self._names

    def read(self, name: str) -> bytes:
        """A part's bytes; DamagedWorkbook when it is missing or does not read (bad CRC, bad data)."""
        if name not in self._parts:
            if name not in self._names:
                raise DamagedWorkbook(name, "is missing")
            try:
                self._parts[name] = self._zip.read(name)
            except ZIP_ERRORS as exc:
                raise DamagedWorkbook(name, f"does not read ({exc})") from None
        return self._parts[name]

    def read_all(self) -> None:
        """Read every part now: a writer copies parts it never looks at, so each must be sound."""
        for name in self._names:
            self.read(name)

    def xml(self, name: str) -> etree._Element:
        try:
            return parse_xml(self.read(name))
        except etree.XMLSyntaxError as exc:
            raise DamagedWorkbook(name, f"is not well-formed XML ({exc})") from None

    # -- relationships ---------------------------------------------------------------------------

    def relationships(self, part: str) -> list[Relationship]:
        """The relationships of a part ('' for the package itself), targets resolved to part paths."""
        if part not in self._rels:
            folder, name = posixpath.split(part)
            rels = posixpath.join(folder, "_rels", f"{name}.rels")
            found = []
            if self.has(rels):
                for rel in self.xml(rels).iter("{*}Relationship"):
                    external = rel.get("TargetMode") == "External"
                    target = rel.get("Target", "")
                    found.append(Relationship(rel.get("Id", ""), rel.get("Type", "").rsplit("/", 1)[-1],
                                              target if external else resolve(part, target), external))
            self._rels[part] = found
        return self._rels[part]

    def related(self, part: str, kind: str) -> list[str]:
        """Internal targets of `part`'s relationships of one kind that exist in the package."""
        return [r.target for r in self.relationships(part) if r.kind == kind and not r.external and self.has(r.target)]

    @property
    def workbook_part(self) -> str:
        """Where the workbook part is (the package's officeDocument relationship)."""
        found = self.related("", "officeDocument")
        if found:
            return found[0]
        if self.has("xl/workbook.xml"):
            return "xl/workbook.xml"
        raise DamagedWorkbook("xl/workbook.xml", "is missing")

    def sheets(self) -> list[tuple[str, str | None]]:
        """(name, part path or None when it cannot be found) of every sheet, in workbook order."""
        return [(name, part) for name, _, part in self.sheet_entries()]

    def sheet_entries(self) -> list[tuple[str, str, str | None]]:
        """(name, kind, part path or None) of every sheet, in workbook order; kind is the relationship
        type's last segment: "worksheet", "chartsheet", "dialogsheet", "xlMacrosheet", ..."""
        book = self.workbook_part
        by_id = {r.id: r for r in self.relationships(book) if not r.external}
        found = []
        for sheet in self.xml(book).iter("{*}sheet"):
            rid = next((v for k, v in sheet.attrib.items()
                        if str(k).startswith("{") and etree.QName(k).localname == "id"), None)  # r:id, any namespace
            rel = by_id.get(str(rid or ""))
            target = rel.target if rel is not None and self.has(rel.target) else None
            found.append((sheet.get("name", ""), rel.kind if rel is not None else "", target))
        return found

    def sheet_part(self, name: str) -> str:
        """The part path of the named worksheet; a trailing space or other case counts when unambiguous.
        A chart sheet, macro sheet or dialog sheet of that name is refused (NotAWorksheet)."""
        sheets = self.sheet_entries()
        exact = [entry for entry in sheets if entry[0] == name]
        close = [entry for entry in sheets if entry[0].strip().casefold() == name.strip().casefold()]
        match = exact or (close if len(close) == 1 else [])
        if not match:
            raise SheetNotFound(name)
        found, kind, path = match[0]
        if path is None:
            raise DamagedWorkbook(f"{name}", "the sheet's part is missing")
        if kind != "worksheet":
            raise NotAWorksheet(found, kind)
        return path

    @property
    def date1904(self) -> bool:
        """Whether the workbook counts dates from 1904 (old Mac Excel) instead of 1900."""
        for pr in self.xml(self.workbook_part).iter("{*}workbookPr"):
            return pr.get("date1904", "").lower() in ("1", "true")
        return False

    @property
    def styles_part(self) -> str | None:
        found = self.related(self.workbook_part, "styles")
        return found[0] if found else None

    @property
    def shared_strings_part(self) -> str | None:
        found = self.related(self.workbook_part, "sharedStrings")
        return found[0] if found else None

    # -- writing -------------------------------------------------------------------------------

    def rebuild(self, changed: Mapping[str, bytes], dropped: Iterable[str] = (),
                added: Mapping[str, bytes] | None = None) -> bytes:
        """A new package: every part copied as it was, in its order, but the changed ones; dropped
        parts left out; added parts at the end."""
        dropped = set(dropped)
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as zout:
            for info in self.infos:
                if info.filename in dropped:
                    continue
                new = zipfile.ZipInfo(info.filename, info.date_time)
                new.compress_type = info.compress_type
                new.external_attr = info.external_attr
                new.create_system = info.create_system
                body = changed.get(info.filename)
                if body is None:
                    zout.writestr(new, self.read(info.filename))
                else:  # fast deflate for rewritten parts: XML still shrinks about tenfold
                    zout.writestr(new, body, compress_type=zipfile.ZIP_DEFLATED, compresslevel=1)
            for name, body in (added or {}).items():
                zout.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), body, compress_type=zipfile.ZIP_DEFLATED)
        return out.getvalue()


def resolve(source_part: str, target: str) -> str:
    """A relationship target as a package path, relative to the folder of its source part."""
    target = target.split("#", 1)[0]
    if target.startswith("/"):
        return posixpath.normpath(target.lstrip("/"))
    return posixpath.normpath(posixpath.join(posixpath.dirname(source_part), target))
