"""Hybrid retrieval through llama-index: a jieba/bm25s retriever and a FAISS dense retriever,
fused (RRF or normalized weighted sum), filtered by document / level / section, then a domain
rerank postprocessor that uses years, numbers and indicator terms."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import numpy as np
from llama_index.core.postprocessor.types import BaseNodePostprocessor
from llama_index.core.retrievers import BaseRetriever
from llama_index.core.schema import NodeWithScore, QueryBundle, TextNode
from llama_index.core.vector_stores.types import VectorStoreQuery
from llama_index.vector_stores.faiss import FaissVectorStore
from pydantic import Field

from kb.config import Settings
from kb.embed import Embedder
from kb.index import LoadedIndex
from kb.question_words import QUESTION_WORDS
from kb.ranking import top_positive
from kb.segment import index_text, sentences_in, tokenize
from kb.types import Chunk, Hit

_YEAR_RE = re.compile(r"(20\d\d)")


@dataclass(frozen=True)
class Filters:
    doc_id: str = ""
    level: str = ""
    section: str = ""
    doc_ids: tuple[str, ...] = ()  # the documents a question is about (kb.query.documents)

    def allows_doc(self, doc_id: str, level: str) -> bool:
        return ((not self.doc_id or doc_id == self.doc_id) and (not self.level or level == self.level)
                and (not self.doc_ids or doc_id in self.doc_ids))

    def allows(self, chunk: Chunk, level: str) -> bool:
        if self.doc_id and chunk.doc_id != self.doc_id:
            return False
        if self.doc_ids and chunk.doc_id not in self.doc_ids:
            return False
        if self.level and level != self.level:
            return False
        return not (self.section and self.section not in chunk.section)


def make_nodes(index: LoadedIndex) -> list[TextNode]:
    nodes = []
    for pos, c in enumerate(index.chunks):
        doc = index.docs[c.doc_id]
        nodes.append(TextNode(
            id_=c.chunk_id, text=index_text(c), start_char_idx=c.start, end_char_idx=c.end,
            metadata={"pos": pos, "doc_id": c.doc_id, "title": doc.meta.title, "level": doc.meta.level,
                      "section": c.section},
        ))
    return nodes


class BM25ChineseRetriever(BaseRetriever):
    """bm25s over jieba tokens (the stock llama-index BM25 retriever cannot segment Chinese)."""

    def __init__(self, index: LoadedIndex, nodes: list[TextNode], top_k: int = 50) -> None:
        super().__init__()
        self._bm25 = index.bm25
        self._tokenizer = index.tokenizer
        self._vocab = getattr(index.bm25, "vocab_dict", None) or {}
        self._nodes = nodes
        self.top_k = top_k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        tokens = [t for t in tokenize(query_bundle.query_str, self._tokenizer) if t in self._vocab]
        # The question's framing words (什么, 处于, 状态) match passages at random; keep them
        # only when nothing else of the question is in the vocabulary.
        tokens = [t for t in tokens if t not in QUESTION_WORDS] or tokens
        if not tokens or not self._nodes:
            return []
        scores = self._bm25.get_scores(tokens)
        return [NodeWithScore(node=self._nodes[i], score=score) for i, score in top_positive(scores, self.top_k)]


class DenseFaissRetriever(BaseRetriever):
    """e5 query embedding against a FAISS inner-product index of L2-normalized sentences; a chunk
    scores as its best sentence (one vector per chunk blurs a short question's match)."""

    def __init__(self, index: LoadedIndex, nodes: list[TextNode], embedder: Embedder, top_k: int = 50) -> None:
        super().__init__()
        self._store = FaissVectorStore(faiss_index=index.vectors)
        self._owners = index.vector_chunks
        self._nodes = nodes
        self._embedder = embedder
        self.top_k = top_k

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        if not self._nodes or not len(self._owners):
            return []
        vec = query_bundle.embedding or self._embedder.embed_query(query_bundle.query_str).tolist()
        # Enough sentences that top_k chunks are almost surely among their owners.
        n = min(len(self._owners), self.top_k * 8)
        res = self._store.query(VectorStoreQuery(query_embedding=vec, similarity_top_k=n))
        best: dict[int, float] = {}
        for vid, score in zip(res.ids or [], res.similarities or []):
            v = int(vid)
            if 0 <= v < len(self._owners):
                pos = int(self._owners[v])
                best[pos] = max(best.get(pos, -1.0), float(score))
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[: self.top_k]
        return [NodeWithScore(node=self._nodes[pos], score=score) for pos, score in ranked]


def _minmax(scores: list[float]) -> list[float]:
    if not scores:
        return []
    lo, hi = min(scores), max(scores)
    return [1.0 if hi == lo else (s - lo) / (hi - lo) for s in scores]


class HybridRetriever(BaseRetriever):
    """Fuses the sparse and dense retrievers; remembers which retriever found each node."""

    def __init__(self, sparse: BaseRetriever, dense: BaseRetriever, fusion: str = "rrf", rrf_k: int = 60,
                 dense_weight: float = 0.5) -> None:
        super().__init__()
        self.sparse, self.dense = sparse, dense
        self.fusion, self.rrf_k, self.dense_weight = fusion, rrf_k, dense_weight

    def _retrieve(self, query_bundle: QueryBundle) -> list[NodeWithScore]:
        # The sub-retrievers' own _retrieve: their public retrieve() would add one callback-trace
        # entry per question to each sub-retriever, never released (a slow leak in a server).
        lists = {"bm25": self.sparse._retrieve(query_bundle), "dense": self.dense._retrieve(query_bundle)}
        fused: dict[str, float] = {}
        found: dict[str, set[str]] = {}
        nodes: dict[str, NodeWithScore] = {}
        for name, results in lists.items():
            weight = self.dense_weight if name == "dense" else 1.0 - self.dense_weight
            normed = _minmax([r.score or 0.0 for r in results])
            for rank, (r, norm) in enumerate(zip(results, normed)):
                nid = r.node.node_id
                nodes[nid] = r
                found.setdefault(nid, set()).add(name)
                contrib = 1.0 / (self.rrf_k + rank + 1) if self.fusion == "rrf" else weight * norm
                fused[nid] = fused.get(nid, 0.0) + contrib
        out = []
        for nid, score in sorted(fused.items(), key=lambda kv: -kv[1]):
            base = nodes[nid].node
            node = base.model_copy(update={"metadata": {**base.metadata, "retrievers": ",".join(sorted(found[nid]))}})
            out.append(NodeWithScore(node=node, score=score))
        return out


class DomainRerank(BaseNodePostprocessor):
    """Policy-aware rerank: a chunk that names the asked year, holds a number when a value is
    asked, or contains the asked indicator terms moves up. Multiplicative, so fusion order
    still decides among equals."""

    boost_terms: list[str] = Field(default_factory=list)
    years: list[str] = Field(default_factory=list)
    wants_number: bool = False
    level: str = ""
    prefer: list[str] = Field(default_factory=list)  # documents that move up (the ones the plan cites)

    @classmethod
    def class_name(cls) -> str:
        return "DomainRerank"

    def _postprocess_nodes(self, nodes: list[NodeWithScore], query_bundle: QueryBundle | None = None) -> list[NodeWithScore]:
        out = []
        for n in nodes:
            text = n.node.get_content()
            factor = 1.0
            for year in self.years:
                if year in text:
                    factor += 0.25
            hits = sum(1 for t in self.boost_terms if t in text)
            factor += 0.15 * min(hits, 3)
            if self.wants_number and re.search(r"\d", text):
                factor += 0.1
            if self.level and n.node.metadata.get("level") == self.level:
                factor += 0.5
            if n.node.metadata.get("doc_id") in self.prefer:
                factor += 0.5
            out.append(NodeWithScore(node=n.node, score=(n.score or 0.0) * factor))
        return sorted(out, key=lambda x: -(x.score or 0.0))


class Retriever:
    """The retrieval stage as one object: loaded once per process, shared by CLI, app and eval."""

    def __init__(self, index: LoadedIndex, embedder: Embedder, settings: Settings) -> None:
        self.index = index
        self.settings = settings
        self.embedder = embedder
        self.nodes = make_nodes(index)
        if index.pg is not None:  # the postgres backend: the database searches (kb/pg/retrieve.py)
            from kb.pg.retrieve import PgBM25Retriever, PgDenseRetriever

            self.bm25: BaseRetriever = PgBM25Retriever(index, self.nodes)
            self.dense: BaseRetriever = PgDenseRetriever(index, self.nodes, embedder)
        else:
            self.bm25 = BM25ChineseRetriever(index, self.nodes)
            self.dense = DenseFaissRetriever(index, self.nodes, embedder)
        self.hybrid = HybridRetriever(self.bm25, self.dense, settings.fusion, settings.rrf_k, settings.dense_weight)
        self._rows: dict[tuple[str, int], int] | None = None
        self._matrix: np.ndarray | None = None

    @functools.lru_cache(maxsize=4)  # noqa: B019 - one per process: retrieval and sentence ties share it
    def embed_query(self, query: str) -> np.ndarray:
        return self.embedder.embed_query(query)

    def sentence_similarity(self, query: str, doc_id: str, start: int) -> float | None:
        """Cosine of the query and the sentence starting at `start` (its stored vector), or None."""
        vector = self.sentence_vectors(doc_id, [start])[0]
        return None if vector is None else float(vector @ self.embed_query(query))

    def sentence_vectors(self, doc_id: str, starts: list[int]) -> list[np.ndarray | None]:
        """The stored vectors of the sentences starting at `starts` (None where none is stored)."""
        if self.index.pg is not None:
            return [self.index.pg.sentence_vector(doc_id, start) for start in starts]
        if self._rows is None:  # vector i belongs to the i-th sentence in build order (kb.index)
            rows, i = {}, 0
            for chunk in self.index.chunks:
                sents = sentences_in(self.index.docs[chunk.doc_id], chunk)
                for s in sents:
                    rows.setdefault((chunk.doc_id, s.start), i)
                    i += 1
                i += 0 if sents else 1  # a chunk with no sentence has one vector of its own
            self._matrix = self.index.vectors.reconstruct_n(0, self.index.vectors.ntotal)
            self._rows = rows
        out: list[np.ndarray | None] = []
        for start in starts:
            row = self._rows.get((doc_id, start))
            out.append(None if row is None or self._matrix is None or row >= len(self._matrix) else self._matrix[row])
        return out

    def search(self, query: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None,
               boost_terms: tuple[str, ...] = (), years: tuple[str, ...] = (), wants_number: bool = False,
               rerank: bool = True, level: str = "", prefer: tuple[str, ...] = ()) -> list[Hit]:
        filters = filters or Filters()
        bundle = QueryBundle(query_str=query)
        if mode in ("hybrid", "dense"):
            bundle.embedding = self.embed_query(query).tolist()
        retriever = {"hybrid": self.hybrid, "bm25": self.bm25, "dense": self.dense}[mode]
        results = retriever.retrieve(bundle)
        if rerank and (boost_terms or years or wants_number or level or prefer):
            post = DomainRerank(boost_terms=list(boost_terms), years=list(years or _YEAR_RE.findall(query)),
                                wants_number=wants_number, level=level, prefer=list(prefer))
            results = post.postprocess_nodes(results, query_bundle=bundle)
        hits: list[Hit] = []
        for r in results:
            chunk = self.index.chunks[r.node.metadata["pos"]]
            if not filters.allows(chunk, self.index.docs[chunk.doc_id].meta.level):
                continue
            hits.append(Hit(chunk, float(r.score or 0.0), tuple(r.node.metadata.get("retrievers", mode).split(","))))
            if len(hits) >= k:
                break
        return hits
