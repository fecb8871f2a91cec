"""What a brief of one topic and year draws from beyond the topic's own sections (used by kb.brief):

- the topic's home chapter: a chapter most of whose parts （一）（二）… hold the topic's sections is
  about the topic as a whole; its dated statements of the year that are close to the topic in
  meaning belong in the brief, though their own part's title does not name the topic;
- milestones: the earlier years' targets of the indicators the brief shows (and of indicators
  named by the topic's words), so a trainer sees how a target is reached step by step;
- the order in which the 摘要 reads statements out: those that name the topic first."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from kb.cite import sentence_around
from kb.topic_match import terms_for, text_in_topic, under
from kb.types import Document, Fact

HOME_SHARE = 0.5  # a chapter is the topic's home when this share of its parts （一）… hold topic sections
HOME_MIN_PARTS = 2  # ... and at least this many
HOME_Z = 1.0  # a dated statement of the home chapter this many standard deviations closer to the topic


def home_chapters(doc: Document, secs: Iterable[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """Chapters (paths of one part) most of whose parts （一）（二）… are in the topic."""
    secs = set(secs)
    out = set()
    for ch in (s for s in doc.sections if s.kind == "chapter"):
        parts = [s for s in doc.sections if s.kind == "section" and len(s.path) == 2 and s.path[0] == ch.path[0]]
        touched = [p for p in parts if any(q[:2] == p.path for q in secs)]
        if len(touched) >= HOME_MIN_PARTS and len(touched) >= HOME_SHARE * len(parts):
            out.add(ch.path[:1])
    return out


def close_in_meaning(doc: Document, topic: str, facts: list[Fact], embedder) -> set[int]:
    """Indexes (into ``facts``) of the statements whose sentence is HOME_Z standard deviations
    closer in meaning to the topic than the document's dated statements on average."""
    if embedder is None or len(facts) < 3:
        return set()
    texts = [doc.text[slice(*sentence_around(doc, f.start, f.end))] for f in facts]
    sims = embedder.embed_passages(texts) @ embedder.embed_query(" ".join(terms_for(topic)))
    z = (sims - sims.mean()) / (float(np.std(sims)) or 1.0)
    return {i for i, v in enumerate(z) if v >= HOME_Z}


def home_statements(doc: Document, topic: str, facts: list[Fact], secs, embedder) -> set[int]:
    """ids of the dated statements in the topic's home chapter (outside its sections) close to it."""
    homes = home_chapters(doc, secs)
    if not homes:
        return set()
    dated = [f for f in facts if f.doc_id == doc.doc_id and f.kind in ("target", "deadline") and f.year]
    close = close_in_meaning(doc, topic, dated, embedder)
    return {id(f) for i, f in enumerate(dated) if i in close and under(f.path, homes) and not under(f.path, secs)}


def topic_first(rows: list, topic: str, text_of) -> list:
    """Rows whose own words name the topic first, each group in the document's order."""
    return sorted(rows, key=lambda r: not text_in_topic(topic, text_of(r)))
