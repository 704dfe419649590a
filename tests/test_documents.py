"""The registration form and the letters: real templates, real Word files, the real LibreOffice."""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import os
import re
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph

from formkit.settings import Handler, Organisation, Settings
from formkit.documents.convert import find_soffice, to_pdf
from formkit.documents.context import (
    TEMPLATES,
    Renderer,
    build_context,
    clean_text,
    document_word,
    render_documents,
    template_name,
)
from formkit.errors import ConversionError, DocumentError, InputError
from formkit.register.model import Complaint
from formkit.documents.signature import placeholder_signature

REPO = Path(__file__).resolve().parents[1]
LETTER_DATE = dt.date(2026, 11, 24)
KINDS = ("formulier", "ontvangst", "verlenging", "terugkoppeling", "tevredenheid")
LETTER_KINDS = KINDS[1:]
HOSTILE = "Jan & Piet <de Vries> \"ü\" 'ß' é ë 😀"
JINJA_VALUES = "{{ 7*7 }} {% for x in y %} {_{ z }_}"
TEMPLATE_CODE = re.compile(r"\{\{\s*(klacht|brief|termijn|organisatie|behandelaar|derde_partij|vakje|handtekening)\b"
                           r"|\{%-?p?\s*(if|else|endif|for|endfor)\b")


def tiny_png(width: int = 60, height: int = 20) -> bytes:
    """A real PNG (white with a dark line), made from raw bytes."""
    white, ink = b"\xff\xff\xff" * width, b"\x14\x1e\x50" * width
    raw = b"".join(b"\x00" + (ink if y == height // 2 else white) for y in range(height))

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


PNG = tiny_png()


def long_description() -> str:
    """About 5,000 characters: paragraphs, blank lines, Windows line ends, a control character."""
    paragraphs = [f"Alinea {i}: de docent & de planning <waren> \"slecht\" geregeld, 'helaas'. " * 4
                  for i in range(1, 13)]
    text = "\r\n\r\n".join(paragraphs) + f"\n\nTot slot: {JINJA_VALUES} en een belletje\x07 hier."
    return text + " " + "x" * (5000 - len(text) - 1)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    root = tmp_path / "klachten"
    (root / "handtekeningen").mkdir(parents=True)
    (root / "handtekeningen" / "yvonne-lips.png").write_bytes(PNG)
    organisation = Organisation(address="Kerkstraat 12", postcode="5296 AA", city="Gemonde", phone="0411-123456",
                                email="klachten@stap.example", website="www.stap.example")
    handlers = (
        Handler("Yvonne Lips", "Eerste aanspreekpunt klachten", "handtekeningen/yvonne-lips.png", "y@stap.example"),
        Handler("Arianda Schepens", "Eerste aanspreekpunt klachten", "handtekeningen/arianda-schepens.png"),
    )
    return Settings(root=root, organisation=organisation, handlers=handlers, templates_dir=REPO / "formkit" / "documents" / "templates")


def complaint(**changes) -> Complaint:
    base = Complaint(
        row=2, number="K-2026-014", received=dt.date(2026, 11, 20), channel="e-mail", client_type="particulier",
        name=HOSTILE, address="Dorpsstraat 5", postcode="1234 AB", city="Eindhoven", email="jan@example.nl",
        course="BHV & EHBO <basis>", description=long_description(), desired_solution="Geld terug.\nEn excuses.",
        category="Docent of trainer", serious="nee", handler="Yvonne Lips", reaction_date=dt.date(2026, 11, 22),
        reaction_mode="telefoon", cause="De docent was ziek & niet vervangen.\n\nDe planning faalde.",
        solution=f"Gratis herhalingsles. {JINJA_VALUES}", handled_date=dt.date(2026, 12, 10),
        remarks="Opmerking met \r\nWindows-regeleinde en \x01 stuurteken.",
    )
    return dataclasses.replace(base, **changes)


def docx_text(path: Path) -> str:
    """All text of a .docx (body, tables, headers, footers) as python-docx reads it."""
    doc = Document(str(path))
    elements = [doc.element.body]
    for section in doc.sections:
        for part in (section.header, section.footer, section.first_page_header, section.first_page_footer):
            if not part.is_linked_to_previous:
                elements.append(part._element)
    return "\n".join(Paragraph(p, None).text for el in elements for p in el.iter(qn("w:p")))


def render(settings: Settings, kind: str, c: Complaint, out: Path, **kwargs) -> Path:
    context = build_context(c, settings, kind, LETTER_DATE, **kwargs)
    return Renderer(settings, template_name(kind)).render(context, out / f"{LETTER_DATE.isoformat()} {document_word(kind)} {c.number}.docx")


def expected_for(kind: str) -> dict:
    return {"expected": dt.date(2027, 1, 15)} if kind == "verlenging" else {}


# --- rendering -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_every_template_renders_hostile_values_as_text(settings, tmp_path, kind):
    path = render(settings, kind, complaint(), tmp_path / "uit", **expected_for(kind))
    text = docx_text(path)
    assert HOSTILE in text
    assert "K-2026-014" in text
    assert TEMPLATE_CODE.search(text.replace(JINJA_VALUES, "")) is None, "template code left in the document"
    assert "None" not in text
    xml = zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")
    assert "\r" not in xml and "\x07" not in xml and "\x01" not in xml
    if kind == "formulier":
        assert clean_text(long_description()) in text  # 5,000 characters, blank lines kept
        assert JINJA_VALUES in text and "49" not in text
        assert "Opmerking met \nWindows-regeleinde en  stuurteken." in text
    else:
        assert f"Geachte {HOSTILE}," in text
        assert "Gemonde, 24 november 2026" in text
        assert "Yvonne Lips" in text and "Eerste aanspreekpunt klachten" in text


def test_form_shows_choices_and_deadlines(settings, tmp_path):
    text = docx_text(render(settings, "formulier", complaint(serious="ja", channel="website"), tmp_path))
    assert "☒ particulier" in text and "☐ bedrijf" in text
    assert "☒ ja" in text and "☐ nee" in text
    assert "☒ telefoon" in text and "☐ brief" in text
    assert "☒ anders: website" in text and "☐ gesprek" in text
    assert "27 november 2026" in text  # reaction and serious handling: received + 7 days
    assert "ernstige klacht: met spoed, binnen 7 dagen na ontvangst" in text
    assert "10 december 2028" in text  # destroy two years after handling


def test_form_covers_every_register_column():
    from formkit.register.columns import COLUMNS
    from formkit.documents.context import FIELDS

    shown_as = {"wijze_indienen": "vakje.indienen", "type_klant": "vakje.klant", "ernstig_tekst": "vakje.ernstig",
                "wijze_reactie": "vakje.reactie", "postcode": "klacht.postcode_woonplaats",
                "woonplaats": "klacht.postcode_woonplaats"}
    text = docx_text(REPO / "formkit" / "documents" / "templates" / "registratieformulier.docx")
    for column in COLUMNS:
        name = FIELDS[column.key]
        assert shown_as.get(name, f"klacht.{name}") in text, f"{column.header} is not on the form"


def test_letters_leave_no_empty_paragraphs(settings, tmp_path):
    bare = complaint(cause=None, solution=None, course=None, description=None, handled_date=None)
    for kind in LETTER_KINDS:
        path = render(settings, kind, bare, tmp_path / kind, **expected_for(kind))
        doc = Document(str(path))
        empty = [i for i, p in enumerate(doc.paragraphs)
                 if not p.text.strip() and not p._p.findall(".//" + qn("w:drawing"))]
        assert empty == [], f"{kind}: empty paragraphs at {empty}"
        text = docx_text(path)
        assert "Wat wij hebben gevonden" not in text and "over de opleiding" not in text


def test_feedback_letter_shows_cause_and_solution(settings, tmp_path):
    text = docx_text(render(settings, "terugkoppeling", complaint(), tmp_path))
    assert "Wat wij hebben gevonden\nDe docent was ziek & niet vervangen.\n\nDe planning faalde." in text
    assert f"Gratis herhalingsles. {JINJA_VALUES}" in text


@pytest.mark.parametrize("client_type, wanted, unwanted", [
    ("particulier", "De Geschillencommissie (www.degeschillencommissie.nl)", "NRTO"),
    ("bedrijf", "de Commissie van Kwaliteitshandhaving van de NRTO", "Geschillencommissie"),
    ("", "voor particulieren is dat De Geschillencommissie", None),
])
def test_feedback_letter_names_the_right_third_party(settings, tmp_path, client_type, wanted, unwanted):
    c = complaint(client_type=client_type, organisation="Bouwbedrijf Ëlsa & Zn.")
    text = docx_text(render(settings, "terugkoppeling", c, tmp_path))
    assert wanted in text
    assert "bindend voor beide partijen" in text
    if unwanted:
        assert unwanted not in text


def test_business_address_block(settings, tmp_path):
    c = complaint(client_type="bedrijf", organisation="Bouwbedrijf Ëlsa & Zn.")
    text = docx_text(render(settings, "ontvangst", c, tmp_path))
    assert f"Bouwbedrijf Ëlsa & Zn.\nT.a.v. {HOSTILE}\nDorpsstraat 5\n1234 AB  Eindhoven" in text


@pytest.mark.parametrize("serious, deadline", [("ja", "27 november 2026"), ("nee", "20 december 2026")])
def test_acknowledgement_states_the_handling_term(settings, tmp_path, serious, deadline):
    text = docx_text(render(settings, "ontvangst", complaint(serious=serious), tmp_path))
    assert f"iterlijk {deadline}" in text  # "Uiterlijk ..." or "... uiterlijk ..."
    assert ("met spoed" in text) == (serious == "ja")
    assert "Uw klacht wordt behandeld door Yvonne Lips." in text


def test_extension_letter_needs_and_shows_the_expected_date(settings, tmp_path):
    with pytest.raises(InputError, match="verwachte datum"):
        build_context(complaint(), settings, "verlenging", LETTER_DATE)
    with pytest.raises(InputError, match="ligt niet na"):
        build_context(complaint(), settings, "verlenging", LETTER_DATE, expected=dt.date(2026, 11, 1))
    text = docx_text(render(settings, "verlenging", complaint(), tmp_path, expected=dt.date(2027, 1, 15)))
    assert "uiterlijk 15 januari 2027" in text and "uiterlijk 20 december 2026" in text


def test_signature_image_is_embedded(settings, tmp_path):
    path = render(settings, "ontvangst", complaint(), tmp_path)
    with zipfile.ZipFile(path) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert [z.read(n) for n in media] == [PNG]
    assert Document(str(path)).inline_shapes[0].width == 40 * 36000  # Mm(40) in EMU


def test_placeholder_signature_works_in_a_letter(settings, tmp_path):
    made = placeholder_signature("Arianda Schepens", settings.root / "handtekeningen" / "arianda-schepens.png")
    assert made.read_bytes().startswith(b"\x89PNG")
    path = render(settings, "tevredenheid", complaint(handler="arianda schepens"), tmp_path)
    assert "Arianda Schepens" in docx_text(path)
    assert any(n.startswith("word/media/") for n in zipfile.ZipFile(path).namelist())


def test_letters_refuse_without_a_usable_handler(settings, tmp_path):
    with pytest.raises(DocumentError, match="Piet Onbekend.*Yvonne Lips, Arianda Schepens"):
        build_context(complaint(handler="Piet Onbekend"), settings, "ontvangst", LETTER_DATE)
    with pytest.raises(DocumentError, match="Behandelaar is leeg"):
        build_context(complaint(handler=None), settings, "ontvangst", LETTER_DATE)
    with pytest.raises(DocumentError, match="Arianda Schepens.*arianda-schepens.png"):
        build_context(complaint(handler="Arianda Schepens"), settings, "ontvangst", LETTER_DATE)
    # The form is filled in before a handler is known.
    text = docx_text(render(settings, "formulier", complaint(handler=None), tmp_path))
    assert "K-2026-014" in text


def test_bad_signature_file_is_a_clear_error(settings, tmp_path):
    (settings.root / "handtekeningen" / "yvonne-lips.png").write_text("geen plaatje")
    with pytest.raises(DocumentError, match="Yvonne Lips.*geen afbeelding"):
        render(settings, "ontvangst", complaint(), tmp_path)
    assert render(settings, "formulier", complaint(), tmp_path).exists()  # the form shows no signature


def test_template_is_read_once_per_batch_and_written_atomically(settings, tmp_path):
    templates = tmp_path / "sjablonen"
    shutil.copytree(REPO / "formkit" / "documents" / "templates", templates)
    s = dataclasses.replace(settings, templates_dir=templates)
    renderer = Renderer(s, template_name("ontvangst"))
    (templates / "brief-ontvangst.docx").unlink()  # the batch keeps working from memory
    out = tmp_path / "dossier" / "brief.docx"
    out.parent.mkdir()
    out.write_text("oude inhoud")
    for number in ("K-2026-001", "K-2026-002"):
        renderer.render(build_context(complaint(number=number), s, "ontvangst", LETTER_DATE), out)
    assert "K-2026-002" in docx_text(out)
    assert [p.name for p in out.parent.iterdir()] == ["brief.docx"]


def test_render_documents_batch(settings, tmp_path):
    items = [(complaint(number=f"K-2026-0{i}"), tmp_path / f"K-2026-0{i}" / f"{i}.docx") for i in (21, 22)]
    paths = render_documents(items, settings, "tevredenheid", LETTER_DATE)
    assert [p.exists() for p in paths] == [True, True]
    assert settings.dossier_file("K-2026-014", LETTER_DATE, document_word("formulier"), ".docx") == (
        settings.dossiers / "K-2026-014" / "2026-11-24 registratieformulier K-2026-014.docx")


def test_repository_templates_match_the_generator(tmp_path):
    spec = importlib.util.spec_from_file_location("make_templates", REPO / "tools" / "make_templates.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["make_templates", str(tmp_path)])
    for name in TEMPLATES.values():
        assert (tmp_path / name).read_bytes() == (REPO / "formkit" / "documents" / "templates" / name).read_bytes(), f"{name} is outdated"


# --- broken templates ------------------------------------------------------------------------


def make_template(folder: Path, name: str, *paragraphs: list[tuple[str, bool]] | str) -> Path:
    """A .docx whose paragraphs are given as text, or as runs (text, bold) to split a tag."""
    doc = Document()
    for spec in paragraphs:
        p = doc.add_paragraph()
        for text, bold in [(spec, False)] if isinstance(spec, str) else spec:
            p.add_run(text).bold = bold
    folder.mkdir(parents=True, exist_ok=True)
    doc.save(str(folder / name))
    return folder / name


@pytest.fixture
def custom(settings, tmp_path):
    """Settings whose templates folder is an empty temporary one."""
    return dataclasses.replace(settings, templates_dir=tmp_path / "eigen")


def form_context(s: Settings) -> dict:
    return build_context(complaint(), s, "formulier", LETTER_DATE)


def test_unknown_names_are_listed_with_suggestions(custom, tmp_path):
    make_template(custom.templates, "kapot.docx", "Beste {{ klacht.naaam }},",
                  "{{ Klacht.nummer }} {{ onbekend }} {{ klacht.naam.upper() }}", "{% if brief.soort %}x{% endif %}")
    renderer = Renderer(custom, "kapot.docx")
    out = tmp_path / "uit.docx"
    with pytest.raises(DocumentError) as err:
        renderer.render(form_context(custom), out)
    message = err.value.message
    assert "kapot.docx" in message
    assert "klacht.naaam (bedoelt u klacht.naam?)" in message
    assert "Klacht (bedoelt u klacht?)" in message and "onbekend" in message
    assert "upper" not in message and "brief.soort" not in message
    assert not out.exists()


def test_curly_quotes_inside_a_tag(custom):
    make_template(custom.templates, "krul.docx", "Tekst met “gewone” aanhalingstekens mag.",
                  "{% if klacht.type_klant == “bedrijf” %}Bedrijf{% endif %}")
    with pytest.raises(DocumentError) as err:
        Renderer(custom, "krul.docx")
    assert "krul.docx" in err.value.message and "gekrulde aanhalingstekens" in err.value.message
    assert "{% if klacht.type_klant == “bedrijf” %}" in err.value.message


def test_tag_split_across_runs_still_works(custom, tmp_path):
    path = make_template(custom.templates, "gesplitst.docx",
                         [("Naam: {", False), ("{ kla", False), ("cht.na", True), ("am }", False), ("}", True)],
                         [("{%p if klacht.", False), ("ernstig %}", True)], "Ernstig!", "{%p endif %}")
    # Word also puts spell-check marks between the pieces of a tag.
    with zipfile.ZipFile(path) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["word/document.xml"] = parts["word/document.xml"].replace(
        b"<w:t>cht.na</w:t></w:r>", b'<w:t>cht.na</w:t></w:r><w:proofErr w:type="spellStart"/>', 1)
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    out = Renderer(custom, "gesplitst.docx").render(form_context(custom), tmp_path / "uit.docx")
    text = docx_text(out)
    assert f"Naam: {HOSTILE}" in text and "Ernstig!" not in text

    make_template(custom.templates, "gesplitst-fout.docx", [("{{ klacht.", False), ("naaam }}", True)])
    with pytest.raises(DocumentError, match=r"klacht\.naaam \(bedoelt u klacht\.naam\?\)"):
        Renderer(custom, "gesplitst-fout.docx").render(form_context(custom), tmp_path / "uit2.docx")


@pytest.mark.parametrize("paragraphs, fragment", [
    (("Begin", "{%p if klacht.ernstig %}", "Met spoed."), "{% endif %}"),
    (("Naam: {{ klacht.naam }", "Rest"), "alinea 1: \"Naam: {{ klacht.naam }"),
    (("{% endif %}",), "zonder bijbehorende"),
])
def test_jinja_syntax_errors_name_template_and_place(custom, paragraphs, fragment):
    make_template(custom.templates, "syntax.docx", *paragraphs)
    with pytest.raises(DocumentError) as err:
        Renderer(custom, "syntax.docx")
    message = err.value.message
    assert "syntax.docx" in message and "Melding van Jinja" in message
    assert fragment in message or fragment.replace("zonder bijbehorende", "zonder begin") in message


def test_missing_or_invalid_template(custom):
    with pytest.raises(DocumentError, match="ontbreekt"):
        Renderer(custom, "brief-ontvangst.docx")
    custom.templates.mkdir(parents=True)
    (custom.templates / "brief-ontvangst.docx").write_text("geen Word-bestand")
    with pytest.raises(DocumentError, match="geen geldig Word-bestand"):
        Renderer(custom, "brief-ontvangst.docx")


def test_shipped_templates_use_only_known_names(settings):
    for kind in KINDS:
        context = build_context(complaint(), settings, kind, LETTER_DATE, **expected_for(kind))
        assert Renderer(settings, template_name(kind)).unknown_names(context) == []


# --- PDF via LibreOffice ---------------------------------------------------------------------


def pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True)
    return " ".join(done.stdout.decode("utf-8").split())


def flat(text: str) -> str:
    return " ".join(text.split())


def squeezed(text: str) -> str:
    """Without any white space: table cells wrap long values at places of LibreOffice's choosing."""
    return "".join(text.split())


def test_pdf_batch_with_libreoffice(settings, tmp_path, soffice):
    first, second = tmp_path / "dossiers" / "K-2026-014", tmp_path / "dossiers" / "K-2026-015"
    c1 = complaint()
    c2 = complaint(number="K-2026-015", client_type="bedrijf", organisation="Bouwbedrijf Ëlsa & Zn.", serious="ja")
    docs = [render(settings, kind, c1, first, **expected_for(kind)) for kind in KINDS]
    docs.append(render(settings, "terugkoppeling", c2, second))
    docs.append(render(settings, "ontvangst", c2, second))

    pdfs = to_pdf(docs)

    assert pdfs == [d.with_suffix(".pdf") for d in docs]
    assert all(p.is_file() and p.read_bytes().startswith(b"%PDF") for p in pdfs)
    assert sorted(p.name for p in second.iterdir() if p.suffix == ".pdf") == [
        "2026-11-24 ontvangst K-2026-015.pdf", "2026-11-24 terugkoppeling K-2026-015.pdf"]
    texts = {p.stem: pdf_text(p) for p in pdfs}
    form = texts["2026-11-24 registratieformulier K-2026-014"]
    assert squeezed(HOSTILE) in squeezed(form) and "☒ particulier" in form and "20 december 2026" in form
    for snippet in ("Alinea 1: de docent & de planning <waren> \"slecht\" geregeld, 'helaas'.",
                    f"Tot slot: {JINJA_VALUES} en een belletje hier."):
        assert squeezed(snippet) in squeezed(form)
    for kind in LETTER_KINDS:
        text = texts[f"2026-11-24 {kind} K-2026-014"]
        assert f"Geachte {HOSTILE}," in text
        assert "Gemonde, 24 november 2026" in text and "K-2026-014" in text
    assert "uiterlijk 15 januari 2027" in texts["2026-11-24 verlenging K-2026-014"]
    assert "tevredenheidsformulier" in texts["2026-11-24 tevredenheid K-2026-014"]
    assert "De Geschillencommissie (www.degeschillencommissie.nl)" in texts["2026-11-24 terugkoppeling K-2026-014"]
    business = texts["2026-11-24 terugkoppeling K-2026-015"]
    assert "de Commissie van Kwaliteitshandhaving van de NRTO" in business and "Geschillencommissie" not in business
    assert "met spoed" in texts["2026-11-24 ontvangst K-2026-015"]
    assert "Uiterlijk 27 november 2026" in texts["2026-11-24 ontvangst K-2026-015"]


def test_find_soffice_and_missing_libreoffice(tmp_path, monkeypatch):
    assert find_soffice() is not None
    docx = tmp_path / "brief.docx"
    Document().save(str(docx))
    monkeypatch.setenv("PATH", str(tmp_path / "leeg"))
    assert find_soffice() is None
    with pytest.raises(ConversionError, match="LibreOffice is nodig.*Installeer"):
        to_pdf([docx])


def our_soffice_processes(folder: Path) -> list[str]:
    """Command lines of running processes that use a profile under `folder`."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(folder) in cmdline and os.getpid() != int(proc.name):
            found.append(cmdline)
    return found


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="needs /proc to look for left-over processes")
def test_libreoffice_timeout_and_unreadable_file(tmp_path, monkeypatch, soffice):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # LibreOffice's profile lands in tmp_path
    docx = tmp_path / "brief.docx"
    Document().save(str(docx))
    with pytest.raises(ConversionError, match="reageerde niet binnen 0 seconden"):
        to_pdf([docx], timeout=0.2)
    assert our_soffice_processes(tmp_path) == []  # killed, also soffice.bin behind the wrapper
    broken = tmp_path / "kapot.docx"
    broken.write_bytes(b"PK\x03\x04 geen echt Word-bestand")
    with pytest.raises(ConversionError, match="kapot.docx"):
        to_pdf([broken])
    assert not broken.with_suffix(".pdf").exists()
