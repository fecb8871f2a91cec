"""Embedded (bm25s + FAISS flat, in process) against postgres (sparsevec + GIN, HNSW) on synthetic
corpora made from the built index: the corpus's chunks copied N times, each copy with a token of
its own and its sentence vectors moved by Gaussian noise (σ 0.02 a dimension, renormalized), so
nothing is embedded again. Queries: the gold questions (embedded once). Per scale and client count:
index build s, hybrid retrieval p50/p95 ms (BM25 top 50 + 400 nearest sentences, fused as
kb/retrieve.py does), queries/s; HNSW recall@10 against exact search; memory.

    .venv/bin/python bench/pg_backend.py --url "$(bash scripts/postgres.sh start)" --scales 1,100,500
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import sys
import threading
import time
from pathlib import Path

import bm25s
import faiss
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kb.build_data import BuildData
from kb.config import load_settings
from kb.pg.db import HNSW_EF_SEARCH, connect, schema_name, vector_literal
from kb.pg.migrate import embedded_build_data
from kb.pg.retrieve import bm25_top, dense_top
from kb.pg.write import SETUP, write_version
from kb.segment import tokenize


def synthetic(data: BuildData, n: int, seed: int = 0) -> BuildData:
    if n == 1:
        return data
    rng = np.random.default_rng(seed)
    chunks, tokens, owners, spans, is_s, keys = [], [], [], [], [], []
    mats = []
    nc = len(data.chunks)
    for c in range(n):
        chunks += [dataclasses.replace(ch, chunk_id=f"{ch.chunk_id}#{c}") for ch in data.chunks]
        tokens += [t + (f"copy{c}",) for t in data.corpus_tokens] if c else list(data.corpus_tokens)
        owners += [o + c * nc for o in data.owners]
        spans += list(data.spans)
        is_s += list(data.is_sentence)
        keys += [f"{k}#{c}" for k in data.keys]
        if c:
            m = data.matrix + rng.normal(0, 0.02, data.matrix.shape).astype(np.float32)
            mats.append(m / np.linalg.norm(m, axis=1, keepdims=True))
        else:
            mats.append(data.matrix)
    return dataclasses.replace(data, chunks=tuple(chunks), corpus_tokens=tuple(tokens), owners=tuple(owners),
                               spans=tuple(spans), is_sentence=tuple(is_s), keys=tuple(keys),
                               matrix=np.vstack(mats).astype(np.float32), facts=())


def fuse(sparse: list[tuple[int, float]], dense: list[tuple[int, float]], w: float = 0.35) -> list[int]:
    out: dict[int, float] = {}
    for lst, weight in ((sparse, 1 - w), (dense, w)):
        if not lst:
            continue
        lo, hi = min(s for _, s in lst), max(s for _, s in lst)
        for p, s in lst:
            out[p] = out.get(p, 0.0) + weight * (1.0 if hi == lo else (s - lo) / (hi - lo))
    return sorted(out, key=lambda p: -out[p])[:50]


def best_chunks(rows: list[tuple[int, float]]) -> list[tuple[int, float]]:
    best: dict[int, float] = {}
    for p, s in rows:
        best[p] = max(best.get(p, -1.0), s)
    return sorted(best.items(), key=lambda kv: -kv[1])[:50]


class Embedded:
    def __init__(self, data: BuildData) -> None:
        t = time.perf_counter()
        self.bm25 = bm25s.BM25()
        self.bm25.index([list(x) for x in data.corpus_tokens], show_progress=False)
        self.flat = faiss.IndexFlatIP(data.dim)
        self.flat.add(data.matrix)
        self.owners = np.asarray(data.owners)
        self.build_s = time.perf_counter() - t

    def query(self, tokens: list[str], vec: np.ndarray) -> list[int]:
        known = [t for t in tokens if t in self.bm25.vocab_dict]
        sparse = []
        if known:
            scores = self.bm25.get_scores(known)
            top = np.argpartition(-scores, 49)[:50]
            sparse = [(int(i), float(scores[i])) for i in top[np.argsort(-scores[top])] if scores[i] > 0]
        sims, ids = self.flat.search(vec[None, :], 400)
        dense = best_chunks([(int(self.owners[i]), float(s)) for i, s in zip(ids[0], sims[0]) if i >= 0])
        return fuse(sparse, dense)


class Postgres:
    def __init__(self, url: str, data: BuildData, settings) -> None:
        conn = connect(url)
        conn.execute(SETUP)
        t = time.perf_counter()
        self.vid = write_version(conn, settings, data)
        self.build_s = time.perf_counter() - t
        self.schema = schema_name(self.vid)
        self.size_mb = conn.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) / 1e6 FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'm')", (self.schema,)).fetchone()[0]
        conn.close()
        self.url, self.n_chunks, self.n_vec = url, len(data.chunks), len(data.keys)
        self._local = threading.local()

    def conn(self):
        if not hasattr(self._local, "c"):
            self._local.c = connect(self.url)
            self._local.c.execute(f"SET hnsw.ef_search = {HNSW_EF_SEARCH}")
        return self._local.c

    def query(self, tokens: list[str], vec: np.ndarray) -> list[int]:
        c = self.conn()
        sparse = bm25_top(c, self.schema, tokens, 50, self.n_chunks)
        dense = best_chunks(dense_top(c, self.schema, vec, 400, exact=self.n_vec <= 20_000))
        return fuse(sparse, dense)


def load(system, queries, clients: int, total: int) -> dict:
    lat: list[float] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        mine = []
        for j in range(i, total, clients):
            toks, vec = queries[j % len(queries)]
            t = time.perf_counter()
            system.query(toks, vec)
            mine.append((time.perf_counter() - t) * 1000)
        with lock:
            lat.extend(mine)

    for q in queries[:clients]:  # warm
        system.query(*q)
    t0 = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"clients": clients, "p50_ms": float(np.percentile(lat, 50)), "p95_ms": float(np.percentile(lat, 95)),
            "qps": len(lat) / wall}


def recall(pg: Postgres, matrix: np.ndarray, vecs: list[np.ndarray], ef: int) -> float:
    c = connect(pg.url)
    c.execute(f"SET hnsw.ef_search = {ef}")
    hits = 0
    for v in vecs:
        exact = set(np.argsort(-(matrix @ v))[:10].tolist())
        got = {r[0] for r in c.execute(f"SELECT vid FROM {pg.schema}.sentences ORDER BY embedding <#> %s::vector "
                                       "LIMIT 10", (vector_literal(v),))}
        hits += len(exact & got)
    c.close()
    return hits / (10 * len(vecs))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--scales", default="1,100")
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "pg_backend.json"))
    args = ap.parse_args()
    settings = load_settings()
    with connect(args.url) as c:  # a database of its own: the benchmark never switches the served index
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = 'kb_bench'").fetchone():
            c.execute("CREATE DATABASE kb_bench")
    args.url = args.url.rsplit("/", 1)[0] + "/kb_bench"
    base = embedded_build_data(settings)
    from kb.embed import get_embedder
    from kb.index_load import load_index

    tok = load_index(settings, check_corpus=False).tokenizer
    emb = get_embedder(settings.embedder)
    questions = [json.loads(x)["question"] for x in (ROOT / "eval" / "questions.jsonl").read_text().splitlines() if x]
    queries = [(tokenize(q, tok), emb.embed_query(q).astype(np.float32)) for q in questions]
    rows = []
    for n in [int(x) for x in args.scales.split(",")]:
        data = synthetic(base, n)
        row = {"scale": n, "chunks": len(data.chunks), "vectors": len(data.keys)}
        rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        emb_sys = Embedded(data)
        row["embedded_build_s"] = emb_sys.build_s
        row["embedded_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        row["embedded_peak_rss_before_mb"] = rss0
        pg = Postgres(args.url, data, settings)
        row["pg_build_s"], row["pg_size_mb"] = pg.build_s, float(pg.size_mb or 0)
        vecs = [v for _, v in queries[:100]]
        row["hnsw_recall10_ef40"] = recall(pg, data.matrix, vecs, 40)
        row[f"hnsw_recall10_ef{HNSW_EF_SEARCH}"] = recall(pg, data.matrix, vecs, HNSW_EF_SEARCH)
        for name, system in (("embedded", emb_sys), ("postgres", pg)):
            row[name] = [load(system, queries, c, args.queries) for c in (1, 8, 32)]
        rows.append(row)
        print(json.dumps(row), flush=True)
        Path(args.out).write_text(json.dumps(rows, indent=1))
        del emb_sys, data


if __name__ == "__main__":
    main()
