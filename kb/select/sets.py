"""The question sets `kb train` learns from, and the readers' grades of the tuned blind sets.

Gold (eval/questions.jsonl), the development sets (eval/dev*_questions.jsonl) and the blind sets
listed in eval/blind/tuned.txt — sets already read, which no longer count as unseen. A blind set
not listed there is refused: it is a measurement, not training data.

A question already in an earlier set (the development sets dev19–dev22 are copies of tuned blind
sets) is collected once, so no question is on both sides of a held-out split.

A tuned blind set was graded by readers at several commits: ``bN_answers_C.jsonl`` holds the
answers of commit C, ``bN_grades_C.jsonl`` a reader's grade of each. A candidate whose answer text
is one a reader graded takes that grade as its label (right → positive; right or partial → not
wrong), which is truer than the automatic label (decisive strings present, evidence overlap) —
and the only one for sets whose writers gave no decisive strings."""

from __future__ import annotations

import json
import re
from pathlib import Path

from kb.errors import BadInput

TUNED_LIST = "tuned.txt"
_GRADES = re.compile(r"^(b\d+)_grades_(\w+)\.jsonl$")


def tuned_blind_sets(root: Path) -> list[Path]:
    listed = root / "eval" / "blind" / TUNED_LIST
    if not listed.is_file():
        return []
    names = [ln.strip() for ln in listed.read_text(encoding="utf-8").splitlines()]
    return [listed.parent / n for n in names if n and not n.startswith("#")]


def eval_sets(root: Path) -> list[Path]:
    return ([root / "eval" / "questions.jsonl"] + sorted((root / "eval").glob("dev*_questions.jsonl"))
            + tuned_blind_sets(root))


def check_trainable(path: Path, root: Path) -> None:
    """A blind set is training data only when eval/blind/tuned.txt lists it."""
    if not path.is_file():
        raise BadInput(f"问题集不存在：{path}", "在项目根目录运行，或给出 eval/*.jsonl 文件")
    if "blind" in path.parts and path.name not in {p.name for p in tuned_blind_sets(root)}:
        raise BadInput(f"不能用未读过的盲测问题集训练：{path}",
                       "盲测集读过之后记入 eval/blind/tuned.txt 才能用于训练；其余只用于测量")


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]


def reader_grades(root: Path) -> dict[str, dict[str, str]]:
    """question text → {asserted answer text → reader's grade}, over the graded commits of every
    tuned blind set (a development set copied from one shares its question texts)."""
    out: dict[str, dict[str, str]] = {}
    for set_path in tuned_blind_sets(root):
        if not set_path.is_file():
            continue
        prefix = set_path.name.split("_", 1)[0]
        by_id = {str(r.get("id")): r["question"] for r in _jsonl(set_path)}
        for grades in sorted(set_path.parent.glob(f"{prefix}_grades_*.jsonl")):
            m = _GRADES.match(grades.name)
            answers = set_path.parent / f"{prefix}_answers_{m.group(2)}.jsonl" if m else None
            if answers is None or not answers.is_file():
                continue
            by_question = {a.get("question"): a for a in _jsonl(answers)}
            for g in _jsonl(grades):
                a = by_question.get(by_id.get(str(g.get("id"))))
                if a is not None and a.get("status") == "answered" and g.get("grade"):
                    out.setdefault(a["question"], {})[a["answer"].strip()] = g["grade"]
    return out
