"""Briefing material for trainers: a one-page 摘要, the targets and deadlines of a topic (and year),
phase goals, 重点任务 (the measures' own sentences grouped under their lead sentence), 重点工程 from
the 专栏, a timeline chart, and references with the verbatim quote and section for every row.

Topic matching is kb.topic_match, the same as 目标指标 and `kb targets --topic`. A year filter
covers phase spans: 2029 takes the goals of 第二阶段（2028—2030年）, 2035 the goals of every phase
begun by then. Rendering (Markdown, docx) is kb.brief_render."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kb.brief_borders import narrow, statement_in_topic
from kb.brief_projects import _ITEM_NUMBER, _projects  # noqa: F401 (re-exported)
from kb.brief_same import same_indicator
from kb.brief_tasks import elsewhere
from kb.brief_tasks import tasks as topic_tasks
from kb.brief_text import _compact, _ref, target_sentence  # noqa: F401 (re-exported)
from kb.brief_types import NO_YEAR, Brief, Row
from kb.brief_year import home_statements
from kb.cite import CitationBuilder, sentence_around
from kb.errors import BadInput
from kb.labels import comparator_word
from kb.topic_match import dense_in_topic, terms_for, text_in_topic, topic_sections, under
from kb.types import Document, Fact

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

_PHASE_RE = re.compile(r"(\d{4})\s*[—–\-]+\s*(\d{4})")
CLAUSE_RE = re.compile(r"[^，。；]+[，。；]?")
_DIGIT = re.compile(r"\d")
# The comparator as the source words it (「控制在1.2%以内」 stays 以内), longest first.
_CMP_WORDS = ("不低于", "不高于", "不超过", "不少于", "保持在", "以内", "以下", "以上", "左右")
# ... said before the figure (longest first) and after it, and the words that qualify a target
_BEFORE_WORDS = ("不低于", "不高于", "不超过", "不少于", "保持在", "控制在", "稳定在", "下降到", "降低到", "降至", "提高到",
                 "提升到", "增加到", "达到", "提高", "提升", "下降", "降低", "减少", "增长", "达")
_AFTER_WORDS = ("以内", "以下", "以上", "左右")
_QUALIFIERS = ("力争", "平均")


def _phase_span(path: tuple[str, ...]) -> tuple[int, int] | None:
    for p in path:
        m = _PHASE_RE.search(p) if "阶段" in p else None
        if m:
            return int(m.group(1)), int(m.group(2))
    return None


def _year_ok(f: Fact, year: int | None) -> bool:
    if year is None or f.year == year:
        return True
    span = _phase_span(f.path)
    return span is not None and span[0] <= year <= span[1]


PHASE_QUOTE_MAX = 120  # a fact this close to its phase heading is quoted with it, in one citation
_CLAUSE_MARKS = "。；，："
_TRAILING = "；，、："


def _phase_of(doc: Document, pos: int):
    return next((s for s in doc.sections if s.kind == "phase" and s.start <= pos < s.end), None)


def _fact_refs(cb: CitationBuilder, doc: Document, f: Fact) -> tuple[int, ...]:
    """The sentence that holds the fact. When its year comes from the phase heading: one quote from
    the heading through the sentence when that is short; else the fact's own clause (a phase
    paragraph speaks of every field, the brief of one topic quotes only its clause), whose
    citation's section, the phase, states the years."""
    s0, s1 = sentence_around(doc, f.start, f.end)
    while s1 > s0 + 1 and doc.text[s1 - 1] in _TRAILING:  # 「……17%左右；」 quoted without its ；
        s1 -= 1
    phase = _phase_of(doc, f.start) if f.year and str(f.year) not in doc.text[s0:s1] else None
    if phase is None:
        return (cb.cite(doc.doc_id, s0, s1),)
    if s1 - phase.start <= PHASE_QUOTE_MAX:
        return (cb.cite(doc.doc_id, phase.start, s1),)
    return (cb.cite(doc.doc_id, *_clause_span(doc.text, f.start, f.end, s0, s1)),)


def _clause_span(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """The clause (between 。；，：) holding [start, end), within the sentence [lo, hi)."""
    a = max((text.rfind(m, lo, start) for m in _CLAUSE_MARKS), default=-1)
    a = lo if a < lo else a + 1
    ends = [i for m in _CLAUSE_MARKS if (i := text.find(m, end, hi)) >= 0]
    b = min(ends) if ends else hi
    while a < b and text[a].isspace():
        a += 1
    return a, b


def own_clause(f: Fact) -> str:
    """The target's own clause of its sentence; a follow-on clause that does not name its indicator
    (「……示范面积达到12万亩，占播种面积8%左右」) is said with the clause before it."""
    clauses = CLAUSE_RE.findall(f.quote)
    figure = re.compile(rf"(?<![\d.]){re.escape(f.value)}(?![\d.])") if f.value else None
    i = next((i for i, c in enumerate(clauses) if figure and figure.search(c)), None)
    if i is None:
        return f.quote
    if i > 0 and f.indicator[:2] not in clauses[i]:
        return clauses[i - 1] + clauses[i]
    return clauses[i]


def indicator_cell(f: Fact) -> str:
    """The indicator with the scope the source gives it (「示范区农田耕层厚度」, not only 「农田耕层厚度」):
    in the source's words when they stand together, else the scope in brackets."""
    if not f.scope or f.scope in f.indicator:
        return f.indicator
    return f.scope + f.indicator if f.scope + f.indicator in f.quote else f"{f.indicator}（{f.scope}）"


def source_comparator(quote: str, value: str, comparator: str) -> str:
    """The comparator as the source words it in the target's own clause (以内 stays 以内), with the
    words that bound it on both sides (「保持在…以上」) and its qualifiers (「力争达到」「平均提高」); a
    「…」 stands where the figure goes."""
    own = next((c for c in CLAUSE_RE.findall(quote) if value and value in c), quote)
    at = own.find(value) if value else -1
    if at < 0:
        return next((w for w in _CMP_WORDS if w in own), comparator_word(comparator))
    before, after = own[:at], own[at + len(value):]
    pre = next((w for w in _BEFORE_WORDS if before.endswith(w)), "")
    post = next((w for w in _AFTER_WORDS if w in after), "")  # past the unit (「30微克/立方米以下」)
    qualifier = next((q for q in _QUALIFIERS if pre and before.endswith(q + pre)), "")  # 「力争达到」 as written
    if not (pre or post):
        return comparator_word(comparator)
    return qualifier + (f"{pre}…{post}" if pre and post else pre or post)


def _facts(kb: KnowledgeBase, doc: Document, topic: str, year: int | None, cb: CitationBuilder,
           secs: set, phases_too: bool = True, home: frozenset = frozenset()):
    """Targets and deadlines of the topic and year; ``phases_too``: also those a phase covering the
    year states, and the targets stated without a year (in force whatever the year; off when
    exactly that year's figures are wanted). A deadline stated in a phase paragraph is a phase
    goal (listed under 阶段目标), not a 时限任务. ``home``: ids of dated statements of the topic's
    home chapter (kb.brief_year) that count as in the topic."""
    targets, deadlines = [], []
    seen: set[tuple] = set()
    for f in kb.index.facts:
        standing = phases_too and year is not None and f.kind == "target" and not f.year
        if f.doc_id != doc.doc_id or f.kind not in ("target", "deadline") or not (
                standing or (_year_ok(f, year) if phases_too else f.year == year)):
            continue
        if f.kind == "deadline" and (not f.year or _phase_of(doc, f.start) is not None):
            continue
        if not (under(f.path, secs) or id(f) in home or statement_in_topic(topic, doc, f, dense_in_topic)):
            continue
        key = (f.kind, f.indicator, f.value, f.year, f.subject)
        if key in seen:
            continue
        seen.add(key)
        section = f.path[-1] if f.path else ""
        if f.kind == "target":
            own = own_clause(f)
            targets.append(Row((indicator_cell(f), source_comparator(f.quote, f.value, f.comparator), f.value, f.unit,
                                f"{f.year}年" if f.year else NO_YEAR, section), _fact_refs(cb, doc, f), own, f))
        else:
            task = (f.subject or f.quote).rstrip("。；，")
            deadlines.append(Row((f"{f.year}年", task, section), _fact_refs(cb, doc, f), fact=f))
    return targets, deadlines


def _phase_goals(doc: Document, topic: str, year: int | None, cb: CitationBuilder) -> tuple[list[Row], list[str]]:
    """Clauses of the phase paragraphs that name the topic, each with its phase — every phase, a
    later one too (where the brief's year leads); and, in a dated brief, the phases whose paragraph
    does not name the topic (said so in the brief)."""
    rows, silent = [], []
    for s in doc.sections:
        span = _phase_span((s.title,)) if s.kind == "phase" else None
        if span is None:
            continue
        body_start = s.start + len(s.title)
        before = len(rows)
        for m in CLAUSE_RE.finditer(doc.text, body_start, s.end):
            clause = m.group(0).rstrip("，。；")
            if len(clause) >= 4 and not _DIGIT.search(clause) and text_in_topic(topic, clause):  # figures: in the table
                a = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
                b = m.start() + len(clause)
                goal = Fact("phase", doc.doc_id, doc.text[a:b], a, b, s.path, year=span[1],
                            subject=f"{s.title.split('（')[0]}：{doc.text[a:b]}")
                rows.append(Row((s.title.rstrip("。"), clause.strip()), (cb.cite(doc.doc_id, a, b),), fact=goal))
        if len(rows) == before and year is not None:
            silent.append(s.title.rstrip("。"))
    return rows, silent


def _nearest_years(kb: KnowledgeBase, year: int, docs: list[Document]) -> list[int]:
    """The years of the brief's documents' targets, nearest ``year`` first."""
    ids = {d.doc_id for d in docs}
    years = {f.year for f in kb.index.facts if f.kind == "target" and f.year and f.doc_id in ids and f.year != year}
    return sorted(years, key=lambda y: (abs(y - year), y))  # type: ignore[arg-type]


def brief_documents(kb: KnowledgeBase, doc: str | None = None) -> list[Document]:
    """The documents a brief draws on: by default those of the most local level in the corpus (the
    city's own plan: a trainer's brief on the city must not mix in national wording); ``doc`` names
    one document by its id, or ``all``."""
    return kb.chosen_documents(doc)


def collect(kb: KnowledgeBase, topic: str, year: int | None = None, doc_id: str | None = None) -> Brief:
    topic = (topic or "").strip()
    if not topic:
        raise BadInput("主题为空", "请给出一个主题，例如：蓝天保卫战、新能源汽车、黑土地")
    cb = CitationBuilder(kb.index.docs)
    targets, deadlines, phases, tasks, projects, silent, milestones, others = [], [], [], [], [], [], [], []
    docs = brief_documents(kb, doc_id)
    sections = {}
    homes = {}
    for doc in docs:
        embedder = getattr(kb, "embedder", None)
        secs = sections[doc.doc_id] = frozenset(narrow(topic, doc, topic_sections(topic, doc, embedder)))
        home = homes[doc.doc_id] = frozenset(home_statements(doc, topic, kb.index.facts, secs, embedder))
        t, d = _facts(kb, doc, topic, year, cb, secs, home=home)
        targets += t
        deadlines += d
        p, quiet = _phase_goals(doc, topic, year, cb)
        phases += p
        silent += quiet
        tasks += topic_tasks(doc, topic, cb, year, secs, embedder)
        projects += _projects(doc, topic, cb, secs)
        cited = [(c.start, c.end) for c in cb.citations() if c.doc_id == doc.doc_id]
        stored = getattr(getattr(kb, "retriever", None), "sentence_vectors", None)
        others += elsewhere(doc, topic, cb, cited, {t.path for t in tasks}, secs, year, embedder, stored)
    if not (targets or deadlines or phases or tasks or projects):
        raise BadInput(f"语料库中没有与“{topic}”相关的目标、任务或项目",
                       "换一个主题（如 蓝天保卫战、新能源汽车、黑土地、湿地）")
    note = ""
    if year is not None and not any(r.fact is not None and r.fact.year for r in targets):
        shown: list[int] = []
        for y in _nearest_years(kb, year, docs):  # a trainer still needs the figures: the nearest years', said so
            found = [_facts(kb, doc, topic, y, cb, sections[doc.doc_id], False, homes[doc.doc_id]) for doc in docs]
            extra = [r for t, _ in found for r in t]
            dated = [r for _, d in found for r in d]
            if extra or dated:  # a year the topic has a target or a dated task (「到2027年，……稳步下降」)
                targets += extra
                deadlines += dated
                shown.append(y)
            if len(shown) == 2:
                break
        note = _year_note(topic, year, shown, any(r.fact is not None and r.fact.kind == "target" for r in targets))
    elif year is not None:
        milestones, steps = _milestones(kb, docs, topic, year, cb, sections, homes, targets)
        deadlines = sorted(deadlines + steps, key=lambda r: r.cells[0])
    targets.sort(key=lambda r: (r.fact is None or not r.fact.year, r.fact.year if r.fact and r.fact.year else 0))
    target_refs = {r.refs[-1] for r in targets}
    deadlines = [d for d in deadlines if d.refs[-1] not in target_refs]  # the targets' own sentence: listed once
    listed = {d.cells[1] for d in deadlines}
    phases = [p for p in phases if p.cells[1] not in listed]  # a phase goal already a 时限任务 is listed once
    phase_note = (f"{'、'.join(silent)}的阶段目标中没有专门针对“{topic}”的表述" if silent else "")
    absent_note = _undated_note(kb, docs, topic)
    used = {c.doc_id for c in cb.citations()}
    titles = "、".join(f"《{d.meta.title}》" for d in kb.documents() if d.doc_id in used)
    scope = _scope(titles, topic, year, targets, deadlines, tasks, projects)
    title = f"简报：{topic}" + (f"（{year}年）" if year else "")
    taken = {n for r in (*phases, *targets, *milestones, *deadlines, *projects) for n in r.refs}
    others = [r for r in others if not taken & set(r.refs)]
    dated = tuple(r.fact for r in (*phases, *targets, *milestones, *deadlines) if r.fact is not None)
    return _compact(Brief(title, scope, tuple(targets), tuple(deadlines), tuple(phases), tuple(tasks),
                          tuple(projects), dated, cb.citations(), note, phase_note, tuple(milestones), topic, tuple(others),
                          absent_note, year))


def _year_note(topic: str, year: int, shown: list[int], any_target: bool) -> str:
    """What the source says for a year without targets of the topic: the nearest years whose targets
    or deadlines stand in, and, when no year has a target of the topic, that it sets none."""
    years = "和".join(f"{y}年" for y in sorted(shown))
    if not shown:
        return f"规划未单列{year}年“{topic}”的量化目标"
    if any_target:
        return f"规划未单列{year}年“{topic}”的量化目标，目标指标和时限任务取最近的{years}"
    return f"规划没有为“{topic}”设定量化目标指标，以下时限任务取最近的{years}"


def _undated_note(kb: KnowledgeBase, docs: list[Document], topic: str) -> str:
    """A word of the topic's name (「碳中和」 of 碳达峰碳中和) that no dated statement of the documents
    uses — no target, deadline or phase goal — while another word of the name is dated, is said:
    the source sets it no target or year."""
    ids = {d.doc_id for d in docs}
    dated = [f.quote for f in kb.index.facts if f.doc_id in ids and f.year]
    dated += [d.text[s.start:s.end] for d in docs for s in d.sections if s.kind == "phase"]
    named = [w for w in terms_for(topic) if len(w) >= 2 and w != topic and w in topic]
    # a word of its own in the name, not a longer or shorter wording of another (「土壤污染」 of
    # 土壤污染防治 is 「土壤」 worded longer: dated when 土壤 is)
    words = [w for w in named if not any(w in q for q in dated)
             and not any(o != w and (o in w or w in o) for o in named)]
    # only beside a word of the name the source does date (碳达峰 dated, 碳中和 not); a name of one
    # word (蓝天 of 蓝天保卫战) is a slogan, not a goal the source could date
    return f"原文没有为“{'”“'.join(words)}”提出目标或时间表" if words and len(words) < len(named) else ""


def _scope(titles: str, topic: str, year: int | None, targets, deadlines, tasks, projects) -> str:
    """What the brief collects, in a trainer's words: only the parts it has (what the source lacks
    for the year is the summary's first line, said once)."""
    kinds = [k for k, rows in (("目标指标", targets), ("时限任务", deadlines), ("重点任务", tasks), ("重点工程", projects))
             if rows]
    out = f"本材料根据{titles}整理，汇集与“{topic}”有关的{'、'.join(kinds)}，均为原文摘录，并注明出处。"
    if year is not None:
        out += f"以{year}年的目标和任务为主，附各阶段目标和同一指标其他年份的目标，便于对照。"
    return out


def _milestones(kb: KnowledgeBase, docs: list[Document], topic: str, year: int, cb: CitationBuilder,
                sections: dict, homes: dict, targets: list[Row]) -> tuple[list[Row], list[Row]]:
    """The other years' targets around ``year``: those of the indicators the brief's table shows
    (where a target comes from and goes next, also worded shorter or longer), of indicators the
    topic's own words name (an indicator whose name holds one of the topic's words), and those
    stated in the topic's own sections; and the other years' deadlines stated there (how the year's
    tasks are reached, and where they go next: a 2027 brief shows 「到2035年，土壤环境风险得到全面管控」)."""
    shown = {r.fact.indicator for r in targets if r.fact is not None}
    years = sorted({f.year for f in kb.index.facts if f.kind in ("target", "deadline") and f.year and f.year != year})
    out, steps = [], []
    for y in years:
        for doc in docs:
            rows, dated = _facts(kb, doc, topic, y, cb, sections[doc.doc_id], False, homes[doc.doc_id])
            out += [r for r in rows if r.fact is not None and (
                same_indicator(r.fact.indicator, shown) or text_in_topic(topic, r.fact.indicator)
                or under(r.fact.path, sections[doc.doc_id]))]
            steps += [r for r in dated if r.fact is not None and under(r.fact.path, sections[doc.doc_id])]
    return out, steps
