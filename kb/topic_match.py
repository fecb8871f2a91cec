"""The one topic matcher shared by 目标指标 (kb targets --topic, the app's filter), 简报 and kb brief.

A topic resolves to words (kb.topics.topic_terms: the topic, its stem, the synonyms of the most
specific key). A topic that names no key itself (「蓝天保卫战」) takes the synonym groups that
contain one of its words (「蓝天」 → the 大气 group), so the brief and the targets table see the
same indicators. A fact or sentence is in the topic when a word stands in its indicator, subject,
sentence or section path (a section whose title names the topic covers all its sentences)."""

from __future__ import annotations

import functools
import itertools
import re

from kb.lexicon import word_list
from kb.normalize import normalize_query
from kb.segment import tokenizer
from kb.topics import TOPIC_SYNONYMS, topic_terms
from kb.types import Document, Fact

MIN_WORD = 2  # a one-character group word (「水」) never pulls a group in by itself


@functools.lru_cache(maxsize=256)
def terms_for(topic: str) -> tuple[str, ...]:
    topic = normalize_query(topic or "").strip()
    if not topic:
        return ()
    terms = list(topic_terms(topic))
    if not any(k == topic or k in topic for k in TOPIC_SYNONYMS):
        for group in TOPIC_SYNONYMS.values():
            if any(len(w) >= MIN_WORD and w in topic for w in group):
                terms.extend(group)
    return tuple(dict.fromkeys(t for t in terms if t))


def text_in_topic(topic: str, *texts: str) -> bool:
    terms = terms_for(topic)
    return any(t in s for s in texts for t in terms)


def fact_in_topic(topic: str, fact: Fact) -> bool:
    return text_in_topic(topic, fact.indicator, fact.quote, fact.subject, fact.scope, " ".join(fact.path))


# --- Sections of a document in a topic, by words and by meaning (used by 简报) ---
MEANING_Z = 2.0  # a title this many standard deviations closer to the topic than the document's mean
MEANING_GAP = 1.0  # ... and within this many of the closest title
OTHER_FIELD_MIN = 3  # words of a title's conjunct that names another field (「城乡建设领域绿色低碳发展」, not 「恢复力度」)
_CONJUNCTIONS = frozenset(word_list("text.toml", "conjunctions"))
MEANING_NAMED = 1  # ... and whose own text names one of the topic's words at least
SLOGAN_MIN = 4  # characters an item's title shares with a topic section's title
PHRASE_MIN = 3  # a phrase shared by the closest titles (「绿色低碳」) joins titles that hold it
LEAD_NAMED = 2  # a lead whose paragraph names the topic's words this often is of the topic (for _between)
_LIST_SEP = re.compile(r"[、，；]|”“")


def _shared_phrase(titles: list[str]) -> str:
    """The substring (≥ PHRASE_MIN characters) that most of the closest titles share, longest on ties."""
    best, count = "", 1
    for t in titles:
        for i in range(len(t)):
            for j in range(i + PHRASE_MIN, len(t) + 1):
                n = sum(t[i:j] in u for u in titles)
                if n > count or (n == count and n > 1 and j - i > len(best)):
                    best, count = t[i:j], n
    return best if count >= 2 else ""


def topic_sections(topic: str, doc: Document, embedder=None) -> set[tuple[str, ...]]:
    """Paths of the sections in the topic: a title that names a topic word; a title closest in
    meaning to the topic (embedding z-score over the document's titles); a title holding the
    phrase the closest titles share. A section in the topic covers everything under it. Meaning
    widens a topic the document names; it never finds one the document does not speak of."""
    titled = [s for s in doc.sections if s.kind in ("section", "lead", "column", "item")]
    paths = {s.path for s in titled if text_in_topic(topic, s.title)}
    # a part titled for the topic and another field (「推进甲和乙领域……」) lends only its own parts
    # that speak of the topic, not the other field's
    for s in titled:
        kids = [k for k in titled if len(k.path) == len(s.path) + 1 and k.path[:-1] == s.path]
        if s.path in paths and kids and joins_other_field(topic, s.title):
            paths.discard(s.path)
            paths |= {k.path for k in kids if text_in_topic(topic, k.title)
                      or names_count(topic, doc.text[k.start:k.end]) >= LEAD_NAMED}
    if embedder is not None and len(titled) > 5 and text_in_topic(topic, doc.text):  # the topic is the document's
        sims = embedder.embed_passages([s.title for s in titled]) @ embedder.embed_query(" ".join(terms_for(topic)))
        z = (sims - sims.mean()) / (sims.std() or 1.0)
        floor = max(MEANING_Z, float(z.max()) - MEANING_GAP)
        # a title close in meaning counts when its own text speaks of the topic too (a title on
        # 「new growth」 sits near many topics' words and names none of them)
        close = [s for s, v in zip(titled, z) if v >= floor and names_count(topic, doc.text[s.start:s.end]) >= MEANING_NAMED]
        paths |= {s.path for s in close}
        phrase = _shared_phrase([s.title for s in close]) if len(close) >= 2 else ""
        if phrase:
            paths |= {s.path for s in titled if phrase in s.title}
    paths |= _between(topic, doc, paths)
    named = [s.title for s in titled if s.path in paths and s.kind != "item"]
    # a 专栏 item named after a topic section's slogan (「山青水秀建设工程」 under a section 「……实现山青水秀」)
    # (and speaking of the topic: 「某某结构优化工程」 shares 结构优化 with a topic's lead and may be on another field)
    paths |= {s.path for s in titled if s.kind == "item" and any(_shares(s.title, t) for t in named)
              and names_count(topic, doc.text[s.start:s.end]) >= MEANING_NAMED}
    return paths


def joins_other_field(topic: str, title: str) -> bool:
    """A title joining the topic and another field (「推进交通运输和城乡建设领域绿色低碳发展」): a
    conjunct of OTHER_FIELD_MIN words or more, none of them the topic's."""
    words = tokenizer().lcut(title)
    cuts = [i for i, w in enumerate(words) if w in _CONJUNCTIONS]
    if not cuts:
        return False
    bounds = [-1, *cuts, len(words)]
    parts = [[w for w in words[a + 1:b] if w.strip()] for a, b in itertools.pairwise(bounds)]
    return any(text_in_topic(topic, "".join(p)) for p in parts) and any(
        len(p) >= OTHER_FIELD_MIN and not text_in_topic(topic, "".join(p)) for p in parts)


def names_count(topic: str, text: str) -> int:
    return sum(text.count(w) for w in terms_for(topic))


def _between(topic: str, doc: Document, paths: set[tuple[str, ...]]) -> set[tuple[str, ...]]:
    """A lead between two leads of the topic under the same part continues it (in a part on some
    resource, a lead on its yield between a lead naming the resource and one whose paragraph speaks
    of it): a lead is of the topic by its section, or by its paragraph naming the topic's words
    LEAD_NAMED times."""
    leads = [s for s in doc.sections if s.kind == "lead"]

    def of_topic(s) -> bool:
        text = doc.text[s.start:s.end]
        return under(s.path, paths) or names_count(topic, text) >= LEAD_NAMED

    inside = [of_topic(s) for s in leads]
    return {leads[i].path for i in range(1, len(leads) - 1)
            if not inside[i] and inside[i - 1] and inside[i + 1]
            and leads[i - 1].path[:-1] == leads[i].path[:-1] == leads[i + 1].path[:-1]}


def _shares(a: str, b: str, n: int = SLOGAN_MIN) -> bool:
    return any(a[i:i + n] in b for i in range(len(a) - n + 1))


def under(path: tuple[str, ...], sections: set[tuple[str, ...]]) -> bool:
    return any(path[: len(p)] == p for p in sections)


def topic_parts(topic: str, text: str) -> tuple[int, int]:
    """(parts naming the topic, parts) of a text split at its list and clause marks."""
    parts = [p for p in _LIST_SEP.split(text) if p.strip()]
    return sum(text_in_topic(topic, p) for p in parts), len(parts)


def dense_in_topic(topic: str, text: str) -> bool:
    """A text outside the topic's sections counts when the topic is what it is about, not one of
    many listed things (a platform 以“大气环境”“水环境”“声环境”……为主体 is not about air)."""
    hits, n = topic_parts(topic, text)
    return hits > 0 and hits * 2 >= n
