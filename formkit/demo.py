"""`formkit demo`: an example working folder with invented complaints, the procedure run once."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

from formkit.demo_data import demo_rows, numbered
from formkit.storage import update_register
from formkit.workfolder import init_workfolder

Step = tuple[str, Path | None]


def run_demo(folder: Path, today: dt.date | None = None) -> Iterator[Step]:
    """Create the example folder and yield (message, path) for everything made."""
    today = today or dt.date.today()
    result = init_workfolder(folder)
    settings = result.settings
    yield f"Werkmap gemaakt: {settings.root}", None
    rows = numbered(demo_rows(today), today)
    with update_register(settings, "demo") as update:
        for row in rows:
            update.append(row)
    yield f"Voorbeeldregister met {len(rows)} verzonnen klachten:", settings.register
