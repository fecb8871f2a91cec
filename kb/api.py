"""The public Python API: one KnowledgeBase per process, shared by the CLI, the app and eval."""

from __future__ import annotations

import dataclasses
import re
import threading
from pathlib import Path

from kb.answer import AnswerContext, Explain, IndicatorGuesser, answer_question, explain_question
from kb.config import Settings, load_settings
from kb.embed import get_embedder
from kb.errors import BadInput, KBError, UnknownDocument
from kb.index import LoadedIndex, build_index, load_index
from kb.query import retrieval_args, understand
from kb.relevance import Relevance
from kb.retrieve import Filters, Retriever
from kb.types import Answer, Document, Fact, Hit

_DOC_ID_RE = re.compile(r"^[\w\u4e00-\u9fff.-]{1,120}$")
LOCAL_FIRST = ("county", "municipal", "provincial", "national")  # levels, most local first


class KnowledgeBase:
    def __init__(self, settings: Settings, index: LoadedIndex | None = None) -> None:
        self.settings = settings
        self._rebuild: threading.Thread | None = None
        self._use(index or load_index(settings))

    def _use(self, index: LoadedIndex) -> None:
        """Serve ``index`` (at start and when a rebuilt index is switched in without a restart)."""
        self.index = index
        self.embedder = get_embedder(self.settings.embedder)
        self.retriever = Retriever(self.index, self.embedder, self.settings)
        self.relevance = Relevance([c.text + " " + c.section for c in self.index.chunks], self.index.tokenizer)
        base = AnswerContext(self.settings, self.index, self.retriever, self.embedder, self.relevance)
        self.indicator_guesser = IndicatorGuesser(base)
        self.context = dataclasses.replace(base, indicator_guesser=self.indicator_guesser)

    @classmethod
    def open(cls, settings: Settings | None = None, build_if_missing: bool = False) -> KnowledgeBase:
        settings = settings or load_settings()
        if build_if_missing:
            build_index(settings)
        return cls(settings)

    # a stale index keeps serving ------------------------------------------------------
    def stale_notice(self) -> str:
        """One Chinese line when corpus/ changed since the index in use was built ('' if not)."""
        from kb.index import corpus_changes

        if self.rebuilding():
            return "提示：语料库有变化，正在后台重建索引；完成前答案仍来自上次建好的索引。"
        try:
            return corpus_changes(self.settings, self.index.manifest["corpus"])
        except (KBError, OSError) as e:
            return f"提示：无法检查语料库是否有变化（{e}）。"

    def rebuilding(self) -> bool:
        return self._rebuild is not None and self._rebuild.is_alive()

    def rebuild_in_background(self) -> bool:
        """Build the index in a thread and switch it in when done; False if one is running."""
        with _lock:
            if self.rebuilding():
                return False
            self._rebuild = threading.Thread(target=self._rebuild_now, name="kb-rebuild", daemon=True)
            self._rebuild.start()
            return True

    def _rebuild_now(self) -> None:
        import logging

        try:
            build_index(self.settings, progress=False)
            self._use(load_index(self.settings))
        except Exception:  # the old index keeps serving; the log says why
            logging.getLogger("kb.api").exception("后台重建索引失败，继续使用上次建好的索引")

    # documents -------------------------------------------------------------------------
    def documents(self) -> list[Document]:
        return list(self.index.docs.values())

    def local_documents(self) -> list[Document]:
        """The documents of the most local level in the corpus (the city's own plan beside the
        national documents it implements): what a brief is about and what a department plan is
        checked against, unless told otherwise."""
        docs = self.documents()
        for level in LOCAL_FIRST:
            local = [d for d in docs if d.meta.level == level]
            if local:
                return local
        return docs

    def chosen_documents(self, doc: str | None = None) -> list[Document]:
        """Documents a brief draws on or a department plan is checked against: by default the most
        local level's (local_documents); ``doc`` names one document by its id, or ``all``."""
        docs = list(self.documents())
        if doc == "all":
            return docs
        if doc:
            chosen = [d for d in docs if d.doc_id == doc]
            if not chosen:
                raise BadInput(f"语料库中没有文件 {doc}", "用 `kb docs` 查看文件编号，或用 all 表示全部文件")
            return chosen
        return self.local_documents()

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
        q = understand(query, self.settings.max_question_chars, self.index.tokenizer, self.context.relevance.known)
        return self.retriever.search(q.expansion, k=max(1, min(int(k), 100)), mode=mode, filters=filters,
                                     **retrieval_args(q))

    def ask(self, question: str, k: int = 5, filters: Filters | None = None) -> Answer:
        if self.settings.llm_on:
            return self.ask_explained(question, k=k, filters=filters)[0]
        return answer_question(self.context, question, k=k, filters=filters)

    def ask_explained(self, question: str, k: int = 5, filters: Filters | None = None) -> tuple[Answer, Explain]:
        """The answer and how it was reached (the typed query, the strategies tried, their scores).
        With a model configured (llm_base_url), the model's answer when it passes the citation
        guard, else the extractive one; ``explain.llm`` says which and why (kb/llm)."""
        if not self.settings.llm_on:
            return explain_question(self.context, question, k=k, filters=filters)
        from kb.llm.answer import ask_with_llm  # lazy: the client is loaded only with a model configured

        return ask_with_llm(self.context, question, k, filters,
                            lambda ctx: explain_question(ctx, question, k=k, filters=filters))

    # facts ---------------------------------------------------------------------------
    def targets(self, year: int | None = None, topic: str = "", kinds: tuple[str, ...] = ("target",)) -> list[Fact]:
        from kb.topic_match import fact_in_topic

        facts = [f for f in self.index.facts if f.kind in kinds]
        if year is not None:
            facts = [f for f in facts if f.year == year]
        if topic:
            facts = [f for f in facts if fact_in_topic(topic, f)]
        return facts


_shared: dict[tuple, KnowledgeBase] = {}
_lock = threading.Lock()


def shared_kb(settings: Settings | None = None, build_if_missing: bool = False) -> KnowledgeBase:
    """One loaded knowledge base per process and settings (the app and batch use this)."""
    settings = settings or load_settings()
    key = (str(Path(settings.index).resolve()), settings.embedder, settings.chunk_chars, settings.backend,
           settings.database_url)
    with _lock:
        if key not in _shared:
            _shared[key] = KnowledgeBase.open(settings, build_if_missing=build_if_missing)
        return _shared[key]
