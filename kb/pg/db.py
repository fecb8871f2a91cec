"""Connections and the layout of the postgres backend.

Layout: ``kb.versions`` (one row a built version: id, fingerprint, manifest) and ``kb.current``
(one row: the version in use). Each version lives in its own schema ``kb_v<id>``: ``docs``,
``reports``, ``facts``, ``chunks`` (JSON rows), ``postings`` (one row a token: its document
frequency and its posting list — the chunks holding it with their bm25s weights, packed) and
``sentences`` (span, content hash, ``vector(dim)``, with an HNSW index over the vectors as
``halfvec``). A build fills a new schema and switches ``kb.current`` in the same transaction.

Readers borrow connections from one pool a process and database (``pooled``): a query takes a
connection for its own time only, statements are prepared by psycopg after a few uses on a
connection, and every connection is set up once (``hnsw.ef_search``)."""

from __future__ import annotations

import threading
from contextlib import contextmanager

import numpy as np

from kb.config import PostgresKnobs
from kb.errors import BadInput

LOCK_KEY = 7_020_020  # pg_advisory_lock key of `kb build`
POSTING_DTYPES = (np.dtype("<i4"), np.dtype("<f4"))  # a posting list: chunk positions, then their weights


class DatabaseError(BadInput):
    """The database cannot be reached or refused what the backend asked."""


def connect(url: str, autocommit: bool = True):
    try:
        import psycopg
    except ImportError as e:
        raise DatabaseError("没有安装 psycopg，无法使用 postgres 后端",
                            "运行 `.venv/bin/pip install 'psycopg[binary,pool]'`，或改用 KB_BACKEND=embedded") from e
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


_pools: dict[tuple[str, PostgresKnobs], object] = {}
_pools_lock = threading.Lock()


def _pool(url: str, knobs: PostgresKnobs):
    key = (url, knobs)
    pool = _pools.get(key)
    if pool is not None:
        return pool
    with _pools_lock:
        if key not in _pools:
            try:
                from psycopg_pool import ConnectionPool
            except ImportError as e:
                raise DatabaseError("没有安装 psycopg_pool，无法使用 postgres 后端",
                                    "运行 `.venv/bin/pip install 'psycopg[binary,pool]'`") from e
            connect(url).close()  # a wrong URL fails here at once, in one Chinese line, not after the pool's timeout

            def configure(conn) -> None:
                conn.execute(f"SET hnsw.ef_search = {int(knobs.hnsw_ef_search)}")

            _pools[key] = ConnectionPool(url, min_size=knobs.pool_size, max_size=knobs.pool_size, open=True,
                                         configure=configure,
                                         kwargs={"autocommit": True, "connect_timeout": 10}, name="kb")
        return _pools[key]


@contextmanager
def pooled(url: str, knobs: PostgresKnobs):
    """A connection of the process's pool for ``url``, for the time of one query or load."""
    import psycopg
    from psycopg_pool import PoolTimeout

    try:
        with _pool(url, knobs).connection(timeout=30) as conn:
            yield conn
    except PoolTimeout as e:
        raise DatabaseError(f"等待数据库连接超时（连接池 {knobs.pool_size} 个连接都在用）",
                            "稍后再试，或在 kb.toml 的 [postgres] 中调大 pool_size") from e
    except psycopg.OperationalError as e:
        first = str(e).strip().splitlines()[0][:160] if str(e).strip() else type(e).__name__
        raise DatabaseError(f"数据库连接出错（{first}）", "检查数据库是否在运行，再试一次") from e


def schema_name(version_id: int) -> str:
    return f"kb_v{int(version_id)}"


def vector_literal(v: np.ndarray) -> str:
    """pgvector's text form. Each float32 is written as the shortest decimal of its (exact) float64
    value, which pgvector's strtof reads back as the same float32; str() is ~6x faster than
    formatting with '%.9g' (0.04 against 0.25 ms a 384-d question, under the GIL)."""
    return "[" + ",".join(map(str, np.asarray(v, dtype=np.float32).tolist())) + "]"


def parse_vector(text: str) -> np.ndarray:
    return np.asarray([float(x) for x in text.strip("[]").split(",")], dtype=np.float32)


def pack_postings(positions: np.ndarray, weights: np.ndarray) -> bytes:
    """One token's posting list as bytes: its chunk positions (int32), then their weights (float32)."""
    return (np.asarray(positions, dtype=POSTING_DTYPES[0]).tobytes()
            + np.asarray(weights, dtype=POSTING_DTYPES[1]).tobytes())


def unpack_postings(blob: bytes, df: int) -> tuple[np.ndarray, np.ndarray]:
    positions = np.frombuffer(blob, dtype=POSTING_DTYPES[0], count=df)
    return positions, np.frombuffer(blob, dtype=POSTING_DTYPES[1], count=df, offset=4 * df)
