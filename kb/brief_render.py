"""A Brief rendered for trainers: Markdown, docx (A4, the chart 16 cm wide) or PPTX (kb.brief_slides).
All open with the one-page 摘要 (the goals in the source's words, no counts)."""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from kb.brief import _ITEM_NUMBER, Brief, Row, _ref, collect, target_sentence
from kb.brief_types import NO_YEAR
from kb.brief_year import topic_first
from kb.errors import BadInput
from kb.topic_match import text_in_topic

if TYPE_CHECKING:
    from kb.api import KnowledgeBase
from kb.chart import timeline_png

SUMMARY_TARGETS = 8  # target sentences read aloud in the 摘要; the table holds them all
SUMMARY_DEADLINES = 4  # deadlines read aloud in the 摘要; the table holds them all
SUMMARY_MILESTONES = 3  # earlier targets named by the topic's words, read aloud in the 摘要
SUMMARY_TASKS = 6  # task headings read aloud in the 摘要; the body lists them all
TIMELINE_MIN_YEARS = 2  # a timeline with every item on one year says nothing the tables do not
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|专栏\d+)")
SHORT_PART = 8  # a path part this short is said whole (「一、建设目标」)


def summary_lines(b: Brief) -> list[str]:
    """The 摘要 a trainer can read aloud: the phase goals that name the topic, the goals and the
    deadlines in the source's words (those that name the topic first), the task headings, then
    the notes on what the source does not state."""
    lines = []
    if b.phases:
        lines.append("阶段目标：" + "；".join(f"{r.cells[0]}{r.cells[1]}{_ref(r.refs)}" for r in b.phases) + "。")
    if b.targets:
        ordered = topic_first(list(b.targets), b.topic, lambda r: r.clause or r.cells[0])
        shown = ordered[:SUMMARY_TARGETS]
        said = dict.fromkeys(target_sentence(r) + ("（原文未写年份）" if r.cells[4] == NO_YEAR else "") + _ref(r.refs)
                             for r in shown)  # 「……均达到90%以上」 once
        lines.append("主要目标：" + "".join(f"{t}。" for t in said)
                     + (f"（另有 {len(b.targets) - len(shown)} 项见目标指标表）" if len(b.targets) > len(shown) else ""))
    named = [r for r in b.milestones if text_in_topic(b.topic, r.cells[0], r.clause)][:SUMMARY_MILESTONES]
    if named:
        lines.append("此前的阶段性目标：" + "".join(f"{target_sentence(r)}{_ref(r.refs)}。" for r in named))
    if b.deadlines:
        latest = max(r.cells[0] for r in b.deadlines)  # the brief's own year before the earlier steps
        ordered = sorted(topic_first(list(b.deadlines), b.topic, lambda r: r.cells[1]),
                         key=lambda r: r.cells[0] != latest)[:SUMMARY_DEADLINES]
        by_year: dict[str, list[str]] = {}
        for r in sorted(ordered, key=lambda r: r.cells[0]):
            by_year.setdefault(r.cells[0], []).append(f"{r.cells[1]}{_ref(r.refs)}")
        lines.append("时限任务：" + "；".join(f"到{y}，" + "；".join(items) for y, items in by_year.items())
                     + ("等" if len(b.deadlines) > len(ordered) else "") + "。")
    if b.tasks:
        heads = [t.heading.cells[0].rstrip("。") for t in b.tasks]
        lines.append("重点任务：" + "；".join(heads[:SUMMARY_TASKS])
                     + (f"等{len(heads)}个方面" if len(heads) > SUMMARY_TASKS else "") + "。")
    notes = [n for n in (b.year_note, b.phase_note) if n]
    if notes:
        lines.append("说明：" + "；".join(notes) + "。")
    return lines


def milestone_heading(b: Brief) -> str:
    years = sorted({r.cells[4] for r in b.milestones})
    return f"此前的阶段性目标（{'、'.join(years)}）"


def short_section(section: str) -> str:
    """「四、天蓝水净…… › （一）持续打好…… › 突出重点领域治理」 → 「四、（一） › 突出重点领域治理」."""
    parts = section.split(" › ")
    head = "".join(p if len(p) <= SHORT_PART else m.group(0) if (m := _ORDINAL.match(p)) else p
                   for p in parts[:-1])
    return (f"{head} › {parts[-1]}" if head else parts[-1]).replace("、（", "（").replace("、 › ", " › ")


def _body_texts(b: Brief) -> tuple[dict[int, str], dict[int, str]]:
    """The text the body prints beside each reference number (to know which quotes it already
    shows), and the task heading each measure's reference stands under."""
    out: dict[int, str] = {}
    for r in (*b.phases, *(m for t in b.tasks for m in t.measures), *b.projects):
        for n in r.refs:
            out[n] = out.get(n, "") + " ".join(r.cells)
    heads = {n: t.heading.cells[0].rstrip("。") for t in b.tasks for m in t.measures for n in m.refs}
    return out, heads


def reference_lines(b: Brief) -> list[str]:
    """The 出处 list, short: a quote the body already prints word for word is not printed again;
    runs of such references under one heading are one line; every path is shortened to its numbers."""
    shown, heads = _body_texts(b)
    lines: list[str] = []
    run: list = []

    def where(c) -> str:
        head = heads.get(c.n)
        if not head:
            return short_section(c.section)
        return "".join(m.group(0) for p in c.section.split(" › ") if (m := _ORDINAL.match(p))).replace(
            "、（", "（").rstrip("、") + f" › {head}"

    def flush() -> None:
        if run:
            span = f"[{run[0].n}]" + (f"—[{run[-1].n}]" if len(run) > 1 else "")
            lines.append(f"{span} {where(run[0])}（正文照录原文）")
            run.clear()

    for c in b.references:
        verbatim = _ITEM_NUMBER.sub("", c.quote.strip()).rstrip("。；，") in shown.get(c.n, "")
        if verbatim and (not run or where(run[-1]) == where(c)):
            run.append(c)
            continue
        flush()
        if verbatim:
            run.append(c)
        else:
            lines.append(f"[{c.n}] {where(c)}：“{c.quote.strip()}”")
    flush()
    return lines


def _sources_title(b: Brief) -> str:
    titles = list(dict.fromkeys(c.title for c in b.references))
    return "出处：" + "、".join(f"《{t}》" for t in titles)


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
        out += ["## 阶段目标", ""] + [f"- {r.cells[0]}：{r.cells[1]}{_ref(r.refs)}" for r in b.phases] + [""]
    if b.targets:
        out += ["## 目标指标", "", "| 指标 | 比较 | 数值 | 单位 | 期限 | 章节 | 出处 |", "|---|---|---|---|---|---|---|"]
        out += ["| " + " | ".join(c.replace("|", "｜") for c in r.cells) + f" | {_ref(r.refs)} |" for r in b.targets]
        out.append("")
    if b.milestones:
        out += [f"## {milestone_heading(b)}", "", "| 指标 | 比较 | 数值 | 单位 | 期限 | 章节 | 出处 |",
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
            out += ([f"- ……本节另有 {t.more} 条措施未列出，见原文本节"] if t.more else []) + [""]
    if b.projects:
        out += ["## 重点工程（专栏）", ""]
        for column, rows in _project_groups(b):
            out += [f"### {column}", ""] + [f"- {r.cells[0]}{_ref(r.refs)}" for r in rows] + [""]
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
        for r in b.phases:
            para(f"{r.cells[0]}：{r.cells[1]}{_ref(r.refs)}", "List Bullet")
    if b.targets:
        d.add_heading("目标指标", level=1)
        _table(d, ("指标", "比较", "数值", "单位", "期限", "章节", "出处"), b.targets, (4.0, 1.4, 1.5, 2.2, 2.0, 3.7, 1.2))
    if b.milestones:
        d.add_heading(milestone_heading(b), level=1)
        _table(d, ("指标", "比较", "数值", "单位", "期限", "章节", "出处"), b.milestones, (4.0, 1.4, 1.5, 2.2, 2.0, 3.7, 1.2))
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
                para(f"……本节另有 {t.more} 条措施未列出，见原文本节", "List Bullet")
    if b.projects:
        d.add_heading("重点工程（专栏）", level=1)
        for column, rows in _project_groups(b):
            if column:
                for run in para(column).runs:
                    run.bold = True
            for r in rows:
                para(f"{r.cells[0]}{_ref(r.refs)}", "List Bullet")
    if chart:
        d.add_heading("时间轴", level=1)
        d.add_picture(str(chart), width=Cm(16))
    d.add_heading("出处", level=1)
    for run in para(_sources_title(b)).runs:
        run.font.size, run.bold = Pt(9), True
    for line in reference_lines(b):
        for run in para(line).runs:
            run.font.size = Pt(9)
    d.save(str(path))


def _chart(b: Brief, path: Path) -> Path | None:
    if len({f.year for f in b.dated if f.year}) < TIMELINE_MIN_YEARS:
        return None
    return timeline_png(list(b.dated), path, title=b.title)


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
