"""Extractive, cited answers. Every sentence carries a citation whose quote is a verbatim slice
of the document; every number in the answer appears in a cited quote (checked before return);
when nothing supports an answer the status is not_found and passages are offered as related."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kb.cite import CitationBuilder, sentence_around, ungrounded_numbers
from kb.retrieve import Filters
from kb.types import Answer, Fact, Hit
from kb.understand import Query, understand

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

COVERAGE_MIN = 0.5  # share of the question's content words found in the top passages
_COLUMN_RE = re.compile(r"专栏\s*(\d+)")
_CMP_WORDS = {"≥": "以上", "≤": "以下"}


def answer_question(kb: KnowledgeBase, question: str, k: int = 5, filters: Filters | None = None) -> Answer:
    q = understand(question, kb.settings.max_question_chars)
    hits = kb.retriever.search(q.expansion, k=max(k, 8), filters=filters, boost_terms=q.indicators,
                               years=tuple(str(y) for y in q.years), wants_number=q.intent == "target")
    cb = CitationBuilder(kb.index.docs)
    if not hits or not _supported(q, hits):
        return _not_found(q, hits, cb)
    for compose in _composers(q):
        ans = compose(kb, q, hits, cb)
        if ans is not None and not ungrounded_numbers(ans.answer, ans.citations):
            return ans
        cb = CitationBuilder(kb.index.docs)
    ans = _evidence_answer(q, hits, cb)
    if ungrounded_numbers(ans.answer, ans.citations):  # cannot happen: quotes are the answer
        return _not_found(q, hits, CitationBuilder(kb.index.docs))
    return ans


def _composers(q: Query):
    if _COLUMN_RE.search(q.text):
        yield _column_answer
    if q.intent in ("target", "deadline", "general", "list"):
        yield _target_answer
    if q.intent == "deadline":
        yield _deadline_answer
    if q.intent == "responsibility":
        yield _responsibility_answer
    if q.intent == "list":
        yield _project_answer


def _supported(q: Query, hits: list[Hit]) -> bool:
    top = " ".join(h.chunk.text + " " + h.chunk.section for h in hits[:5])
    if q.place and q.place not in top:
        return False
    if not q.tokens:
        return True
    covered = sum(1 for t in q.tokens if t in top or any(t in i for i in q.indicators))
    return covered / len(q.tokens) >= COVERAGE_MIN


def _not_found(q: Query, hits: list[Hit], cb: CitationBuilder, lead: str = "") -> Answer:
    related = tuple(cb.related(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in hits[:3])
    text = lead or "语料库中没有找到能回答这个问题的内容，不作推测。下面列出最接近的段落，仅供参考。"
    return Answer(q.raw, "not_found", text, (), (), related)


def _hit_rank(hits: list[Hit], fact: Fact) -> int:
    for i, h in enumerate(hits):
        if h.chunk.doc_id == fact.doc_id and h.chunk.start <= fact.start < h.chunk.end:
            return i
    return len(hits) + 5


def _indicator_score(q: Query, fact: Fact) -> float:
    text = fact.indicator + fact.quote
    score = 0.0
    for ind in q.indicators:
        if ind in fact.indicator:
            score += 3
        elif ind in text:
            score += 1.5
    score += 0.5 * sum(1 for t in q.tokens if t in fact.indicator)
    return score


def _target_answer(kb: KnowledgeBase, q: Query, hits: list[Hit], cb: CitationBuilder) -> Answer | None:
    facts = [f for f in kb.index.facts if f.kind == "target" and f.doc_id in {h.chunk.doc_id for h in hits}]
    scored = []
    for f in facts:
        rank = _hit_rank(hits, f)
        s = _indicator_score(q, f) + max(0.0, 2.0 - 0.4 * rank)
        if s >= 2.5 and (rank < len(hits) or _indicator_score(q, f) >= 3):
            scored.append((s, f))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0])
    best = scored[0][1]
    same = [f for s, f in scored if s >= scored[0][0] - 1.0 and _same_indicator(f, best)]
    if q.years:
        chosen = [f for f in same if f.year in q.years]
        if not chosen:
            given = sorted({f.year for f in same if f.year})
            lines = [cb.fact_sentence(f) for f in sorted(same, key=lambda f: f.year or 0)[:3]]
            lead = f"规划没有给出您所问年份的“{best.indicator}”目标。"
            if given:
                lead += "规划给出的是：" + "".join(lines)
            return Answer(q.raw, "not_found", lead, cb.citations(), tuple(same[:3]))
    else:
        chosen = sorted(same, key=lambda f: (f.year or 9999))
    chosen = _dedupe(chosen)[:3]
    text = "".join(cb.fact_sentence(f) for f in chosen)
    return Answer(q.raw, "answered", text, cb.citations(), tuple(chosen))


def _same_indicator(a: Fact, b: Fact) -> bool:
    return a.indicator == b.indicator or a.indicator in b.indicator or b.indicator in a.indicator


def _dedupe(facts: list[Fact]) -> list[Fact]:
    seen, out = set(), []
    for f in facts:
        key = (f.indicator, f.value, f.unit, f.year)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _deadline_answer(kb: KnowledgeBase, q: Query, hits: list[Hit], cb: CitationBuilder) -> Answer | None:
    facts = [f for f in kb.index.facts if f.kind == "deadline" and _hit_rank(hits, f) < 3]
    facts = [f for f in facts if sum(1 for t in q.tokens if t in f.quote) >= max(1, len(q.tokens) // 2)]
    if not facts:
        return None
    facts.sort(key=lambda f: (_hit_rank(hits, f), -sum(1 for t in q.tokens if t in f.quote)))
    f = facts[0]
    sentence = sentence_around(kb.index.docs[f.doc_id], f.start, f.end)
    return Answer(q.raw, "answered", cb.quote_sentence(f.doc_id, *sentence), cb.citations(), (f,))


def _responsibility_answer(kb: KnowledgeBase, q: Query, hits: list[Hit], cb: CitationBuilder) -> Answer | None:
    facts = [f for f in kb.index.facts if f.kind == "responsibility" and _hit_rank(hits, f) < 5]
    if not facts:
        return None
    facts.sort(key=lambda f: (-sum(1 for t in q.tokens if t in f.quote), _hit_rank(hits, f)))
    f = facts[0]
    if not any(t in f.quote for t in q.tokens) and q.tokens:
        return None
    sentence = sentence_around(kb.index.docs[f.doc_id], f.start, f.end)
    return Answer(q.raw, "answered", cb.quote_sentence(f.doc_id, *sentence), cb.citations(), (f,))


def _column_answer(kb: KnowledgeBase, q: Query, hits: list[Hit], cb: CitationBuilder) -> Answer | None:
    number = _COLUMN_RE.search(q.text).group(1)  # type: ignore[union-attr]
    for doc in kb.index.docs.values():
        heads = [s for s in doc.sections if s.kind == "column" and re.match(rf"专栏\s*{number}(?!\d)", s.title)]
        if not heads:
            continue
        col = heads[0]
        items = [s for s in doc.sections if s.kind == "item" and s.path[:-1] == col.path]
        head = cb.quote_span(doc.doc_id, col.start, col.start + len(col.title))
        if items:
            listed = "\n".join(cb.quote_sentence(doc.doc_id, s.start, _para_end(doc.text, s.start)) for s in items)
            return Answer(q.raw, "answered", f"{head}包括：\n{listed}", cb.citations())
        body = doc.text.find("\n", col.start) + 1  # a column written as one paragraph
        text = f"{head}：{cb.quote_sentence(doc.doc_id, *sentence_around(doc, body, body + 1))}"
        return Answer(q.raw, "answered", text, cb.citations())
    return _not_found(q, hits, cb, lead="语料库中没有这个专栏。规划中的专栏从专栏2开始编号。")


def _para_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def _project_answer(kb: KnowledgeBase, q: Query, hits: list[Hit], cb: CitationBuilder) -> Answer | None:
    facts = [f for f in kb.index.facts if f.kind == "project" and _hit_rank(hits, f) < 5]
    facts = [f for f in facts if any(t in f.quote or t in f.subject for t in q.tokens)]
    if not facts:
        return None
    seen, parts = set(), []
    for f in sorted(facts, key=lambda f: (_hit_rank(hits, f), f.start)):
        if f.subject in seen:
            continue
        seen.add(f.subject)
        parts.append(cb.quote_span(f.doc_id, f.start, f.end))
        if len(parts) >= 6:
            break
    return Answer(q.raw, "answered", "相关重点项目：" + "；".join(parts) + "。", cb.citations(), tuple(facts[:6]))


def _evidence_answer(q: Query, hits: list[Hit], cb: CitationBuilder) -> Answer:
    """The best one or two sentences from the top passages, each quoted and cited."""
    scored = []
    for rank, h in enumerate(hits[:3]):
        doc = cb.docs[h.chunk.doc_id]
        for s in doc.sentences:
            if h.chunk.start <= s.start < h.chunk.end and len(s.text) >= 6:
                overlap = sum(1 for t in q.tokens if t in s.text) + sum(2 for i in q.indicators if i in s.text)
                scored.append((overlap - 0.5 * rank, -s.start, doc.doc_id, s))
    if not scored:
        return _not_found(q, hits, cb)
    scored.sort(key=lambda x: (-x[0], x[1]))
    chosen = [scored[0]] + [x for x in scored[1:2] if x[0] >= max(1.0, scored[0][0] - 1)]
    text = "".join(cb.quote_sentence(doc_id, s.start, s.end) for _, _, doc_id, s in chosen)
    return Answer(q.raw, "answered", text, cb.citations())
