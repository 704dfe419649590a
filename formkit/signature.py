"""Placeholder signature images that `formkit init` writes, one per handler."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def placeholder_signature(name: str, path: Path) -> Path:
    """A PNG with the handler's name in a handwriting-like style above a line ("voorbeeld")."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3.2, 1.0), dpi=150)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.text(0.06, 0.42, name, fontsize=20, fontstyle="italic", family="serif", color="#1f3a93")
    ax.plot([0.04, 0.96], [0.3, 0.3], color="#555555", linewidth=0.8)
    ax.text(0.06, 0.08, "voorbeeldhandtekening: vervang door een scan", fontsize=6, color="#888888")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=path.parent)
    os.close(fd)
    try:
        fig.savefig(tmp, format="png", transparent=True)
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path
