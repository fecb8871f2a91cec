"""BM25 and dense search in PostgreSQL, as llama-index retrievers (kb/retrieve.py fuses them as it
fuses the embedded ones). BM25: the question's jieba tokens pick candidate chunks through the GIN
``tsvector`` (terms in more than CANDIDATE_MAX_DF of the chunks are left out of the pick, not of
the score), scored by the inner product of the chunk's ``sparsevec`` of bm25s weights with the
question's token counts. Dense: sentences by inner product, HNSW above EXACT_MAX_VECTORS, exact
below; a chunk scores as its best sentence."""

from __future__ import annotations

from collections import Counter

from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode

from kb.embed import Embedder
from kb.pg.db import CANDIDATE_MAX_DF, EXACT_MAX_VECTORS, lexeme, reader, sparse_literal, vector_literal
from kb.question_words import QUESTION_WORDS
from kb.segment import tokenize


def bm25_top(conn, schema: str, tokens: list[str], k: int, n_chunks: int) -> list[tuple[int, float]]:
    """(chunk position, BM25 score) of the best ``k`` chunks for ``tokens`` (score > 0)."""
    if not tokens:
        return []
    known = {t: (i, df) for t, i, df in conn.execute(
        f"SELECT token, id, df FROM {schema}.vocab WHERE token = ANY(%s)", (list(set(tokens)),))}
    tokens = [t for t in tokens if t in known]
    # The question's framing words (什么, 处于) match at random: kept only when nothing else is known.
    tokens = [t for t in tokens if t not in QUESTION_WORDS] or tokens
    if not tokens:
        return []
    counts = Counter(known[t][0] for t in tokens)
    dim = _vocab_size(conn, schema)
    query = sparse_literal(sorted(counts), [float(counts[i]) for i in sorted(counts)], dim)
    limit_df = max(1000, CANDIDATE_MAX_DF * n_chunks)
    pick = [t for t in dict.fromkeys(tokens) if known[t][1] <= limit_df] or list(dict.fromkeys(tokens))
    rows = conn.execute(
        f"SELECT pos, -(bm25 <#> %s::sparsevec) FROM {schema}.chunks WHERE tokens @@ %s::tsquery "
        "ORDER BY bm25 <#> %s::sparsevec, pos LIMIT %s",
        (query, " | ".join(lexeme(t) for t in pick), query, k)).fetchall()
    return [(int(p), float(s)) for p, s in rows if s > 0]


_VOCAB_SIZES: dict[tuple, int] = {}  # a version's vocabulary never changes once written


def _vocab_size(conn, schema: str) -> int:
    key = (conn.info.host, conn.info.port, conn.info.dbname, schema)
    if key not in _VOCAB_SIZES:
        _VOCAB_SIZES[key] = int(conn.execute(f"SELECT count(*) FROM {schema}.vocab").fetchone()[0])
    return _VOCAB_SIZES[key]


def dense_top(conn, schema: str, vector, n: int, exact: bool) -> list[tuple[int, float]]:
    """(chunk position, sentence score) of the ``n`` nearest sentences by inner product."""
    # A second sort key keeps the planner off the HNSW index: exact search, ties in build order.
    order = "embedding <#> %s::vector, vid" if exact else "embedding <#> %s::vector"
    q = vector_literal(vector)
    rows = conn.execute(f"SELECT chunk_pos, -(embedding <#> %s::vector) FROM {schema}.sentences "
                        f"ORDER BY {order} LIMIT %s", (q, q, n)).fetchall()
    return [(int(p), float(s)) for p, s in rows]


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
        top = bm25_top(reader(self._pg.url), self._pg.schema, tokens, self.top_k, self._pg.chunks)
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
        n = min(self._pg.vectors, self.top_k * 8)
        best: dict[int, float] = {}
        for pos, score in dense_top(reader(self._pg.url), self._pg.schema, vec, n,
                                    self._pg.vectors <= EXACT_MAX_VECTORS):
            if 0 <= pos < len(self._nodes):
                best[pos] = max(best.get(pos, -1.0), score)
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[: self.top_k]
        return [NodeWithScore(node=self._nodes[pos], score=score) for pos, score in ranked]
