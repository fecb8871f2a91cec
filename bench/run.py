"""One command for the whole comparison: quality and cost of our pipeline against the baselines,
run side by side on the same gold set and machine, with ratios ours/baseline.

    .venv/bin/python bench/run.py                  # comparison; writes bench/results.md and the README section
    .venv/bin/python bench/run.py --scale 1,10,50  # plus the scaling run (bench/scaling.py)
    .venv/bin/python bench/run.py --corpus DIR --gold FILE --no-readme   # e.g. the smoke test's tiny corpus

Each build and cold start runs in its own subprocess so its peak memory is its own.
"""

from __future__ import annotations

import argparse
import json
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.baselines import OurRetriever, Passage, StockLlamaIndex
from kb.api import KnowledgeBase
from kb.cite import ungrounded_numbers
from kb.config import load_settings
from kb.evaluate import load_gold

README_BEGIN = "<!-- bench:begin -->"
README_END = "<!-- bench:end -->"


def _kb_cmd(corpus: Path, index: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kb", "--corpus", str(corpus), "--index", str(index), *args]


def _timed_child(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one child process."""
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            "r=subprocess.run(sys.argv[1:],stdout=subprocess.DEVNULL,stderr=subprocess.DEVNULL);"
            "print(time.perf_counter()-t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024, r.returncode)")
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, cwd=ROOT, check=True)
    secs, mb, rc = out.stdout.split()
    if rc != "0":
        raise RuntimeError(f"{' '.join(cmd)} exited {rc}")
    return float(secs), float(mb)


def _dir_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / 1e6


def _rank(passages: list[Passage], kb: KnowledgeBase, row: dict) -> int | None:
    doc = kb.index.docs.get(row.get("doc_id") or "")
    if doc is None:
        return None
    spans = [(doc.text.find(ev), len(ev)) for ev in row.get("evidence", []) if doc.text.find(ev) >= 0]
    for rank, p in enumerate(passages, 1):
        for s, n in spans:
            if p.doc_id != doc.doc_id:
                continue
            if p.start >= 0:
                if min(s + n, p.end) - max(s, p.start) >= 0.6 * n:
                    return rank
            elif doc.text[s : s + n] in p.text:
                return rank
    return None


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * len(values)) - 1))] if values else 0.0


def quality(system, kb: KnowledgeBase, gold: list[dict], ours: bool) -> dict:
    """Retrieval and answer quality of one system. Baselines answer with their top passage and
    never say not_found; ours answers through kb.ask."""
    ranks, correct, lat = [], 0, []
    cites = verbatim = grounded = answers = 0
    tp = fp = fn = 0
    answerable = [g for g in gold if g.get("answerable", True)]
    for row in gold:
        t0 = time.perf_counter()
        if ours:
            ans = kb.ask(row["question"])
            lat.append(time.perf_counter() - t0)
            status, text = ans.status, ans.answer
            quotes = [(c.doc_id, c.start, c.end, c.quote) for c in ans.citations]
            grounded += not ungrounded_numbers(ans.answer, ans.citations)
        else:
            top = system.retrieve(row["question"], k=1)
            lat.append(time.perf_counter() - t0)
            status, text = ("answered", top[0].text) if top else ("not_found", "")
            quotes = [(p.doc_id, p.start, p.end, p.text) for p in top]
            grounded += 1  # the answer is the passage itself
        answers += 1
        for doc_id, s, e, quote in quotes:
            cites += 1
            verbatim += kb.index.docs[doc_id].text[s:e] == quote if s >= 0 else 0
        if row.get("answerable", True):
            fn += status == "not_found"
            correct += status == "answered" and all(x in text for x in row.get("answer_contains", []))
            if row.get("evidence"):
                ranks.append(_rank(system.retrieve(row["question"], k=10), kb, row))
        else:
            tp += status == "not_found"
            fp += status != "not_found"
    n = len(ranks) or 1
    return {
        "hit@1": sum(r == 1 for r in ranks) / n,
        "hit@5": sum(r is not None and r <= 5 for r in ranks) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
        "answer_accuracy": correct / (len(answerable) or 1),
        "citation_verbatim": verbatim / (cites or 1),
        "number_grounding": grounded / (answers or 1),
        "not_found_precision": tp / ((tp + fn) or 1) if tp else 0.0,
        "not_found_recall": tp / ((tp + fp) or 1),
        "warm_p50_ms": 1000 * statistics.median(lat),
        "warm_p95_ms": 1000 * _pct(lat, 0.95),
    }


def compare(corpus: Path, gold_path: Path, work: Path, cold_runs: int = 3) -> dict:
    gold = load_gold(gold_path)
    index = work / "index"
    build_s, build_mb = _timed_child(_kb_cmd(corpus, index, "build", "--quiet"))
    rebuild_s, _ = _timed_child(_kb_cmd(corpus, index, "build", "--quiet"))
    cold = [_timed_child(_kb_cmd(corpus, index, "ask", "电动公交车要占多少？", "--json")) for _ in range(cold_runs)]
    settings = load_settings(env={}, corpus=corpus, index=index)
    kb = KnowledgeBase(settings)
    stock = StockLlamaIndex(kb)
    systems = [(OurRetriever(kb, "bm25"), False), (OurRetriever(kb, "dense"), False), (stock, False),
               (OurRetriever(kb, "hybrid"), True)]
    rows = {}
    for system, ours in systems:
        rows[system.name] = quality(system, kb, gold, ours)
    latencies = []
    for row in gold * 2:  # warm retrieval only, for the retrieval latency bar
        t0 = time.perf_counter()
        kb.search(row["question"], k=5)
        latencies.append(time.perf_counter() - t0)
    return {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, "
                   f"{len(__import__('os').sched_getaffinity(0))} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
        "gold": str(gold_path.relative_to(ROOT) if gold_path.is_relative_to(ROOT) else gold_path),
        "questions": len(gold),
        "chunks": len(kb.index.chunks), "stock_chunks": stock.chunks,
        "build_s": build_s, "build_peak_mb": build_mb, "rebuild_s": rebuild_s,
        "index_mb": _dir_mb(index), "stock_build_s": stock.build_seconds,
        "cold_ask_s": statistics.median(c[0] for c in cold), "cold_ask_peak_mb": max(c[1] for c in cold),
        "retrieval_p50_ms": 1000 * statistics.median(latencies), "retrieval_p95_ms": 1000 * _pct(latencies, 0.95),
        "process_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "systems": rows,
    }


def to_markdown(r: dict) -> str:
    ours = r["systems"]["ours (hybrid)"]
    cols = [("hit@1", "{:.3f}"), ("hit@5", "{:.3f}"), ("mrr", "{:.3f}"), ("answer_accuracy", "{:.3f}"),
            ("citation_verbatim", "{:.3f}"), ("number_grounding", "{:.3f}"), ("not_found_precision", "{:.3f}"),
            ("not_found_recall", "{:.3f}"), ("warm_p50_ms", "{:.1f}"), ("warm_p95_ms", "{:.1f}")]
    lines = [(f"Measured {r['date']} on {r['machine']}; gold set `{r['gold']}` ({r['questions']} questions); "
              f"generated by `.venv/bin/python bench/run.py`."), "",
             "| system | " + " | ".join(c for c, _ in cols) + " |", "|---" * (len(cols) + 1) + "|"]
    for name, m in r["systems"].items():
        cells = []
        for c, fmt in cols:
            cell = fmt.format(m[c])
            if name != "ours (hybrid)" and m[c] and c in ("hit@1", "hit@5", "mrr", "answer_accuracy"):
                cell += f" (ours ×{ours[c] / m[c]:.2f})"
            cells.append(cell)
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    lines += ["", "Answers of the baselines are their top passage; they never say not_found. Latency columns are",
              "per question in one warm process (ours includes understanding, fusion, rerank and answer composition).",
              "", "| cost | value |", "|---|---|",
              f"| full build (`kb build`, fresh index, {r['chunks']} chunks) | {r['build_s']:.1f} s, peak {r['build_peak_mb']:.0f} MB |",
              f"| rebuild with no change | {r['rebuild_s']:.2f} s |",
              f"| index size on disk | {r['index_mb']:.1f} MB |",
              f"| stock llama-index build ({r['stock_chunks']} nodes, in process) | {r['stock_build_s']:.1f} s |",
              f"| cold `kb ask` (new process, median of 3) | {r['cold_ask_s']:.2f} s, peak {r['cold_ask_peak_mb']:.0f} MB |",
              f"| warm retrieval (hybrid + rerank) | p50 {r['retrieval_p50_ms']:.1f} ms, p95 {r['retrieval_p95_ms']:.1f} ms |",
              f"| benchmark process peak memory | {r['process_peak_mb']:.0f} MB |"]
    return "\n".join(lines)


def _previous(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def write_readme(section: str) -> None:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    block = f"{README_BEGIN}\n{section}\n{README_END}"
    if README_BEGIN in text:
        text = re.sub(re.escape(README_BEGIN) + r".*?" + re.escape(README_END), lambda _: block, text, flags=re.DOTALL)
    else:
        text += f"\n## Benchmarks\n\n{block}\n"
    readme.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    p.add_argument("--gold", type=Path, default=ROOT / "eval" / "questions.jsonl")
    p.add_argument("--scale", default="", help="comma-separated corpus multiples for the scaling run, e.g. 1,10,50")
    p.add_argument("--no-readme", action="store_true", help="do not rewrite the README section")
    p.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    p.add_argument("--cold-runs", type=int, default=3, help="cold `kb ask` runs to take the median of")
    args = p.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    try:
        result = compare(args.corpus.resolve(), args.gold.resolve(), work, cold_runs=args.cold_runs)
        md = to_markdown(result)
        if args.scale:
            from bench.scaling import run_scaling, scaling_markdown

            scaled = run_scaling(args.corpus.resolve(), [int(x) for x in args.scale.split(",")], work, args.out)
            result["scaling"], result["scaling_date"] = scaled, result["date"]
            md += "\n\n" + scaling_markdown(scaled)
        else:  # keep the last scaling run (it takes ~15 min), labelled with its own date
            previous = _previous(args.out / "results.json")
            if previous.get("scaling"):
                from bench.scaling import scaling_markdown

                result["scaling"] = previous["scaling"]
                result["scaling_date"] = previous.get("scaling_date", previous.get("date", "?"))
                md += (f"\n\n_Scaling rows below are from the last `--scale` run, {result['scaling_date']}._\n\n"
                       + scaling_markdown(result["scaling"]))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    (args.out / "results.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    (args.out / "results.md").write_text(md + "\n", encoding="utf-8")
    if not args.no_readme:
        write_readme(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
