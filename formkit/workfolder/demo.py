"""`formkit demo`: an example working folder with invented complaints, the procedure run once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from formkit.analysis.report import standard_reports
from formkit.check.deadlines import check
from formkit.check.output import summary_line
from formkit.check.report import write_check_report
from formkit.dates import dutch_short
from formkit.documents.batch import Batch
from formkit.documents.convert import find_soffice, to_pdf
from formkit.documents.finishing import finish_letters
from formkit.documents.letters import plan, produce
from formkit.errors import ConversionError, FormkitError
from formkit.intake import describe, import_forms
from formkit.pdf.forms import form_path, make_form, return_address_for
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from formkit.retention import due_for_destruction
from formkit.settings import CONFIG_NAME, Settings, load_settings
from formkit.workfolder.create import init_workfolder
from formkit.workfolder.demo_data import demo_rows, numbered

Step = tuple[str, Path | None]
INBOX = "ingekomen"  # where the demo's invented clients 'send' their forms

# Forms that invented clients "send back" in the demo (filled by formkit with pypdf).
DEMO_COMPLAINTS = (
    {"naam": "Lotte Vermeulen", "type_klant": "/particulier", "adres": "Beukenlaan 7", "postcode": "5492 CD",
     "woonplaats": "Sint-Oedenrode", "email": "lotte.vermeulen@example.nl", "telefoon": "06 13572468",
     "opleiding": "Training klantgericht werken",
     "omschrijving": "De training werd op de dag zelf afgezegd.\nIk had er een vrije dag voor genomen.",
     "gewenste_oplossing": "Een nieuwe datum en vergoeding van mijn vrije dag.", "terugbellen": "/Yes"},
    {"naam": "Hendrik Smulders", "type_klant": "/bedrijf", "organisatie": "Smulders & Zn. Bouw",
     "adres": "Ambachtsweg 22", "postcode": "5272 RV", "woonplaats": "Sint-Michielsgestel",
     "email": "h.smulders@example.com", "opleiding": "Leidinggeven in de praktijk",
     "naam_deelnemer": "Sem Smulders", "omschrijving": "De factuur noemt twaalf lesdagen; het waren er tien.",
     "gewenste_oplossing": "Een gecorrigeerde factuur."},
)


def fill_form(blank: Path, out: Path, values: dict[str, str]) -> Path:
    """Fill one of formkit's forms as a browser would (pypdf; the viewer draws the values)."""
    writer = PdfWriter(clone_from=PdfReader(blank))
    writer.update_page_form_field_values(None, values, auto_regenerate=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        writer.write(fh)
    return out


def run_demo(folder: Path, today: dt.date | None = None) -> Iterator[Step]:
    """Create the example folder and yield (message, path) for everything made."""
    today = today or dt.date.today()
    if (Path(folder) / CONFIG_NAME).exists():
        what = "een voorbeeldwerkmap" if (Path(folder) / INBOX).is_dir() else "een werkmap"
        raise FormkitError(f"In {Path(folder).resolve()} staat al {what}; formkit demo laat die staan en maakt "
                           "niets. Kies een andere map (formkit demo ANDERE-MAP) of verwijder deze eerst.")
    result = init_workfolder(folder)
    settings = _invented_addresses(result.settings)
    yield f"Werkmap gemaakt: {settings.root}", None
    rows = numbered(demo_rows(today), today)
    with update_register(settings, "demo") as update:
        for row in rows:
            update.append(row)
    yield f"Voorbeeldregister met {len(rows)} verzonnen klachten:", settings.register
    yield from _forms(settings, today)
    yield from _documents(settings, today)
    yield from _check(settings, today)
    yield from _analysis(settings, today)


def _forms(settings, today: dt.date) -> Iterator[Step]:
    """Blank forms, a few filled in by 'clients', and reading them back into the register."""
    blanks = {}
    for kind, name in (("klacht", "klachtenformulier"), ("tevredenheid", "tevredenheidsformulier")):
        blanks[kind] = make_form(kind, settings, settings.forms / f"{name}.pdf")
        yield ("Lege invulbare formulieren:" if kind == "klacht" else ""), blanks[kind]
    inbox = settings.root / INBOX
    for n, values in enumerate(DEMO_COMPLAINTS, start=1):
        fill_form(blanks["klacht"], inbox / f"klachtenformulier {n}.pdf", {**values, "datum": dutch_short(today)})
    waiting = next(c for c in read_register(settings.register).complaints
                   if (c.remarks or "").endswith("tevredenheidsformulier verstuurd"))
    # the form the satisfaction letter enclosed, prefilled for its complaint: only such a form is
    # linked to a complaint when it comes back (a number typed on a blank one is not)
    sent = make_form("tevredenheid", settings, form_path(settings, "tevredenheid", waiting.number_text, today),
                     waiting, return_address=return_address_for(settings, waiting))
    yield f"Tevredenheidsformulier voor {waiting.number_text}, zoals de brief het meestuurt:", sent
    fill_form(sent, inbox / f"tevredenheid {waiting.number}.pdf", {
        "tevredenheid": "/4", "binnen_week": "/ja",
        "oplossing": "/ja", "voortgang": "/nee", "aanbevelen": "/ja",
        "opmerkingen": "Goed opgelost, maar ik hoorde lang niets.", "datum": dutch_short(today),
    })
    yield f"Ingevulde formulieren van verzonnen klanten in {inbox}; inlezen:", None
    for outcome in import_forms(settings, [inbox], today=today):
        yield "\n".join(describe(outcome)), outcome.kept_as


def _documents(settings, today: dt.date) -> Iterator[Step]:
    """The registration form and one letter of each kind, as Word (and PDF with LibreOffice)."""
    by_state = {(c.remarks or "").removeprefix("Voorbeeld: "): c for c in read_register(settings.register).complaints}
    pdf = find_soffice() is not None
    jobs = [
        ("formulier", ["nieuw binnengekomen", "ernstig, in behandeling"], None),
        ("ontvangst", ["nieuw binnengekomen"], None),
        ("verlenging", ["bijna te laat"], today + dt.timedelta(days=21)),
        ("terugkoppeling", ["afgehandeld, terugkoppeling ontbreekt"], None),
        ("tevredenheid", ["tevredenheid ontbreekt"], None),
    ]
    made = []
    for kind, states, expected in jobs:
        batch = produce(settings, plan(settings, kind, [by_state[s] for s in states], today, expected), today,
                        expected=expected)
        made += [item for item in batch.items if item.made]
        for item in batch.items:
            if item.error:
                yield f"Niet gemaakt: {item.error}", None
    made_as = " (Word en PDF):" if pdf else " (Word; geen LibreOffice voor PDF):"
    yield "Registratieformulieren en brieven" + made_as, None
    pdfs: list = [None] * len(made)
    if pdf:  # every document of the demo in one LibreOffice run
        try:
            pdfs = to_pdf([item.docx for item in made])
        except ConversionError as exc:
            yield f"Geen PDF: {exc.message}", None
    for item, pdf_path in zip(made, pdfs, strict=True):
        item.pdf = pdf_path
        for path in (item.docx, pdf_path, *item.extra):
            if path is not None:
                yield "", path
    feedback = [item for item in made if item.docx.name.split()[1] == "terugkoppeling" and item.pdf]
    if feedback:  # one letter as the officer would send it: an e-mail draft with the PDF attached
        batch = Batch("terugkoppeling", feedback[:1])
        finish_letters(settings, batch, mail=True, certificate=None)
        if feedback[0].draft is not None:
            yield "E-mailconcept, klaar om te versturen (formkit brief ... --mail):", feedback[0].draft


def _invented_addresses(settings: Settings) -> Settings:
    """The demo's handlers get invented e-mail addresses (example.org), so its drafts have a sender."""
    toml = settings.root / CONFIG_NAME
    text = toml.read_text(encoding="utf-8")
    for handler in settings.handlers:
        address = ".".join(handler.name.lower().split()).replace("..", ".") + "@example.org"
        at = text.find(f'naam = "{handler.name}"')
        blank = text.find('email = ""', at)
        if at >= 0 and blank >= 0:
            text = text[:blank] + f'email = "{address}"' + text[blank + len('email = ""'):]
    toml.write_text(text, encoding="utf-8")
    return load_settings(settings.root)


def _check(settings, today: dt.date) -> Iterator[Step]:
    """The monthly check with its report, and what `vernietig` would remove (nothing is destroyed)."""
    register = read_register(settings.register)
    findings = check(register.complaints, today, settings, register.duplicates, register.odd_rows)
    settings.reports.mkdir(parents=True, exist_ok=True)
    report = write_check_report(findings, today, settings.reports / f"{today.isoformat()} controle.xlsx")
    yield f"Maandelijkse controle (formkit controle): {summary_line(findings)}", report
    plans = due_for_destruction(register, today, settings)
    numbers = ", ".join(p.number for p in plans) or "geen"
    yield (f"Bewaartermijn verstreken (formkit vernietig, alleen getoond): {numbers}. "
           "Vernietigen doet u met: formkit vernietig --uitvoeren"), None


def _analysis(settings, today: dt.date) -> Iterator[Step]:
    """Management information over the last 12 full months, as a workbook and a report."""
    formats = (".xlsx", ".pdf") if find_soffice() else (".xlsx", ".docx")
    yield "Managementinformatie (formkit analyse, laatste 12 hele maanden):", None
    try:
        paths = standard_reports(settings, read_register(settings.register).complaints, today, formats)
    except ConversionError as exc:
        yield f"Geen PDF: {exc.message}", None
        paths = standard_reports(settings, read_register(settings.register).complaints, today, (".xlsx", ".docx"))
    for path in paths:
        yield "", path
