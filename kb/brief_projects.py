"""The 重点工程 of a brief: the 专栏 items in the topic (used by kb.brief)."""

from __future__ import annotations

import re

from kb.brief_types import Row
from kb.cite import CitationBuilder
from kb.topic_match import text_in_topic, under
from kb.types import Document

_LISTED = re.compile(r"[^，。；\n]+")  # the parts of a 专栏 sentence that lists its projects
_ENUM = "、"
ENUM_MIN = 4  # a clause of this many 、-parts lists projects (fewer: one project's name holds the 、)
PROJECT_MIN = 6  # a listed part this short is a kind in a list (「绿色出行」), not a project's name: its clause is quoted whole
_ITEM_NUMBER = re.compile(r"^\s*(?:\d{1,2}[.．、]|[（(]\d{1,2}[)）])\s*")


def _projects(doc: Document, topic: str, cb: CitationBuilder, secs: frozenset = frozenset()) -> list[Row]:
    """The 专栏 items in the topic, in the document's order, each with its column; an item (or a
    column written as one sentence) that lists projects of several fields gives only the listed
    parts that name the topic, after the item's name."""
    found: list[tuple[int, Row]] = []
    columns_with_items = {s.path[:-1] for s in doc.sections if s.kind == "item"}
    for s in doc.sections:
        column = s.path[-2] if s.kind == "item" and len(s.path) > 1 else s.path[-1]
        if s.kind == "item" and (under(s.path, secs) or text_in_topic(topic, s.title)):
            end = doc.text.find("\n", s.start)
            end = s.end if end < 0 or end > s.end else end
            text = _ITEM_NUMBER.sub("", doc.text[s.start:end].strip())
            found.append((s.start, Row((text, column), (cb.cite(doc.doc_id, s.start, end),))))
        elif s.kind == "item" or (s.kind == "column" and s.path not in columns_with_items):
            body = s.start + len(s.title) if s.kind == "item" else (doc.text.find("\n", s.start) + 1 or s.end)
            name = _ITEM_NUMBER.sub("", s.title).rstrip("。") if s.kind == "item" else ""
            for a, part in _listed_parts(doc.text, body, s.end, split_enum=True):
                if len(part) >= 4 and text_in_topic(topic, part):
                    found.append((a, Row((f"{name}：{part}" if name else part, column),
                                         (cb.cite(doc.doc_id, a, a + len(part)),))))
    return [row for _, row in sorted(found, key=lambda x: x[0])]


def _listed_parts(text: str, start: int, end: int, split_enum: bool):
    """(offset, part) of the projects a 专栏 text lists: its clauses, and the 、-parts of a clause
    that enumerates several projects (a column written as one sentence lists them the same way)."""
    for m in _LISTED.finditer(text, start, end):
        a = m.start() + (len(m.group(0)) - len(m.group(0).lstrip()))
        clause = m.group(0).strip()
        parts = clause.split(_ENUM)
        if not split_enum or len(parts) < ENUM_MIN:
            yield a, clause
            continue
        if any(len(p.strip()) < PROJECT_MIN for p in parts):  # a list of kinds (「绿色家庭、绿色出行……」), not of projects
            yield a, clause
            continue
        for p in parts:
            yield a, p
            a += len(p) + 1
