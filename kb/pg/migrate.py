"""`kb migrate --to postgres`: the embedded index in use (index/CURRENT) copied into the database
as a new version, vectors included (nothing is embedded again), switched in like a build."""

from __future__ import annotations

import dataclasses
import json
import time
from collections.abc import Callable

import numpy as np

from kb.build_data import EMPTY_TOKEN, BuildData, BuildResult
from kb.config import Settings
from kb.errors import ConfigError
from kb.index_load import load_index
from kb.segment import index_text, sentences_in, tokenize


def embedded_build_data(settings: Settings) -> BuildData:
    """The embedded version in use as BuildData (what a build would have written)."""
    loaded = load_index(dataclasses.replace(settings, backend="embedded"), check_corpus=False)
    folder, m = loaded.folder, loaded.manifest
    keys = json.loads((folder / "vector_keys.json").read_text(encoding="utf-8"))
    matrix = np.load(folder / "vectors.npy", allow_pickle=False)
    owners = [int(o) for o in loaded.vector_chunks]
    has_sentences = [bool(sentences_in(loaded.docs[c.doc_id], c)) for c in loaded.chunks]
    tokens = tuple(tuple(tokenize(index_text(c), loaded.tokenizer) or [EMPTY_TOKEN]) for c in loaded.chunks)
    return BuildData(m["fingerprint"], m["corpus"], m["model_id"], int(m.get("dim", matrix.shape[1])),
                     tuple(loaded.docs.values()), tuple(loaded.reports), tuple(loaded.facts), tuple(loaded.terms),
                     tuple(loaded.chunks), tuple(owners), tuple(tuple(s) for s in loaded.vector_sentences),
                     tuple(has_sentences[o] for o in owners), tuple(keys), matrix.astype(np.float32), tokens, 0,
                     (("start", time.perf_counter()),))


def migrate(settings: Settings, to: str, step: Callable[[str], None] = lambda line: None) -> BuildResult:
    from kb.pg.write import build_postgres

    if to != "postgres":
        raise ConfigError(f"不能迁移到 {to[:20]!r}", "目前只能 `kb migrate --to postgres`")
    if not settings.database_url.startswith(("postgresql://", "postgres://")):
        raise ConfigError("迁移到 postgres 需要数据库地址",
                          "设置 KB_DATABASE_URL=postgresql://用户@主机:端口/库名 后再运行 `kb migrate --to postgres`")
    t0 = time.perf_counter()
    step(f"[1/2] 读取 {settings.index} 中正在使用的索引…")
    data = embedded_build_data(settings)
    step("[2/2] 写入数据库…")
    pg = dataclasses.replace(settings, backend="postgres")
    return build_postgres(pg, False, True, t0, step, data=data)
