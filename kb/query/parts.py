"""The parts of a question that asks several things (「第三阶段要达到什么状态？规划对本世纪中叶有何
展望？」, 「组织实施怎么安排的？县区要不要再出配套文件？」): one clause a part, split where the
asker ends one question and starts the next. A part that only points back to the first
(「出租车那边呢？」) is no question of its own and is not returned."""

from __future__ import annotations

import re

from kb.lexicon import pattern

_END = re.compile(r"(?<=[？?；;])")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def question_parts(text: str, min_chars: int = 4) -> tuple[str, ...]:
    """The question's own questions, in order; one part when it asks one thing."""
    parts = [p.strip(" ，,。") for p in _END.split(text)]
    parts = [p for p in parts if len(_CJK.findall(p)) >= min_chars]
    own = [p for p in parts if not pattern("asks.toml", "follow_up").search(p)]
    return tuple(own) if len(own) >= 2 else (text,)


_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)\s*年?")
_RANGE = re.compile(r"20\d\d\s*年?\s*[—–\-~～至到]+\s*20\d\d")
_JOIN = re.compile(r"^[\s、，,和与及跟]+|[\s、，,和与及跟]+$")


def year_parts(text: str) -> tuple[tuple[int, str], ...]:
    """A question naming two or more separate years (「2026年、2032年分别完成什么」, not a span
    「2024—2027年」): for each year, the question asked of that year alone (the other years taken
    out). Empty when it names fewer than two."""
    if _RANGE.search(text):
        return ()
    found = list(_YEAR.finditer(text))
    years = list(dict.fromkeys(int(m.group(1)) for m in found))
    if len(years) < 2:
        return ()
    out = []
    for y in years:
        kept, last = [], 0
        for m in found:
            if int(m.group(1)) != y:
                kept.append(text[last:m.start()])
                last = m.end()
        kept.append(text[last:])
        own = "".join(kept)
        own = re.sub(r"(?<=年)[、，,和与及跟]+(?=[^\d])|[、，,和与及跟]+(?=\d{4}年)", "", own)
        out.append((y, _JOIN.sub("", own)))
    return tuple(out)
