"""The citation guard for the model's answer — the extractive guard, stricter.

The model's reply passes only if: it has the schema's shape; every quote names a passage and a
sentence that were shown, and is a verbatim span of that sentence (so it maps to
``doc.text[start:end]``); every sentence of the answer carries a marker [n] of a quote; and every
number of the answer stands in a cited quote (kb.cite.ungrounded_numbers, the check every
extractive answer passes). Anything else raises GuardFailure with the reason in Chinese, and the
caller keeps the extractive answer."""

from __future__ import annotations

import re

from kb.cite import CitationBuilder, ungrounded_numbers
from kb.llm.prompts import ANSWER_MAX_CHARS, MAX_QUOTES, Reading
from kb.types import Citation, Document

_MARKER = re.compile(r"\[(\d+)\]")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;\n])")


class GuardFailure(Exception):
    """The model's answer broke a rule of the guard; the message says which, in Chinese."""

    kind = "guard"


def guard(reply: dict, reading: Reading, docs: dict[str, Document]) -> tuple[str, tuple[Citation, ...]]:
    """The model's answer with its markers renumbered and its citations, or GuardFailure."""
    quotes, answer = _shape(reply)
    if not quotes:
        raise GuardFailure("模型没有引用任何原文")
    cb = CitationBuilder(docs)
    numbers: dict[int, int] = {}  # the model's quote number → the citation's number
    for i, q in enumerate(quotes, 1):
        shown = reading.find(q["passage"], q["sentence"])
        if shown is None:
            raise GuardFailure(f"模型引用了不存在的段落或句子（段落{q['passage']}第{q['sentence']}句）")
        text = q["quote"].strip()
        at = shown.text.find(text) if text else -1
        if at < 0:
            raise GuardFailure(f"模型的第{i}条引文不是原文（段落{q['passage']}第{q['sentence']}句中没有这段文字）")
        start = shown.start + at
        doc = docs[shown.doc_id]
        if doc.text[start:start + len(text)] != text:  # the sentence's offsets disagree with the document
            raise GuardFailure(f"模型的第{i}条引文对不上文件原文的位置")
        numbers[i] = cb.cite(shown.doc_id, start, start + len(text))
    text = answer.strip()
    if not text:
        raise GuardFailure("模型的答案是空的")
    for sentence in (s.strip() for s in _SENTENCE_END.split(text)):
        if not sentence:
            continue
        marks = [int(m) for m in _MARKER.findall(sentence)]
        if not marks:
            raise GuardFailure(f"模型答案中有一句没有标注出处：「{sentence[:30]}」")
        if not _MARKER.sub("", sentence).strip(" 。！？；，,.!?;"):
            continue  # a marker alone after the sentence's end belongs to it
        for m in marks:
            if m not in numbers:
                raise GuardFailure(f"模型答案标注的出处 [{m}] 不在它的引文中")
    for m in (int(x) for x in _MARKER.findall(text)):
        if m not in numbers:
            raise GuardFailure(f"模型答案标注的出处 [{m}] 不在它的引文中")
    renumbered = _MARKER.sub(lambda m: f"[{numbers[int(m.group(1))]}]", text)
    used = {numbers[int(m)] for m in _MARKER.findall(text)}
    citations = tuple(c for c in cb.citations() if c.n in used)
    if len(used) != len(cb.citations()):  # quotes the answer never cites are left out, numbers closed up
        renumbered, citations = _close_up(renumbered, citations)
    missing = ungrounded_numbers(renumbered, citations)
    if missing:
        raise GuardFailure(f"模型答案中的数字 {'、'.join(dict.fromkeys(missing))} 不在所引原文中")
    return renumbered, citations


def _shape(reply: dict) -> tuple[list[dict], str]:
    """The reply's quotes and answer, checked against the schema (a server may not enforce it)."""
    if not isinstance(reply, dict):
        raise GuardFailure("模型的答复不是 JSON 对象")
    quotes, answer = reply.get("quotes"), reply.get("answer")
    if not isinstance(quotes, list) or not isinstance(answer, str):
        raise GuardFailure("模型的答复缺少 quotes 或 answer")
    if len(quotes) > MAX_QUOTES or len(answer) > ANSWER_MAX_CHARS:
        raise GuardFailure("模型的答复超出了长度上限")
    for q in quotes:
        if not (isinstance(q, dict) and isinstance(q.get("quote"), str)
                and all(isinstance(q.get(k), int) and not isinstance(q.get(k), bool) for k in ("passage", "sentence"))):
            raise GuardFailure("模型的引文格式不对（应有 passage、sentence、quote）")
    return quotes, answer


def _close_up(text: str, citations: tuple[Citation, ...]) -> tuple[str, tuple[Citation, ...]]:
    new = {c.n: i for i, c in enumerate(citations, 1)}
    out = tuple(Citation(new[c.n], c.doc_id, c.title, c.section, c.quote, c.start, c.end) for c in citations)
    return _MARKER.sub(lambda m: f"[{new[int(m.group(1))]}]", text), out
