"""The answer strategies, in the order they are tried. Each declares when it applies (from the
typed Query alone) and how it runs; the first grounded answer wins (kb.answer.pipeline).

A strategy is `run(ctx, query, hits, citations, key_words, allowed_doc_ids) -> Answer | None`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from kb.answer.evidence import evidence_answer, where_answer
from kb.answer.fact_answers import deadline_answer, issued_answer, responsibility_answer, target_answer
from kb.answer.goals import year_goals_answer
from kb.answer.lists import column_answer, project_answer, section_answer
from kb.answer.notice import notice_answer
from kb.answer.outline import outline_answer
from kb.answer.phases import named_phase_answer, phases_answer
from kb.answer.term_list import place_answer, term_answer
from kb.query import Query


@dataclass(frozen=True)
class Strategy:
    name: str  # stable identifier, shown in --explain
    label: str  # what it does, in Chinese, for the explanation
    applies: Callable[[Query], bool]
    run: Callable
    trained: bool = True  # the answer selector (kb/select) was trained with this strategy in the order


def _asks(flag: str) -> Callable[[Query], bool]:
    return lambda q: flag in q.asks


STRATEGIES: tuple[Strategy, ...] = (
    Strategy("outline", "文件结构（章节、专栏、组成部分）", lambda q: q.outline is not None and "issued" not in q.asks,
             outline_answer),
    Strategy("issued", "文件印发日期", _asks("issued"), issued_answer),
    Strategy("notice", "印发通知", _asks("notice"), notice_answer),
    Strategy("phases", "规划阶段划分", _asks("phases"), phases_answer),
    Strategy("named_phase", "某一阶段的内容", _asks("one_phase"), named_phase_answer),
    Strategy("year_goals", "某年的各项目标（按主题）", _asks("goals"), year_goals_answer),
    Strategy("column", "专栏列表", lambda q: "column" in q.asks and q.intent in ("list", "general"), column_answer),
    Strategy("where", "在哪里（地点）", _asks("where"), where_answer),
    Strategy("section_list", "标题下的列表", lambda q: q.intent == "list", section_answer),
    Strategy("list_sentences", "列举的句子", lambda q: q.intent == "list", evidence_answer),
    Strategy("deadline", "期限（年份）", lambda q: q.intent == "deadline", deadline_answer),
    Strategy("target", "目标值", lambda q: q.intent in ("target", "deadline", "general", "list"), target_answer),
    Strategy("responsibility", "责任单位", lambda q: q.intent == "responsibility", responsibility_answer),
    Strategy("evidence", "最相关的原文句子", lambda q: q.intent != "list", evidence_answer),
    Strategy("projects", "重点工程项目", lambda q: q.intent == "list", project_answer),
    # Added after the selector was trained: last, and not counted in the passages' place (their
    # `order` feature stays what the model learned).
    Strategy("term_list", "文件对某事的各项要求", _asks("requirements"), term_answer, trained=False),
    Strategy("place_list", "文件中提到某地的各句", _asks("mentions"), place_answer, trained=False),
)


def applicable(q: Query) -> list[Strategy]:
    """The strategies for this query, in order; none for a question about another city."""
    if q.place:  # another city: only a sentence that names it can answer (none does)
        return []
    return [s for s in STRATEGIES if s.applies(q)]
