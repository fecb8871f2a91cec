"""The 重点任务 of a brief and the topic's sentences elsewhere in the document (used by kb.brief).

A task is a lead sentence (「加强……。」 opening a paragraph) with the measures that follow it; it
lists at most MEASURES_PER_TASK measures, those naming the topic first, and counts the rest."""

from __future__ import annotations

import re

from kb.brief_borders import ELSEWHERE_Z, closeness, heading_topic
from kb.brief_summary import _ORDINAL
from kb.brief_types import Row, Task
from kb.cite import CitationBuilder
from kb.structure import split_sentences
from kb.topic_match import dense_in_topic, terms_for, text_in_topic, topic_parts, under
from kb.types import Document

MEASURES_PER_TASK = 8  # measures quoted under one heading (the topic's and the concrete ones first); more are counted
MEASURES_TOTAL = 48  # measures quoted in all: more tasks quote fewer each (a brief stays a few pages)
MEASURES_MIN = 4  # ... but never fewer than this under one heading
HEADING_MARGIN = 0.02  # a heading-like sentence after the lead is the heading when this much closer in meaning to the paragraph
HEADING_MAX = 14  # a heading glued to a paragraph's end: at most this many characters before its 。
_HEADING_STOP = re.compile(r"[，、；：\d“”（）]")
NAMED_SHARE = 0.5  # a heading outside the topic is taken when at least this share of its measures (and two) name it
ELSEWHERE_MAX = 8  # sentences of other chapters that name the topic, listed after the tasks
ELSEWHERE_LONG = 8  # a sentence of this many clauses or list items ...
ELSEWHERE_SHARE = 4  # ... counts only when at least one in this many names the topic
ELSEWHERE_WORD = 3  # ... by two of its words, by most of their parts, or by one word this long (碳排放, not 秸秆)
_TARGET_YEAR = re.compile(r"[到至](20\d\d)年")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def _other_year_only(text: str, year: int | None) -> bool:
    """A measure that states only deadlines of other years (「到2035年，建成……」 in a 2027 brief)."""
    years = {int(y) for y in _TARGET_YEAR.findall(text)}
    return year is not None and bool(years) and year not in years


def tasks(doc: Document, topic: str, cb: CitationBuilder, year: int | None = None,
          secs: frozenset = frozenset(), embedder=None) -> list[Task]:
    """Each lead sentence in the topic — by its words or its section's title —
    with the measures that follow it up to the next heading; a heading outside the topic still
    counts when several of its measures, half of them at least, name it (two of seven measures on
    another subject make no task of the topic: they are listed among the topic's sentences elsewhere). With a year, measures that state only other
    years' deadlines are left out."""
    sentences = split_sentences(doc.doc_id, doc.text, doc.sections)
    starts = sorted({x.start for x in doc.sections})
    out: list[tuple[int, Task]] = []
    lead_starts = {s.start for s in doc.sections if s.kind == "lead"}
    carried: dict[int, str] = {}
    for s in doc.sections:
        if s.kind != "lead":
            continue
        head_end = doc.text.find("。", s.start) + 1 or s.start + len(s.title)
        end = next((x for x in starts if x > s.start), len(doc.text))
        own = [x for x in sentences if head_end <= x.start < end and _measure(x, year)]
        if own and _displaced_heading(doc, own[-1], end, lead_starts):
            carried[end] = own[-1].text.strip()  # the next paragraph's heading, glued to this one's end
            own = own[:-1]
        head = doc.text[s.start:head_end]
        path = s.path
        if s.start in carried:  # its heading stood at the end of the paragraph before: the lead is a measure
            head, path = carried[s.start], (*s.path[:-1], carried[s.start].rstrip("。"))
            own = [x for x in sentences if s.start <= x.start < head_end and _measure(x, year)] + own
        elif embedder is not None and (moved := _heading_after(head, own, embedder)):  # a copy that broke the line late
            head, own, path = moved, own[1:], (*s.path[:-1], moved.rstrip("。"))
        # its section is the topic's (a title above it lends it only when its own heading does not
        # say another topic: kb.brief_borders), or its own heading names the topic
        head_in = under(s.path, secs) or heading_topic(topic, head) is True
        named = [x for x in own if text_in_topic(topic, x.text)]
        if own and (head_in or (len(named) >= 2 and len(named) >= NAMED_SHARE * len(own))):
            # every measure under the heading: a heading taken for the measures naming the topic
            # keeps its others too (those naming it first, within the cap; the rest are counted),
            # never dropped without a word
            out.append((s.start, head.lstrip("—－- "), own, path))
    leads = [s.path for s in doc.sections if s.kind == "lead"]
    for s in doc.sections:  # a topic section written without lead sentences: its title heads its sentences
        if s.kind != "section" or not under(s.path, secs) or any(p[:len(s.path)] == s.path for p in leads):
            continue
        own = [x for x in sentences if x.path == s.path and x.start > s.start and _measure(x, year)]
        if own:
            out.append((s.start, _ORDINAL.sub("", s.title).strip(), own, s.path))
    cap = per_task_cap([len(pick) for _, _, pick, _ in out])
    return [_task(doc, topic, cb, head, pick, path, cap) for _, head, pick, path in sorted(out, key=lambda x: x[0])]


def per_task_cap(sizes: list[int]) -> int:
    """Measures quoted under each heading: MEASURES_PER_TASK, less when the brief's tasks together
    would quote more than MEASURES_TOTAL (a brief a trainer hands out stays a few pages), never
    less than MEASURES_MIN."""
    cap = MEASURES_PER_TASK
    while cap > MEASURES_MIN and sum(min(n, cap) for n in sizes) > MEASURES_TOTAL:
        cap -= 1
    return cap


def _heading_after(head: str, own: list, embedder) -> str:
    """「甲制度。乙产品和服务。（乙的正文）」: a copy that broke the line one sentence late puts the
    previous paragraph's last sentence before the heading. When the sentence after the lead is
    heading-like too and the paragraph is about it — its meaning closer to the paragraph's next
    sentences than the lead's by HEADING_MARGIN — it is the heading ("" when not)."""
    if len(own) < 2 or not _heading_like(own[0].text):
        return ""
    body = "".join(x.text for x in own[1:4])
    sims = embedder.embed_passages([head, own[0].text]) @ embedder.embed_passages([body])[0]
    return own[0].text.strip() if float(sims[1] - sims[0]) >= HEADING_MARGIN else ""


def _heading_like(text: str) -> bool:
    body = text.strip()
    return body.endswith("。") and len(body) - 1 <= HEADING_MAX and not _HEADING_STOP.search(body)


def _displaced_heading(doc: Document, x, end: int, lead_starts: set[int]) -> bool:
    """A copy that glued the next part's heading to the end of a paragraph (「……管控。严防某某风险。」
    with a lead paragraph right after): a short sentence with no comma or figure, last in its
    paragraph, not the paragraph's first, the next lead starting on the next line. It is a
    heading, not a measure."""
    if not _heading_like(x.text):
        return False
    line_start = doc.text.rfind("\n", 0, x.start) + 1
    return end in lead_starts and not doc.text[x.end:end].strip() and bool(doc.text[line_start:x.start].strip())


def _measure(x, year: int | None) -> bool:
    return not x.text.startswith(("到20", "到 20")) and not _other_year_only(x.text, year)


def _measure_row(doc: Document, cb: CitationBuilder, x) -> Row:
    """A measure quoted without the ； or ， a sentence split there ends on (「……转型；」)."""
    end = x.end
    while end > x.start + 1 and doc.text[end - 1] in "；，、：\n ":
        end -= 1
    return Row((doc.text[x.start:end].strip(),), (cb.cite(doc.doc_id, x.start, end),))


def _concrete(text: str) -> int:
    """How much a measure names: figures, listed items (、), quoted names (“”)."""
    return len(_DIGITS.findall(text)) + text.count("、") + text.count("“")


def _task(doc: Document, topic: str, cb: CitationBuilder, head: str, pick: list, path: tuple[str, ...],
          cap: int = MEASURES_PER_TASK) -> Task:
    """At most ``cap`` of the measures, in the document's order: those naming the topic first, then
    those naming most (a general opening sentence gives way to the concrete ones)."""
    ranked = sorted(pick, key=lambda x: (not text_in_topic(topic, x.text), -_concrete(x.text)))
    shown = sorted(ranked[:cap], key=lambda x: x.start)
    rows = tuple(_measure_row(doc, cb, x) for x in shown)
    return Task(Row((head,), ()), rows, len(pick) - len(shown), path)  # the heading is a label: measures are cited


def elsewhere(doc: Document, topic: str, cb: CitationBuilder, cited: list[tuple[int, int]],
              covered: set[tuple[str, ...]], secs: frozenset, year: int | None, embedder=None,
              stored=None) -> list[Row]:
    """Sentences outside the topic's sections (and the 专栏) that name the topic in their own words,
    that the brief does not already quote and that stand under no task heading of the brief: a
    measure on the topic set in another chapter (monitoring, prices, markets, law). With an
    embedder, a sentence naming one of the topic's words counts when it is close in meaning to the
    topic's own sections (kb.brief_borders.ELSEWHERE_Z: 「逐步淘汰燃煤小锅炉」 for air, not a
    tourism sentence naming 绿色交通 among hotels), closest first; without one, by its words (two
    of them, most of its parts, or one word ELSEWHERE_WORD long). At most ELSEWHERE_MAX, in the
    document's order; each with its section."""
    terms = terms_for(topic)
    titles = {s.start for s in doc.sections}  # a heading line is no statement
    sentences = split_sentences(doc.doc_id, doc.text, doc.sections)
    z = closeness(doc, sentences, secs, embedder, stored)
    found = []
    for i, x in enumerate(sentences):
        short = len(x.text.strip()) - 1 <= HEADING_MAX and not _HEADING_STOP.search(x.text.strip())
        if short or x.start in titles or x.path in covered or under(x.path, secs):  # a heading-like line says no measure
            continue
        if any(p[:len(x.path)] == x.path for p in secs):  # the own text of a section lending the topic some parts
            continue
        if any(a < x.end and x.start < b for a, b in cited):  # quoted already, whole or in part
            continue
        if any(p.startswith("专栏") for p in x.path) or _other_year_only(x.text, year):
            continue
        named = [t for t in terms if t in x.text]
        dense = dense_in_topic(topic, x.text)
        hits, parts = topic_parts(topic, x.text)
        if not named or (parts >= ELSEWHERE_LONG and hits * ELSEWHERE_SHARE < parts):
            continue  # a long sentence on every field (monitoring of air, water, noise …) is no one topic's
        if z is not None:
            if z[i] >= ELSEWHERE_Z:
                found.append((float(z[i]), x))
        elif len(named) >= 2 or dense or any(len(t) >= ELSEWHERE_WORD for t in named):
            found.append((len(named) + dense, x))
    best = sorted(found, key=lambda h: -h[0])[:ELSEWHERE_MAX]
    rows = [(_measure_row(doc, cb, x), x) for _, x in sorted(best, key=lambda h: h[1].start)]
    return [Row((*r.cells, x.path[-1] if x.path else ""), r.refs) for r, x in rows]
