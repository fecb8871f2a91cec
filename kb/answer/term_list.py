"""「某文件对某事提了哪些要求」: every sentence of one document that names the thing asked about,
in the document's order, each quoted and cited — the requirements on one term that a document
states across its sections (a term no heading holds; a heading's own list is kb.answer.lists).

Declines when the question names nothing besides its framing, when a heading holds the term (the
section's list answers), when fewer than two sentences name it (one sentence is the evidence
answer's), or when more than ``answering.term_sentences_max`` do (the term is a whole topic, not
one thing a list of requirements is about).

「规划里提到某县的内容」 (ask ``mentions``, one county named): every sentence of the document that
names the place, the same way — at most ``answering.term_sentences_max``, the others pointed to."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kb.answer.goals import asking_clause
from kb.answer.lists import front_matter, is_heading
from kb.cite import CitationBuilder
from kb.lexicon import pattern
from kb.query import Query
from kb.types import Answer, Hit

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext

_REQUIREMENTS = pattern("asks.toml", "requirements")


def term_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    doc_id = next((h.chunk.doc_id for h in hits if h.chunk.doc_id in allowed), None)
    if doc_id is None or not words:
        return None
    doc = kb.index.docs[doc_id]
    # the words of the clause that asks for the requirements, besides the asking itself
    clause = asking_clause(_REQUIREMENTS, q.text)
    asked = _REQUIREMENTS.search(clause)
    framing = asked.group(0) if asked else ""
    terms = tuple(w for w in words if len(w) >= 2 and w in clause and w not in doc.meta.title
                  and w not in framing and kb.relevance.df(w) > 0)
    if not terms:
        return None
    if any(all(t in sec.title for t in terms) for sec in doc.sections):
        return None
    named = [s for s in doc.sentences if all(t in s.text for t in terms) and not is_heading(doc, s)
             and not front_matter(doc, s)]
    if not 2 <= len(named) <= kb.settings.answering.term_sentences_max:
        return None
    # sentences naming the thing as one phrase (its words side by side) come first, then those that
    # scatter its words over the sentence; the document's order within each
    slack = kb.settings.answering.term_phrase_slack
    tight = sum(len(t) for t in terms) + slack
    named.sort(key=lambda s: _window(s.text, terms) > tight)
    cap = kb.settings.answering.section_max_sentences
    lines = [cb.quote_sentence(doc_id, s.start, s.end) for s in named[:cap]]
    return Answer(q.raw, "answered", "\n".join(lines), cb.citations())


def _window(text: str, terms: tuple[str, ...]) -> int:
    """The shortest stretch of ``text`` that holds every term (each term's occurrences tried)."""
    spots = [[m.start() for m in re.finditer(re.escape(t), text)] for t in terms]
    if not all(spots):
        return len(text) + 1
    best = len(text)
    for first in spots[0]:
        ends, starts = [first + len(terms[0])], [first]
        for t, places in zip(terms[1:], spots[1:]):
            near = min(places, key=lambda p: abs(p - first))
            starts.append(near)
            ends.append(near + len(t))
        best = min(best, max(ends) - min(starts))
    return best


def place_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                 words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    if not q.county:
        return None
    doc_id = next((h.chunk.doc_id for h in hits if h.chunk.doc_id in allowed), None)
    if doc_id is None:
        return None
    doc = kb.index.docs[doc_id]
    named = [s for s in doc.sentences if q.county in s.text and not is_heading(doc, s) and not front_matter(doc, s)]
    if not named:
        return None
    cap = kb.settings.answering.term_sentences_max
    lines = [cb.quote_sentence(doc_id, s.start, s.end) for s in named[:cap]]
    if len(named) > cap:
        lines.append(f"文件中提到{q.county}的其余句子，请核对原文。")
    return Answer(q.raw, "answered", "\n".join(lines), cb.citations())
