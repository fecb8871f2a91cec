"""核对 exports: the findings as XLSX and as a landscape DOCX report, both in time proportional to
the number of findings (one row written once; no per-row scan of the sheet or the table)."""

from __future__ import annotations

import copy
import io
from collections.abc import Sequence
from pathlib import Path

from kb.docx_style import chinese_defaults, shade
from kb.types import Finding
from kb.ui.timeline import atomic_write

VERDICTS = {"consistent": "一致", "conflict": "冲突", "not_found": "未找到"}
VERDICT_COLORS = {"consistent": "2e8b57", "conflict": "c0392b", "not_found": "8a8f98"}  # badge / fill
VERDICT_TINTS = {"consistent": "e8f5ec", "conflict": "fbe9e7", "not_found": "f1f2f4"}  # light row fill
EXPORT_COLUMNS = ("序号", "结论", "部门方案表述", "指标", "年份", "部门方案值", "来源值", "差异", "来源文件", "来源章节",
                  "来源原文")
DOCX_COLUMNS = ("序号", "结论", "部门方案表述", "差异", "部门方案值", "来源值", "来源原文（章节）")


def summary_text(findings: Sequence[Finding]) -> str:
    c = {v: sum(1 for f in findings if f.verdict == v) for v in VERDICTS}
    return (f"共 {len(findings)} 条目标或期限表述：一致 {c['consistent']} 条，冲突 {c['conflict']} 条，"
            f"未找到 {c['not_found']} 条")


def export_rows(findings: Sequence[Finding]) -> list[list]:
    rows = []
    for i, f in enumerate(findings, 1):
        c = f.citation
        rows.append([i, VERDICTS.get(f.verdict, f.verdict), f.statement, f.indicator, f.year or "", f.plan_value,
                     f.source_value, f.difference, c.title if c else "", c.section if c else "", c.quote if c else ""])
    return rows


def write_xlsx(findings: Sequence[Finding], path: Path, source: str = "", note: str = "") -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = "核对结果"
    ws.append(list(EXPORT_COLUMNS))
    wrap = Alignment(wrap_text=True, vertical="top")
    white = Font(bold=True, color="FFFFFF")
    fills = {v: PatternFill("solid", fgColor=c) for v, c in VERDICT_COLORS.items()}
    tints = {v: PatternFill("solid", fgColor=c) for v, c in VERDICT_TINTS.items()}
    # Styles are set once on a scratch cell and their StyleArray copied to every cell: assigning a
    # style object per cell hashes it into the workbook's style lists each time (most of the cost).
    scratch = ws.cell(1, 20)
    scratch.alignment = wrap
    plain = copy.copy(scratch._style)
    badge, tint = {}, {}
    for v in VERDICT_COLORS:
        scratch.font, scratch.fill = white, fills[v]
        badge[v] = copy.copy(scratch._style)
        scratch.font, scratch.fill = Font(), tints[v]
        tint[v] = copy.copy(scratch._style)
    ws._cells.pop((1, 20))
    for row_no, (f, r) in enumerate(zip(findings, export_rows(findings)), 2):  # ws.max_row scans the sheet
        verdict = f.verdict if f.verdict in badge else "not_found"
        for col, v in enumerate(r, 1):
            cell = ws.cell(row_no, col, None if v == "" else v)
            if isinstance(v, str) and v:
                cell.data_type = "s"  # never a formula, whatever the text starts with
            cell._style = copy.copy(badge[verdict] if col == 2 else tint[verdict] if col == 3 else plain)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for col, width in zip("ABCDEFGHIJK", (6, 8, 40, 22, 8, 20, 20, 40, 24, 40, 60)):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:K{len(findings) + 1}"
    info = wb.create_sheet("说明")
    info.append(["内容", "江城政策知识库：部门方案与规划原文的逐条核对结果；“来源原文”为规划原句"])
    info.append(["汇总", summary_text(findings)])
    info.append(["核对对象", source or "—"])
    if note:
        info.append(["说明", note])
    for row in info.iter_rows():
        for cell in row:
            cell.data_type = "s"
    info.column_dimensions["A"].width = 10
    info.column_dimensions["B"].width = 80
    buf = io.BytesIO()
    wb.save(buf)
    return atomic_write(path, buf.getvalue())


def _docx_values(i: int, f: Finding) -> tuple[str, ...]:
    c = f.citation
    diff = f.difference or ("—" if f.verdict != "consistent" else "一致")
    quote = f"“{c.quote}”\n（《{c.title}》 › {c.section}）" if c else "来源文件中没有相应的表述"
    return (str(i), VERDICTS.get(f.verdict, f.verdict), f.statement, diff.replace("；", "\n"),
            f.plan_value or "—", f.source_value or "—", quote)


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def _set_text(tc, text: str) -> None:
    """The text of a template cell's one run, line breaks as <w:br/> (plain lxml: python-docx's
    element factory costs more than the rest of the export)."""
    from lxml import etree

    run = tc.find(f"{_W}p").find(f"{_W}r")
    for child in list(run):
        if child.tag != f"{_W}rPr":
            run.remove(child)
    for n, line in enumerate(text.split("\n")):
        if n:
            etree.SubElement(run, f"{_W}br")
        t = etree.SubElement(run, f"{_W}t", {_XML_SPACE: "preserve"})
        t.text = line


def write_docx(findings: Sequence[Finding], path: Path, source: str = "", note: str = "") -> Path:
    """A landscape report: summary, then one table row per statement with the verdict cell shaded.
    The first data row is styled through python-docx; every other row is a copy of it."""
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
    if note:
        d.add_paragraph(note)
    widths = (Cm(1.2), Cm(1.5), Cm(5.6), Cm(5.6), Cm(2.8), Cm(2.8), Cm(6.6))
    table = d.add_table(rows=1, cols=len(widths))
    table.style = "Table Grid"
    table.autofit = False
    for cell, name in zip(table.rows[0].cells, DOCX_COLUMNS):
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
        shade(cell, "e6e9ee")
    header = OxmlElement("w:tblHeader")  # the header row repeats on every page
    header.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(header)
    for column, width in zip(table.columns, widths):
        column.width = width  # the grid (LibreOffice reads this); Word reads the cell widths below
    for cell, width in zip(table.rows[0].cells, widths):
        cell.width = width
    if findings:
        cells = table.add_row().cells
        for cell, width in zip(cells, widths):
            cell.text = "—"
            cell.width = width
            cell.paragraphs[0].runs[0].font.size = Pt(9)
        run = cells[1].paragraphs[0].runs[0]
        run.bold = True
        run.font.color.rgb = RGBColor(0xFF, 0xFF, 0xFF)
        shade(cells[1], "8a8f98")
        template = table.rows[1]._tr
        tbl = template.getparent()
        tbl.remove(template)
        for i, f in enumerate(findings, 1):
            tr = copy.deepcopy(template)
            tcs = tr.findall(qn("w:tc"))
            for tc, value in zip(tcs, _docx_values(i, f)):
                _set_text(tc, value)
            tcs[1].find(qn("w:tcPr")).find(qn("w:shd")).set(qn("w:fill"), VERDICT_COLORS.get(f.verdict, "8a8f98"))
            tbl.append(tr)
    buf = io.BytesIO()
    d.save(buf)
    return atomic_write(path, buf.getvalue())
