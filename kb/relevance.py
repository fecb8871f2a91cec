"""How well a passage covers a question: key words of the question weighted by how rare they
are in the corpus (a word the corpus never uses weighs most, so a question about something the
corpus lacks cannot be "covered" by generic words like 城市 or 比例)."""

from __future__ import annotations

import functools
import math
import re

import jieba

from kb.lexicon import pattern, word_list
from kb.query.understand import LEVEL_WORDS, Query
from kb.question_words import ASKING, GENERIC, is_question_word
from kb.segment import tokenizer as base_tokenizer

_LEVEL_TOKENS = frozenset([w for words in LEVEL_WORDS.values() for w in words]
                          + list(word_list("text.toml", "level_tokens_extra")))
_INDICATOR_SHAPED = pattern("text.toml", "indicator_shaped")
_YEAR_TOKEN = pattern("text.toml", "year_token")  # 2027年
_COUNT_WORD = pattern("text.toml", "count_word")
_NO_SIGNAL = frozenset(word_list("text.toml", "no_signal"))
_GLUE = "".join(word_list("text.toml", "glue"))  # function characters jieba glues onto words


def _cut_keeping(tok: jieba.Tokenizer, text: str, keep: tuple[str, ...]) -> list[str]:
    """jieba's precise cut, except that a given word which the cut splits across its edge
    (「工地上扬尘」 → 工地/上扬/尘) is kept whole where it stands."""
    tokens = list(tok.cut(text))
    edges, pos = set(), 0
    for t in tokens:
        edges.add(pos)
        pos += len(t)
    edges.add(pos)
    broken = [w for w in keep if w and any(m.start() not in edges or m.end() not in edges
                                          for m in re.finditer(re.escape(w), text))]
    if not broken:
        return tokens
    out: list[str] = []
    pattern = re.compile("|".join(re.escape(w) for w in sorted(broken, key=len, reverse=True)))
    i = 0
    for m in pattern.finditer(text):
        out.extend(tok.cut(text[i : m.start()]))
        out.append(m.group(0))
        i = m.end()
    out.extend(tok.cut(text[i:]))
    return out


@functools.lru_cache(maxsize=1)
def _indicator_names() -> dict[str, tuple[str, ...]]:
    from kb.indicators import INDICATOR_SYNONYMS

    return {canon: tuple(names) for canon, names in INDICATOR_SYNONYMS.items()}


@functools.lru_cache(maxsize=1)
def _glossary_words() -> dict[str, tuple[str, ...]]:
    from kb.query.understand import glossary

    return {word: tuple(plan) for word, plan in glossary()}


class Relevance:
    """IDF over the index's chunks, by substring presence (works for words jieba splits differently)."""

    def __init__(self, texts: list[str], tokenizer: jieba.Tokenizer | None = None) -> None:
        self._texts = texts
        self._tok = tokenizer or base_tokenizer()  # the index's own tokenizer
        self._n = max(1, len(texts))

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - one instance per loaded index
    def df(self, word: str) -> int:
        return sum(1 for t in self._texts if word in t)

    def known(self, word: str) -> bool:
        """The corpus uses the word as written."""
        return self.df(word) > 0

    def idf(self, word: str) -> float:
        return math.log((self._n + 1) / (self.df(word) + 0.5))

    def key_words(self, q: Query) -> tuple[str, ...]:
        """Content words of the question (precise-mode jieba on the canonicalized question).

        The plan's words that understanding put in (扬尘 for 尘土飞扬) and the indicators it found
        stay whole (jieba would cut 「工地上扬尘」 as 工地/上扬/尘); what a 「除了……，」 clause
        names is context, not what is asked (「除了超低排放，还得治哪几样」), and so is a clause that
        explains the term after 「就是所谓」, and who asks (「某某问：」)."""
        words = self._content_words(q.topic_text, q)
        # A leading condition sets the scene; what is asked comes after it, when that part still
        # names two things the corpus speaks of.
        if q.asked_text != q.topic_text:
            rest = self._content_words(q.asked_text, q)
            if sum(1 for w in rest if self.df(w) > 0) >= 2:
                return rest
        return words

    def _content_words(self, text: str, q: Query) -> tuple[str, ...]:
        words = []
        for w in _cut_keeping(self._tok, text, (*q.plan_words, *q.indicators)):
            w = w.strip().strip(_GLUE)
            if len(w) < 2 or is_question_word(w) or w.isdigit() or not any(ch.isalnum() for ch in w):
                continue
            if _COUNT_WORD.match(w):  # 「哪三个方面」: how many, not what
                continue
            if w in _LEVEL_TOKENS:  # 国家意见, 吉林省: which document, handled as a filter, not a topic
                continue
            if _YEAR_TOKEN.match(w):
                continue
            words.append(w)
        return tuple(dict.fromkeys(words))

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - one instance per loaded index
    def parts(self, word: str) -> tuple[str, ...]:
        """A word the corpus never uses, as the parts of it that it does use (污水处理率 → 污水,
        处理, 处理率); () for a known word or one with no known part (a colloquial word)."""
        if self.df(word) > 0:
            return ()
        parts = tuple(p for p in self._tok.cut_for_search(word)
                      if p != word and len(p) >= 2 and self.df(p) > 0 and not is_question_word(p))
        # Only when the known parts make up the whole word: in 可吸入颗粒物 (PM10) the unknown 可吸入 is
        # what tells it from 细颗粒物, so it stays an unknown word rather than 「颗粒物」.
        covered = set()
        for p in parts:
            i = word.find(p)
            covered.update(range(i, i + len(p)))
        return parts if len(covered) == len(word) else ()

    def present(self, word: str, text: str) -> bool:
        """The word, or every known part of an unknown compound, stands in the text: 污水处理率 is
        not covered by 「无害化处理率」 (no 污水) nor by 「公共交通分担率」."""
        if word in text:
            return True
        # An indicator the question named by a synonym (养牛 → 肉牛饲养量) is there when any of its
        # names is (「万头肉牛养殖」 speaks of 肉牛).
        if any(v in text for v in _indicator_names().get(word, ()) if len(v) >= 2):
            return True
        # A glossary word the question kept because the corpus uses it (VOCs) is there when one
        # of its plan words is (挥发性有机物 in the plan).
        if any(v in text for v in _glossary_words().get(word, ()) if len(v) >= 2):
            return True
        parts = self.parts(word)
        if not parts:
            return False
        # The parts must stand together, as in the compound (「农村生活污水……无害化处理率」 is not 污水处理率).
        span = len(word) + 12  # 「非法猎捕、采集、运输、交易」 still holds 非法交易
        first = text.find(parts[0])
        while first >= 0:
            window = text[max(0, first - span) : first + span]
            if all(p in window for p in parts):
                return True
            first = text.find(parts[0], first + 1)
        return False

    def soft_words(self, q: Query) -> tuple[str, ...]:
        """The framing words of the question that the corpus also uses (问题, 目标, 要求): too
        common to decide relevance, enough to break a tie between two sentences."""
        words = []
        for w in self._tok.cut(q.canonical or q.text):
            w = w.strip()
            if len(w) >= 2 and (w in GENERIC or w in ASKING) and w not in _NO_SIGNAL and self.df(w) > 0:
                words.append(w)
        return tuple(dict.fromkeys(words))

    def weight(self, word: str) -> float:
        """IDF, except that a word the corpus never uses (often a colloquial one, 城里 拉货) weighs
        little: it cannot be matched, and the synonyms that can be are added by understanding.
        An unknown compound of known words (污水处理率) weighs as its rarest part."""
        if self.df(word) > 0:
            return self.idf(word)
        parts = self.parts(word)  # an unknown compound of known words weighs as its rarest part
        if parts:
            return max(self.idf(p) for p in parts)
        # An unknown word shaped like an indicator (PM10, 可吸入颗粒物, 卫生厕所普及率) is what the
        # question is about, so it weighs as the rarest word: a passage about 细颗粒物浓度 does not
        # cover a question about PM10 浓度.
        return math.log((self._n + 1) / 0.5) if _INDICATOR_SHAPED.search(word) else self.UNSEEN_WEIGHT

    UNSEEN_WEIGHT = 0.8

    def coverage(self, words: tuple[str, ...], text: str) -> float:
        """Weighted share of the words found in the text (1.0 when there are no words)."""
        if not words:
            return 1.0
        total = sum(self.weight(w) for w in words)
        found = sum(self.weight(w) for w in words if self.present(w, text))
        return found / total if total > 0 else 1.0
