"""BM25 and dense search in PostgreSQL, as llama-index retrievers (kb/retrieve.py fuses them as it
fuses the embedded ones).

BM25: one primary-key lookup fetches the posting lists of the question's tokens (each the chunks
holding the token with their bm25s weights, packed as bytes); the sums are made here with numpy in
the order bm25s makes them, so every chunk gets the embedded backend's score to the bit, and the
best are taken as it takes them (kb/ranking.py). Exact whatever the size: no candidate filter,
nothing left out. Dense: the nearest sentences by inner product — exact up to exact_max_vectors,
above through the HNSW index over the vectors as ``halfvec``, asking it for at most
``hnsw_ef_search`` sentences and scoring those with the stored full vectors. A chunk scores as
its best sentence. Posting lists are kept in a process's memory up to ``postings_cache_mb``: the
long lists are those of common words, which most questions share."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from kb.config import PostgresKnobs
from kb.embed import Embedder
from kb.pg.db import pooled, unpack_postings, vector_literal
from kb.question_words import QUESTION_WORDS
from kb.ranking import top_positive
from kb.segment import tokenize

Posting = tuple[np.ndarray, np.ndarray]  # chunk positions (int32) and their weights (float32)


class PostingsCache:
    """Posting lists a process has read, least recently used dropped past ``max_bytes``; a token a
    version does not hold is remembered as None. A version's lists never change once written."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.used = max_bytes, 0
        self._lists: OrderedDict[tuple[str, str], Posting | None] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, conn, schema: str, tokens: set[str]) -> dict[str, Posting]:
        found: dict[str, Posting] = {}
        with self._lock:
            for t in tokens:
                if (schema, t) in self._lists:
                    self._lists.move_to_end((schema, t))
                    if (hit := self._lists[(schema, t)]) is not None:
                        found[t] = hit
        missing = [t for t in tokens if t not in found and (schema, t) not in self._lists]
        if missing:
            fetched = {t: unpack_postings(bytes(blob), df) for t, df, blob in conn.execute(
                f"SELECT token, df, list FROM {schema}.postings WHERE token = ANY(%s)", (missing,), binary=True)}
            found.update(fetched)
            with self._lock:
                for t in missing:
                    self._put((schema, t), fetched.get(t))
        return found

    def _put(self, key: tuple[str, str], value: Posting | None) -> None:
        size = 64 + (value[0].nbytes + value[1].nbytes if value is not None else 0)
        if size > self.max_bytes or key in self._lists:
            return
        self._lists[key] = value
        self.used += size
        while self.used > self.max_bytes:
            _, old = self._lists.popitem(last=False)
            self.used -= 64 + (old[0].nbytes + old[1].nbytes if old is not None else 0)


_caches: dict[float, PostingsCache] = {}


def postings_cache(knobs: PostgresKnobs) -> PostingsCache:
    return _caches.setdefault(knobs.postings_cache_mb, PostingsCache(int(knobs.postings_cache_mb * 2**20)))


def bm25_top(conn, schema: str, tokens: list[str], k: int, n_chunks: int,
             cache: PostingsCache | None = None) -> list[tuple[int, float]]:
    """(chunk position, BM25 score) of the best ``k`` chunks for ``tokens`` (score > 0)."""
    if not tokens or not n_chunks:
        return []
    lists = (cache or PostingsCache(0)).get(conn, schema, set(tokens))
    tokens = [t for t in tokens if t in lists]
    # The question's framing words (什么, 处于) match at random: kept only when nothing else is known.
    tokens = [t for t in tokens if t not in QUESTION_WORDS] or tokens
    if not tokens:
        return []
    scores = np.zeros(n_chunks, dtype=np.float32)
    for t in tokens:  # token by token, a repeated token again: bm25s's own order of float32 sums
        positions, weights = lists[t]
        scores[positions] += weights
    return top_positive(scores, k)


def dense_top(conn, schema: str, vector, n: int, hnsw: bool = False, dim: int = 0) -> list[tuple[int, float]]:
    """(chunk position, sentence score) of the ``n`` nearest sentences by inner product, best first."""
    q = vector_literal(vector)
    if not hnsw:  # a second sort key keeps the planner off any index: exact search, ties in build order
        rows = conn.execute(f"SELECT chunk_pos, -(embedding <#> %s::vector) FROM {schema}.sentences "
                            "ORDER BY embedding <#> %s::vector, vid LIMIT %s", (q, q, n)).fetchall()
        return [(int(p), float(s)) for p, s in rows]
    half = f"halfvec({int(dim)})"  # the index's own expression, or the planner would not use it
    rows = conn.execute(f"SELECT chunk_pos, -(embedding <#> %s::vector) AS score FROM (SELECT chunk_pos, embedding "
                        f"FROM {schema}.sentences ORDER BY embedding::{half} <#> %s::{half} LIMIT %s) AS near "
                        "ORDER BY score DESC", (q, q, n)).fetchall()
    return [(int(p), float(s)) for p, s in rows]


def dense_chunks(rows: list[tuple[int, float]], k: int) -> list[tuple[int, float]]:
    """The ``k`` best chunks of sentence rows, a chunk scoring as its best sentence."""
    best: dict[int, float] = {}
    for pos, score in rows:
        best[pos] = max(best.get(pos, -1.0), score)
    return sorted(best.items(), key=lambda kv: -kv[1])[:k]


def dense_sentences(pg, top_k: int) -> int:
    """How many nearest sentences one dense search asks for: enough that ``top_k`` chunks are
    almost surely among their owners, and within what one HNSW search returns."""
    n = min(pg.vectors, top_k * 8)
    return min(n, pg.knobs.hnsw_ef_search) if pg.hnsw else n


class PooledReads:
    """Runs one statement on a connection borrowed for it alone: BM25 borrows none when every
    posting list a question needs is already in the process's cache."""

    def __init__(self, pg) -> None:
        self._pg = pg

    def execute(self, sql: str, params, binary: bool = False) -> list[tuple]:
        with pooled(self._pg.url, self._pg.knobs) as conn:
            return conn.execute(sql, params, binary=binary).fetchall()


class PgBM25Retriever(BaseRetriever):
    def __init__(self, index, nodes: list[TextNode], top_k: int = 50) -> None:
        super().__init__()
        self._pg = index.pg
        self._tokenizer = index.tokenizer
        self._nodes = nodes
        self.top_k = top_k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if not self._nodes:
            return []
        tokens = tokenize(query_bundle.query_str, self._tokenizer)
        top = bm25_top(PooledReads(self._pg), self._pg.schema, tokens, self.top_k, self._pg.chunks,
                       postings_cache(self._pg.knobs))
        return [NodeWithScore(node=self._nodes[pos], score=score) for pos, score in top]


class PgDenseRetriever(BaseRetriever):
    def __init__(self, index, nodes: list[TextNode], embedder: Embedder, top_k: int = 50) -> None:
        super().__init__()
        self._pg = index.pg
        self._nodes = nodes
        self._embedder = embedder
        self.top_k = top_k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if not self._nodes or not self._pg.vectors:
            return []
        vec = query_bundle.embedding or self._embedder.embed_query(query_bundle.query_str).tolist()
        pg = self._pg
        with pooled(pg.url, pg.knobs) as conn:
            rows = dense_top(conn, pg.schema, vec, dense_sentences(pg, self.top_k), pg.hnsw, pg.dim)
        ranked = dense_chunks([(p, s) for p, s in rows if 0 <= p < len(self._nodes)], self.top_k)
        return [NodeWithScore(node=self._nodes[pos], score=score) for pos, score in ranked]
