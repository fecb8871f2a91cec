"""What the optional LLM costs in latency: `python bench/llm_latency.py [--url URL --model M] [-n N]`.

Asks the first N gold questions without a model, then with one: by default a stub endpoint on
loopback that answers at once by quoting the first shown sentence (tests/llm_stub.py), so the
difference is the product's own overhead (two HTTP round trips, a second retrieval, the guard);
with --url, a real endpoint (e.g. the llama-server of scripts/llama_server.sh start). Prints the
median and 90th percentile seconds a question, and how many answers the model gave."""

from __future__ import annotations

import argparse
import dataclasses
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

_LINE = re.compile(r"^\s*\((\d+)\.(\d+)\) (.*)$", re.MULTILINE)


def _echo(req: dict) -> tuple[int, str]:
    if req["response_format"]["json_schema"]["name"] == "rewrite":
        return 200, json.dumps({"terms": []})
    p, s, text = _LINE.findall(req["messages"][-1]["content"])[0]
    return 200, json.dumps({"quotes": [{"passage": int(p), "sentence": int(s), "quote": text}],
                            "answer": f"{text.rstrip('。')}[1]。"}, ensure_ascii=False)


def _times(kb, questions: list[str]) -> tuple[list[float], int]:
    out, by_llm = [], 0
    for q in questions:
        t0 = time.perf_counter()
        ans = kb.ask(q)
        out.append(time.perf_counter() - t0)
        by_llm += ans.answered_by == "llm"
    return out, by_llm


def _row(name: str, times: list[float], by_llm: int) -> str:
    p90 = sorted(times)[int(0.9 * (len(times) - 1))]
    return f"| {name} | {statistics.median(times):.3f} | {p90:.3f} | {by_llm} of {len(times)} |"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--url", default="")
    ap.add_argument("--model", default="local")
    ap.add_argument("-n", type=int, default=30)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--rewrite", type=int, default=1)
    args = ap.parse_args()
    from kb.api import KnowledgeBase

    gold = ROOT / "eval" / "questions.jsonl"
    questions = [json.loads(x)["question"] for x in gold.read_text(encoding="utf-8").splitlines() if x.strip()][:args.n]
    kb = KnowledgeBase.open()
    kb.ask(questions[0])  # warm
    print("| endpoint | median s | p90 s | answered by the model |\n|---|---|---|---|")
    print(_row("none (extractive)", *_times(kb, questions)))

    def with_llm(url: str) -> KnowledgeBase:
        s = dataclasses.replace(kb.settings, llm_base_url=url, llm_model=args.model, llm_timeout=args.timeout,
                                llm_rewrite=args.rewrite)
        return KnowledgeBase(s, index=kb.index)

    if args.url:
        print(_row(f"{args.url} (rewrite={args.rewrite})", *_times(with_llm(args.url), questions)))
        return
    from llm_stub import StubLLM

    with StubLLM(_echo) as stub:
        print(_row(f"stub, instant reply (rewrite={args.rewrite})", *_times(with_llm(stub.url), questions)))


if __name__ == "__main__":
    main()
