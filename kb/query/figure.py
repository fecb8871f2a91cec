"""What kind of figure a question asks (patterns in kb/lexicon/figure.toml): a share, a count, a
sum of money, several figures, a unit named, and the figures it already states."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kb.lexicon import pattern, word_list
from kb.question_words import NOT_ASKING_JI

FILE = "figure.toml"
SCOPE_GROUPS = ("scope_vehicles", "scope_sizes", "scope_land", "scope_water")
_CN_DIGIT = "一二三四五六七八九十"


@dataclass(frozen=True)
class FigureAsk:
    plural: bool = False  # two or more figures asked
    share: bool = False  # a share (几成, 占比), and not several figures
    unit: str = ""  # the unit named (多少个小时 → 小时), and not several figures
    count: bool = False  # 多少个 / 几个 asked
    money: bool = False  # a sum of money asked
    project: bool = False  # 项目 / 工程 named
    stated_shares: frozenset[str] = frozenset()  # shares the question states (八成 → "80")
    stated_amounts: frozenset[str] = frozenset()  # other numbers it states
    kinds: tuple[tuple[str, ...], ...] = ()  # per scope group, the kinds the question names

    def to_dict(self) -> dict:
        return {"plural": self.plural, "share": self.share, "unit": self.unit, "count": self.count,
                "money": self.money, "stated": sorted(self.stated_shares | self.stated_amounts)}


@functools.lru_cache(maxsize=1)
def _unit_re() -> re.Pattern[str]:
    units = "|".join(map(re.escape, word_list(FILE, "asked_units")))
    return re.compile(rf"(?:多少|{NOT_ASKING_JI})个?({units})")


def wanted_unit(text: str) -> str:
    """The unit the question asks its number in (多少公里 → 公里), or "". Only the asking
    sentence says it (an earlier sentence stating 几亩地 wants no 亩)."""
    unit = _unit_re().search(re.split(r"[。！？!?]", text.rstrip("。！？!? "))[-1])
    return unit.group(1) if unit else ""


def without_unit(text: str) -> str:
    """The question with the unit of its asked number left out (「要到多少头」 → 「要到多少」): a
    follow-up 「X呢？」 asks of another thing, whose number has its own unit."""
    return _unit_re().sub(lambda m: m.group(0)[: m.start(1) - m.start(0)].removesuffix("个"), text)


def plural_ask(text: str) -> bool:
    return bool(pattern(FILE, "plural").search(text)) or len(pattern(FILE, "ask").findall(text)) >= 2


def stated_shares(text: str) -> set[str]:
    """The shares a question states (八成 → {"80"}, 「72%」 → {"72"}, 「百分百」 → {"100"})."""
    out = set()
    for m in pattern(FILE, "stated_share").finditer(text):
        if m.group(4):
            out.add("100")
        elif m.group(3):
            out.add(str(10 * (_CN_DIGIT.index(m.group(3)) + 1)))
        else:
            out.add(m.group(1) or m.group(2))
    return out


def scope_kinds(text: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(k for k in word_list(FILE, g) if k in text) for g in SCOPE_GROUPS)


def kinds_conflict(kinds: tuple[tuple[str, ...], ...], text: str) -> bool:
    """The question names one kind of a thing and the text names only other kinds of it."""
    for group, mine in zip(SCOPE_GROUPS, kinds):
        if mine and any(k in text for k in word_list(FILE, group)) and not any(k in text for k in mine):
            return True
    return False


def scope_conflict(question: str, text: str) -> bool:
    return kinds_conflict(scope_kinds(question), text)


def figure_ask(text: str, canonical: str) -> FigureAsk:
    plural = plural_ask(text)
    return FigureAsk(
        plural=plural,
        share=bool(pattern(FILE, "share").search(text)) and not plural,
        unit=wanted_unit(text) if not plural else "",
        count=bool(pattern(FILE, "count").search(text)),
        money=bool(pattern(FILE, "money").search(text)),
        project=bool(pattern(FILE, "project").search(text)),
        stated_shares=frozenset(stated_shares(text)),
        stated_amounts=frozenset(m.group(1) for m in pattern(FILE, "stated_amount").finditer(canonical or text)),
        kinds=scope_kinds(text),
    )
