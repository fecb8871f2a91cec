"""The tokenizer belongs to the loaded index: a copy of the base tokenizer (policy dictionary) plus
the index's own terms, written at build and read at load; two indexes in one process do not share
words, and jieba's process-wide global is never touched."""

import jieba

from kb.query import understand
from kb.relevance import Relevance
from kb.segment import index_terms, index_tokenizer, tokenize, tokenizer

NEW_TERM = "江城蓝天指数"  # in no dictionary: jieba cuts it into parts unless an index adds it
TEXT = f"到2027年{NEW_TERM}要达到多少？"


def test_two_index_tokenizers_do_not_interfere():
    plain, own = index_tokenizer([]), index_tokenizer([NEW_TERM])
    assert NEW_TERM in own.lcut(TEXT)
    assert NEW_TERM not in plain.lcut(TEXT)
    # making `own` changed neither the base tokenizer nor jieba's global one
    assert NEW_TERM not in tokenizer().lcut(TEXT)
    assert NEW_TERM not in jieba.lcut(TEXT)
    assert NEW_TERM in tokenize(TEXT, own) and NEW_TERM not in tokenize(TEXT, plain)


def test_query_and_relevance_cut_with_the_given_tokenizer():
    plain, own = index_tokenizer([]), index_tokenizer([NEW_TERM])
    assert NEW_TERM in understand(TEXT, tokenizer=own).tokens
    assert NEW_TERM not in understand(TEXT, tokenizer=plain).tokens
    texts = [f"{NEW_TERM}达到90%以上", "空气质量持续改善"]
    q = understand(TEXT, tokenizer=own)
    assert NEW_TERM in Relevance(texts, own).key_words(q)
    assert NEW_TERM not in Relevance(texts, plain).key_words(understand(TEXT, tokenizer=plain))


def test_the_loaded_index_reads_its_terms_and_keeps_them_to_itself(kb):
    index = kb.index
    assert index.terms == index_terms(index.facts) and index.terms
    term = next(t for t in index.terms if len(t) >= 4)
    assert term in index.tokenizer.FREQ
    before = understand(TEXT, tokenizer=index.tokenizer).tokens
    other = index_tokenizer([NEW_TERM])  # another index's tokenizer, made in the same process
    assert NEW_TERM in other.FREQ and NEW_TERM not in index.tokenizer.FREQ
    assert understand(TEXT, tokenizer=index.tokenizer).tokens == before
    assert term not in tokenizer().FREQ or tokenizer().FREQ[term] != 1000
