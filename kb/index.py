"""Build the index folder (kb/index_read.py reads it): chunks, facts, FAISS dense vectors, BM25 sparse index.

Dense vectors are per sentence (``vector_chunks.json`` names the chunk each belongs to): a chunk
scores as its best sentence, which measured far better than one vector per chunk for short
questions (dense-only hit@1 0.70 → 0.84 on the gold and blind sets).

Layout: ``index/CURRENT`` names the version folder in use (``index/v-<fingerprint>``). A build
writes a new ``.build-*`` folder and swaps it in only when complete, so an interrupted build
leaves the previous index serving. Embeddings of unchanged chunks are reused (incremental).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import bm25s
import faiss
import numpy as np
from tqdm import tqdm

from kb import __version__
from kb.config import Settings
from kb.embed import get_embedder
from kb.errors import IndexUnwritable, KBError, os_reason
from kb.index_read import (  # noqa: F401 - LoadedIndex, corpus_changes are read from kb.index too
    FORMAT_VERSION,
    PIPELINE_VERSION,
    LoadedIndex,
    corpus_changes,
    corpus_state,
    load_index,
    model_id,
    read_manifest,
)
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
from kb.store import (
    build_lock,
    chunk_to_dict,
    clean_leftovers,
    current_version,
    doc_to_dict,
    fact_to_dict,
    report_to_dict,
    sha256_file,
    swap_in,
    version_files,
    write_json,
    write_jsonl,
)
from kb.types import Document, Fact, QualityReport

_BATCH = 32


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


def fingerprint(settings: Settings, state: dict[str, str], model_id: str) -> str:
    blob = json.dumps({"corpus": state, "model": model_id, "settings": settings.fingerprint_fields(),
                       "pipeline": PIPELINE_VERSION, "format": FORMAT_VERSION, "lexicon": lexicon_hash()},
                      sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def _extract_facts(docs: list[Document]) -> list[Fact]:
    try:
        from kb.facts import extract_document
    except ImportError:
        return []
    facts: list[Fact] = []
    for doc in docs:
        facts.extend(extract_document(doc))
    return facts


def _previous_vectors(settings: Settings) -> dict[str, np.ndarray]:
    """Embeddings of the index in use, keyed by content hash, for incremental builds; only when
    both files still match the checksums of their manifest (a damaged version gives nothing)."""
    try:
        folder = current_version(settings.index)
        manifest = read_manifest(folder)
        sums = manifest["checksums"]
        for name in ("vector_keys.json", "vectors.npy"):
            if not isinstance(sums, dict) or sums.get(name) != sha256_file(folder / name):
                return {}
        keys = json.loads((folder / "vector_keys.json").read_text(encoding="utf-8"))
        matrix = np.load(folder / "vectors.npy", allow_pickle=False)
    except (KBError, OSError, ValueError):
        return {}
    if not isinstance(keys, list) or matrix.ndim != 2 or len(keys) != len(matrix):
        return {}
    return dict(zip(keys, matrix))


def build_index(settings: Settings, progress: bool | None = None, force: bool = False,
                on_step: Callable[[str], None] | None = None) -> BuildResult:
    """Build or update the index. ``progress``: tqdm bars (None = on a terminal only);
    ``on_step``: called with one Chinese line as each stage starts (the CLI prints it, the app
    shows it on its waiting page)."""
    t0 = time.perf_counter()
    index_dir = settings.index
    with build_lock(index_dir):
        clean_leftovers(index_dir)
        try:
            return _build_locked(settings, progress, force, t0, on_step or (lambda line: None))
        except OSError as e:
            where = e.filename or index_dir
            raise IndexUnwritable(f"建索引时读写 {where} 出错（{os_reason(e)}）",
                                  "检查磁盘空间和文件夹权限后再运行 `kb build`；正在使用的索引没有改动") from e


def _build_locked(settings: Settings, progress: bool | None, force: bool, t0: float,
                  step: Callable[[str], None]) -> BuildResult:
    index_dir = settings.index
    state = corpus_state(settings)
    model = model_id(settings)
    fp = fingerprint(settings, state, model)
    if not force:
        try:
            loaded = load_index(settings, check_corpus=False)
            if loaded.manifest.get("fingerprint") == fp:
                return BuildResult(loaded.folder, True, tuple(loaded.reports), len(loaded.chunks),
                                   len(loaded.facts), 0, 0, time.perf_counter() - t0,
                                   vectors=len(loaded.vector_chunks))
        except KBError:
            pass
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
    texts = [index_text(c) for c in chunks]
    by_id = {d.doc_id: d for d in docs}
    owners, passages, spans = [], [], []
    for pos, c in enumerate(chunks):
        sents = sentences_in(by_id[c.doc_id], c)
        for text, (s0, s1) in zip(chunk_sentences(by_id[c.doc_id], c),
                                  [(s.start, s.end) for s in sents] or [(c.start, c.end)]):
            owners.append(pos)
            passages.append(text)
            spans.append([c.doc_id, s0, s1])
    keys = [hashlib.sha1(f"{model}\n{t}".encode()).hexdigest() for t in passages]
    previous = _previous_vectors(settings)
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
    marks.append(("chunk+embed", time.perf_counter()))

    step("[4/4] 写入索引…")
    folder = index_dir / f".build-{fp}-{int(time.time() * 1000)}"
    folder.mkdir(parents=True)
    write_json(folder / "docs.json", [doc_to_dict(d) for d in docs])
    write_json(folder / "reports.json", [report_to_dict(r) for r in reports])
    write_jsonl(folder / "chunks.jsonl", [chunk_to_dict(c) for c in chunks])
    write_jsonl(folder / "facts.jsonl", [fact_to_dict(f) for f in facts])
    np.save(folder / "vectors.npy", matrix)
    write_json(folder / "vector_keys.json", keys)
    write_json(folder / "vector_chunks.json", owners)
    write_json(folder / "vector_sentences.json", spans)
    write_json(folder / "tokenizer_terms.json", terms)
    flat = faiss.IndexFlatIP(embedder.dim)
    if len(matrix):
        flat.add(matrix)
    faiss.write_index(flat, str(folder / "vectors.faiss"))
    retriever = bm25s.BM25()
    corpus_tokens = [tokenize(t, tok) or ["∅"] for t in texts]
    if corpus_tokens:
        retriever.index(corpus_tokens, show_progress=False)
        retriever.save(str(folder / "bm25"))
    marks.append(("bm25", time.perf_counter()))
    files = version_files(folder)
    manifest = {
        "format_version": FORMAT_VERSION,
        "kb_version": __version__,
        "pipeline_version": PIPELINE_VERSION,
        "lexicon": lexicon_hash(),
        "fingerprint": fp,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "corpus": state,
        "model_id": model,
        "dim": embedder.dim,
        "settings": settings.fingerprint_fields(),
        "versions": {"faiss": faiss.__version__, "bm25s": bm25s.__version__},
        "counts": {"documents": len(docs), "chunks": len(chunks), "vectors": len(passages), "facts": len(facts)},
        "checksums": {name: sha256_file(folder / name) for name in files},
        "known_missing": load_manifest_extra(settings.corpus),
    }
    write_json(folder / "manifest.json", manifest)
    final = index_dir / f"v-{fp}-{folder.name.rsplit('-', 1)[1]}"  # always a new name: the live one is never touched
    folder.rename(final)
    swap_in(index_dir, final)
    marks.append(("write", time.perf_counter()))
    timings = tuple((name, marks[i][1] - marks[i - 1][1]) for i, (name, _) in enumerate(marks) if i)
    return BuildResult(final, False, tuple(reports), len(chunks), len(facts), len(todo),
                       len(passages) - len(todo), time.perf_counter() - t0, timings, len(passages))


def load_manifest_extra(corpus: Path) -> list[dict]:
    path = corpus / MANIFEST
    if not path.exists():
        return []
    load_manifest(corpus)  # validates
    data = json.loads(path.read_text(encoding="utf-8"))
    return list(data.get("known_missing", [])) if isinstance(data, dict) else []


