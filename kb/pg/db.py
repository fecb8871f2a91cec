"""Connections and the layout of the postgres backend.

Layout: ``kb.versions`` (one row a built version: id, fingerprint, manifest) and ``kb.current``
(one row: the version in use). Each version lives in its own schema ``kb_v<id>``: ``docs``,
``reports``, ``facts`` (JSON rows), ``chunks`` (JSON row, jieba tokens as a ``tsvector`` with a
GIN index, BM25 weights as a ``sparsevec``), ``vocab`` (token → id, document frequency) and
``sentences`` (span, content hash, ``vector(dim)`` with an HNSW index). A build fills a new
schema and switches ``kb.current`` in the same transaction."""

from __future__ import annotations

import threading

import numpy as np

from kb.errors import BadInput

LOCK_KEY = 7_020_020  # pg_advisory_lock key of `kb build`
EXACT_MAX_VECTORS = 20_000  # up to this many sentence vectors the dense search is exact (no HNSW)
CANDIDATE_MAX_DF = 0.05  # a query term in more than this share of chunks (and > 1,000) does not pick candidates
HNSW_EF_SEARCH = 400  # ≥ the sentences a dense search asks for (top_k × 8)


class DatabaseError(BadInput):
    """The database cannot be reached or refused what the backend asked."""


def connect(url: str, autocommit: bool = True):
    try:
        import psycopg
    except ImportError as e:
        raise DatabaseError("没有安装 psycopg，无法使用 postgres 后端",
                            "运行 `.venv/bin/pip install 'psycopg[binary]'`，或改用 KB_BACKEND=embedded") from e
    try:
        conn = psycopg.connect(url, autocommit=autocommit, connect_timeout=10)
    except psycopg.Error as e:
        first = str(e).strip().splitlines()[0][:160] if str(e).strip() else type(e).__name__
        raise DatabaseError(f"无法连接数据库 {redact(url)}（{first}）",
                            "检查 KB_DATABASE_URL 和数据库是否在运行（测试库：bash scripts/postgres.sh start）") from e
    return conn


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    head, sep, tail = url.partition("@")
    if not sep or ":" not in head.split("//", 1)[-1]:
        return url
    scheme, _, user = head.partition("//")
    return f"{scheme}//{user.split(':', 1)[0]}:***@{tail}"


_local = threading.local()


def reader(url: str):
    """One autocommit connection a thread (psycopg serializes the statements of one connection)."""
    conns = getattr(_local, "conns", None)
    if conns is None:
        conns = _local.conns = {}
    conn = conns.get(url)
    if conn is None or conn.closed:
        conn = conns[url] = connect(url)
        conn.execute(f"SET hnsw.ef_search = {HNSW_EF_SEARCH}")
    return conn


def schema_name(version_id: int) -> str:
    return f"kb_v{int(version_id)}"


def vector_literal(v: np.ndarray) -> str:
    """pgvector's text form; '%.9g' gives every float32 back exactly."""
    return "[" + ",".join(f"{x:.9g}" for x in np.asarray(v, dtype=np.float32).tolist()) + "]"


def parse_vector(text: str) -> np.ndarray:
    return np.asarray([float(x) for x in text.strip("[]").split(",")], dtype=np.float32)


def sparse_literal(ids: list[int], values: list[float], dim: int) -> str:
    """pgvector's sparsevec text form (indices 1-based)."""
    body = ",".join(f"{i + 1}:{v:.9g}" for i, v in zip(ids, values))
    return "{" + body + "}/" + str(max(dim, 1))


def lexeme(token: str) -> str:
    """A token as one quoted tsvector/tsquery lexeme, taken as it is (no parser, no stemming)."""
    return "'" + token.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(tokens: list[str] | tuple[str, ...]) -> str:
    return " ".join(lexeme(t) for t in dict.fromkeys(tokens))

