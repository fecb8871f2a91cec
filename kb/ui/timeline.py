"""Timeline of targets and deadlines by year, drawn with matplotlib's object API (no pyplot: the
app draws from several worker threads at once, and pyplot's global state is not thread-safe)."""

from __future__ import annotations

import io
import logging
import os
import uuid
from collections import defaultdict
from pathlib import Path

from kb.chart import cjk_font as _cjk_font
from kb.chart import label, wrap_words
from kb.chart_font import INSTALL_HINT
from kb.types import Fact

log = logging.getLogger("kb.app")
TARGET_COLOR, DEADLINE_COLOR = "#1f6f8b", "#b5523b"


def cjk_font() -> str | None:
    """The installed CJK font family (one lookup for the whole package: kb.chart), or None."""
    font = _cjk_font()
    if font is None:
        log.warning("没有找到中文字体：时间轴只显示数字。%s", INSTALL_HINT)
    return font


def _label(f: Fact, cjk: bool) -> str:
    if not cjk:
        return f"{f.value}{f.unit if f.unit.isascii() else ''}" if f.kind == "target" else "deadline"
    return "\n".join(wrap_words(label(f), width=13, max_lines=2))  # wrapped between words, never cut mid-word


def draw_timeline(targets: list[Fact], deadlines: list[Fact], path: Path, max_per_year: int = 7) -> Path | None:
    """Per year: the number of targets and deadlines (bars) and the first targets as labels."""
    from matplotlib.figure import Figure

    by_year: dict[int, list[Fact]] = defaultdict(list)
    seen: set[tuple[int, str]] = set()
    for f in targets + deadlines:
        if f.year and (f.year, label(f)) not in seen:  # the same item twice in a year is drawn once
            seen.add((f.year, label(f)))
            by_year[f.year].append(f)
    if not by_year:
        return None
    font = cjk_font()
    family = [font, "DejaVu Sans"] if font else ["DejaVu Sans"]
    years = sorted(by_year)
    rows = max(min(len(v), max_per_year) for v in by_year.values())
    fig = Figure(figsize=(max(7.0, 2.6 * len(years)), 3.2 + 0.42 * rows), dpi=110)
    grid = fig.add_gridspec(2, 1, height_ratios=[1.3, 0.9 + 0.42 * rows], hspace=0.18)
    bars, text_ax = fig.add_subplot(grid[0]), fig.add_subplot(grid[1])
    x = list(range(len(years)))
    n_t = [sum(1 for f in by_year[y] if f.kind == "target") for y in years]
    n_d = [sum(1 for f in by_year[y] if f.kind != "target") for y in years]
    tl, dl = ("目标指标", "时限任务") if font else ("targets", "deadlines")
    bars.bar([i - 0.18 for i in x], n_t, width=0.36, color=TARGET_COLOR, label=tl)
    bars.bar([i + 0.18 for i in x], n_d, width=0.36, color=DEADLINE_COLOR, label=dl)
    for i in x:
        for dx, n in ((-0.18, n_t[i]), (0.18, n_d[i])):
            if n:
                bars.text(i + dx, n, str(n), ha="center", va="bottom", fontsize=8, family=family)
    bars.set_xticks(x, [f"{y}年" if font else str(y) for y in years], family=family, fontsize=11,
                    fontweight="bold")
    bars.set_xlim(-0.6, len(years) - 0.4)
    bars.set_ylim(0, max(n_t + n_d) * 1.25 + 0.5)
    bars.spines[["top", "right"]].set_visible(False)
    bars.legend(prop={"family": family, "size": 9}, loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    bars.set_title("目标与期限时间轴（按年份）" if font else "Targets and deadlines by year", family=family, fontsize=12)
    for col, year in enumerate(years):
        items = sorted(by_year[year], key=lambda f: f.kind != "target")
        for row, f in enumerate(items[:max_per_year]):
            color = TARGET_COLOR if f.kind == "target" else DEADLINE_COLOR
            text_ax.text(col, -row, _label(f, bool(font)), ha="center", va="top", fontsize=9, color=color,
                         family=family)
        if len(items) > max_per_year:
            more = f"…另有{len(items) - max_per_year}项" if font else f"+{len(items) - max_per_year}"
            text_ax.text(col, -max_per_year, more, ha="center", va="top", fontsize=8, family=family)
    text_ax.set_xlim(-0.6, len(years) - 0.4)
    text_ax.set_ylim(-rows - 0.6, 0.4)
    text_ax.axis("off")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    return atomic_write(path, buf.getvalue())


def atomic_write(path: Path, data: bytes) -> Path:
    """Write through a unique temporary file and rename: concurrent writers never mix bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path
