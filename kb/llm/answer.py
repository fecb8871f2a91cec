"""The model's two optional uses for one question, inside one time budget (llm_timeout):

(a) rewriting: the question said in the documents' terms, a few search phrases whose passages
    are retrieved beside the question's own (kb.answer.candidates, ``extra_queries``);
(b) reading: the top passages, numbered sentence by sentence, go to the model, which names the
    sentences that answer and writes a short answer; kb.llm.guard decides whether it stands.

The extractive answer is always computed; the model's answer replaces it only when it passes
the guard. Any failure (dead endpoint, timeout, HTTP error, malformed JSON, a broken rule of the
guard) keeps the extractive answer, and the reason is in ``explain.llm``."""

from __future__ import annotations

import dataclasses
import time
from bisect import bisect_left
from typing import TYPE_CHECKING

from kb.answer.candidates import prepare
from kb.answer.explain import Explain, LLMNote
from kb.llm.client import Budget, LLMClient, LLMFailure, LLMUnreachable
from kb.llm.guard import GuardFailure, guard
from kb.llm.prompts import (
    REWRITE_TERM_CHARS,
    NumberedSentence,
    Reading,
    read_messages,
    read_schema,
    rewrite_messages,
    rewrite_schema,
)
from kb.types import Answer

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext
    from kb.retrieve import Filters

READ_PASSAGES = 4  # passages the model reads at most
READ_SENTENCES = 6  # sentences of a passage it sees at most (and llm_context_chars in all)
REWRITE_SHARE = 0.35  # share of the budget rewriting may use; reading gets the rest

_clients: dict[tuple, LLMClient] = {}


def client_for(settings) -> LLMClient:
    key = (settings.llm_base_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout,
           settings.llm_max_tokens)
    if key not in _clients:
        _clients[key] = LLMClient(settings)
    return _clients[key]


def ask_with_llm(kb: AnswerContext, question: str, k: int, filters: Filters | None,
                 run) -> tuple[Answer, Explain]:
    """``run(context)`` gives the extractive (answer, explain) for a context; the model's answer
    replaces it only when it passes the guard."""
    settings = kb.settings
    t0 = time.monotonic()
    budget = Budget.of(settings.llm_timeout)
    client = client_for(settings)
    rewrites: tuple[str, ...] = ()
    reason = kind = ""
    dead = False  # the endpoint is down: reading would fail the same way
    if settings.llm_rewrite:
        try:
            rewrites = rewrite(client, question, Budget(min(budget.deadline, t0 + settings.llm_timeout * REWRITE_SHARE)))
        except LLMFailure as e:  # a silent endpoint still gets the rest of the budget to read
            reason, kind, dead = f"改写问题失败：{e}", e.kind, isinstance(e, LLMUnreachable)
        if rewrites:
            kb = dataclasses.replace(kb, extra_queries=rewrites)
    ans, e = run(kb)
    if not settings.llm_read:
        reason, kind = (reason, kind) if reason else ("没有启用模型阅读（llm_read=0）", "off")
    elif dead:
        pass
    elif e.strategy == "refusal" or (ans.status == "not_found" and e.strategy):
        reason, kind = "规则判定语料库无法回答这个问题（或已给出有理由的回答），不请模型作答", "rules"
    else:
        try:
            ans = _read(kb, question, k, filters, client, budget, ans)
            reason = kind = ""
        except (LLMFailure, GuardFailure) as err:
            reason, kind = str(err), err.kind
    note = LLMNote(ans.answered_by, reason, rewrites, time.monotonic() - t0, kind)
    return ans, dataclasses.replace(e, llm=note)


def rewrite(client: LLMClient, question: str, budget: Budget) -> tuple[str, ...]:
    reply = client.chat_json(rewrite_messages(question), rewrite_schema(), "rewrite", budget, max_tokens=80)
    terms = reply.get("terms")
    if not isinstance(terms, list):
        raise LLMFailure("模型的改写答复缺少 terms")
    out = []
    for t in terms[:3]:
        if isinstance(t, str) and 2 <= len(t.strip()) <= REWRITE_TERM_CHARS and t.strip() not in out:
            out.append(t.strip())
    return tuple(out)


def _read(kb: AnswerContext, question: str, k: int, filters: Filters | None, client: LLMClient,
          budget: Budget, extractive: Answer) -> Answer:
    asked = prepare(kb, question, k, filters)
    if not asked.hits:
        raise LLMFailure("没有检索到可供模型阅读的段落", "passages")
    reading = reading_of(kb, asked.hits, kb.settings.llm_context_chars)
    if not reading.sentences:
        raise LLMFailure("检索到的段落中没有可引用的句子", "passages")
    reply = client.chat_json(read_messages(question, reading), read_schema(reading, kb.settings.llm_max_tokens),
                            "answer", budget)
    text, citations = guard(reply, reading, kb.index.docs)
    return Answer(extractive.question, "answered", text, citations, (), extractive.related,
                  extractive.confidence, "llm")


def reading_of(kb: AnswerContext, hits, max_chars: int = 100_000) -> Reading:
    """The top passages as numbered sentences with their document spans, in rank order, until
    max_chars characters of sentences are shown (the first sentence always)."""
    out: list[NumberedSentence] = []
    titles: list[str] = []
    seen: set[str] = set()
    room = max_chars
    for h in hits:
        if len(titles) >= READ_PASSAGES or (out and room <= 0):
            break
        if h.chunk.chunk_id in seen:
            continue
        seen.add(h.chunk.chunk_id)
        doc = kb.index.docs[h.chunk.doc_id]
        sentences = [s for s in doc.sentences[bisect_left(doc.sentences, h.chunk.start, key=lambda x: x.start):]
                     if s.start < h.chunk.end][:READ_SENTENCES]
        fits = 0
        while fits < len(sentences) and (not (out or fits) or len(sentences[fits].text) <= room):
            room -= len(sentences[fits].text)
            fits += 1
        sentences = sentences[:fits]
        if not sentences:
            continue
        titles.append(doc.meta.title)
        p = len(titles)
        out.extend(NumberedSentence(p, i, doc.doc_id, s.text, s.start, s.end) for i, s in enumerate(sentences, 1))
    return Reading(tuple(out), tuple(titles))
