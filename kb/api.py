"""The public Python API: one KnowledgeBase per process, shared by the CLI, the app and eval."""

from __future__ import annotations

import dataclasses
import re
import threading
from pathlib import Path

from kb.answer import AnswerContext, Explain, IndicatorGuesser, answer_question, explain_question
from kb.config import Settings, load_settings
from kb.embed import get_embedder
from kb.errors import BadInput, UnknownDocument
from kb.index import LoadedIndex, build_index, load_index
from kb.query import retrieval_args, understand
from kb.relevance import Relevance
from kb.retrieve import Filters, Retriever
from kb.types import Answer, Document, Fact, Hit

_DOC_ID_RE = re.compile(r"^[\w\u4e00-\u9fff.-]{1,120}$")


class KnowledgeBase:
    def __init__(self, settings: Settings, index: LoadedIndex | None = None) -> None:
        self.settings = settings
        self.index = index or load_index(settings)
        self.embedder = get_embedder(settings.embedder)
        self.retriever = Retriever(self.index, self.embedder, settings)
        self.relevance = Relevance([c.text + " " + c.section for c in self.index.chunks])
        base = AnswerContext(settings, self.index, self.retriever, self.embedder, self.relevance)
        self.indicator_guesser = IndicatorGuesser(base)
        self.context = dataclasses.replace(base, indicator_guesser=self.indicator_guesser)

    @classmethod
    def open(cls, settings: Settings | None = None, build_if_missing: bool = False) -> KnowledgeBase:
        settings = settings or load_settings()
        if build_if_missing:
            build_index(settings)
        return cls(settings)

    # documents -------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        return list(self.index.docs.values())

    def document(self, doc_id: str) -> Document:
        if not isinstance(doc_id, str) or not _DOC_ID_RE.match(doc_id) or ".." in doc_id:
            shown = doc_id[:60] + "…" if isinstance(doc_id, str) and len(doc_id) > 60 else doc_id
            raise UnknownDocument(f"文件编号无效：{shown!r}", "用 `kb docs` 查看可用的编号")
        doc = self.index.docs.get(doc_id)
        if doc is None:
            raise UnknownDocument(f"没有编号为 {doc_id} 的文件", "用 `kb docs` 查看可用的编号")
        return doc

    # retrieval -----------------------------------------------------------------------
    def search(self, query: str, k: int = 5, mode: str = "hybrid", filters: Filters | None = None) -> list[Hit]:
        if mode not in ("hybrid", "bm25", "dense"):
            raise BadInput(f"unknown retrieval mode {mode!r}", "use hybrid, bm25 or dense")
        q = understand(query, self.settings.max_question_chars)
        return self.retriever.search(q.expansion, k=max(1, min(int(k), 100)), mode=mode, filters=filters,
                                     **retrieval_args(q))

    def ask(self, question: str, k: int = 5, filters: Filters | None = None) -> Answer:
        return answer_question(self.context, question, k=k, filters=filters)

    def ask_explained(self, question: str, k: int = 5, filters: Filters | None = None) -> tuple[Answer, Explain]:
        """The answer and how it was reached (the typed query, the strategies tried, their scores)."""
        return explain_question(self.context, question, k=k, filters=filters)

    # facts ---------------------------------------------------------------------------
    def targets(self, year: int | None = None, topic: str = "", kinds: tuple[str, ...] = ("target",)) -> list[Fact]:
        from kb.topics import match_topic

        facts = [f for f in self.index.facts if f.kind in kinds]
        if year is not None:
            facts = [f for f in facts if f.year == year]
        if topic:
            facts = [f for f in facts if match_topic(topic, f)]
        return facts


_shared: dict[tuple, KnowledgeBase] = {}
_lock = threading.Lock()


def shared_kb(settings: Settings | None = None, build_if_missing: bool = False) -> KnowledgeBase:
    """One loaded knowledge base per process and settings (the app and batch use this)."""
    settings = settings or load_settings()
    key = (str(Path(settings.index).resolve()), settings.embedder, settings.chunk_chars)
    with _lock:
        if key not in _shared:
            _shared[key] = KnowledgeBase.open(settings, build_if_missing=build_if_missing)
        return _shared[key]
