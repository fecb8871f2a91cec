"""PDF text as the writer typed it (kb.pdf_text): margin wraps joined, displaced marks put back.
Unit tests on line shapes text extraction gives, and one real PDF drawn line by line."""

from __future__ import annotations

import io

import pytest

from kb.pdf_text import join_pages, place_displaced
from kb.readers import read_bytes

FULL = "一二三四五六七八九十" * 3  # a full line: 30 CJK characters


def _page(*lines: str) -> str:
    return "\n".join(lines)


def test_a_line_cut_by_the_margin_is_joined_with_the_next():
    text = join_pages([_page(FULL[:-2] + "交通运", "输领域绿色低碳发展。", "一、工作基础")])
    assert text.split("\n")[0] == FULL[:-2] + "交通运输领域绿色低碳发展。"
    assert text.split("\n")[1] == "一、工作基础"


@pytest.mark.parametrize("nxt", ["一、工作目标", "（二）公共交通。", "2. 新能源车辆", "第三条 责任"])
def test_a_full_line_before_a_numbered_part_is_not_joined(nxt):
    assert join_pages([_page(FULL, nxt)]).split("\n") == [FULL, nxt]


def test_a_line_ending_a_sentence_or_a_short_line_is_not_joined():
    assert join_pages([_page(FULL[:-1] + "。", "下一段。")]).count("\n") == 1
    assert join_pages([_page("二、工作目标", "（一）运输结构。", FULL)]).count("\n") == 2


def test_a_wrap_across_a_page_break_is_joined():
    text = join_pages([_page(FULL, FULL[:-3] + "占比到"), _page("2027年达到35%。", FULL + "。")])
    assert "占比到2027年达到35%。" in text


def test_one_odd_wide_line_does_not_set_the_page_width():
    lines = [FULL[:-3] + "占比到", "2027年达到35%。"] * 3 + [FULL * 2 + " “ ” “ ”"]
    assert join_pages([_page(*lines)]).count("占比到2027年") == 3


@pytest.mark.parametrize("line, fixed", [
    ("到2027 “ ” “ ”年，农村公路 新三通 比例达到九成五。农村公路 新三通 比",
     "到2027 年，农村公路“新三通”比例达到九成五。农村公路“新三通”比"),
    ("（二）到2035 Ⅰ—Ⅳ年，地下水国控点位 类水比例达到80%以上。", "（二）到2035 年，地下水国控点位Ⅰ—Ⅳ类水比例达到80%以上。"),
    # the run at a line's head, glued to its first character (a numbered part's 「（」)
    ("“ ”（二）加强管理。建成覆盖全域的 数字档案 系统", "（二）加强管理。建成覆盖全域的“数字档案”系统"),
    ("“ ”“（五）美化街区。持续推进 口袋公园 建", "（五）美化街区。持续推进“口袋公园”“建"),
    # a run at the head and one more inside the line: the head's marks come first
    ("“ ”（三）推进 美丽河湖 建设，到2030 “ ”年，城区 海绵城市 面积达到六成。",
     "（三）推进“美丽河湖”建设，到2030 年，城区“海绵城市”面积达到六成。"),
])
def test_marks_of_a_fallback_font_go_back_into_the_gaps_they_left(line, fixed):
    assert place_displaced(line) == fixed


@pytest.mark.parametrize("line", [
    "农村公路 新三通 比 “ ” “ ”",          # 2 gaps, 4 marks: the marks belong to two lines
    "城市 “ 黑臭 ” 水体",                    # two runs: text spaced by its writer
    "到2027 年，达到 35%。",                 # no displaced mark
    "PM2.5 浓度 — 2024 年",
    "“十四五”规划 期间",                     # a line's own opening mark, glued to its text
    "“ ”（三）推进 美丽河湖 建设，到2030 “ ”年，城区 海绵城市 面积 “ ”",  # head run and two more
])
def test_lines_whose_marks_and_gaps_do_not_agree_are_kept(line):
    assert place_displaced(line) == line


@pytest.mark.parametrize(("line", "fixed"), [
    ("”示范村创建 工作由市农业农村局牵头。", "示范村创建”工作由市农业农村局牵头。"),
    ("“（二）推进乡村建设。整治村容村貌。 美丽庭院", "（二）推进乡村建设。整治村容村貌。“美丽庭院"),
])
def test_one_mark_glued_to_a_line_head_goes_back_into_the_one_gap(line, fixed) -> None:
    assert place_displaced(line) == fixed


@pytest.mark.parametrize("line", [
    "“双碳”目标 引领",          # the line's own opening mark: it has a closing one too
    "”建设由市水利局牵头。",      # no gap for the mark to go back into
    "“示范村 创建 工作",          # one mark, two gaps
])
def test_a_head_mark_whose_gaps_do_not_agree_is_kept(line) -> None:
    assert place_displaced(line) == line


def test_a_quoted_name_cut_by_the_margin_reads_as_typed() -> None:
    full = "一二三四五六七八九十" * 2  # the page's full width: as wide as the cut line below
    lines = [full, "“（三）推进乡村建设。整治村容村貌。 绿美示范", "”村创建 工作由市农业农村局牵头。", full]
    text = join_pages(["\n".join(lines)])
    assert "（三）推进乡村建设。整治村容村貌。“绿美示范村创建”工作由市农业农村局牵头。" in text


def test_a_pdf_drawn_line_by_line_reads_as_its_sentences():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 12)
    sentence = "到2027年，全市新能源公交车占比达到72%，新能源出租车占比达到35%，城市公共交通机动化出行分担率达到46%以上。"
    lines = ["二、工作目标"] + [sentence[i:i + 30] for i in range(0, len(sentence), 30)] + ["三、重点任务"]
    for i, line in enumerate(lines):
        c.drawString(60, 780 - 18 * i, line)
    c.save()
    text = read_bytes(buf.getvalue(), "plan.pdf").text
    assert sentence in text.replace(" ", "")
    assert text.replace(" ", "").split("\n")[-1] == "三、重点任务"
