"""The postgres backend's BM25 without a database: posting lists packed as the build writes them,
scored as kb/pg/retrieve.py scores them, give bm25s's own scores and ranking (the embedded
backend's) to the bit; the cache keeps within its budget; the [postgres] settings are checked."""

from __future__ import annotations

import bm25s
import pytest

from kb.pg.retrieve import PostingsCache, bm25_top
from kb.pg.write import postings
from kb.ranking import top_positive

CORPUS = (("细颗粒物", "浓度", "下降"), ("新能源", "公交车", "占比", "新能源"), ("耕地", "面积", "底线"),
          ("细颗粒物", "新能源", "目标"), ("空气", "优良", "天数", "比例", "空气"), ("耕地", "保护"))


class FakeConn:
    """Answers the one statement bm25_top sends: the rows of the postings table for some tokens."""

    def __init__(self, rows) -> None:
        self.rows = {t: (t, df, blob) for t, df, blob in rows}
        self.asked: list[list[str]] = []

    def execute(self, sql: str, params, binary: bool = False):
        assert "postings WHERE token = ANY" in sql and binary
        self.asked.append(sorted(params[0]))
        return [self.rows[t] for t in params[0] if t in self.rows]


def test_postings_give_bm25s_scores_and_ranking_to_the_bit() -> None:
    model = bm25s.BM25()
    model.index([list(t) for t in CORPUS], show_progress=False)
    conn = FakeConn(postings(CORPUS))
    for query in (["新能源", "公交车", "新能源"], ["细颗粒物", "耕地"], ["空气", "未知词"], ["未知词"]):
        known = [t for t in query if t in model.vocab_dict]
        want = top_positive(model.get_scores(known), 3) if known else []
        assert bm25_top(conn, "s", query, 3, len(CORPUS)) == want


def test_cache_asks_once_and_keeps_within_its_budget() -> None:
    conn = FakeConn(postings(CORPUS))
    cache = PostingsCache(10_000)
    first = bm25_top(conn, "s", ["耕地", "未知词"], 5, len(CORPUS), cache)
    assert bm25_top(conn, "s", ["耕地", "未知词"], 5, len(CORPUS), cache) == first
    assert conn.asked == [["未知词", "耕地"]]  # the second question found both in the cache, the unknown word too
    tiny = PostingsCache(200)
    for t in ("细颗粒物", "新能源", "耕地", "空气", "优良"):
        bm25_top(conn, "s", [t], 5, len(CORPUS), tiny)
        assert tiny.used <= 200


def test_postgres_settings_are_checked(tmp_path) -> None:
    from kb.config import load_settings
    from kb.errors import ConfigError

    toml = tmp_path / "kb.toml"
    toml.write_text("[postgres]\nhnsw_ef_search = 200\npool_size = 4\n", encoding="utf-8")
    s = load_settings(config_file=toml, env={})
    assert (s.postgres.hnsw_ef_search, s.postgres.pool_size, s.postgres.hnsw_m) == (200, 4, 16)
    for bad, word in (("hnsw_ef_search = 5000", "超出范围"), ("hnsw_m = 2.5", "整数"), ("ef = 1", "未知的设置")):
        toml.write_text(f"[postgres]\n{bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError, match=word):
            load_settings(config_file=toml, env={})


def test_vector_literal_gives_every_float32_back() -> None:
    """The question vector's text form is read back bit for bit (pgvector reads it with strtof:
    the shortest decimal of the float32's exact float64 value rounds to that float32)."""
    import numpy as np

    from kb.pg.db import parse_vector, vector_literal

    rng = np.random.default_rng(0)
    for scale in (1e-8, 1e-3, 0.1, 1.0, 1e3):
        v = (rng.normal(size=384) * scale).astype(np.float32)
        assert parse_vector(vector_literal(v)).view(np.uint32).tolist() == v.view(np.uint32).tolist()
