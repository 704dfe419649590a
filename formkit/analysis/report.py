"""The analysis as a file: an .xlsx workbook, or the management report as .docx or .pdf.

The report is rendered from templates/managementrapport.docx like the letters (autoescaped,
strict names), then its `{{ grafiek.* }}` paragraphs receive the matplotlib charts, and for .pdf
LibreOffice converts it. Every file is written via a temporary file and os.replace: a crash leaves
the old report or the new one, never half of one.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from formkit.analysis.figures import Analysis, Period, Ratio, Tally, analyse, default_period
from formkit.analysis.text import (
    STEPS,
    data_notes,
    improvement_count,
    key_figures,
    label,
    lead_text,
    method_notes,
    month,
    pattern_sentence,
    percent,
    period_text,
    section_texts,
    step_label,
)
from formkit.atomic import atomic_write
from formkit.dates import dutch
from formkit.documents import bundled_templates
from formkit.documents.convert import Converter, to_pdf
from formkit.errors import DocumentError, InputError
from formkit.register.model import Complaint
from formkit.settings import Settings

TEMPLATE = "managementrapport.docx"
FORMATS = (".xlsx", ".docx", ".pdf")
CHART_WIDTH = Mm(160)
MARKER = "[[grafiek:{}]]"  # what `{{ grafiek.x }}` renders to, before the picture replaces it
SCORE_NAMES = {1: "1 (slecht)", 5: "5 (uitstekend)"}


def report_format(path: Path) -> str:
    """The report's kind by its suffix (.xlsx, .docx, .pdf); anything else is the user's error."""
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise InputError(f"Rapport {path}: kies een bestand dat eindigt op .xlsx (werkmap met grafieken), "
                         ".pdf of .docx (managementrapport).")
    return suffix


def write_report(a: Analysis, path: Path, settings: Settings, converter: Converter | None = None) -> Path:
    """Write the report the suffix asks for (.xlsx, .docx or .pdf); returns the path written.

    converter: makes the PDF (default: a LibreOffice run; the web page keeps one running).
    """
    path = Path(path)
    suffix = report_format(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DocumentError(f"Kan de map {path.parent} niet maken ({exc.strerror or exc}).") from None
    if suffix == ".xlsx":
        from formkit.analysis.workbook import workbook_bytes  # openpyxl's charts: only for .xlsx

        _write(path, workbook_bytes(a, settings.organisation.name))
        return path
    with tempfile.TemporaryDirectory(prefix=".formkit-rapport-", dir=path.parent) as work:
        docx = render_docx(a, settings, Path(work) / f"{path.stem}.docx")
        result = docx
        if suffix == ".pdf":
            result = (converter or to_pdf)([docx])[0]
        _replace(result, path)
    return path


def standard_reports(settings: Settings, complaints: Sequence[Complaint], today: dt.date,
                     formats: Sequence[str] = (".xlsx", ".pdf"), period: Period | None = None) -> list[Path]:
    """The analysis (default: the last 12 full months) into rapporten/, one file per format; for `demo`."""
    a = analyse(complaints, settings.terms, period or default_period(today), today)
    name = f"{today.isoformat()} klachtenanalyse"
    return [write_report(a, settings.reports / f"{name}{suffix}", settings) for suffix in formats]


# --- the Word report -------------------------------------------------------------------------

def render_docx(a: Analysis, settings: Settings, out: Path) -> Path:
    """Render the template, then put the charts where `{{ grafiek.* }}` stood."""
    # matplotlib and docxtpl: only a Word or PDF report needs them, not `analyse` on its own or .xlsx
    from formkit.analysis.charts import all_charts
    from formkit.documents.templating import Renderer

    renderer = Renderer(_template_settings(settings), TEMPLATE)
    charts = all_charts(a) if a.total else {}
    renderer.render(report_context(a, settings), out)
    _insert_charts(out, charts)
    return out


def _template_settings(settings: Settings) -> Settings:
    """The working folder's template, or formkit's own when the folder predates this report."""
    if (settings.templates / TEMPLATE).is_file():
        return settings
    bundled = next((p for p in bundled_templates() if p.name == TEMPLATE), None)
    return dataclasses.replace(settings, templates_dir=bundled.parent) if bundled else settings


def report_context(a: Analysis, settings: Settings) -> dict[str, Any]:
    """Everything managementrapport.docx may name, as plain text (dates already in Dutch)."""
    org = settings.organisation
    texts = section_texts(a)
    figures = [_row(topic, value, note) for topic, value, note in key_figures(a)]
    return {
        "organisatie": {"naam": org.name, "plaats": org.city, "website": org.website},
        "rapport": {
            "periode": period_text(a.period), "van": dutch(a.period.start), "tot": dutch(a.period.end),
            "datum": dutch(a.today), "leeg": a.total == 0,
            "omvang": f"{a.total} {'klacht' if a.total == 1 else 'klachten'} ontvangen in deze periode",
            "aantal": str(a.total), "ernstig": str(a.serious), "scores": str(a.satisfaction.scores),
            "acties": _actions_short(*improvement_count(a)),
        },
        "stap": {key: step_label(key) for key in STEPS},
        "tekst": texts,
        "grafiek": {name: MARKER.format(name) for name in
                    ("termijnen", "maand", "categorie", "oorzaak", "opleiding", "doorlooptijd", "tevredenheid")},
        "tabel": {
            "kerncijfers": figures,
            "maand": [{"maand": month(m, long=True), "aantal": str(count), "ernstig": str(serious)}
                      for m, count, serious in a.months],
            "categorie": _tallies(a.by_category),
            "oorzaak": [t | {"acties": _actions_short(len(g.actions), g.done)}
                        for t, g in zip(_tallies(a.by_cause), a.improvements, strict=True)],
            "opleiding": _tallies(a.by_course), "type_klant": _tallies(a.by_client_type),
            "indienen": _tallies(a.by_channel),
            "termijnen": [row for row in figures if row["onderwerp"].startswith(("Reactie", "Afgehandeld"))]
            + [_row("Doorlooptijd ontvangst tot afhandeling", lead_text(a),
                    "de helft was binnen de mediaan afgehandeld")]
            + [_row(f"Doorlooptijd {text}", str(count), "") for text, count in a.lead.buckets],
            "tevredenheid": [{"naam": SCORE_NAMES.get(score, str(score)), "aantal": str(count),
                              "aandeel": percent(Ratio(count, a.satisfaction.scores))}
                             for score, count in a.satisfaction.distribution],
            "derde_partij": [{"nummer": f.number, "type_klant": f.client_type or "", "partij": f.third_party or "",
                              "voorgelegd": dutch(f.submitted), "uitspraak": f.ruling or "nog geen uitspraak"}
                             for f in a.escalations],
            "verbeteracties": [
                {"oorzaak": g.cause, "samenvatting": _actions_text(g.complaints, len(g.actions), g.done),
                 "acties": [{"nummer": x.number, "actie": x.text,
                             "doorgevoerd": dutch(x.done) if x.done else "nog niet doorgevoerd"} for x in g.actions]}
                for g in a.improvements if g.cause is not None and g.actions],
        },
        "patronen": [_capital(pattern_sentence(p.kind, p.subject, p.numbers, p.status)) for p in a.patterns],
        "let_op": data_notes(a),
        "toelichting": method_notes(a),
    }


def _row(topic: str, value: str, note: str) -> dict[str, str]:
    return {"onderwerp": topic, "uitkomst": value, "toelichting": note}


def _tallies(tallies: Sequence[Tally]) -> list[dict[str, str]]:
    return [{"naam": label(t), "aantal": str(t.count), "aandeel": percent(t.share), "ernstig": str(t.serious)}
            for t in tallies]


def _actions_short(actions: int, done: int) -> str:
    if not actions:
        return "geen"
    return f"{actions}, waarvan {done} doorgevoerd" if actions > 1 else (
        "1, doorgevoerd" if done else "1, nog niet doorgevoerd")


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _actions_text(complaints: int, actions: int, done: int) -> str:
    klachten = f"{complaints} {'klacht' if complaints == 1 else 'klachten'}"
    if not actions:
        return f"{klachten}; geen verbeteractie" if complaints else ""
    return f"{klachten}; {actions} {'actie' if actions == 1 else 'acties'}, {done} doorgevoerd"


def _insert_charts(path: Path, charts: dict[str, bytes]) -> None:
    """Replace each chart marker by its picture (an empty period has none: the marker goes)."""
    doc = Document(str(path))
    for t in list(doc.element.body.iter(qn("w:t"))):
        text = t.text or ""
        for name in _names_in(text):
            t.text = text = text.replace(MARKER.format(name), "")
            png = charts.get(name)
            if png is None:
                continue
            inline = doc.part.new_pic_inline(io.BytesIO(png), CHART_WIDTH, None)
            inline.docPr.set("descr", f"Grafiek: {name}")
            t.getparent().add_drawing(inline)
    buffer = io.BytesIO()
    doc.save(buffer)
    _write(path, buffer.getvalue())


def _names_in(text: str) -> list[str]:
    start, names = 0, []
    prefix = MARKER.split("{}")[0]
    while (i := text.find(prefix, start)) >= 0:
        end = text.find("]]", i)
        if end < 0:
            break
        names.append(text[i + len(prefix):end])
        start = end + 2
    return names


# --- writing ---------------------------------------------------------------------------------

def _write(path: Path, data: bytes) -> None:
    try:
        atomic_write(path, data)
    except OSError as exc:
        raise DocumentError(f"{path} kan niet worden geschreven ({exc.strerror or exc}). "
                            "Is het bestand nog geopend in Excel, Word of een PDF-lezer?") from None


def _replace(source: Path, target: Path) -> None:
    try:
        os.replace(source, target)
    except OSError as exc:
        raise DocumentError(f"{target} kan niet worden geschreven ({exc.strerror or exc}). "
                            "Is het bestand nog geopend in Word of een PDF-lezer?") from None
