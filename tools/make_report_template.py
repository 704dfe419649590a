"""Generate templates/managementrapport.docx, the Word template of `formkit analyse --rapport X.pdf`.

Run: python tools/make_report_template.py [OUTPUT_DIR]   (default: formkit/documents/templates/)

Same building blocks and house style as the letters (tools/make_templates.py): every Jinja tag in
one run, control lines ({%p ... %}, {%tr ... %}) small and grey, byte-identical on every run.
Charts are pictures: `{{ grafiek.maand }}` in its own paragraph becomes the chart.
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_templates import (  # a sibling script, not a package
    BRAND,
    LABEL_FILL,
    TEXT_GREY,
    add_run,
    base_document,
    border,
    logic,
    page_footer,
    para,
    right_tab,
    save_reproducible,
    shade,
)

NAME = "managementrapport.docx"
TEXT_WIDTH = 170.0  # mm between the 20 mm margins
RULE = "BFC9D6"
SMALL = 9.5
LEFT, RIGHT = "left", "right"


# --- tables with a row per item ---------------------------------------------------------------

def report_table(doc, widths: list[float]):
    """Fixed layout (autofit off), only horizontal rules: reads as a report table, not as a form."""
    table = doc.add_table(rows=0, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side, size in (("top", "8"), ("bottom", "8"), ("insideH", "4")):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", size), ("space", "0"), ("color", RULE)):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    tblpr.append(borders)
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 35), ("left", 70), ("bottom", 35), ("right", 70)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(twips))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tblpr.append(margins)
    for column, width in zip(table.columns, widths):
        column.width = Mm(width)
    return table


def row_flags(row, *, header: bool = False) -> None:
    """Rows never split over two pages; header rows repeat on every page."""
    trpr = row._tr.get_or_add_trPr()
    trpr.append(OxmlElement("w:cantSplit"))
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def cell_text(cell, text: str, *, align: str = LEFT, bold: bool = False, size: float = SMALL,
              color: str | None = None) -> None:
    para(cell, text, bold=bold, size=size, color=color, first=True,
         align=WD_ALIGN_PARAGRAPH.RIGHT if align == RIGHT else None)


def loop_table(doc, columns: list[tuple[str, float, str, str]], loop: str, *, inner: str | None = None,
               group: str | None = None, total: list[str] | None = None) -> None:
    """A header row and one row per item: columns are (header, width mm, alignment, cell text).

    With `group` and `inner`: a merged heading row per group (text `group`), then a row per item of
    the group's `inner` loop. With `total`: a closing bold row with these cell texts.
    """
    widths = [width for _, width, _, _ in columns]
    table = report_table(doc, widths)
    row = table.add_row()
    row_flags(row, header=True)
    for cell, (title, width, align, _) in zip(row.cells, columns):
        cell.width = Mm(width)
        shade(cell, BRAND)
        cell_text(cell, title, align=align, bold=True, size=9, color="FFFFFF")

    def control(tag: str) -> None:
        r = table.add_row()
        para(r.cells[0], tag, size=7, color="8C8C8C", first=True)

    control(f"{{%tr for {loop} %}}")
    if group is not None and inner is not None:
        r = table.add_row()
        row_flags(r)
        merged = r.cells[0].merge(r.cells[-1])
        shade(merged, LABEL_FILL)
        cell_text(merged, group, bold=True, size=SMALL)
        control(f"{{%tr for {inner} %}}")
    r = table.add_row()
    row_flags(r)
    for cell, (_, width, align, text) in zip(r.cells, columns):
        cell.width = Mm(width)
        cell_text(cell, text, align=align)
    if group is not None and inner is not None:
        control("{%tr endfor %}")
    control("{%tr endfor %}")
    if total is not None:
        r = table.add_row()
        row_flags(r)
        for cell, (_, width, align, _), text in zip(r.cells, columns, total):
            cell.width = Mm(width)
            cell_text(cell, text, align=align, bold=True)
    # LibreOffice ignores "keep with next" on a paragraph right after a table: a heading there
    # could end up alone at the foot of a page. A small empty paragraph in between prevents it.
    gap = para(doc, "", after=4)
    mark = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "8")
    mark.append(size)
    gap._p.get_or_add_pPr().append(mark)


# --- text blocks --------------------------------------------------------------------------------

def section(doc, number: str, title: str, key: str) -> None:
    """Heading, the procedure step it serves, and the text written from the figures."""
    p = para(doc, f"{number}   {title}", bold=True, size=14, color=BRAND, before=16, after=1, keep=True)
    border(p, "bottom", color=RULE, size=6, space=2)
    para(doc, "{{ stap." + key + " }}", size=8.5, color=TEXT_GREY, italic=True, after=6, keep=True)
    para(doc, "{{ tekst." + key + " }}", after=8, keep=True)


def chart(doc, name: str) -> None:
    para(doc, "{{ grafiek." + name + " }}", align=WD_ALIGN_PARAGRAPH.CENTER, after=8)


def subheading(doc, text: str) -> None:
    para(doc, text, bold=True, size=10.5, color=BRAND, before=8, after=3, keep=True)


def bullets(doc, loop: str, text: str, **style) -> None:
    logic(doc, f"{{%p for {loop} %}}")
    p = para(doc, runs=[("•\t", {"color": BRAND}), (text, style)], after=3)
    p.paragraph_format.left_indent = Mm(5)
    p.paragraph_format.first_line_indent = Mm(-5)
    p.paragraph_format.tab_stops.add_tab_stop(Mm(5))
    logic(doc, "{%p endfor %}")


# --- the report ---------------------------------------------------------------------------------

def managementrapport():
    doc = base_document("Managementrapportage klachten", top=24, bottom=20, left=20, right=20, header=10, footer=9)
    s = doc.sections[0]
    p = para(s.header, "{{ organisatie.naam }}", bold=True, size=11, color=BRAND, first=True)
    right_tab(p, TEXT_WIDTH - 0.5)
    add_run(p, "\tManagementrapportage klachten  ·  {{ rapport.periode }}", size=8.5, color=TEXT_GREY)
    border(p, "bottom", color=BRAND, size=6, space=3)
    p = para(s.footer, first=True)
    right_tab(p, TEXT_WIDTH - 0.5)
    page_footer(p, "Vertrouwelijk, voor intern gebruik  ·  opgemaakt op {{ rapport.datum }}\t")

    para(doc, "Managementrapportage klachten", bold=True, size=24, color=BRAND, after=2)
    para(doc, "{{ organisatie.naam }}  ·  {{ rapport.periode }}", size=13, color=TEXT_GREY, after=2)
    para(doc, "Opgemaakt op {{ rapport.datum }} uit het klachtenregister ({{ rapport.omvang }}).",
         size=9, color=TEXT_GREY, after=14)
    para(doc, "Klachten zijn voor {{ organisatie.naam }} leermomenten en kansen om de kwaliteit te verbeteren. "
              "Deze rapportage is de managementinformatie uit de klachtenprocedure: stap 5 analyseren, stap 6 "
              "leren en stap 7 doorvoeren en verbeteren. Bij elk onderdeel staat welke stap het dient. Elk "
              "percentage staat met het aantal klachten waarop het is berekend; hoe de cijfers zijn geteld, "
              "staat achteraan onder Toelichting op de cijfers.", after=8)
    bullets(doc, "regel in let_op", "{{ regel }}", italic=True, color="843C0C")

    logic(doc, "{%p if rapport.leeg %}")
    para(doc, "In deze periode zijn geen klachten ontvangen. Er zijn daarom geen percentages, doorlooptijden "
              "of patronen te berekenen.", bold=True, before=12, after=8)
    logic(doc, "{%p else %}")

    section(doc, "1", "Kerncijfers", "kerncijfers")
    loop_table(doc, [("Onderwerp", 58, LEFT, "{{ r.onderwerp }}"), ("Uitkomst", 50, LEFT, "{{ r.uitkomst }}"),
                     ("Toelichting", 62, LEFT, "{{ r.toelichting }}")], "r in tabel.kerncijfers")
    chart(doc, "termijnen")

    section(doc, "2", "Klachten per maand", "maand")
    chart(doc, "maand")
    loop_table(doc, [("Maand", 60, LEFT, "{{ r.maand }}"), ("Klachten", 30, RIGHT, "{{ r.aantal }}"),
                     ("Waarvan ernstig", 35, RIGHT, "{{ r.ernstig }}")], "r in tabel.maand",
               total=["Totaal", "{{ rapport.aantal }}", "{{ rapport.ernstig }}"])

    section(doc, "3", "Soort klachten", "categorie")
    chart(doc, "categorie")
    loop_table(doc, [("Categorie", 92, LEFT, "{{ r.naam }}"), ("Aantal", 24, RIGHT, "{{ r.aantal }}"),
                     ("Aandeel", 24, RIGHT, "{{ r.aandeel }}"), ("Waarvan ernstig", 30, RIGHT, "{{ r.ernstig }}")],
               "r in tabel.categorie", total=["Totaal", "{{ rapport.aantal }}", "100%", "{{ rapport.ernstig }}"])

    section(doc, "4", "Oorzaken", "oorzaak")
    chart(doc, "oorzaak")
    loop_table(doc, [("Oorzaak", 88, LEFT, "{{ r.naam }}"), ("Aantal", 20, RIGHT, "{{ r.aantal }}"),
                     ("Aandeel", 20, RIGHT, "{{ r.aandeel }}"), ("Verbeteracties", 42, LEFT, "{{ r.acties }}")],
               "r in tabel.oorzaak", total=["Totaal", "{{ rapport.aantal }}", "100%", "{{ rapport.acties }}"])

    section(doc, "5", "Opleiding, type klant en wijze van indienen", "kenmerken")
    chart(doc, "opleiding")
    for title, key in (("Opleiding", "opleiding"), ("Type klant", "type_klant"), ("Wijze van indienen", "indienen")):
        subheading(doc, title)
        loop_table(doc, [(title, 110, LEFT, "{{ r.naam }}"), ("Aantal", 30, RIGHT, "{{ r.aantal }}"),
                         ("Aandeel", 30, RIGHT, "{{ r.aandeel }}")], f"r in tabel.{key}",
                   total=["Totaal", "{{ rapport.aantal }}", "100%"])

    section(doc, "6", "Reactie, afhandeling en doorlooptijd", "termijnen")
    loop_table(doc, [("Maatstaf", 66, LEFT, "{{ r.onderwerp }}"), ("Uitkomst", 46, LEFT, "{{ r.uitkomst }}"),
                     ("Toelichting", 58, LEFT, "{{ r.toelichting }}")], "r in tabel.termijnen")
    chart(doc, "doorlooptijd")

    section(doc, "7", "Terugkoppeling en tevredenheid", "tevredenheid")
    chart(doc, "tevredenheid")
    loop_table(doc, [("Tevredenheid (1 = slecht, 5 = uitstekend)", 110, LEFT, "{{ r.naam }}"),
                     ("Aantal", 30, RIGHT, "{{ r.aantal }}"), ("Aandeel", 30, RIGHT, "{{ r.aandeel }}")],
               "r in tabel.tevredenheid", total=["Scores (n)", "{{ rapport.scores }}", "100%"])

    section(doc, "8", "Onafhankelijke derde partij", "derde_partij")
    logic(doc, "{%p if tabel.derde_partij %}")
    loop_table(doc, [("Klacht", 24, LEFT, "{{ r.nummer }}"), ("Type klant", 22, LEFT, "{{ r.type_klant }}"),
                     ("Derde partij", 42, LEFT, "{{ r.partij }}"), ("Voorgelegd", 24, LEFT, "{{ r.voorgelegd }}"),
                     ("Uitspraak", 58, LEFT, "{{ r.uitspraak }}")], "r in tabel.derde_partij")
    logic(doc, "{%p endif %}")

    section(doc, "9", "Verbeteracties per oorzaak", "verbeteracties")
    logic(doc, "{%p if tabel.verbeteracties %}")
    loop_table(doc, [("Klacht", 26, LEFT, "{{ x.nummer }}"), ("Verbeteractie", 96, LEFT, "{{ x.actie }}"),
                     ("Doorgevoerd", 48, LEFT, "{{ x.doorgevoerd }}")], "g in tabel.verbeteracties",
               group="{{ g.oorzaak }}  ({{ g.samenvatting }})", inner="x in g.acties")
    logic(doc, "{%p endif %}")

    section(doc, "10", "Patronen", "patronen")
    bullets(doc, "p in patronen", "{{ p }}")

    logic(doc, "{%p endif %}")

    p = para(doc, "Toelichting op de cijfers", bold=True, size=14, color=BRAND, before=16, after=6, keep=True)
    border(p, "bottom", color=RULE, size=6, space=2)
    bullets(doc, "regel in toelichting", "{{ regel }}", size=SMALL)
    return doc


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "formkit" / "documents" / "templates"
    out.mkdir(parents=True, exist_ok=True)
    save_reproducible(managementrapport(), out / NAME)
    print(out / NAME)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
