"""README's Python API example runs as it stands, on the demo's working folder."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

README = Path(__file__).resolve().parent.parent / "README.md"


def api_example() -> str:
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Python API"):]
    return re.search(r"```python\n(.*?)```", section, re.S)[1]


def test_the_readme_api_example_runs(demo, monkeypatch, capsys):
    (demo.root.parent / "voorbeeld").symlink_to(demo.root, target_is_directory=True)
    monkeypatch.chdir(demo.root.parent)
    exec(compile(api_example(), "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert re.fullmatch(r"\d+ klachten; \d+ ontvangstbevestigingen vastgelegd\n", printed)
    assert not printed.startswith("0 ") and "; 0 " not in printed  # complaints read, letters recorded


def test_the_public_api_names_exist():
    import formkit

    for name in formkit.__all__:
        assert getattr(formkit, name) is not None, name
    with pytest.raises(AttributeError):
        formkit.no_such_thing  # noqa: B018
