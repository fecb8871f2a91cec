"""Frozen dataclasses that flow between the pipeline stages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DocMeta:
    """Metadata of one document, from corpus/manifest.json (or guessed for a file dropped in)."""

    doc_id: str
    title: str
    issuer: str = ""
    doc_number: str = ""
    date: str = ""
    level: str = "unknown"  # national | provincial | municipal | department | unknown
    completeness: str = "full"  # full | partial
    note: str = ""
    cites: tuple[str, ...] = ()  # titles of documents this one implements / cites


@dataclass(frozen=True)
class Section:
    """A node of a document's heading tree: [start, end) covers the heading and its body."""

    kind: str  # chapter | section | column | phase | item | lead
    title: str  # the heading text as it stands (e.g. "（一）构建有序和谐的国土空间格局")
    path: tuple[str, ...]  # titles from the chapter down to this node
    start: int
    end: int


@dataclass(frozen=True)
class Sentence:
    doc_id: str
    text: str
    start: int
    end: int
    path: tuple[str, ...]


@dataclass(frozen=True)
class Document:
    meta: DocMeta
    text: str  # normalized text; every offset in the product points into it
    sections: tuple[Section, ...]
    sentences: tuple[Sentence, ...]
    source_file: str
    sha256: str

    @property
    def doc_id(self) -> str:
        return self.meta.doc_id


@dataclass(frozen=True)
class QualityReport:
    """What ingestion did to one file (printed by `kb build`)."""

    source_file: str
    doc_id: str
    status: str  # ok | skipped
    reason: str = ""
    encoding: str = ""
    characters: int = 0
    sections: int = 0
    annotations_stripped: int = 0
    errata_applied: tuple[str, ...] = ()
    suspicious: tuple[tuple[int, str, str], ...] = ()  # (offset, snippet, why)


@dataclass(frozen=True)
class Chunk:
    chunk_id: str
    doc_id: str
    text: str
    start: int
    end: int
    path: tuple[str, ...]

    @property
    def section(self) -> str:
        return " › ".join(self.path)


@dataclass(frozen=True)
class Fact:
    """A structured record extracted from one sentence, with its verbatim quote and span."""

    kind: str  # target | deadline | responsibility | project
    doc_id: str
    quote: str
    start: int
    end: int
    path: tuple[str, ...]
    indicator: str = ""
    comparator: str = ""  # ≥ ≤ = 左右 力争 …
    value: str = ""
    unit: str = ""
    year: int | None = None
    scope: str = ""
    subject: str = ""  # responsible body, project name, deadline task
    extra: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @property
    def section(self) -> str:
        return " › ".join(self.path)


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    retrievers: tuple[str, ...]  # which retrievers found it: bm25, dense


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    title: str
    section: str
    quote: str
    start: int
    end: int


@dataclass(frozen=True)
class Answer:
    question: str
    status: str  # answered | related | not_found
    answer: str
    citations: tuple[Citation, ...]
    facts: tuple[Fact, ...] = ()
    related: tuple[Citation, ...] = ()
    confidence: float = 0.0  # the selector's calibrated probability that the chosen answer is right
    answered_by: str = "extractive"  # extractive | llm (the model's answer passed the citation guard)


@dataclass(frozen=True)
class Finding:
    statement: str
    verdict: str  # consistent | conflict | not_found
    indicator: str = ""
    year: int | None = None
    plan_value: str = ""
    source_value: str = ""
    difference: str = ""
    citation: Citation | None = None
