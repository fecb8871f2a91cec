"""目标指标 tab: every extracted target in a searchable, sortable table, CSV/XLSX downloads and a
timeline of targets and deadlines by year."""

from __future__ import annotations

import csv
import functools
import io
import logging
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from kb.errors import BadInput, KBError
from kb.labels import comparator_word
from kb.types import Fact
from kb.ui.cards import NARROW, WIDE, cards_html
from kb.ui.exports import export_dir, register_cache, request_dir  # noqa: F401 - export_dir re-exported
from kb.ui.render import message_html
from kb.ui.timeline import atomic_write, draw_timeline

log = logging.getLogger("kb.app")
COLUMNS = ("指标", "比较", "数值", "单位", "年份", "章节", "原文", "文件")
_FORMULA_START = ("=", "+", "@", "\t", "\r")


@dataclass(frozen=True)
class TargetView:
    rows: list[list]
    summary: str
    csv_path: Path | None
    xlsx_path: Path | None
    timeline_path: Path | None


def _short_title(title: str) -> str:
    return title if len(title) <= 16 else title[:15] + "…"


def target_rows(kb, facts: list[Fact]) -> list[list]:
    """One row a target, as exported (full document title; the comparator in the 简报's words)."""
    docs = kb.index.docs
    return [[f.indicator, comparator_word(f.comparator), f.value, f.unit, str(f.year or ""), f.section, f.quote,
             docs[f.doc_id].meta.title if f.doc_id in docs else f.doc_id] for f in facts]


CARD_COLUMNS = ("指标", "目标", "年份", "原文", "章节", "文件")


def target_cards(rows: list[list], empty: str = "没有记录") -> str:
    """The phone's cards: 指标 as the title, then 以上 90% · 2027 · 原文 · 章节 · 文件."""
    return cards_html(CARD_COLUMNS, [[r[0], f"{r[1]} {r[2]}{r[3]}".strip(), r[4], r[6], r[5], r[7]] for r in rows], empty)


def _number(value: str) -> int | float | None:
    try:
        x = float(value)
    except (TypeError, ValueError):
        return None
    return int(x) if x.is_integer() and "." not in value else x


def numeric_values(kb) -> bool:
    """True when every target value is a plain number (the table then sorts 数值 numerically)."""
    return all(_number(f.value) is not None for f in kb.targets())


def display_rows(rows: list[list], numeric: bool) -> list[list]:
    """The table's rows: 数值 as a number when all are, the title shortened (the exports keep it whole)."""
    return [[_number(v) if numeric and i == 2 else _short_title(v) if i == 7 else v for i, v in enumerate(r)]
            for r in rows]


def _matches(f: Fact, keyword: str) -> bool:
    return not keyword or any(keyword in s for s in (f.indicator, f.quote, f.section, f.value, f.unit, f.subject))


def select_facts(kb, year: str | int | None = "", topic: str = "", keyword: str = "") -> tuple[list[Fact], list[Fact]]:
    """(targets, deadlines) for a year / topic / keyword; bad values raise BadInput."""
    for text in (topic, keyword):
        if text and any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in text):
            raise BadInput("主题或关键词含有控制字符", "请只输入文字")
    year_int = None
    if year not in (None, ""):
        try:
            year_int = int(str(year).strip().removesuffix("年"))
        except ValueError as e:
            raise BadInput(f"年份 {year} 无效", "请选择列表中的年份") from e
    topic, keyword = (topic or "").strip(), (keyword or "").strip()
    if len(topic) > 50 or len(keyword) > 50:
        raise BadInput("主题或关键词太长", "请控制在50字以内")
    targets = [f for f in kb.targets(year=year_int, topic=topic) if _matches(f, keyword)]
    deadlines = [f for f in kb.targets(year=year_int, topic=topic, kinds=("deadline",)) if _matches(f, keyword)]
    return targets, deadlines


def _safe_cell(value: object) -> object:
    """Spreadsheet formula injection guard: text that Excel would run as a formula gets a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(rows: list[list], path: Path) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    w.writerows([[_safe_cell(v) for v in r] for r in rows])
    return atomic_write(path, buf.getvalue().encode("utf-8-sig"))  # BOM: Excel opens it as UTF-8


def write_xlsx(rows: list[list], path: Path, note: str = "") -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    wb = Workbook()
    ws = wb.active
    ws.title = "目标指标"
    ws.append(list(COLUMNS))
    for r in rows:
        values = [_number(v) if i in (2, 4) and _number(v) is not None else v for i, v in enumerate(r)]
        ws.append([None if v == "" else v for v in values])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFGH", (22, 8, 10, 14, 8, 40, 70, 24)):
        ws.column_dimensions[col].width = width
    for row in ws.iter_rows(min_row=2):
        row[6].alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    info = wb.create_sheet("说明")
    info.append(["来源", "江城政策知识库：从语料库文件中自动抽取的目标指标，“原文”列为文件原句"])
    info.append(["筛选", note or "全部"])
    buf = io.BytesIO()
    wb.save(buf)
    return atomic_write(path, buf.getvalue())


@functools.lru_cache(maxsize=64)
def target_view(kb, year: str = "", topic: str = "", keyword: str = "") -> TargetView:
    """Table rows, summary, CSV, XLSX and timeline for one filter (the index is fixed per process,
    so a filter's files are made once and reused)."""
    targets, deadlines = select_facts(kb, year, topic, keyword)
    rows = target_rows(kb, targets)
    note = "，".join(p for p in (f"{year}年" if year else "", f"主题：{topic}" if topic else "",
                                   f"关键词：{keyword}" if keyword else "") if p)
    years = sorted({f.year for f in targets if f.year})
    summary = (f"表中共 {len(rows)} 条目标指标（有数值）；另有 {len(deadlines)} 条只有完成年份、没有数值的时限任务，"
               "不在表中，计入下方时间轴"
               + (f"；年份：{'、'.join(map(str, years))}" if years else "") + (f"（筛选：{note}）" if note else ""))
    if not rows and not deadlines:
        return TargetView(rows, summary + "。没有符合条件的记录，请放宽筛选。", None, None, None)
    folder = request_dir("targets")
    csv_path = write_csv(rows, folder / "江城目标指标.csv") if rows else None
    xlsx_path = write_xlsx(rows, folder / "江城目标指标.xlsx", note) if rows else None
    png = draw_timeline(targets, deadlines, folder / "目标时间轴.png")
    return TargetView(rows, summary, csv_path, xlsx_path, png)


register_cache(target_view.cache_clear)  # its files go with the export folder's cleaning


def update_targets(kb, year: str = "", topic: str = "", keyword: str = ""):
    """→ (table rows, summary html, csv file, xlsx file, timeline png); bad input → message."""
    try:
        v = target_view(kb, year or "", (topic or "").strip(), (keyword or "").strip())
    except KBError as e:
        return [], message_html(e.one_line()), None, None, None
    except Exception:
        log.exception("targets failed")
        return [], message_html("内部错误，请稍后再试"), None, None, None
    csv_file = str(v.csv_path) if v.csv_path else None
    xlsx_file = str(v.xlsx_path) if v.xlsx_path else None
    png = str(v.timeline_path) if v.timeline_path else None
    return v.rows, message_html(v.summary, "info"), csv_file, xlsx_file, png


def targets_json(kb, year: str = "", topic: str = "") -> list[dict]:
    """The /targets endpoint: the rows of `kb targets --format json`."""
    try:
        targets, _ = select_facts(kb, year, topic)
    except KBError as e:
        return [{"error": e.one_line()}]
    return [{"indicator": f.indicator, "comparator": f.comparator, "value": f.value, "unit": f.unit,
             "year": f.year, "scope": f.scope, "section": f.section, "quote": f.quote, "doc_id": f.doc_id,
             "start": f.start, "end": f.end} for f in targets]


def build_targets_tab(kb) -> None:
    years = sorted({f.year for f in kb.targets(kinds=("target", "deadline")) if f.year})
    numeric = numeric_values(kb)
    # The table is cheap; the files and the timeline (matplotlib, a CJK font: seconds on a busy
    # machine) are made when a page first loads, not while the app starts (kb/ui/targets_tab.py).
    rows = target_rows(kb, select_facts(kb)[0])
    summary = message_html(f"表中共 {len(rows)} 条目标指标（有数值）；正在准备下载文件和时间轴…", "info")
    with gr.Row():
        year_dd = gr.Dropdown([("全部年份", "")] + [(f"{y}年", str(y)) for y in years], value="", label="年份",
                              scale=1)
        topic = gr.Textbox(label="主题", placeholder="例如：大气、水、交通、森林", scale=2)
        keyword = gr.Textbox(label="关键词", placeholder="在指标、原文、章节中查找", scale=2)
        go = gr.Button("筛选", variant="primary", scale=1)
    info = gr.HTML(summary, elem_id="kb-targets-info")
    datatype = ["str", "str", "number" if numeric else "str"] + ["str"] * (len(COLUMNS) - 3)
    table = gr.Dataframe(value=display_rows(rows, numeric), headers=list(COLUMNS), datatype=datatype,
                         interactive=False, wrap=True, show_search="none", max_height=520,
                         elem_id="kb-targets-table", elem_classes=WIDE, buttons=["copy"],
                         column_widths=["12%", "5%", "7%", "9%", "6%", "20%", "31%", "10%"])
    cards = gr.HTML(target_cards(rows), elem_id="kb-targets-cards", elem_classes=NARROW, max_height=640)
    with gr.Row():
        csv_out = gr.File(None, label="下载 CSV 表格", interactive=False, elem_id="kb-csv")
        xlsx_out = gr.File(None, label="下载 Excel 表格（xlsx）", interactive=False, elem_id="kb-xlsx")
    timeline = gr.Image(None, label="目标与期限时间轴", type="filepath", interactive=False, elem_id="kb-timeline",
                        buttons=["download", "fullscreen"], format="png")

    def on_filter(y: str, t: str, k: str):
        rows, *rest = update_targets(kb, y, t, k)
        return display_rows(rows, numeric), target_cards(rows, "没有符合条件的记录"), *rest

    outputs = [table, cards, info, csv_out, xlsx_out, timeline]
    for trigger in (go.click, topic.submit, keyword.submit, year_dd.change):
        trigger(on_filter, [year_dd, topic, keyword], outputs, api_visibility="private")
    page = gr.context.Context.root_block  # the app's Blocks: its load event fills the first view
    if page is not None:
        page.load(on_filter, [year_dd, topic, keyword], outputs, api_visibility="private", show_progress="hidden")
