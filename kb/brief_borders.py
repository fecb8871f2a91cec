"""Where a topic's border runs in a brief (used by kb.brief, kb.brief_tasks):

- a section's own heading decides its topic before its words do: a part in the topic only through
  the title above it (「持续打好净土保卫战」 over 「巩固提升黑土地质量」) is the topic's when its own
  heading names the topic, or its text speaks of the topic — the more so when its heading names
  another topic (黑土地, 交通, 新能源汽车);
- a statement belongs to a topic by the unit it stands in — its part's heading, else the goal clause
  its list of figures opens with (「土壤环境质量稳定向好，……，受污染耕地安全利用率保持在95%以上」) —
  and by its indicator, not by one short word its indicator shares with the topic: under another
  topic's heading or goal clause it needs a word of the topic SPECIFIC_WORD characters long, or two.

Another topic is any topic of kb/lexicon/topics.toml: its name or one of its words."""

from __future__ import annotations

import functools
import re

import numpy as np

from kb.topic_match import names_count, terms_for, text_in_topic, under
from kb.topics import TOPIC_SYNONYMS
from kb.types import Document, Fact

SPECIFIC_WORD = 3  # a topic word this long names the topic by itself (非化石能源, 受污染; not 垃圾, 耕地)
NAMED_OWN = 1  # a part the document's meaning puts in the topic, its heading naming none: its text names the topic this often
NAMED_INHERITED = 2  # ... a part in the topic only through the title above it
OTHER_HEADING = 1  # ... this many times more when its heading names another topic
_PART_END = re.compile(r"[；。\n]")
_CLAUSE_END = re.compile(r"[，；。\n]")


@functools.lru_cache(maxsize=64)
def other_words(topic: str) -> tuple[str, ...]:
    """The words of the lexicon's other topics (names and words, two characters or more) that are
    not the topic's and hold none of its words."""
    ours = set(terms_for(topic))
    words = {w for name, group in TOPIC_SYNONYMS.items() for w in (name, *group) if len(w) >= 2}
    return tuple(sorted(w for w in words - ours if not any(o in w for o in ours)))


def heading_topic(topic: str, text: str) -> bool | None:
    """True when a heading (or goal clause) names the topic, False when it names another topic
    and not this one, None when it names none."""
    if text_in_topic(topic, text):
        return True
    return False if any(w in text for w in other_words(topic)) else None


def narrow(topic: str, doc: Document, secs: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """The topic's sections, each part whose own heading does not name the topic judged by its text:
    it must name the topic NAMED_OWN times when the document's meaning put it in the topic
    (kb.topic_match), NAMED_INHERITED times when only the title above it did, OTHER_HEADING more
    when its heading names another topic. A section whose parts are not all the topic's lends only
    those that are. 专栏 and their items are judged by kb.brief_projects."""
    titled = [s for s in doc.sections if s.kind in ("section", "lead")]
    out = {p for p in secs if not any(s.path == p and not _own_part(topic, doc, s, NAMED_OWN) for s in titled)}
    for s in sorted(titled, key=lambda s: len(s.path)):
        if s.path not in out:
            continue
        kids = [k for k in titled if len(k.path) == len(s.path) + 1 and k.path[:-1] == s.path]
        keep = [k for k in kids if k.path in out or _own_part(topic, doc, k, NAMED_INHERITED)]
        if len(keep) < len(kids):
            out.discard(s.path)
            out |= {k.path for k in keep}
    return out


def _own_part(topic: str, doc: Document, part, named: int) -> bool:
    verdict = heading_topic(topic, part.title)
    if verdict is True:
        return True
    need = named + (OTHER_HEADING if verdict is False else 0)
    return names_count(topic, doc.text[part.start:part.end]) >= need


def goal_clause(doc: Document, pos: int) -> str:
    """The clause a list of figures opens with: the first clause of the 。/；-part holding ``pos``."""
    a = max((m.end() for m in _PART_END.finditer(doc.text, 0, pos)), default=0)
    m = _CLAUSE_END.search(doc.text, a)
    return doc.text[a:m.start() if m else len(doc.text)]


def unit_topic(topic: str, doc: Document, f: Fact) -> bool | None:
    """What the unit a statement stands in says of its topic: the heading of its part (a lead or a
    section, not a chapter or phase, which speak of every field), else its goal clause."""
    kinds = {s.path: s.kind for s in doc.sections}
    if f.path and kinds.get(f.path) in ("lead", "section"):
        verdict = heading_topic(topic, f.path[-1])
        if verdict is not None:
            return verdict
    return heading_topic(topic, goal_clause(doc, f.start))


def specific(topic: str, text: str) -> bool:
    """The text names the topic by a word SPECIFIC_WORD long or by two of its words."""
    named = [w for w in terms_for(topic) if w in text]
    return len(named) >= 2 or any(len(w) >= SPECIFIC_WORD for w in named)


def statement_in_topic(topic: str, doc: Document, f: Fact, dense) -> bool:
    """A statement outside the topic's sections: its unit decides first (the topic's → in; another
    topic's → only when its indicator names the topic specifically); else its indicator naming the
    topic, or its subject being about the topic (``dense``)."""
    verdict = unit_topic(topic, doc, f)
    if verdict is True:
        return True
    if verdict is False:
        return specific(topic, f.indicator)
    return text_in_topic(topic, f.indicator) or dense(topic, f.subject or f.quote)


ELSEWHERE_Z = 1.25  # a sentence elsewhere this many standard deviations closer to the topic's own sections than the document's average
_VECTORS: dict[tuple[str, int], np.ndarray] = {}


def closeness(doc: Document, sentences: list, secs, embedder, stored=None) -> np.ndarray | None:
    """Each sentence's closeness in meaning to the topic's own sections (the mean of their sentences),
    as a z-score over the document's sentences; None without an embedder or sections. ``stored``
    (the retriever's `sentence_vectors`) gives the vectors the index holds; only the sentences it
    lacks are embedded (embedding a whole document took half a minute a brief)."""
    inside = np.array([under(x.path, secs) for x in sentences])
    if embedder is None or not inside.any():
        return None
    key = (doc.doc_id, len(doc.text))
    if key not in _VECTORS:  # one document's sentences are embedded once per process
        have = stored(doc.doc_id, [x.start for x in sentences]) if stored else [None] * len(sentences)
        lacking = [i for i, v in enumerate(have) if v is None]
        made = embedder.embed_passages([sentences[i].text for i in lacking]) if lacking else []
        for i, v in zip(lacking, made, strict=True):
            have[i] = v
        _VECTORS[key] = np.vstack(have)
    vectors = _VECTORS[key]
    centre = vectors[inside].mean(axis=0)
    sims = vectors @ (centre / (np.linalg.norm(centre) or 1.0))
    return (sims - sims.mean()) / (float(sims.std()) or 1.0)
