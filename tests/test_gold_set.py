"""The gold question set eval/questions.jsonl: schema, counts, and evidence that really is in the
normalized text the product builds (``kb.ingest.load_corpus``)."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "eval" / "questions.jsonl"
PLAN = "jilin_meili_jiangcheng_plan_2024_2035"
NATIONAL = "national_beautiful_china_opinions_2023"
KEYS = {"id", "question", "type", "style", "doc_id", "evidence", "answer_contains", "answerable"}
TYPES = {"target", "deadline", "responsibility", "project", "list", "general", "unanswerable"}
STYLES = {"plain", "colloquial", "traditional"}


def _rows() -> list[dict]:
    rows = []
    for n, line in enumerate(GOLD.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            assert "\\u" not in line, f"line {n}: ASCII-escaped text (write with ensure_ascii=False)"
            rows.append(json.loads(line))
    return rows


ROWS = _rows()
ANSWERABLE = [r for r in ROWS if r["answerable"]]


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    from kb.ingest import load_corpus

    docs, _reports = load_corpus(ROOT / "corpus")
    return {d.doc_id: d.text for d in docs}


def test_schema() -> None:
    for r in ROWS:
        assert set(r) == KEYS, r.get("id")
        assert re.fullmatch(r"q\d{3}", r["id"]), r["id"]
        assert isinstance(r["question"], str) and len(r["question"].strip()) >= 4, r["id"]
        assert r["type"] in TYPES and r["style"] in STYLES, r["id"]
        assert isinstance(r["answerable"], bool), r["id"]
        assert isinstance(r["evidence"], list) and isinstance(r["answer_contains"], list), r["id"]
        if r["answerable"]:
            assert r["type"] != "unanswerable", r["id"]
            assert r["doc_id"] in {PLAN, NATIONAL}, r["id"]
            assert 1 <= len(r["evidence"]) <= 3, r["id"]
            assert 1 <= len(r["answer_contains"]) <= 3, r["id"]
            for ev in r["evidence"]:
                assert isinstance(ev, str) and 8 <= len(ev) <= 60, (r["id"], ev)
                assert "。" not in ev and "\n" not in ev, f"{r['id']}: evidence crosses a sentence: {ev}"
            assert all(isinstance(a, str) and a for a in r["answer_contains"]), r["id"]
        else:
            assert r["type"] == "unanswerable", r["id"]
            assert r["doc_id"] is None and r["evidence"] == [] and r["answer_contains"] == [], r["id"]


def test_ids_and_questions_unique() -> None:
    ids = [r["id"] for r in ROWS]
    assert len(ids) == len(set(ids))
    dup = [q for q, n in Counter(r["question"] for r in ROWS).items() if n > 1]
    assert not dup, dup


def test_counts() -> None:
    types = Counter(r["type"] for r in ROWS)
    styles = Counter(r["style"] for r in ROWS)
    assert len(ROWS) >= 150
    assert types["unanswerable"] >= 20
    assert styles["traditional"] >= 25
    assert styles["colloquial"] >= 40
    for t in TYPES:
        assert types[t] >= 10, (t, types[t])
    assert sum(1 for r in ANSWERABLE if r["doc_id"] == NATIONAL) >= 3


def test_traditional_questions_are_traditional() -> None:
    import opencc

    t2s = opencc.OpenCC("t2s")
    for r in ROWS:
        if r["style"] == "traditional":
            assert t2s.convert(r["question"]) != r["question"], f"{r['id']}: no traditional characters"


def test_documents_present(texts) -> None:
    assert PLAN in texts and NATIONAL in texts, sorted(texts)


@pytest.mark.parametrize("row", ANSWERABLE, ids=[r["id"] for r in ANSWERABLE])
def test_evidence_in_normalized_text(row, texts) -> None:
    text = texts[row["doc_id"]]
    for ev in row["evidence"]:
        assert ev in text, f"{row['id']}: evidence not in {row['doc_id']}: {ev}"
    for a in row["answer_contains"]:
        assert a in text, f"{row['id']}: expected answer string not in {row['doc_id']}: {a}"


def test_every_chapter_and_column_covered(texts) -> None:
    """Each chapter 一…十 and each 专栏2…9 of the plan holds evidence of several questions."""
    text = texts[PLAN]
    chapters = re.finditer(r"^([一二三四五六七八九十])、", text, re.MULTILINE)
    columns = re.finditer(r"^专栏\s*(\d)", text, re.MULTILINE)
    marks = sorted(
        [(m.start(), m.group(1)) for m in chapters] + [(m.start(), "专栏" + m.group(1)) for m in columns]
    )
    labels = [label for _, label in marks]
    assert labels.count("专栏2") == 1 and "十" in labels, labels
    hits: Counter[str] = Counter()
    for r in ANSWERABLE:
        if r["doc_id"] != PLAN:
            continue
        pos = text.find(r["evidence"][0])
        inside = [label for start, label in marks if start <= pos]
        if inside:
            hits[inside[-1]] += 1
    for label in "一二三四五六七八九十":
        assert hits[label] >= 3, (label, hits[label])
    for n in range(2, 10):
        assert hits[f"专栏{n}"] >= 2, (n, hits[f"专栏{n}"])


@pytest.mark.parametrize("name", ["dev_questions.jsonl", "dev2_questions.jsonl", "dev3_questions.jsonl",
                                  "dev4_questions.jsonl", "dev5_questions.jsonl", "dev6_questions.jsonl",
                                  "dev7_questions.jsonl", "dev8_questions.jsonl", "dev9_questions.jsonl",
                                  "dev10_questions.jsonl", "dev11_questions.jsonl",
                                  "dev12_questions.jsonl", "dev13_questions.jsonl", "dev14_questions.jsonl",
                                  "dev15_questions.jsonl", "dev16_questions.jsonl",
                                  "dev17_questions.jsonl", "dev18_questions.jsonl"])
def test_blind_dev_sets_are_well_formed(name, texts) -> None:
    """The sets written blind to the method (eval/README.md): same schema, evidence in the text."""
    path = ROOT / "eval" / name
    if not path.exists():
        pytest.skip(f"{name} not present")
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len({r["id"] for r in rows}) == len(rows) >= 50
    gold_questions = {r["question"] for r in ROWS}
    for r in rows:
        assert set(r) == KEYS and r["type"] in TYPES and r["style"] in STYLES, r["id"]
        assert r["question"] not in gold_questions, r["id"]
        if r["answerable"]:
            text = texts[r["doc_id"]]
            assert r["evidence"] and all(ev in text for ev in r["evidence"]), r["id"]
            assert all(a in text for a in r["answer_contains"]), r["id"]
        else:
            assert r["doc_id"] is None and r["evidence"] == [] == r["answer_contains"], r["id"]


# --- answers against the recorded baseline (data-driven; no question pinned in code) ---------------
BASELINE = ROOT / "eval" / "baseline" / "outcomes.jsonl"


def _baseline() -> dict[tuple[str, str], str]:
    rows = [json.loads(line) for line in BASELINE.read_text(encoding="utf-8").splitlines() if line.strip()]
    return {(r["set"], r["id"]): r["outcome"] for r in rows}


def _regressions(kb, names: list[str]) -> list[str]:
    """Questions right (or traps refused) in the baseline that are no longer."""
    from kb.evaluate import load_gold, question_outcome

    base, worse = _baseline(), []
    for name in names:
        for row in load_gold(ROOT / "eval" / name):
            before = base.get((name, row.get("id")))
            if before in ("right", "trap_ok"):
                now = question_outcome(row, kb.ask(row["question"]))
                if now != before:
                    worse.append(f"{name}:{row.get('id')} {before} → {now}: {row['question']}")
    return worse


def test_baseline_covers_every_set() -> None:
    sets = {k[0] for k in _baseline()}
    assert sets == {"questions.jsonl"} | {p.name for p in (ROOT / "eval").glob("dev*_questions.jsonl")}


def test_gold_set_answers_no_worse_than_baseline(kb) -> None:
    assert _regressions(kb, ["questions.jsonl"]) == []


@pytest.mark.slow
def test_every_eval_set_no_worse_than_baseline(kb) -> None:
    names = sorted(p.name for p in (ROOT / "eval").glob("dev*_questions.jsonl"))
    assert _regressions(kb, names) == []
