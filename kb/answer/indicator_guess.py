"""Naming the indicator of a colloquial target question by meaning, when no word of it does.

A colloquial target question may name no indicator the glossary knows, yet it
asks for 受污染耕地安全利用率. The question's e5 embedding is compared with the names of the
plan's indicators that have target facts (query role on both sides: two short phrases). The
nearest name is taken only when it is clearly nearest and the question shares a word of the
plan with it; a question about 城市 is never given an indicator about 农村 (nor the reverse).
The guess only tells target matching which indicator is meant: the answer is still the plan's
own sentence, cited, in the asked year or not_found with the years the plan gives.

Measured on the gold set and the three tuned blind sets (497 questions): 3 more right, none
turned wrong; an unanswerable question it mapped (城市生活污水集中收集率) is stopped by the
城市/农村 contrast."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

import numpy as np

from kb.facts_match import canonical_of
from kb.lexicon import word_list
from kb.query.figure import kinds_conflict
from kb.query.understand import Query

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext

# Scope words that exclude each other: the question's scope must not be the other one's.
# (Kinds of one thing, 大型/小型, 地表水/地下水, 建设用地/耕地, are the scope_* rows of kb/lexicon/figure.toml.)
CONTRASTS = tuple(tuple(pair.split("/")) for pair in word_list("words.toml", "contrasts"))


class IndicatorGuesser:
    def __init__(self, kb: AnswerContext) -> None:
        self._kb = kb
        facts: dict[str, list[str]] = {}
        for f in kb.index.facts:
            name = canonical_of(f) if f.kind == "target" else None
            if name:
                facts.setdefault(name, []).append(f.quote)
        self._names = sorted(facts)
        self._text = {n: n + " " + " ".join(quotes) for n, quotes in facts.items()}
        self._vectors: np.ndarray | None = None
        self._lock = threading.Lock()

    def _matrix(self) -> np.ndarray:
        with self._lock:  # embedded once, on the first question that needs it (~0.4 s)
            if self._vectors is None:
                self._vectors = np.stack([self._kb.embedder.embed_query(n) for n in self._names]) \
                    if self._names else np.zeros((0, self._kb.embedder.dim), dtype=np.float32)
            return self._vectors

    def guess(self, q: Query) -> str | None:
        """The indicator a target question means, or None when it names one or none is clear."""
        if q.intent != "target" or q.indicators or q.place or len(self._names) < 2:
            return None
        sims = self._matrix() @ self._kb.embedder.embed_query(q.text)
        order = np.argsort(-sims)
        best, second = float(sims[order[0]]), float(sims[order[1]])
        t = self._kb.settings.answering
        if best < t.indicator_sim_min or best - second < t.indicator_margin_min:
            return None
        name = self._names[int(order[0])]
        text = self._text[name]
        rel = self._kb.relevance
        if not any(rel.df(w) > 0 and w in text for w in rel.key_words(q)):
            return None  # nothing of the plan's wording in common: too loose to trust
        if kinds_conflict(q.figure.kinds, text):
            return None  # 私家车 is not 公交车
        for a, b in CONTRASTS:
            for mine, other in ((a, b), (b, a)):
                if mine in q.text and other in text and mine not in text:
                    return None
        return name
