"""Matching a question to target facts: the indicator it names (canonical or by key words),
the year it asks, and where retrieval ranked the fact's passage."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from kb.indicators import canonical_indicator
from kb.relevance import Relevance
from kb.types import Fact
from kb.understand import Query

INDICATOR_MIN = 0.5  # key-word coverage of the fact's indicator when no canonical term matched
QUOTE_MIN = 0.6


@functools.lru_cache(maxsize=4096)
def _canon(indicator: str) -> str | None:
    return canonical_indicator(indicator)


def same_indicator(a: Fact, b: Fact) -> bool:
    ca, cb = _canon(a.indicator), _canon(b.indicator)
    if ca and cb:
        return ca == cb
    return a.indicator == b.indicator or a.indicator in b.indicator or b.indicator in a.indicator


def match_targets(q: Query, facts: Iterable[Fact], rank: Callable[[Fact], int], rel: Relevance,
                  words: tuple[str, ...]) -> list[Fact]:
    """Target facts that answer the question, best first (empty when none does)."""
    scored = []
    for f in facts:
        if f.kind != "target":
            continue
        canon = _canon(f.indicator) in q.indicators if q.indicators else False
        ind_cov = rel.coverage(words, f.indicator + " " + f.scope)
        quote_cov = rel.coverage(words, f.quote)
        if not canon and (q.intent != "target" or ind_cov < INDICATOR_MIN or quote_cov < QUOTE_MIN or not words):
            continue
        r = rank(f)
        score = 3.0 * canon + 2.0 * ind_cov + quote_cov + max(0.0, 1.0 - 0.2 * r)
        if q.years and f.year in q.years:
            score += 0.5
        scored.append((score, f))
    scored.sort(key=lambda x: -x[0])
    return [f for _, f in scored]
