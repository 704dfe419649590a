"""The workbook's cell formats (styles part), as far as a patch needs them: which formats show a
date, and a format that looks like a given one but shows a date.

A cell's look (font, fill, border, alignment, protection) lives in its `cellXfs` entry; a date
going into a cell must change only the number format of that look, as Excel does. So the entry is
copied with a date number format, once per look: an equal entry that already exists is reused.
Entries wrapped in mc:AlternateContent count as one entry each, as Excel counts them.
"""

from __future__ import annotations

import copy

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format

from formkit.xlsx.package import Package, effective_children, local, serialise

MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
DEFAULT_DATE_FORMAT = "dd\\-mm\\-yyyy"  # as Dutch staff type dates: 24-11-2026
# What Excel itself needs in a styles part: one font, the two fills it reserves, one border, the
# Normal style and the default cell format (index 0, the look of every cell without `s`).
MINIMAL_STYLES = (
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    b'<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    b'</fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    b'<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>'
    b'<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
# Where numFmts stands among styleSheet's children (ECMA-376 order): before all of these.
_AFTER_NUM_FMTS = ("fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs", "tableStyles",
                   "colors", "extLst")
# Attributes of an <xf> that make its look; numFmtId and applyNumberFormat are what a date changes.
_XF_ORDER = ("numFmtId", "fontId", "fillId", "borderId", "xfId")
# Everything CT_Xf allows (ECMA-376); a copy leaves out anything else a producer put there.
_XF_ATTRIBUTES = {*_XF_ORDER, "quotePrefix", "pivotButton", "applyNumberFormat", "applyFont", "applyFill",
                  "applyBorder", "applyAlignment", "applyProtection"}
_XF_CHILDREN = ("alignment", "protection", "extLst")


class Styles:
    """cellXfs and numFmts of one workbook, changed only by `date_variant`."""

    def __init__(self, package: Package, date_format: str = DEFAULT_DATE_FORMAT) -> None:
        self.part = package.styles_part
        self.created = self.part is None  # a workbook without a styles part gets one when a date goes in
        if self.part:
            self.root = package.xml(self.part)
        else:  # in the workbook's own namespace (transitional or Strict)
            main = etree.QName(package.xml(package.workbook_part)).namespace or MAIN_NS
            self.root = etree.fromstring(MINIMAL_STYLES.replace(MAIN_NS.encode(), main.encode()))
        self.ns = etree.QName(self.root).namespace or MAIN_NS
        self.date_format = date_format
        self.changed = False
        self._variants: dict[int, int] = {}
        xfs = self._child("cellXfs")
        self._xfs = effective_children(xfs) if xfs is not None else []
        self._formats = {int(n.get("numFmtId", "")): n.get("formatCode", "")
                         for n in self.root.iter(f"{{{self.ns}}}numFmt") if n.get("numFmtId", "").isdigit()}

    def __len__(self) -> int:
        return len(self._xfs)

    def _child(self, name: str) -> etree._Element | None:
        return self.root.find(f"{{{self.ns}}}{name}")

    def format_code(self, xf_index: int) -> str:
        if not 0 <= xf_index < len(self._xfs):
            return "General"
        fmt_id = self._xfs[xf_index].get("numFmtId", "0") or "0"
        if not fmt_id.isdigit():
            return "General"
        fmt = int(fmt_id)
        return self._formats.get(fmt) or BUILTIN_FORMATS.get(fmt, "General")

    def is_date(self, xf_index: int) -> bool:
        """Whether cells of this format show their number as a date."""
        return is_date_format(self.format_code(xf_index))

    def date_variant(self, xf_index: int) -> int:
        """The index of a format with this one's look that shows a date (this one when it does)."""
        if self.is_date(xf_index):
            return xf_index
        if xf_index not in self._variants:
            self._variants[xf_index] = self._add_variant(xf_index)
        return self._variants[xf_index]

    def _add_variant(self, xf_index: int) -> int:
        fmt_id = self._date_format_id()
        if not self._xfs:  # an empty cellXfs: every cell shows format 0, which must stay plain
            self._append_xf(self._plain_xf())
        # a style index beyond cellXfs shows the default look, format 0
        xf = _clean_copy(self._xfs[xf_index if 0 <= xf_index < len(self._xfs) else 0])
        xf.set("numFmtId", str(fmt_id))
        xf.set("applyNumberFormat", "1")
        wanted = _canonical(xf)
        for index, existing in enumerate(self._xfs):
            if _canonical(existing) == wanted:
                return index
        return self._append_xf(xf)

    def _plain_xf(self) -> etree._Element:
        """The default cell format: the first font, fill and border, the Normal style."""
        xf = etree.Element(f"{{{self.ns}}}xf", numFmtId="0")
        for name, collection in (("fontId", "fonts"), ("fillId", "fills"), ("borderId", "borders"),
                                 ("xfId", "cellStyleXfs")):
            holder = self._child(collection)
            if holder is not None and effective_children(holder):
                xf.set(name, "0")
        return xf

    def _append_xf(self, xf: etree._Element) -> int:
        xfs = self._child("cellXfs")
        if xfs is None:
            xfs = etree.Element(f"{{{self.ns}}}cellXfs")
            self._insert(xfs, "cellXfs")
        xfs.append(xf)
        self._xfs.append(xf)
        xfs.set("count", str(len(self._xfs)))
        self.changed = True
        return len(self._xfs) - 1

    def _date_format_id(self) -> int:
        """The number format id of `date_format`: an existing one, else one added (once)."""
        wanted = _plain(self.date_format)
        for fmt_id, code in self._formats.items():
            if _plain(code) == wanted:  # the workbook's own spelling of it (DD-MM-YYYY, dd\-mm\-yyyy)
                return fmt_id
        fmt_id = max([163, *self._formats]) + 1  # ids below 164 are Excel's built-in formats
        num_fmts = self._child("numFmts")
        if num_fmts is None:
            num_fmts = etree.Element(f"{{{self.ns}}}numFmts")
            self.root.insert(0, num_fmts)
        fmt = etree.SubElement(num_fmts, f"{{{self.ns}}}numFmt")
        fmt.set("numFmtId", str(fmt_id))
        fmt.set("formatCode", self.date_format)
        num_fmts.set("count", str(len(effective_children(num_fmts))))
        self._formats[fmt_id] = self.date_format
        self.changed = True
        return fmt_id

    def _insert(self, element: etree._Element, name: str) -> None:
        """Put a new child of styleSheet where the schema's order wants it."""
        later = _AFTER_NUM_FMTS[_AFTER_NUM_FMTS.index(name) + 1:]
        for position, child in enumerate(self.root):
            if isinstance(child.tag, str) and local(child) in later:
                self.root.insert(position, element)
                return
        self.root.append(element)

    def serialise(self) -> bytes:
        return serialise(self.root)


def _clean_copy(xf: etree._Element) -> etree._Element:
    """A copy of an <xf> with what the schema allows: attributes a producer added beside it (not in a
    namespace of their own, which a reader may ignore) and stray children are left out."""
    clone = copy.deepcopy(xf)
    for name in list(clone.attrib):
        if not str(name).startswith("{") and name not in _XF_ATTRIBUTES:
            del clone.attrib[name]
    for child in list(clone):
        if not isinstance(child.tag, str) or (etree.QName(child).namespace == etree.QName(xf).namespace
                                              and local(child) not in _XF_CHILDREN):
            clone.remove(child)
    return clone


def _plain(code: str) -> str:
    """A number format as it shows: case, escapes and quotes of literal characters aside."""
    return code.lower().replace("\\", "").replace('"', "")


def _canonical(xf: etree._Element) -> bytes:
    """An <xf> as comparable bytes: attributes in a fixed order, defaults spelled out, children as they are."""
    clone = copy.deepcopy(xf)
    attrs: dict[str, str] = {str(k): str(v) for k, v in clone.attrib.items()}
    clone.attrib.clear()
    for name in _XF_ORDER:
        clone.set(name, attrs.pop(name, "0"))
    for name in sorted(attrs):
        clone.set(name, attrs[name])
    return etree.tostring(clone, method="c14n")
