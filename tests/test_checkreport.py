"""The monthly check's outputs: the .xlsx opened with openpyxl, the JSON schema, terminal lines."""

from __future__ import annotations

import json
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from formkit.check.output import findings_to_json, format_findings, summary_line
from formkit.check.report import write_check_report
from formkit.check.output import findings_json
from formkit.settings import load_settings
from formkit.workfolder.create import default_settings_text
from formkit.check.deadlines import check
from formkit.check.findings import GROUPS
from formkit.errors import DocumentError
from formkit.register.model import Complaint
from tests.findingschema import assert_finding

PEIL = date(2026, 2, 1)


def mk(**kw) -> Complaint:
    values = dict(handler="Yvonne Lips", serious="nee")
    values.update(kw)
    return Complaint(**values)


@pytest.fixture
def findings(tmp_path):
    (tmp_path / "formkit.toml").write_text(default_settings_text(), encoding="utf-8")
    settings = load_settings(tmp_path)
    rows = [
        mk(row=2, number="K-2026-001", received=date(2025, 12, 1), reaction_date=date(2025, 12, 2)),
        mk(row=3, number="K-2026-002", received=date(2026, 1, 20), serious="ja",
           handler="Arianda Schepens"),
        mk(row=4, number="K-2024-005", received=date(2023, 12, 1), reaction_date=date(2023, 12, 2),
           handled_date=date(2024, 1, 5), feedback_date=date(2024, 1, 5), satisfaction="3"),
        mk(row=5, number=None, received=date(2026, 1, 25), reaction_date=date(2026, 1, 26)),
        mk(row=6, number="K-2025-010", received=date(2025, 11, 1), reaction_date=date(2025, 11, 2),
           handled_date=date(2025, 12, 1), third_party="De Geschillencommissie",
           submitted_date=date(2026, 1, 5)),
    ]
    return check(rows, PEIL, settings)


def test_report_sheets_dates_and_layout(tmp_path, findings):
    path = write_check_report(findings, PEIL, tmp_path / "rapporten" / "controle.xlsx")
    assert path == tmp_path / "rapporten" / "controle.xlsx"
    wb = load_workbook(path)
    assert wb.sheetnames == ["Overzicht"] + [g.sheet for g in GROUPS]

    overview = wb["Overzicht"]
    assert overview["B2"].value == datetime(2026, 2, 1)
    assert overview["B2"].number_format == "dd-mm-yyyy"
    counts = {row[0]: row[1] for row in overview.iter_rows(min_row=6, values_only=True)}
    assert counts["Ernstige klachten: met spoed"] == 2
    assert counts["Afhandeling te laat"] == 1
    assert counts["Totaal"] == len(findings)

    late = wb["Afhandeling te laat"]
    assert [c.value for c in late[1]] == ["Klachtnummer", "Behandelaar", "Ernstig", "Termijn", "Dagen",
                                          "Toelichting"]
    number, handler, serious, deadline, days, text = (c for c in late[2])
    assert (number.value, handler.value, serious.value) == ("K-2026-001", "Yvonne Lips", "nee")
    assert deadline.value == datetime(2026, 1, 1) and deadline.is_date
    assert deadline.number_format == "dd-mm-yyyy"
    assert days.value == 31
    assert "uiterlijk 01-01-2026" in text.value
    assert late.freeze_panes == "A2"
    assert late.auto_filter.ref == "A1:F2"
    assert late.column_dimensions["F"].width > late.column_dimensions["A"].width

    serious_sheet = wb["Ernstig"]
    assert [r[0] for r in serious_sheet.iter_rows(min_row=2, values_only=True)] == ["K-2026-002"] * 2
    quality = wb["Gegevens onjuist"]
    row = next(quality.iter_rows(min_row=2, values_only=True))
    assert row[0] == "(rij 5)" and row[3] is None and row[4] is None
    assert wb["Binnenkort vernietigen"].max_row == 1  # empty group: header only


def test_report_write_is_atomic_and_replaces(tmp_path, findings):
    target = tmp_path / "controle.xlsx"
    target.write_bytes(b"old")
    write_check_report(findings, PEIL, target)
    write_check_report([], PEIL, target)
    assert [p.name for p in tmp_path.iterdir() if p.name != "formkit.toml"] == ["controle.xlsx"]
    assert load_workbook(target)["Overzicht"]["B3"].value == 0


def test_report_into_a_file_instead_of_a_folder_is_a_clear_error(tmp_path, findings):
    (tmp_path / "bestand").write_text("x")
    with pytest.raises(DocumentError, match="rapport"):
        write_check_report(findings, PEIL, tmp_path / "bestand" / "controle.xlsx")


def test_json_matches_the_spec_schema(findings):
    data = json.loads(json.dumps(findings_to_json(findings, PEIL)))
    assert set(data) == {"peildatum", "bevindingen"}
    assert data["peildatum"] == "2026-02-01"
    for item in data["bevindingen"]:
        assert_finding(item)
    first = data["bevindingen"][0]
    assert first == {
        "klachtnummer": "K-2026-002", "soort": "afhandeling-te-laat", "termijn": "2026-01-27",
        "dagen": 5, "ernstig": True, "behandelaar": "Arianda Schepens",
        "toelichting": first["toelichting"],
    }
    assert findings_to_json([], PEIL) == {"peildatum": "2026-02-01", "bevindingen": []}


def test_json_document_compact_for_pipes_and_indented_for_people(findings):
    compact, pretty = findings_json(findings, PEIL), findings_json(findings, PEIL, pretty=True)
    assert json.loads(compact) == json.loads(pretty) == findings_to_json(findings, PEIL)
    assert b"\n" not in compact and b'\n  "bevindingen": [' in pretty
    assert compact.decode("utf-8")  # UTF-8 bytes, written to a pipe as they are


def test_terminal_lines_grouped_in_order(findings):
    groups = format_findings(findings, PEIL)
    titles = [title for title, _ in groups]
    assert titles == [g.title for g in GROUPS if g.title in titles]
    assert titles[0] == "Ernstige klachten: met spoed"
    lines = dict(groups)
    line = lines["Afhandeling te laat"][0]
    assert "K-2026-001" in line and "Yvonne Lips" in line and "01-01-2026" in line
    assert "31 dagen te laat" in line
    assert "Klachtnummer ontbreekt" in lines["Gegevens onjuist of onvolledig"][0]
    assert "\x1b" not in "".join(line for _, ls in groups for line in ls)  # no colour codes


def test_summary_line(findings):
    assert summary_line([]) == "Geen bevindingen: alle klachten zijn op orde."
    text = summary_line(findings)
    assert text.startswith(f"{len(findings)} bevindingen bij 5 klachten: 2 ernstig met spoed")
