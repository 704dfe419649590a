"""Management information: hand-computed figures on a small register, the .xlsx, the report, the CLI.

The register below is small enough to count by hand. Period: 1 january - 31 march 2024, looked at
on 15 june 2026. Default terms: reaction 7 days, handling 1 month, serious 7 days, satisfaction
measured within 30 days.

  number      received   notes
  K-2024-001  10-01-2024 on time everywhere; improvement done 15-02-2024; lead 20
  K-2024-002  31-01-2024 reaction late (09-02 > 07-02); handled on the leap day 29-02 = its deadline;
                         lead 29; no feedback, no satisfaction; cause spelt differently
  K-2024-003  29-02-2024 leap day; serious: due 07-03, handled 10-03 (late); lead 10; third party
  K-2024-004  05-03-2024 destroyed (anonymised): no course, no channel; handled 15-04, late against
                         05-04 but on time with the extension to 20-04 (notice 25-03); lead 41
  K-2024-005  20-03-2024 still open, no reaction: late on both counts; no category, no cause
  K-2024-006  28-03-2024 Datum afhandeling unreadable (31-02-2024): skipped by reaction and handling
  K-2023-050  20-12-2023 before the period; K-2024-007 01-04-2024 after it; one row without a date
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from formkit.analysis.figures import (
    Period,
    analyse,
    choose_period,
    default_period,
    nearest_rank,
)
from formkit.analysis.report import report_context, standard_reports, write_report
from formkit.analysis.text import (
    data_notes,
    decimal,
    key_figures,
    ratio,
    section_texts,
    summary_lines,
    to_json,
)
from formkit.cli import main
from formkit.errors import InputError
from formkit.register.reading import read_register
from formkit.register.storage import update_register
from formkit.workfolder.create import init_workfolder

TODAY = dt.date(2026, 6, 15)
PERIOD = Period(dt.date(2024, 1, 1), dt.date(2024, 3, 31))
D = dt.date


def row(number: str, received: object, **fields: object) -> dict:
    """A register row by column key; Ernstig nee and a known handler unless given."""
    return {"number": number, "received": received, "serious": "nee", "handler": "Yvonne Lips", **fields}


ROWS = [
    row("K-2024-001", D(2024, 1, 10), client_type="particulier", channel="e-mail", course="BHV-herhaling",
        category="Planning en organisatie", cause="Rooster te laat gepubliceerd.", reaction_date=D(2024, 1, 12),
        handled_date=D(2024, 1, 30), feedback_date=D(2024, 1, 31), satisfaction="4",
        satisfaction_date=D(2024, 2, 10), improvement="Rooster automatisch publiceren.",
        improvement_done=D(2024, 2, 15)),
    row("K-2024-002", "31-01-2024", client_type="bedrijf", channel="telefoon", course="Excel voor gevorderden",
        category="planning en organisatie ", cause="rooster te laat gepubliceerd", handler="Arianda Schepens",
        reaction_date="9 februari 2024", handled_date="29-02-2024"),
    row("K-2024-003", D(2024, 2, 29), client_type="particulier", channel="brief", course="BHV-herhaling",
        category="Locatie en faciliteiten", cause="Verwarming defect", serious="ja", reaction_date=D(2024, 3, 1),
        handled_date=D(2024, 3, 10), feedback_date=D(2024, 3, 11), satisfaction="2",
        satisfaction_date=D(2024, 3, 20), third_party="De Geschillencommissie", submitted_date=D(2024, 4, 1),
        third_party_ruling="Klacht ongegrond"),
    row("K-2024-004", D(2024, 3, 5), handler=None, client_type="particulier", category="Docent of trainer",
        cause="Trainer niet bekend met de doelgroep", reaction_date=D(2024, 3, 6),
        extension_notice_date=D(2024, 3, 25), extended_until=D(2024, 4, 20), handled_date=D(2024, 4, 15),
        feedback_date=D(2024, 4, 16), satisfaction="5", satisfaction_date=D(2024, 4, 30),
        improvement="Intake doelgroep voor nieuwe trainers", signal="Vernietigd op 16-04-2026",
        remarks="Vernietigd op 16-04-2026"),
    row("K-2024-005", D(2024, 3, 20), client_type="bedrijf", channel="klachtenformulier",
        course="Excel voor gevorderden", handler="Arianda Schepens"),
    row("K-2024-006", D(2024, 3, 28), client_type="particulier", channel="E-mail",
        course="Leidinggeven in de praktijk", category="Planning en organisatie",
        cause="Rooster te laat gepubliceerd", reaction_date=D(2024, 3, 29), handled_date="31-02-2024"),
    row("K-2023-050", D(2023, 12, 20), category="Overig", cause="Rooster te laat gepubliceerd",
        handled_date=D(2023, 12, 22)),
    row("K-2024-007", D(2024, 4, 1), category="Overig"),
    row("K-2024-008", None, category="Overig"),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A working folder made by init, with ROWS written through formkit's own register write."""
    settings = init_workfolder(tmp_path_factory.mktemp("analyse") / "klachten").settings
    with update_register(settings, "test") as update:
        for row in ROWS:
            update.append(row)
    return settings.root


@pytest.fixture(scope="module")
def settings(folder):
    from formkit.settings import load_settings

    return load_settings(folder)


@pytest.fixture(scope="module")
def figures(settings):
    return analyse(read_register(settings.register).complaints, settings.terms, PERIOD, TODAY)


# --- the figures, counted by hand ------------------------------------------------------------

def test_counts_and_breakdowns(figures):
    a = figures
    assert (a.total, a.serious, a.anonymised, a.undated, a.unknown) == (6, 1, 1, 1, 1)
    assert [f.number for f in a.facts] == [f"K-2024-00{i}" for i in range(1, 7)]
    assert [(m.month, count, serious) for m, count, serious in a.months] == [(1, 2, 0), (2, 1, 1), (3, 3, 0)]
    assert [(t.label, t.count) for t in a.by_category] == [
        ("Planning en organisatie", 3), ("Docent of trainer", 1), ("Locatie en faciliteiten", 1), (None, 1)]
    assert a.by_category[-1].missing == "niet ingevuld"
    assert [(t.label, t.count) for t in a.by_cause] == [
        ("Rooster te laat gepubliceerd", 3), ("Trainer niet bekend met de doelgroep", 1), ("Verwarming defect", 1),
        (None, 1)]
    # the destroyed row lost its course and channel: shown as such, not as "niet ingevuld"
    assert [(t.label, t.count, t.missing) for t in a.by_course] == [
        ("BHV-herhaling", 2, None), ("Excel voor gevorderden", 2, None), ("Leidinggeven in de praktijk", 1, None),
        (None, 1, "vernietigd")]
    assert [(t.label, t.count) for t in a.by_channel] == [
        ("E-mail", 2), ("Brief", 1), ("Klachtenformulier", 1), ("Telefoon", 1), (None, 1)]
    assert [(t.label, t.count) for t in a.by_client_type] == [("Particulier", 4), ("Bedrijf", 2)]
    assert (a.by_category[0].share.count, a.by_category[0].share.n) == (3, 6)


def test_terms_lead_times_and_follow_up(figures):
    a = figures
    assert (a.reaction.count, a.reaction.n) == (3, 5)  # 002 late, 005 open and late, 006 skipped
    assert (a.handling_original.count, a.handling_original.n) == (2, 5)  # the leap day counts as on time
    assert (a.handling.count, a.handling.n) == (3, 5)  # 004 on time thanks to its extension
    assert a.extended == 1
    assert (a.lead.n, a.lead.median, a.lead.p90) == (4, 24.5, 41)  # 10, 20, 29, 41 days
    assert a.lead.buckets == (("0–7 dagen", 0), ("8–14 dagen", 1), ("15–21 dagen", 1), ("22–31 dagen", 1),
                              ("meer dan 31 dagen", 1))
    assert (a.feedback.count, a.feedback.n) == (3, 4)
    s = a.satisfaction
    assert (s.measured.count, s.measured.n, s.scores) == (3, 4, 3)
    assert s.average == pytest.approx(11 / 3)
    assert s.distribution == ((1, 0), (2, 1), (3, 0), (4, 1), (5, 1))
    assert [(f.number, f.third_party, f.ruling) for f in a.escalations] == [
        ("K-2024-003", "De Geschillencommissie", "Klacht ongegrond")]


def test_improvements_and_patterns(figures):
    a = figures
    rooster = a.improvements[0]
    assert (rooster.cause, rooster.complaints, rooster.numbers) == (
        "Rooster te laat gepubliceerd", 3, ("K-2024-001", "K-2024-002", "K-2024-006"))
    assert [(x.number, x.done) for x in rooster.actions] == [("K-2024-001", D(2024, 2, 15))]
    trainer = a.improvements[1]
    assert [(x.number, x.text, x.done) for x in trainer.actions] == [
        ("K-2024-004", "Intake doelgroep voor nieuwe trainers", None)]
    assert [(p.kind, p.subject, p.numbers) for p in a.patterns] == [
        ("oorzaak", "Rooster te laat gepubliceerd", ("K-2024-001", "K-2024-002", "K-2024-006")),
        ("na-verbetering", "Rooster te laat gepubliceerd", ("K-2024-006",)),
    ]
    assert a.patterns[0].status == "verbeteractie doorgevoerd op 15 februari 2024"


def test_texts_show_their_n(figures):
    rows = {topic: value for topic, value, _ in key_figures(figures)}
    assert rows["Reactie binnen 7 dagen"] == "60% (3 van 5)"
    assert rows["Afgehandeld binnen de termijn (zonder verlenging)"] == "40% (2 van 5)"
    assert rows["Afgehandeld binnen de termijn (met verlenging)"] == "60% (3 van 5)"
    assert rows["Doorlooptijd ontvangst tot afhandeling"] == "mediaan 24,5 dagen; 90% binnen 41 dagen (n = 4)"
    assert rows["Tevredenheid gemeten"] == "75% (3 van 4); gemiddeld 3,7 (n = 3)"
    assert rows["Voorgelegd aan de onafhankelijke derde partij"] == "1 (1 uitspraak, 0 lopend)"
    assert rows["Verbeteracties"] == "2, waarvan 1 doorgevoerd"
    lines = summary_lines(figures)
    assert lines[0] == "Klachtenanalyse 1 januari 2024 t/m 31 maart 2024"
    assert any("kwam terug nadat de verbeteractie was doorgevoerd: K-2024-006" in line for line in lines)
    notes = data_notes(figures)
    assert any(note.startswith("1 klacht zonder leesbare Datum ontvangst") for note in notes)
    assert any("Kleine aantallen (n = 6)" in note for note in notes)
    assert set(section_texts(figures)) == {"kerncijfers", "maand", "categorie", "oorzaak", "kenmerken",
                                           "termijnen", "tevredenheid", "derde_partij", "verbeteracties",
                                           "patronen"}


def test_json(figures):
    data = json.loads(json.dumps(to_json(figures)))
    assert data["periode"] == {"van": "2024-01-01", "tot": "2024-03-31"}
    assert data["aantal"] == 6 and data["vernietigd"] == 1 and data["zonder_datum_ontvangst"] == 1
    assert data["reactie_op_tijd"] == {"aantal": 3, "n": 5, "procent": 60.0, "loopt_nog": 0}
    assert data["afhandeling_op_tijd"]["verlengd"] == 1
    assert data["doorlooptijd"]["mediaan"] == 24.5 and data["doorlooptijd"]["p90"] == 41
    assert data["tevredenheid"]["verdeling"] == {"1": 0, "2": 1, "3": 0, "4": 1, "5": 1}
    assert data["per_opleiding"][-1] == {"waarde": None, "ontbreekt": "vernietigd", "aantal": 1, "ernstig": 0,
                                         "procent": 16.7}
    assert data["per_maand"][1] == {"maand": "2024-02", "aantal": 1, "ernstig": 1}


def test_empty_period_divides_by_nothing(settings):
    a = analyse(read_register(settings.register).complaints, settings.terms,
                Period(D(2020, 1, 1), D(2020, 12, 31)), TODAY)
    assert a.total == 0 and a.reaction.percent is None and a.lead.median is None
    assert ratio(a.reaction) == "n.v.t. (n = 0)"
    assert summary_lines(a)[1] == "In deze periode zijn geen klachten ontvangen; er valt niets te berekenen."
    assert to_json(a)["reactie_op_tijd"] == {"aantal": 0, "n": 0, "procent": None, "loopt_nog": 0}
    assert set(section_texts(a).values()) == {"Geen klachten in deze periode."}


def test_pending_complaints_stay_out_of_the_percentage(settings):
    complaints = read_register(settings.register).complaints
    a = analyse(complaints, settings.terms, PERIOD, D(2024, 3, 25))  # K-2024-005 is five days old
    fact = next(f for f in a.facts if f.number == "K-2024-005")
    assert (fact.reaction, fact.handling) == ("pending", "pending")
    assert a.pending("reaction") == 1


@pytest.mark.parametrize(("start", "end", "today", "expected"), [
    (None, None, D(2026, 3, 15), (D(2025, 3, 1), D(2026, 2, 28))),
    (None, None, D(2024, 3, 1), (D(2023, 3, 1), D(2024, 2, 29))),
    (None, None, D(2026, 1, 31), (D(2025, 1, 1), D(2025, 12, 31))),
    (D(2024, 2, 29), None, TODAY, (D(2024, 2, 29), D(2025, 2, 28))),
    (D(2024, 3, 1), None, TODAY, (D(2024, 3, 1), D(2025, 2, 28))),
    (None, D(2024, 2, 29), TODAY, (D(2023, 3, 1), D(2024, 2, 29))),
    (D(2024, 5, 1), D(2024, 5, 1), TODAY, (D(2024, 5, 1), D(2024, 5, 1))),
])
def test_periods(start, end, today, expected):
    period = choose_period(start, end, today)
    assert (period.start, period.end) == expected
    if start is None and end is None:
        assert period == default_period(today) and len(period.months()) == 12


def test_period_order_and_small_helpers():
    with pytest.raises(ValueError):
        choose_period(D(2024, 3, 1), D(2024, 2, 1), TODAY)
    assert nearest_rank([], 90) is None
    assert nearest_rank([5], 90) == 5
    assert nearest_rank(list(range(1, 11)), 90) == 9
    assert (decimal(24.5), decimal(3.0), decimal(None)) == ("24,5", "3", "–")


# --- the workbook ----------------------------------------------------------------------------

def test_xlsx_has_a_sheet_per_view_with_native_charts(figures, settings, tmp_path):
    path = write_report(figures, tmp_path / "rapporten" / "analyse.xlsx", settings)
    assert [p.name for p in path.parent.iterdir()] == ["analyse.xlsx"]  # no temporary files left
    wb = load_workbook(path)
    assert wb.sheetnames == ["Samenvatting", "Per maand", "Categorie", "Oorzaak", "Opleiding", "Type klant",
                             "Wijze van indienen", "Termijnen", "Tevredenheid", "Derde partij", "Verbeteracties",
                             "Patronen", "Klachten"]
    charts = {ws.title: len(ws._charts) for ws in wb.worksheets}
    assert charts == {"Samenvatting": 1, "Per maand": 1, "Categorie": 1, "Oorzaak": 1, "Opleiding": 1,
                      "Type klant": 1, "Wijze van indienen": 1, "Termijnen": 2, "Tevredenheid": 1,
                      "Derde partij": 0, "Verbeteracties": 0, "Patronen": 0, "Klachten": 0}
    assert type(wb["Per maand"]._charts[0]).__name__ == "LineChart"
    assert type(wb["Categorie"]._charts[0]).__name__ == "BarChart"
    with zipfile.ZipFile(path) as zf:
        assert len([n for n in zf.namelist() if n.startswith("xl/charts/chart")]) == 10
    assert "Processtap 5" in wb["Oorzaak"]["A2"].value
    assert "Processtap 7" in wb["Patronen"]["A2"].value
    cats = [[c.value for c in row] for row in wb["Categorie"].iter_rows(min_row=6, max_col=4)]
    assert cats[0] == ["Planning en organisatie", 3, 0.5, 0]
    facts = list(wb["Klachten"].iter_rows(min_row=6, values_only=True))
    assert [row[0] for row in facts] == [f"K-2024-00{i}" for i in range(1, 7)]
    assert facts[1][1] == dt.datetime(2024, 1, 31) and facts[1][8] == "te laat"
    assert facts[3][16] == "ja"  # destroyed, still counted
    summary = {row[0]: row[1] for row in wb["Samenvatting"].iter_rows(min_row=6, max_row=16, values_only=True)}
    assert summary["Reactie binnen 7 dagen"] == "60% (3 van 5)"


def test_libreoffice_opens_the_workbook(figures, settings, tmp_path, lo_convert):
    path = write_report(figures, tmp_path / "analyse.xlsx", settings)
    csv = lo_convert(path, "csv")
    text = csv.read_text(encoding="utf-8", errors="replace")
    assert "Klachtenanalyse" in text and "60% (3 van 5)" in text


# --- the management report -------------------------------------------------------------------

def test_pdf_report_holds_the_figures_and_the_charts(figures, settings, tmp_path):
    path = write_report(figures, tmp_path / "managementrapport.pdf", settings)
    assert [p.name for p in tmp_path.iterdir()] == ["managementrapport.pdf"]
    text = _pdftotext(path)
    for expected in ("Managementrapportage klachten", "1 januari 2024 t/m 31 maart 2024", "60% (3 van 5)",
                     "40% (2 van 5)", "75% (3 van 4)", "mediaan 24,5 dagen", "90% binnen 41 dagen",
                     "Rooster te laat gepubliceerd", "Processtap 5: analyseren", "Processtap 6: leren",
                     "Processtap 7: doorvoeren en verbeteren", "Klacht ongegrond", "Onbekend (vernietigd)",
                     "15 februari 2024", "K-2024-006"):
        assert expected in text, expected
    images = subprocess.run(["pdfimages", "-list", str(path)], capture_output=True, text=True, check=True)
    assert [line.split()[2] for line in images.stdout.splitlines()[2:]].count("image") == 7


def test_docx_report_has_chart_pictures_and_no_markers(figures, settings, tmp_path):
    path = write_report(figures, tmp_path / "rapport.docx", settings)
    with zipfile.ZipFile(path) as zf:
        media = [n for n in zf.namelist() if n.startswith("word/media/")]
        xml = zf.read("word/document.xml").decode()
    assert len(media) == 7
    assert "[[grafiek" not in xml and "{{" not in xml and "{%" not in xml
    assert 'descr="Grafiek: oorzaak"' in xml


def test_empty_period_report(settings, tmp_path):
    a = analyse([], settings.terms, PERIOD, TODAY)
    path = write_report(a, tmp_path / "leeg.pdf", settings)
    text = _pdftotext(path)
    assert "In deze periode zijn geen klachten ontvangen" in text
    assert "Toelichting op de cijfers" in text
    assert report_context(a, settings)["rapport"]["leeg"] is True


def test_report_falls_back_to_the_bundled_template(figures, settings, tmp_path):
    (tmp_path / "templates").mkdir()
    from dataclasses import replace

    old_folder = replace(settings, templates_dir=tmp_path / "templates")  # made before this report existed
    assert write_report(figures, tmp_path / "rapport.docx", old_folder).is_file()


def test_standard_reports_for_the_demo(settings, tmp_path):
    from dataclasses import replace

    target = replace(settings, reports_dir=tmp_path / "rapporten")
    complaints = read_register(settings.register).complaints
    paths = standard_reports(target, complaints, D(2024, 4, 10))
    assert [p.name for p in paths] == ["2024-04-10 klachtenanalyse.xlsx", "2024-04-10 klachtenanalyse.pdf"]
    assert all(p.stat().st_size > 0 for p in paths)


def test_unknown_report_format(figures, settings, tmp_path):
    with pytest.raises(InputError, match=r"\.xlsx"):
        write_report(figures, tmp_path / "rapport.txt", settings)


def _pdftotext(path: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return " ".join(out.stdout.split())


# --- the command -----------------------------------------------------------------------------

def run(folder: Path, *args: str):
    return CliRunner().invoke(main, ["--map", str(folder), "analyse", *args])


def test_cli_summary(folder):
    result = run(folder, "--van", "01-01-2024", "--tot", "2024-03-31")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Klachtenanalyse 1 januari 2024 t/m 31 maart 2024\n")
    assert "60% (3 van 5)" in result.stdout and "mediaan 24,5 dagen" in result.stdout
    assert "Let op: 1 klacht zonder leesbare Datum ontvangst" in result.stderr
    assert "Let op" not in result.stdout


def test_cli_json_and_report(folder, tmp_path):
    target = tmp_path / "analyse.xlsx"
    result = run(folder, "--van", "2024-01-01", "--tot", "2024-03-31", "--json", "--rapport", str(target))
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["aantal"] == 6 and data["afhandeling_op_tijd_zonder_verlenging"]["procent"] == 40.0
    assert f"Rapport: {target}" in result.stderr and target.is_file()


def test_cli_report_prints_its_path(folder, tmp_path):
    target = tmp_path / "sub" / "analyse.docx"
    result = run(folder, "--van", "2024-01-01", "--tot", "2024-03-31", "--rapport", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout.rstrip().splitlines()[-1] == str(target)


def test_cli_empty_period(folder):
    result = run(folder, "--van", "2010-01-01", "--tot", "2010-12-31")
    assert result.exit_code == 0
    assert "geen klachten ontvangen" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--van", "2024-03-01", "--tot", "2024-02-01"], "ligt na de einddatum"),
    (["--rapport", "analyse.csv"], "kies een bestand dat eindigt op .xlsx"),
    (["--van", "31-02-2024"], "bestaat niet als datum"),
])
def test_cli_usage_errors(folder, args, message):
    result = run(folder, *args)
    assert result.exit_code == 2
    assert message in result.stderr and result.stdout == ""


def test_cli_without_register(tmp_path):
    result = run(tmp_path)
    assert result.exit_code == 2
    assert "Fout:" in result.stderr and "bestaat niet" in result.stderr


def test_cli_help_has_an_example():
    result = CliRunner().invoke(main, ["analyse", "--help"])
    assert result.exit_code == 0
    assert "Voorbeeld:" in result.stdout and "--rapport" in result.stdout


def test_template_matches_its_generator(tmp_path):
    import importlib.util

    repo = Path(__file__).resolve().parent.parent
    spec = importlib.util.spec_from_file_location("make_report_template", repo / "tools" / "make_report_template.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(["make_report_template", str(tmp_path)])
    name = "managementrapport.docx"
    fresh, stored = (tmp_path / name).read_bytes(), (repo / "formkit" / "documents" / "templates" / name).read_bytes()
    assert fresh == stored, "formkit/documents/templates/managementrapport.docx is outdated: run tools/make_report_template.py"


def test_tools_present():
    for tool in ("pdftotext", "pdfimages"):
        assert shutil.which(tool), f"{tool} (poppler-utils) is needed; .ci/run installs it"


def test_staff_text_stays_text(settings, tmp_path):
    from formkit.register.model import Complaint

    complaints = [Complaint(row=2 + i, number=f"K-2024-10{i}", received=D(2024, 2, 1 + i), serious="nee",
                            cause="=HYPERLINK(\"http://x\")", course="Kosten $50 en $60 <b>&</b>",
                            category="{{ klacht.naam }}") for i in range(2)]
    a = analyse(complaints, settings.terms, PERIOD, TODAY)
    wb = load_workbook(write_report(a, tmp_path / "a.xlsx", settings))
    cell = wb["Oorzaak"]["A6"]
    assert (cell.value, cell.data_type) == ('=HYPERLINK("http://x")', "s")
    docx = write_report(a, tmp_path / "a.docx", settings)
    with zipfile.ZipFile(docx) as zf:
        xml = zf.read("word/document.xml").decode()
    assert "Kosten $50 en $60 &lt;b&gt;&amp;&lt;/b&gt;" in xml
    assert "{{ klacht.naam }}" in xml  # shown as typed, never evaluated as template code


def test_analyse_says_which_period_and_that_the_running_month_is_left_out(demo):
    from click.testing import CliRunner

    from formkit.cli import main

    result = CliRunner().invoke(main, ["--map", str(demo.root), "analyse"])
    assert result.exit_code == 0
    assert "laatste 12 hele maanden" in result.stderr and "lopende maand telt nog niet mee" in result.stderr
    assert "--tot " in result.stderr
    chosen = CliRunner().invoke(main, ["--map", str(demo.root), "analyse", "--van", "2026-01-01"])
    assert "lopende maand" not in chosen.stderr
