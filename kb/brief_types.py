"""What a brief is made of: rows (cells, citation marks, the source's clause), tasks with their
measures, and the brief itself. Shared by kb.brief (which builds them) and kb.brief_text."""

from __future__ import annotations

from dataclasses import dataclass

from kb.types import Citation, Fact

NO_YEAR = "未写年份"  # the 期限 cell of a target the source states without a year


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...]
    refs: tuple[int, ...]
    clause: str = ""  # a target's own words in the source (kept verbatim in the 摘要)
    fact: Fact | None = None  # the target or deadline a row shows (drawn on the timeline)


@dataclass(frozen=True)
class Task:
    heading: Row  # the lead sentence
    measures: tuple[Row, ...]  # its paragraph's own sentences, each cited
    more: int  # measures not listed
    path: tuple[str, ...] = ()  # the lead's (or the lead-less section's) path in the document


@dataclass(frozen=True)
class Brief:
    title: str
    scope: str
    targets: tuple[Row, ...]  # indicator, comparator, value, unit, deadline, section
    deadlines: tuple[Row, ...]  # year, task, section
    phases: tuple[Row, ...]  # phase, goal clause
    tasks: tuple[Task, ...]
    projects: tuple[Row, ...]  # (column item,)
    dated: tuple[Fact, ...]  # for the timeline
    references: tuple[Citation, ...]
    year_note: str = ""  # e.g. 「2029年没有单独的目标指标；最近的年份：2030年」
    phase_note: str = ""  # a phase in the year's reach whose goals do not name the topic
    milestones: tuple[Row, ...] = ()  # other years' targets of the same indicators (a year brief)
    topic: str = ""
    elsewhere: tuple[Row, ...] = ()  # (sentence, section): the topic named in other chapters
    absent_note: str = ""  # a word of the topic's name the documents never use (「原文没有出现“碳中和”」)
    year: int | None = None  # the brief's year (its own deadlines are read out first)
