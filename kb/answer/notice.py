"""Questions about the notice itself, answered from the head of the document as government
notices are laid out (通知 format): who issued it (the signature lines above the date), to whom
it is addressed (the line ending in 「：」), and which higher documents it implements (the
opening sentence 「为全面贯彻落实《……》……」)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kb.cite import CitationBuilder
from kb.lexicon import pattern, word_list
from kb.query import Query
from kb.types import Answer, Document, Hit

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext

DATE_RE = pattern("text.toml", "date")
_ORG_RE = pattern("text.toml", "org_suffix")
_NOTICE_WORDS = word_list("words.toml", "notice_words")
_ABOUT = word_list("text.toml", "title_about")[0]  # 关于
_BASIS = word_list("text.toml", "basis")


def _lines(doc: Document, end: int) -> list[tuple[int, int]]:
    """(start, end) of each non-empty line of the document before ``end``."""
    out, pos = [], 0
    for line in doc.text[:end].split("\n"):
        if line.strip():
            s = pos + len(line) - len(line.lstrip())
            out.append((s, s + len(line.strip())))
        pos += len(line) + 1
    return out


def notice_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                  words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    kind = next((f.split(":", 1)[1] for f in q.asks if f.startswith("notice:")), "")
    docs = [kb.index.docs[d] for d in dict.fromkeys(h.chunk.doc_id for h in hits) if d in allowed]
    doc = docs[0] if docs else None
    if not kind or doc is None:
        return None
    # Only about the document itself: 「建设森林城市依据哪个总体规划」 asks about 森林城市, not the notice.
    about = doc.meta.title + "".join(_NOTICE_WORDS)
    if any(not kb.relevance.present(w, about) and kb.relevance.df(w) > 0 for w in words):
        return None
    date = DATE_RE.search(doc.text[:kb.settings.answering.notice_head_chars])
    lines = _lines(doc, date.start() if date else kb.settings.answering.notice_head_chars)
    if kind == "issuer" and date is not None:
        # the signature: the short lines without punctuation right above the date
        sig: list[tuple[int, int]] = []
        for s, e in reversed(lines):
            text = doc.text[s:e]
            if re.search(r"[，。；：、]", text):
                break
            if _ORG_RE.search(text) and len(text) <= 20:
                sig.append((s, e))  # a signature line: 中共吉林市委 / 吉林市人民政府 / 中共中央
            elif _ABOUT in text and _ORG_RE.search(text[: text.index(_ABOUT)]):
                sig.append((s, s + text.index(_ABOUT)))  # 「国务院关于……的意见」: the issuer heads the title
            elif sig:
                break
        if not sig:
            return None
        names = "、".join(cb.quote_span(doc.doc_id, s, e) for s, e in reversed(sig))
        return Answer(q.raw, "answered", f"发文机关：{names}；落款日期：{cb.quote_span(doc.doc_id, date.start(), date.end())}。",
                      cb.citations())
    if kind == "addressee":
        head = next(((s, e) for s, e in lines if doc.text[s:e].endswith("：") and "、" in doc.text[s:e] + "，"), None)
        if head is None:
            return None
        return Answer(q.raw, "answered", f"主送：{cb.quote_span(doc.doc_id, head[0], head[1] - 1)}。", cb.citations())
    basis = next((s for s in doc.sentences if s.start < kb.settings.answering.notice_head_chars + 600 and any(w in s.text for w in _BASIS)), None)
    if basis is None:
        return None
    return Answer(q.raw, "answered", cb.quote_sentence(doc.doc_id, basis.start, basis.end), cb.citations())
