"""Outline and structure questions answered from a document's section tree, for any document with
standard numbering: a numbered part (第三章, 第六部分, 第二条, 第二章第三节), the parts of the whole
document, the list of 专栏, or a named part (主要任务, 保障措施/组织实施, 基本原则/要坚持做到,
总体要求, 主要目标). One cited line per item: the heading or lead sentence of each child node, or,
for a part without children, its own sentences. Only the tree's generic shape is used (a node's
path, kind and span), never the headings of one plan."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.answer.outline_tree import (
    DOC_KINDS,
    NODE_KINDS,
    children,
    chinese,
    count,
    heading,
    leads_after,
    lines_in,
    list_answer,
    main_document,
    node_answer,
    top_nodes,
    under_bare_heading,
)
from kb.cite import CitationBuilder
from kb.lexicon import pattern, word_list
from kb.query import Query
from kb.query.outline import named_parts
from kb.types import Answer, Document, Hit, Section

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext

_FILLER = frozenset(word_list("outline.toml", "outline_filler"))
_TASK_FRAME = word_list("outline.toml", "task_frame")
__all__ = ["children", "chinese", "count", "main_document", "outline_answer", "top_nodes"]


def _numbered(kb: AnswerContext, q: Query, cb: CitationBuilder, doc: Document,
              words: tuple[str, ...]) -> Answer | None:
    node, pool, unit, n = _walk(q, doc)
    if node is None:
        return _missing(q, cb, doc, pool, unit, n) if unit else None
    return _in_node(kb, q, cb, doc, words, node)


def _run_of_parts(q: Query, cb: CitationBuilder, doc: Document) -> Answer | None:
    """「第二到第九部分」: those parts, each by its heading (or, past the last, how many there are)."""
    unit, first, last = q.outline.span
    articles = [s for s in doc.sections if s.kind == "article"]
    pool = (articles or top_nodes(doc)) if unit == "条" else top_nodes(doc)
    if last > len(pool):
        return _missing(q, cb, doc, pool, unit, last)
    return list_answer(q, cb, doc, f"第{chinese(first)}至第{chinese(last)}{unit}：", pool[first - 1:last])


def _titled(kb: AnswerContext, q: Query, cb: CitationBuilder, doc: Document,
            words: tuple[str, ...]) -> Answer | None:
    """A part named by its quoted heading (「“……体系”这一部分」)."""
    nodes = [s for s in doc.sections if s.kind in NODE_KINDS]
    named: list[Section] = []
    for title in q.outline.titles:  # the longest end of the words that a heading holds (「规划里碧水保卫战」)
        end = next((title[i:] for i in range(len(title) - 1) if any(title[i:] in s.title for s in nodes)), "")
        named += [s for s in nodes if end and end in s.title]
    if not named:
        return None
    return _in_node(kb, q, cb, doc, words, min(named, key=lambda s: (len(s.path), s.start)))


def _in_node(kb: AnswerContext, q: Query, cb: CitationBuilder, doc: Document, words: tuple[str, ...],
             node: Section) -> Answer | None:
    """The answer about one node of the tree: a named part inside it, the part below it that the
    question's other words name, or the node itself."""
    if q.outline.part:  # 「第一部分的基本原则有哪几条」: the named part inside the numbered one
        return _named(kb, q, cb, doc, _topic_words(kb, doc, _other_words(kb, q, doc, words, _headings(doc, node))),
                      within=node)
    rest = _topic_words(kb, doc, _other_words(kb, q, doc, words, _headings(doc, node)))
    if rest:
        # 「第二部分……具体要健全哪几个体系？」: the words left name one of its parts (looked for
        # with every topic word but the part's own heading); else the question asks something
        # inside the part, not its structure.
        named = [w for w in _topic_words(kb, doc, _other_words(kb, q, doc, words)) if w not in node.title]
        child = _child_named(doc, node, named or rest)
        if child is None:
            return None
        node = child
    return node_answer(kb, q, cb, doc, node)


def _topic_words(kb: AnswerContext, doc: Document, rest: list[str]) -> list[str]:
    """The words left that could name a topic of the document: a word the document never uses
    (「我要整理好发给同事」) tells what the asker will do with the answer, not what is asked. The
    body is read from its first numbered part: the issuing notice (「印发给你们」) names no topic."""
    top = top_nodes(doc)
    body = doc.text[top[0].start:] if top else doc.text
    return [w for w in rest if kb.relevance.present(w, body)]


def _headings(doc: Document, node: Section) -> str:
    """The node's own heading and its children's: words from them name the part, not a topic."""
    return " ".join([node.title, *(c.title for c in children(doc, node))])


def _child_named(doc: Document, node: Section, rest: list[str]) -> Section | None:
    """The one part below the node whose heading holds every word left (at any depth)."""
    below = [s for s in doc.sections if node.start <= s.start < node.end and len(s.path) > len(node.path)
             and s.kind != "item"]
    named = [s for s in below if all(w in s.title for w in rest)]
    if not named:
        # 「哪几个责任和行动体系」: no one heading holds every word, but the parts of one node
        # do between them (one child heading holds one word, another the other): that node's list is asked
        named = [s for s in [node, *below] if (kids := children(doc, s))
                 and all(w in s.title or any(w in k.title for k in kids) for w in rest)]
        named = [s for s in named if not any(o is not s and s.start <= o.start < s.end for o in named)]
    return min(named, key=lambda s: (len(s.path), s.start)) if named else None


def _walk(q: Query, doc: Document) -> tuple[Section | None, list[Section], str, int]:
    """Follow the numbered parts named (第二章第三节) down the tree: the node reached, or None with
    the pool, unit and number of the first part that does not exist."""
    top = top_nodes(doc)
    articles = [s for s in doc.sections if s.kind == "article"]
    node: Section | None = None
    for unit, n in q.outline.units:
        if unit == "条":
            pool = articles or top
        elif unit == "节":
            pool = [c for c in children(doc, node) if c.kind != "lead"] if node is not None else \
                [s for s in doc.sections if s.kind == "section"]
        else:
            pool = top
        if n > len(pool):
            return None, pool, unit, n
        node = pool[n - 1]
    return node, [], "", 0


def _missing(q: Query, cb: CitationBuilder, doc: Document, pool: list[Section], unit: str, n: int) -> Answer | None:
    """A numbered part that does not exist: say how many parts the document has."""
    if not pool:
        return None
    first, last = heading(cb, doc, pool[0]), heading(cb, doc, pool[-1])
    text = f"文件正文共{count(len(pool))}个部分（从「{first}」到「{last}」），没有第{chinese(n)}{unit}。"
    if doc.meta.completeness == "partial":
        text = f"语料库只收录了这份文件的部分内容：收录的{text[2:]}其余部分请查阅原文。"
    return Answer(q.raw, "not_found", text, cb.citations())


def _named(kb: AnswerContext, q: Query, cb: CitationBuilder, doc: Document, rest: list[str],
           within: Section | None = None) -> Answer | None:
    """The part named by its kind (组织实施, 基本原则), inside ``within`` when a numbered part is
    named too; ``rest``, the question's topic words besides it, must all stand in that part, else
    the question asks something else."""
    part_words = named_parts()[q.outline.part]
    lo, hi = (within.start, within.end) if within is not None else (0, len(doc.text))
    heads = [s for s in doc.sections if s.kind in NODE_KINDS and any(w in s.title for w in part_words)
             and lo <= s.start < hi]
    if heads:
        node = min(heads, key=lambda s: (len(s.path), s.start))
        peers = [s for s in heads if len(s.path) == len(node.path)]
        if len(peers) > 1 and "where" in q.asks:
            return None  # 「……的重大工程在哪个专栏」: which one of them is the where-answer's question
        if len(peers) > 1 and not rest:  # several parts at one depth hold the part's word (a 专栏 of works a chapter): all of them
            return list_answer(q, cb, doc, f"文件中以此为题的部分共{count(len(peers))}个：", peers)
        return None if _asks_else(kb, q, doc, node, rest) else node_answer(kb, q, cb, doc, node)
    # 「要坚持做到：」 and the lead sentences right after it; words left must stand in them.
    for s in doc.sentences:
        if lo <= s.start < hi and s.text.endswith("：") and any(w in s.text for w in part_words):
            leads = leads_after(doc, s.end)
            said = s.text + " ".join(k.title for k in leads)
            if leads and all(w in said for w in rest):
                intro = cb.quote_sentence(doc.doc_id, s.start, s.end)
                return list_answer(q, cb, doc, intro, leads)
    # 「主要目标是：到2030年，……。到2035年，……。」: a paragraph that opens with the part's name
    for line_start, line in lines_in(doc, lo, hi):
        head = next((w for w in part_words if line.startswith(w)), "")
        if head and "：" in line[len(head):len(head) + 3]:
            lines = [cb.quote_sentence(doc.doc_id, x.start, x.end) for x in doc.sentences
                     if line_start <= x.start < line_start + len(line)]
            if lines and all(w in line for w in rest):
                return Answer(q.raw, "answered", "\n".join(lines), cb.citations())
    # 「主要目标」 alone on its line, an unnumbered heading: the paragraphs under it
    body = under_bare_heading(doc, lo, hi, part_words)
    if body is not None:
        start, end = body
        lines = [cb.quote_sentence(doc.doc_id, x.start, x.end) for x in doc.sentences if start <= x.start < end]
        if lines and all(w in doc.text[start:end] for w in rest):
            return Answer(q.raw, "answered", "\n".join(lines), cb.citations())
    if rest and within is None:
        return None
    if within is not None:  # 「第六部分讲的是啥？主要任务有哪些？」: the numbered part itself
        return None if _asks_else(kb, q, doc, within, rest) else node_answer(kb, q, cb, doc, within)
    if q.outline.part == "主要任务":
        tasks = [s for s in top_nodes(doc) if not any(w in s.title for w in _TASK_FRAME)]
        if tasks:
            return list_answer(q, cb, doc, "文件没有以“主要任务”为题的部分；部署任务的是以下各部分：", tasks)
    return None


_BODY_MIN, _BODY_MAX = 3, 12  # characters of a body's name (县环保局 … 国家发展改革委)


def _body_named(question: str, text: str) -> bool:
    """A body's name (ending 委/局/部 …) in the question that the text names too."""
    for m in pattern("outline.toml", "body_named").finditer(question):
        end = m.end()
        if any(question[i:end] in text for i in range(max(0, end - _BODY_MAX), end - _BODY_MIN + 1)):
            return True
    return False


def _asks_else(kb: AnswerContext, q: Query, doc: Document, node: Section, rest: list[str]) -> bool:
    """Whether the topic words left ask something else than the part's items: a word the part
    does not use names another topic; and a question of its own kind (谁负责, 多少) asks a fact
    inside the part. Words the part uses, in a question for its items (「确定了哪几条原则」), do not."""
    text = doc.text[node.start:node.end]
    if _body_named(q.text, text):
        return True  # 「县生态环境局要做什么？」: what a body the part names must do
    if not rest:
        return False
    return q.intent not in ("list", "general") or not all(kb.relevance.present(w, text) for w in rest)


def _other_words(kb: AnswerContext, q: Query, doc: Document, words: tuple[str, ...],
                 headings: str = "") -> list[str]:
    """The question's words besides the part, the document and ``headings`` (the titles of the
    parts the answer lists, which a question may quote back): a word left names another topic —
    when the document uses it (a word it never uses, 「梳理」「共分」, names nothing in it)."""
    ref = q.outline
    named = " ".join(ref.phrases) + " " + " ".join(named_parts().get(ref.part, ()))
    return [w for w in words if w not in _FILLER and w not in named and not kb.relevance.present(w, doc.meta.title)
            and not any(w in p or p in w for p in ref.phrases) and w not in DOC_KINDS and w not in headings
            and kb.relevance.present(w, doc.text)]


def outline_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                   words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    ref = q.outline
    if ref is None or q.years or q.column:
        return None
    doc = main_document(kb, q, hits, allowed)
    if doc is None:
        return None
    if ref.span and not ref.units:
        return _run_of_parts(q, cb, doc)
    if ref.units:
        return _numbered(kb, q, cb, doc, words)
    if ref.titles:
        return _titled(kb, q, cb, doc, words)
    if ref.part:
        return _named(kb, q, cb, doc, _topic_words(kb, doc, _other_words(kb, q, doc, words)))
    nodes = [s for s in doc.sections if s.kind == "column"] if ref.columns else top_nodes(doc)
    if not nodes or _other_words(kb, q, doc, words, " ".join(s.title for s in nodes)):
        return None
    lead = f"文件共有{count(len(nodes))}个专栏：" if ref.columns else f"文件正文分{count(len(nodes))}个部分："
    return list_answer(q, cb, doc, lead, nodes)
