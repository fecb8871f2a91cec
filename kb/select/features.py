"""Generic features of one candidate answer: what any policy document would make them mean.

A candidate is a strategy's answer (kb/answer/registry.py) or a retrieved sentence offered as it
stands (strategy ``passage``). Its features say how well retrieval ranked its passage, how much
of the question's key words its quotes and its section path hold, whether the quote holds what
the Query asks (a figure with the asked unit, a year for a deadline, a body with 牵头/负责/会同,
several items for a list), whether years and county agree, how long it is, how many citations it
has, whether the strategy's kind fits the intent, and — weakly — the strategy's name. A name the
model never saw gives no name feature and sets ``strategy_unknown`` (new strategies need no code
here; `kb train` learns their name after they are merged). No feature names a phrase of a question."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.cite import sentence_around
from kb.lexicon import pattern, word_list
from kb.types import Answer, Hit

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext
    from kb.query import Query

_NUMBER_RE = pattern("text.toml", "number")
_YEAR_RE = re.compile(r"20\d\d")
_BODY_WORDS = word_list("words.toml", "responsible_body")
INTENTS = ("target", "deadline", "responsibility", "list", "general")
# The kind of answer each known strategy gives, and the intents that kind serves. A strategy not
# listed (added later) has kind "" and fits no intent; its name is still learned by `kb train`.
_KIND = {"target": "figure", "deadline": "time", "issued": "time", "responsibility": "body",
         "section_list": "list", "list_sentences": "list", "projects": "list", "column": "list",
         "year_goals": "figure", "phases": "structure", "named_phase": "structure", "notice": "structure", "where": "structure",
         "evidence": "passage", "passage": "passage"}
_FITS = {"figure": {"target"}, "time": {"deadline"}, "body": {"responsibility"}, "list": {"list"},
         "structure": {"list", "general", "deadline"}, "passage": {"general", "target", "deadline", "responsibility"}}

# The strategies built for one thing a question may ask besides its intent (kb/query/asks.py: the
# issuing date, the notice, the phases, one phase, the 专栏, a place; kb/query/outline.py: a part of
# the document's structure). A question that asks one of these is answered by that strategy or
# by none that knows it: the candidate serves the ask, or leaves it unserved.
_SERVES = {"issued": "issued", "notice": "notice", "phases": "phases", "named_phase": "one_phase",
           "column": "column", "where": "where", "outline": "outline", "year_goals": "goals",
           "projects": "works", "term_list": "requirements", "place_list": "mentions", "section_list": "heading"}


# An ask whose strategy often declines (no list of sentences names the thing): its absence says
# nothing against the other candidates.
_SOFT_ASKS = frozenset({"requirements", "mentions"})
# An ask read from the documents' headings (a section the list question names whole as its
# object): its strategy answers when grounded, but when it declines (two such headings) the others
# are not held to have left it unserved.
_QUIET_ASKS = frozenset({"heading"})


def serves_softly(strategy: str) -> bool:
    """The strategy serves a soft ask: it answers that ask when chosen, but the thresholds still decide."""
    return _SERVES.get(strategy) in _SOFT_ASKS


def _specific_asks(q: Query) -> set[str]:
    asks = {a for a in q.asks if a in _SERVES.values()}
    if q.outline is not None:
        asks.add("outline")
        if q.outline.part == "重点工程":  # 「……方面的重点工程有哪些」: the works the 专栏 list
            asks.add("works")
    return asks


# The order matters only for the model file: features are written and read by name.
BASE_FEATURES: tuple[str, ...] = (
    "first_grounded", "order", "is_passage", "is_refusal", "hit_rank_inv", "hit_score", "in_bm25", "in_dense",
    "dense_sim", "cov_quotes", "cov_first", "cov_path", "cov_answer", "asks_number_has", "asks_number_missing",
    "unit_has", "unit_missing", "year_has", "year_missing", "deadline_year", "body_has", "list_items",
    "county_has", "county_missing", "log_len", "n_cites", "kind_fits", "strategy_unknown",
    "agree", "cov_gap", "sim_gap", "rank_gap", "serves_ask", "ask_unserved",
    *(f"intent_{i}" for i in INTENTS))


@dataclass(frozen=True)
class Proposal:
    """One candidate answer: who proposed it, the answer, and where it stands in the hand order."""

    strategy: str
    label: str
    answer: Answer
    grounded: bool  # every number of the answer stands in a cited quote
    order: int  # position among the strategies tried (passages come after every strategy)
    first_grounded: bool = False  # the first grounded answer in the hand order (the old choice)


def _hit_of(hits: list[Hit], doc_id: str, start: int) -> tuple[int, Hit] | None:
    for rank, h in enumerate(hits):
        if h.chunk.doc_id == doc_id and h.chunk.start <= start < h.chunk.end:
            return rank, h
    return None


def features(kb: AnswerContext, q: Query, hits: list[Hit], words: tuple[str, ...], p: Proposal,
             known_strategies: frozenset[str] | None = None) -> dict[str, float]:
    """The feature values of one candidate (names in BASE_FEATURES, plus ``s:<strategy>``)."""
    ans = p.answer
    cites = ans.citations
    quotes = " ".join(c.quote for c in cites)
    first = cites[0] if cites else None
    rel = kb.relevance
    f: dict[str, float] = dict.fromkeys(BASE_FEATURES, 0.0)
    f["first_grounded"] = float(p.first_grounded)
    f["order"] = min(p.order, 20) / 20
    f["is_passage"] = float(p.strategy == "passage")
    f["is_refusal"] = float(ans.status != "answered")
    if first is not None:
        found = _hit_of(hits, first.doc_id, first.start)
        if found is not None:
            rank, h = found
            f["hit_rank_inv"] = 1.0 / (rank + 1)
            f["hit_score"] = float(h.score)
            f["in_bm25"] = float("bm25" in h.retrievers)
            f["in_dense"] = float("dense" in h.retrievers)
        doc = kb.index.docs[first.doc_id]
        s_start, _ = sentence_around(doc, first.start, first.end)
        sim = kb.retriever.sentence_similarity(q.expansion, first.doc_id, s_start)
        f["dense_sim"] = float(sim) if sim is not None else 0.0
        f["cov_first"] = rel.coverage(words, first.quote) if words else 0.0
        f["cov_path"] = rel.coverage(words, first.section) if words else 0.0
        f["log_len"] = math.log1p(len(first.quote)) / 6
    if words:
        f["cov_quotes"] = rel.coverage(words, quotes)
        f["cov_answer"] = rel.coverage(words, ans.answer)
    has_number = bool(_NUMBER_RE.search(quotes))
    if q.intent == "target":
        f["asks_number_has" if has_number else "asks_number_missing"] = 1.0
    unit = q.figure.unit
    if unit:
        f["unit_has" if unit in quotes else "unit_missing"] = 1.0
    paths = " ".join(c.section for c in cites)
    if q.years:  # the quote, or the phase heading it stands under (第三阶段（2031—2035年）), names the year
        f["year_has" if any(str(y) in quotes + paths for y in q.years) else "year_missing"] = 1.0
    if q.intent == "deadline" and _YEAR_RE.search(quotes):
        f["deadline_year"] = 1.0
    if q.intent == "responsibility" and any(w in quotes for w in _BODY_WORDS):
        f["body_has"] = 1.0
    if q.intent == "list":
        f["list_items"] = min(len(cites), 6) / 6
    if q.county:
        f["county_has" if q.county in quotes + paths else "county_missing"] = 1.0
    f["n_cites"] = min(len(cites), 6) / 6
    specific = _specific_asks(q)
    if _SERVES.get(p.strategy) in specific:
        f["serves_ask"] = 1.0
    elif specific - _SOFT_ASKS - _QUIET_ASKS:
        f["ask_unserved"] = 1.0
    kind = _KIND.get(p.strategy, "")
    f["kind_fits"] = float(q.intent in _FITS.get(kind, ()))
    if q.intent in INTENTS:
        f[f"intent_{q.intent}"] = 1.0
    if known_strategies is None or p.strategy in known_strategies:
        f[f"s:{p.strategy}"] = 1.0
    else:
        f["strategy_unknown"] = 1.0
    return f


def add_agreement(rows: list[dict[str, float]], proposals: list[Proposal]) -> list[dict[str, float]]:
    """Features of a candidate among the others of the same question: how many other candidates
    cite a span overlapping one of its own (independent strategies agreeing), and how far its key
    word coverage, closeness in meaning and retrieval rank stand below the best candidate's."""
    spans = [{(c.doc_id, c.start, c.end) for c in p.answer.citations} for p in proposals]
    best_cov = max((r["cov_quotes"] for r in rows), default=0.0)
    best_sim = max((r["dense_sim"] for r in rows), default=0.0)
    best_rank = max((r["hit_rank_inv"] for r in rows), default=0.0)
    out = []
    for i, r in enumerate(rows):
        agree = sum(1 for j, other in enumerate(spans) if j != i and any(
            d == d2 and s < e2 and s2 < e for d, s, e in spans[i] for d2, s2, e2 in other))
        out.append({**r, "agree": min(agree, 4) / 4, "cov_gap": best_cov - r["cov_quotes"],
                    "sim_gap": best_sim - r["dense_sim"], "rank_gap": best_rank - r["hit_rank_inv"]})
    return out
