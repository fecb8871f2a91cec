"""Charts legible in print and on slides: the project's CJK font (found by path), no missing glyph,
labels wrapped at word boundaries, drawn at the printed width so 10 pt stays 10 pt on A4."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest

from kb import chart, chart_font
from kb.types import Fact

LONG = "建成以大气环境水环境声环境污染源在线溯源分析和秸秆焚烧管控为主体的环境网格化智慧监管平台并全面推广应用"


def _facts() -> list[Fact]:
    return [
        Fact("target", "d", "q", 0, 1, ("一、",), indicator="空气优良天数比例", comparator="≥", value="90", unit="%", year=2027),
        Fact("target", "d", "q", 0, 1, ("一、",), indicator="细颗粒物浓度", comparator="≤", value="30", unit="微克/立方米",
             year=2027),
        Fact("deadline", "d", "q", 0, 1, ("一、",), subject=LONG, year=2035),
        Fact("deadline", "d", "q", 0, 1, ("一、",), subject="碳达峰目标顺利实现", year=2030),
    ]


def test_project_font_is_found_by_path() -> None:
    path = chart_font.font_path()
    assert path is not None and path.is_file(), "no CJK font: bash scripts/start.sh installs fonts-noto-cjk"
    assert chart_font.cjk_family()


def test_no_missing_glyph(tmp_path: Path) -> None:
    from kb.ui.timeline import draw_timeline

    facts = _facts()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert chart.timeline_png(facts, tmp_path / "t.png", title="简报：蓝天保卫战") is not None
        assert draw_timeline(facts[:2], facts[2:], tmp_path / "app.png") is not None
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert not missing, missing[:3]


def test_drawn_at_print_width(tmp_path: Path) -> None:
    from PIL import Image

    out = chart.timeline_png(_facts(), tmp_path / "t.png")
    with Image.open(out) as im:
        dpi = im.info.get("dpi", (200, 200))[0]
        assert abs(im.width / dpi - chart.PRINT_WIDTH_IN) < 0.05  # 16 cm: the width the docx places it at
    assert chart.FONT_PT >= 9 and abs(chart.PRINT_WIDTH_IN * 2.54 - 16) < 0.01


def test_labels_wrap_between_words() -> None:
    from kb.segment import tokenizer

    lines = chart.wrap_words(LONG, width=12, max_lines=2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    words = list(tokenizer().cut(LONG, HMM=False))
    cuts, pos = set(), 0
    for w in words:
        pos += len(w)
        cuts.add(pos)
    assert len(lines[0]) in cuts  # the first line ends at a word boundary
    assert LONG.startswith(lines[0] + lines[1].rstrip("…"))
    assert chart.wrap_words("空气优良天数比例 90%以上") == ["空气优良天数比例 90%以上"]


def test_no_font_says_what_to_install(monkeypatch) -> None:
    monkeypatch.setattr(chart_font, "font_path", lambda: None)
    chart_font._register.cache_clear()
    try:
        with pytest.raises(chart_font.FontMissing) as e:
            chart_font.cjk_family()
        assert "fonts-noto-cjk" in e.value.one_line()
    finally:
        chart_font._register.cache_clear()
