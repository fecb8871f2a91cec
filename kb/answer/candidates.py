"""Candidates: every applicable strategy's answer, and the best sentence of each top passage.

`prepare` reads the question once (kb.query → a typed Query), refuses what the corpus cannot
hold (another city, a missing document, a level with no document) and retrieves; `propose` runs
every strategy of kb.answer.registry that applies and adds the top retrieved sentences as
``passage`` candidates, so the passage holding the answer is a candidate even when no strategy
answers. Selection among them is kb.select's (see kb.answer.pipeline)."""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.answer.documents import HIGHER_LEVELS, scoped_context
from kb.answer.lists import NOTICE_ASKS, front_matter, is_heading, named_headings
from kb.answer.registry import applicable
from kb.cite import CitationBuilder, ungrounded_numbers
from kb.lexicon import word_list
from kb.query import Query, retrieval_args, understand
from kb.query.documents import DocChoice, choose_documents
from kb.query.framing import without_speaker
from kb.query.understand import LEVEL_WORDS
from kb.retrieve import Filters
from kb.select.features import Proposal
from kb.types import Answer, Hit

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext

_PERSON_WORDS = frozenset(word_list("words.toml", "person"))
_DOC_KINDS = word_list("words.toml", "doc_kinds")
PASSAGES = 3  # top passages whose best sentence is offered as a candidate


@dataclass(frozen=True)
class Asked:
    """The question read once, with what retrieval found for it."""

    query: Query
    hits: tuple[Hit, ...]
    words: tuple[str, ...]  # the key words a quote should hold
    allowed: frozenset[str]  # documents the filters allow
    refusal: str | None  # a reason to refuse before any strategy, or None
    choice: DocChoice = dataclasses.field(default_factory=DocChoice)  # the documents the question is about (kb.query.documents)
    context: object = None  # the answer context whose key-word weights count the chosen documents


def prepare(kb: AnswerContext, question: str, k: int = 5, filters: Filters | None = None) -> Asked:
    """The question read, the documents chosen, refusals decided, passages retrieved. A question
    asking the city and a higher level together comes back unretrieved with ``choice.sides``."""
    q = understand(question, kb.settings.max_question_chars, kb.index.tokenizer, kb.relevance.known)
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
    refusal = _out_of_corpus(kb, q)
    level = q.level or _level_by_document_kind(kb, q)
    choice = DocChoice()
    if refusal is None and not (filters.doc_id or filters.level or filters.doc_ids):
        choice = choose_documents(without_speaker(q.text), kb.index.docs)  # which documents the question is about
        if choice.sides:
            return Asked(q, (), (), frozenset(), None, choice, kb)
        if choice.scope:  # a region a higher document names is its scope, not another city
            q = dataclasses.replace(q, place="", scope=choice.scope)
        elif q.place and choice.doc_ids and all(kb.index.docs[d].meta.level in HIGHER_LEVELS for d in choice.doc_ids) \
                and any(q.place in kb.index.docs[d].text for d in choice.doc_ids):
            # 「那个计划里，某地的浓度要控制在多少」: a place the higher documents asked about speak of is
            # asked about in them, not another city's own plan (which the corpus lacks)
            q = dataclasses.replace(q, place="")
        if choice.doc_ids:
            filters, level = Filters(filters.doc_id, "", filters.section, choice.doc_ids), ""
            kb = scoped_context(kb, choice.doc_ids)
    if level and not filters.level and refusal is None:
        filters = Filters(filters.doc_id, level, filters.section, filters.doc_ids)
    hits = kb.retriever.search(_without(q.expansion, choice.routing), k=max(k, 8), filters=filters,
                               prefer=choice.prefer, **retrieval_args(q))
    if kb.extra_queries and refusal is None:
        hits = _with_extra(kb, hits, k, filters, choice.prefer)
    words = kb.relevance.key_words(q)
    if choice.routing:  # 国家层面, 国发〔2023〕24号 chose the documents; they are not what is asked about
        words = tuple(w for w in words if not any(w in r for r in choice.routing)) or words
    if "person" in q.asks:  # 「哪位领导」: who in person, not a topic of 领导
        words = tuple(w for w in words if w not in _PERSON_WORDS) or words
    allowed = frozenset(d.doc_id for d in kb.index.docs.values() if filters.allows_doc(d.doc_id, d.meta.level))
    if q.intent == "list" and q.outline is None and named_headings(kb, q.text, sorted(allowed)):
        # the list under a heading the question names whole (a part of the structure, 基本原则 or
        # 主要任务, is the outline strategy's)
        q = dataclasses.replace(q, asks=q.asks | {"heading"})
    return Asked(q, tuple(hits), words, allowed, refusal, choice, kb)


EXTRA_PER_QUERY = 2  # passages each of the model's search phrases may add


def _with_extra(kb: AnswerContext, hits: list[Hit], k: int, filters: Filters, prefer: tuple[str, ...]) -> list[Hit]:
    """The question's own passages first, in their order, then up to EXTRA_PER_QUERY new passages
    for each search phrase the model wrote (kb/llm rewriting): alongside, never instead."""
    out = list(hits)
    seen = {h.chunk.chunk_id for h in hits}
    for text in kb.extra_queries:
        added = 0
        for h in kb.retriever.search(text, k=max(k, 8), filters=filters, prefer=prefer):
            if added < EXTRA_PER_QUERY and h.chunk.chunk_id not in seen:
                seen.add(h.chunk.chunk_id)
                out.append(h)
                added += 1
    return out


def _without(text: str, routing: tuple[str, ...]) -> str:
    """The question as searched: the words that chose the documents (their title, 文号) rank
    every passage of those documents alike (and their notice first), so they are left out."""
    out = text
    for w in sorted(routing, key=len, reverse=True):
        out = out.replace(w, " ")
    return out if len(re.sub(r"\W", "", out)) >= 2 else text


def propose(kb: AnswerContext, asked: Asked, stop_at_first: bool = False) -> list[Proposal]:
    """Every applicable strategy's answer in the hand order, then the passages (none for a
    question about another city: only a sentence naming that city could answer, and none does)."""
    q, hits = asked.query, list(asked.hits)
    out: list[Proposal] = []
    seen_grounded = False
    for order, strategy in enumerate(applicable(q)):
        cb = CitationBuilder(kb.index.docs)
        ans = strategy.run(kb, q, hits, cb, asked.words, set(asked.allowed))
        if ans is None:
            continue
        grounded = not ungrounded_numbers(ans.answer, ans.citations)
        out.append(Proposal(strategy.name, strategy.label, ans, grounded, order, grounded and not seen_grounded))
        seen_grounded = seen_grounded or grounded
        if grounded and stop_at_first:
            return out
    if q.place:
        return out
    base = sum(1 for s in applicable(q) if s.trained)
    for i, ans in enumerate(passages(kb, q, hits, asked.words)):
        out.append(Proposal("passage", "检索到的原文句子", ans, True, base + i, False))
    return out


def passages(kb: AnswerContext, q: Query, hits: list[Hit], words: tuple[str, ...]) -> list[Answer]:
    """The sentence of each top passage that holds most of the key words (with its headings)."""
    out: list[Answer] = []
    seen: set[tuple[str, int]] = set()
    about_content = not (q.asks & NOTICE_ASKS)
    for h in hits[:PASSAGES]:
        doc = kb.index.docs[h.chunk.doc_id]
        best, best_cov = None, -1.0
        for s in doc.sentences[bisect_left(doc.sentences, h.chunk.start, key=lambda x: x.start):]:
            if s.start >= h.chunk.end:
                break
            if len(s.text) < 6 or is_heading(doc, s) or (about_content and front_matter(doc, s)):
                continue
            cov = kb.relevance.coverage(words, s.text + " " + " ".join(s.path)) + 0.5 * kb.relevance.coverage(words, s.text)
            if cov > best_cov:
                best, best_cov = s, cov
        if best is None or (doc.doc_id, best.start) in seen:
            continue
        seen.add((doc.doc_id, best.start))
        cb = CitationBuilder(kb.index.docs)
        out.append(Answer(q.raw, "answered", cb.quote_sentence(doc.doc_id, best.start, best.end), cb.citations()))
    return out


def document_kind(title: str) -> str:
    """规划, 意见, 方案 … as the document's title names it (文件 when none)."""
    found = [(title.rfind(k), k) for k in _DOC_KINDS if k in title]
    return max(found)[1] if found else "文件"


def _level_by_document_kind(kb: AnswerContext, q: Query) -> str:
    """「规划提出……」 names the kind of document; when only the documents of one level are of that
    kind (here the city's 规划, the nation's 意见), the question is about that level."""
    kinds = [k for k in _DOC_KINDS if k in q.text]
    if len(kinds) != 1:
        return ""
    levels = {d.meta.level for d in kb.index.docs.values() if kinds[0] in d.meta.title}
    return levels.pop() if len(levels) == 1 else ""


def _out_of_corpus(kb: AnswerContext, q: Query) -> str | None:
    """A reason to refuse before retrieval, or None."""
    for missing in kb.index.known_missing:
        title = re.sub(r"（.*?）|\d", "", missing.get("title", ""))
        if title and (title in q.text or any(title.replace(w, "") in q.text for w in word_list("text.toml", "title_suffixes"))):
            return f"语料库中没有您提到的文件（{title}），无法据此回答。下面列出语料库中最接近的段落，仅供参考。"
    for phrase in q.quoted:  # a quoted part the corpus lacks (short quotes are paraphrase)
        if len(phrase) >= kb.settings.answering.quoted_min and not any(phrase in d.text for d in kb.index.docs.values()):
            # a refusal never repeats a number no quote holds: a quote with digits is not echoed
            shown = "这段话" if re.search(r"\d", phrase) else f"“{phrase}”"
            return f"语料库中没有您引用的{shown}，无法据此回答。下面列出语料库中最接近的段落，仅供参考。"
    if q.level and not any(d.meta.level == q.level for d in kb.index.docs.values()):
        name = {"national": "国家级", "provincial": "省级", "municipal": "市级"}[q.level]
        return f"语料库中没有{name}文件，无法回答关于{name}文件的问题。下面列出最接近的段落，仅供参考。"
    return None
