"""A Brief rendered for trainers: Markdown, docx (A4, the chart 16 cm wide) or PPTX (kb.brief_slides).
All open with the one-page 摘要 (the goals in the source's words, no counts)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from kb.brief import Brief, Row, _ref, collect
from kb.brief_summary import (
    _sources_title,
    milestone_heading,
    more_line,
    phase_groups,
    reference_lines,
    summary_lines,
)
from kb.errors import BadInput

TIMELINE_PER_YEAR = 14  # items drawn a year on the timeline; more are counted
TIMELINE_MIN_YEARS = 2  # a timeline with every item on one year says nothing the tables do not
ELSEWHERE_TITLE = "其他章节的相关表述"
REFERENCE_GAP_PT = 2  # space after each reference line (the body's paragraphs keep the default)

if TYPE_CHECKING:
    from kb.api import KnowledgeBase
from kb.chart import timeline_png


def _project_groups(b: Brief) -> list[tuple[str, list[Row]]]:
    groups: list[tuple[str, list[Row]]] = []
    for r in b.projects:
        column = r.cells[1] if len(r.cells) > 1 else ""
        if groups and groups[-1][0] == column:
            groups[-1][1].append(r)
        else:
            groups.append((column, [r]))
    return groups


def to_markdown(b: Brief, chart: str | None = None) -> str:
    out = [f"# {b.title}", "", b.scope, "", "## 摘要", ""]
    out += [line + "\n" for line in summary_lines(b)]
    if b.phases:
        out += ["## 阶段目标", ""] + [f"- {p}：{'；'.join(g)}" for p, g in phase_groups(b).items()] + [""]
    if b.targets:
        out += ["## 目标指标", "", "| 指标 | 要求 | 数值 | 单位 | 期限 | 章节 | 出处 |", "|---|---|---|---|---|---|---|"]
        out += ["| " + " | ".join(c.replace("|", "｜") for c in r.cells) + f" | {_ref(r.refs)} |" for r in b.targets]
        out.append("")
    if b.milestones:
        out += [f"## {milestone_heading(b)}", "", "| 指标 | 要求 | 数值 | 单位 | 期限 | 章节 | 出处 |",
                "|---|---|---|---|---|---|---|"]
        out += ["| " + " | ".join(c.replace("|", "｜") for c in r.cells) + f" | {_ref(r.refs)} |" for r in b.milestones]
        out.append("")
    if b.deadlines:
        out += ["## 时限任务", "", "| 期限 | 任务 | 章节 | 出处 |", "|---|---|---|---|"]
        out += ["| " + " | ".join(c.replace("|", "｜") for c in r.cells) + f" | {_ref(r.refs)} |" for r in b.deadlines]
        out.append("")
    if b.tasks:
        out += ["## 重点任务", ""]
        for t in b.tasks:
            out += [f"### {t.heading.cells[0].rstrip('。')}", ""]
            out += [f"- {m.cells[0]}{_ref(m.refs)}" for m in t.measures]
            out += (["", more_line(t)] if t.more else []) + [""]
    if b.projects:
        out += ["## 重点工程（专栏）", ""]
        for column, rows in _project_groups(b):
            out += [f"### {column}", ""] + [f"- {r.cells[0]}{_ref(r.refs)}" for r in rows] + [""]
    if b.elsewhere:
        out += [f"## {ELSEWHERE_TITLE}", ""] + [f"- {r.cells[0]}{_ref(r.refs)}——{r.cells[1]}" for r in b.elsewhere] + [""]
    if chart:
        out += ["## 时间轴", "", f"![时间轴]({chart})", ""]
    out += ["## 出处", "", _sources_title(b), ""] + [f"- {line}" for line in reference_lines(b)] + [""]
    return "\n".join(out) + "\n"


def _table(d, header: tuple[str, ...], rows: tuple[Row, ...], widths_cm: tuple[float, ...]) -> None:
    from docx.shared import Cm

    from kb.docx_style import add_text, fix_widths, header_row

    table = d.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    header_row(table, header)
    for r in rows:
        for cell, value in zip(table.add_row().cells, (*r.cells, _ref(r.refs))):
            cell.text = ""
            add_text(cell.paragraphs[0], value)
    fix_widths(table, [Cm(w) for w in widths_cm], font_pt=9.5)


def to_docx(b: Brief, path: Path, chart: Path | None) -> None:
    import docx
    from docx.shared import Cm, Pt

    from kb.docx_style import a4_margins, add_text, chinese_defaults

    d = docx.Document()
    chinese_defaults(d)
    a4_margins(d)

    def para(text: str, style: str | None = None):
        p = d.add_paragraph(style=style)
        add_text(p, text)
        return p

    d.add_heading(b.title, level=0)
    para(b.scope)
    d.add_heading("摘要", level=1)
    for line in summary_lines(b):
        para(line)
    if b.phases:
        d.add_heading("阶段目标", level=1)
        for phase, goals in phase_groups(b).items():
            para(f"{phase}：{'；'.join(goals)}", "List Bullet")
    if b.targets:
        d.add_heading("目标指标", level=1)
        _table(d, ("指标", "要求", "数值", "单位", "期限", "章节", "出处"), b.targets, (4.0, 1.4, 1.9, 2.2, 2.0, 3.3, 1.2))
    if b.milestones:
        d.add_heading(milestone_heading(b), level=1)
        _table(d, ("指标", "要求", "数值", "单位", "期限", "章节", "出处"), b.milestones, (4.0, 1.4, 1.9, 2.2, 2.0, 3.3, 1.2))
    if b.deadlines:
        d.add_heading("时限任务", level=1)
        _table(d, ("期限", "任务", "章节", "出处"), b.deadlines, (1.8, 8.6, 4.4, 1.2))
    if b.tasks:
        d.add_heading("重点任务", level=1)
        for t in b.tasks:
            d.add_heading(t.heading.cells[0].rstrip("。"), level=3)
            for m in t.measures:
                para(f"{m.cells[0]}{_ref(m.refs)}", "List Bullet")
            if t.more:
                para(more_line(t))
    if b.projects:
        d.add_heading("重点工程（专栏）", level=1)
        for column, rows in _project_groups(b):
            if column:
                label = para(column)
                label.paragraph_format.keep_with_next = True  # a column's name never ends a page alone
                for run in label.runs:
                    run.bold = True
            for r in rows:
                para(f"{r.cells[0]}{_ref(r.refs)}", "List Bullet")
    if b.elsewhere:
        d.add_heading(ELSEWHERE_TITLE, level=1)
        for r in b.elsewhere:
            para(f"{r.cells[0]}{_ref(r.refs)}——{r.cells[1]}", "List Bullet")
    if chart:
        d.add_heading("时间轴", level=1)
        d.add_picture(str(chart), width=Cm(16))
    d.add_heading("出处", level=1)
    for run in para(_sources_title(b)).runs:
        run.font.size, run.bold = Pt(9), True
    for line in reference_lines(b):  # set close: a last page of a few references is a page wasted
        p = para(line)
        p.paragraph_format.space_after, p.paragraph_format.line_spacing = Pt(REFERENCE_GAP_PT), 1.0
        for run in p.runs:
            run.font.size = Pt(9)
    d.save(str(path))


def _chart(b: Brief, path: Path) -> Path | None:
    if len({f.year for f in b.dated if f.year}) < TIMELINE_MIN_YEARS:
        return None
    return timeline_png(list(b.dated), path, title="", max_per_year=TIMELINE_PER_YEAR)


def write(b: Brief, out: Path) -> Path:
    if out.suffix.lower() == ".md":
        chart = _chart(b, out.with_suffix(".timeline.png"))
        out.write_text(to_markdown(b, chart.name if chart else None), encoding="utf-8")
        return out
    with tempfile.TemporaryDirectory() as tmp:
        chart = _chart(b, Path(tmp) / "timeline.png")
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
