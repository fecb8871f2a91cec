"""The one topic matcher shared by 目标指标 (kb targets --topic, the app's filter), 简报 and kb brief.

A topic resolves to words (kb.topics.topic_terms: the topic, its stem, the synonyms of the most
specific key). A topic that names no key itself (「蓝天保卫战」) takes the synonym groups that
contain one of its words (「蓝天」 → the 大气 group), so the brief and the targets table see the
same indicators. A fact or sentence is in the topic when a word stands in its indicator, subject,
sentence or section path (a section whose title names the topic covers all its sentences)."""

from __future__ import annotations

import functools

from kb.normalize import normalize_query
from kb.topics import TOPIC_SYNONYMS, topic_terms
from kb.types import Fact

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
