"""Blind-set grading (eval/README.md, "How a set is measured"): run a question set through
`kb ask --batch --json`, write a packet a reader grades (right / partial / wrong / refused), and
summarize the reader's grades with the asserted-wrong rate apart from refusals.

    python scripts/grade.py run SET.jsonl ANSWERS.jsonl          # answers at the current commit
    python scripts/grade.py packet SET.jsonl ANSWERS.jsonl PACKET.md [--changed-since EARLIER.jsonl]
    python scripts/grade.py merge ANSWERS.jsonl EARLIER.jsonl EARLIER_GRADES.jsonl NEW_GRADES.jsonl OUT.jsonl
    python scripts/grade.py summary SET.jsonl ANSWERS.jsonl GRADES.jsonl [--json]

GRADES.jsonl: one {"id", "grade": "right|partial|wrong|refused", "why"} a line, written by the
reader, who sees the documents, the questions with the writer's note, and the answers; never the
code. The summary counts `related` answers (shown as 请核对原文, never asserted) apart from
asserted ones: a wrong `related` passage is a miss, not an asserted wrong answer.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GRADES = ("right", "partial", "wrong", "refused")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def run(set_path: Path, out: Path) -> None:
    rows = _jsonl(set_path)
    questions = "\n".join(r["question"].replace("\n", " ") for r in rows) + "\n"
    kb = os.environ.get("KB_BIN", str(ROOT / ".venv" / "bin" / "kb")).split()
    proc = subprocess.run([*kb, "ask", "--batch", "-", "--json"], input=questions, text=True,
                          capture_output=True, check=False, cwd=ROOT)
    answers = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
    if len(answers) != len(rows):
        sys.exit(f"got {len(answers)} answers for {len(rows)} questions: {proc.stderr[-500:]}")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False,
                            cwd=ROOT).stdout.strip()
    with out.open("w", encoding="utf-8") as f:
        for r, a in zip(rows, answers):
            a["id"], a["commit"] = r["id"], commit
            f.write(json.dumps(a, ensure_ascii=False) + "\n")


def _changed(answers: dict, before: dict) -> set[str]:
    """The questions whose status or answer text differ from an earlier, graded run."""
    return {i for i, a in answers.items() if i not in before or
            (a.get("status"), a.get("answer")) != (before[i].get("status"), before[i].get("answer"))}


def packet(set_path: Path, ans_path: Path, out: Path, before_path: Path | None = None) -> None:
    answers = {a["id"]: a for a in _jsonl(ans_path)}
    only = _changed(answers, {a["id"]: a for a in _jsonl(before_path)}) if before_path else set(answers)
    lines = ["# 评分材料", ""]
    for r in _jsonl(set_path):
        if r["id"] not in only:
            continue
        a = answers[r["id"]]
        key = "（文件中没有答案：应当说没找到）" if not r.get("answerable", True) else \
            f"{r.get('note', '')} 关键：{'、'.join(r.get('answer_contains', []))}"
        lines += [f"## {r['id']}", f"问题：{r['question']}", f"出题人说明：{key}",
                  f"状态：{a.get('status')}", f"回答：{a.get('answer', '')}"]
        for c in a.get("citations", []):
            lines.append(f"  [{c['n']}] {c.get('title', '')} › {c.get('section', '')}：“{c['quote']}”")
        lines.append("")
    out.write_text("\n".join(lines), encoding="utf-8")


def _auto_right(row: dict, ans: dict) -> bool:
    text = ans.get("answer", "") + "".join(c["quote"] for c in ans.get("citations", []))
    return ans.get("status") != "not_found" and all(s in text for s in row.get("answer_contains", []))


def summary(set_path: Path, ans_path: Path, grades_path: Path) -> dict:
    rows = _jsonl(set_path)
    answers = {a["id"]: a for a in _jsonl(ans_path)}
    grades = {g["id"]: g["grade"] for g in _jsonl(grades_path)}
    out: dict = {"n": len(rows), "commit": next(iter(answers.values())).get("commit", "")}
    answerable = [r for r in rows if r.get("answerable", True)]
    traps = [r for r in rows if not r.get("answerable", True)]
    by = defaultdict(Counter)
    for r in answerable:
        g, st = grades[r["id"]], answers[r["id"]].get("status")
        c = Counter({g: 1, f"{g}@{st}": 1, "n": 1, "auto": int(_auto_right(r, answers[r["id"]]))})
        for key in ("all", f"style:{r.get('style')}", f"type:{r.get('type')}"):
            by[key].update(c)
    for key, c in sorted(by.items()):
        n = c["n"]
        out[key] = {
            "n": n,
            "right": round(c["right"] / n, 3),
            "asserted_right": round(c["right@answered"] / n, 3),
            "partial": round(c["partial"] / n, 3),
            "asserted_wrong": round(c["wrong@answered"] / n, 3),
            "related_miss": round(c["wrong@related"] / n, 3),
            "refused": round((c["refused"]) / n, 3),
            "auto_contains": round(c["auto"] / n, 3),
        }
    out["traps"] = {"n": len(traps),
                    "answered": sum(answers[r["id"]].get("status") == "answered" for r in traps),
                    "graded_wrong": sum(grades[r["id"]] == "wrong" for r in traps)}
    out["citations_verbatim"] = "checked by kb eval"
    return out


def merge(ans_path: Path, before_path: Path, before_grades: Path, new_grades: Path, out: Path) -> None:
    """Grades for a new run: the earlier grade where the answer did not change, the new one where it did."""
    answers = {a["id"]: a for a in _jsonl(ans_path)}
    changed = _changed(answers, {a["id"]: a for a in _jsonl(before_path)})
    old = {g["id"]: g for g in _jsonl(before_grades)}
    new = {g["id"]: g for g in _jsonl(new_grades)} if new_grades.exists() else {}
    missing = sorted(i for i in changed if i not in new)
    if missing:
        sys.exit(f"changed answers without a new grade: {missing}")
    with out.open("w", encoding="utf-8") as f:
        for i in answers:
            f.write(json.dumps(new[i] if i in changed else old[i], ensure_ascii=False) + "\n")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("run"); a.add_argument("set", type=Path); a.add_argument("out", type=Path)
    b = sub.add_parser("packet"); b.add_argument("set", type=Path); b.add_argument("answers", type=Path)
    b.add_argument("out", type=Path)
    b.add_argument("--changed-since", type=Path, help="earlier graded answers: only the changed answers go in the packet")
    m = sub.add_parser("merge"); m.add_argument("answers", type=Path); m.add_argument("before", type=Path)
    m.add_argument("before_grades", type=Path); m.add_argument("new_grades", type=Path); m.add_argument("out", type=Path)
    c = sub.add_parser("summary"); c.add_argument("set", type=Path); c.add_argument("answers", type=Path)
    c.add_argument("grades", type=Path); c.add_argument("--json", action="store_true")
    args = p.parse_args()
    if args.cmd == "run":
        run(args.set, args.out)
    elif args.cmd == "packet":
        packet(args.set, args.answers, args.out, args.changed_since)
    elif args.cmd == "merge":
        merge(args.answers, args.before, args.before_grades, args.new_grades, args.out)
    else:
        s = summary(args.set, args.answers, args.grades)
        if args.json:
            print(json.dumps(s, ensure_ascii=False, indent=1))
        else:
            print(f"commit {s['commit']}, {s['n']} questions; traps {s['traps']}")
            print("group | n | right | asserted right | partial | asserted wrong | related miss | refused | auto")
            for k, v in s.items():
                if isinstance(v, dict) and "right" in v:
                    print(f"{k} | {v['n']} | {v['right']} | {v['asserted_right']} | {v['partial']} | "
                          f"{v['asserted_wrong']} | {v['related_miss']} | {v['refused']} | {v['auto_contains']}")


if __name__ == "__main__":
    main()
