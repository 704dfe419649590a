"""Importing returned forms: `formkit inlezen` on 1,000 filled PDFs against bare pypdf get_fields().

Goal: at most 2x the bare loop over the same files, with one register write in total.
"""

from __future__ import annotations

import argparse
import logging
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter

from formkit.intake import import_forms
from formkit.pdf.forms import make_form
from formkit.register.logbook import LOG_NAME

from bench_register import build  # noqa: E402  (same folder)
from results import record


def fill_many(blank: Path, folder: Path, count: int) -> list[Path]:
    folder.mkdir()
    files = []
    for i in range(count):
        writer = PdfWriter(clone_from=PdfReader(blank))
        writer.update_page_form_field_values(None, {
            "naam": f"Deelnemer {i} Zoë", "type_klant": "/particulier", "email": f"d{i}@example.nl",
            "omschrijving": f"Klacht nummer {i}: de docent kwam niet opdagen.\nTweede regel.",
            "datum": "24-11-2026", "opleiding": "Excel voor gevorderden",
        }, auto_regenerate=False)
        path = folder / f"klacht-{i:04d}.pdf"
        writer.write(path)
        files.append(path)
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        settings = build(tmp / "werkmap", args.rows)
        blank = make_form("klacht", settings, tmp / "klacht.pdf")
        files = fill_many(blank, tmp / "inbox", args.files)
        start = time.perf_counter()
        for path in files:
            PdfReader(path).get_fields()
        bare = time.perf_counter() - start
        log_before = (settings.register.parent / LOG_NAME).read_text(encoding="utf-8-sig").count("\n")
        backups_before = len(list((settings.register.parent / "backups").iterdir()))
        start = time.perf_counter()
        outcomes = import_forms(settings, [tmp / "inbox"])
        ours = time.perf_counter() - start
        writes = len(list((settings.register.parent / "backups").iterdir())) - backups_before
        new = sum(o.status == "nieuw" for o in outcomes)
        print(f"{'bestanden':>9} {'pypdf get_fields':>17} {'formkit inlezen':>16} {'verhouding':>11} {'registerschrijfacties':>22}")
        print(f"{args.files:>9} {bare:>15.2f}s {ours:>14.2f}s {ours / bare:>10.2f}x {writes:>22}")
        record(f"inlezen: {args.files} pdf's in register van {args.rows} rijen", ours, "s",
               "pypdf get_fields() kaal", bare, "<= 2x; 1 schrijfactie")
        record("inlezen: schrijfacties op het register", writes, "", "", None, "1")
        print(f"{new} nieuwe klachten in een register van {args.rows} rijen "
              f"(logboek +{(settings.register.parent / LOG_NAME).read_text(encoding='utf-8-sig').count(chr(10)) - log_before} regels)")


if __name__ == "__main__":
    main()
