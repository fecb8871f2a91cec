"""What a build computes before any backend writes it: documents, facts, chunks, sentence
passages with their vectors (reused by content hash), BM25 tokens and the manifest. Both backends
(kb/index.py: embedded files; kb/pg/write.py: PostgreSQL) write the same BuildData, so they hold
the same index."""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from kb import __version__
from kb.config import Settings
from kb.embed import get_embedder
from kb.index_read import FORMAT_VERSION, PIPELINE_VERSION, LoadedIndex, corpus_state, model_id
from kb.ingest import MANIFEST, load_corpus, load_manifest
from kb.labels import PROGRESS_FORMAT
from kb.segment import (
    chunk_document,
    chunk_sentences,
    index_terms,
    index_text,
    index_tokenizer,
    lexicon_hash,
    sentences_in,
    tokenize,
)
from kb.types import Chunk, Document, Fact, QualityReport

_BATCH = 32
EMPTY_TOKEN = "∅"  # the one token of a chunk with no other (BM25 needs a token a document)


@dataclass(frozen=True)
class BuildResult:
    folder: Path
    up_to_date: bool
    reports: tuple[QualityReport, ...]
    chunks: int
    facts: int
    embedded: int
    reused: int
    seconds: float
    timings: tuple[tuple[str, float], ...] = ()  # stage → seconds (ingest, facts, embed, bm25, write)
    vectors: int = 0  # sentence vectors in the index (embedded + reused)


@dataclass(frozen=True)
class BuildData:
    """One index version, computed: what every backend stores (positions agree throughout: chunk
    i is ``chunks[i]``, vector j belongs to chunk ``owners[j]``)."""
    fingerprint: str
    state: dict[str, str]
    model: str
    dim: int
    docs: tuple[Document, ...]
    reports: tuple[QualityReport, ...]
    facts: tuple[Fact, ...]
    terms: tuple[str, ...]  # words this index adds to its tokenizer
    chunks: tuple[Chunk, ...]
    owners: tuple[int, ...]  # vector → chunk position
    spans: tuple[tuple[str, int, int], ...]  # vector → (doc_id, start, end) of its sentence (or chunk)
    is_sentence: tuple[bool, ...]  # vector → a sentence (False: a chunk without sentences)
    keys: tuple[str, ...]  # vector → content hash (model + passage), for incremental builds
    matrix: np.ndarray  # float32 (vectors × dim), L2-normalized
    corpus_tokens: tuple[tuple[str, ...], ...]  # chunk → BM25 tokens
    embedded: int  # vectors computed by this build (the rest reused)
    marks: tuple[tuple[str, float], ...]  # stage → time.perf_counter() at its end


def fingerprint(settings: Settings, state: dict[str, str], model: str) -> str:
    blob = json.dumps({"corpus": state, "model": model, "settings": settings.fingerprint_fields(),
                       "pipeline": PIPELINE_VERSION, "format": FORMAT_VERSION, "lexicon": lexicon_hash()},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def build_identity(settings: Settings) -> tuple[str, dict[str, str], str]:
    """(fingerprint, corpus state, model id) of the index these settings and this corpus give."""
    state = corpus_state(settings)
    model = model_id(settings)
    return fingerprint(settings, state, model), state, model


def _extract_facts(docs: list[Document]) -> list[Fact]:
    try:
        from kb.facts import extract_document
    except ImportError:
        return []
    facts: list[Fact] = []
    for doc in docs:
        facts.extend(extract_document(doc))
    return facts


def prepare_build(settings: Settings, progress: bool | None, step: Callable[[str], None],
                  previous: dict[str, np.ndarray], identity: tuple[str, dict[str, str], str]) -> BuildData:
    """Read the corpus, extract facts, chunk, tokenize and embed (vectors in ``previous``, keyed
    by content hash, are reused)."""
    fp, state, model = identity
    marks = [("start", time.perf_counter())]
    step(f"[1/4] 读取并整理语料（{settings.corpus}）…")
    docs, reports = load_corpus(settings.corpus, int(settings.max_corpus_file_mb * 1024 * 1024), progress)
    marks.append(("ingest", time.perf_counter()))
    step(f"[2/4] 从 {len(docs)} 个文件中抽取目标指标和时限…")
    facts = _extract_facts(docs)
    marks.append(("facts", time.perf_counter()))
    terms = index_terms(facts)
    tok = index_tokenizer(terms)
    chunks = [c for doc in docs for c in chunk_document(doc, settings.chunk_chars)]
    by_id = {d.doc_id: d for d in docs}
    owners, passages, spans, is_sentence = [], [], [], []
    for pos, c in enumerate(chunks):
        sents = sentences_in(by_id[c.doc_id], c)
        for text, (s0, s1) in zip(chunk_sentences(by_id[c.doc_id], c),
                                  [(s.start, s.end) for s in sents] or [(c.start, c.end)]):
            owners.append(pos)
            passages.append(text)
            spans.append((c.doc_id, s0, s1))
            is_sentence.append(bool(sents))
    keys = [hashlib.sha1(f"{model}\n{t}".encode()).hexdigest() for t in passages]
    todo = [i for i, k in enumerate(keys) if k not in previous]
    step(f"[3/4] 计算句向量：新算 {len(todo)} 句，复用 {len(keys) - len(todo)} 句…")
    embedder = get_embedder(settings.embedder)
    matrix = np.zeros((len(passages), embedder.dim), dtype=np.float32)
    for i, k in enumerate(keys):
        if k in previous and previous[k].shape == (embedder.dim,):
            matrix[i] = previous[k]
    bar = tqdm(total=len(todo), desc="句向量", unit="句", bar_format=PROGRESS_FORMAT,
               disable=None if progress is None else not progress)
    for b in range(0, len(todo), _BATCH):
        batch = todo[b : b + _BATCH]
        matrix[batch] = embedder.embed_passages([passages[i] for i in batch])
        bar.update(len(batch))
    bar.close()
    corpus_tokens = tuple(tuple(tokenize(index_text(c), tok) or [EMPTY_TOKEN]) for c in chunks)
    marks.append(("chunk+embed", time.perf_counter()))
    return BuildData(fp, state, model, embedder.dim, tuple(docs), tuple(reports), tuple(facts), tuple(terms),
                     tuple(chunks), tuple(owners), tuple(spans), tuple(is_sentence), tuple(keys), matrix,
                     corpus_tokens, len(todo), tuple(marks))


def build_manifest(settings: Settings, data: BuildData, versions: dict[str, str]) -> dict:
    """The manifest every backend stores beside its version (the embedded one adds checksums)."""
    return {
        "format_version": FORMAT_VERSION,
        "kb_version": __version__,
        "pipeline_version": PIPELINE_VERSION,
        "lexicon": lexicon_hash(),
        "fingerprint": data.fingerprint,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "corpus": data.state,
        "model_id": data.model,
        "dim": data.dim,
        "settings": settings.fingerprint_fields(),
        "versions": versions,
        "counts": {"documents": len(data.docs), "chunks": len(data.chunks), "vectors": len(data.keys),
                   "facts": len(data.facts)},
        "known_missing": load_manifest_extra(settings.corpus),
    }


def load_manifest_extra(corpus: Path) -> list[dict]:
    path = corpus / MANIFEST
    if not path.exists():
        return []
    load_manifest(corpus)  # validates
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data.get("known_missing", [])) if isinstance(data, dict) else []


def up_to_date(loaded: LoadedIndex, t0: float) -> BuildResult:
    return BuildResult(loaded.folder, True, tuple(loaded.reports), len(loaded.chunks), len(loaded.facts), 0, 0,
                       time.perf_counter() - t0, vectors=len(loaded.vector_chunks) or
                       int(loaded.manifest.get("counts", {}).get("vectors", 0)))


def built(folder: Path, data: BuildData, marks: list[tuple[str, float]], t0: float) -> BuildResult:
    timings = tuple((name, marks[i][1] - marks[i - 1][1]) for i, (name, _) in enumerate(marks) if i)
    n = len(data.keys)
    return BuildResult(folder, False, data.reports, len(data.chunks), len(data.facts), data.embedded,
                       n - data.embedded, time.perf_counter() - t0, timings, n)
