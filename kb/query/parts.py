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
