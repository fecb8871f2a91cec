"""What a strategy may use: the loaded index, the retriever, the relevance scorer, the indicator
guesser and the settings — not the whole AnswerContext (so kb.answer never imports kb.api)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from kb.config import Settings
    from kb.embed import Embedder
    from kb.index import LoadedIndex
    from kb.query import Query
    from kb.relevance import Relevance
    from kb.retrieve import Retriever


class Guesser(Protocol):
    def guess(self, q: Query) -> str | None: ...


@dataclass(frozen=True)
class AnswerContext:
    settings: Settings
    index: LoadedIndex
    retriever: Retriever
    embedder: Embedder
    relevance: Relevance
    indicator_guesser: Guesser | None = None
    # search phrases the optional model wrote for this question (kb/llm): retrieved beside the
    # question itself, their passages ranked after its own, never instead of them
    extra_queries: tuple[str, ...] = ()
