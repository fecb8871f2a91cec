"""The section tree of a document as outline answers read and cite it: which document a structure
question is about, its top parts and children, and one cited line per node (its heading, or for a
phase or a lead its summing-up sentence; for a part without children its own sentences or the
short head lines of its paragraphs). Used by kb/answer/outline.py."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.cite import CitationBuilder
from kb.lexicon import pattern, word_list
from kb.query import Query
from kb.query.outline import named_parts
from kb.types import Answer, Document, Hit, Section

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext

DOC_KINDS = word_list("words.toml", "doc_kinds")
NODE_KINDS = ("chapter", "section", "column", "phase", "article")
_CN = "零一二三四五六七八九"


def chinese(n: int) -> str:
    """12 → 十二 (counts in the answer are written as the documents write their headings)."""
    if n < 10:
        return _CN[n]
    if n < 20:
        return "十" + (_CN[n % 10] if n % 10 else "")
    if n < 100:
        return _CN[n // 10] + "十" + (_CN[n % 10] if n % 10 else "")
    return str(n)


def count(n: int) -> str:
    """2 → 两 (「下设两项」, 「共两个部分」): a count, not a heading's number."""
    return "两" if n == 2 else chinese(n)


def main_document(kb: AnswerContext, q: Query, hits: list[Hit], allowed: set[str]) -> Document | None:
    """The document a structure question is about: the one whose kind the question names (规划,
    意见), else the fullest document in view (「这个文件」 means the main document)."""
    docs = [d for d in kb.index.docs.values() if d.doc_id in allowed]
    kinds = [k for k in DOC_KINDS if k in q.text]
    named = [d for d in docs if any(k in d.meta.title for k in kinds)]
    docs = named or docs
    if q.outline is not None and q.outline.part:  # 「意见里的重点工程」: the document that has such a part
        words = named_parts().get(q.outline.part, ())
        holding = [d for d in docs if any(w in s.title for s in d.sections for w in words)]
        docs = holding or docs
    if not docs:
        return None
    return max(docs, key=lambda d: (d.meta.completeness != "partial", len(d.text)))


def top_nodes(doc: Document) -> list[Section]:
    return [s for s in doc.sections if len(s.path) == 1 and s.kind in NODE_KINDS]


def children(doc: Document, node: Section) -> list[Section]:
    return [s for s in doc.sections if len(s.path) == len(node.path) + 1 and s.path[:-1] == node.path
            and node.start <= s.start < node.end and s.kind != "item"]


def _title_span(doc: Document, node: Section) -> tuple[int, int]:
    at = doc.text.find(node.title, node.start, node.end)
    at = node.start if at < 0 else at
    return at, at + len(node.title)


def heading(cb: CitationBuilder, doc: Document, node: Section) -> str:
    return cb.quote_span(doc.doc_id, *_title_span(doc, node))


def _first_sentence(doc: Document, node: Section, after: int):
    return next((s for s in doc.sentences if after < s.start < node.end), None)


def _item_line(cb: CitationBuilder, doc: Document, node: Section) -> str:
    """One line for a child: its heading, and for a phase or a lead its summing-up sentence."""
    s0, s1 = _title_span(doc, node)
    if node.kind == "lead":  # 「——全领域推动绿色低碳转型发展。」: the lead sentence itself
        end = s1 + 1 if doc.text[s1:s1 + 1] == "。" else s1
        return cb.quote_sentence(doc.doc_id, s0, end)
    line = cb.quote_span(doc.doc_id, s0, s1)
    if node.kind == "phase":
        first = _first_sentence(doc, node, s1)
        if first is not None:
            line += "：" + cb.quote_sentence(doc.doc_id, first.start, first.end)
    return line


_DATE_LINE = pattern("outline.toml", "date_line")
_HEAD_LINE_MAX = 16  # a line this short that is one sentence heads the paragraph after it


def _head_lines(doc: Document, start: int, end: int) -> list[tuple[int, int]]:
    """Short lines of one sentence that head the paragraphs of a part (「节水优先、统筹推进。」 then
    its explanation): when there are two or more, they are the part's items."""
    out, at = [], start
    for line in doc.text[start:end].split("\n"):
        text = line.strip()
        if 3 <= len(text) <= _HEAD_LINE_MAX and text.endswith("。") and text.count("。") == 1:
            s0 = doc.text.find(text, at)
            out.append((s0, s0 + len(text)))
        at += len(line) + 1
    return out if len(out) >= 2 else []


def _body_lines(kb: AnswerContext, cb: CitationBuilder, doc: Document, node: Section) -> list[str]:
    """A part without children: the heads of its paragraphs if they have run-in heads, else its
    own sentences, up to the section limits."""
    s1 = _title_span(doc, node)[1]
    heads = _head_lines(doc, s1, node.end)
    if heads:
        return [cb.quote_sentence(doc.doc_id, a, b) for a, b in heads]
    lines, chars = [], 0
    for s in doc.sentences:
        if s1 <= s.start < node.end and not _DATE_LINE.match(s.text.rstrip("。")):
            if len(lines) >= kb.settings.answering.section_max_sentences or chars > kb.settings.answering.section_max_chars:
                break
            lines.append(cb.quote_sentence(doc.doc_id, s.start, s.end))
            chars += len(s.text)
    return lines


def node_answer(kb: AnswerContext, q: Query, cb: CitationBuilder, doc: Document, node: Section) -> Answer:
    head = heading(cb, doc, node)
    kids = children(doc, node)
    if kids:
        body = "\n".join(_item_line(cb, doc, k) for k in kids)
        return Answer(q.raw, "answered", f"{head}，下设{count(len(kids))}项：\n{body}", cb.citations())
    lines = _body_lines(kb, cb, doc, node)
    return Answer(q.raw, "answered", f"{head}：\n" + "\n".join(lines) if lines else head + "。", cb.citations())


def list_answer(q: Query, cb: CitationBuilder, doc: Document, lead: str, nodes: list[Section]) -> Answer:
    body = "\n".join(_item_line(cb, doc, n) for n in nodes)
    return Answer(q.raw, "answered", f"{lead}\n{body}", cb.citations())


def lines_in(doc: Document, lo: int, hi: int) -> list[tuple[int, str]]:
    out, at = [], lo
    for line in doc.text[lo:hi].split("\n"):
        out.append((at, line))
        at += len(line) + 1
    return out


def under_bare_heading(doc: Document, lo: int, hi: int, part_words: tuple[str, ...]) -> tuple[int, int] | None:
    """The span of the paragraphs under a line that is only the part's name (an unnumbered heading
    such as 「主要目标」): up to the next heading (a short line without a sentence's end) or section; a
    paragraph cut off at the end of a partial copy still counts."""
    lines = lines_in(doc, lo, hi)
    for i, (at, line) in enumerate(lines):
        if line.strip().rstrip("：:") not in part_words:
            continue
        start = end = at + len(line) + 1
        for nxt_at, nxt in lines[i + 1:]:
            if not nxt.strip():
                continue
            heading_like = len(nxt.strip()) <= _HEADING_MAX and not nxt.rstrip().endswith(_PARAGRAPH_ENDS)
            if heading_like or any(s.start == nxt_at for s in doc.sections):
                break
            end = nxt_at + len(nxt)
        return (start, end) if end > start else None
    return None


_PARAGRAPH_ENDS = ("。", "；", "”", "）")
_HEADING_MAX = 30  # a line this short without a sentence's end is a heading, not a paragraph


def leads_after(doc: Document, at: int) -> list[Section]:
    """The lead nodes of consecutive paragraphs that follow position ``at``."""
    out: list[Section] = []
    nodes = sorted((s for s in doc.sections if s.start >= at and s.kind in (*NODE_KINDS, "lead")),
                   key=lambda s: s.start)
    for s in nodes:
        if s.kind != "lead":
            break
        if out and len(s.path) != len(out[0].path):
            continue
        out.append(s)
    return out
