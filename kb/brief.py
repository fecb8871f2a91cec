"""Briefing material for trainers: a one-page 摘要, the targets and deadlines of a topic (and year),
phase goals, 重点任务 (the measures' own sentences grouped under their lead sentence), 重点工程 from
the 专栏, a timeline chart, and references with the verbatim quote and section for every row.

Topic matching is kb.topic_match, the same as 目标指标 and `kb targets --topic`. A year filter
covers phase spans: 2029 takes the goals of 第二阶段（2028—2030年）, 2035 the goals of every phase
begun by then. Rendering (Markdown, docx) is kb.brief_render."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.cite import CitationBuilder, sentence_around
from kb.errors import BadInput
from kb.labels import comparator_word
from kb.structure import split_sentences
from kb.topic_match import text_in_topic
from kb.types import Citation, Document, Fact

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

_PHASE_RE = re.compile(r"(\d{4})\s*[—–\-]+\s*(\d{4})")
MEASURES_PER_TASK = 12  # measures quoted under one heading; more are counted, not listed
CLAUSE_RE = re.compile(r"[^，。；]+[，。；]?")
_LISTED = re.compile(r"[^，。；\n]+")  # the parts of a 专栏 sentence that lists its projects
_DIGIT = re.compile(r"\d")
_TARGET_YEAR = re.compile(r"[到至](20\d\d)年")
# The comparator as the source words it (「控制在1.2%以内」 stays 以内), longest first.
_CMP_WORDS = ("不低于", "不高于", "不超过", "不少于", "保持在", "以内", "以下", "以上", "左右")
_ITEM_NUMBER = re.compile(r"^\s*(?:\d{1,2}[.．、]|[（(]\d{1,2}[)）])\s*")


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    refs: tuple[int, ...]
    clause: str = ""  # a target's own words in the source (kept verbatim in the 摘要)


@dataclass(frozen=True)
class Task:
    heading: Row  # the lead sentence
    measures: tuple[Row, ...]  # its paragraph's own sentences, each cited
    more: int  # measures not listed


@dataclass(frozen=True)
class Brief:
    title: str
    scope: str
    targets: tuple[Row, ...]  # indicator, comparator, value, unit, deadline, section
    deadlines: tuple[Row, ...]  # year, task, section
    phases: tuple[Row, ...]  # phase, goal clause
    tasks: tuple[Task, ...]
    projects: tuple[Row, ...]  # (column item,)
    dated: tuple[Fact, ...]  # for the timeline
    references: tuple[Citation, ...]
    year_note: str = ""  # e.g. 「2029年没有单独的目标指标；最近的年份：2030年」


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


def _fact_refs(cb: CitationBuilder, doc: Document, f: Fact) -> tuple[int, ...]:
    s0, s1 = sentence_around(doc, f.start, f.end)
    refs = [cb.cite(doc.doc_id, s0, s1)]
    if f.year and str(f.year) not in doc.text[s0:s1]:
        for s in doc.sections:  # the year comes from the phase heading: cite it too
            if s.kind == "phase" and s.start <= f.start < s.end:
                refs.append(cb.cite(doc.doc_id, s.start, s.start + len(s.title)))
                break
    return tuple(refs)


def _facts(kb: KnowledgeBase, doc: Document, topic: str, year: int | None, cb: CitationBuilder,
           phases_too: bool = True):
    """Targets and deadlines of the topic and year; ``phases_too``: also those a phase covering the
    year states (off when exactly that year's figures are wanted)."""
    targets, deadlines, dated = [], [], []
    seen: set[tuple] = set()
    for f in kb.index.facts:
        if f.doc_id != doc.doc_id or f.kind not in ("target", "deadline") or not (
                _year_ok(f, year) if phases_too else f.year == year):
            continue
        if not text_in_topic(topic, f.indicator, f.subject, f.quote, " ".join(f.path)):
            continue
        key = (f.kind, f.indicator, f.value, f.year, f.subject)
        if key in seen:
            continue
        seen.add(key)
        section = f.path[-1] if f.path else ""
        if f.kind == "target":
            own = next((c for c in CLAUSE_RE.findall(f.quote) if f.value and f.value in c), f.quote)
            word = next((w for w in _CMP_WORDS if w in own), comparator_word(f.comparator))
            targets.append(Row((f.indicator, word, f.value, f.unit,
                                f"{f.year}年" if f.year else "", section), _fact_refs(cb, doc, f), f.quote))
            dated.append(f)
        elif f.year:
            task = (f.subject or f.quote).rstrip("。；，")
            deadlines.append(Row((f"{f.year}年", task, section), _fact_refs(cb, doc, f)))
            dated.append(f)
    return targets, deadlines, dated


def _phase_goals(doc: Document, topic: str, year: int | None, cb: CitationBuilder) -> list[Row]:
    """Clauses of the phase paragraphs that name the topic, each with its phase."""
    rows = []
    for s in doc.sections:
        span = _phase_span((s.title,)) if s.kind == "phase" else None
        if span is None or (year is not None and span[0] > year):
            continue
        body_start = s.start + len(s.title)
        for m in CLAUSE_RE.finditer(doc.text, body_start, s.end):
            clause = m.group(0).rstrip("，。；")
            if len(clause) >= 4 and not _DIGIT.search(clause) and text_in_topic(topic, clause):  # figures: in the table
                a = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
                refs = (cb.cite(doc.doc_id, s.start, body_start), cb.cite(doc.doc_id, a, m.start() + len(clause)))
                rows.append(Row((s.title.rstrip("。"), clause.strip()), refs))
    return rows


def _other_year_only(text: str, year: int | None) -> bool:
    """A measure that states only deadlines of other years (「到2035年，建成……」 in a 2027 brief)."""
    years = {int(y) for y in _TARGET_YEAR.findall(text)}
    return year is not None and bool(years) and year not in years


def _tasks(doc: Document, topic: str, cb: CitationBuilder, year: int | None = None) -> list[Task]:
    """Each lead sentence in the topic (by its words or its section's title), with the measures
    that follow it up to the next heading (a lead's text may run over several paragraphs); a lead
    outside the topic still counts when several of its measures name it. With a year, measures
    that state only other years' deadlines are left out."""
    sentences = split_sentences(doc.doc_id, doc.text, doc.sections)
    starts = sorted({x.start for x in doc.sections})
    out = []
    for s in doc.sections:
        if s.kind != "lead":
            continue
        head_end = doc.text.find("。", s.start) + 1 or s.start + len(s.title)
        end = next((x for x in starts if x > s.start), len(doc.text))
        own = [x for x in sentences if head_end <= x.start < end and not x.text.startswith(("到20", "到 20"))
               and not _other_year_only(x.text, year)]
        head_in = text_in_topic(topic, doc.text[s.start:head_end], " ".join(s.path[:-1]))
        named = [x for x in own if text_in_topic(topic, x.text)]
        if not head_in and len(named) < 2:
            continue
        pick = own if head_in else named
        heading = Row((doc.text[s.start:head_end],), (cb.cite(doc.doc_id, s.start, head_end),))
        measures = tuple(Row((x.text,), (cb.cite(doc.doc_id, x.start, x.end),)) for x in pick[:MEASURES_PER_TASK])
        out.append(Task(heading, measures, max(0, len(pick) - MEASURES_PER_TASK)))
    return out


def _projects(doc: Document, topic: str, cb: CitationBuilder) -> list[Row]:
    """The 专栏 items in the topic, in the document's order; a 专栏 written as one sentence listing
    its projects (「重点实施A项目，B项目，C建设……」) gives the listed parts that name the topic."""
    found: list[tuple[int, Row]] = []
    columns_with_items = {s.path[:-1] for s in doc.sections if s.kind == "item"}
    for s in doc.sections:
        if s.kind == "item" and text_in_topic(topic, doc.text[s.start:s.end], " ".join(s.path)):
            end = doc.text.find("\n", s.start)
            end = s.end if end < 0 or end > s.end else end
            found.append((s.start, Row((_ITEM_NUMBER.sub("", doc.text[s.start:end].strip()),),
                                       (cb.cite(doc.doc_id, s.start, end),))))
        elif s.kind == "column" and s.path not in columns_with_items:
            body = doc.text.find("\n", s.start) + 1 or s.end
            for m in _LISTED.finditer(doc.text, body, s.end):
                part = m.group(0).strip()
                if len(part) >= 4 and text_in_topic(topic, part):
                    a = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
                    found.append((a, Row((part,), (cb.cite(doc.doc_id, a, a + len(part)),))))
    return [row for _, row in sorted(found, key=lambda x: x[0])]


def _nearest_years(kb: KnowledgeBase, topic: str, year: int, docs: list[Document]) -> list[int]:
    """The two years nearest ``year`` for which the brief's own documents set targets on the topic."""
    ids = {d.doc_id for d in docs}
    years = sorted({f.year for f in kb.index.facts if f.kind == "target" and f.year and f.doc_id in ids
                    and text_in_topic(topic, f.indicator, f.subject, f.quote, " ".join(f.path))})
    return sorted(years, key=lambda y: (abs(y - year), y))[:2]


def brief_documents(kb: KnowledgeBase, doc: str | None = None) -> list[Document]:
    """The documents a brief draws on: by default those of the most local level in the corpus (the
    city's own plan: a trainer's brief on the city must not mix in national wording); ``doc`` names
    one document by its id, or ``all``."""
    docs = list(kb.documents())
    if doc == "all":
        return docs
    if doc:
        chosen = [d for d in docs if d.doc_id == doc]
        if not chosen:
            raise BadInput(f"语料库中没有文件 {doc}", "用 `kb docs` 查看文件编号，或用 all 表示全部文件")
        return chosen
    return kb.local_documents()


def collect(kb: KnowledgeBase, topic: str, year: int | None = None, doc_id: str | None = None) -> Brief:
    topic = (topic or "").strip()
    if not topic:
        raise BadInput("主题为空", "请给出一个主题，例如：蓝天保卫战、新能源汽车、黑土地")
    cb = CitationBuilder(kb.index.docs)
    targets, deadlines, dated, phases, tasks, projects = [], [], [], [], [], []
    docs = brief_documents(kb, doc_id)
    for doc in docs:
        t, d, x = _facts(kb, doc, topic, year, cb)
        targets += t
        deadlines += d
        dated += x
        phases += _phase_goals(doc, topic, year, cb)
        tasks += _tasks(doc, topic, cb, year)
        projects += _projects(doc, topic, cb)
    target_refs = {r.refs[0] for r in targets}
    deadlines = [d for d in deadlines if d.refs[0] not in target_refs]  # the targets' own sentence: listed once
    listed = {d.cells[1] for d in deadlines}
    phases = [p for p in phases if p.cells[1] not in listed]  # a phase goal already a 时限任务 is listed once
    if not (targets or deadlines or phases or tasks or projects):
        raise BadInput(f"语料库中没有与“{topic}”相关的目标、任务或项目",
                       "换一个主题（如 蓝天保卫战、新能源汽车、黑土地、湿地）")
    note = ""
    if year is not None and not targets:
        near = _nearest_years(kb, topic, year, docs)
        for y in near:  # a trainer still needs the figures: those of the nearest years, said so
            for doc in docs:
                extra, _, more = _facts(kb, doc, topic, y, cb, phases_too=False)
                targets += extra
                dated += more
        offer = f"；下表列出最近有目标指标的年份（{'、'.join(f'{y}年' for y in near)}）的目标" if near else ""
        note = f"{year}年没有与“{topic}”相关的量化目标指标{offer}"
    used = {c.doc_id for c in cb.citations()}
    titles = "、".join(f"《{d.meta.title}》" for d in kb.documents() if d.doc_id in used)
    scope = f"范围：{titles}中与“{topic}”相关的内容" + (
        f"；目标与期限限{year}年（阶段目标列出到{year}年已开始的各阶段，各注明其起止年份）" if year else "")
    title = f"简报：{topic}" + (f"（{year}年）" if year else "")
    return _compact(Brief(title, scope, tuple(targets), tuple(deadlines), tuple(phases), tuple(tasks),
                          tuple(projects), tuple(dated), cb.citations(), note))


def _compact(b: Brief) -> Brief:
    """Only the references the brief cites, numbered in the order they are first cited (rows left
    out after they were cited — a target's sentence listed once, another year's measure — leave
    no unused reference behind)."""
    rows = [*b.targets, *b.deadlines, *b.phases, *(r for t in b.tasks for r in (t.heading, *t.measures)),
            *b.projects]
    order = list(dict.fromkeys(n for r in rows for n in r.refs))
    new = {old: i + 1 for i, old in enumerate(order)}
    by_n = {c.n: c for c in b.references}

    def row(r: Row) -> Row:
        return dataclasses.replace(r, refs=tuple(new[n] for n in r.refs))

    tasks = tuple(Task(row(t.heading), tuple(row(m) for m in t.measures), t.more) for t in b.tasks)
    refs = tuple(dataclasses.replace(by_n[old], n=new[old]) for old in order)
    return dataclasses.replace(b, targets=tuple(map(row, b.targets)), deadlines=tuple(map(row, b.deadlines)),
                               phases=tuple(map(row, b.phases)), tasks=tasks, projects=tuple(map(row, b.projects)),
                               references=refs)


_VERB = {"以上": "达到{v}以上", "以下": "控制在{v}以下", "达到": "达到{v}", "左右": "保持在{v}左右",
         "提高": "提高{v}", "减少": "减少{v}"}


def _ref(refs: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in refs)


def target_sentence(r: Row) -> str:
    """The target in the source's own words (「控制在1.2%以内」 stays 以内), with its year when the
    clause does not state it; a row without its clause is phrased from its cells."""
    indicator, cmp, value, unit, year = r.cells[:5]
    if r.clause:
        clause = r.clause.rstrip("，。；")
        return clause if not year or year.rstrip("年") in clause else f"到{year}，{clause}"
    verb = _VERB.get(cmp, cmp + "{v}").format(v=f"{value}{unit}")
    return f"{'到' + year + '，' if year else ''}{indicator}{verb}"
