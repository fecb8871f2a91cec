"""Briefing material for trainers: targets table, key tasks, major projects, a timeline chart and
references with the verbatim quote and section for every row and sentence. Markdown or docx."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kb.chart import timeline_png
from kb.cite import CitationBuilder, sentence_around
from kb.errors import BadInput
from kb.topics import topic_terms
from kb.types import Citation, Document, Fact, Section

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

_CMP = {"≥": "≥（以上）", "≤": "≤（以下）", "=": "达到", "左右": "左右", "+": "提高", "−": "减少"}


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    refs: tuple[int, ...]


@dataclass(frozen=True)
class Brief:
    title: str
    scope: str
    targets: tuple[Row, ...]  # indicator, comparator, value, unit, deadline, section
    tasks: tuple[Row, ...]  # (lead sentence,)
    projects: tuple[Row, ...]  # (column item or project,)
    deadlines: tuple[Fact, ...]  # for the timeline
    references: tuple[Citation, ...]


def _topic_spans(doc: Document, terms: tuple[str, ...]) -> list[Section]:
    """Chapters/sections/columns whose title names the topic: the whole span is in scope."""
    return [s for s in doc.sections if s.kind in ("chapter", "section", "column", "item")
            and any(t in s.title for t in terms)]


def _in_scope(doc: Document, spans: list[Section], terms: tuple[str, ...], start: int, end: int) -> bool:
    if any(s.start <= start < s.end for s in spans):
        return True
    s0, s1 = sentence_around(doc, start, end)
    return any(t in doc.text[s0:s1] for t in terms)


def collect(kb: KnowledgeBase, topic: str, year: int | None = None) -> Brief:
    topic = (topic or "").strip()
    if not topic:
        raise BadInput("主题为空", "请给出一个主题，例如：蓝天保卫战、新能源汽车、黑土地")
    terms = topic_terms(topic)
    cb = CitationBuilder(kb.index.docs)
    targets: list[Row] = []
    dated: list[Fact] = []
    tasks: list[Row] = []
    projects: list[Row] = []
    for doc in kb.documents():
        spans = _topic_spans(doc, terms)
        facts = [f for f in kb.index.facts if f.doc_id == doc.doc_id and _in_scope(doc, spans, terms, f.start, f.end)]
        for f in facts:
            if year is not None and f.year != year:
                continue
            if f.kind == "target":
                refs = _fact_refs(cb, doc, f)
                targets.append(Row((f.indicator, _CMP.get(f.comparator, f.comparator), f.value, f.unit,
                                    f"{f.year}年" if f.year else "", f.path[-1] if f.path else ""), refs))
                dated.append(f)
            elif f.kind == "deadline" and f.year:
                dated.append(f)
        if year is None or targets:
            for s in doc.sections:
                if s.kind == "lead" and _in_scope(doc, spans, terms, s.start, s.start + len(s.title)):
                    end = doc.text.find("。", s.start) + 1 or s.start + len(s.title)
                    tasks.append(Row((doc.text[s.start:end],), (cb.cite(doc.doc_id, s.start, end),)))
            for s in doc.sections:
                if s.kind == "item" and _in_scope(doc, spans, terms, s.start, s.end):
                    end = doc.text.find("\n", s.start)
                    end = s.end if end < 0 or end > s.end else end
                    projects.append(Row((doc.text[s.start:end],), (cb.cite(doc.doc_id, s.start, end),)))
    if not (targets or tasks or projects):
        when = f"{year}年的" if year else ""
        raise BadInput(f"语料库中没有与“{topic}”相关的{when}目标、任务或项目",
                       "换一个主题（如 蓝天保卫战、新能源汽车、黑土地、湿地）或去掉年份")
    used = {c.doc_id for c in cb.citations()}
    titles = "、".join(f"《{d.meta.title}》" for d in kb.documents() if d.doc_id in used)
    scope = f"范围：{titles}中与“{topic}”相关的内容" + \
            (f"，限{year}年的目标" if year else "")
    title = f"简报：{topic}" + (f"（{year}年）" if year else "")
    return Brief(title, scope, tuple(targets), tuple(tasks), tuple(projects), tuple(dated), cb.citations())


def _fact_refs(cb: CitationBuilder, doc: Document, f: Fact) -> tuple[int, ...]:
    s0, s1 = sentence_around(doc, f.start, f.end)
    refs = [cb.cite(doc.doc_id, s0, s1)]
    if f.year and str(f.year) not in doc.text[s0:s1]:
        for s in doc.sections:  # the year comes from the phase heading: cite it too
            if s.kind == "phase" and s.start <= f.start < s.end:
                refs.append(cb.cite(doc.doc_id, s.start, s.start + len(s.title)))
                break
    return tuple(refs)


def _ref(refs: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in refs)


def to_markdown(b: Brief, chart: str | None = None) -> str:
    out = [f"# {b.title}", "", b.scope, ""]
    if b.targets:
        out += ["## 目标指标", "", "| 指标 | 比较 | 数值 | 单位 | 期限 | 章节 | 出处 |", "|---|---|---|---|---|---|---|"]
        out += ["| " + " | ".join(c.replace("|", "｜") for c in r.cells) + f" | {_ref(r.refs)} |" for r in b.targets]
        out.append("")
    if b.tasks:
        out += ["## 重点任务", ""] + [f"- {r.cells[0]}{_ref(r.refs)}" for r in b.tasks] + [""]
    if b.projects:
        out += ["## 重大工程（专栏）", ""] + [f"- {r.cells[0]}{_ref(r.refs)}" for r in b.projects] + [""]
    if chart:
        out += ["## 时间轴", "", f"![时间轴]({chart})", ""]
    out += ["## 出处", ""]
    out += [f"{c.n}. {c.title} › {c.section}：“{c.quote}”" for c in b.references]
    return "\n".join(out) + "\n"


def to_docx(b: Brief, path: Path, chart: Path | None) -> None:
    import docx
    from docx.shared import Cm, Pt

    from kb.docx_style import chinese_defaults, fix_widths, header_row

    d = docx.Document()
    chinese_defaults(d)
    d.add_heading(b.title, level=0)
    d.add_paragraph(b.scope)
    if b.targets:
        d.add_heading("目标指标", level=1)
        table = d.add_table(rows=1, cols=7)
        table.style = "Table Grid"
        header_row(table, ("指标", "比较", "数值", "单位", "期限", "章节", "出处"))
        for r in b.targets:
            cells = table.add_row().cells
            for cell, value in zip(cells, (*r.cells, _ref(r.refs))):
                cell.text = value
        fix_widths(table, [Cm(w) for w in (3.6, 1.9, 1.5, 2.1, 1.6, 4.4, 1.3)], font_pt=9)
    if b.tasks:
        d.add_heading("重点任务", level=1)
        for r in b.tasks:
            d.add_paragraph(f"{r.cells[0]}{_ref(r.refs)}", style="List Bullet")
    if b.projects:
        d.add_heading("重大工程（专栏）", level=1)
        for r in b.projects:
            d.add_paragraph(f"{r.cells[0]}{_ref(r.refs)}", style="List Bullet")
    if chart:
        d.add_heading("时间轴", level=1)
        d.add_picture(str(chart), width=Cm(16))
    d.add_heading("出处", level=1)
    for c in b.references:
        p = d.add_paragraph()
        run = p.add_run(f"[{c.n}] 《{c.title}》 › {c.section}：“{c.quote}”")
        run.font.size = Pt(9)
    d.save(str(path))


def write_brief(kb: KnowledgeBase, topic: str, year: int | None, out: Path) -> Path:
    suffix = out.suffix.lower()
    if suffix not in (".md", ".docx"):
        raise BadInput(f"{out}: 只能导出 .md 或 .docx", "例如 --out 简报.docx")
    b = collect(kb, topic, year)
    out.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".md":
        chart = timeline_png(list(b.deadlines), out.with_suffix(".timeline.png"), title=b.title)
        out.write_text(to_markdown(b, chart.name if chart else None), encoding="utf-8")
    else:
        with tempfile.TemporaryDirectory() as tmp:
            chart = timeline_png(list(b.deadlines), Path(tmp) / "timeline.png", title=b.title)
            to_docx(b, out, chart)
    return out
