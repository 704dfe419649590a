"""Placeholder signature images, so letters work before staff scan their real signatures."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Literal

from matplotlib import font_manager
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from formkit.atomic import atomic_save

# Handwriting-like fonts that exist on Windows, macOS or Linux; the first one found is used.
SCRIPT_FONTS = (
    "Segoe Script",
    "Brush Script MT",
    "Apple Chancery",
    "Snell Roundhand",
    "URW Chancery L",
    "Z003",
    "STIXGeneral",
    "DejaVu Serif",
)


def placeholder_signature(name: str, path: Path) -> Path:
    """Write a PNG with `name` in a handwriting-like font above a line (replace it by a real scan)."""
    logging.getLogger("matplotlib.font_manager").setLevel(logging.ERROR)
    font = _script_font()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)

    fig = Figure(figsize=(3.0, 0.9), dpi=200)
    canvas = FigureCanvasAgg(fig)  # Agg directly: no GUI backend, also without a display
    fig.patch.set_alpha(0.0)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    label = name.strip() or "Handtekening"
    text = ax.text(0.5, 0.30, label, fontproperties=font, fontsize=30, color="#1b2a4a", rotation=3,
                   ha="center", va="bottom")
    # Shrink long names so they stay inside the image.
    width = text.get_window_extent(renderer=canvas.get_renderer()).width / fig.bbox.width
    if width > 0.92:
        text.set_fontsize(30 * 0.92 / width)
    ax.plot([0.03, 0.97], [0.22, 0.22], color="#1b2a4a", linewidth=1.2)

    atomic_save(path, lambda tmp: fig.savefig(tmp, format="png", transparent=True))
    return path


def _script_font() -> object:
    """The first installed handwriting-like font; a serif italic when no script font exists."""
    installed = {f.name for f in font_manager.fontManager.ttflist}
    for family in SCRIPT_FONTS:
        if family in installed:
            style: Literal["italic", "normal"] = "italic" if family in ("STIXGeneral", "DejaVu Serif") else "normal"
            return font_manager.FontProperties(family=family, style=style)
    return font_manager.FontProperties(style="italic")
