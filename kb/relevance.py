"""How well a passage covers a question: key words of the question weighted by how rare they
are in the corpus (a word the corpus never uses weighs most, so a question about something the
corpus lacks cannot be "covered" by generic words like 城市 or 比例)."""

from __future__ import annotations

import functools
import math

from kb.segment import tokenizer
from kb.understand import GENERIC, Query

# Words that say what kind of answer is wanted, not what it is about.
ASKING = frozenset(["多少", "多大", "多高", "多低", "几成", "比例", "占比", "目标", "要求", "指标", "达到", "实现", "完成", "哪些", "什么", "啥", "时候", "何时", "哪年", "哪一年", "谁", "负责", "部门", "单位", "牵头", "规定", "提到", "提", "说", "讲", "包括", "具体", "内容", "怎么", "如何", "是否", "有没有", "能", "会", "需要", "应该", "主要", "重点", "一下", "方面", "问题", "情况", "里", "中", "之", "是", "的", "了", "吗", "呢", "都", "还", "要", "得", "把", "让", "给", "对", "从", "被", "按", "按照", "规划", "文件", "意见", "当前", "现在", "今后", "未来", "以后", "之前", "以前", "左右", "以上", "以下", "不低于", "不少于", "控制", "下降", "降", "提高", "到", "年", "年底", "年前", "前", "后", "期间", "阶段", "总体", "水平", "状态", "样子", "啥样", "程度", "怎样", "什么样", "安排", "打算", "办法", "措施", "哪个", "哪种", "哪几个", "哪几种", "几个", "几项", "几处", "几种", "分别", "大概", "一共"])


_GLUE = "要的了得中到在是把被就都还也"  # function characters jieba glues onto words (率要, 中到)


class Relevance:
    """IDF over the index's chunks, by substring presence (works for words jieba splits differently)."""

    def __init__(self, texts: list[str]) -> None:
        self._texts = texts
        self._n = max(1, len(texts))

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - one instance per loaded index
    def df(self, word: str) -> int:
        return sum(1 for t in self._texts if word in t)

    def idf(self, word: str) -> float:
        return math.log((self._n + 1) / (self.df(word) + 0.5))

    def key_words(self, q: Query) -> tuple[str, ...]:
        """Content words of the question (precise-mode jieba on the canonicalized question)."""
        words = []
        for w in tokenizer().cut(q.canonical or q.text):
            w = w.strip().strip(_GLUE)
            if len(w) < 2 or w in GENERIC or w in ASKING or w.isdigit() or not any(ch.isalnum() for ch in w):
                continue
            if w.endswith("年") and w[:-1].isdigit():
                continue
            words.append(w)
        return tuple(dict.fromkeys(words))

    def weight(self, word: str) -> float:
        """IDF, except that a word the corpus never uses (often a colloquial one, 城里 拉货) weighs
        little: it cannot be matched, and the synonyms that can be are added by understanding."""
        return self.UNSEEN_WEIGHT if self.df(word) == 0 else self.idf(word)

    UNSEEN_WEIGHT = 0.8

    def coverage(self, words: tuple[str, ...], text: str) -> float:
        """Weighted share of the words found in the text (1.0 when there are no words)."""
        if not words:
            return 1.0
        total = sum(self.weight(w) for w in words)
        found = sum(self.weight(w) for w in words if w in text)
        return found / total if total > 0 else 1.0
