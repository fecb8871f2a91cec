"""Record every question's outcome on every eval set: `python eval/baseline/record.py [OUT]`.

One row a question: set, id, status, outcome (right | wrong | refused | trap_ok | trap_answered).
tests/test_gold_set.py compares a fresh run against the committed file, question by question."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from kb.api import KnowledgeBase
from kb.evaluate import load_gold, question_outcome

ROOT = Path(__file__).resolve().parents[2]


def eval_sets() -> list[Path]:
    return [ROOT / "eval" / "questions.jsonl"] + sorted((ROOT / "eval").glob("dev*_questions.jsonl"))


def record(kb: KnowledgeBase) -> list[dict]:
    rows = []
    for path in eval_sets():
        for row in load_gold(path):
            ans = kb.ask(row["question"])
            rows.append({"set": path.name, "id": row.get("id"), "status": ans.status,
                         "outcome": question_outcome(row, ans)})
    return rows


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "eval" / "baseline" / "outcomes.jsonl"
    rows = record(KnowledgeBase.open())
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    counts: dict[str, int] = {}
    for r in rows:
        counts[r["outcome"]] = counts.get(r["outcome"], 0) + 1
    print(f"{len(rows)} questions → {out}: {counts}")


if __name__ == "__main__":
    main()
