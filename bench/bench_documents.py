"""Documents at scale: 500 registration forms as .docx, and as .docx+PDF against bare LibreOffice.

Goals: at most 25 ms per .docx; with PDF at most 1.3x LibreOffice converting the same 500 .docx
files in one run by itself, compared per PDF made (a bare run of 500 stops part-way; it is shown).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from formkit.documents.convert import find_soffice
from formkit.documents.letters import plan, produce
from formkit.register.reading import read_register

from bench_register import build  # noqa: E402  (same folder)
from results import record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=500)
    args = parser.parse_args()
    today = dt.date(2026, 11, 24)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        settings = build(tmp / "werkmap", args.count)
        complaints = read_register(settings.register).complaints[: args.count]
        start = time.perf_counter()
        batch = produce(settings, plan(settings, "formulier", complaints, today), today)
        docx_time = time.perf_counter() - start
        assert all(item.made for item in batch.items), [i.error for i in batch.items if i.error][:3]
        # bare LibreOffice on the same files, one run, fresh profile
        bare_in = tmp / "bare"
        bare_in.mkdir()
        for item in batch.items:
            shutil.copyfile(item.docx, bare_in / item.docx.name)
        soffice = find_soffice()
        start = time.perf_counter()
        subprocess.run([str(soffice), f"-env:UserInstallation={(tmp / 'lo-profiel').as_uri()}", "--headless",
                        "--norestore", "--convert-to", "pdf", "--outdir", str(tmp / "bare-out"),
                        *map(str, sorted(bare_in.iterdir()))], check=True, capture_output=True)
        bare = time.perf_counter() - start
        # One LibreOffice run with hundreds of files can stop part-way without an error (here: after
        # about 250 of 500), which is why formkit converts in chunks of 100. Compare per PDF made.
        bare_made = len(list((tmp / "bare-out").glob("*.pdf")))
        for item in batch.items:
            item.docx.unlink()
        start = time.perf_counter()
        batch = produce(settings, plan(settings, "formulier", complaints, today), today, pdf=True, overwrite=True)
        with_pdf = time.perf_counter() - start
        assert all(item.pdf and item.pdf.exists() for item in batch.items)
        record(f"registratieformulier .docx (x{args.count})", docx_time / args.count * 1000, "ms", "", None,
               "<= 25 ms per stuk")
        ours_each = with_pdf / args.count * 1000
        bare_each = bare / max(bare_made, 1) * 1000
        record(f".docx+PDF per document ({args.count}; kaal: {bare_made} PDF's in 1 run)", ours_each, "ms",
               "kale LibreOffice, zelfde .docx", bare_each, "<= 1.3x")
        print(f"{'documenten':>10} {'.docx per stuk':>15} {'.docx+PDF':>10} {'kale LibreOffice':>17} "
              f"{'kaal gemaakt':>13} {'per PDF':>9}")
        print(f"{args.count:>10} {docx_time / args.count * 1000:>13.1f}ms {with_pdf:>9.1f}s {bare:>16.1f}s "
              f"{bare_made:>13} {ours_each / bare_each:>8.2f}x")


if __name__ == "__main__":
    main()
