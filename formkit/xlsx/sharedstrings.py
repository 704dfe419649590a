"""Excel's shared string store: text a blanked cell leaves behind.

WorkbookPatch writes inline strings and leaves sharedStrings.xml alone, so text that Excel stored
there survives a blanked cell, invisible in Excel but readable in the file. Destruction of
personal data therefore empties every shared string no cell refers to any more.
"""

from __future__ import annotations

import io
import posixpath
import zipfile

from lxml import etree

_PARSER = etree.XMLParser(huge_tree=True, resolve_entities=False)


def forget_unused_strings(data: bytes) -> bytes:
    """Empty every shared string no worksheet cell refers to (indices stay, so nothing shifts)."""
    source = zipfile.ZipFile(io.BytesIO(data))
    part = _shared_strings_part(source)
    if part is None:
        return data
    used: set[int] = set()
    for name in source.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            for _, cell in etree.iterparse(io.BytesIO(source.read(name)), tag="{*}c", huge_tree=True):
                v = cell.find("{*}v")
                if cell.get("t") == "s" and v is not None and (v.text or "").strip().isdigit():
                    used.add(int(v.text))
                cell.clear()
    root = etree.fromstring(source.read(part), _PARSER)
    changed = False
    for index, item in enumerate(root.iterfind("{*}si")):
        if index in used or "".join(item.itertext()) == "":
            continue
        for child in list(item):
            item.remove(child)
        etree.SubElement(item, f"{{{etree.QName(root).namespace}}}t")
        changed = True
    if not changed:
        return data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            new = zipfile.ZipInfo(info.filename, info.date_time)
            new.compress_type, new.external_attr = info.compress_type, info.external_attr
            body = source.read(info.filename)
            if info.filename == part:
                body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            target.writestr(new, body)
    return out.getvalue()


def _shared_strings_part(package: zipfile.ZipFile) -> str | None:
    """Where the workbook keeps its shared strings (named in the workbook's relationships)."""
    try:
        rels = etree.fromstring(package.read("xl/_rels/workbook.xml.rels"), _PARSER)
    except KeyError:
        return None
    for rel in rels.iter("{*}Relationship"):
        if rel.get("Type", "").endswith("/sharedStrings"):
            target = rel.get("Target", "")
            path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
            return path if path in package.namelist() else None
    return None
