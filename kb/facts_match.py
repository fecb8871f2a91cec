"""Matching a question to target facts: the indicator it names (canonical or by key words),
the year it asks, and where retrieval ranked the fact's passage."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable

from kb.indicators import canonical_indicator
from kb.lexicon import word_list
from kb.query.figure import kinds_conflict
from kb.query.understand import Query
from kb.relevance import Relevance
from kb.types import Fact

INDICATOR_MIN = 0.5  # key-word coverage of the fact's indicator when no canonical term matched
QUOTE_MIN = 0.6
CANON_WEIGHT, YEAR_WEIGHT, SHARE_WEIGHT = 3.0, 1.0, 1.0
_SCOPE_WORDS = frozenset(word_list("figure.toml", "scope_words"))
_MONEY_UNITS = word_list("text.toml", "money_units")  # 元


@functools.lru_cache(maxsize=4096)
def _canon(indicator: str) -> str | None:
    return canonical_indicator(indicator)


def canonical_of(f: Fact) -> str | None:
    """The plan's canonical indicator the fact states (None when it is none of them)."""
    return _canon(f.indicator)


def same_indicator(a: Fact, b: Fact) -> bool:
    ca, cb = _canon(a.indicator), _canon(b.indicator)
    if ca and cb:
        return ca == cb
    return a.indicator == b.indicator or a.indicator in b.indicator or b.indicator in a.indicator


def match_targets(q: Query, facts: Iterable[Fact], rank: Callable[[Fact], int], rel: Relevance,
                  words: tuple[str, ...]) -> list[Fact]:
    """Target facts that answer the question, best first (empty when none does)."""
    scored = []
    fig = q.figure  # several figures asked (fig.plural): no single unit or share decides
    wants_share, wants_unit, counting, money = fig.share, fig.unit, fig.count and not fig.plural, fig.money
    # An indicator that understanding mapped from a colloquial word (养牛 → 肉牛饲养量) earns its
    # bonus through `canon`; as a key word it would also make every other target look off-topic.
    words = tuple(w for w in words if w in q.text or w not in q.indicators) or words
    # ... but then a question left with only its scope (「到2035年全市永久基本农田……」 → 全市) gives no
    # ground for any other target: 全市耕地保有量 is not its answer.
    topical = any(w not in _SCOPE_WORDS for w in words)
    for f in facts:
        if f.kind != "target" or (wants_unit and wants_unit not in f.unit):
            continue
        if counting and f.unit in ("%", "％"):
            continue  # 「多少个」 asks a count, not a share
        if (money and not any(w in f.unit for w in _MONEY_UNITS)) or kinds_conflict(fig.kinds, f.indicator + f.scope + f.subject):
            continue  # 「每户补多少钱」 is not answered by a share; 私家车 not by 公交车
        canon = _canon(f.indicator) in q.indicators if q.indicators else False
        ind_cov = rel.coverage(words, f.indicator + " " + f.scope)
        quote_cov = rel.coverage(words, f.quote)
        # a deadline question is answered by a target too (a target carries its year: 「某排放总量
        # 的减排目标哪年实现」), when the question names its indicator as surely
        if not canon and (q.intent not in ("target", "deadline") or ind_cov < INDICATOR_MIN or quote_cov < QUOTE_MIN or not words
                          or (q.indicators and not topical)):
            continue
        r = rank(f)
        score = CANON_WEIGHT * canon + 2.0 * ind_cov + quote_cov + max(0.0, 1.0 - 0.2 * r)
        if q.years and f.year in q.years:
            score += YEAR_WEIGHT
        if wants_share:
            score += SHARE_WEIGHT if f.unit == "%" else -SHARE_WEIGHT
        scored.append((score, f))
    scored.sort(key=lambda x: -x[0])
    return [f for _, f in scored]
