"""Shared fixtures: real working folders, real registers, the real LibreOffice."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from formkit.settings import load_settings
from formkit.workfolder.create import init_workfolder


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--long", action="store_true", default=False,
                     help="long robustness runs (also with env FORMKIT_LONG=1): the whole xlsx and PDF corpora, "
                          "about 3,400 hostile PDFs, random kills during writes")


def pytest_configure(config: pytest.Config) -> None:
    # One switch for every long variant: modules that size their cases when imported read the environment.
    if config.getoption("--long"):
        os.environ["FORMKIT_LONG"] = "1"


@pytest.fixture(scope="session")
def long_run(request: pytest.FixtureRequest) -> bool:
    """True for the long versions of the soak and crash tests (--long or FORMKIT_LONG=1)."""
    return bool(request.config.getoption("--long")) or os.environ.get("FORMKIT_LONG") == "1"


@pytest.fixture
def demo(workfolder):
    """The demo's invented complaints (every state of the procedure) as of 2 Nov 2026, in a fresh
    working folder."""
    import datetime as dt

    from formkit.workfolder.demo_data import demo_rows, numbered
    from formkit.register.storage import update_register

    today = dt.date(2026, 11, 2)
    with update_register(workfolder, "test") as update:
        for row in numbered(demo_rows(today), today):
            update.append(row)
    return workfolder


@pytest.fixture
def workfolder(tmp_path: Path):
    """A fresh working folder made by `formkit init`; returns its Settings."""
    return init_workfolder(tmp_path / "klachten").settings


@pytest.fixture
def settings_for():
    return load_settings


@pytest.fixture(scope="session")
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        pytest.fail("LibreOffice (soffice) is required for these tests; .ci/run installs it")
    return str(found)


def run_soffice(soffice: str, args: list[str], cwd: Path, timeout: int = 180) -> None:
    """Run LibreOffice headless with a private profile (parallel-safe)."""
    profile = cwd / ".lo-profile"
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore", *args]
    subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, timeout=timeout)


@pytest.fixture
def lo_convert(soffice, tmp_path):
    """Convert files with the real LibreOffice: lo_convert(path, 'csv') -> output path."""

    def convert(path: Path, fmt: str, outdir: Path | None = None) -> Path:
        outdir = outdir or (tmp_path / f"lo-{fmt.split(':')[0]}")
        outdir.mkdir(exist_ok=True)
        run_soffice(soffice, ["--convert-to", fmt, "--outdir", str(outdir), str(path)], tmp_path)
        out = outdir / (path.stem + "." + fmt.split(":")[0])
        assert out.exists(), f"LibreOffice made no {out}"
        return out

    return convert


def copy_register(settings, target: Path) -> Path:
    shutil.copyfile(settings.register, target)
    return target
