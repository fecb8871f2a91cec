"""The 重点任务 of a brief and the topic's sentences elsewhere in the document (used by kb.brief).

A task is a lead sentence (「加强……。」 opening a paragraph) with the measures that follow it; it
lists at most MEASURES_PER_TASK measures, those naming the topic first, and counts the rest."""

from __future__ import annotations

import re

from kb.brief_types import Row, Task
from kb.cite import CitationBuilder
from kb.structure import split_sentences
from kb.topic_match import dense_in_topic, terms_for, text_in_topic, under
from kb.types import Document

MEASURES_PER_TASK = 4  # measures quoted under one heading (those naming the topic first); more are counted
ELSEWHERE_MAX = 8  # sentences of other chapters that name the topic, listed after the tasks
_TARGET_YEAR = re.compile(r"[到至](20\d\d)年")


def _other_year_only(text: str, year: int | None) -> bool:
    """A measure that states only deadlines of other years (「到2035年，建成……」 in a 2027 brief)."""
    years = {int(y) for y in _TARGET_YEAR.findall(text)}
    return year is not None and bool(years) and year not in years


def tasks(doc: Document, topic: str, cb: CitationBuilder, year: int | None = None,
          secs: frozenset = frozenset()) -> list[Task]:
    """Each lead sentence in the topic — by its words or its section's title —
    with the measures that follow it up to the next heading; a heading outside the topic still
    counts when several of its measures name it. With a year, measures that state only other
    years' deadlines are left out."""
    sentences = split_sentences(doc.doc_id, doc.text, doc.sections)
    starts = sorted({x.start for x in doc.sections})
    out = []
    for s in doc.sections:
        if s.kind != "lead":
            continue
        head_end = doc.text.find("。", s.start) + 1 or s.start + len(s.title)
        end = next((x for x in starts if x > s.start), len(doc.text))
        own = [x for x in sentences if head_end <= x.start < end and not x.text.startswith(("到20", "到 20"))
               and not _other_year_only(x.text, year)]
        head = doc.text[s.start:head_end]
        head_in = under(s.path, secs) or text_in_topic(topic, head, " ".join(s.path[:-1]))
        named = [x for x in own if text_in_topic(topic, x.text)]
        if not own or (not head_in and len(named) < 2):
            continue
        pick = own if head_in else named
        shown = sorted(sorted(pick, key=lambda x: not text_in_topic(topic, x.text))[:MEASURES_PER_TASK],
                       key=lambda x: x.start)
        heading = Row((head.lstrip("—－- "),), ())  # a label: the measures below are cited
        rows = tuple(Row((x.text,), (cb.cite(doc.doc_id, x.start, x.end),)) for x in shown)
        out.append(Task(heading, rows, len(pick) - len(shown)))
    return out


def elsewhere(doc: Document, topic: str, cb: CitationBuilder, cited: list[tuple[int, int]],
              headings: set[str], year: int | None) -> list[Row]:
    """Sentences that name the topic in their own words, that the brief does not already quote and
    that stand under no task heading of the brief (outside the 专栏): a measure on the topic set in
    another chapter (monitoring, prices, markets, law), or in a topic section written without lead
    sentences. Those naming most of the topic's words first, at most ELSEWHERE_MAX, in the
    document's order; each with its section."""
    terms = terms_for(topic)
    titles = {s.start for s in doc.sections}  # a heading line is no statement
    found = []
    for x in split_sentences(doc.doc_id, doc.text, doc.sections):
        if len(x.text) < 10 or x.start in titles or (x.path and x.path[-1] in headings):
            continue
        if any(a < x.end and x.start < b for a, b in cited):  # quoted already, whole or in part
            continue
        if any(p.startswith("专栏") for p in x.path) or _other_year_only(x.text, year):
            continue
        hits = sum(t in x.text for t in terms)
        if hits:
            found.append((hits + dense_in_topic(topic, x.text), x))
    best = sorted(found, key=lambda h: -h[0])[:ELSEWHERE_MAX]
    return [Row((x.text.strip(), x.path[-1] if x.path else ""), (cb.cite(doc.doc_id, x.start, x.end),))
            for _, x in sorted(best, key=lambda h: h[1].start)]
