"""The vocabulary of asking, as opposed to the vocabulary of the plan: words that frame a
question (什么, 多少, 处于, 提出) or are too general to say what it is about (规划, 建设, 吉林市).
Relevance scoring leaves them out of a question's key words, and the BM25 query leaves them out
so that 「处于什么状态」 does not pull in every passage that says 状态. The words are data:
kb/lexicon/question_words.toml."""

from __future__ import annotations

from kb.lexicon import pattern, word_list

GENERIC = frozenset(word_list("question_words.toml", "generic"))
ASKING = frozenset(word_list("question_words.toml", "asking"))
QUESTION_WORDS = GENERIC | ASKING
NOT_ASKING_JI = pattern("question_words.toml", "not_asking_ji").pattern


def is_question_word(word: str) -> bool:
    """A framing word, or a compound of two (总体要求 = 总体 + 要求; 总目标 is not: 总 is no such word)."""
    if word in QUESTION_WORDS:
        return True
    return any(word[:i] in QUESTION_WORDS and word[i:] in QUESTION_WORDS for i in range(1, len(word)))
