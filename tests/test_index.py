"""Index build/load: round trip, incremental rebuild, stale and damaged indexes, interrupted builds."""

import time
from pathlib import Path

from kb.api import KnowledgeBase
from kb.config import load_settings
from kb.index import build_index, load_index

QUESTIONS = ["电动公交车要占多少？", "到2027年PM2.5要降到多少？", "谁负责制定年度行动方案？", "專欄4有哪些重點工程？"]


def _hits(kb: KnowledgeBase) -> list:
    return [[(h.chunk.chunk_id, round(h.score, 6)) for h in kb.search(q, k=5)] for q in QUESTIONS]


def test_save_load_round_trip_gives_identical_hits(built_settings, kb) -> None:
    again = KnowledgeBase(built_settings, index=load_index(built_settings))
    assert _hits(kb) == _hits(again)
    assert again.index.chunks == kb.index.chunks and again.index.facts == kb.index.facts


def test_chunks_are_verbatim_and_stay_in_one_section(kb) -> None:
    for c in kb.index.chunks:
        doc = kb.index.docs[c.doc_id]
        assert doc.text[c.start : c.end] == c.text
        inside = [s for s in doc.sentences if c.start <= s.start and s.end <= c.end]
        assert inside and all(s.path == c.path for s in inside)


def test_incremental_rebuild(corpus_copy: Path, tmp_path: Path) -> None:
    settings = load_settings(env={}, corpus=corpus_copy, index=tmp_path / "idx")
    first = build_index(settings, progress=False)
    assert not first.up_to_date and first.embedded == first.vectors > first.chunks  # one vector a sentence
    t0 = time.perf_counter()
    second = build_index(settings, progress=False)
    assert second.up_to_date and time.perf_counter() - t0 < 5
    (corpus_copy / "new_notice.txt").write_text("关于开展湿地保护的通知\n新建重要湿地3处以上。\n", encoding="utf-8")
    third = build_index(settings, progress=False)
    assert not third.up_to_date
    assert third.embedded <= 2 and third.reused == first.vectors  # only the new document is embedded
    assert "new_notice" in load_index(settings).docs


def test_dense_scores_a_chunk_as_its_best_sentence(kb) -> None:
    """One vector per sentence; a dense hit's score is the best score among its own sentences."""
    idx = kb.index
    assert idx.vectors.ntotal == len(idx.vector_chunks) > len(idx.chunks)
    question = "2027年电动公交车要占多大比例？"
    qv = kb.embedder.embed_query(question)
    hits = kb.retriever.search(question, k=5, mode="dense", rerank=False)
    assert hits
    for h in hits:
        pos = idx.chunks.index(h.chunk)
        rows = [i for i, owner in enumerate(idx.vector_chunks) if owner == pos]
        best = max(float(idx.vectors.reconstruct(i) @ qv) for i in rows)
        assert abs(h.score - best) < 1e-4


def test_a_sentence_is_scored_by_its_own_stored_vector(kb) -> None:
    """`sentence_similarity` finds each sentence's vector: the sentence embedded again as a
    passage gives the same cosine with the question, for sentences all over the plan."""
    doc = kb.index.docs["jilin_meili_jiangcheng_plan_2024_2035"]
    question = "2027年电动公交车要占多大比例？"
    qv = kb.embedder.embed_query(question)
    picked = [s for s in doc.sentences if s.text.strip()][::40]
    assert len(picked) >= 5
    again = kb.embedder.embed_passages([s.text for s in picked])
    for s, vec in zip(picked, again):
        sim = kb.retriever.sentence_similarity(question, doc.doc_id, s.start)
        assert sim is not None and abs(sim - float(vec @ qv)) < 1e-3, s.text
    assert kb.retriever.sentence_similarity(question, doc.doc_id, -1) is None
