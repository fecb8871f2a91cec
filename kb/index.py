"""Build the index folder (kb/index_read.py reads it): chunks, facts, FAISS dense vectors, BM25 sparse index.

Dense vectors are per sentence (``vector_chunks.json`` names the chunk each belongs to): a chunk
scores as its best sentence, which measured far better than one vector per chunk for short
questions (dense-only hit@1 0.70 → 0.84 on the gold and blind sets).

Layout: ``index/CURRENT`` names the version folder in use (``index/v-<fingerprint>``). A build
writes a new ``.build-*`` folder and swaps it in only when complete, so an interrupted build
leaves the previous index serving. Embeddings of unchanged chunks are reused (incremental).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

import bm25s
import faiss
import numpy as np

from kb.build_data import (  # noqa: F401 - BuildResult and fingerprint are read from kb.index too
    BuildResult,
    build_identity,
    build_manifest,
    built,
    fingerprint,
    load_manifest_extra,
    prepare_build,
    up_to_date,
)
from kb.config import Settings
from kb.errors import IndexUnwritable, KBError, os_reason
from kb.index_load import load_index
from kb.index_read import (  # noqa: F401 - LoadedIndex, corpus_changes are read from kb.index too
    FORMAT_VERSION,
    PIPELINE_VERSION,
    LoadedIndex,
    corpus_changes,
    corpus_state,
    model_id,
    read_manifest,
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
    if settings.backend == "postgres":
        from kb.pg.write import build_postgres

        return build_postgres(settings, progress, force, t0, on_step or (lambda line: None))
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
    fp, state, model = build_identity(settings)
    if not force:
        try:
            loaded = load_index(settings, check_corpus=False)
            if loaded.manifest.get("fingerprint") == fp:
                return up_to_date(loaded, t0)
        except KBError:
            pass
    data = prepare_build(settings, progress, step, _previous_vectors(settings), (fp, state, model))
    step("[4/4] 写入索引…")
    folder = index_dir / f".build-{fp}-{int(time.time() * 1000)}"
    folder.mkdir(parents=True)
    write_json(folder / "docs.json", [doc_to_dict(d) for d in data.docs])
    write_json(folder / "reports.json", [report_to_dict(r) for r in data.reports])
    write_jsonl(folder / "chunks.jsonl", [chunk_to_dict(c) for c in data.chunks])
    write_jsonl(folder / "facts.jsonl", [fact_to_dict(f) for f in data.facts])
    np.save(folder / "vectors.npy", data.matrix)
    write_json(folder / "vector_keys.json", list(data.keys))
    write_json(folder / "vector_chunks.json", list(data.owners))
    write_json(folder / "vector_sentences.json", [list(s) for s in data.spans])
    write_json(folder / "tokenizer_terms.json", list(data.terms))
    flat = faiss.IndexFlatIP(data.dim)
    if len(data.matrix):
        flat.add(data.matrix)
    faiss.write_index(flat, str(folder / "vectors.faiss"))
    retriever = bm25s.BM25()
    if data.corpus_tokens:
        retriever.index([list(t) for t in data.corpus_tokens], show_progress=False)
        retriever.save(str(folder / "bm25"))
    marks = [*data.marks, ("bm25", time.perf_counter())]
    files = version_files(folder)
    manifest = {**build_manifest(settings, data, {"faiss": faiss.__version__, "bm25s": bm25s.__version__}),
                "checksums": {name: sha256_file(folder / name) for name in files}}
    write_json(folder / "manifest.json", manifest)
    final = index_dir / f"v-{fp}-{folder.name.rsplit('-', 1)[1]}"  # always a new name: the live one is never touched
    folder.rename(final)
    swap_in(index_dir, final)
    marks.append(("write", time.perf_counter()))
    return built(final, data, marks, t0)
