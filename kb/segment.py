"""Segmentation: jieba tokens with the policy dictionary, and sentence-aware chunks.

Chunks group consecutive sentences that share one section path, up to ``chunk_chars``; they
never cross a section boundary and carry character offsets into the normalized text.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import re
from collections.abc import Iterable
from importlib import resources

import jieba

from kb.lexicon import dictionary, pattern, words
from kb.types import Chunk, Document, Fact, Sentence

_PUNCT_RE = re.compile(r"^[\W_]+$")
_YEAR_WORD = pattern("text.toml", "year_word")  # 2030年 → also 2030


def lexicon_hash() -> str:
    """A digest of every file in the lexicon folder (kb/lexicon: word lists, glossary, patterns,
    the jieba dictionary and their loader), whatever its kind: an index built with other words is
    stale. Only compiled caches (__pycache__, *.pyc) are left out."""
    h = hashlib.sha256()
    for f in sorted(resources.files("kb.lexicon").iterdir(), key=lambda f: f.name):
        if f.is_file() and not f.name.endswith(".pyc"):
            h.update(f.name.encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


@functools.lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    return frozenset(w for row in words("stopwords.toml").values() for w in row.words)


def policy_terms() -> tuple[str, ...]:
    return tuple(r.word for r in dictionary())


@functools.lru_cache(maxsize=1)
def tokenizer() -> jieba.Tokenizer:
    """The base jieba tokenizer with the policy dictionary, never changed after it is made (jieba's
    process-wide global is left alone). An index tokenizes with its own copy (index_tokenizer)."""
    jieba.setLogLevel(logging.WARNING)
    tok = jieba.Tokenizer()
    tok.initialize()
    for row in dictionary():
        tok.add_word(row.word, freq=row.freq)
    return tok


def index_tokenizer(terms: Iterable[str] = ()) -> jieba.Tokenizer:
    """A tokenizer of one index: a copy of the base one (policy dictionary) plus the index's own
    terms (indicator names harvested from its facts). Two indexes in one process do not share words."""
    base = tokenizer()
    tok = jieba.Tokenizer()
    tok.FREQ, tok.total, tok.initialized = dict(base.FREQ), base.total, True
    tok.user_word_tag_tab = dict(base.user_word_tag_tab)
    for term in terms:
        if 2 <= len(term) <= 12:
            tok.add_word(term, freq=1000)
    return tok


def index_terms(facts: Iterable[Fact]) -> list[str]:
    """The words an index adds to its tokenizer: the indicator names of its targets."""
    return sorted({f.indicator for f in facts if f.kind == "target" and f.indicator})


def tokenize(text: str, tok: jieba.Tokenizer | None = None) -> list[str]:
    """Search-mode jieba tokens, lower-cased, without stopwords and punctuation; with the index's
    tokenizer when given, else the base one."""
    stop = stopwords()
    out: list[str] = []
    for t in (tok or tokenizer()).cut_for_search(text.lower()):
        t = t.strip()
        if not t or t in stop or _PUNCT_RE.match(t):
            continue
        out.append(t)
        if m := _YEAR_WORD.match(t):
            out.append(m.group(1))
    return out


def chunk_document(doc: Document, chunk_chars: int) -> list[Chunk]:
    chunks: list[Chunk] = []
    group: list = []

    def flush() -> None:
        if not group:
            return
        start, end = group[0].start, group[-1].end
        digest = hashlib.sha1(f"{doc.doc_id}:{start}:{end}".encode()).hexdigest()[:12]
        chunks.append(Chunk(f"{doc.doc_id}#{digest}", doc.doc_id, doc.text[start:end], start, end, group[0].path))
        group.clear()

    for sent in doc.sentences:
        if group:
            same_section = sent.path == group[0].path
            new_paragraph = "\n" in doc.text[group[-1].end : sent.start]
            size = sent.end - group[0].start
            if not same_section or size > chunk_chars or (new_paragraph and size > chunk_chars // 2):
                flush()
        group.append(sent)
    flush()
    return chunks


def sentences_in(doc: Document, chunk: Chunk) -> list[Sentence]:
    """The chunk's sentences that get a vector of their own (non-empty ones, in text order)."""
    return [s for s in doc.sentences if chunk.start <= s.start < chunk.end and s.text.strip()]


def chunk_sentences(doc: Document, chunk: Chunk) -> list[str]:
    """What the dense retriever embeds for a chunk: each of its sentences (the chunk itself when it
    holds none); the chunk scores as its best sentence."""
    return [s.text for s in sentences_in(doc, chunk)] or [chunk.text]


def index_text(chunk: Chunk) -> str:
    """What the retrievers see: the nearest headings, then the chunk (headings help colloquial queries)."""
    heads = [p for p in chunk.path[-2:] if p not in chunk.text]
    return ("／".join(heads) + "：" if heads else "") + chunk.text
