"""The 核对 and 简报 tabs without a browser: call the handlers directly on the real index (conftest
`kb`), read the exports back, check bad uploads, escaping and that nothing lands in corpus/ or index/."""

from __future__ import annotations

import html
import re
from pathlib import Path

import docx
import pytest
from openpyxl import load_workbook

import app
from kb.types import Citation, Finding
from kb.ui.brief_tab import SUGGESTIONS, make_brief, markdown_html
from kb.ui.check_tab import EXPORT_COLUMNS, filter_rows, run_check, table_html
from kb.ui.targets_tab import export_dir

DATA = Path(__file__).parent / "data"
PLAN = DATA / "dept_plan.txt"
XSS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>')


def _no_raw_tags(markup: str) -> None:
    low = markup.lower()
    for tag in ("<script", "<img", "<svg"):
        assert tag not in low, f"raw {tag} in {markup[:300]}"


def _tree_state(*folders: Path) -> dict[str, tuple[int, int]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime_ns) for folder in folders for p in folder.rglob("*")
            if p.is_file()}


def _rows(markup: str) -> list[str]:
    return re.findall(r'<tr class="kb-ck-row kb-ck-(\w+)"', markup)


@pytest.fixture(scope="module")
def plan_check(kb):
    before = _tree_state(kb.settings.corpus, kb.settings.index)
    result = run_check(kb, "", str(PLAN), None)
    assert _tree_state(kb.settings.corpus, kb.settings.index) == before, "the upload touched corpus/ or index/"
    return result


def test_app_has_check_and_brief_tabs(kb):
    demo = app.build_app(kb)
    labels = [getattr(b, "label", None) for b in demo.blocks.values()]
    assert {"问答", "目标指标", "文件", "核对", "简报"} <= set(labels)
    assert labels.index("核对") > labels.index("文件") and labels.index("简报") > labels.index("核对")


# 核对 -----------------------------------------------------------------------------------------
def test_plan_gives_colour_coded_rows(plan_check):
    rows, summary, state, xlsx, docx_path = plan_check
    verdicts = _rows(rows)
    assert len(verdicts) >= 20 and {"consistent", "conflict", "not_found"} <= set(verdicts)
    n = {v: verdicts.count(v) for v in ("consistent", "conflict", "not_found")}
    assert f"一致 {n['consistent']} 条，冲突 {n['conflict']} 条，未找到 {n['not_found']} 条" in summary
    assert "上传文件：dept_plan.txt" in summary
    # every 冲突 row names what differs
    for row in re.findall(r'<tr class="kb-ck-row kb-ck-conflict".*?</tr>', rows):
        assert re.search(r"<b>(数值|比较方式|年份|单位|期限)不同</b>", row), row[:400]
    taxi = next(r for r in re.findall(r"<tr .*?</tr>", rows) if "新能源出租车占比达到40%" in r)
    assert "kb-ck-conflict" in taxi and "数值不同" in taxi and "部门方案更严" in taxi
    assert "新能源出租车占比达到35%" in taxi and "《美丽江城建设规划（2024—2035年）》" in taxi  # verbatim quote
    looser = next(r for r in re.findall(r"<tr .*?</tr>", rows) if "不低于900万亩" in r)
    assert "部门方案更宽松" in looser and "928.69" in looser
    year = next(r for r in re.findall(r"<tr .*?</tr>", rows) if "到2026年，细颗粒物" in r)
    assert "年份不同" in year
    assert len(state["findings"]) == len(verdicts)
    assert Path(xlsx).parent.parent == export_dir() and Path(docx_path).parent.parent == export_dir()


def test_verdict_filter(plan_check):
    _, _, state, _, _ = plan_check
    rows, summary = filter_rows(state, ["conflict"])
    assert set(_rows(rows)) == {"conflict"} and "当前显示" in summary
    rows, _ = filter_rows(state, [])
    assert _rows(rows) == [] and "没有符合筛选条件" in rows
    rows, _ = filter_rows(None, ["conflict"])
    assert _rows(rows) == []


def test_xlsx_export_reads_back(plan_check):
    _, _, state, xlsx, _ = plan_check
    wb = load_workbook(xlsx)
    ws = wb["核对结果"]
    values = list(ws.iter_rows(values_only=True))
    assert tuple(values[0]) == EXPORT_COLUMNS
    assert len(values) - 1 == len(state["findings"])
    taxi = next(r for r in values[1:] if "新能源出租车占比达到40%" in r[2])
    assert taxi[1] == "冲突" and "数值不同" in taxi[7] and "35%" in taxi[10]
    assert {r[1] for r in values[1:]} == {"一致", "冲突", "未找到"}
    assert ws.cell(2, 2).fill.fgColor.rgb.endswith(("2E8B57", "C0392B", "8A8F98", "2e8b57", "c0392b", "8a8f98"))
    assert "一致" in wb["说明"]["B2"].value


def test_docx_export_reads_back(plan_check):
    _, _, state, _, docx_path = plan_check
    d = docx.Document(docx_path)
    assert d.tables
    table = d.tables[0]
    assert table.rows[0].cells[1].text == "结论" and len(table.rows) == len(state["findings"]) + 1
    texts = [[c.text for c in r.cells] for r in table.rows[1:]]
    taxi = next(r for r in texts if "新能源出租车占比达到40%" in r[2])
    assert taxi[1] == "冲突" and "数值不同" in taxi[3] and "35%" in taxi[6]
    assert "共 " in "\n".join(p.text for p in d.paragraphs)


def test_pasted_text(kb):
    rows, summary, _, xlsx, _ = run_check(kb, "到2027年，新能源公交车占比达到72%。\n到2027年，新能源出租车占比达到40%。",
                                              None, ["consistent", "conflict", "not_found"])
    assert _rows(rows) == ["consistent", "conflict"] and "粘贴的文字" in summary and xlsx


@pytest.mark.parametrize(("name", "size", "expect"), [("big.txt", 6 * 1024 * 1024, "文件过大"),
                                                      ("plan.xls", 1000, "不支持的文件类型")])
def test_bad_upload_gives_message(kb, tmp_path, name, size, expect):
    path = tmp_path / name
    path.write_bytes(("到2027年，森林覆盖率达到53%。\n".encode() * (size // 40 + 1))[:size])
    rows, summary, state, xlsx, docx_path = run_check(kb, "", str(path), None)
    assert expect in summary and "kb-msg-error" in summary
    assert state is None and xlsx is None and docx_path is None and _rows(rows) == []


@pytest.mark.parametrize(("text", "expect"), [("", "没有要核对的内容"), ("   \n", "没有要核对的内容"),
                                              ("我局将加强组织领导。", "没有找到含目标或期限的表述"),
                                              ("到" * 100_001, "过长")])
def test_empty_or_plain_text_gives_message(kb, text, expect):
    _, summary, state, xlsx, _ = run_check(kb, text, None, None)
    assert expect in summary and state is None and xlsx is None


@pytest.mark.parametrize("payload", XSS)
def test_check_escapes_plan_text(kb, payload):
    rows, summary, _, _, _ = run_check(kb, f"到2027年，{payload}新能源出租车占比达到40%。", None, None)
    _no_raw_tags(rows + summary)
    cite = Citation(1, "x", f"标题{payload}", f"章节{payload}", f"原文{payload}", 0, 10)
    f = Finding(f"表述{payload}", "conflict", payload, 2027, payload, payload, f"数值不同：{payload}", cite)
    markup = table_html([f])
    _no_raw_tags(markup)
    assert html.escape(payload) in markup


# 简报 -----------------------------------------------------------------------------------------
def test_brief_preview_and_downloads(kb):
    message, preview, png, docx_file, md_file = make_brief(kb, "蓝天保卫战", "全部")
    assert message == ""
    assert "细颗粒物" in preview and "<table>" in preview and "<h1>简报：蓝天保卫战</h1>" in preview
    assert "出处" in preview and 'class="kb-br-ref">[1]</span>' in preview
    for f in (png, docx_file, md_file):
        assert f and Path(f).is_file() and export_dir() in Path(f).parents
    d = docx.Document(docx_file)
    assert d.tables and d.tables[0].rows[0].cells[0].text == "指标"
    assert d.inline_shapes, "timeline picture missing"
    assert Path(md_file).read_text(encoding="utf-8").startswith("# 简报：蓝天保卫战")


def test_brief_year_filter(kb):
    message, preview, _, docx_file, _ = make_brief(kb, "新能源汽车", "2027")
    assert message == "" and "<h1>简报：新能源汽车（2027年）</h1>" in preview
    table = preview.split("<tbody>")[1].split("</tbody>")[0]
    deadlines = [re.findall(r"<td[^>]*>(.*?)</td>", tr)[4] for tr in table.split("</tr>") if tr]
    assert deadlines and set(deadlines) == {"2027年"}
    assert Path(docx_file).name == "简报_新能源汽车_2027年.docx"


@pytest.mark.parametrize(("topic", "year", "expect"), [("航天发射", "全部", "没有与“航天发射”相关"),
                                                       ("", "全部", "主题为空"), ("蓝天保卫战", "1900", "超出范围"),
                                                       ("蓝天保卫战", "明年", "无效"), ("空" * 51, "全部", "太长")])
def test_brief_bad_topic_gives_message(kb, topic, year, expect):
    message, preview, png, docx_file, md_file = make_brief(kb, topic, year)
    assert expect in message and "kb-msg-error" in message
    assert png is None and docx_file is None and md_file is None and "<h1>" not in preview


def test_brief_suggestions_all_have_content(kb):
    for topic in SUGGESTIONS:
        message, preview, _, _, _ = make_brief(kb, topic, "全部")
        assert message == "" and "<h1>" in preview, topic


def test_brief_file_name_is_safe(kb):
    _, _, _, docx_file, _ = make_brief(kb, "../湿地/..", "全部")
    assert docx_file and export_dir() in Path(docx_file).parents and Path(docx_file).name == "简报_湿地.docx"


@pytest.mark.parametrize("payload", XSS)
def test_markdown_preview_is_escaped(payload):
    md = (f"# 简报：{payload}\n\n范围：{payload}\n\n## 目标指标\n\n| 指标 | 出处 |\n|---|---|\n| {payload} | [1] |\n\n"
          f"## 重点任务\n\n- {payload}[2]\n- [链接](javascript:alert(1))\n\n![x]({payload})\n\n## 出处\n\n"
          f"1. 标题 › 章节：“{payload}”\n")
    markup = markdown_html(md)
    _no_raw_tags(markup)
    assert html.escape(payload) in markup and "<a " not in markup and "href" not in markup
