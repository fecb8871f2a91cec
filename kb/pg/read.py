"""Load the version in use from the database: documents, chunks, facts, reports and the manifest
come into memory as with the embedded backend (the answer stages read them); BM25 and dense search
stay in the database (kb/pg/retrieve.py)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kb.config import PostgresKnobs, Settings
from kb.errors import IndexMissing, IndexStale
from kb.index_read import FORMAT_VERSION, PIPELINE_VERSION, LoadedIndex, corpus_changes, model_id
from kb.pg.db import DatabaseError, parse_vector, pooled, schema_name
from kb.segment import index_tokenizer, lexicon_hash
from kb.store import chunk_from_dict, doc_from_dict, fact_from_dict, report_from_dict


@dataclass(frozen=True)
class PgVersion:
    """The database version a loaded index reads (its schema), and how to reach it."""
    url: str
    version_id: int
    schema: str
    chunks: int
    vectors: int
    dim: int
    hnsw: bool  # the build made an HNSW index (more than exact_max_vectors vectors): dense search uses it
    knobs: PostgresKnobs

    def sentence_vector(self, doc_id: str, start: int) -> np.ndarray | None:
        """The stored vector of the first sentence of ``doc_id`` starting at ``start``."""
        return _sentence_vector(self.url, self.knobs, self.schema, doc_id, start)


@functools.lru_cache(maxsize=16_384)  # ~25 MB; the answer stages ask for the same sentences again and again
def _sentence_vector(url: str, knobs: PostgresKnobs, schema: str, doc_id: str, start: int) -> np.ndarray | None:
    with pooled(url, knobs) as conn:
        row = conn.execute(f"SELECT embedding::text FROM {schema}.sentences WHERE doc_id = %s AND start_char = %s "
                           "AND is_sentence ORDER BY vid LIMIT 1", (doc_id, start)).fetchone()
    return parse_vector(row[0]) if row else None


def load_postgres(settings: Settings, check_corpus: bool = True) -> LoadedIndex:
    import psycopg

    try:
        with pooled(settings.database_url, settings.postgres) as conn:
            return _load(settings, conn, check_corpus)
    except psycopg.Error as e:
        raise DatabaseError(f"读取数据库中的索引出错（{type(e).__name__}）",
                            "检查 KB_DATABASE_URL 和数据库；必要时运行 `kb build` 重建") from e


def _load(settings: Settings, conn, check_corpus: bool) -> LoadedIndex:
    if not conn.execute("SELECT to_regclass('kb.current') IS NOT NULL").fetchone()[0]:
        raise IndexMissing("数据库中还没有索引", "先运行 `kb build`（KB_BACKEND=postgres）")
    row = conn.execute("SELECT v.id, v.manifest FROM kb.current c JOIN kb.versions v "
                       "ON v.id = c.version_id").fetchone()
    if row is None:
        raise IndexMissing("数据库中还没有索引", "先运行 `kb build`（KB_BACKEND=postgres）")
    vid, manifest = int(row[0]), row[1]
    _check(settings, manifest)
    s = schema_name(vid)
    docs = [doc_from_dict(b) for (b,) in conn.execute(f"SELECT body FROM {s}.docs ORDER BY doc_id")]
    chunks = [chunk_from_dict(b) for (b,) in conn.execute(f"SELECT body FROM {s}.chunks ORDER BY pos")]
    facts = [fact_from_dict(b) for (b,) in conn.execute(f"SELECT body FROM {s}.facts ORDER BY n")]
    reports = [report_from_dict(b) for (b,) in conn.execute(f"SELECT body FROM {s}.reports ORDER BY n")]
    docs_in_order = {d.doc_id: d for d in sorted(docs, key=lambda d: _doc_order(manifest, d.doc_id))}
    terms = list(manifest.get("tokenizer_terms", []))
    counts = manifest.get("counts", {})
    index = LoadedIndex(Path(f"postgresql:{s}"), manifest, docs_in_order, chunks, facts, reports, None, None,
                        known_missing=manifest.get("known_missing", []), terms=terms,
                        tokenizer=index_tokenizer(terms),
                        pg=PgVersion(settings.database_url, vid, s, len(chunks), int(counts.get("vectors", 0)),
                                     int(manifest.get("dim", 0)), manifest.get("dense_index", "exact") != "exact",
                                     settings.postgres))
    if check_corpus:
        index.stale_notice = corpus_changes(settings, manifest["corpus"])
    return index


def _doc_order(manifest: dict, doc_id: str) -> int:
    order = manifest.get("doc_order", [])
    return order.index(doc_id) if doc_id in order else len(order)


def _check(settings: Settings, manifest: dict) -> None:
    if (manifest.get("format_version") != FORMAT_VERSION or manifest.get("pipeline_version") != PIPELINE_VERSION
            or manifest.get("lexicon") != lexicon_hash()):
        raise IndexStale("数据库中的索引由另一版本的 kb 或另一套词表建成", "运行 `kb build`")
    if manifest.get("model_id") != model_id(settings) or manifest.get("settings") != settings.fingerprint_fields():
        raise IndexStale(f"数据库中的索引是用模型 {manifest.get('model_id')} 和设置 {manifest.get('settings')} 建的，"
                         f"与当前的 {model_id(settings)} {settings.fingerprint_fields()} 不同",
                         "运行 `kb build` 按当前设置重建索引")
