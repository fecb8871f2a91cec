"""Warm `kb ask` latency over 100 questions: `python bench/ask_latency.py [N]`.

One process, the index loaded and one question asked first (warm); then N questions (default
100, taken evenly from eval/questions.jsonl and the dev sets) are answered one by one and the
p50 / p95 / max per question are printed, with the same run under the old rule
(`answering.selector = 0`: the first grounded strategy answer, no selection) beside it."""

from __future__ import annotations

import dataclasses
import json
import sys
import time
from pathlib import Path

from kb.answer import answer_question
from kb.api import KnowledgeBase

ROOT = Path(__file__).resolve().parents[1]


def questions(n: int) -> list[str]:
    rows = []
    for path in [ROOT / "eval" / "questions.jsonl", *sorted((ROOT / "eval").glob("dev*_questions.jsonl"))]:
        rows += [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    step = max(1, len(rows) // n)
    return rows[::step][:n]


def run(ctx, qs: list[str]) -> dict[str, float]:
    times = []
    for q in qs:
        t0 = time.perf_counter()
        answer_question(ctx, q)
        times.append(1000 * (time.perf_counter() - t0))
    times.sort()
    return {"p50_ms": round(times[len(times) // 2], 1), "p95_ms": round(times[int(0.95 * len(times)) - 1], 1),
            "max_ms": round(times[-1], 1)}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100
    kb = KnowledgeBase.open()
    qs = questions(n)
    answer_question(kb.context, qs[0])
    s = kb.settings
    old = dataclasses.replace(kb.context, settings=dataclasses.replace(
        s, answering=dataclasses.replace(s.answering, selector=0)))
    answer_question(old, qs[0])
    print(json.dumps({"questions": len(qs), "selector": run(kb.context, qs), "first_grounded": run(old, qs)},
                     ensure_ascii=False))


if __name__ == "__main__":
    main()
