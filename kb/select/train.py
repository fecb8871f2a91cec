"""`kb train`: rebuild the answer selector from the question sets that carry evidence.

Data: eval/questions.jsonl (gold), eval/dev*_questions.jsonl and the blind sets already read
(eval/blind/tuned.txt; kb.select.sets) — never a blind set still unseen. Every question is
answered the way `kb ask` does up to selection (kb.answer.candidates); each grounded candidate
becomes a row of generic features (kb.select.features). A candidate is positive when its answer
holds every answer_contains string and one of its citations overlaps an evidence string, or,
where a reader graded the same answer text, when the reader graded it right; an unanswerable
question gives only negatives.

Validation leaves whole sets out, never random questions: for each set, a model trained on the
others (boosted trees, kb.select.trees) scores its candidates. Those out-of-fold scores calibrate the probability (isotonic) and
choose the thresholds (`choose_thresholds`), and give the per-set report printed at the end —
the estimate of how the selector does on questions it never saw. The shipped model is fitted on
every set, with the out-of-fold calibration."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from kb.errors import BadInput
from kb.select.features import BASE_FEATURES, add_agreement, features
from kb.select.model import FORMAT_VERSION, calibrate, model_path
from kb.select.sets import reader_grades
from kb.select.trees import Tree, raw_scores
from kb.select.trees import fit as fit_trees

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

WRONG_MAX = 0.05  # asserted answers that are wrong, at most this share of the answerable questions
WRONG_COST = 2.0  # a wrong answer asserted is worse than a right one shown only as related
TRAP_RELATED_MAX = 0.10  # unanswerable questions shown a related passage (traps answered ≤ 1 in 10)
MIN_STRATEGY_ROWS = 5  # a strategy name becomes a feature when it proposed this many candidates
GRID = tuple(round(x, 2) for x in np.arange(0.0, 0.96, 0.01))


@dataclass
class Question:
    set: str
    qid: str
    answerable: bool
    refused: bool  # refused before any candidate (another city, a missing document) or no candidate
    reasoned_refusal: bool  # the first grounded strategy answer is itself a refusal
    rows: list[dict[str, float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)  # positive: decisive strings and evidence overlap
    contains: list[bool] = field(default_factory=list)  # decisive strings present (kb eval's "right")
    passage: list[bool] = field(default_factory=list)  # a passage candidate (related only)
    raw: np.ndarray | None = None  # out-of-fold scores


def _evidence(kb: KnowledgeBase, row: dict) -> list[tuple[str, int, int]]:
    docs = [kb.index.docs[row["doc_id"]]] if row.get("doc_id") in kb.index.docs else list(kb.index.docs.values())
    spans = []
    for ev in row.get("evidence", []):
        for doc in docs:
            pos = doc.text.find(ev) if ev else -1
            while pos >= 0:
                spans.append((doc.doc_id, pos, pos + len(ev)))
                pos = doc.text.find(ev, pos + 1)
    return spans


def collect(kb: KnowledgeBase, sets: list[Path], limit: int = 0,
            grades: dict[str, dict[str, str]] | None = None) -> list[Question]:
    from kb.answer.candidates import prepare, propose
    from kb.evaluate import load_gold

    out = []
    graded = reader_grades(Path.cwd()) if grades is None else grades
    seen: set[str] = set()
    for path in sets:
        rows = load_gold(path)
        for row in rows[:limit] if limit else rows:
            if row["question"] in seen:  # a set copied into another: each question once
                continue
            seen.add(row["question"])
            answerable = bool(row.get("answerable", True))
            asked = prepare(kb.context, row["question"], kb.settings.top_k)
            qn = Question(path.name, str(row.get("id")), answerable, True, False)
            out.append(qn)
            if asked.refusal is not None or not asked.hits:
                continue
            props = [p for p in propose(kb.context, asked) if p.grounded]
            first = next((p for p in props if p.first_grounded), None)
            qn.reasoned_refusal = first is not None and first.answer.status != "answered"
            qn.refused = not props
            spans = _evidence(kb, row) if answerable else []
            rows = add_agreement([features(kb.context, asked.query, list(asked.hits), asked.words, p) for p in props],
                                 props)
            decisive = row.get("answer_contains", [])
            for p, feats in zip(props, rows, strict=True):
                holds = answerable and all(s in p.answer.answer for s in decisive)
                overlap = any(c.doc_id == d and c.start < e and s < c.end for c in p.answer.citations for d, s, e in spans)
                label = holds and overlap and p.answer.status == "answered"
                if not decisive:  # no decisive strings: the evidence alone says right or wrong
                    holds = label
                grade = graded.get(row["question"], {}).get(p.answer.answer.strip())
                if grade is not None and p.answer.status == "answered":
                    label, holds = grade == "right", grade in ("right", "partial")
                qn.rows.append(feats)
                qn.labels.append(int(label))
                qn.contains.append(holds)
                qn.passage.append(p.strategy == "passage")
    return out


def _matrix(questions: list[Question], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    rows = [r for q in questions for r in q.rows]
    x = np.array([[r.get(n, 0.0) for n in names] for r in rows], dtype=float).reshape(len(rows), len(names))
    y = np.array([lab for q in questions for lab in q.labels], dtype=int)
    return x, y


def _fit(x: np.ndarray, y: np.ndarray) -> tuple[Tree, ...]:
    return fit_trees(x, y)  # no trees for a tiny subset of one label: every candidate scores alike


def _score(m: tuple[Tree, ...], x: np.ndarray) -> np.ndarray:
    return raw_scores(m, x)


def decide(q: Question, probs: np.ndarray, answer_min: float, related_min: float) -> str:
    """What `kb ask` would do with these probabilities (kb.answer.pipeline), as an eval outcome."""
    if q.refused or q.reasoned_refusal or not q.rows:
        return "refused" if q.answerable else "trap_ok"
    order = np.argsort(-probs, kind="stable")
    strat = [i for i in order if not q.passage[i]]
    serving = [i for i in strat if q.rows[i].get("serves_ask")]
    chosen = None
    if serving:  # built for what is asked (kb.answer.pipeline)
        chosen = serving[0]
    elif strat and probs[strat[0]] >= answer_min:
        chosen = strat[0]
    if chosen is not None:
        if not q.answerable:
            return "trap_answered"
        return "right" if q.contains[chosen] else "wrong"
    if probs[order[0]] >= related_min:
        if not q.answerable:
            return "trap_related"
        return "related_right" if q.labels[order[0]] else "related_other"
    return "refused" if q.answerable else "trap_ok"


def outcomes(questions: list[Question], xs: np.ndarray, ys: np.ndarray, answer_min: float,
             related_min: float) -> dict[str, dict[str, int]]:
    per: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for q in questions:
        probs = calibrate(q.raw, xs, ys) if q.rows else np.zeros(0)
        per[q.set][decide(q, probs, answer_min, related_min)] += 1
        per[q.set]["answerable"] += q.answerable
        per[q.set]["traps"] += not q.answerable
    return {k: dict(v) for k, v in per.items()}


def choose_thresholds(questions: list[Question], xs: np.ndarray, ys: np.ndarray) -> tuple[float, float]:
    """Both thresholds from the out-of-fold probabilities (every set scored by a model that never saw it).

    answer_min: among the thresholds at which asserted wrong answers are at most WRONG_MAX of the
    answerable questions (pooled over the held-out sets), the one that maximizes right − WRONG_COST ×
    (wrong + traps answered): a wrong answer asserted, or an answer asserted to a question the
    documents do not answer, costs as much as WRONG_COST right answers shown only as related
    (lowest such threshold on a tie). related_min: the lowest threshold at which at most
    TRAP_RELATED_MAX of the unanswerable questions are shown a passage or an answer, never above
    answer_min (answer_min itself when no lower threshold meets that bound: a candidate good enough
    to assert is always shown)."""
    answerable = sum(q.answerable for q in questions) or 1
    traps = sum(not q.answerable for q in questions) or 1
    best, answer_min = -np.inf, GRID[-1]
    for t in GRID:
        per = outcomes(questions, xs, ys, t, 1.01)
        right = sum(v.get("right", 0) for v in per.values())
        wrong = sum(v.get("wrong", 0) for v in per.values())
        invented = sum(v.get("trap_answered", 0) for v in per.values())  # an answer asserted where none exists
        if wrong <= WRONG_MAX * answerable and right - WRONG_COST * (wrong + invented) > best:
            best, answer_min = right - WRONG_COST * (wrong + invented), t
    related_min = answer_min  # a candidate good enough to assert is always good enough to show
    for t in GRID:
        if t >= answer_min:
            break
        per = outcomes(questions, xs, ys, answer_min, t)
        shown = sum(v.get("trap_related", 0) + v.get("trap_answered", 0) for v in per.values())
        if shown <= TRAP_RELATED_MAX * traps:
            related_min = t
            break
    return answer_min, related_min


def train(kb: KnowledgeBase, sets: list[Path], out: Path | None = None, limit: int = 0) -> dict:
    """Collect the candidates of every question, then `fit_model`."""

    if len(sets) < 2:
        raise BadInput("训练至少需要两个问题集（验证时整套留出）", "指定两个以上的 eval/*.jsonl 文件")
    t0 = time.perf_counter()
    data = fit_model(collect(kb, sets, limit), [p.name for p in sets], out or model_path())
    data["seconds"] = round(time.perf_counter() - t0, 1)
    return data


def fit_model(questions: list[Question], set_names: list[str], target: Path) -> dict:
    """Validate leaving whole sets out, calibrate, choose the thresholds, fit on all and write."""
    from sklearn.isotonic import IsotonicRegression

    counts: dict[str, int] = defaultdict(int)
    for q in questions:
        for r in q.rows:
            for k in r:
                if k.startswith("s:"):
                    counts[k] += 1
    names = list(BASE_FEATURES) + sorted(k for k, v in counts.items() if v >= MIN_STRATEGY_ROWS)
    for held in sorted({q.set for q in questions}):
        train_q = [q for q in questions if q.set != held]
        m = _fit(*_matrix(train_q, names))
        for q in questions:
            if q.set == held and q.rows:
                q.raw = _score(m, _matrix([q], names)[0])
    raw = np.concatenate([q.raw for q in questions if q.rows] or [np.zeros(0)])
    lab = np.array([v for q in questions if q.rows for v in q.labels], dtype=float)
    iso = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0)
    if len(raw) >= 2 and len(set(lab.tolist())) == 2:
        iso.fit(raw, lab)
        xs, ys = np.asarray(iso.X_thresholds_, float), np.asarray(iso.y_thresholds_, float)
    else:
        xs, ys = np.array([0.0, 1.0]), np.array([0.5, 0.5])
    answer_min, related_min = choose_thresholds(questions, xs, ys)
    report = outcomes(questions, xs, ys, answer_min, related_min)
    final = _fit(*_matrix(questions, names))
    data = {"format": FORMAT_VERSION, "kind": "lightgbm_trees+isotonic", "features": names,
            "trees": [t.to_json() for t in final],
            "calibration": {"x": xs.round(6).tolist(), "y": ys.round(6).tolist()},
            "strategies": sorted(k[2:] for k in names if k.startswith("s:")),
            "thresholds": {"answer": answer_min, "related": related_min,
                           "wrong_max": WRONG_MAX, "wrong_cost": WRONG_COST,
                           "trap_related_max": TRAP_RELATED_MAX},
            "trained_on": set_names, "candidates": len(lab), "positives": int(lab.sum()),
            "report": report}
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    data["path"] = str(target)
    return data


_COLUMNS = (("right", "答对"), ("wrong", "答错"), ("related_right", "相关·含答案"), ("related_other", "相关·其他"),
            ("refused", "拒答"), ("trap_ok", "陷阱拒答"), ("trap_related", "陷阱相关"), ("trap_answered", "陷阱误答"))


def format_report(data: dict) -> str:
    """The leave-one-set-out table: each set scored by a model that never saw it."""
    t = data["thresholds"]
    lines = [(f"答案选择模型已写入 {data['path']}（{data['candidates']} 个候选，{data['positives']} 个正例，"
             f"用时 {data['seconds']} 秒）"),
             (f"阈值：answer_min={t['answer']:.2f}（答错 ≤ {t['wrong_max']:.0%} 的可答问题，且使 答对 − "
              f"{t['wrong_cost']:g}×答错 最大），"
             f"related_min={t['related']:.2f}（陷阱题给出段落 ≤ {t['trap_related_max']:.0%}）"),
             "整套留出验证（每行由没见过该问题集的模型打分）：",
             f"{'问题集':24} {'可答':>4} " + " ".join(f"{label:>6}" for _, label in _COLUMNS) + f" {'答错率':>6}"]
    total: dict[str, int] = defaultdict(int)
    for name, v in sorted(data["report"].items()):
        for k, n in v.items():
            total[k] += n
        lines.append(_report_line(name, v))
    lines.append(_report_line("合计", total))
    return "\n".join(lines)


def _report_line(name: str, v: dict) -> str:
    n = max(v.get("answerable", 0), 1)
    return (f"{name:24} {v.get('answerable', 0):>4} " + " ".join(f"{v.get(k, 0):>6}" for k, _ in _COLUMNS)
            + f" {v.get('wrong', 0) / n:>6.3f}")
