"""`kb build` on the postgres backend: the same BuildData as the embedded files (kb/build_data.py),
written into a new schema and switched in with ``kb.current`` in one transaction, under an advisory
lock (a second build waits, then finds the index up to date). A build killed midway leaves its
transaction uncommitted: the previous version keeps serving, nothing half-written is visible."""

from __future__ import annotations

import json
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path

import bm25s
import numpy as np
import scipy.sparse as sp

from kb.build_data import (
    BuildData,
    BuildResult,
    build_identity,
    build_manifest,
    built,
    prepare_build,
    up_to_date,
)
from kb.config import PostgresKnobs, Settings
from kb.errors import KBError
from kb.pg.db import (
    LOCK_KEY,
    DatabaseError,
    connect,
    pack_postings,
    parse_vector,
    schema_name,
)
from kb.store import chunk_to_dict, doc_to_dict, fact_to_dict, report_to_dict

SETUP = """
CREATE EXTENSION IF NOT EXISTS vector;
CREATE SCHEMA IF NOT EXISTS kb;
CREATE TABLE IF NOT EXISTS kb.versions (id bigserial PRIMARY KEY, fingerprint text NOT NULL,
  created timestamptz NOT NULL DEFAULT now(), manifest jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS kb.current (one boolean PRIMARY KEY DEFAULT true CHECK (one),
  version_id bigint NOT NULL REFERENCES kb.versions(id));
"""


def _tables(s: str, dim: int) -> str:
    return f"""
CREATE SCHEMA {s};
CREATE TABLE {s}.docs (doc_id text PRIMARY KEY, body jsonb NOT NULL);
CREATE TABLE {s}.reports (n int PRIMARY KEY, body jsonb NOT NULL);
CREATE TABLE {s}.facts (n int PRIMARY KEY, body jsonb NOT NULL);
CREATE TABLE {s}.postings (token text PRIMARY KEY, df int NOT NULL, list bytea NOT NULL);
ALTER TABLE {s}.postings ALTER COLUMN list SET STORAGE EXTERNAL;
CREATE TABLE {s}.chunks (pos int PRIMARY KEY, doc_id text NOT NULL, body jsonb NOT NULL);
CREATE TABLE {s}.sentences (vid int PRIMARY KEY, chunk_pos int NOT NULL, doc_id text NOT NULL,
  start_char int NOT NULL, end_char int NOT NULL, is_sentence boolean NOT NULL, key text NOT NULL,
  embedding vector({int(dim)}) NOT NULL);
"""


def _indexes(s: str, vectors: int, dim: int, knobs: PostgresKnobs) -> str:
    """The sentence index, and above ``exact_max_vectors`` the HNSW index, over the vectors as
    ``halfvec`` (half the size, so it stays in memory; kb/pg/retrieve.py re-scores what it finds
    with the stored full vectors)."""
    hnsw = "" if vectors <= knobs.exact_max_vectors else (
        f"CREATE INDEX ON {s}.sentences USING hnsw ((embedding::halfvec({int(dim)})) halfvec_ip_ops) "
        f"WITH (m = {int(knobs.hnsw_m)}, ef_construction = {int(knobs.hnsw_ef_construction)});")
    return f"""
CREATE INDEX ON {s}.sentences (doc_id, start_char);
{hnsw}
ANALYZE {s}.chunks; ANALYZE {s}.sentences; ANALYZE {s}.postings;
"""


def _current(conn) -> tuple[int, dict] | None:
    row = conn.execute("SELECT to_regclass('kb.current') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return None
    row = conn.execute("SELECT v.id, v.manifest FROM kb.current c JOIN kb.versions v ON v.id = c.version_id").fetchone()
    return (int(row[0]), row[1]) if row else None


def _previous_vectors(conn) -> dict[str, np.ndarray]:
    cur = _current(conn)
    if cur is None:
        return {}
    s = schema_name(cur[0])
    return {key: parse_vector(text) for key, text in conn.execute(f"SELECT key, embedding::text FROM {s}.sentences")}


def postings(corpus_tokens: tuple[tuple[str, ...], ...]):
    """bm25s's own weights (the embedded backend's scores, to the bit) as posting lists:
    (token, document frequency, packed chunk positions and weights), one a token."""
    model = bm25s.BM25()
    model.index([list(t) for t in corpus_tokens], show_progress=False)
    sc = model.scores
    csc = sp.csc_matrix((sc["data"], sc["indices"], sc["indptr"]), shape=(sc["num_docs"], len(sc["indptr"]) - 1))
    csc.sort_indices()
    for token, i in model.vocab_dict.items():
        if i < csc.shape[1]:
            lo, hi = csc.indptr[i], csc.indptr[i + 1]
            yield token, int(hi - lo), pack_postings(csc.indices[lo:hi], csc.data[lo:hi])


def write_version(conn, settings: Settings, data: BuildData, step: Callable[[str], None] = lambda line: None) -> int:
    """Write ``data`` as a new version and make it current, in one transaction; returns its id."""
    manifest = build_manifest(settings, data, {"pgvector": _pgvector(conn), "bm25s": bm25s.__version__})
    manifest["tokenizer_terms"] = list(data.terms)
    manifest["doc_order"] = [d.doc_id for d in data.docs]  # docs keep the build order, as in docs.json
    knobs = settings.postgres
    manifest["dense_index"] = ("exact" if len(data.keys) <= knobs.exact_max_vectors else
                               {"hnsw": "halfvec", "m": knobs.hnsw_m, "ef_construction": knobs.hnsw_ef_construction})
    with conn.transaction():
        vid = conn.execute("INSERT INTO kb.versions (fingerprint, manifest) VALUES (%s, %s) RETURNING id",
                           (data.fingerprint, json.dumps(manifest, ensure_ascii=False))).fetchone()[0]
        s = schema_name(vid)
        conn.execute(_tables(s, data.dim))
        _copy(conn, f"{s}.docs (doc_id, body)",
              ((d.doc_id, json.dumps(doc_to_dict(d), ensure_ascii=False)) for d in data.docs))
        _copy(conn, f"{s}.reports (n, body)",
              ((i, json.dumps(report_to_dict(r), ensure_ascii=False)) for i, r in enumerate(data.reports)))
        _copy(conn, f"{s}.facts (n, body)",
              ((i, json.dumps(fact_to_dict(f), ensure_ascii=False)) for i, f in enumerate(data.facts)))
        if data.chunks:
            _copy(conn, f"{s}.postings (token, df, list)", postings(data.corpus_tokens))
        _copy(conn, f"{s}.chunks (pos, doc_id, body)",
              ((pos, c.doc_id, json.dumps(chunk_to_dict(c), ensure_ascii=False)) for pos, c in enumerate(data.chunks)))
        with conn.cursor().copy(f"COPY {s}.sentences (vid, chunk_pos, doc_id, start_char, end_char, is_sentence, "
                                "key, embedding) FROM STDIN (FORMAT BINARY)") as copy:
            for block in _sentence_rows(data):
                copy.write(block)
        step("[4/4] 建数据库索引（句子、HNSW 向量）…")
        conn.execute(_indexes(s, len(data.keys), data.dim, settings.postgres))
        conn.execute("INSERT INTO kb.current (one, version_id) VALUES (true, %s) "
                     "ON CONFLICT (one) DO UPDATE SET version_id = EXCLUDED.version_id", (vid,))
    return int(vid)


def _sentence_rows(data: BuildData, block: int = 2000):
    """The sentences in COPY's binary format (vectors as pgvector's binary ``vector``: two int16,
    then big-endian float32s): 550,000 vectors in seconds, where their text form takes minutes."""
    yield b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
    head = struct.pack("!ihh", 4 + 4 * data.dim, data.dim, 0)
    matrix = np.ascontiguousarray(data.matrix, dtype=">f4")
    out = []
    for j, (doc_id, start, end) in enumerate(data.spans):
        doc, key = doc_id.encode(), data.keys[j].encode()
        out.append(b"".join((struct.pack("!hiiiii", 8, 4, j, 4, data.owners[j], len(doc)), doc,
                             struct.pack("!iiiiib", 4, start, 4, end, 1, bool(data.is_sentence[j])),
                             struct.pack("!i", len(key)), key, head, matrix[j].tobytes())))
        if len(out) == block:
            yield b"".join(out)
            out = []
    yield b"".join(out) + struct.pack("!h", -1)


def _pgvector(conn) -> str:
    row = conn.execute("SELECT extversion FROM pg_extension WHERE extname = 'vector'").fetchone()
    return row[0] if row else ""


def _copy(conn, target: str, rows) -> None:
    with conn.cursor().copy(f"COPY {target} FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def prune(conn, keep: set[int]) -> None:
    """Drop every version but ``keep`` (the one just switched in and the one before: an app that
    loaded it a moment ago still reads it)."""
    for (vid,) in conn.execute("SELECT id FROM kb.versions").fetchall():
        if int(vid) not in keep:
            with conn.transaction():
                conn.execute(f"DROP SCHEMA IF EXISTS {schema_name(vid)} CASCADE")
                conn.execute("DELETE FROM kb.versions WHERE id = %s", (vid,))


def locked(conn) -> None:
    """Take the build lock; a second `kb build` waits here for the first."""
    if not conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
        print("另一个 `kb build` 正在写这个数据库，等待它完成…", file=sys.stderr)
        conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))


def build_postgres(settings: Settings, progress: bool | None, force: bool, t0: float,
                   step: Callable[[str], None], data: BuildData | None = None) -> BuildResult:
    import psycopg

    from kb.index_load import load_index

    conn = connect(settings.database_url)
    try:
        # a client killed mid-statement is noticed within a second (its lock and transaction end)
        conn.execute("SET client_connection_check_interval = '1s'")
        conn.execute(SETUP)
        locked(conn)
        identity = build_identity(settings) if data is None else (data.fingerprint, data.state, data.model)
        if not force and data is None:
            try:
                loaded = load_index(settings, check_corpus=False)
                if loaded.manifest.get("fingerprint") == identity[0]:
                    return up_to_date(loaded, t0)
            except KBError:
                pass
        before = _current(conn)
        if data is None:
            data = prepare_build(settings, progress, step, _previous_vectors(conn), identity)
        step("[4/4] 写入数据库…")
        vid = write_version(conn, settings, data, step)
        prune(conn, {vid} | ({before[0]} if before else set()))
        marks = [*data.marks, ("write", time.perf_counter())]
        return built(Path(f"postgresql:{schema_name(vid)}"), data, marks, t0)
    except psycopg.errors.ReadOnlySqlTransaction as e:
        raise DatabaseError("数据库是只读的（备库），不能建索引",
                            "把 KB_DATABASE_URL 指向主库（或加 target_session_attrs=read-write）再运行 `kb build`") from e
    except psycopg.Error as e:
        raise DatabaseError(f"写入数据库出错（{type(e).__name__}）",
                            "检查数据库和 pgvector 扩展（0.7 以上）后再运行 `kb build`；正在使用的索引没有改动") from e
    finally:
        conn.close()
