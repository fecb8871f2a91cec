"""A Brief rendered for trainers: Markdown, docx (A4, the chart 16 cm wide) or PPTX (kb.brief_slides).
All open with the one-page 摘要, whose counts are those of the lists below."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from kb.brief import Brief, Row, _ref, collect, target_sentence
from kb.errors import BadInput

if TYPE_CHECKING:
    from kb.api import KnowledgeBase
from kb.chart import timeline_png

SUMMARY_TARGETS = 8  # target sentences read aloud in the 摘要; the table holds them all
def summary_lines(b: Brief) -> list[str]:
    """The 摘要: what the brief holds (counts equal the lists), then the goals in sentences."""
    measures = sum(len(t.measures) for t in b.tasks)
    counts = [(len(b.targets), f"目标指标 {len(b.targets)} 项"), (len(b.deadlines), f"时限任务 {len(b.deadlines)} 项"),
              (len(b.phases), f"阶段目标 {len(b.phases)} 条"),
              (len(b.tasks), f"重点任务 {len(b.tasks)} 项（列出措施 {measures} 条）"), (len(b.projects), f"重点工程 {len(b.projects)} 项")]
    lines = ["本简报收录：" + "、".join(text for n, text in counts if n) + "。"]
    if b.year_note:
        lines.append(b.year_note + "。")
    if b.targets:
        shown = b.targets[:SUMMARY_TARGETS]
        lines.append("主要目标：" + "".join(target_sentence(r) + _ref(r.refs) + "。" for r in shown)
                     + (f"（另有 {len(b.targets) - len(shown)} 项见目标指标表）" if len(b.targets) > len(shown) else ""))
    if b.phases:
        lines.append("阶段目标：" + "；".join(f"{r.cells[0]}{r.cells[1]}{_ref(r.refs)}" for r in b.phases) + "。")
    if b.tasks:
        lines.append("重点任务：" + "；".join(t.heading.cells[0].rstrip("。") for t in b.tasks) + "。")
    return lines


def to_markdown(b: Brief, chart: str | None = None) -> str:
    out = [f"# {b.title}", "", b.scope, "", "## 摘要", ""]
    out += [line + "\n" for line in summary_lines(b)]
    if b.targets:
        out += ["## 目标指标", "", "| 指标 | 比较 | 数值 | 单位 | 期限 | 章节 | 出处 |", "|---|---|---|---|---|---|---|"]
        out += ["| " + " | ".join(c.replace("|", "｜") for c in r.cells) + f" | {_ref(r.refs)} |" for r in b.targets]
        out.append("")
    if b.deadlines:
        out += ["## 时限任务", "", "| 期限 | 任务 | 章节 | 出处 |", "|---|---|---|---|"]
        out += ["| " + " | ".join(c.replace("|", "｜") for c in r.cells) + f" | {_ref(r.refs)} |" for r in b.deadlines]
        out.append("")
    if b.phases:
        out += ["## 阶段目标", ""] + [f"- {r.cells[0]}：{r.cells[1]}{_ref(r.refs)}" for r in b.phases] + [""]
    if b.tasks:
        out += ["## 重点任务", ""]
        for t in b.tasks:
            out += [f"### {t.heading.cells[0].rstrip('。')}{_ref(t.heading.refs)}", ""]
            out += [f"- {m.cells[0]}{_ref(m.refs)}" for m in t.measures]
            out += ([f"- ……本节另有 {t.more} 条措施未列出，见{_ref(t.heading.refs)}所在章节"] if t.more else []) + [""]
    if b.projects:
        out += ["## 重点工程（专栏）", ""] + [f"- {r.cells[0]}{_ref(r.refs)}" for r in b.projects] + [""]
    if chart:
        out += ["## 时间轴", "", f"![时间轴]({chart})", ""]
    out += ["## 出处", ""]
    for title, section, cites in reference_groups(b.references):
        out += [f"**《{title}》 › {section}**", ""]
        out += [f"- [{c.n}] “{c.quote}”" for c in cites] + [""]
    return "\n".join(out) + "\n"


def _table(d, header: tuple[str, ...], rows: tuple[Row, ...], widths_cm: tuple[float, ...]) -> None:
    from docx.shared import Cm

    from kb.docx_style import fix_widths, header_row

    table = d.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    header_row(table, header)
    for r in rows:
        for cell, value in zip(table.add_row().cells, (*r.cells, _ref(r.refs))):
            cell.text = value
    fix_widths(table, [Cm(w) for w in widths_cm], font_pt=9.5)


def to_docx(b: Brief, path: Path, chart: Path | None) -> None:
    import docx
    from docx.shared import Cm, Pt

    from kb.docx_style import a4_margins, chinese_defaults

    d = docx.Document()
    chinese_defaults(d)
    a4_margins(d)
    d.add_heading(b.title, level=0)
    d.add_paragraph(b.scope)
    d.add_heading("摘要", level=1)
    for line in summary_lines(b):
        d.add_paragraph(line)
    if b.targets:
        d.add_heading("目标指标", level=1)
        _table(d, ("指标", "比较", "数值", "单位", "期限", "章节", "出处"), b.targets, (4.0, 1.4, 1.5, 2.3, 1.6, 4.0, 1.2))
    if b.deadlines:
        d.add_heading("时限任务", level=1)
        _table(d, ("期限", "任务", "章节", "出处"), b.deadlines, (1.8, 8.6, 4.4, 1.2))
    if b.phases:
        d.add_heading("阶段目标", level=1)
        for r in b.phases:
            d.add_paragraph(f"{r.cells[0]}：{r.cells[1]}{_ref(r.refs)}", style="List Bullet")
    if b.tasks:
        d.add_heading("重点任务", level=1)
        for t in b.tasks:
            d.add_heading(f"{t.heading.cells[0].rstrip('。')}{_ref(t.heading.refs)}", level=3)
            for m in t.measures:
                d.add_paragraph(f"{m.cells[0]}{_ref(m.refs)}", style="List Bullet")
            if t.more:
                d.add_paragraph(f"……本节另有 {t.more} 条措施未列出，见{_ref(t.heading.refs)}所在章节", style="List Bullet")
    if b.projects:
        d.add_heading("重点工程（专栏）", level=1)
        for r in b.projects:
            d.add_paragraph(f"{r.cells[0]}{_ref(r.refs)}", style="List Bullet")
    if chart:
        d.add_heading("时间轴", level=1)
        d.add_picture(str(chart), width=Cm(16))
    d.add_heading("出处", level=1)
    for title, section, cites in reference_groups(b.references):
        head = d.add_paragraph().add_run(f"《{title}》 › {section}")
        head.font.size, head.bold = Pt(9), True
        for c in cites:
            run = d.add_paragraph().add_run(f"[{c.n}] “{c.quote}”")
            run.font.size = Pt(9)
    d.save(str(path))


def reference_groups(refs) -> list[tuple[str, str, list]]:
    """Consecutive references from the same section, its path said once (a trainer's handout
    should not repeat a three-level path before every quote)."""
    groups: list[tuple[str, str, list]] = []
    for c in refs:
        if groups and groups[-1][:2] == (c.title, c.section):
            groups[-1][2].append(c)
        else:
            groups.append((c.title, c.section, [c]))
    return groups


def write(b: Brief, out: Path) -> Path:
    if out.suffix.lower() == ".md":
        chart = timeline_png(list(b.dated), out.with_suffix(".timeline.png"), title=b.title)
        out.write_text(to_markdown(b, chart.name if chart else None), encoding="utf-8")
        return out
    with tempfile.TemporaryDirectory() as tmp:
        chart = timeline_png(list(b.dated), Path(tmp) / "timeline.png", title=b.title)
        if out.suffix.lower() == ".pptx":
            from kb.brief_slides import to_pptx

            to_pptx(b, out, chart, summary_lines(b))
        else:
            to_docx(b, out, chart)
    return out


def write_brief(kb: KnowledgeBase, topic: str, year: int | None, out: Path, doc_id: str | None = None) -> Path:
    suffix = out.suffix.lower()
    if suffix not in (".md", ".docx", ".pptx"):
        raise BadInput(f"{out}: 只能导出 .md、.docx 或 .pptx", "例如 --out 简报.docx")
    b = collect(kb, topic, year, doc_id)
    out.parent.mkdir(parents=True, exist_ok=True)
    return write(b, out)
