"""The goals a document sets for a year, asked without naming one indicator (「这份计划某年的
目标有哪些？」, 「某个领域某年要达到啥指标？」, 「某年的指标，甲、乙、丙都要」):
every sentence of one document that states a target of that year, of the topics the question
names (kb/lexicon/topics.toml), each cited whole; with no topic, the sentences of the document's
goals part first. Also the topics a question lists, trimmed to words the documents use, for any
strategy that must cover each of them."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kb.cite import CitationBuilder, sentence_around
from kb.lexicon import pattern, word_list
from kb.query import Query
from kb.query.outline import named_parts
from kb.topic_match import fact_in_topic
from kb.topics import TOPIC_SYNONYMS
from kb.types import Answer, Fact, Hit

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext


def listed_topics(kb: AnswerContext, q: Query) -> tuple[str, ...]:
    """The topics the question lists (甲、乙、丙都要), each trimmed to its longest start (the
    last item) or end (the first) that the documents use: 「丙都要」 → 丙, 「帮我列甲」 → 甲."""
    items = list(q.topic_list)
    if len(items) < 2:
        return ()
    out = []
    for i, item in enumerate(items):
        if i == 0:
            cuts = [item[j:] for j in range(len(item))]
        elif i == len(items) - 1:
            cuts = [item[:j] for j in range(len(item), 0, -1)]
        else:
            cuts = [item]
        word = next((c for c in cuts if c in TOPIC_SYNONYMS or kb.relevance.df(c) > 0), "")
        if word:
            out.append(word)
    return tuple(dict.fromkeys(out)) if len(out) >= 2 else ()


def _named_topics(q: Query, words: tuple[str, ...]) -> tuple[str, ...]:
    """Topics the question names by a word of kb/lexicon/topics.toml (交通, 空气)."""
    return tuple(w for w in words if w in TOPIC_SYNONYMS)


def _doc_rank(hits: list[Hit], doc_id: str) -> int:
    return next((i for i, h in enumerate(hits) if h.chunk.doc_id == doc_id), len(hits))


def _in_goals_part(f: Fact) -> bool:
    goal_words = named_parts().get("主要目标", ()) + ("目标指标",)
    return any(w in p for p in f.path for w in goal_words)


_GOAL_WORDS = frozenset(word_list("asks.toml", "goal_words"))
_GOALS = pattern("asks.toml", "goals")
_FIGURES = pattern("asks.toml", "figure_goals")
_PART_END = re.compile(r"[？?。！!；;]")


def asking_clause(asking: re.Pattern[str], text: str, default: str = "") -> str:
    """The clause of a question (between 。？；！) that asks what `asking` matches."""
    return next((c for c in _PART_END.split(text) if asking.search(c)), default)


def _goals_clause(q: Query) -> str:
    return asking_clause(_GOALS, q.text, q.text)


def _topic_words_in(clause: str) -> tuple[str, ...]:
    """The topic words (kb/lexicon/topics.toml: a topic's name or one of its words, two characters or
    more) the clause holds, the longest where they overlap: 「水环境方面」 → 水环境."""
    known = {w for name, group in TOPIC_SYNONYMS.items() for w in (name, *group) if len(w) >= 2}
    found = [w for w in known if w in clause]
    return tuple(sorted(w for w in found if not any(w != o and w in o for o in found)))


def _asked_words(kb: AnswerContext, q: Query, words: tuple[str, ...], topics: tuple[str, ...]) -> list[str]:
    """The words of the clause that asks for the goals, besides the goal words and the topics: what
    else it names (「某年某种水的水质有啥指标」 → 水质 names one indicator)."""
    clause = _goals_clause(q)
    return [w for w in words if w in clause and len(w) >= 2 and w not in _GOAL_WORDS and not w.isdigit()
            and not any(w in t or t in w for t in topics) and kb.relevance.df(w) > 0]


def year_goals_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                      words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    """The targets of the year asked; goals asked as figures with no year (「某个主题有哪些定量指标」)
    take every year, of the topic the question names in any words the facts hold."""
    if q.indicators or not (q.years or "goals" in q.asks):
        return None
    figures = _FIGURES.search(q.text) is not None
    topics = listed_topics(kb, q) or _named_topics(q, words)
    facts = [f for f in kb.index.facts if f.kind == "target" and f.doc_id in allowed
             and (not q.years or f.year in q.years) and (not q.scope or q.scope in f.quote)]
    if not q.years and not topics:
        titles = " ".join(kb.index.docs[d].meta.title for d in allowed if d in kb.index.docs)
        named = _topic_words_in(_goals_clause(q)) or tuple(w for w in _asked_words(kb, q, words, ()) if w not in titles)
        if named:  # 「某某方面」: the words of the clause are the topic
            facts = [f for f in facts if any(fact_in_topic(w, f) for w in named)]
            topics = named
    if topics:
        facts = [f for f in facts if any(fact_in_topic(t, f) for t in topics)]
    if not facts:
        return None
    doc_id = min({f.doc_id for f in facts}, key=lambda d: (_doc_rank(hits, d), d))
    facts = sorted((f for f in facts if f.doc_id == doc_id), key=lambda f: f.start)
    title = kb.index.docs[doc_id].meta.title
    rest = [w for w in _asked_words(kb, q, words, topics) if w not in title]  # 行动计划 names the document
    if any(w in f.indicator for w in rest for f in facts):
        return None  # one indicator named (地下水 …): the target strategy's question
    if not topics and any(_in_goals_part(f) for f in facts):
        facts = [f for f in facts if _in_goals_part(f)]
    doc = kb.index.docs[doc_id]
    spans = list(dict.fromkeys(sentence_around(doc, f.start, f.end) for f in facts))
    if not topics and not figures:  # 「主要目标是：到2030年，……」: the document's own summing-up of that year, first
        goal_words = named_parts().get("主要目标", ())
        stated = [(s.start, s.end) for s in doc.sentences if any(w in s.text for w in goal_words)
                  and any(f"{y}年" in s.text for y in q.years)]
        spans = list(dict.fromkeys(stated + spans))
    cap = kb.settings.answering.section_max_sentences
    if topics:  # the first sentence of each topic, then the rest in the document's order
        firsts = [next((sentence_around(doc, f.start, f.end) for f in facts if fact_in_topic(t, f)), None)
                  for t in topics]
        chosen = list(dict.fromkeys([s for s in firsts if s is not None] + spans))[:cap]
        spans = sorted(chosen)
    else:
        spans = spans[:cap]
    said = " ".join(doc.text[s0:s1] for s0, s1 in spans) + " " + " ".join(" ".join(f.path) for f in facts)
    if rest and kb.relevance.coverage(tuple(rest), said) < kb.settings.answering.sentence_min:
        return None  # the question names something these goals do not speak of (a quality the figures do not measure)
    lines = [cb.quote_sentence(doc_id, s0, s1) for s0, s1 in spans]
    used = tuple(f for f in facts if any(s0 <= f.start < s1 for s0, s1 in spans))
    return Answer(q.raw, "answered", "\n".join(lines), cb.citations(), used)
