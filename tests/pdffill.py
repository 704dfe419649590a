"""Real, independent PDF fillers for tests: pdftk (XFDF, UTF-8) and pypdf's writer."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from pypdf import PdfReader, PdfWriter


def require_tool(name: str):
    """A marker that fails the test (not skips it) when a Debian tool is missing."""

    def mark(test):
        return test if shutil.which(name) else _missing(test, name)

    return mark


def _missing(test, name: str):
    def fail(*args, **kwargs):
        pytest.fail(f"{name} is required (apt-get install; .ci/run installs it)")

    fail.__name__ = test.__name__
    return fail


def pdftk_fill(src: Path, out: Path, values: dict[str, str]) -> Path:
    """Fill like a desktop tool: XFDF with UTF-8 values."""
    xfdf = out.with_suffix(".xfdf")
    body = "".join(f'<field name="{k}"><value>{escape(v)}</value></field>' for k, v in values.items())
    xfdf.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<xfdf xmlns="http://ns.adobe.com/xfdf/" '
                    f'xml:space="preserve"><fields>{body}</fields></xfdf>', encoding="utf-8")
    subprocess.run(["pdftk", str(src), "fill_form", str(xfdf), "output", str(out)], check=True,
                   capture_output=True)
    return out


def pypdf_fill(src: Path, out: Path, values: dict[str, str]) -> Path:
    """Fill like a browser: values set, appearances left to the viewer (NeedAppearances)."""
    writer = PdfWriter(clone_from=PdfReader(src))
    writer.update_page_form_field_values(None, values, auto_regenerate=True)
    writer.write(out)
    return out
