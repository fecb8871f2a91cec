"""Citations: numbered, verbatim (quote == doc.text[start:end]), and the number-grounding check."""

from __future__ import annotations

import bisect
import itertools
import re

from kb.lexicon import pattern
from kb.types import Citation, Document, Fact

_MARKER_RE = re.compile(r"\[\d+\]")
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
_PHASE_RE = pattern("text.toml", "phase_heading")
_YEAR_MARKER_RE = pattern("text.toml", "year_marker")


def numbers_in(text: str) -> list[str]:
    return _NUMBER_RE.findall(_MARKER_RE.sub("", text))


def ungrounded_numbers(answer: str, citations: tuple[Citation, ...] | list[Citation]) -> list[str]:
    """Numbers in the answer that appear in none of its cited quotes (must be empty)."""
    quoted = " ".join(c.quote for c in citations)
    have = set(numbers_in(quoted))
    return [n for n in numbers_in(answer) if n not in have and n not in quoted]


def paragraph_year(doc: Document, year: int | None, before: int) -> tuple[int, int] | None:
    """The span of the nearest 「到2025年」 (or 「2025年」) before ``before`` in the same full sentence
    (up to the last 。): the year a clause cut off by 「；」 from its year marker is dated by. A year of
    an earlier sentence is not taken: that sentence may date only itself."""
    if not year:
        return None
    para = max(doc.text.rfind("\n", 0, before), doc.text.rfind("。", 0, before)) + 1  # same full sentence
    found = None
    for m in _YEAR_MARKER_RE.finditer(doc.text, para, before):
        if int(m.group("year")) == year:
            found = (m.start(), m.end())
    return found


_BOUNDS: dict[int, tuple[tuple, list[int], list[int]] | None] = {}


def _bounds(doc: Document) -> tuple[list[int], list[int]] | None:
    """The starts and ends of the document's sentences when both are sorted (kept per document
    object, so a lookup is a binary search, not a scan of every sentence); None otherwise."""
    hit = _BOUNDS.get(id(doc))
    if hit is None or hit[0] is not doc.sentences:
        starts = [s.start for s in doc.sentences]
        ends = [s.end for s in doc.sentences]
        ok = all(a <= b for a, b in itertools.pairwise(starts)) and all(a <= b for a, b in itertools.pairwise(ends))
        if len(_BOUNDS) > 1000:
            _BOUNDS.clear()
        hit = _BOUNDS[id(doc)] = (doc.sentences, starts, ends) if ok else (doc.sentences, [], [])
    return (hit[1], hit[2]) if hit[1] or not doc.sentences else None


def sentence_around(doc: Document, start: int, end: int) -> tuple[int, int]:
    """The span of the sentence(s) covering [start, end)."""
    bounds = _bounds(doc)
    if bounds is None:
        covering = [s for s in doc.sentences if s.start < max(end, start + 1) and s.end > start]
        if not covering:
            return start, end
        return covering[0].start, covering[-1].end
    starts, ends = bounds
    first = bisect.bisect_right(ends, start)                  # the first sentence ending after start
    last = bisect.bisect_left(starts, max(end, start + 1)) - 1  # the last one starting before end
    if first > last:
        return start, end
    return starts[first], ends[last]


def section_label(doc: Document, start: int, end: int) -> str:
    from kb.structure import path_at

    path = path_at(doc.sections, start, end)
    return " › ".join(path) if path else "（正文开头）"


class CitationBuilder:
    """Collects citations for one answer; the same span cited twice keeps one number."""

    def __init__(self, docs: dict[str, Document]) -> None:
        self.docs = docs
        self._cites: list[Citation] = []

    def cite(self, doc_id: str, start: int, end: int) -> int:
        for c in self._cites:
            if c.doc_id == doc_id and c.start == start and c.end == end:
                return c.n
        doc = self.docs[doc_id]
        n = len(self._cites) + 1
        self._cites.append(Citation(n, doc_id, doc.meta.title, section_label(doc, start, end),
                                    doc.text[start:end], start, end))
        return n

    def related(self, doc_id: str, start: int, end: int) -> Citation:
        doc = self.docs[doc_id]
        return Citation(0, doc_id, doc.meta.title, section_label(doc, start, end), doc.text[start:end], start, end)

    def citations(self) -> tuple[Citation, ...]:
        return tuple(self._cites)

    def quote_span(self, doc_id: str, start: int, end: int) -> str:
        """The verbatim text of a span followed by its marker."""
        text = self.docs[doc_id].text[start:end].strip().rstrip("。；，")
        return f"{text}[{self.cite(doc_id, start, end)}]"

    def quote_sentence(self, doc_id: str, start: int, end: int) -> str:
        text = self.docs[doc_id].text[start:end].strip()
        n = self.cite(doc_id, start, end)
        if text.endswith(("。", "；", "！", "？", "：")):  # 「要坚持做到：」 introduces what follows
            return f"{text[:-1]}[{n}]{'。' if text[-1] == '；' else text[-1]}"
        return f"{text}[{n}]。"

    def fact_sentence(self, fact: Fact) -> str:
        """One short sentence for a target: the clause as written, with its year, cited.

        The year must stand in a cited quote: when the fact's sentence does not name it (the
        year comes from the phase heading), the phase heading is cited as well.
        """
        doc = self.docs[fact.doc_id]
        s_start, s_end = sentence_around(doc, fact.start, fact.end)
        clause = fact.quote.strip().rstrip("。；，")
        year = str(fact.year) if fact.year else ""
        phase = None
        if not year or year in clause:  # the clause holds its year: it is the quote (a clause-level citation)
            return f"{clause}[{self.cite(fact.doc_id, fact.start, fact.end)}]。"
        if year not in doc.text[s_start:s_end]:
            phase = self._phase_heading(doc, fact)
        marker = paragraph_year(doc, fact.year, s_start) if phase is None and year not in doc.text[s_start:s_end] else None
        # The heading (or the year marker) is cited first when it comes first, so the markers read [1] … [2].
        m = self.cite(fact.doc_id, *phase) if phase is not None else 0
        y = self.cite(fact.doc_id, *marker) if marker is not None else 0
        n = self.cite(fact.doc_id, s_start, s_end)
        if phase is not None:
            return f"{doc.text[phase[0]:phase[1]].rstrip('。')}[{m}]：{clause}[{n}]。"
        if year and year not in clause and year in doc.text[s_start:s_end]:
            return f"到{year}年，{clause}[{n}]。"
        if marker is not None:  # 「到2025年，……；（this sentence）」: the year stands earlier in the paragraph
            return f"{doc.text[marker[0]:marker[1]]}[{y}]，{clause}[{n}]。"
        return f"{clause}[{n}]。"

    def _phase_heading(self, doc: Document, fact: Fact) -> tuple[int, int] | None:
        for s in doc.sections:
            if s.kind == "phase" and s.start <= fact.start < s.end and str(fact.year) in s.title:
                return s.start, s.start + len(s.title)
        return None
