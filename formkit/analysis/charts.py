"""Chart images (PNG) for the management report, drawn with matplotlib without any GUI.

Word cannot draw charts from a template, so the report carries pictures; every bar is labelled
with its number (and a percentage with its n), so the picture is readable on paper.
"""

from __future__ import annotations

import io
import textwrap
from collections.abc import Callable, Sequence
from functools import cache, wraps
from typing import ParamSpec

from matplotlib import font_manager, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from formkit.analysis.figures import Analysis, Ratio, Tally
from formkit.analysis.text import label, measures, month, percent

BRAND = "#1F4E79"
ACCENT = "#C55A11"
LIGHT = "#9DC3E6"
GREY = "#595959"
GRID = "#D9D9D9"
WIDTH_IN = 6.3  # 16 cm, the text width of the report
DPI = 200
MAX_BARS = 12
FONTS = ("Carlito", "Calibri", "Liberation Sans", "DejaVu Sans")  # Carlito is Calibri's metric twin


@cache
def _font() -> str:
    available = {f.name for f in font_manager.fontManager.ttflist}
    return next((name for name in FONTS if name in available), "DejaVu Sans")


def _figure(height_in: float) -> Figure:
    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig


def _axes(fig: Figure):
    ax = fig.add_subplot()
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    for side in ("left", "bottom"):
        ax.spines[side].set_color(GRID)
    ax.tick_params(colors=GREY, labelsize=8.5)
    ax.set_axisbelow(True)
    return ax


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, bbox_inches="tight", pad_inches=0.08,
                metadata={"Software": None})
    return buffer.getvalue()


P = ParamSpec("P")


def _styled(draw: Callable[P, bytes]) -> Callable[P, bytes]:
    """Draw with the report's font; rc_context keeps matplotlib's global settings untouched."""

    @wraps(draw)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> bytes:
        # parse_math off: a "$" in a course name is text, not the start of a formula
        with rc_context({"font.family": _font(), "font.size": 8.5, "text.parse_math": False}):
            return draw(*args, **kwargs)

    return wrapper


@_styled
def month_chart(a: Analysis) -> bytes:
    """Complaints per month, serious ones stacked in a warning colour."""
    fig = _figure(2.6)
    ax = _axes(fig)
    labels = [month(m) for m, _, _ in a.months]
    counts = [count for _, count, _ in a.months]
    serious = [s for _, _, s in a.months]
    other = [c - s for c, s in zip(counts, serious, strict=True)]
    x = range(len(labels))
    ax.bar(x, other, color=BRAND, width=0.65, label="niet ernstig")
    ax.bar(x, serious, bottom=other, color=ACCENT, width=0.65, label="ernstig")
    for i, count in enumerate(counts):
        if count:
            ax.text(i, count, str(count), ha="center", va="bottom", fontsize=8.5, color=GREY)
    ax.set_xticks(list(x), labels, rotation=45 if len(labels) > 8 else 0, ha="right" if len(labels) > 8 else "center")
    ax.set_ylim(0, max(counts + [1]) * 1.2)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.yaxis.grid(True, color=GRID, linewidth=0.6)
    ax.set_ylabel("klachten", color=GREY, fontsize=8.5)
    if any(serious):
        ax.legend(frameon=False, fontsize=8, loc="upper left", ncols=2)
    return _png(fig)


@_styled
def tally_chart(tallies: Sequence[Tally], total: int) -> bytes:
    """Horizontal bars for a breakdown, commonest on top, each with count and share."""
    shown = list(tallies[:MAX_BARS])
    rest = sum(t.count for t in tallies[MAX_BARS:])
    names = [textwrap.shorten(label(t), 60, placeholder=" …") for t in shown]
    counts = [t.count for t in shown]
    if rest:
        names.append(f"overige ({len(tallies) - MAX_BARS})")
        counts.append(rest)
    names = ["\n".join(textwrap.wrap(n, 34)) for n in names]
    lines = sum(n.count("\n") + 1 for n in names)
    fig = _figure(0.45 + 0.2 * lines + 0.12 * len(names))
    ax = _axes(fig)
    y = list(range(len(names)))
    colours = [BRAND if t.label is not None else LIGHT for t in shown] + ([LIGHT] if rest else [])
    ax.barh(y, counts, color=colours, height=0.62)
    ax.set_yticks(y, names, fontsize=8.5)
    ax.invert_yaxis()
    top = max(counts + [1])
    for i, count in enumerate(counts):
        ax.text(count + top * 0.01, i, f"{count}  ({percent(Ratio(count, total))})", va="center", fontsize=8.5,
                color=GREY)
    ax.set_xlim(0, top * 1.25)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.xaxis.grid(True, color=GRID, linewidth=0.6)
    return _png(fig)


@_styled
def ratio_chart(items: Sequence[tuple[str, Ratio]]) -> bytes:
    """Percentages on a 0-100% scale, each bar labelled '83% (20 van 24)'."""
    fig = _figure(0.5 + 0.42 * len(items))
    ax = _axes(fig)
    y = list(range(len(items)))
    values = [(r.percent or 0) for _, r in items]
    ax.barh(y, [100] * len(items), color="#EDF2F8", height=0.6)
    ax.barh(y, values, color=BRAND, height=0.6)
    ax.set_yticks(y, ["\n".join(textwrap.wrap(name, 40)) for name, _ in items], fontsize=8.5)
    ax.invert_yaxis()
    for i, (_, r) in enumerate(items):
        text = "n.v.t. (n = 0)" if r.n == 0 else f"{percent(r)}  ({r.count} van {r.n})"
        ax.text(101.5, i, text, va="center", fontsize=8.5, color=GREY)
    ax.set_xlim(0, 100)
    ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
    ax.xaxis.grid(True, color=GRID, linewidth=0.6)
    return _png(fig)


@_styled
def count_chart(labels: Sequence[str], counts: Sequence[int], colours: Sequence[str] | None = None,
                xlabel: str = "") -> bytes:
    """Vertical bars for a small fixed scale (lead-time bands, satisfaction scores)."""
    fig = _figure(2.3)
    ax = _axes(fig)
    x = list(range(len(labels)))
    ax.bar(x, counts, color=list(colours) if colours else BRAND, width=0.6)
    total = sum(counts)
    for i, count in enumerate(counts):
        ax.text(i, count, f"{count}" + (f"  ({percent(Ratio(count, total))})" if total else ""),
                ha="center", va="bottom", fontsize=8.5, color=GREY)
    ax.set_xticks(x, labels, fontsize=8.5)
    ax.set_ylim(0, max(list(counts) + [1]) * 1.25)
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.yaxis.grid(True, color=GRID, linewidth=0.6)
    if xlabel:
        ax.set_xlabel(xlabel, color=GREY, fontsize=8.5)
    ax.set_ylabel("klachten", color=GREY, fontsize=8.5)
    return _png(fig)


def lead_chart(a: Analysis) -> bytes:
    colours = [BRAND if i < 4 else ACCENT for i in range(len(a.lead.buckets))]
    return count_chart([text for text, _ in a.lead.buckets], [c for _, c in a.lead.buckets], colours,
                       "dagen van ontvangst tot afhandeling")


def satisfaction_chart(a: Analysis) -> bytes:
    colours = ["#C00000", "#ED7D31", "#A5A5A5", "#70AD47", "#375623"]
    names = ["1 slecht", "2", "3", "4", "5 uitstekend"]
    return count_chart(names, [c for _, c in a.satisfaction.distribution], colours, "score")


def all_charts(a: Analysis) -> dict[str, bytes]:
    """Every chart of the report by its name in the template (`{{ grafiek.maand }}`)."""
    return {
        "termijnen": ratio_chart(measures(a)),
        "maand": month_chart(a),
        "categorie": tally_chart(a.by_category, a.total),
        "oorzaak": tally_chart(a.by_cause, a.total),
        "opleiding": tally_chart(a.by_course, a.total),
        "doorlooptijd": lead_chart(a),
        "tevredenheid": satisfaction_chart(a),
    }
