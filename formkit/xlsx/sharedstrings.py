"""Excel's shared string store: text a blanked cell leaves behind.

A patch writes inline strings and leaves the shared strings part alone, so text that Excel stored
there survives a blanked cell, invisible in Excel but readable in the file. `forget_unused_strings`
empties every shared string no cell refers to any more (for destroying personal data).
"""

from __future__ import annotations

import io

from lxml import etree

from formkit.xlsx.package import Package, serialise


def forget_unused_strings(data: bytes) -> bytes:
    """Empty every shared string no worksheet cell refers to (indices stay, so nothing shifts)."""
    package = Package(data)
    part = package.shared_strings_part
    if part is None:
        return data
    used: set[int] = set()
    for _, sheet in package.sheets():
        if sheet is None:
            continue
        for _, cell in etree.iterparse(io.BytesIO(package.read(sheet)), tag="{*}c", huge_tree=True,
                                       resolve_entities=False, no_network=True):
            v = cell.find("{*}v")
            if cell.get("t") == "s" and v is not None and (v.text or "").strip().isdigit():
                used.add(int(v.text or "0"))
            cell.clear()
    root = package.xml(part)
    changed = False
    for index, item in enumerate(root.iterfind("{*}si")):
        if index in used or "".join(str(t) for t in item.itertext()) == "":
            continue
        for child in list(item):
            item.remove(child)
        etree.SubElement(item, f"{{{etree.QName(root).namespace}}}t")
        changed = True
    return package.rebuild({part: serialise(root)}) if changed else data
