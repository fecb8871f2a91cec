"""Timeline chart of targets and deadlines by year (PNG), with a CJK font when one is installed.

Drawn with matplotlib's object API (``Figure`` + ``FigureCanvasAgg``), never pyplot: the app draws
from several worker threads at once, and pyplot's global figure manager and rcParams are not
thread-safe. Every font choice is passed per text item, so no global state is touched."""

from __future__ import annotations

import functools
import os
import uuid
from collections import defaultdict
from pathlib import Path

from kb.types import Fact

_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC",
                 "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC",
                 "Noto Serif CJK SC", "Noto Serif CJK JP", "AR PL UMing CN")
TARGET_COLOR, DEADLINE_COLOR, AXIS_COLOR = "#1f6f8b", "#b5523b", "#888888"


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed CJK font family, or None (labels then fall back to the default font)."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in names:
            return family
    for name in sorted(names):
        if "CJK" in name or "Hei" in name or "Han Sans" in name:
            return name
    return None


def _label(f: Fact) -> str:
    if f.kind == "target":
        bound = {"≥": "以上", "≤": "以下", "左右": "左右"}.get(f.comparator, "")
        return f"{f.indicator[:14]} {f.value}{f.unit}{bound}"
    return (f.subject or f.quote)[:18]


def timeline_png(facts: list[Fact], path: Path, title: str = "目标与期限时间轴", max_per_year: int = 8) -> Path | None:
    """Draw facts with a year on a horizontal timeline; None when there is nothing to draw."""
    dated = [f for f in facts if f.year]
    if not dated:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    font = cjk_font()
    text_kw = {"family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"]}
    by_year: dict[int, list[Fact]] = defaultdict(list)
    for f in dated:
        by_year[f.year].append(f)  # type: ignore[index]
    years = sorted(by_year)
    rows = max(min(len(v), max_per_year) for v in by_year.values())
    overflow = any(len(v) > max_per_year for v in by_year.values())
    bottom = -rows - (1.0 if overflow else 0.0) - 0.4  # just below the lowest label: no empty band
    fig = Figure(figsize=(max(6.0, 3.2 * len(years)), 0.5 + 0.38 * (1.0 - bottom)))
    FigureCanvasAgg(fig)  # attaches itself as fig.canvas
    ax = fig.add_subplot()
    for col, year in enumerate(years):
        items = by_year[year]
        for row, f in enumerate(items[:max_per_year]):
            color = TARGET_COLOR if f.kind == "target" else DEADLINE_COLOR
            ax.text(col, -row - 0.8, _label(f), ha="center", va="center", fontsize=8, color=color, **text_kw)
        if len(items) > max_per_year:
            ax.text(col, -max_per_year - 0.8, f"…另有{len(items) - max_per_year}项", ha="center", fontsize=8,
                    **text_kw)
        ax.scatter([col], [0], s=90, color=TARGET_COLOR, zorder=3)
        ax.text(col, 0.45, f"{year}年", ha="center", fontsize=11, fontweight="bold", **text_kw)
    ax.plot([-0.5, len(years) - 0.5], [0, 0], color=AXIS_COLOR, lw=1.5, zorder=1)
    ax.set_xlim(-0.6, len(years) - 0.4)
    ax.set_ylim(bottom, 1.0)
    ax.axis("off")
    ax.set_title(title, fontsize=12, **text_kw)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fig.savefig(tmp, dpi=120, format="png", bbox_inches="tight", pad_inches=0.12)  # through a unique temporary file: concurrent writers never mix
    os.replace(tmp, path)
    return path
