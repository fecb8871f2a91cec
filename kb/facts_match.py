"""Matching a question to target facts: the indicator it names (canonical or by key words),
the year it asks, and where retrieval ranked the fact's passage."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable

from kb.indicators import canonical_indicator
from kb.query.understand import Query
from kb.question_words import NOT_ASKING_JI
from kb.relevance import Relevance
from kb.types import Fact

INDICATOR_MIN = 0.5  # key-word coverage of the fact's indicator when no canonical term matched
QUOTE_MIN = 0.6
CANON_WEIGHT, YEAR_WEIGHT, SHARE_WEIGHT = 3.0, 1.0, 1.0
# The question asks for a share (「占…几成」「占比多少」「百分之几」): a target in % answers it, a count does not.
_SHARE_RE = re.compile(r"几成|占比|比例|比重|百分之|百分比|占.{0,12}(多少|几)")
# The question names the unit it wants (「多少个小时」「养多少头」「多少万亩」): a target in another unit
# does not answer it (a 70% is no answer to 「一天供水多少个小时」).
_UNIT_RE = re.compile(r"(?:多少|" + NOT_ASKING_JI + r")个?(小时|天|年|头|万头|亩|万亩|吨|万吨|公里|千米|平方米|平方千米|立方米|亿元|万元|处|座|家)")


# The question asks for two or more figures (「分别」「各要」, or two asks: 「多少亩，占…几成」).
_PLURAL_RE = re.compile(r"分别|各(?:要|自|是|为|能|得|占|有|达)|两(?:块|项|个指标|样)")
_ASK_RE = re.compile(r"多少|几成|多大|多高|百分之几")


# 「投资多少」「花多少钱」「补多少钱」: a sum of money is asked; only a figure in 元 answers it.
MONEY_ASK_RE = re.compile(r"投资|多少钱|花多少|资金|经费|预算|补贴|罚款|多少(?:亿|万)?元|几(?:亿|万)元?")
# Kinds of one thing: a question about one kind is not answered by a figure or sentence about
# another (私家车 is not 公交车, 小型矿山 not 大型矿山, 建设用地 not 耕地).
SCOPE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("公交", "出租", "私家车", "货车", "网约车", "小汽车", "轿车", "乘用车", "卡车", "摩托车", "的士"),
    ("大型", "中型", "小型"),
    ("耕地", "建设用地", "林地", "草地", "园地"),
    ("地表水", "地下水"),
)


def scope_conflict(question: str, text: str) -> bool:
    """The question names one kind of a thing and the text names only other kinds of it."""
    for group in SCOPE_GROUPS:
        mine = [k for k in group if k in question]
        if mine and any(k in text for k in group) and not any(k in text for k in mine):
            return True
    return False


_SCOPE_WORDS = frozenset(["全市", "全省", "全国", "城市", "城区", "农村", "乡村", "城镇", "中心城区"])


def wanted_unit(text: str) -> str:
    """The unit the question asks its number in (「要改多少公里」 → 公里), or "". Only the asking
    sentence says it (「我家那几亩地……。这种地……比例多少？」 wants no 亩)."""
    unit = _UNIT_RE.search(re.split(r"[。！？!?]", text.rstrip("。！？!? "))[-1])
    return unit.group(1) if unit else ""


def plural_ask(text: str) -> bool:
    return bool(_PLURAL_RE.search(text)) or len(_ASK_RE.findall(text)) >= 2


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
    plural = plural_ask(q.text)  # several figures asked: no single unit or share decides
    wants_share = bool(_SHARE_RE.search(q.text)) and not plural
    wants_unit = wanted_unit(q.text) if not plural else ""
    counting = bool(re.search(r"(?:多少|几)个", q.text)) and not plural
    money = bool(MONEY_ASK_RE.search(q.text))
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
        if (money and "元" not in f.unit) or scope_conflict(q.text, f.indicator + f.scope + f.subject):
            continue  # 「每户补多少钱」 is not answered by a share; 私家车 not by 公交车
        canon = _canon(f.indicator) in q.indicators if q.indicators else False
        ind_cov = rel.coverage(words, f.indicator + " " + f.scope)
        quote_cov = rel.coverage(words, f.quote)
        if not canon and (q.intent != "target" or ind_cov < INDICATOR_MIN or quote_cov < QUOTE_MIN or not words
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
