"""What a brief says in words: the 摘要 a trainer can read aloud, and the 出处 list (used by
kb.brief_render for Markdown and docx, and by kb.brief_slides)."""

from __future__ import annotations

import re

from kb.brief_projects import _ITEM_NUMBER
from kb.brief_same import same_indicator
from kb.brief_text import _ref, target_sentence
from kb.brief_types import NO_YEAR, Brief
from kb.brief_year import topic_first
from kb.topic_match import text_in_topic

SUMMARY_TARGETS = 8  # target sentences read aloud in the 摘要; the table holds them all
SUMMARY_DEADLINES = 4  # deadlines read aloud in the 摘要; the table holds them all
SUMMARY_MILESTONES = 4  # other years' targets named by the topic's words, read aloud in the 摘要
SUMMARY_TASKS = 6  # task headings read aloud in the 摘要; the body lists them all
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|专栏\d+)")
SHORT_PART = 8  # a path part this short is said whole (「一、建设目标」)


def _year_key(r) -> int:
    return int(r.cells[4][:4]) if r.cells[4][:4].isdigit() else 9999


def phase_groups(b: Brief) -> dict[str, list[str]]:
    """Each phase with its goal clauses (cited), in the document's order."""
    by_phase: dict[str, list[str]] = {}
    for r in b.phases:
        by_phase.setdefault(r.cells[0], []).append(f"{r.cells[1]}{_ref(r.refs)}")
    return by_phase


def _phase_line(b: Brief) -> str:
    return "阶段目标：" + "；".join(f"{p}，" + "，".join(goals) for p, goals in phase_groups(b).items()) + "。"


def _target_line(b: Brief) -> str:
    """The targets read aloud, year by year (those naming the topic first within a year); when none
    names the topic itself, the line says the figures are of related fields."""
    named = {id(r) for r in b.targets if text_in_topic(b.topic, r.cells[0], r.clause)}
    ordered = sorted(b.targets, key=lambda r: (id(r) not in named, _year_key(r), min(r.refs, default=0)))
    if any(r.cells[4] != NO_YEAR for r in ordered):  # a standing target without a year: in the table only
        ordered = [r for r in ordered if r.cells[4] != NO_YEAR]
    shown = ordered[:SUMMARY_TARGETS]
    said = dict.fromkeys(target_sentence(r) + ("（原文未写年份）" if r.cells[4] == NO_YEAR else "") + _ref(r.refs)
                         for r in shown)  # 「……均达到90%以上」 once
    said = {t: None for t in said if not any(t != o and t[:t.rfind("[")] in o for o in said)}  # said within another
    label = ("主要目标：" if named else
             f"相关指标（原文没有直接以“{b.topic}”命名的量化指标，以下为相关领域的指标）：")
    return label + "".join(f"{t}。" for t in said)


def summary_lines(b: Brief) -> list[str]:
    """The 摘要 a trainer can read aloud: first what the source does not state for the brief's
    year, then the phase goals that name the topic, the goals and the deadlines in the source's
    words, the other years' targets, the task headings, then the phases silent on the topic."""
    notes = [n for n in (b.year_note, b.phase_note, b.absent_note) if n]
    lines = [f"说明：{'；'.join(notes)}。"] if b.year_note or b.absent_note else []  # what the source lacks: first
    if b.phases:
        lines.append(_phase_line(b))
    shown = {r.fact.indicator for r in b.targets if r.fact is not None}
    named = sorted((r for r in b.milestones if text_in_topic(b.topic, r.cells[0], r.clause)
                    or (r.fact is not None and same_indicator(r.fact.indicator, shown))),
                   key=lambda r: (not text_in_topic(b.topic, r.cells[0], r.clause), _year_key(r)))[:SUMMARY_MILESTONES]
    named = sorted(named, key=_year_key)
    milestone_line = "".join(dict.fromkeys(f"{target_sentence(r)}{_ref(r.refs)}。" for r in named))  # a shared clause once
    own_named = any(text_in_topic(b.topic, r.cells[0], r.clause) for r in b.targets)
    if named and not own_named:  # the topic's own figures are of other years: they lead, the related fields follow
        lines.append("主要目标（其他年份）：" + milestone_line)
    if b.targets:
        lines.append(_target_line(b))
    if named and own_named:
        lines.append("其他年份的目标：" + milestone_line)
    if b.deadlines:
        own = f"{b.year}年" if b.year else max(r.cells[0] for r in b.deadlines)  # the brief's own year first
        ordered = sorted(topic_first(list(b.deadlines), b.topic, lambda r: r.cells[1]),
                         key=lambda r: r.cells[0] != own)[:SUMMARY_DEADLINES]
        by_year: dict[str, list[str]] = {}
        for r in sorted(ordered, key=lambda r: r.cells[0]):
            by_year.setdefault(r.cells[0], []).append(f"{r.cells[1]}{_ref(r.refs)}")
        lines.append("时限任务：" + "；".join(f"到{y}，" + "；".join(items) for y, items in by_year.items())
                     + ("等" if len(b.deadlines) > len(ordered) else "") + "。")
    if b.tasks:
        heads = [t.heading.cells[0].rstrip("。") for t in b.tasks]
        lines.append("重点任务：" + "；".join(heads[:SUMMARY_TASKS])
                     + (f"等{len(heads)}个方面" if len(heads) > SUMMARY_TASKS else "") + "。")
    if b.phase_note and not (b.year_note or b.absent_note):
        lines.append(f"说明：{b.phase_note}。")
    return lines


def milestone_heading(b: Brief) -> str:
    years = sorted({r.cells[4] for r in b.milestones})
    return f"其他年份的目标（{'、'.join(years)}）"


def _prefix(parts: list[str]) -> str:
    """The chapter by its number (「四、」), the parts under it whole (「（一）持续打好……」)."""
    out = [p if len(p) <= SHORT_PART or i else m.group(0) if (m := _ORDINAL.match(p)) else p
           for i, p in enumerate(parts)]
    return "".join(out).replace("、（", "（")


def short_section(section: str) -> str:
    """「四、天蓝水净…… › （一）持续打好蓝天保卫战 › 突出重点领域治理」 → 「四（一）持续打好蓝天保卫战 › 突出重点领域治理」."""
    parts = section.split(" › ")
    head = _prefix(parts[:-1])
    if head.endswith("、"):  # 「六、 › （四）……」 → 「六（四）……」, 「九、 › 专栏9……」 → 「九、专栏9……」
        return (head[:-1] if parts[-1].startswith("（") else head) + parts[-1]
    return f"{head} › {parts[-1]}" if head else parts[-1]


def more_line(t) -> str:
    """The measures a task does not list, counted, with where the plan states them."""
    return f"（原文此处还有 {t.more} 条措施，见规划 {short_section(' › '.join(t.path))}）"


def _body_texts(b: Brief) -> tuple[dict[int, str], dict[int, str]]:
    """The text the body prints beside each reference number (to know which quotes it already
    shows), and where the task each measure's reference stands under is (its path, shortened)."""
    out: dict[int, str] = {}
    for r in (*b.phases, *(m for t in b.tasks for m in t.measures), *b.projects, *b.elsewhere):
        for n in r.refs:
            out[n] = out.get(n, "") + " ".join(r.cells)
    heads = {n: short_section(" › ".join(t.path)) if t.path else t.heading.cells[0].rstrip("。")
             for t in b.tasks for m in t.measures for n in m.refs}
    return out, heads


def reference_lines(b: Brief) -> list[str]:
    """The 出处 list, short: a quote the body already prints word for word is not printed again;
    runs of such references under one heading are one line; every path is shortened to its numbers."""
    shown, heads = _body_texts(b)
    lines: list[str] = []
    run: list = []

    def where(c) -> str:  # a task's measure: where its task stands; else the quote's own section
        return heads.get(c.n) or short_section(c.section)

    def flush() -> None:
        if run:
            span = f"[{run[0].n}]" + (f"—[{run[-1].n}]" if len(run) > 1 else "")
            lines.append(f"{span} {where(run[0])}（原文即正文所引）")
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


