"""核对 tab: a department plan (pasted, or an uploaded txt/docx/pdf) checked statement by statement
against the corpus; colour-coded rows (一致 / 冲突 / 未找到), a verdict filter, XLSX and DOCX exports.

The upload is read into memory and discarded (only Gradio's own temporary upload file exists); the
only files written are the exports, under ``export_dir()``. All plan and corpus text is escaped."""

from __future__ import annotations

import io
import logging
import uuid
from collections.abc import Sequence
from pathlib import Path

import gradio as gr

from kb.crosscheck import check_text, read_plan
from kb.docx_style import chinese_defaults, shade
from kb.errors import BadInput, KBError
from kb.ingest import clean_lines
from kb.types import Finding
from kb.ui.render import esc, message_html
from kb.ui.targets_tab import export_dir
from kb.ui.timeline import atomic_write

log = logging.getLogger("kb.app")
VERDICTS = {"consistent": "一致", "conflict": "冲突", "not_found": "未找到"}
VERDICT_COLORS = {"consistent": "2e8b57", "conflict": "c0392b", "not_found": "8a8f98"}  # badge / fill
VERDICT_TINTS = {"consistent": "e8f5ec", "conflict": "fbe9e7", "not_found": "f1f2f4"}  # light row fill
ALL_VERDICTS = list(VERDICTS)
EXPORT_COLUMNS = ("序号", "结论", "部门方案表述", "指标", "年份", "部门方案值", "来源值", "差异", "来源文件", "来源章节",
                  "来源原文")
MAX_PASTE_CHARS = 100_000
PLACEHOLDER = ("到2027年，新能源公交车占比达到72%。\n到2027年，新能源出租车占比达到40%。")
EMPTY_HTML = ('<div class="kb-ck-empty">粘贴部门方案的文字或上传文件，点击“核对”。每条含目标或期限的表述都会与'
              "规划原文比对：<b>一致</b>、<b>冲突</b>（写明哪里不同、更严还是更宽松）或<b>未找到</b>。</div>")

CSS = """
.kb-ck-empty { color: var(--body-text-color-subdued); padding: 18px; text-align: center; }
.kb-ck-sum { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 4px 0; }
.kb-ck-chip { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 700; color: #fff;
              font-size: 0.9em; }
.kb-ck-src { color: var(--body-text-color-subdued); font-size: 0.88em; }
.kb-ck-table { width: 100%; border-collapse: separate !important; border-spacing: 0 6px; table-layout: fixed;
               border: none !important; margin: 0 !important; }
.kb-ck-table tr, .kb-ck-table th, .kb-ck-table td { border: none !important; }
.kb-ck-table th { text-align: left; font-size: 0.85em; color: var(--body-text-color-subdued); padding: 2px 8px !important;
                  font-weight: 600; }
.kb-ck-table td { vertical-align: top; padding: 8px !important; line-height: 1.6; word-break: break-word;
                  border-top: 1px solid var(--kb-ck-line) !important;
                  border-bottom: 1px solid var(--kb-ck-line) !important; }
.kb-ck-table td:first-child { border-left: 6px solid var(--kb-ck-c) !important; border-radius: 8px 0 0 8px; }
.kb-ck-table td:last-child { border-right: 1px solid var(--kb-ck-line) !important; border-radius: 0 8px 8px 0; }
.kb-ck-row td { background: var(--kb-ck-t); color: #1f2328; }
.kb-ck-consistent { --kb-ck-c: #2e8b57; --kb-ck-t: #e8f5ec; --kb-ck-line: #bfe0cb; }
.kb-ck-conflict { --kb-ck-c: #c0392b; --kb-ck-t: #fbe9e7; --kb-ck-line: #f0c4bd; }
.kb-ck-not_found { --kb-ck-c: #8a8f98; --kb-ck-t: #f1f2f4; --kb-ck-line: #d9dce1; }
.kb-ck-badge { display: inline-block; padding: 1px 8px; border-radius: 999px; color: #fff; font-weight: 700;
               font-size: 0.85em; background: var(--kb-ck-c); white-space: nowrap; }
.kb-ck-meta { font-size: 0.82em; color: #5b6068; margin-top: 2px; }
.kb-ck-table .kb-ck-diff ul { margin: 0 !important; padding-left: 16px; }
.kb-ck-table .kb-ck-diff li { margin: 0 0 2px; }
.kb-ck-diff b { color: #a12a1d; }
.kb-ck-lean { display: inline-block; font-size: 0.8em; padding: 0 6px; border-radius: 4px; margin-left: 4px;
              border: 1px solid currentColor; white-space: nowrap; }
.kb-ck-val { font-weight: 600; }
.kb-ck-table .kb-ck-quote { margin: 0 !important; padding: 0 0 0 8px; border-left: 3px solid var(--kb-ck-c);
                            white-space: pre-wrap; }
.kb-ck-path { font-size: 0.82em; color: #5b6068; margin-top: 4px; }
.kb-ck-none { color: #5b6068; }
"""


# reading the plan ----------------------------------------------------------------------------
def plan_from_inputs(kb, text: str | None, upload: str | Path | None) -> tuple[str, str]:
    """(normalized plan text, where it came from). An upload wins over pasted text; bad input → BadInput."""
    max_mb = kb.settings.max_upload_mb
    if upload:
        path = Path(upload)
        name = path.name
        limit = int(max_mb * 1024 * 1024)
        try:
            with path.open("rb") as fh:
                data = fh.read(limit + 1)  # one byte more than allowed: read_plan then says "too large"
        except OSError as e:
            raise BadInput(f"{name}: 上传的文件无法读取", "请重新上传") from e
        return read_plan(data, name, max_mb), f"上传文件：{name}"
    text = text or ""
    if not text.strip():
        raise BadInput("没有要核对的内容", "请粘贴部门方案的文字，或上传 txt、docx、pdf 文件")
    if len(text) > MAX_PASTE_CHARS:
        raise BadInput(f"粘贴的文字过长（{len(text)} 字）", f"最多 {MAX_PASTE_CHARS} 字；更长的方案请上传文件")
    plan, _ = clean_lines(text)
    if not plan.strip():
        raise BadInput("没有可核对的文字", "请检查粘贴的内容")
    return plan, "粘贴的文字"


# rendering -----------------------------------------------------------------------------------
def counts(findings: Sequence[Finding]) -> dict[str, int]:
    return {v: sum(1 for f in findings if f.verdict == v) for v in VERDICTS}


def summary_text(findings: Sequence[Finding]) -> str:
    c = counts(findings)
    return (f"共 {len(findings)} 条目标或期限表述：一致 {c['consistent']} 条，冲突 {c['conflict']} 条，"
            f"未找到 {c['not_found']} 条")


def summary_html(findings: Sequence[Finding], source: str, shown: int | None = None) -> str:
    c = counts(findings)
    chips = "".join(f'<span class="kb-ck-chip" style="background:#{VERDICT_COLORS[v]}">{VERDICTS[v]} {c[v]}</span>'
                    for v in VERDICTS)
    note = f"（当前显示 {shown} 条）" if shown is not None and shown != len(findings) else ""
    return (f'<div class="kb-ck-sum"><span class="kb-ck-total">{esc(summary_text(findings))}{esc(note)}</span>'
            f'{chips}<span class="kb-ck-src">{esc(source)}</span></div>')


_LEANS = ("部门方案更严", "部门方案更宽松", "部门方案更早", "部门方案更晚")


def difference_html(f: Finding) -> str:
    """Each difference (数值 / 比较方式 / 年份 / 单位 / 期限) on its own line; stricter or looser as a tag."""
    if f.verdict == "consistent":
        return '<span class="kb-ck-none">—（数值、比较方式、年份、单位均一致）</span>'
    if not f.difference:
        return '<span class="kb-ck-none">—</span>'
    items = []
    for item in f.difference.split("；"):
        lean = next((x for x in _LEANS if f"（{x}）" in item), "")
        item = item.replace(f"（{lean}）", "") if lean else item
        head, sep, rest = item.partition("：")
        body = f"<b>{esc(head)}</b>：{esc(rest)}" if sep else esc(item)
        if lean:
            body += f'<span class="kb-ck-lean">{esc(lean)}</span>'
        items.append(f"<li>{body}</li>")
    return f"<ul>{''.join(items)}</ul>"


def source_html(f: Finding) -> str:
    c = f.citation
    if c is None:
        return '<span class="kb-ck-none">来源文件中没有相应的表述</span>'
    return (f'<blockquote class="kb-ck-quote">“{esc(c.quote)}”</blockquote>'
            f'<div class="kb-ck-path">《{esc(c.title)}》 › {esc(c.section)}</div>')


def row_html(i: int, f: Finding) -> str:
    verdict = f.verdict if f.verdict in VERDICTS else "not_found"
    meta = " · ".join(x for x in (f.indicator, f"{f.year}年" if f.year else "") if x)
    return (f'<tr class="kb-ck-row kb-ck-{verdict}" data-verdict="{esc(verdict)}">'
            f'<td><span class="kb-ck-badge">{esc(VERDICTS[verdict])}</span><div class="kb-ck-meta">#{i}</div></td>'
            f'<td class="kb-ck-stmt">{esc(f.statement)}<div class="kb-ck-meta">{esc(meta)}</div></td>'
            f'<td class="kb-ck-diff">{difference_html(f)}</td>'
            f'<td class="kb-ck-val">{esc(f.plan_value) or "—"}</td>'
            f'<td class="kb-ck-val">{esc(f.source_value) or "—"}</td>'
            f"<td>{source_html(f)}</td></tr>")


def table_html(findings: Sequence[Finding], verdicts: Sequence[str] | None = None) -> str:
    keep = set(ALL_VERDICTS if verdicts is None else verdicts)
    rows = [row_html(i, f) for i, f in enumerate(findings, 1) if f.verdict in keep]
    if not rows:
        return '<div class="kb-ck-empty">没有符合筛选条件的结果，请勾选其他结论。</div>'
    head = ('<colgroup><col style="width:8%"><col style="width:21%"><col style="width:21%">'
            '<col style="width:10%"><col style="width:10%"><col style="width:30%"></colgroup>'
            "<thead><tr><th>结论</th><th>部门方案表述</th><th>差异</th><th>部门方案值</th><th>来源值</th>"
            "<th>来源原文（章节）</th></tr></thead>")
    return f'<table class="kb-ck-table">{head}<tbody>{"".join(rows)}</tbody></table>'


# exports -------------------------------------------------------------------------------------
def export_rows(findings: Sequence[Finding]) -> list[list]:
    rows = []
    for i, f in enumerate(findings, 1):
        c = f.citation
        rows.append([i, VERDICTS.get(f.verdict, f.verdict), f.statement, f.indicator, f.year or "", f.plan_value,
                     f.source_value, f.difference, c.title if c else "", c.section if c else "", c.quote if c else ""])
    return rows


def write_xlsx(findings: Sequence[Finding], path: Path, source: str = "") -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "核对结果"
    ws.append(list(EXPORT_COLUMNS))
    for f, r in zip(findings, export_rows(findings)):
        ws.append([None if v == "" else v for v in r])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        verdict_cell = ws.cell(ws.max_row, 2)
        verdict_cell.font = Font(bold=True, color="FFFFFF")
        verdict_cell.fill = PatternFill("solid", fgColor=VERDICT_COLORS.get(f.verdict, "8a8f98"))
        ws.cell(ws.max_row, 3).fill = PatternFill("solid", fgColor=VERDICT_TINTS.get(f.verdict, "f1f2f4"))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFGHIJK", (6, 8, 40, 22, 8, 20, 20, 40, 24, 40, 60)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions
    info = wb.create_sheet("说明")
    info.append(["内容", "江城政策知识库：部门方案与规划原文的逐条核对结果；“来源原文”为规划原句"])
    info.append(["汇总", summary_text(findings)])
    info.append(["核对对象", source or "—"])
    for row in info.iter_rows():
        for cell in row:
            cell.data_type = "s"
    info.column_dimensions["A"].width = 10
    info.column_dimensions["B"].width = 80
    buf = io.BytesIO()
    wb.save(buf)
    return atomic_write(path, buf.getvalue())


def write_docx(findings: Sequence[Finding], path: Path, source: str = "") -> Path:
    """A landscape report: summary, then one table row per statement with the verdict cell shaded."""
    import docx
    from docx.enum.section import WD_ORIENT
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    d = docx.Document()
    chinese_defaults(d)
    sec = d.sections[0]
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(sec, side, Cm(1.8))
    d.add_heading("部门方案核对结果", level=0)
    d.add_paragraph(summary_text(findings) + "。")
    if source:
        d.add_paragraph(f"核对对象：{source}")
    widths = (Cm(1.2), Cm(1.5), Cm(5.6), Cm(5.6), Cm(2.8), Cm(2.8), Cm(6.6))
    table = d.add_table(rows=1, cols=len(widths))
    table.style = "Table Grid"
    table.autofit = False
    for cell, name in zip(table.rows[0].cells, ("序号", "结论", "部门方案表述", "差异", "部门方案值", "来源值", "来源原文（章节）")):
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
        shade(cell, "e6e9ee")
    header = OxmlElement("w:tblHeader")  # the header row repeats on every page
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    for i, f in enumerate(findings, 1):
        c = f.citation
        diff = f.difference or ("—" if f.verdict != "consistent" else "一致")
        quote = f"“{c.quote}”\n（《{c.title}》 › {c.section}）" if c else "来源文件中没有相应的表述"
        values = (str(i), VERDICTS.get(f.verdict, f.verdict), f.statement, diff.replace("；", "\n"),
                  f.plan_value or "—", f.source_value or "—", quote)
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = value
        run = cells[1].paragraphs[0].runs[0]
        run.bold = True
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        shade(cells[1], VERDICT_COLORS.get(f.verdict, "8a8f98"))
    for column, width in zip(table.columns, widths):
        column.width = width  # the grid (LibreOffice reads this); Word reads the cell widths below
    for row in table.rows:
        for cell, width in zip(row.cells, widths):
            cell.width = width
            for p in cell.paragraphs:
                for r in p.runs:
                    r.font.size = Pt(9)
    buf = io.BytesIO()
    d.save(buf)
    return atomic_write(path, buf.getvalue())


# handlers ------------------------------------------------------------------------------------
def run_check(kb, text: str | None, upload: str | Path | None, verdicts: Sequence[str] | None = None):
    """→ (rows html, summary html, state, xlsx path, docx path); bad input → a message, no files."""
    try:
        plan, source = plan_from_inputs(kb, text, upload)
        findings = check_text(kb, plan)
    except KBError as e:
        return EMPTY_HTML, message_html(e.one_line()), None, None, None
    except Exception:
        log.exception("check failed")
        return EMPTY_HTML, message_html("内部错误，请稍后再试或联系管理员"), None, None, None
    if not findings:
        return EMPTY_HTML, message_html("没有找到含目标或期限的表述（例如“到2027年，……达到72%”），无需核对", "info"), \
            None, None, None
    folder = export_dir() / f"check-{uuid.uuid4().hex[:12]}"
    try:
        xlsx = write_xlsx(findings, folder / "部门方案核对结果.xlsx", source)
        docx_path = write_docx(findings, folder / "部门方案核对结果.docx", source)
    except Exception:
        log.exception("check export failed")
        xlsx = docx_path = None
    state = {"findings": findings, "source": source}
    shown = sum(1 for f in findings if f.verdict in set(ALL_VERDICTS if verdicts is None else verdicts))
    return (table_html(findings, verdicts), summary_html(findings, source, shown), state,
            str(xlsx) if xlsx else None, str(docx_path) if docx_path else None)


def filter_rows(state: dict | None, verdicts: Sequence[str] | None):
    """Re-render the rows of the last check for another verdict filter → (rows html, summary html)."""
    if not state or not state.get("findings"):
        return EMPTY_HTML, ""
    findings = state["findings"]
    keep = set(verdicts or [])
    shown = sum(1 for f in findings if f.verdict in keep)
    return table_html(findings, list(keep)), summary_html(findings, state.get("source", ""), shown)


def build_check_tab(kb) -> None:
    state = gr.State(None)
    max_mb = f"{kb.settings.max_upload_mb:g}"
    gr.Markdown("逐条核对部门方案中的目标和期限是否与规划原文一致。上传的文件只在内存中读取，不会存入语料库。")
    with gr.Row(equal_height=True):
        text = gr.Textbox(label="粘贴部门方案文字", placeholder=PLACEHOLDER, lines=6, max_lines=16, scale=3,
                          elem_id="kb-check-text")
        upload = gr.File(label=f"或上传文件（txt、docx、pdf，最大 {max_mb} MB；上传后以文件为准）", type="filepath",
                         scale=2, elem_id="kb-check-upload")
    with gr.Row(equal_height=True):
        verdict_box = gr.CheckboxGroup([(VERDICTS[v], v) for v in VERDICTS], value=ALL_VERDICTS, label="显示",
                                       scale=3, elem_id="kb-check-filter")
        go = gr.Button("核对", variant="primary", scale=1, elem_id="kb-check-run")
        clear = gr.Button("清空", variant="secondary", scale=1)
    summary = gr.HTML("", elem_id="kb-check-summary", css_template=CSS)
    rows = gr.HTML(EMPTY_HTML, elem_id="kb-check-rows", css_template=CSS, max_height=900)
    with gr.Row():
        xlsx_out = gr.File(None, label="导出 XLSX（全部结果）", interactive=False, elem_id="kb-check-xlsx")
        docx_out = gr.File(None, label="导出 DOCX（全部结果）", interactive=False, elem_id="kb-check-docx")

    def on_check(t: str, u: str | None, v: list[str]):
        return run_check(kb, t, u, v)

    go.click(on_check, [text, upload, verdict_box], [rows, summary, state, xlsx_out, docx_out],
             api_visibility="private", concurrency_id="check")
    verdict_box.change(filter_rows, [state, verdict_box], [rows, summary], api_visibility="private", queue=False)
    clear.click(lambda: ("", None, EMPTY_HTML, "", None, None, None), None,
                [text, upload, rows, summary, state, xlsx_out, docx_out], api_visibility="private", queue=False)
