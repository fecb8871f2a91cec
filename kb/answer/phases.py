"""Answers about the plan's phases: all three (「分几个阶段」), or one of them, named (第一阶段), by
its span of years (「2028年到2030年这一段」) or by the year it ends in when the outcome by then is
asked (「到2035年能建成个啥样」): its heading cited with the sentence that sums it up."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kb.answer.evidence import WHEN_RE
from kb.cite import CitationBuilder
from kb.lexicon import pattern, word_list
from kb.query import Query
from kb.types import Answer, Document, Hit

_GOALS = pattern("asks.toml", "goals")
_PHASES_COUNT = pattern("asks.toml", "phases_count")
_PHASES = pattern("asks.toml", "phases")

_PHASE_TITLE = pattern("text.toml", "phase_title")  # 第二阶段（…）
_YEAR_END = pattern("text.toml", "title_year_end")  # …—2027年

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext

OUTCOME_WORDS = frozenset(word_list("words.toml", "outcome"))
WHOLE_AREA = frozenset(word_list("words.toml", "whole_area"))  # 全市: the phase speaks of all of it


def phases_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                  words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    """The phases of a plan, each heading cited with the first sentence under it."""
    doc = kb.index.docs.get(hits[0].chunk.doc_id) if hits else None
    phases = [s for s in doc.sections if s.kind == "phase"] if doc is not None and doc.doc_id in allowed else []
    if not phases:
        return None
    topical = _phases_of_topic(kb, q, doc, phases, words)
    if topical:  # 「某事在哪个阶段实现」: the phase that speaks of it, with the sentence that does
        lines = [cb.quote_span(doc.doc_id, p.start, p.start + len(p.title)) + "："
                 + cb.quote_sentence(doc.doc_id, best.start, best.end) for p, best in topical]
        return Answer(q.raw, "answered", "\n".join(lines), cb.citations())
    parts = []
    for p in phases:
        head = cb.quote_span(doc.doc_id, p.start, p.start + len(p.title))
        first = [s for s in doc.sentences if p.start + len(p.title) < s.start < p.end]
        parts.append(head + ("：" + cb.quote_sentence(doc.doc_id, first[0].start, first[0].end) if first else "。"))
    return Answer(q.raw, "answered", "规划分三个阶段推进：\n" + "\n".join(parts) if len(parts) == 3
                  else "\n".join(parts), cb.citations())


def _phases_of_topic(kb: AnswerContext, q: Query, doc: Document, phases: list, words: tuple[str, ...]) -> list:
    """When the question asks which phase (not how many) and names a topic some phases speak of and
    others do not: those phases, each with its sentence about the topic; else nothing."""
    if _PHASES_COUNT.search(q.text):
        return []
    framing = " ".join(m.group(0) for m in _PHASES.finditer(q.text))  # 「每一步」 asks, names no topic
    topic = tuple(w for w in words if w not in OUTCOME_WORDS and w not in WHOLE_AREA and w not in framing
                  and kb.relevance.present(w, doc.text))
    if not topic:
        return []
    need = kb.settings.answering.sentence_min
    found = []
    for p in phases:
        body = [s for s in doc.sentences if p.start + len(p.title) < s.start < p.end]
        best = max(body, key=lambda s: kb.relevance.coverage(topic, s.text), default=None)
        if best is not None and kb.relevance.coverage(topic, best.text) >= need:
            found.append((p, best))
    return found if 0 < len(found) < len(phases) else []


def named_phase_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                       words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    """「第一阶段的总体要求」「2028年到2030年这一段」: that phase's heading and the sentence that sums it
    up (its first), or the one about the topic asked."""
    named, span = q.phase, q.span
    name = f"第{named}阶段" if named else ""
    # The topic asked within the phase, in words the corpus uses (「收尾」「总基调」 are framing).
    rest = tuple(w for w in words if w not in name and kb.relevance.df(w) > 0)

    def asked(title: str) -> bool:
        if named:
            m = _PHASE_TITLE.match(title)
            return m is not None and m.group("n") == named
        if span:
            return re.search(rf"{span[0]}\s*[—–-]+\s*{span[1]}", title) is not None
        # one year: the phase that ends in it, asked about as a whole (no topic the corpus names)
        return not rest_topic and any(int(m.group("year")) == q.years[0] for m in _YEAR_END.finditer(title))

    rest_topic = tuple(w for w in rest if w not in OUTCOME_WORDS and w not in WHOLE_AREA)
    if not named and not span:
        rest = rest_topic  # 「到2035年能建成个啥样」: 建成 is what is asked, not a topic to look for

    for doc_id in dict.fromkeys([h.chunk.doc_id for h in hits] + sorted(allowed)):
        doc = kb.index.docs.get(doc_id)
        if doc is None or doc_id not in allowed:
            continue
        for p in (s for s in doc.sections if s.kind == "phase" and asked(s.title)):
            # 「展望本世纪中叶……」 stands in the last phase's paragraph but speaks of another time.
            body = [s for s in doc.sentences if p.start + len(p.title) < s.start < p.end
                    and not (WHEN_RE.search(s.text) and not any(y in p.title for y in WHEN_RE.findall(s.text)))]
            if not body:
                continue
            # The question may ask about one topic of the phase (「第一阶段的森林覆盖率」).
            best = max(body, key=lambda s: kb.relevance.coverage(rest, s.text)) if rest else body[0]
            # A phase named by its number anchors the answer: its summing-up sentence answers, and a
            # sentence of it that speaks of the topic at all is added; a phase found by its years
            # must speak of the topic as any sentence must.
            need = kb.settings.answering.phase_topic_min if named else kb.settings.answering.sentence_min
            if rest and kb.relevance.coverage(rest, best.text) < need:
                if not named:
                    return None  # the phase does not speak of it: let the other answers try
                best = body[0]
            head = cb.quote_span(doc.doc_id, p.start, p.start + len(p.title))
            # its summing-up sentence (the phase's 定位) first, then the one about the topic asked
            said = [body[0]] if best is body[0] or not named else [body[0], best]
            if "goals" in q.asks:  # 「某阶段定了哪些数字目标」: every sentence of it that sets a target
                said = _target_sentences(kb, doc.doc_id, body, said, rest_topic)
            elif _GOALS.search(q.text) and not rest_topic:  # 「某阶段要达到哪些目标」: the phase whole
                said = body[:kb.settings.answering.section_max_sentences]
            text = "".join(cb.quote_sentence(doc.doc_id, x.start, x.end) for x in said)
            return Answer(q.raw, "answered", f"{head}：{text}", cb.citations())
    return None


def _target_sentences(kb: AnswerContext, doc_id: str, body: list, said: list, topic: tuple[str, ...]) -> list:
    """The phase's summing-up sentence, then each of its sentences that holds a target's figure (of
    the topic asked, when the question names one the phase speaks of: 「某阶段里某方面的数字目标」)."""
    starts = [f.start for f in kb.index.facts if f.doc_id == doc_id and f.kind == "target"]
    figures = [s for s in body if any(s.start <= x < s.end for x in starts)]
    need = kb.settings.answering.phase_topic_min
    of_topic = [s for s in figures if topic and kb.relevance.coverage(topic, s.text) >= need]
    figures = of_topic or figures
    out = list(dict.fromkeys([*said[:1], *figures]))
    return out[:kb.settings.answering.section_max_sentences]
