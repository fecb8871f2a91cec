"""Extractive, cited answers. Every sentence carries a citation whose quote is a verbatim slice
of the document; every number in the answer appears in a cited quote (the guard: a candidate
with a number outside its quotes is never chosen).

Order of work (kb.answer.candidates): understand the question once, refuse what the corpus cannot
hold, retrieve, collect every applicable strategy's answer and the best sentences of the top
passages. Then select (kb.select): a small learned model gives each grounded candidate its
calibrated probability of being right; the best strategy answer is asserted (``answered``) when
that probability reaches ``answering.answer_min``; else the best passage is shown, not asserted,
as ``related`` (「规划中与此最相关的表述是：……」) when its probability reaches
``answering.related_min``; else ``not_found``. The probability is the answer's ``confidence``.
With ``answering.selector = 0`` the first grounded answer in the hand order wins (the old rule)."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from kb.answer.candidates import Asked, document_kind, prepare, propose
from kb.answer.documents import attribute, merge_sides, not_found_text, place_not_named
from kb.answer.explain import Candidate, Explain, coverage_score
from kb.answer.parts import answer_parts
from kb.cite import CitationBuilder, sentence_around
from kb.lexicon import pattern
from kb.query.documents import DEFAULT_CHOICE, choose_documents
from kb.query.framing import without_speaker
from kb.query.parts import own_question
from kb.retrieve import Filters
from kb.select.features import Proposal, add_agreement, features, serves_softly
from kb.select.model import load_model
from kb.types import Answer

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext

NOT_FOUND = "语料库中没有找到能回答这个问题的内容，不作推测。下面列出最接近的段落，仅供参考。"
RELATED_TAIL = "（这段原文未必直接回答了问题，请核对原文。）"


def answer_question(kb: AnswerContext, question: str, k: int = 5, filters: Filters | None = None) -> Answer:
    return explain_question(kb, question, k, filters, explain=False)[0]


def explain_question(kb: AnswerContext, question: str, k: int = 5, filters: Filters | None = None,
                     explain: bool = True) -> tuple[Answer, Explain]:
    """The answer and how it was reached: the typed query, every candidate with its score (the
    model's probability of being right), the chosen strategy and the confidence. A question of
    several parts gets the parts its answer leaves out answered on their own (kb.answer.parts)."""
    # a follow-up 「X呢？」 is a question of its own (kb.answer.parts): the whole is what comes before it
    ans, e = _explain_whole(kb, own_question(question), k, filters, explain)
    part_filters = filters
    if not (filters and (filters.doc_id or filters.level or filters.doc_ids)):
        # each part is asked of the documents the whole question names (「《意见》的主要目标……？到2035年
        # 要实现什么？」: the second part is still about the 意见)
        choice = choose_documents(e.query.text, kb.index.docs)
        if choice.sides:
            return ans, e
        if choice.doc_ids:
            part_filters = Filters(doc_ids=choice.doc_ids)
    return answer_parts(kb, question, ans, e,
                        lambda part, own=False: _explain_whole(kb, part, k, filters if own else part_filters, explain))


def _explain_whole(kb: AnswerContext, question: str, k: int, filters: Filters | None,
                   explain: bool, side: bool = False) -> tuple[Answer, Explain]:
    asked = prepare(kb, question, k, filters)
    choice = asked.choice
    if choice.sides:  # the city and a higher level asked together: one answer a side
        return _both_sides(kb, question, k, asked, explain)
    if choice.first:  # the higher document the city plan cites answers first
        ans, e = _explain_whole(kb, question, k, Filters(doc_ids=choice.first), explain)
        if ans.status == "answered" or (ans.status == "not_found" and e.strategy):
            return ans, e  # its answer, or a strategy's reasoned refusal about it (没有第六部分)
    ans, e = _select(asked.context, asked, explain)
    if not side and choice.reason == DEFAULT_CHOICE and _unsure(kb, ans, e):
        upper = _upper_answer(kb, question, k, explain)
        if upper is not None:
            return upper
    ans = attribute(ans, kb.index.docs)  # an answer from a national document names it
    ans = dataclasses.replace(ans, confidence=round(e.confidence, 3))
    ans = _measure_not_stated(asked, ans)
    if not side:  # a higher document that never names the place asked sets nothing of its own for it
        ans = place_not_named(ans, without_speaker(asked.query.text), kb.index.docs)
    return ans, e


# What a question asks of "the document" itself (its parts, phases, columns, date, a year's goals):
# with no document named, that is the city plan, never a higher document's structure.
_OF_THE_DOCUMENT = frozenset({"phases", "one_phase", "column", "issued", "in_force", "notice", "goals"})


def _unsure(kb: AnswerContext, ans: Answer, e: Explain) -> bool:
    s = kb.settings.answering
    q = e.query
    if q.outline is not None or q.asks & _OF_THE_DOCUMENT:
        return False
    return ans.status != "answered" or e.confidence < s.upper_try_below


def _upper_answer(kb: AnswerContext, question: str, k: int, explain: bool) -> tuple[Answer, Explain] | None:
    """A question that names no document, which the city plan answers unsurely or not at all, asked
    of the higher documents: their answer (naming its document) when asserted with confidence."""
    upper = tuple(d for d, doc in kb.index.docs.items() if doc.meta.level != "municipal")
    if not upper:
        return None
    ans, e = _explain_whole(kb, question, k, Filters(doc_ids=upper), explain)
    if ans.status == "answered" and e.confidence >= kb.settings.answering.upper_accept_min:
        return ans, e
    return None


_MEASURE = pattern("figure.toml", "measure")
_NUMBER_ASK = pattern("figure.toml", "ask")


def _measure_not_stated(asked: Asked, ans: Answer) -> Answer:
    """「某某处理率是多少」 with no known indicator named: an answer whose quotes never
    state that measure (a 农村 figure, 「收集效能显著提升」) answers another question. It is shown as
    the closest passage (related), never asserted."""
    q = asked.query
    number_asked = q.intent == "target" or bool(_NUMBER_ASK.search(q.asked_text or q.text))
    if ans.status != "answered" or not number_asked or q.indicators or not ans.citations:
        return ans
    found = _MEASURE.search(q.asked_text or q.text)
    if found is None:
        return ans
    quotes = " ".join(c.quote + " " + c.section for c in ans.citations)
    if asked.context.relevance.present(found.group(0), quotes):
        return ans
    doc = asked.context.index.docs.get(ans.citations[0].doc_id)
    kind = document_kind(doc.meta.title) if doc is not None else "文件"
    return dataclasses.replace(ans, status="related", answer=f"{kind}中与此最相关的表述是：{ans.answer}{RELATED_TAIL}",
                               confidence=0.0)


def _both_sides(kb: AnswerContext, question: str, k: int, asked: Asked,
                explain: bool) -> tuple[Answer, Explain]:
    parts, last = [], Explain(asked.query, "", 0.0, ())
    for side, ids in asked.choice.sides:
        levels = {kb.index.docs[d].meta.level for d in ids}
        side_filters = Filters(level=levels.pop() if len(levels) == 1 else "", doc_ids=ids)
        ans, last = _explain_whole(kb, question, k, side_filters, explain, side=True)
        parts.append((side, ans))
    merged = merge_sides(question, parts)
    sure = [a.confidence for _, a in parts if a.status == "answered"]
    return dataclasses.replace(merged, confidence=round(min(sure), 3) if sure else 0.0), last


def _select(kb: AnswerContext, asked: Asked, explain: bool) -> tuple[Answer, Explain]:
    q = asked.query
    not_found = not_found_text(asked.choice, kb.index.docs, NOT_FOUND)
    if asked.refusal is not None or not asked.hits:
        return _not_found(kb, asked, asked.refusal or not_found), Explain(q, "refusal" if asked.refusal else "", 0.0, ())
    old_rule = kb.settings.answering.selector == 0
    proposals = propose(kb, asked, stop_at_first=old_rule and not explain)
    if old_rule:
        return _first_grounded(kb, asked, proposals)
    model = load_model()
    grounded = [p for p in proposals if p.grounded]
    rows = [features(kb, q, list(asked.hits), asked.words, p, model.strategies) for p in grounded]
    probs = model.probability(add_agreement(rows, grounded))
    scored = sorted(zip(grounded, probs, strict=True), key=lambda x: (-x[1], x[0].order))
    cands = tuple(Candidate(p.strategy, float(pr), _first_quote(p.answer), p.grounded, p.label) for p, pr in
                  sorted(zip(grounded, probs, strict=True), key=lambda x: x[0].order)) + tuple(
        Candidate(p.strategy, 0.0, _first_quote(p.answer), False, p.label) for p in proposals if not p.grounded)
    first = next((p for p in grounded if p.first_grounded), None)
    if first is not None and first.answer.status != "answered":
        # A strategy's reasoned refusal (「规划没有写2026年的目标」, with what it does say) stands.
        return _person(q, first.answer), Explain(q, first.strategy, 0.0, cands)
    answer_min, related_min = _thresholds(kb, model)
    strategies = [(p, pr) for p, pr in scored if p.strategy != "passage" and p.answer.status == "answered"]
    # A strategy built for what the question asks besides its intent (the phases, a part of the
    # document, its issuing date …) answers it whenever it gives a grounded answer: the others do
    # not know that ask, so their higher word coverage says nothing against it. Its probability
    # stays its confidence.
    serving = {id(p) for p, r in zip(grounded, rows, strict=True) if r.get("serves_ask")}
    built = [(p, pr) for p, pr in strategies if id(p) in serving and (pr >= answer_min or not serves_softly(p.strategy))]
    if built:
        strategies = built
    elif not (strategies and strategies[0][1] >= answer_min):
        strategies = []
    if strategies:
        best, p_best = _direct(strategies)
        ans = _person(q, best.answer)
        conf = float(p_best) if ans.status == "answered" else 0.0
        return ans, Explain(q, best.strategy, conf, cands)
    if scored and scored[0][1] >= related_min and "person" not in q.asks:
        best, p_best = scored[0]
        return _related(kb, asked, best), Explain(q, best.strategy, float(p_best), cands)
    if first is not None and "person" in q.asks:
        return _person(q, first.answer), Explain(q, first.strategy, 0.0, cands)
    conf = float(scored[0][1]) if scored else 0.0
    return _not_found(kb, asked, not_found), Explain(q, "", conf, cands)


def _thresholds(kb: AnswerContext, model) -> tuple[float, float]:
    s = kb.settings.answering
    return (s.answer_min if s.answer_min >= 0 else model.answer_min,
            s.related_min if s.related_min >= 0 else model.related_min)


def _first_grounded(kb: AnswerContext, asked: Asked, proposals: list[Proposal]) -> tuple[Answer, Explain]:
    """The old rule: the first grounded strategy answer in the hand order; its confidence is the
    share of the key words its quotes hold (not calibrated)."""
    q = asked.query
    cands = tuple(Candidate(p.strategy, coverage_score(kb.relevance, asked.words, p.answer) if p.grounded else 0.0,
                            _first_quote(p.answer), p.grounded, p.label) for p in proposals)
    first = next((p for p in proposals if p.first_grounded), None)
    if first is None:
        return _not_found(kb, asked, not_found_text(asked.choice, kb.index.docs, NOT_FOUND)), Explain(q, "", 0.0, cands)
    ans = _person(q, first.answer)
    conf = coverage_score(kb.relevance, asked.words, ans) if ans.status == "answered" else 0.0
    return ans, Explain(q, first.strategy, conf, cands)


def _person(q, ans: Answer) -> Answer:
    if ans.status == "answered" and "person" in q.asks:
        # The plan names bodies, never people: say so, and give what it does say.
        return dataclasses.replace(ans, status="not_found", answer=f"规划没有写具体人员的姓名。规划写明的是：{ans.answer}")
    return ans


def _direct(strategies: list) -> tuple:
    """The first answer, unless another about as likely (within ``DIRECT_MARGIN``) cites the same
    passage in fewer words — the asked clause with its year, not the whole sentence around it."""
    best, p_best = strategies[0]
    where = _first_span(best.answer)
    return min(((p, pr) for p, pr in strategies if pr >= p_best - DIRECT_MARGIN and _first_span(p.answer) == where),
               key=lambda x: len(x[0].answer.answer), default=(best, p_best))


def _first_span(ans: Answer) -> tuple:
    c = ans.citations[0] if ans.citations else None
    return (c.doc_id, c.start, c.end) if c else ()


DIRECT_MARGIN = 0.01  # answers this close in the selector's probability are equally likely


def _first_quote(ans: Answer) -> str:
    return ans.citations[0].quote if ans.citations else ""


def _related(kb: AnswerContext, asked: Asked, best: Proposal) -> Answer:
    """The best candidate's first passage, quoted and cited, said to be the closest — not the answer.
    A list whose first quote is its heading (「（二）某某」 over its items) is shown whole: the
    heading alone says nothing."""
    c = best.answer.citations[0]
    doc = kb.index.docs[c.doc_id]
    start, end = sentence_around(doc, c.start, c.end)
    if len(best.answer.citations) > 1 and any(sec.start == start and sec.title.startswith(c.quote.rstrip("。"))
                                               for sec in doc.sections):
        text = f"{document_kind(doc.meta.title)}中与此最相关的表述是：{best.answer.answer}{RELATED_TAIL}"
        others = _not_found(kb, asked, "").related
        return Answer(asked.query.raw, "related", text, best.answer.citations, (),
                      tuple(r for r in others if (r.doc_id, r.start) != (c.doc_id, start)))
    cb = CitationBuilder(kb.index.docs)
    quote = cb.quote_sentence(c.doc_id, start, end)
    text = f"{document_kind(doc.meta.title)}中与此最相关的表述是：{quote}{RELATED_TAIL}"
    others = _not_found(kb, asked, "").related
    related = tuple(r for r in others if (r.doc_id, r.start) != (c.doc_id, start))
    return Answer(asked.query.raw, "related", text, cb.citations(), (), related)


def _not_found(kb: AnswerContext, asked: Asked, text: str) -> Answer:
    cb = CitationBuilder(kb.index.docs)
    related = tuple(cb.related(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in asked.hits[:3])
    return Answer(asked.query.raw, "not_found", text, (), (), related)
