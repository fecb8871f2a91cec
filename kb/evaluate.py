"""`kb eval`: retrieval (hit@1/@5, MRR per question type and style, for BM25-only, dense-only
and hybrid in one run) and answers (value/year accuracy, verbatim citations, number grounding,
not_found precision/recall) on the gold set."""

from __future__ import annotations

import json
import time
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from kb.cite import ungrounded_numbers
from kb.errors import BadInput
from kb.types import Answer, Hit

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

MODES = ("bm25", "dense", "hybrid")


def load_gold(path: Path) -> list[dict]:
    if not path.is_file():
        raise BadInput(f"gold set not found: {path}", "give a questions.jsonl file (see eval/README.md)")
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as e:
            raise BadInput(f"{path}:{n}: not valid JSON ({e.msg})", "fix the line") from e
    return rows


def _evidence_spans(kb: KnowledgeBase, row: dict) -> list[tuple[str, int, int]]:
    doc = kb.index.docs.get(row.get("doc_id") or "")
    spans = []
    for ev in row.get("evidence", []):
        pos = doc.text.find(ev) if doc is not None and ev else -1
        while pos >= 0:  # every occurrence: a target stated twice may be found at either place
            spans.append((doc.doc_id, pos, pos + len(ev)))
            pos = doc.text.find(ev, pos + 1)
    return spans


def _hit_rank(hits: list[Hit], spans: list[tuple[str, int, int]]) -> int | None:
    """1-based rank of the first hit that holds most of an evidence span."""
    for rank, h in enumerate(hits, 1):
        for doc_id, s, e in spans:
            overlap = min(e, h.chunk.end) - max(s, h.chunk.start)
            if h.chunk.doc_id == doc_id and overlap >= 0.6 * (e - s):
                return rank
    return None


def _summarize(ranks: list[int | None], k: int) -> dict[str, float]:
    n = len(ranks) or 1
    return {
        "n": len(ranks),
        "hit@1": sum(1 for r in ranks if r == 1) / n,
        f"hit@{k}": sum(1 for r in ranks if r is not None and r <= k) / n,
        "mrr": sum(1.0 / r for r in ranks if r is not None and r <= 10) / n,
    }


def evaluate_retrieval(kb: KnowledgeBase, gold: list[dict], k: int = 5) -> dict:
    from kb.query.understand import retrieval_args, understand

    out: dict = {}
    answerable = [g for g in gold if g.get("answerable", True) and g.get("evidence")]
    for mode in MODES:
        groups: dict[str, list[int | None]] = defaultdict(list)
        for row in answerable:
            q = understand(row["question"], tokenizer=kb.index.tokenizer, known=kb.context.relevance.known)
            hits = kb.retriever.search(q.expansion, k=10, mode=mode, **retrieval_args(q))
            rank = _hit_rank(hits, _evidence_spans(kb, row))
            groups["all"].append(rank)
            groups[f"type:{row.get('type', '?')}"].append(rank)
            groups[f"style:{row.get('style', '?')}"].append(rank)
        out[mode] = {name: _summarize(ranks, k) for name, ranks in sorted(groups.items())}
    return out


OUTCOMES = ("right", "wrong", "related", "refused", "trap_ok", "trap_related", "trap_answered")


def question_outcome(row: dict, ans: Answer) -> str:
    """right | wrong (asserted, a decisive string missing) | related | refused (not_found) for an
    answerable question; trap_ok | trap_related (a passage shown, not asserted) | trap_answered
    for one the corpus cannot answer."""
    if not row.get("answerable", True):
        return {"not_found": "trap_ok", "related": "trap_related"}.get(ans.status, "trap_answered")
    if ans.status == "not_found":
        return "refused"
    if ans.status == "related":
        return "related"
    return "right" if all(s in ans.answer for s in row.get("answer_contains", [])) else "wrong"


def evaluate_answers(kb: KnowledgeBase, gold: list[dict]) -> dict:
    ans_ok = ans_n = cites = verbatim = ungrounded = 0
    tp = fp = fn = 0
    by_style: dict[str, list[int]] = defaultdict(list)
    latencies = []
    failures = []
    outcomes: dict[str, int] = {k: 0 for k in OUTCOMES}
    for row in gold:
        t0 = time.perf_counter()
        ans = kb.ask(row["question"])
        latencies.append(time.perf_counter() - t0)
        for c in ans.citations:
            cites += 1
            verbatim += kb.index.docs[c.doc_id].text[c.start : c.end] == c.quote
        if ungrounded_numbers(ans.answer, ans.citations):
            ungrounded += 1
        outcomes[question_outcome(row, ans)] += 1
        if row.get("answerable", True):
            ans_n += 1
            fn += ans.status == "not_found"
            ok = ans.status == "answered" and all(s in ans.answer for s in row.get("answer_contains", []))
            ans_ok += ok
            by_style[row.get("style", "?")].append(int(ok))
            if not ok:
                failures.append({"id": row.get("id"), "question": row["question"], "status": ans.status,
                                 "answer": ans.answer[:160], "expected": row.get("answer_contains", [])})
        else:
            tp += ans.status != "answered"
            fp += ans.status == "answered"
            if ans.status == "answered":
                failures.append({"id": row.get("id"), "question": row["question"], "status": ans.status,
                                 "answer": ans.answer[:160], "expected": "not_found"})
    unanswerable = tp + fp
    latencies.sort()
    return {
        "answer_accuracy": ans_ok / (ans_n or 1),
        "outcomes": outcomes,
        "asserted_wrong_rate": outcomes["wrong"] / (ans_n or 1),
        "answer_accuracy_by_style": {s: sum(v) / len(v) for s, v in sorted(by_style.items())},
        "citation_verbatim_rate": verbatim / (cites or 1),
        "citations": cites,
        "answers_with_ungrounded_numbers": ungrounded,
        "not_found_recall": tp / (unanswerable or 1),
        "not_found_precision": tp / ((tp + fn) or 1),
        "answerable": ans_n,
        "unanswerable": unanswerable,
        "latency_p50_ms": 1000 * latencies[len(latencies) // 2] if latencies else 0.0,
        "latency_p95_ms": 1000 * latencies[int(len(latencies) * 0.95) - 1] if latencies else 0.0,
        "failures": failures,
    }


def evaluate(kb: KnowledgeBase, path: Path, k: int = 5) -> dict:
    gold = load_gold(path)
    return {"gold": str(path), "questions": len(gold), "k": k,
            "retrieval": evaluate_retrieval(kb, gold, k), "answers": evaluate_answers(kb, gold)}


def format_metrics(m: dict) -> str:
    k = m["k"]
    lines = [f"金标准问题集 {m['gold']}：{m['questions']} 题", "", "检索 retrieval (evidence hit)",
             f"{'group':28} {'mode':7} {'n':>4} {'hit@1':>6} {'hit@' + str(k):>6} {'MRR':>6}"]
    groups = sorted(m["retrieval"]["hybrid"])
    for g in groups:
        for mode in MODES:
            s = m["retrieval"][mode][g]
            lines.append(f"{g:28} {mode:7} {s['n']:>4} {s['hit@1']:>6.3f} {s[f'hit@{k}']:>6.3f} {s['mrr']:>6.3f}")
    a = m["answers"]
    lines += ["", "回答 answers",
              f"answer accuracy (value/year present): {a['answer_accuracy']:.3f} of {a['answerable']}",
              "  by style: " + ", ".join(f"{s} {v:.3f}" for s, v in a["answer_accuracy_by_style"].items()),
              _outcome_line(a),
              f"citation verbatim rate: {a['citation_verbatim_rate']:.3f} ({a['citations']} citations)",
              f"answers with a number not in a cited quote: {a['answers_with_ungrounded_numbers']}",
              f"not_found recall (unanswerable → not asserted: not_found or related): {a['not_found_recall']:.3f} of {a['unanswerable']}",
              f"not_found precision: {a['not_found_precision']:.3f}",
              f"answer latency p50 {a['latency_p50_ms']:.1f} ms, p95 {a['latency_p95_ms']:.1f} ms"]
    if a["failures"]:
        lines += ["", f"未答对 failures ({len(a['failures'])}):"]
        for f in a["failures"][:40]:
            lines.append(f"  {f['id']} [{f['status']}] {f['question']} → {f['answer'][:80]} (expected {f['expected']})")
    return "\n".join(lines)


def _outcome_line(a: dict) -> str:
    """Wrong answers apart from refusals: an asserted wrong figure is the worst outcome."""
    o = a["outcomes"]
    return (f"答对 right {o['right']} · 答错 wrong {o['wrong']} (asserted, {a['asserted_wrong_rate']:.3f} of answerable)"
            f" · 仅相关 related {o['related']} · 拒答 refused {o['refused']}"
            f" · 陷阱题拒答 traps refused {o['trap_ok']} / 给出相关段落 related {o['trap_related']}"
            f" / 误答 answered {o['trap_answered']}")


def format_markdown(m: dict) -> str:
    """The README summary: retrieval by mode for each group, then the answer metrics."""
    k = m["k"]
    groups = ["all", "style:plain", "style:colloquial", "style:traditional"] + sorted(
        g for g in m["retrieval"]["hybrid"] if g.startswith("type:"))
    lines = [f"Retrieval, evidence hit@1 / hit@{k} / MRR ({m['questions']} questions, `kb eval`):", "",
             "| group | n | BM25-only | dense-only | hybrid |", "|---|---|---|---|---|"]
    for g in groups:
        cells = []
        for mode in MODES:
            s = m["retrieval"][mode][g]
            cells.append(f"{s['hit@1']:.3f} / {s[f'hit@{k}']:.3f} / {s['mrr']:.3f}")
        lines.append(f"| {g} | {m['retrieval']['hybrid'][g]['n']} | " + " | ".join(cells) + " |")
    a = m["answers"]
    by_style = ", ".join(f"{s} {v:.3f}" for s, v in a["answer_accuracy_by_style"].items())
    lines += ["", "| answers | value |", "|---|---|",
              (f"| answer contains the right value / year / words (answerable: {a['answerable']}) | "
              f"{a['answer_accuracy']:.3f} ({by_style}) |"),
              f"| right · wrong (asserted) · related · refused | {_outcome_line(a)} |",
              f"| citations with quote == text[start:end] | {a['citation_verbatim_rate']:.3f} of {a['citations']} |",
              f"| answers with a number not in a cited quote | {a['answers_with_ungrounded_numbers']} |",
              f"| unanswerable questions not asserted (not_found or related; recall) | {a['not_found_recall']:.3f} of {a['unanswerable']} |",
              f"| not_found answers that were right (precision) | {a['not_found_precision']:.3f} |",
              f"| answer latency in one warm process | p50 {a['latency_p50_ms']:.1f} ms, p95 {a['latency_p95_ms']:.1f} ms |"]
    return "\n".join(lines)
