"""Extractive, cited answers. Every sentence carries a citation whose quote is a verbatim slice
of the document; every number in the answer appears in a cited quote (checked before return);
when nothing supports an answer the status is not_found and passages are offered as related.

Order of work: understand the question once (kb.query → a typed Query), refuse what the corpus
cannot hold (another city, a missing document, a level with no document), retrieve, then try the
strategies of kb.answer.registry that apply to the Query, in order; the first answer whose
numbers all stand in its cited quotes (the guard) wins. `explain_question` also records every
candidate, its score and the chosen strategy."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from kb.answer.documents import attribute, merge_sides, not_found_text, scoped_context
from kb.answer.explain import Candidate, Explain, coverage_score
from kb.answer.registry import applicable
from kb.cite import CitationBuilder, ungrounded_numbers
from kb.lexicon import word_list
from kb.query import Query, retrieval_args, understand
from kb.query.documents import DocChoice, choose_documents
from kb.query.understand import LEVEL_WORDS
from kb.retrieve import Filters
from kb.types import Answer, Hit

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext

NOT_FOUND = "语料库中没有找到能回答这个问题的内容，不作推测。下面列出最接近的段落，仅供参考。"
_PERSON_WORDS = frozenset(word_list("words.toml", "person"))
_DOC_KINDS = word_list("words.toml", "doc_kinds")


def answer_question(kb: AnswerContext, question: str, k: int = 5, filters: Filters | None = None) -> Answer:
    return explain_question(kb, question, k, filters, explain=False)[0]


def explain_question(kb: AnswerContext, question: str, k: int = 5, filters: Filters | None = None,
                     explain: bool = True) -> tuple[Answer, Explain]:
    """The answer and how it was reached. With ``explain``, every applicable strategy is tried (the
    answer stays the first grounded one's); without, the first grounded answer ends the work."""
    q = understand(question, kb.settings.max_question_chars)
    guessed = kb.indicator_guesser.guess(q) if kb.indicator_guesser else None
    if guessed:  # a colloquial target question that names no indicator by a word we know
        q = dataclasses.replace(q, indicators=(guessed,))
    filters = filters or Filters()
    if q.level and not any(d.meta.level == q.level for d in kb.index.docs.values()) and any(
            len(w) >= 4 and w in q.text and any(w in d.text for d in kb.index.docs.values())
            for w in LEVEL_WORDS[q.level]):
        # The plan itself speaks of the province's name as a goal (美丽吉林), so it is a topic here,
        # not a request for the province's own document (which the corpus lacks)
        q = dataclasses.replace(q, level="")
    refusal = _out_of_corpus(kb, q, filters)
    level = q.level or _level_by_document_kind(kb, q)
    choice = DocChoice()
    if refusal is None and not (filters.doc_id or filters.level or filters.doc_ids):
        choice = choose_documents(q.text, kb.index.docs)  # which documents the question is about
        if choice.sides:
            return _both_sides(kb, question, k, choice, explain)
        if choice.scope:  # a region a higher document names is its scope, not another city
            q = dataclasses.replace(q, place="", scope=choice.scope)
        if choice.first:  # the higher document the city plan cites answers first
            ans, ex = explain_question(kb, question, k, Filters(doc_ids=choice.first), explain)
            if ans.status == "answered":
                return ans, ex
        if choice.doc_ids:
            filters, level = Filters(filters.doc_id, "", filters.section, choice.doc_ids), ""
            kb = scoped_context(kb, choice.doc_ids)
    if level and not filters.level and refusal is None:
        filters = Filters(filters.doc_id, level, filters.section, filters.doc_ids)
    hits = kb.retriever.search(q.expansion, k=max(k, 8), filters=filters, prefer=choice.prefer, **retrieval_args(q))
    not_found = not_found_text(choice, kb.index.docs, NOT_FOUND)
    if refusal is not None or not hits:
        ans = _not_found(kb, q, hits, refusal or not_found)
        return ans, Explain(q, "refusal" if refusal else "", 0.0, ())
    words = kb.relevance.key_words(q)
    if choice.routing:  # 国家层面, 国发〔2023〕24号 chose the documents; they are not what is asked about
        words = tuple(w for w in words if not any(w in r for r in choice.routing)) or words
    if "person" in q.asks:  # 「哪位领导」: who in person, not a topic of 领导
        words = tuple(w for w in words if w not in _PERSON_WORDS) or words
    allowed = {d.doc_id for d in kb.index.docs.values() if filters.allows_doc(d.doc_id, d.meta.level)}
    chosen: Answer | None = None
    chosen_name, chosen_score = "", 0.0
    candidates: list[Candidate] = []
    for strategy in applicable(q):
        cb = CitationBuilder(kb.index.docs)
        ans = strategy.run(kb, q, hits, cb, words, allowed)
        if ans is None:
            continue
        grounded = not ungrounded_numbers(ans.answer, ans.citations)
        score = coverage_score(kb.relevance, words, ans) if grounded else 0.0
        candidates.append(Candidate(strategy.name, score, ans.citations[0].quote if ans.citations else "", grounded,
                                    strategy.label))
        if grounded and chosen is None:
            chosen, chosen_name, chosen_score = ans, strategy.name, score
            if not explain:
                break
    if chosen is None:
        return _not_found(kb, q, hits, not_found), Explain(q, "", 0.0, tuple(candidates))
    chosen = attribute(chosen, kb.index.docs)  # an answer from a national document names it
    if chosen.status == "answered" and "person" in q.asks:
        # The plan names bodies, never people: say so, and give what it does say.
        chosen = dataclasses.replace(chosen, status="not_found",
                                     answer=f"规划没有写具体人员的姓名。规划写明的是：{chosen.answer}")
    confidence = chosen_score if chosen.status == "answered" else 0.0
    return chosen, Explain(q, chosen_name, confidence, tuple(candidates))


def _both_sides(kb: AnswerContext, question: str, k: int, choice: DocChoice,
                explain: bool) -> tuple[Answer, Explain]:
    """The city and a higher level asked together: one answer a side, from its own documents."""
    parts, last = [], None
    for side, ids in choice.sides:
        levels = {kb.index.docs[d].meta.level for d in ids}
        side_filters = Filters(level=levels.pop() if len(levels) == 1 else "", doc_ids=ids)
        ans, last = explain_question(kb, question, k, side_filters, explain)
        parts.append((side, ans))
    return merge_sides(question, parts), last


def _level_by_document_kind(kb: AnswerContext, q: Query) -> str:
    """「规划提出……」 names the kind of document; when only the documents of one level are of that
    kind (here the city's 规划, the nation's 意见), the question is about that level."""
    kinds = [k for k in _DOC_KINDS if k in q.text]
    if len(kinds) != 1:
        return ""
    levels = {d.meta.level for d in kb.index.docs.values() if kinds[0] in d.meta.title}
    return levels.pop() if len(levels) == 1 else ""


def _out_of_corpus(kb: AnswerContext, q: Query, filters: Filters) -> str | None:
    """A reason to refuse before retrieval, or None."""
    for missing in kb.index.known_missing:
        title = re.sub(r"（.*?）|\d", "", missing.get("title", ""))
        if title and (title in q.text or title.replace("建设规划", "") in q.text):
            return f"语料库中没有您提到的文件（{title}），无法据此回答。下面列出语料库中最接近的段落，仅供参考。"
    for phrase in q.quoted:  # a quoted part the corpus lacks (short quotes are paraphrase)
        if len(phrase) >= kb.settings.answering.quoted_min and not any(phrase in d.text for d in kb.index.docs.values()):
            return f"语料库中没有您引用的“{phrase}”，无法据此回答。下面列出语料库中最接近的段落，仅供参考。"
    if q.level and not any(d.meta.level == q.level for d in kb.index.docs.values()):
        name = {"national": "国家级", "provincial": "省级", "municipal": "市级"}[q.level]
        return f"语料库中没有{name}文件，无法回答关于{name}文件的问题。下面列出最接近的段落，仅供参考。"
    return None


def _not_found(kb: AnswerContext, q: Query, hits: list[Hit], text: str) -> Answer:
    cb = CitationBuilder(kb.index.docs)
    related = tuple(cb.related(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in hits[:3])
    return Answer(q.raw, "not_found", text, (), (), related)
