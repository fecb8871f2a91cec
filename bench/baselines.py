"""The baselines users would otherwise pick, on the same gold set and the same embedder:
BM25-only (jieba), dense-only (e5), and the stock llama-index pipeline (SentenceSplitter,
VectorStoreIndex over FAISS, top-k similarity). Each answers with its top passage."""

from __future__ import annotations

import time
from dataclasses import dataclass

import faiss
from llama_index.core import Document as LIDocument
from llama_index.core import StorageContext, VectorStoreIndex
from llama_index.core.embeddings import BaseEmbedding
from llama_index.core.node_parser import SentenceSplitter
from llama_index.vector_stores.faiss import FaissVectorStore
from pydantic import PrivateAttr

from kb.api import KnowledgeBase
from kb.embed import Embedder
from kb.normalize import normalize_query


class E5LlamaEmbedding(BaseEmbedding):
    """Our embedder behind llama-index's embedding interface (query/passage roles kept)."""

    _inner: Embedder = PrivateAttr()

    def __init__(self, inner: Embedder) -> None:
        super().__init__(model_name=inner.model_id, embed_batch_size=32)
        self._inner = inner

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._inner.embed_query(query).tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._inner.embed_passages([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self._inner.embed_passages(list(texts)).tolist()


@dataclass
class Passage:
    doc_id: str
    start: int
    end: int
    text: str


class StockLlamaIndex:
    """What the llama-index quick start gives: default SentenceSplitter, VectorStoreIndex, top-k."""

    name = "llama-index stock"

    def __init__(self, kb: KnowledgeBase) -> None:
        t0 = time.perf_counter()
        self.kb = kb
        docs = [LIDocument(text=d.text, id_=d.doc_id, metadata={"doc_id": d.doc_id}) for d in kb.documents()]
        store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(kb.embedder.dim))
        self.index = VectorStoreIndex.from_documents(
            docs, storage_context=StorageContext.from_defaults(vector_store=store),
            embed_model=E5LlamaEmbedding(kb.embedder), transformations=[SentenceSplitter()],
        )
        self.build_seconds = time.perf_counter() - t0
        self.chunks = len(self.index.docstore.docs)

    def retrieve(self, question: str, k: int = 10) -> list[Passage]:
        nodes = self.index.as_retriever(similarity_top_k=k).retrieve(question)
        out = []
        for n in nodes:
            doc_id = n.node.metadata.get("doc_id", "")
            s, e = n.node.start_char_idx, n.node.end_char_idx
            out.append(Passage(doc_id, s if s is not None else -1, e if e is not None else -1, n.node.get_content()))
        return out


class OurRetriever:
    """A retriever over our chunks. Baselines (bm25, dense) get the question as a user typed it
    (normalized only); ours (hybrid) adds question understanding and the domain rerank."""

    def __init__(self, kb: KnowledgeBase, mode: str) -> None:
        self.kb, self.mode = kb, mode
        self.name = {"bm25": "BM25-only (jieba)", "dense": "dense-only (e5)", "hybrid": "ours (hybrid)"}[mode]

    def retrieve(self, question: str, k: int = 10) -> list[Passage]:
        if self.mode == "hybrid":
            hits = self.kb.search(question, k=k, mode="hybrid")
        else:
            hits = self.kb.retriever.search(normalize_query(question), k=k, mode=self.mode, rerank=False)
        return [Passage(h.chunk.doc_id, h.chunk.start, h.chunk.end, h.chunk.text) for h in hits]
