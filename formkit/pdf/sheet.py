"""Drawing a form with reportlab: a top-down cursor over A4 pages that writes labels and places
AcroForm fields (text, choices, check boxes), in the form's look."""

from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from formkit.pdf.fields import ID_FIELD, MARKER_FIELD, TITLES, FormField, form_id
from formkit.settings import Settings

# Look of the form.
PAGE_W, PAGE_H = A4
MARGIN = 56
CONTENT_W = PAGE_W - 2 * MARGIN
ACCENT = Color(0.09, 0.25, 0.45)
GREY = Color(0.35, 0.35, 0.35)
FIELD_FILL = Color(0.925, 0.945, 0.985)
FIELD_BORDER = Color(0.55, 0.6, 0.7)
FIELD_H = 18
FONT, BOLD = "Helvetica", "Helvetica-Bold"  # standard fonts: WinAnsi covers é ë ü ï, no embedding


class Sheet:
    """A top-down cursor over A4 pages that draws labels and places AcroForm fields."""

    def __init__(self, canvas: Canvas, kind: str, settings: Settings, return_address: str):
        self.c = canvas
        self.kind = kind
        self.settings = settings
        self.return_address = return_address  # where the client sends the filled-in form
        self.page = 1
        self.deferred: dict[str, str] = {}  # prefill values reportlab cannot draw; set by pypdf
        self.y = PAGE_H - MARGIN

    def footer(self) -> None:
        """Organisation, page number and the form id: printed text survives flattening."""
        c = self.c
        c.setFont(FONT, 7.5)
        c.setFillColor(GREY)
        org = self.settings.organisation.name
        c.drawString(MARGIN, 30, f"{TITLES[self.kind]} {org} - pagina {self.page}")
        c.drawRightString(PAGE_W - MARGIN, 30, form_id(self.kind))
        c.setFillColor(Color(0, 0, 0))

    def new_page(self) -> None:
        self.footer()
        self.c.showPage()
        self.page += 1
        self.y = PAGE_H - MARGIN

    def need(self, height: float) -> None:
        if self.y - height < 50:
            self.new_page()

    def header(self, intro: str) -> None:
        """Organisation block, title and the explanation for the client."""
        org = self.settings.organisation
        c = self.c
        c.setFillColor(ACCENT)
        c.setFont(BOLD, 15)
        c.drawString(MARGIN, self.y - 15, org.name)
        place = " ".join(p for p in (org.postcode, org.city) if p)
        contact = [", ".join(p for p in (org.address, place) if p),
                   org.phone and f"tel. {org.phone}", org.email, org.website]
        c.setFont(FONT, 8.5)
        c.setFillColor(GREY)
        c.drawString(MARGIN, self.y - 28, " | ".join(p for p in contact if p))
        c.setStrokeColor(ACCENT)
        c.setLineWidth(1.2)
        c.line(MARGIN, self.y - 36, PAGE_W - MARGIN, self.y - 36)
        c.setFillColor(ACCENT)
        c.setFont(BOLD, 20)
        c.drawString(MARGIN, self.y - 64, TITLES[self.kind])
        self.y -= 76
        self.paragraph(intro)

    def paragraph(self, text: str, size: float = 9.5, bold: bool = False) -> None:
        c = self.c
        font = BOLD if bold else FONT
        c.setFillColor(Color(0, 0, 0))
        c.setFont(font, size)
        for block in text.split("\n"):
            for line in simpleSplit(block, font, size, CONTENT_W):
                self.need(size * 1.35)
                c.setFont(font, size)
                c.drawString(MARGIN, self.y - size, line)
                self.y -= size * 1.35
        self.y -= 6

    def section(self, title: str) -> None:
        self.need(60)
        self.y -= 6
        c = self.c
        c.setFillColor(ACCENT)
        c.setFont(BOLD, 11.5)
        c.drawString(MARGIN, self.y - 12, title)
        self.y -= 20

    def _label(self, text: str, x: float, y: float, size: float = 8.5) -> None:
        self.c.setFillColor(GREY)
        self.c.setFont(FONT, size)
        self.c.drawString(x, y, text)
        self.c.setFillColor(Color(0, 0, 0))

    def text_row(self, cells: list[tuple[FormField, str, float, str]], height: float = FIELD_H) -> None:
        """Fields side by side: (field, label, relative width, prefill value)."""
        self.need(height + 14)
        gap = 12
        total = sum(w for _, _, w, _ in cells)
        x = MARGIN
        usable = CONTENT_W - gap * (len(cells) - 1)
        for field, label, weight, value in cells:
            width = usable * weight / total
            self._label(label, x, self.y - 9)
            self._text(field, value, x, self.y - 12 - height, width, height)
            x += width + gap
        self.y -= height + 20

    def _text(self, field: FormField, value: str, x: float, y: float, w: float, h: float) -> None:
        long = field.kind == "long"
        if value and not drawable(value):
            self.deferred[field.name], value = value, ""
        flags = "multiline doNotSpellCheck" if long else "doNotSpellCheck"
        if field.kind == "number" and value:  # a prefilled number is the complaint's: the client cannot retype it
            flags += " readOnly"
        self.c.acroForm.textfield(
            name=field.name, tooltip=field.label, value=value, x=x, y=y, width=w, height=h,
            fontName=FONT, fontSize=10, textColor=Color(0, 0, 0), fillColor=FIELD_FILL,
            borderColor=FIELD_BORDER, borderWidth=0.8, borderStyle="solid", maxlen=0,
            fieldFlags=flags, annotationFlags="print",
        )

    def choices(self, field: FormField, question: str, labels: tuple[str, ...], selected: str | None,
                spacing: float | None = None, below: tuple[str, ...] = ()) -> None:
        """A question with one radio button per export value, labels beside (and below) them."""
        self.need(46 if below else 34)
        self._label(question, MARGIN, self.y - 10, 9.5)
        x, y = float(MARGIN + 4), self.y - 30
        for value, label in zip(field.options, labels, strict=True):
            self.c.acroForm.radio(
                name=field.name, value=value, selected=value == selected, x=x, y=y, size=12,
                buttonStyle="circle", shape="circle", tooltip=field.label, fillColor=FIELD_FILL,
                borderColor=FIELD_BORDER, textColor=Color(0, 0, 0), borderWidth=0.8,
                fieldFlags="noToggleToOff radio", annotationFlags="print",
            )
            self.c.setFont(FONT, 9.5)
            self.c.drawString(x + 18, y + 1.5, label)
            if below:
                self._label(below[field.options.index(value)], x - 4, y - 11, 7.5)
            x += spacing or (stringwidth(label) + 45)
        self.y -= 52 if below else 40

    def checkbox(self, field: FormField, checked: bool = False) -> None:
        self.need(22)
        self.c.acroForm.checkbox(
            name=field.name, checked=checked, x=MARGIN + 4, y=self.y - 14, size=12,
            buttonStyle="check", shape="square", tooltip=field.label, fillColor=FIELD_FILL,
            borderColor=FIELD_BORDER, textColor=Color(0, 0, 0), borderWidth=0.8,
            fieldFlags="", annotationFlags="print",
        )
        self.c.setFont(FONT, 9.5)
        self.c.drawString(MARGIN + 21, self.y - 11.5, field.label)
        self.y -= 24

    def date_and_signature(self, field: FormField, sign: bool = True) -> None:
        """Date field with a drawn line beside it to sign on paper (a signature is no field)."""
        self.need(60)
        self._label("Datum (bijvoorbeeld 24-11-2026)", MARGIN, self.y - 9)
        self._text(field, "", MARGIN, self.y - 12 - FIELD_H, CONTENT_W * 0.32, FIELD_H)
        x = MARGIN + CONTENT_W * 0.45
        if not sign:
            self.y -= FIELD_H + 24
            return
        self.c.setStrokeColor(Color(0, 0, 0))
        self.c.setLineWidth(0.6)
        self.c.line(x, self.y - 12 - FIELD_H + 2, PAGE_W - MARGIN, self.y - 12 - FIELD_H + 2)
        self._label("Handtekening", x, self.y - 9)
        self.y -= FIELD_H + 24

    def id_field(self) -> None:
        """Hidden, read-only field carrying the form id; a filler sees and changes nothing."""
        self.c.acroForm.textfield(
            name=ID_FIELD, value=form_id(self.kind), x=MARGIN, y=PAGE_H - 20, width=120, height=12,
            fontName=FONT, fontSize=6, fillColor=None, borderWidth=0, maxlen=0,
            fieldFlags="readOnly", annotationFlags="hidden", tooltip="formkit",
        )

    def marker_field(self, number: str) -> None:
        """Hidden, read-only field with the complaint's number: the form was made for that complaint."""
        self.c.acroForm.textfield(
            name=MARKER_FIELD, value=number, x=MARGIN + 130, y=PAGE_H - 20, width=80, height=12,
            fontName=FONT, fontSize=6, fillColor=None, borderWidth=0, maxlen=0,
            fieldFlags="readOnly", annotationFlags="hidden", tooltip="formkit",
        )


def drawable(text: str) -> bool:
    """True when reportlab's field appearance (Helvetica, its Latin-1-like encoding) shows `text` right."""
    return all(32 <= ord(ch) < 127 or (161 <= ord(ch) <= 255 and ord(ch) != 173) for ch in text)


def stringwidth(text: str, size: float = 9.5) -> float:
    return stringWidth(text, FONT, size)
