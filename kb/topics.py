"""Topic matching for targets and briefs: by chapter/section title or by keyword with synonyms."""

from __future__ import annotations

import tomllib
from importlib import resources

from kb.lexicon import word_list
from kb.normalize import normalize_query
from kb.types import Fact


def _topic_rows() -> list[dict]:
    return tomllib.loads(resources.files("kb.lexicon").joinpath("topics.toml").read_text(encoding="utf-8"))["topic"]


# Topic words users type → words that stand in the plan's headings and sentences (kb/lexicon/topics.toml).
TOPIC_SYNONYMS: dict[str, tuple[str, ...]] = {r["name"]: tuple(r["words"]) for r in _topic_rows()}
_SUFFIXES = word_list("topics.toml", "topic_suffixes")


def topic_terms(topic: str) -> tuple[str, ...]:
    topic = normalize_query(topic)
    terms = [topic]
    # The most specific key only: 无废城市 must not also pull in everything under 城市.
    keys = [k for k in TOPIC_SYNONYMS if k == topic or k in topic]
    if keys:
        terms.extend(TOPIC_SYNONYMS[max(keys, key=len)])
    for suffix in _SUFFIXES:
        if topic.endswith(suffix) and len(topic) > len(suffix) + 1:
            terms.append(topic[: -len(suffix)])
    return tuple(dict.fromkeys(t for t in terms if t))


def match_topic(topic: str, fact: Fact) -> bool:
    terms = topic_terms(topic)
    haystack = " ".join((fact.indicator, fact.quote, fact.subject, fact.scope, " ".join(fact.path)))
    return any(t in haystack for t in terms)
