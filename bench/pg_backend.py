"""Embedded (bm25s + FAISS flat, in process) against postgres (posting lists + HNSW) on synthetic
corpora made from the built index, through the product's own retrievers: kb/retrieve.py's
HybridRetriever over the BM25 and dense retrievers of each backend (jieba tokens, BM25 top 50,
nearest sentences, best sentence a chunk, weighted fusion), postgres connections from the
product's pool (kb/pg/db.py). The question embeddings are made once beforehand (the embedder is
the same for both backends; ~11 ms a question on its own).

The corpus's chunks are copied N times, each copy with a token of its own; its sentence vectors
are moved (``--vectors``): ``iso`` adds Gaussian noise (σ 0.02 a dimension, renormalized), so each
sentence becomes a ball of N near-copies that differ only by noise in all 384 directions (the
hardest case for a graph index); ``mix`` moves each copy along the difference of two other real
sentences of the corpus (half of it), so the copies differ in directions real sentences differ in;
``blend`` makes each copy of a sentence the (renormalized) sum of it and one other real sentence
drawn at random, so a sentence's 500 copies are spread over the corpus's own directions instead of
forming a ball of near-ties (every vector still a mixture of real e5 vectors).

Per scale and client count: build s, hybrid retrieval p50/p95 ms, queries/s; HNSW recall@10
against exact search (100 questions); memory; the 1-minute load average before and after.

    .venv/bin/python bench/pg_backend.py --url "$(bash scripts/postgres.sh start)" --scales 1,100,500
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import bm25s
import faiss
import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from llama_index.core.schema import QueryBundle, TextNode

from kb.build_data import BuildData
from kb.config import load_settings
from kb.pg.db import connect, pooled, schema_name, vector_literal
from kb.pg.migrate import embedded_build_data
from kb.pg.read import PgVersion
from kb.pg.retrieve import PgBM25Retriever, PgDenseRetriever
from kb.pg.write import SETUP, write_version
from kb.retrieve import BM25ChineseRetriever, DenseFaissRetriever, HybridRetriever


def synthetic(data: BuildData, n: int, vectors: str = "mix", seed: int = 0) -> BuildData:
    if n == 1:
        return data
    rng = np.random.default_rng(seed)
    chunks, tokens, owners, spans, is_s, keys = [], [], [], [], [], []
    mats = []
    nc, nv = len(data.chunks), len(data.matrix)
    for c in range(n):
        chunks += [dataclasses.replace(ch, chunk_id=f"{ch.chunk_id}#{c}") for ch in data.chunks]
        tokens += [t + (f"copy{c}",) for t in data.corpus_tokens] if c else list(data.corpus_tokens)
        owners += [o + c * nc for o in data.owners]
        spans += list(data.spans)
        is_s += list(data.is_sentence)
        keys += [f"{k}#{c}" for k in data.keys]
        if not c:
            mats.append(data.matrix)
            continue
        if vectors == "iso":
            m = data.matrix + rng.normal(0, 0.02, data.matrix.shape).astype(np.float32)
        elif vectors == "blend":
            m = data.matrix + data.matrix[rng.integers(0, nv, nv)]
        else:
            m = data.matrix + 0.5 * (data.matrix[rng.integers(0, nv, nv)] - data.matrix[rng.integers(0, nv, nv)])
        mats.append(m / np.linalg.norm(m, axis=1, keepdims=True))
    return dataclasses.replace(data, chunks=tuple(chunks), corpus_tokens=tuple(tokens), owners=tuple(owners),
                               spans=tuple(spans), is_sentence=tuple(is_s), keys=tuple(keys),
                               matrix=np.vstack(mats).astype(np.float32), facts=())


def nodes_of(data: BuildData) -> list[TextNode]:
    return [TextNode(id_=c.chunk_id, text="", metadata={"pos": i}) for i, c in enumerate(data.chunks)]


class Embedded:
    def __init__(self, data: BuildData, tokenizer, nodes: list[TextNode], settings) -> None:
        t = time.perf_counter()
        bm25 = bm25s.BM25()
        bm25.index([list(x) for x in data.corpus_tokens], show_progress=False)
        flat = faiss.IndexFlatIP(data.dim)
        flat.add(data.matrix)
        self.build_s = time.perf_counter() - t
        index = SimpleNamespace(bm25=bm25, tokenizer=tokenizer, vectors=flat, vector_chunks=np.asarray(data.owners))
        self.hybrid = HybridRetriever(BM25ChineseRetriever(index, nodes), DenseFaissRetriever(index, nodes, None),
                                      settings.fusion, settings.rrf_k, settings.dense_weight)


class Postgres:
    def __init__(self, url: str, data: BuildData, settings, tokenizer, nodes: list[TextNode], reuse: int = 0) -> None:
        conn = connect(url)
        conn.execute(SETUP)
        t = time.perf_counter()
        vid = reuse or write_version(conn, settings, data)  # --reuse: a version this script built before
        self.build_s = time.perf_counter() - t
        schema = schema_name(vid)
        self.size_mb = float(conn.execute(
            "SELECT sum(pg_total_relation_size(c.oid)) / 1e6 FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind IN ('r', 'm')", (schema,)).fetchone()[0])
        conn.close()
        knobs = settings.postgres
        self.pg = PgVersion(url, vid, schema, len(data.chunks), len(data.keys), data.dim,
                            len(data.keys) > knobs.exact_max_vectors, knobs)
        index = SimpleNamespace(pg=self.pg, tokenizer=tokenizer)
        self.hybrid = HybridRetriever(PgBM25Retriever(index, nodes), PgDenseRetriever(index, nodes, None),
                                      settings.fusion, settings.rrf_k, settings.dense_weight)


def load(system, bundles: list[QueryBundle], clients: int, total: int) -> dict:
    lat: list[float] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        mine = []
        for j in range(i, total, clients):
            t = time.perf_counter()
            system.hybrid._retrieve(bundles[j % len(bundles)])
            mine.append((time.perf_counter() - t) * 1000)
        with lock:
            lat.extend(mine)

    for b in bundles[:clients]:  # warm
        system.hybrid._retrieve(b)
    load_before = os.getloadavg()[0]
    t0 = time.perf_counter()
    threads = [threading.Thread(target=run, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"clients": clients, "p50_ms": float(np.percentile(lat, 50)), "p95_ms": float(np.percentile(lat, 95)),
            "qps": len(lat) / wall, "load1_before": load_before, "load1_after": os.getloadavg()[0]}


def exact_top10(matrix: np.ndarray, vecs: list[np.ndarray]) -> list[set[int]]:
    return [set(np.argpartition(-(matrix @ v), 10)[:10].tolist()) for v in vecs]


def recall(pg: PgVersion, exact: list[set[int]], vecs: list[np.ndarray], ef: int, fetch: int = 10) -> float:
    """HNSW's 10 nearest sentences against exact search: the index asked for ``fetch`` sentences
    (halfvec order), re-scored with the full vectors, the best 10 kept. ``fetch`` 10 is the first
    rounds' measurement; ``fetch`` = ef_search is what the product's dense search does (it asks
    for min(8 · top_k, ef_search) sentences and re-scores them all)."""
    hits = 0
    with pooled(pg.url, pg.knobs) as c:
        c.execute(f"SET hnsw.ef_search = {ef}")
        for v, want in zip(vecs, exact):
            rows = c.execute(f"SELECT vid FROM (SELECT vid, embedding FROM {pg.schema}.sentences ORDER BY "
                             f"embedding::halfvec({pg.dim}) <#> %s::halfvec({pg.dim}) LIMIT %s) AS near "
                             "ORDER BY embedding <#> %s::vector LIMIT 10",
                             (vector_literal(v), fetch, vector_literal(v))).fetchall()
            hits += len(want & {r[0] for r in rows})
        c.execute(f"SET hnsw.ef_search = {pg.knobs.hnsw_ef_search}")  # the pool's setting again
    return hits / (10 * len(vecs))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", required=True)
    ap.add_argument("--scales", default="1,100")
    ap.add_argument("--queries", type=int, default=400)
    ap.add_argument("--clients", default="1,8,32")
    ap.add_argument("--vectors", choices=("iso", "mix", "blend"), default="iso")
    ap.add_argument("--systems", default="embedded,postgres")
    ap.add_argument("--reuse", type=int, default=0, help="measure version N of kb_bench again (one scale)")
    ap.add_argument("--recall", action="store_true", help="measure recall@10 with --reuse too")
    ap.add_argument("--ef-search", type=int, default=0, help="postgres.hnsw_ef_search for this run")
    ap.add_argument("--out", default=str(ROOT / "bench" / "results" / "pg_backend.json"))
    args = ap.parse_args()
    settings = load_settings()
    if args.ef_search:
        settings = dataclasses.replace(settings, postgres=dataclasses.replace(settings.postgres,
                                                                              hnsw_ef_search=args.ef_search))
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
    bundles = [QueryBundle(query_str=q, embedding=emb.embed_query(q).astype(np.float32).tolist()) for q in questions]
    systems = args.systems.split(",")
    rows = []
    for n in [int(x) for x in args.scales.split(",")]:
        data = synthetic(base, n, args.vectors)
        nodes = nodes_of(data)
        row = {"scale": n, "chunks": len(data.chunks), "vectors": len(data.keys), "vector_copies": args.vectors,
               "cpus": os.cpu_count(),
               "knobs": dataclasses.asdict(settings.postgres), "load1_start": os.getloadavg()[0]}
        built = {}
        if "embedded" in systems:
            built["embedded"] = Embedded(data, tok, nodes, settings)
            row["embedded_build_s"] = built["embedded"].build_s
            row["embedded_peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if "postgres" in systems:
            pg = built["postgres"] = Postgres(args.url, data, settings, tok, nodes, args.reuse)
            row["pg_build_s"], row["pg_size_mb"], row["load1_after_build"] = pg.build_s, pg.size_mb, os.getloadavg()[0]
            if pg.pg.hnsw and (args.recall or not args.reuse):
                vecs = [np.asarray(b.embedding, dtype=np.float32) for b in bundles[:100]]
                exact = exact_top10(data.matrix, vecs)
                for ef in sorted({40, 100, 200, 400, 1000, settings.postgres.hnsw_ef_search}):
                    row[f"hnsw_recall10_ef{ef}"] = recall(pg.pg, exact, vecs, ef)
                    row[f"hnsw_recall10_rescored_ef{ef}"] = recall(pg.pg, exact, vecs, ef, fetch=ef)
        for name, system in built.items():
            row[name] = [load(system, bundles, int(c), args.queries) for c in args.clients.split(",")]
        rows.append(row)
        print(json.dumps(row), flush=True)
        Path(args.out).write_text(json.dumps(rows, indent=1))
        del built, data, nodes


if __name__ == "__main__":
    main()
