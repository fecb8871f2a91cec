"""Timeline chart of targets and deadlines by year (PNG), with a CJK font when one is installed."""

from __future__ import annotations

import functools
from collections import defaultdict
from pathlib import Path

from kb.types import Fact

_CJK_FAMILIES = ("Noto Sans CJK SC", "Noto Serif CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei",
                 "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei", "PingFang SC", "AR PL UMing CN")


@functools.lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The first installed CJK font family, or None (labels then fall back to the default font)."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for family in _CJK_FAMILIES:
        if family in names:
            return family
    for f in font_manager.fontManager.ttflist:
        if "CJK" in f.name or "Hei" in f.name:
            return f.name
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
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    font = cjk_font()
    if font:
        plt.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    by_year: dict[int, list[Fact]] = defaultdict(list)
    for f in dated:
        by_year[f.year].append(f)  # type: ignore[index]
    years = sorted(by_year)
    rows = max(min(len(v), max_per_year) for v in by_year.values())
    fig, ax = plt.subplots(figsize=(max(6.0, 3.2 * len(years)), 1.2 + 0.38 * rows))
    for col, year in enumerate(years):
        items = by_year[year]
        shown = items[:max_per_year]
        for row, f in enumerate(shown):
            color = "#1f6f8b" if f.kind == "target" else "#b5523b"
            ax.text(col, -row - 0.8, _label(f), ha="center", va="center", fontsize=8, color=color)
        if len(items) > max_per_year:
            ax.text(col, -max_per_year - 0.8, f"…另有{len(items) - max_per_year}项", ha="center", fontsize=8)
        ax.scatter([col], [0], s=90, color="#1f6f8b", zorder=3)
        ax.text(col, 0.45, f"{year}年", ha="center", fontsize=11, fontweight="bold")
    ax.plot([-0.5, len(years) - 0.5], [0, 0], color="#888", lw=1.5, zorder=1)
    ax.set_xlim(-0.6, len(years) - 0.4)
    ax.set_ylim(-rows - 1.5, 1.0)
    ax.axis("off")
    ax.set_title(title, fontsize=12)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path
