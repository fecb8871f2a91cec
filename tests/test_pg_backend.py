"""The postgres backend against a real PostgreSQL + pgvector: the gold set answered the same on
both backends, question by question; builds serialized by the advisory lock; a build killed
midway leaves the previous version serving. Runs when KB_TEST_DATABASE_URL names a database
(`.ci/run` starts one with scripts/postgres.sh); skipped with that reason otherwise."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("KB_TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(not URL, reason="没有测试数据库：设置 KB_TEST_DATABASE_URL"
                                "（bash scripts/postgres.sh start 打印它）；.ci/run 会自己启动一个")


def _data(settings, embedded_settings):
    from kb.build_data import build_identity, prepare_build
    from kb.index import _previous_vectors

    return prepare_build(settings, False, lambda line: None, _previous_vectors(embedded_settings),
                         build_identity(settings))


@pytest.fixture(scope="module")
def pg_settings(built_settings):
    from kb.pg.write import build_postgres

    settings = dataclasses.replace(built_settings, backend="postgres", database_url=URL)
    data = _data(settings, built_settings)  # the embedded index's vectors: nothing is embedded again
    assert data.embedded == 0
    build_postgres(settings, False, True, time.perf_counter(), lambda line: None, data=data)
    return settings


def test_bad_backend_settings_are_one_chinese_line() -> None:
    from kb.config import load_settings
    from kb.errors import ConfigError

    with pytest.raises(ConfigError, match="backend"):
        load_settings(env={"KB_BACKEND": "mysql"})
    with pytest.raises(ConfigError, match="database_url"):
        load_settings(env={"KB_BACKEND": "postgres", "KB_DATABASE_URL": "mysql://x"})


def test_gold_set_same_answers_on_both_backends(pg_settings, kb) -> None:
    from kb.api import KnowledgeBase

    pg = KnowledgeBase(pg_settings)
    assert pg.index.pg is not None and len(pg.index.chunks) == len(kb.index.chunks)
    rows = [json.loads(line) for line in (ROOT / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
            if line.strip()]
    differ = []
    for r in rows:
        a, b = kb.ask(r["question"]), pg.ask(r["question"])
        if (a.status, a.answer, [c.quote for c in a.citations]) != (b.status, b.answer, [c.quote for c in b.citations]):
            differ.append((r["id"], a.status, b.status, a.answer[:40], b.answer[:40]))
    assert not differ, f"{len(differ)} of {len(rows)} questions differ: {differ[:5]}"


def test_retrieval_scores_agree(pg_settings, kb) -> None:
    from kb.api import KnowledgeBase

    pg = KnowledgeBase(pg_settings)
    for q in ("新能源公交车占比", "细颗粒物浓度下降", "河湖长制"):
        for mode in ("bm25", "dense"):
            a = [(h.chunk.chunk_id, round(h.score, 4)) for h in kb.retriever.search(q, k=10, mode=mode, rerank=False)]
            b = [(h.chunk.chunk_id, round(h.score, 4)) for h in pg.retriever.search(q, k=10, mode=mode, rerank=False)]
            _same_ranking(a, b, (q, mode))


def _same_ranking(a: list[tuple[str, float]], b: list[tuple[str, float]], what) -> None:
    """The same scores in the same order, and the same passages for each score; passages of equal
    score may come in any order (a tie has no order), and a tie at the cut may be cut differently."""
    assert [s for _, s in a] == [s for _, s in b], what
    cut = a[-1][1] if a else None
    for score in {s for _, s in a} - {cut}:
        assert {i for i, s in a if s == score} == {i for i, s in b if s == score}, (what, score)


def _current(url: str) -> int:
    from kb.pg.db import connect

    with connect(url) as conn:
        return int(conn.execute("SELECT version_id FROM kb.current").fetchone()[0])


def test_two_builds_run_one_after_the_other(pg_settings, built_settings) -> None:
    from kb.pg.write import build_postgres

    data = _data(pg_settings, built_settings)
    spans: list[tuple[float, float]] = []

    def run() -> None:
        t = time.perf_counter()
        build_postgres(pg_settings, False, True, t, lambda line: None, data=data)
        spans.append((t, time.perf_counter()))

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(spans) == 2
    from kb.index_load import load_index

    assert load_index(pg_settings).pg.version_id == _current(URL)


KILLED_BUILD = """
import sys, time
from kb.config import load_settings
from kb.build_data import build_identity, prepare_build
from kb.index import _previous_vectors
import kb.pg.write as w
settings = load_settings(env={}, corpus=sys.argv[1], index=sys.argv[2], backend="postgres", database_url=sys.argv[3])
data = prepare_build(settings, False, lambda l: None, _previous_vectors(load_settings(env={}, corpus=sys.argv[1],
                     index=sys.argv[2])), build_identity(settings))
original = w._indexes
w._indexes = lambda *a: original(*a) + "SELECT pg_sleep(60);"  # the build stops inside its transaction
w.build_postgres(settings, False, True, time.perf_counter(), lambda l: None, data=data)
"""


def test_kill_9_mid_build_leaves_the_previous_version_serving(pg_settings) -> None:
    from kb.api import KnowledgeBase
    from kb.pg.db import connect

    before = _current(URL)
    proc = subprocess.Popen([sys.executable, "-c", KILLED_BUILD, str(pg_settings.corpus), str(pg_settings.index), URL],
                            cwd=ROOT)
    try:
        with connect(URL) as conn:
            for _ in range(600):
                if conn.execute("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%%pg_sleep(60)%%' "
                                "AND pid <> pg_backend_pid()").fetchone()[0]:
                    break
                time.sleep(0.1)
            else:
                pytest.fail("the build never reached its last step")
    finally:
        proc.kill()
        proc.wait()
    assert _current(URL) == before
    answer = KnowledgeBase(pg_settings).ask("新能源公交车占比要达到多少")
    assert answer.status == "answered"


def test_migrate_copies_the_embedded_index(pg_settings, kb) -> None:
    from kb.api import KnowledgeBase
    from kb.cli import main

    before = _current(URL)
    os.environ["KB_DATABASE_URL"] = URL
    try:
        assert main(["--corpus", str(pg_settings.corpus), "--index", str(pg_settings.index), "migrate",
                     "--to", "postgres"]) == 0
    finally:
        del os.environ["KB_DATABASE_URL"]
    assert _current(URL) != before
    pg = KnowledgeBase(pg_settings)
    for q in ("新能源公交车占比要达到多少", "谁负责河湖治理"):
        a, b = kb.ask(q), pg.ask(q)
        assert (a.status, a.answer) == (b.status, b.answer)


def test_a_streaming_replica_serves_reads(pg_settings, kb) -> None:
    from kb.api import KnowledgeBase
    from kb.errors import KBError
    from kb.pg.db import connect
    from kb.pg.write import build_postgres

    ours = subprocess.run(["bash", "scripts/postgres.sh", "url"], check=False, cwd=ROOT, capture_output=True, text=True)
    if ours.stdout.strip() != URL:
        pytest.skip("KB_TEST_DATABASE_URL 不是 scripts/postgres.sh 启动的库，无法为它建备库")
    replica = subprocess.run(["bash", "scripts/postgres.sh", "replica"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.strip()
    want = _current(URL)
    with connect(replica) as conn:
        assert conn.execute("SELECT pg_is_in_recovery()").fetchone()[0]
        for _ in range(300):  # streaming: the version switched in on the primary arrives
            row = conn.execute("SELECT to_regclass('kb.current') IS NOT NULL").fetchone()[0] and \
                conn.execute("SELECT version_id FROM kb.current").fetchone()
            if row and int(row[0]) == want:
                break
            time.sleep(0.1)
        else:
            pytest.fail("the replica never caught up")
    # the app reaches the standby by its URI alone: both hosts listed, a read-only one wanted
    primary_host = URL.split("@", 1)[1].split("/", 1)[0]
    replica_host = replica.split("@", 1)[1].split("/", 1)[0]
    user = URL.split("//", 1)[1].split("@", 1)[0]
    uri = f"postgresql://{user}@{replica_host},{primary_host}/kb?target_session_attrs=read-only"
    on_replica = dataclasses.replace(pg_settings, database_url=uri)
    pg = KnowledgeBase(on_replica)
    q = "新能源公交车占比要达到多少"
    assert (pg.ask(q).status, pg.ask(q).answer) == (kb.ask(q).status, kb.ask(q).answer)
    with pytest.raises(KBError, match="只读"):
        build_postgres(on_replica, False, True, time.perf_counter(), lambda line: None)
