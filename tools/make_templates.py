"""Generate the Word templates in templates/ (registration form and four letters), reproducibly.

Run: python tools/make_templates.py [OUTPUT_DIR]   (default: formkit/documents/templates/)

The templates are what staff open and edit in Word, so the Jinja tags are kept simple and every
tag sits in one run. The control lines ({%p if ... %}) are grey: they vanish from the result.
Re-running gives byte-identical files (fixed dates in the document and in the zip).
"""

from __future__ import annotations

import datetime as dt
import sys
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor, Twips

FONT = "Calibri"
SYMBOL_FONT = "Segoe UI Symbol"  # has ☐/☒ in Word; LibreOffice falls back to a font that has them
BRAND = "1F4E79"
TEXT_GREY = "595959"
LOGIC_GREY = "8C8C8C"
BORDER = "9FA8B3"
LABEL_FILL = "E8EEF5"
FIXED_TIME = dt.datetime(2026, 1, 1, 0, 0, 0)

# Elements that follow w:pBdr inside w:pPr (ECMA-376 order).
PPR_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
                  "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
                  "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
                  "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
                  "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")

# --- low-level helpers -----------------------------------------------------------------------


def rgb(hex_color: str) -> RGBColor:
    return RGBColor.from_string(hex_color)


def set_run_font(run, name: str) -> None:
    """Set every font slot, so Word and LibreOffice agree on the font."""
    run.font.name = name
    rfonts = run._r.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(slot), name)


def add_run(paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None,
            color: str | None = None, font: str | None = None):
    run = paragraph.add_run(text)
    run.bold = bold or None
    run.italic = italic or None
    if size:
        run.font.size = Pt(size)
    if color:
        run.font.color.rgb = rgb(color)
    if font:
        set_run_font(run, font)
    return run


def para(container, text: str = "", *, bold: bool = False, italic: bool = False, size: float | None = None,
         color: str | None = None, before: float = 0, after: float = 0, align=None, keep: bool = False,
         indent: float | None = None, runs: list[tuple[str, dict]] | None = None, first: bool = False):
    """A paragraph with direct formatting; `first` reuses the container's existing empty paragraph."""
    p = container.paragraphs[0] if first else container.add_paragraph()
    fmt = p.paragraph_format
    fmt.space_before = Pt(before)
    fmt.space_after = Pt(after)
    if align is not None:
        p.alignment = align
    if keep:
        fmt.keep_with_next = True
    if indent is not None:
        fmt.left_indent = Mm(indent)
    if text:
        add_run(p, text, bold=bold, italic=italic, size=size, color=color)
    for run_text, style in runs or []:
        add_run(p, run_text, **style)
    return p


def logic(container, tag: str):
    """A control line ({%p if %}); grey and small so staff see it is not letter text."""
    return para(container, tag, size=8, color=LOGIC_GREY)


def add_field(paragraph, instr: str, *, size: float, color: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    run = add_run(paragraph, "1", size=size, color=color)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), f" {instr} ")
    run._r.addprevious(field)
    field.append(run._r)


def page_footer(paragraph, text: str) -> None:
    """`text` followed by 'pagina N van M' (Word fields), in the small grey footer style."""
    add_run(paragraph, text + "pagina ", size=8, color=TEXT_GREY)
    add_field(paragraph, "PAGE", size=8, color=TEXT_GREY)
    add_run(paragraph, " van ", size=8, color=TEXT_GREY)
    add_field(paragraph, "NUMPAGES", size=8, color=TEXT_GREY)


def right_tab(paragraph, mm: float) -> None:
    """A right-aligned tab stop; the Header/Footer styles' own centre and right stops are cleared."""
    stops = paragraph.paragraph_format.tab_stops
    for twips in (4680, 9360):
        stops.add_tab_stop(Twips(twips), WD_TAB_ALIGNMENT.CLEAR)
    stops.add_tab_stop(Mm(mm), WD_TAB_ALIGNMENT.RIGHT)


def border(paragraph, side: str, *, color: str, size: int = 12, space: int = 4) -> None:
    """A line above/below/left of a paragraph (letterhead rule, quote bar)."""
    ppr = paragraph._p.get_or_add_pPr()
    pbdr = ppr.find(qn("w:pBdr"))
    if pbdr is None:
        pbdr = OxmlElement("w:pBdr")
        ppr.append(pbdr)
    edge = OxmlElement(f"w:{side}")
    for key, value in (("val", "single"), ("sz", str(size)), ("space", str(space)), ("color", color)):
        edge.set(qn(f"w:{key}"), value)
    pbdr.append(edge)
    ppr.remove(pbdr)  # Word insists on the schema's element order
    ppr.insert_element_before(pbdr, *PPR_AFTER_PBDR)


def shade(cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.insert_element_before(shd, "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText", "w:vAlign",
                               "w:hideMark", "w:headers", "w:cellIns", "w:cellDel", "w:cellMerge", "w:tcPrChange")


def row_height(row, mm: float, *, exact: bool = False, keep: bool = True) -> None:
    """Minimum height (room to write by hand); short rows never split over two pages."""
    trpr = row._tr.get_or_add_trPr()
    if keep:
        trpr.append(OxmlElement("w:cantSplit"))
    height = OxmlElement("w:trHeight")
    height.set(qn("w:val"), str(int(mm * 56.7)))
    height.set(qn("w:hRule"), "exact" if exact else "atLeast")
    trpr.append(height)


def form_table(container, widths: list[float]):
    """A fixed-layout table with thin grey borders and comfortable cell margins."""
    table = container.add_table(rows=0, cols=len(widths))
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # python-docx writes <w:tblLayout w:type="fixed"/>
    tblpr = table._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
        edge = OxmlElement(f"w:{side}")
        for key, value in (("val", "single"), ("sz", "4"), ("space", "0"), ("color", BORDER)):
            edge.set(qn(f"w:{key}"), value)
        borders.append(edge)
    tblpr.insert_element_before(borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption",
                                "w:tblDescription", "w:tblPrChange")
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 40), ("left", 85), ("bottom", 40), ("right", 85)):
        m = OxmlElement(f"w:{side}")
        m.set(qn("w:w"), str(twips))
        m.set(qn("w:type"), "dxa")
        margins.append(m)
    tblpr.insert_element_before(margins, "w:tblLook", "w:tblCaption", "w:tblDescription", "w:tblPrChange")
    for column, width in zip(table.columns, widths):
        column.width = Mm(width)
    table._widths = widths  # type: ignore[attr-defined]
    return table


def add_row(table, spans: list[int]):
    """A row whose cells span the given numbers of grid columns; returns the (merged) cells."""
    row = table.add_row()
    widths = table._widths
    cells, col = [], 0
    for span in spans:
        cell = row.cells[col]
        if span > 1:
            cell = cell.merge(row.cells[col + span - 1])
        cell.width = Mm(sum(widths[col:col + span]))
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
        cells.append(cell)
        col += span
    return row, cells


def base_document(title: str, *, top: float, bottom: float, left: float, right: float,
                  header: float = 12, footer: float = 10):
    """A4, Calibri 11, Dutch language, fixed metadata (reproducible)."""
    doc = Document()
    section = doc.sections[0]
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(top), Mm(bottom)
    section.left_margin, section.right_margin = Mm(left), Mm(right)
    section.header_distance, section.footer_distance = Mm(header), Mm(footer)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(slot), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "nl-NL")
    lang.set(qn("w:eastAsia"), "nl-NL")
    rpr.insert_element_before(lang, "w:eastAsianLayout", "w:specVanish", "w:oMath")
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.1
    props = doc.core_properties
    props.title = title
    props.author = "formkit"
    props.last_modified_by = "formkit"
    props.language = "nl-NL"
    props.created = props.modified = FIXED_TIME
    props.revision = 1
    props.comments = "Sjabloon van formkit; de beschikbare codes staan in LEESMIJ.md."
    body = doc.element.body  # drop the empty first paragraph python-docx starts with
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


def save_reproducible(doc, path: Path) -> None:
    """Save, then rewrite the zip with fixed timestamps so re-running changes no bytes."""
    tmp = path.with_suffix(".tmp")
    doc.save(tmp)
    with zipfile.ZipFile(tmp) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    tmp.unlink()


# --- letters ---------------------------------------------------------------------------------

OPLEIDING = "{% if klacht.opleiding %} over de opleiding {{ klacht.opleiding }}{% endif %}"
CONTACT = "{% if behandelaar.bereikbaar %} ({{ behandelaar.bereikbaar }}){% endif %}"


def letter_frame(title: str):
    """Letterhead, address block, place and date, subject, reference and salutation."""
    doc = base_document(title, top=27, bottom=22, left=25, right=20)
    section = doc.sections[0]
    section.different_first_page_header_footer = True

    head = section.first_page_header
    p = para(head, "{{ organisatie.naam }}", bold=True, size=22, color=BRAND, first=True, after=2)
    border(p, "bottom", color=BRAND, size=12, space=4)
    para(head, "{{ organisatie.contactregel }}", size=8.5, color=TEXT_GREY, before=3)

    later = section.header
    p = para(later, "{{ organisatie.naam }}", bold=True, size=11, color=BRAND, first=True)
    right_tab(p, 164.5)
    add_run(p, "\t{{ brief.betreft }}", size=8.5, color=TEXT_GREY)
    border(p, "bottom", color=BRAND, size=6, space=3)

    for foot in (section.first_page_footer, section.footer):
        p = para(foot, first=True, size=8, color=TEXT_GREY, align=WD_ALIGN_PARAGRAPH.RIGHT)
        page_footer(p, "Ons kenmerk {{ brief.kenmerk }}  ·  ")

    para(doc, "{{ brief.adres }}", before=30)
    para(doc, "{{ brief.plaats_datum }}", before=34, after=12)
    for label, value in (("Betreft:", "{{ brief.betreft }}"), ("Ons kenmerk:", "{{ brief.kenmerk }}")):
        p = para(doc, runs=[(label, {"color": TEXT_GREY}), ("\t" + value, {})])
        p.paragraph_format.tab_stops.add_tab_stop(Mm(28))
    para(doc, "{{ brief.aanhef }}", before=20, after=10)
    return doc


def body(doc, text: str) -> None:
    para(doc, text, after=10)


def heading(doc, text: str) -> None:
    para(doc, text, bold=True, color=BRAND, after=2, keep=True)


def quote(doc, text: str) -> None:
    p = para(doc, text, italic=True, color="404040", indent=6, after=10)
    border(p, "left", color="A6A6A6", size=12, space=8)


def closing(doc, *, enclosure: str = "") -> None:
    """'Met vriendelijke groet,', the handler's signature image, name, function, organisation."""
    para(doc, "Met vriendelijke groet,", before=4, after=2, keep=True)
    para(doc, "{{ handtekening }}", keep=True)
    para(doc, "{{ behandelaar.naam }}", keep=True)
    logic(doc, "{%p if behandelaar.functie %}")
    para(doc, "{{ behandelaar.functie }}", keep=True)
    logic(doc, "{%p endif %}")
    para(doc, "{{ organisatie.naam }}")
    if enclosure:
        para(doc, enclosure, size=9, color=TEXT_GREY, before=24)


def brief_ontvangst():
    doc = letter_frame("Ontvangstbevestiging klacht")
    body(doc, "Op {{ klacht.datum_ontvangst }} hebben wij uw klacht" + OPLEIDING + " ontvangen. Met deze brief "
              "bevestigen wij dat wij uw klacht in behandeling hebben genomen. Wij vinden het vervelend dat u "
              "niet tevreden bent en danken u dat u dit aan ons hebt laten weten.")
    logic(doc, "{%p if klacht.omschrijving_kort %}")
    para(doc, "Wij hebben uw klacht als volgt genoteerd:", after=4, keep=True)
    quote(doc, "{{ klacht.omschrijving_kort }}")
    logic(doc, "{%p endif %}")
    body(doc, "Uw klacht wordt behandeld door {{ behandelaar.naam }}. Wij behandelen uw klacht vertrouwelijk.")
    logic(doc, "{%p if termijn.verwacht %}")
    body(doc, "Wij hebben meer tijd nodig dan de termijn van onze klachtenprocedure "
              "({{ termijn.afhandeling_oorspronkelijk }}) om uw klacht zorgvuldig af te handelen; onze excuses "
              "daarvoor. U kunt de afhandeling uiterlijk {{ termijn.verwacht }} verwachten. Dan laten wij u "
              "schriftelijk weten wat wij hebben gedaan.")
    logic(doc, "{%p elif klacht.ernstig %}")
    body(doc, "Wij behandelen uw klacht met spoed. Uiterlijk {{ termijn.afhandeling }} laten wij u "
              "schriftelijk weten hoe wij uw klacht hebben opgelost.")
    logic(doc, "{%p else %}")
    body(doc, "Wij handelen uw klacht uiterlijk {{ termijn.afhandeling }} af en laten u dan schriftelijk weten "
              "wat wij hebben gedaan. Hebben wij meer tijd nodig, dan hoort u dat vóór die datum van ons, met "
              "een indicatie wanneer u de afhandeling kunt verwachten.")
    logic(doc, "{%p endif %}")
    body(doc, "Heeft u in de tussentijd vragen, neem dan contact op met {{ behandelaar.naam }}" + CONTACT + ".")
    closing(doc)
    return doc


def brief_verlenging():
    doc = letter_frame("Verlenging behandeling klacht")
    body(doc, "Op {{ klacht.datum_ontvangst }} heeft u een klacht" + OPLEIDING + " bij ons ingediend. Volgens "
              "onze klachtenprocedure zouden wij uw klacht uiterlijk {{ termijn.afhandeling_oorspronkelijk }} "
              "afhandelen.")
    body(doc, "Helaas hebben wij meer tijd nodig om uw klacht zorgvuldig te onderzoeken en tot een goede "
              "oplossing te komen. Onze excuses daarvoor.")
    body(doc, "Wij verwachten uw klacht uiterlijk {{ termijn.verwacht }} af te handelen. U ontvangt dan "
              "schriftelijk bericht van ons over de uitkomst.")
    body(doc, "Uw klacht wordt behandeld door {{ behandelaar.naam }}. Heeft u vragen, neem dan gerust contact "
              "met ons op" + CONTACT + ".")
    closing(doc)
    return doc


def brief_terugkoppeling():
    doc = letter_frame("Terugkoppeling klacht")
    body(doc, "Op {{ klacht.datum_ontvangst }} heeft u een klacht" + OPLEIDING + " bij ons ingediend. In deze "
              "brief laten wij u weten wat wij met uw klacht hebben gedaan.")
    logic(doc, "{%p if klacht.omschrijving_kort %}")
    heading(doc, "Uw klacht")
    quote(doc, "{{ klacht.omschrijving_kort }}")
    logic(doc, "{%p endif %}")
    logic(doc, "{%p if klacht.oorzaak %}")
    heading(doc, "Wat wij hebben gevonden")
    body(doc, "{{ klacht.oorzaak }}")
    logic(doc, "{%p endif %}")
    logic(doc, "{%p if klacht.oplossing %}")
    heading(doc, "Wat wij hebben gedaan")
    body(doc, "{{ klacht.oplossing }}")
    logic(doc, "{%p endif %}")
    body(doc, "Wij danken u voor uw klacht. Klachten zien wij als een kans om te leren en onze dienstverlening "
              "te verbeteren. Wij hopen dat uw klacht hiermee naar tevredenheid is opgelost.")
    heading(doc, "Niet tevreden?")
    logic(doc, "{%p if derde_partij.bekend %}")
    body(doc, "Bent u niet tevreden over de afhandeling, laat het ons dan weten. U kunt uw klacht dan voorleggen "
              "aan een onafhankelijke derde partij: {{ derde_partij.volledig }}. Het oordeel van de "
              "onafhankelijke derde partij is bindend voor beide partijen.")
    logic(doc, "{%p else %}")
    body(doc, "Bent u niet tevreden over de afhandeling, laat het ons dan weten. U kunt uw klacht dan voorleggen "
              "aan een onafhankelijke derde partij: voor particulieren is dat {{ derde_partij.particulier }}, "
              "voor bedrijven {{ derde_partij.bedrijf }}. Het oordeel van de onafhankelijke derde partij is "
              "bindend voor beide partijen.")
    logic(doc, "{%p endif %}")
    body(doc, "Binnenkort vragen wij u hoe tevreden u bent over de afhandeling van uw klacht.")
    closing(doc)
    return doc


def brief_tevredenheid():
    doc = letter_frame("Tevredenheid afhandeling klacht")
    body(doc, "{% if klacht.datum_afhandeling %}Op {{ klacht.datum_afhandeling }}{% else %}Onlangs{% endif %} "
              "hebben wij uw klacht" + OPLEIDING + " afgehandeld. Klachten zien wij als leermomenten en als "
              "kans om onze kwaliteit te verbeteren. Daarom horen wij graag hoe tevreden u bent over de manier "
              "waarop wij uw klacht hebben behandeld.")
    body(doc, "Bij deze brief vindt u het tevredenheidsformulier. Het invullen kost u maar een paar minuten. "
              "U kunt het formulier op de computer invullen, of afdrukken en met de hand invullen. Wilt u het "
              "ingevulde formulier binnen twee weken aan ons terugsturen{% if brief.email %}, bij voorkeur per "
              "e-mail naar {{ brief.email }}{% endif %}?")
    body(doc, "Hartelijk dank voor uw medewerking. Uw antwoorden helpen ons onze dienstverlening te verbeteren.")
    closing(doc, enclosure="Bijlage: tevredenheidsformulier")
    return doc


# --- the registration form -------------------------------------------------------------------

WIDTHS = [33.0, 54.0, 33.0, 54.0]  # label, value, label, value: 174 mm between 18 mm margins
VALUE_SIZE = 10.5


def boxes(group: str, options: list[tuple[str, str]], other: bool = False) -> list[tuple[str, dict]]:
    """Runs '☒ gesprek   ☐ telefoon ...' for one choice group."""
    runs: list[tuple[str, dict]] = []
    for key, label in options:
        runs.append(("{{ vakje.%s.%s }}" % (group, key), {"font": SYMBOL_FONT, "size": VALUE_SIZE}))
        runs.append((f" {label}   ", {"size": VALUE_SIZE}))
    if other:
        runs.append(("{{ vakje.%s.anders }}" % group, {"font": SYMBOL_FONT, "size": VALUE_SIZE}))
        runs.append((" anders{%% if vakje.%s.anders_tekst %%}: {{ vakje.%s.anders_tekst }}{%% endif %%}"
                     % (group, group), {"size": VALUE_SIZE}))
    return runs


def label_cell(cell, label: str, hint: str = "") -> None:
    shade(cell, LABEL_FILL)
    para(cell, label, bold=True, size=9, color="333F4F", first=True)
    if hint:
        para(cell, hint, size=7.5, color=TEXT_GREY, italic=True)


def value_cell(cell, value: str | list[tuple[str, dict]], hint: str = "") -> None:
    if isinstance(value, str):
        para(cell, value, size=VALUE_SIZE, first=True)
    else:
        para(cell, runs=value, first=True)
    if hint:
        para(cell, hint, size=7.5, color=TEXT_GREY)


def section_row(table, title: str) -> None:
    row, (cell,) = add_row(table, [4])
    shade(cell, BRAND)
    para(cell, title, bold=True, size=10.5, color="FFFFFF", first=True, keep=True)
    row_height(row, 6.5)


def pair_row(table, left: tuple, right: tuple, height: float = 7.5) -> None:
    row, cells = add_row(table, [1, 1, 1, 1])
    for (label, value, *hint), (lc, vc) in ((left, cells[:2]), (right, cells[2:])):
        label_cell(lc, label, hint[0] if len(hint) > 0 else "")
        value_cell(vc, value, hint[1] if len(hint) > 1 else "")
    row_height(row, height)


def wide_row(table, label: str, value, *, hint: str = "", height: float = 7.5, long: bool = False) -> None:
    row, (lc, vc) = add_row(table, [1, 3])
    label_cell(lc, label, hint)
    value_cell(vc, value)
    row_height(row, height, keep=not long)


def registratieformulier():
    doc = base_document("Klachtenregistratieformulier", top=24, bottom=18, left=18, right=18, header=10, footer=9)
    section = doc.sections[0]
    p = para(section.header, "{{ organisatie.naam }}", bold=True, size=12, color=BRAND, first=True)
    right_tab(p, 173.5)
    add_run(p, "\tKlachtenregistratieformulier  ·  vertrouwelijk", size=8.5, color=TEXT_GREY)
    border(p, "bottom", color=BRAND, size=8, space=3)
    p = para(section.footer, first=True)
    right_tab(p, 173.5)
    page_footer(p, "Klacht {{ klacht.nummer }}  ·  vertrouwelijk, bewaren {{ termijn.bewaren }}\t")

    para(doc, "Klachtenregistratieformulier", bold=True, size=20, color=BRAND, after=2)
    para(doc, "Standaard registratieformulier (bijlage bij de klachtenprocedure van {{ organisatie.naam }}). "
              "Opgemaakt op {{ brief.datum }}.", size=9, color=TEXT_GREY, after=8)

    top = form_table(doc, [58.0, 58.0, 58.0])
    row, cells = add_row(top, [1, 1, 1])
    for cell, label in zip(cells, ("Klachtnummer", "Datum ontvangst", "Behandelaar")):
        label_cell(cell, label)
    row, cells = add_row(top, [1, 1, 1])
    for cell, value in zip(cells, ("{{ klacht.nummer }}", "{{ klacht.datum_ontvangst }}", "{{ klacht.behandelaar }}")):
        para(cell, value, bold=True, size=13, first=True)
    row_height(row, 9)
    para(doc, "", after=6)

    t = form_table(doc, WIDTHS)
    section_row(t, "1   Luisteren en beoordelen")
    wide_row(t, "Wijze van indienen", boxes("indienen", [("gesprek", "gesprek"), ("telefoon", "telefoon"),
             ("email", "e-mail"), ("brief", "brief"), ("klachtenformulier", "klachtenformulier")], other=True))
    pair_row(t, ("Type klant", boxes("klant", [("particulier", "particulier"), ("bedrijf", "bedrijf")])),
             ("Ernstig", boxes("ernstig", [("ja", "ja"), ("nee", "nee")]), "bijv. kan tot een claim leiden:"
              " met spoed oplossen"))
    pair_row(t, ("Naam klager", "{{ klacht.naam }}"), ("Organisatie", "{{ klacht.organisatie }}"))
    pair_row(t, ("Adres", "{{ klacht.adres }}"), ("Postcode en woonplaats", "{{ klacht.postcode_woonplaats }}"))
    pair_row(t, ("E-mail", "{{ klacht.email }}"), ("Telefoon", "{{ klacht.telefoon }}"))
    pair_row(t, ("Naam deelnemer", "{{ klacht.deelnemer }}", "als dat niet de klager is"),
             ("Opleiding", "{{ klacht.opleiding }}"))
    wide_row(t, "Omschrijving van de klacht", "{{ klacht.omschrijving }}", hint="wat is er gebeurd, wanneer, "
             "wie waren erbij", height=48, long=True)
    wide_row(t, "Gewenste oplossing", "{{ klacht.gewenste_oplossing }}", hint="wat vraagt de klant",
             height=20, long=True)

    section_row(t, "2   Registreren")
    pair_row(t, ("Klachtnummer", "{{ klacht.nummer }}"), ("Categorie", "{{ klacht.categorie }}",
             "soort klacht, voor de analyse"))
    pair_row(t, ("Reactie uiterlijk", "{{ termijn.reactie }}", "", "{{ termijn.reactie_grond }}"),
             ("Afhandeling uiterlijk", "{{ termijn.afhandeling }}", "", "{{ termijn.afhandeling_grond }}"),
             height=11)

    section_row(t, "3   Oplossen")
    pair_row(t, ("Datum reactie", "{{ klacht.datum_reactie }}", "eerste reactie aan de klant"),
             ("Wijze reactie", boxes("reactie", [("email", "e-mail"), ("telefoon", "telefoon"),
                                                  ("brief", "brief")], other=True)))
    pair_row(t, ("Verlengd tot", "{{ klacht.verlengd_tot }}", "verwachte datum, gemeld aan de klant"),
             ("Datum verlengings-bericht", "{{ klacht.datum_verlengingsbericht }}"))
    wide_row(t, "Oorzaak", "{{ klacht.oorzaak }}", hint="de oorzaak, niet het symptoom", height=28, long=True)
    wide_row(t, "Oplossing", "{{ klacht.oplossing }}", hint="wat is er gedaan", height=28, long=True)
    pair_row(t, ("Datum afhandeling", "{{ klacht.datum_afhandeling }}"),
             ("Bewaren tot", "{{ termijn.bewaren_tot }}", "twee jaar na afhandeling; daarna vernietigen"))

    section_row(t, "4   Terugkoppelen")
    pair_row(t, ("Datum terugkoppeling", "{{ klacht.datum_terugkoppeling }}", "schriftelijk aan de klant"),
             ("Terugkoppeling organisatie", "{{ klacht.terugkoppeling_organisatie }}", "intern: datum of "
              "toelichting"))
    pair_row(t, ("Derde partij", "{{ klacht.derde_partij }}", "", "{% if derde_partij.bekend %}voor deze "
                 "klant: {{ derde_partij.volledig }}{% endif %}"),
             ("Datum voorgelegd", "{{ klacht.datum_voorgelegd }}", "aan de derde partij"), height=11)
    wide_row(t, "Uitspraak derde partij", "{{ klacht.uitspraak_derde_partij }}", hint="bindend voor beide "
             "partijen", height=16, long=True)

    section_row(t, "5–7   Analyseren, leren en verbeteren")
    pair_row(t, ("Tevredenheid", "{{ klacht.tevredenheid }}", "score 1 (slecht) tot 5 (uitstekend)"),
             ("Datum tevredenheids-meting", "{{ klacht.datum_tevredenheidsmeting }}"))
    wide_row(t, "Verbeteractie", "{{ klacht.verbeteractie }}", hint="wat leren we, wat veranderen we",
             height=20, long=True)
    pair_row(t, ("Verbeteractie doorgevoerd", "{{ klacht.verbeteractie_doorgevoerd }}", "datum"),
             ("Signalering", "{{ klacht.signalering }}", "door formkit controle"))
    wide_row(t, "Opmerkingen", "{{ klacht.opmerkingen }}", height=16, long=True)

    para(doc, "", after=8)
    s = form_table(doc, WIDTHS)
    row, (cell,) = add_row(s, [4])
    shade(cell, BRAND)
    para(cell, "Ondertekening", bold=True, size=10.5, color="FFFFFF", first=True, keep=True)
    row_height(row, 6.5)
    pair_row(s, ("Naam behandelaar", "{{ behandelaar.naam }}"), ("Datum", ""), height=9)
    wide_row(s, "Handtekening", "", height=22)
    return doc


TEMPLATES = {
    "registratieformulier.docx": registratieformulier,
    "brief-ontvangst.docx": brief_ontvangst,
    "brief-verlenging.docx": brief_verlenging,
    "brief-terugkoppeling.docx": brief_terugkoppeling,
    "brief-tevredenheid.docx": brief_tevredenheid,
}


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "formkit" / "documents" / "templates"
    out.mkdir(parents=True, exist_ok=True)
    for name, build in TEMPLATES.items():
        save_reproducible(build(), out / name)
        print(out / name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
