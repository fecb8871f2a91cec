"""Which part of a document's section tree a question names (patterns and words in
kb/lexicon/outline.toml): a numbered part (第三章, 第十二部分, 第二条, 第二章第三节), the list of 专栏,
the parts of the whole document, or a named part (主要任务, 保障措施, 基本原则 …)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.lexicon import pattern, words

FILE = "outline.toml"
_QUOTES = re.compile(r"[“”「」『』\"‘’]")
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# Rows of outline.toml that are not named parts.
_NOT_PARTS = ("outline_filler", "task_frame", "span_asked")


@dataclass(frozen=True)
class OutlineRef:
    """A reference to the structure of a document. ``units`` pairs each numbered part named with
    its number, outermost first (第二章第三节 → (("章", 2), ("节", 3)))."""

    units: tuple[tuple[str, int], ...] = ()
    part: str = ""  # a named part, by its row name in outline.toml (保障措施)
    part_words: tuple[str, ...] = ()  # the words of that row found in the question
    columns: bool = False  # the list of 专栏 asked
    whole: bool = False  # the parts of the whole document asked
    children: bool = False  # the sections under the named part asked
    phrases: tuple[str, ...] = ()  # the question's own words that name the part
    titles: tuple[str, ...] = ()  # a part named by its quoted heading (“……政策体系”这一部分)
    span: tuple[str, int, int] = ()  # a run of numbered parts (第二到第九部分 → ("部分", 2, 9))

    def to_dict(self) -> dict:
        return {"units": [list(u) for u in self.units], "part": self.part, "columns": self.columns,
                "whole": self.whole, "children": self.children, "titles": list(self.titles),
                "span": list(self.span)}


def chinese_number(text: str) -> int:
    """十二 → 12, 二十 → 20, 一百零五 → 105, 7 → 7; 0 when it is not a number."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch in _DIGITS:
            current = _DIGITS[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return 0
    return total + current


def named_parts() -> dict[str, tuple[str, ...]]:
    return {name: row.words for name, row in words(FILE).items() if name not in _NOT_PARTS}


def outline_ref(text: str) -> OutlineRef | None:
    """The structural reference of a question, or None when it names none."""
    units, phrases = [], []
    run = pattern(FILE, "part_range").search(text)
    span = (run.group(3), chinese_number(run.group(1)), chinese_number(run.group(2))) if run else ()
    if span and not 0 < span[1] < span[2]:
        span = ()
    if span:
        phrases.append(run.group(0))
        text = text.replace(run.group(0), " ")
    for m in pattern(FILE, "numbered_part").finditer(text):
        n = chinese_number(m.group(1))
        if n:
            units.append((m.group(2), n))
            phrases.append(m.group(0))
    part, part_words = "", ()
    plain = _QUOTES.sub("", text)  # a quoted 「“坚持”」 names the part as 几个坚持 does
    for name, ws in named_parts().items():
        found = tuple(w for w in ws if w in plain)
        if found:
            part, part_words = name, found
            phrases.extend(found)
            break
    titles = tuple(m.group(1) for m in pattern(FILE, "titled_part").finditer(text)) or \
        tuple(m.group(1) for m in pattern(FILE, "section_named").finditer(_QUOTES.sub("", text)))
    phrases.extend(titles)
    columns = bool(pattern(FILE, "column_list").search(plain))  # 「“专栏”一共有几个」 as 专栏一共有几个
    whole = not units and not part and bool(pattern(FILE, "whole_parts").search(plain))
    children = bool(pattern(FILE, "children").search(plain))
    if not (units or part or columns or whole or titles or span):
        return None
    return OutlineRef(tuple(units), part, part_words, columns, whole and not titles, children, tuple(phrases), titles,
                      span)


def in_force_asked(text: str) -> bool:
    return bool(pattern(FILE, "in_force").search(text))
