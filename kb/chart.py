"""Timeline chart of targets and deadlines by year (PNG), legible in print and on slides.

Years run down the page, each with its items beside it; the figure is drawn at the width it is
printed (16 cm in the docx, the A4 text width), so 10 pt in the figure is 10 pt on paper. Labels
wrap at word boundaries (jieba with the policy dictionary), never mid-word; a label too long for
its lines ends at a word with 「…」. The CJK font comes from kb.chart_font (found by path and
registered); with none, FontMissing says what to install instead of drawing □.

Drawn with matplotlib's object API (``Figure`` + ``FigureCanvasAgg``), never pyplot: the app draws
from several worker threads at once, and pyplot's global state is not thread-safe."""

from __future__ import annotations

import os
import re
import uuid
from collections import defaultdict
from pathlib import Path

from kb.chart_font import FontMissing, cjk_family
from kb.types import Fact

TARGET_COLOR, DEADLINE_COLOR, AXIS_COLOR = "#1f6f8b", "#b5523b", "#888888"
PHASE_COLOR = "#4d7c3a"  # a phase's goal (kind "phase", drawn by briefs)
_COLORS = {"target": TARGET_COLOR, "phase": PHASE_COLOR}
PRINT_WIDTH_IN = 16 / 2.54  # the docx places the picture 16 cm wide: figure inches = printed inches
FONT_PT, YEAR_PT, TITLE_PT = 10.0, 12.0, 12.5
LABEL_CHARS = 30  # CJK characters a label line holds at FONT_PT beside the year column
LABEL_LINES = 2
FULL_LINES = 8  # the brief's timeline prints every label whole (a task cut with … says nothing)
_BOUND = {"≥": "以上", "≤": "以下", "左右": "左右"}
_GLUE = re.compile(r"[\d.][\d.%]|[\d.][微万亿千平立吨公个处]|/.|./")

__all__ = ["FontMissing", "cjk_font", "label", "timeline_png", "wrap_words"]


def cjk_font() -> str | None:
    """The registered CJK family, or None (callers that can draw without Chinese ask this)."""
    try:
        return cjk_family()
    except FontMissing:
        return None


def _width(s: str) -> float:
    return sum(1.0 if ord(ch) > 0x2E80 else 0.55 for ch in s)


def wrap_words(text: str, width: int = LABEL_CHARS, max_lines: int = LABEL_LINES) -> list[str]:
    """Lines of at most `width` (CJK characters; Latin counts half), broken between words; text
    left over ends the last line with 「…」 after its last whole clause, else at a word boundary."""
    from kb.segment import tokenizer

    words: list[str] = []
    for w in tokenizer().cut(text, HMM=False):
        if words and _GLUE.search(words[-1][-1] + w[0]):  # 1.2% and 30微克/立方米 stay whole
            words[-1] += w
        else:
            words.append(w)
    lines, cur = [], ""
    for w in words:
        if cur and _width(cur + w) > width:
            lines.append(cur)
            cur = ""
            if len(lines) == max_lines:
                last = lines[-1]
                clause = max(last.rfind("，"), last.rfind("；"))
                if clause > 0:  # end on a whole clause (「碳达峰目标顺利实现…」, not 「…实现，主要…」)
                    last = last[:clause]
                while last and _width(last + "…") > width:  # room for the ellipsis, dropping whole words
                    last = _drop_last_word(last)
                lines[-1] = last.rstrip("，、；：") + "…"
                return lines
        cur += w
    if cur:
        lines.append(cur)
    return lines


def _drop_last_word(text: str) -> str:
    from kb.segment import tokenizer

    return "".join(list(tokenizer().cut(text, HMM=False))[:-1])


def label(f: Fact) -> str:
    """A target in the source's comparator word (「1.2%以内」 stays 以内); a deadline's task whole."""
    if f.kind == "target":
        from kb.brief import indicator_cell, source_comparator

        word = source_comparator(f.quote, f.value, f.comparator)
        after = word in _BOUND.values() or word.startswith("以")
        pre, _, post = word.partition("…")
        value = (f"{pre}{f.value}{f.unit}{post}" if post or _ else
                 f"{f.value}{f.unit}{word}" if after else f"{word}{f.value}{f.unit}")
        return f"{indicator_cell(f)} {value}" if f.indicator else value
    return (f.subject or f.quote).rstrip("。；，")


def timeline_png(facts: list[Fact], path: Path, title: str = "目标与期限时间轴", max_per_year: int = 8) -> Path | None:
    """Draw facts with a year on a vertical timeline; None when there is nothing to draw."""
    dated = [f for f in facts if f.year]
    if not dated:
        return None
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    family = [cjk_family(), "DejaVu Sans"]
    by_year: dict[int, list[Fact]] = defaultdict(list)
    seen: set[tuple[int, str]] = set()
    for f in sorted(dated, key=lambda f: ("phase", "target").index(f.kind) if f.kind in ("phase", "target") else 2):
        text = label(f)
        if (f.year, text) not in seen:  # the same label twice in one year is printed once
            seen.add((f.year, text))  # type: ignore[arg-type]
            by_year[f.year].append(f)  # type: ignore[index]
    blocks: list[tuple[int, list[tuple[list[str], str]], int]] = []
    total = 0.0
    for year in sorted(by_year):
        items = by_year[year]
        shown = [(wrap_words(label(f), max_lines=FULL_LINES), _COLORS.get(f.kind, DEADLINE_COLOR))
                 for f in items[:max_per_year]]
        blocks.append((year, shown, len(items) - len(shown)))
        total += sum(len(lines) for lines, _ in shown) + (1 if len(items) > max_per_year else 0) + 0.8
    line_in = FONT_PT * 1.45 / 72
    height = 0.55 + total * line_in
    fig = Figure(figsize=(PRINT_WIDTH_IN, height))
    FigureCanvasAgg(fig)  # attaches itself as fig.canvas
    ax = fig.add_axes((0, 0, 1, (height - 0.45) / height))
    ax.set_xlim(0, PRINT_WIDTH_IN)
    ax.set_ylim(-total * line_in, 0.05)
    ax.axis("off")
    x_year, x_dot, x_text = 0.05, 0.95, 1.12
    ax.plot([x_dot, x_dot], [0, -total * line_in + 0.4 * line_in], color=AXIS_COLOR, lw=1.2, zorder=1)
    y = -0.3 * line_in
    for year, shown, more in blocks:
        ax.scatter([x_dot], [y - 0.5 * line_in], s=40, color=TARGET_COLOR, zorder=3)
        ax.text(x_year, y - 0.5 * line_in, f"{year}年", ha="left", va="center", fontsize=YEAR_PT,
                fontweight="bold", family=family)
        for lines, color in shown:
            ax.text(x_text, y, "\n".join(lines), ha="left", va="top", fontsize=FONT_PT, color=color,
                    family=family, linespacing=1.25)
            y -= len(lines) * line_in
        if more:
            ax.text(x_text, y, f"……另有{more}项，见上文表格", ha="left", va="top", fontsize=FONT_PT, color=AXIS_COLOR,
                    family=family)
            y -= line_in
        y -= 0.8 * line_in
    if title:  # a brief's timeline stands under its own heading: no title in the picture
        fig.text(0.5, 1 - 0.12 / height, title, ha="center", va="top", fontsize=TITLE_PT, family=family)
    kinds = {f.kind for f in dated}  # the legend names only the kinds drawn
    keys = [(name, color) for name, color, kind in (("■ 阶段目标", PHASE_COLOR, "phase"), ("■ 目标指标", TARGET_COLOR, "target"),
                                                   ("■ 时限任务", DEADLINE_COLOR, "deadline")) if kind in kinds]
    for i, (name, color) in enumerate(reversed(keys)):
        fig.text(0.99 - 0.15 * i, 1 - 0.14 / height, name, ha="right", va="top", fontsize=9, family=family, color=color)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fig.savefig(tmp, dpi=200, format="png")  # through a unique temporary file: concurrent writers never mix
    os.replace(tmp, path)
    return path
