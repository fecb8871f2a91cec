"""The benchmark is not part of the suite; this smoke test checks that it runs end to end on a
tiny corpus and gold set, and that the scaling generator makes varied copies."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PLAN = """title: 测试规划
level: municipal
---
一、目标
到2027年，新能源公交车占比达到72%。到2030年，森林覆盖率达到55%。
二、任务
（一）治理大气
加强监测。到2027年，细颗粒物浓度下降到30微克/立方米以下。
"""


def test_bench_runs_on_a_tiny_corpus(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "tiny_plan.txt").write_text(PLAN, encoding="utf-8")
    gold = tmp_path / "gold.jsonl"
    rows = [
        {"id": "t1", "question": "电动公交车要占多少？", "type": "target", "style": "colloquial", "doc_id": "tiny_plan",
         "evidence": ["新能源公交车占比达到72%"], "answer_contains": ["72%"], "answerable": True},
        {"id": "t2", "question": "到2030年森林覆盖率", "type": "target", "style": "plain", "doc_id": "tiny_plan",
         "evidence": ["森林覆盖率达到55%"], "answer_contains": ["55%"], "answerable": True},
        {"id": "t3", "question": "北京市的垃圾分类目标是多少？", "type": "unanswerable", "style": "plain",
         "doc_id": None, "evidence": [], "answer_contains": [], "answerable": False},
    ]
    gold.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    out = tmp_path / "out"
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "run.py"), "--corpus", str(corpus), "--gold", str(gold),
                           "--no-readme", "--out", str(out), "--cold-runs", "1", "--scale", "1,2"],
                          capture_output=True, text=True, cwd=ROOT, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert set(result["systems"]) == {"BM25-only (jieba)", "dense-only (e5)", "llama-index stock", "ours (hybrid)"}
    ours = result["systems"]["ours (hybrid)"]
    assert ours["hit@5"] == 1.0 and ours["citation_verbatim"] == 1.0 and ours["number_grounding"] == 1.0
    assert result["build_s"] > 0 and result["index_mb"] > 0
    assert "| ours (hybrid) |" in (out / "results.md").read_text(encoding="utf-8")
    small, large = result["scaling"]
    assert large["chunks"] == 2 * small["chunks"] and large["index_mb"] > small["index_mb"]
    assert all(r["build_peak_mb"] > 50 and r["query_peak_mb"] > 50 and r["ask_p50_ms"] > 0 for r in result["scaling"])
    assert (out / "scaling.png").stat().st_size > 10_000


def test_scaling_corpus_is_varied(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT))
    from bench.scaling import synthesize

    out = synthesize(ROOT / "corpus", 3, tmp_path / "scaled")
    files = sorted(out.iterdir())
    sources = [f for f in (ROOT / "corpus").iterdir() if f.suffix == ".txt"]
    assert len(files) == 3 * len(sources)
    texts = [f.read_text(encoding="utf-8") for f in files if "jilin" in f.name]
    assert len(set(texts)) == 3 and "吉林市" in texts[0] and "吉林市" not in texts[1]
