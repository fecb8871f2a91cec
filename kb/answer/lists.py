"""Answers that are lists: a 专栏's items, the projects of a 专栏 paragraph, and the sentences of
a short section whose heading is what the question asks about (「X方面要实施哪些工程」 →
the sentences of 「（一）实施城市更新工程」, each quoted and cited)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from kb.cite import CitationBuilder
from kb.lexicon import pattern, word_list
from kb.query.understand import Query
from kb.structure import bare_title
from kb.types import Answer, Document, Hit, Section, Sentence

_COLUMN = word_list("text.toml", "column")  # 专栏
_COLUMN_ALT = "|".join(re.escape(w) for w in _COLUMN)
_PROJECT_LEAD = word_list("text.toml", "project_lead")
_FILLER = frozenset(word_list("outline.toml", "outline_filler"))
_WORKS_KIND = word_list("text.toml", "project") + word_list("text.toml", "works")
_ISSUING = word_list("text.toml", "issuing")
_LIST_OBJECT = pattern("asks.toml", "list_object")
NOTICE_ASKS = frozenset({"issued", "in_force", "notice"})  # questions about the issuing notice itself

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext



def is_heading(doc: Document, s: Sentence) -> bool:
    """A sentence that is only a heading, a lead sentence or a 专栏 item title: it names a topic
    but answers nothing (it still counts as context through the section path)."""
    body = s.text.rstrip("。；").lstrip("—")  # a 「——」 lead's title is stored without its dashes
    return any(sec.start == s.start and (sec.kind not in ("lead", "item") or body == sec.title.rstrip("。"))
               for sec in doc.sections)


def front_matter(doc: Document, s: Sentence) -> bool:
    """A line of the issuing notice above the document's first part: its title or number line,
    the salutation (「各省、自治区、直辖市人民政府，……：」) or the issuing sentence (「现将……印发给
    你们」). It says who issued the document to whom, never what the document asks."""
    if s.path:
        return False
    text = s.text.rstrip()
    return (text.endswith("：") or any(w in text for w in _ISSUING)
            or ("，" not in text and not text.endswith(("。", "；"))))


def para_end(text: str, start: int) -> int:
    end = text.find("\n", start)
    return len(text) if end < 0 else end


def column_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                  words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    number = q.column
    for doc in kb.index.docs.values():
        if doc.doc_id not in allowed:
            continue
        heads = [s for s in doc.sections if s.kind == "column" and re.match(rf"(?:{_COLUMN_ALT})\s*{number}(?!\d)", s.title)]
        if not heads:
            continue
        col = heads[0]
        items = [s for s in doc.sections if s.kind == "item" and s.path[:-1] == col.path]
        # A question about part of the column (「专栏4里的沃野千里工程」) gets that item only.
        rel = kb.relevance
        rest = tuple(w for w in words if not rel.present(w, col.title) and not w.startswith(_COLUMN))
        if items and rest:
            best = max(items, key=lambda s: rel.coverage(rest, doc.text[s.start:para_end(doc.text, s.start)]))
            if rel.coverage(rest, doc.text[best.start:para_end(doc.text, best.start)]) >= kb.settings.answering.sentence_min:
                items = [best]
        head = cb.quote_span(doc.doc_id, col.start, col.start + len(col.title))
        if items:
            listed = "\n".join(cb.quote_sentence(doc.doc_id, s.start, para_end(doc.text, s.start)) for s in items)
            return Answer(q.raw, "answered", f"{head}包括：\n{listed}", cb.citations())
        body = doc.text.find("\n", col.start) + 1  # a column written as one paragraph
        text = f"{head}：{cb.quote_sentence(doc.doc_id, body, para_end(doc.text, body))}"
        return Answer(q.raw, "answered", text, cb.citations())
    return Answer(q.raw, "not_found", "语料库中没有这个专栏。", ())


def project_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                   words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    """Projects named in the best-covering 专栏 paragraph: among the top passages, or any 专栏
    paragraph of the documents in view (a 专栏 list is short and names its works plainly, so the
    retriever may rank it low), the latter a little behind."""
    rel = kb.relevance
    # what kind of thing is asked (重点工程, 项目, 列出) is not its topic: every 专栏 lists works
    words = tuple(w for w in words if w not in _FILLER and not any(k in w for k in _WORKS_KIND)) or words
    ranked = [h.chunk for h in hits[:5]]
    pool = ranked + [c for c in kb.index.chunks if c.doc_id in allowed and c not in ranked]
    scored = []
    for c in pool:
        if not any(w in p for p in c.path for w in _COLUMN):
            continue
        rank = ranked.index(c) if c in ranked else len(ranked)
        cov = rel.coverage(words, c.text + " " + c.section)
        scored.append((cov - 0.05 * rank, cov, c))
    scored.sort(key=lambda x: -x[0])
    floor = kb.settings.answering.sentence_min
    if not scored or scored[0][0] < floor:
        return None
    # the best 专栏 paragraph, and any other that holds the words as well (works of one kind or of
    # one company listed under two 专栏), whatever the retriever's order: each gives its project sentences
    band, top = kb.settings.answering.project_band, scored[0][1]
    chosen = [scored[0][2]] + [c for _, cov, c in scored[1:] if cov >= max(floor, top - band)]
    chosen = chosen[:kb.settings.answering.list_max]
    lines = []
    for chunk in chosen:
        doc = kb.index.docs[chunk.doc_id]
        sents = [s for s in doc.sentences if chunk.start <= s.start < chunk.end and s.text.startswith(_PROJECT_LEAD)]
        sents = sents or [s for s in doc.sentences if chunk.start <= s.start < chunk.end][:2]
        sents = sorted(sents, key=lambda s: -rel.coverage(words, s.text))[:2 if chunk is chosen[0] else 1]
        lines.append("".join(cb.quote_sentence(doc.doc_id, s.start, s.end) for s in sorted(sents, key=lambda s: s.start)))
    return Answer(q.raw, "answered", "\n".join(dict.fromkeys(lines)), cb.citations())


def named_headings(kb: AnswerContext, text: str, allowed: Iterable[str]) -> list[tuple[Document, Section]]:
    """The sections of the allowed documents whose heading the list question names whole as what
    it asks the items of, numbering aside (「重点区域到底是哪几块」 → 「（二）重点区域」), at least
    ``named_heading_min`` characters; a heading named in passing (「重点区域和其他地区各是多少」) is not."""
    out = []
    for doc_id in allowed:
        doc = kb.index.docs[doc_id]
        for sec in doc.sections:
            title = bare_title(sec.title)
            if sec.kind != "section" or len(title) < kb.settings.answering.named_heading_min:
                continue
            at = text.find(title)
            if at >= 0 and _LIST_OBJECT.match(text, at + len(title)):
                out.append((doc, sec))
    return out


_BRACKETED = re.compile(r"[（(][^（）()]*[）)]")


def section_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                   words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    """A list question whose topic is one short section's heading: that section's sentences.

    Declines (the evidence answer then picks sentences) when no heading holds the question's key
    words, when two headings hold them alike (the question does not name one section), or when
    the section is too long to be a list."""
    rel = kb.relevance
    # words only inside the question's brackets give examples of the items asked (「……的具体要求
    # （甲、乙等环节）」): the heading names the list, its items hold the examples
    outside = _BRACKETED.sub("", q.text)
    words = tuple(w for w in words if w in outside or w not in q.text) or words
    if not words:
        return None
    candidates: dict[tuple[str, int], tuple[float, Document, object]] = {}
    for rank, h in enumerate(hits[:5]):
        doc = kb.index.docs[h.chunk.doc_id]
        if doc.doc_id not in allowed:
            continue
        for sec in doc.sections:
            if sec.kind not in ("section", "lead", "item") or not (sec.start <= h.chunk.start < sec.end
                                                         or h.chunk.start <= sec.start < h.chunk.end):
                continue
            score = rel.coverage(words, sec.title) - 0.02 * rank
            key = (doc.doc_id, sec.start)
            if key not in candidates or score > candidates[key][0]:
                candidates[key] = (score, doc, sec)
    # A heading the question names whole (「……圈的重点区域是哪几块」 → 「（二）重点区域」) is the
    # list asked, wherever the retriever ranked its passage; two such headings alike decline below.
    for doc, sec in named_headings(kb, q.text, allowed) if "heading" in q.asks else ():
        candidates[(doc.doc_id, sec.start)] = (1.0, doc, sec)
    ranked = sorted(candidates.values(), key=lambda c: -c[0])
    if not ranked or ranked[0][0] < kb.settings.answering.section_title_min:
        return None
    if len(ranked) > 1 and ranked[1][0] >= ranked[0][0] - 0.1 and not _nested(ranked[0][2], ranked[1][2]):
        return None
    _, doc, sec = ranked[0]
    sents = [s for s in doc.sentences if sec.start <= s.start < sec.end]
    if sents and sents[0].start == sec.start:  # a lead paragraph: its first sentence is the heading
        head = cb.quote_span(doc.doc_id, sents[0].start, sents[0].end)
        sents = sents[1:]
    else:
        head = cb.quote_span(doc.doc_id, sec.start, sec.start + len(sec.title))
    body = [s for s in sents if not is_heading(doc, s)]
    if sec.kind == "item":  # a 专栏 item: 「1.城市更新工程。重点实施……等。」 is the whole list
        return Answer(q.raw, "answered", f"{head}：{''.join(cb.quote_sentence(doc.doc_id, s.start, s.end) for s in body)}",
                      cb.citations()) if body else None
    if not 2 <= len(body) <= kb.settings.answering.section_max_sentences or sum(len(s.text) for s in body) > kb.settings.answering.section_max_chars:
        # A long section made of lead paragraphs (「健全环境治理领导责任体系。……」「健全环境治理企业
        # 责任体系。……」) lists its leads: they are what it is made of.
        leads = [x for x in doc.sections if x.kind == "lead" and x.path[:-1] == sec.path]
        if sec.kind != "section" or not 2 <= len(leads) <= 2 * kb.settings.answering.section_max_sentences:
            return None
        lines = []
        for lead in leads:
            first = next(s for s in doc.sentences if s.start >= lead.start)
            lines.append(cb.quote_sentence(doc.doc_id, first.start, first.end))
        return Answer(q.raw, "answered", f"{head}包括：\n" + "\n".join(lines), cb.citations())
    leads = [x for x in doc.sections if x.kind == "lead" and x.path[:-1] == sec.path]
    if len(leads) >= 2:  # paragraphs that open with their names (「京津冀及周边地区。包含……」): each whole
        listed = "\n".join(cb.quote_sentence(doc.doc_id, x.start, para_end(doc.text, x.start)) for x in leads)
        return Answer(q.raw, "answered", f"{head}包括：\n{listed}", cb.citations())
    listed = "\n".join(cb.quote_sentence(doc.doc_id, s.start, s.end) for s in body)
    return Answer(q.raw, "answered", f"{head}：\n{listed}", cb.citations())


def _nested(a, b) -> bool:
    """One section inside the other (a section and the lead paragraph that opens it)."""
    return a.start <= b.start < a.end or b.start <= a.start < b.end
