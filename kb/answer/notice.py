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
_DATE_LINE_RE = pattern("text.toml", "date_line")
_NUMBER_RE = pattern("text.toml", "doc_number")
_KIND_RE = re.compile("|".join(map(re.escape, word_list("documents.toml", "kinds"))))
_ASKING_RE = pattern("asks.toml", "asking_before_subject")
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


def own_date(doc: Document, head: int) -> re.Match[str] | None:
    """The document's own date: a line holding only a date in its head (under the signature or
    the title), else such a line at its end, else the first date in its head."""
    lines = list(_DATE_LINE_RE.finditer(doc.text))
    first = next((m for m in lines if m.start() < head), None)
    if first is not None:
        return _span(first)
    if lines:
        return _span(lines[-1])
    return DATE_RE.search(doc.text[:head])


def _span(m: re.Match[str]) -> re.Match[str]:
    """The date itself, without the brackets around it."""
    return DATE_RE.search(m.string, m.start(1), m.end(1))


def _signature(doc: Document, date: re.Match[str]) -> list[tuple[int, int]]:
    """The issuing bodies: the short lines without punctuation right above the date line (one
    body a line, as 落款 are set), or the issuer heading the title (「国务院关于……的意见」)."""
    sig: list[tuple[int, int]] = []
    for s, e in reversed(_lines(doc, date.start())):
        text = doc.text[s:e]
        if re.search(r"[，。；：、]", text):
            break
        if _ORG_RE.search(text) and len(text) <= 20:
            sig.append((s, e))  # a signature line: 中共某市委 / 某市人民政府 / 某某部
        elif _ABOUT in text and _ORG_RE.search(text[: text.index(_ABOUT)]):
            sig.append((s, s + text.index(_ABOUT)))  # 「国务院关于……的意见」: the issuer heads the title
        elif sig:
            break
    return sig[::-1]


def _number_answer(q: Query, doc: Document, cb: CitationBuilder, head: int) -> Answer:
    """The document's number (发文字号, 「某发〔2023〕9号」) as its head states it, or the plain
    statement that the text carries none: a number is never made up from metadata."""
    # its own line under the title; a number in brackets after a 《title》 is another document's
    m = next((m for m in _NUMBER_RE.finditer(doc.text[:head])
              if doc.text[doc.text.rfind("\n", 0, m.start()) + 1:m.start()].strip() == ""
              and doc.text[m.end():].split("\n", 1)[0].strip() == ""), None)
    if m is None:
        return Answer(q.raw, "not_found", "文件正文没有写明发文字号（文号）。", ())
    return Answer(q.raw, "answered", f"发文字号：{cb.quote_span(doc.doc_id, m.start(), m.end())}。", cb.citations())


def _document_named(text: str) -> str:
    """The words naming the document when it is the question's subject (「再生水那份指导意见是谁发的」):
    the text up to the first kind of document, when no question word stands before it. A kind
    named as the thing asked for (「依据哪个总体规划」) names nothing."""
    m = _KIND_RE.search(text)
    if m is None or _ASKING_RE.search(text[:m.start()]):
        return ""
    return text[:m.end()]


def notice_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                  words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    kind = next((f.split(":", 1)[1] for f in q.asks if f.startswith("notice:")), "")
    docs = [kb.index.docs[d] for d in dict.fromkeys(h.chunk.doc_id for h in hits) if d in allowed]
    doc = docs[0] if docs else None
    if not kind or doc is None:
        return None
    # Only about the document itself: 「建设森林城市依据哪个总体规划」 asks about 森林城市, not the
    # notice. A number (文号) is only ever a document's: the words naming it need not be its title's.
    about = doc.meta.title + "".join(_NOTICE_WORDS) + _document_named(q.text)
    if kind != "number" and any(not kb.relevance.present(w, about) and kb.relevance.df(w) > 0 for w in words):
        return None
    head = kb.settings.answering.notice_head_chars
    if kind == "number":
        return _number_answer(q, doc, cb, head)
    date = DATE_RE.search(doc.text[:head])
    lines = _lines(doc, date.start() if date else head)
    if kind == "issuer":
        # the signature above the date in the head, else above the date line that ends the text
        sig = _signature(doc, date) if date is not None else []
        if not sig:
            date = own_date(doc, head)
            sig = _signature(doc, date) if date is not None else []
        if not sig or date is None:
            return None
        names = "、".join(cb.quote_span(doc.doc_id, s, e) for s, e in sig)
        return Answer(q.raw, "answered", f"发文机关：{names}；落款日期：{cb.quote_span(doc.doc_id, date.start(), date.end())}。",
                      cb.citations())
    if kind == "addressee":
        line = next(((s, e) for s, e in lines if doc.text[s:e].endswith("：") and "、" in doc.text[s:e] + "，"), None)
        if line is None:
            return None
        return Answer(q.raw, "answered", f"主送：{cb.quote_span(doc.doc_id, line[0], line[1] - 1)}。", cb.citations())
    basis = next((s for s in doc.sentences if s.start < head + 600 and any(w in s.text for w in _BASIS)), None)
    if basis is None:
        return None
    return Answer(q.raw, "answered", cb.quote_sentence(doc.doc_id, basis.start, basis.end), cb.citations())
