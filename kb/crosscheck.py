"""Cross-check a department plan against the source: statement by statement, each target and
deadline is consistent with, in conflict with, or absent from the corpus facts.

Nothing from the uploaded plan is written anywhere: it is read into memory and discarded."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kb.cite import CitationBuilder, sentence_around
from kb.errors import BadInput
from kb.facts import extract_sentence
from kb.indicators import canonical_indicator
from kb.ingest import clean_lines
from kb.readers import read_bytes
from kb.segment import tokenize
from kb.structure import parse_sections, split_sentences
from kb.types import Fact, Finding

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

CHECK_SUFFIXES = (".txt", ".md", ".docx", ".pdf")
_BOUND = {"≥": "以上", "≤": "以下", "=": "", "左右": "左右", "+": "提高", "−": "减少"}


def read_plan(data: bytes, name: str, max_mb: float) -> str:
    """Decode an uploaded plan (txt/docx/pdf) into normalized text, or raise BadInput."""
    if not name.lower().endswith(CHECK_SUFFIXES):
        raise BadInput(f"{name}: 不支持的文件类型", "请上传 txt、docx 或 pdf 文件")
    limit = int(max_mb * 1024 * 1024)
    if len(data) > limit:
        raise BadInput(f"{name}: 文件过大（{len(data) / 1048576:.1f} MB）", f"最大 {max_mb:g} MB")
    raw = read_bytes(data, name, max_bytes=limit)
    text, _ = clean_lines(raw.text)
    if not text.strip():
        raise BadInput(f"{name}: 没有可核对的文字", "请检查文件内容")
    return text


def check_text(kb: KnowledgeBase, text: str,
               on_sentence: Callable[[int, list[Finding]], None] | None = None) -> list[Finding]:
    """One finding per target or deadline statement of the plan; prose without one is skipped.
    ``on_sentence(chars done, findings so far)`` is called before each sentence (progress, budgets;
    it may raise to stop the check)."""
    sections = parse_sections(text)
    findings: list[Finding] = []
    context_year: int | None = None
    last_para = -1
    for sent in split_sentences("_plan", text, sections):
        if on_sentence is not None:
            on_sentence(sent.start, findings)
        para = text.rfind("\n", 0, sent.start)
        if para != last_para:
            context_year, last_para = None, para
        facts = [f for f in extract_sentence("_plan", sent.text, sent.start, sent.path, context_year)
                 if f.kind in ("target", "deadline")]
        for f in facts:
            if f.year:
                context_year = f.year
        for f in facts:
            findings.append(_judge(kb, f))
    return findings


def check_file(kb: KnowledgeBase, path: Path) -> list[Finding]:
    if not path.is_file():
        raise BadInput(f"文件不存在：{path}", "请给出部门方案文件的路径")
    with path.open("rb") as fh:
        data = fh.read(int(kb.settings.max_upload_mb * 1024 * 1024) + 1)
    return check_text(kb, read_plan(data, path.name, kb.settings.max_upload_mb))


@functools.lru_cache(maxsize=8192)
def _tokens(text: str) -> frozenset[str]:
    return frozenset(t for t in tokenize(text) if len(t) > 1)


def _indicator_match(a: Fact, b: Fact) -> float:
    ca, cb = canonical_indicator(a.indicator), canonical_indicator(b.indicator)
    if ca and cb:
        return 1.0 if ca == cb else 0.0
    if a.indicator and b.indicator and (a.indicator in b.indicator or b.indicator in a.indicator):
        return 0.9
    ta, tb = _tokens(a.indicator or a.subject), _tokens(b.indicator or b.subject)
    if not ta or not tb:
        return 0.0
    return len(ta & tb) / len(ta | tb)


def _candidates(kb: KnowledgeBase, f: Fact) -> list[tuple[float, Fact]]:
    pool = [s for s in kb.index.facts if s.kind == f.kind]
    scored = [(_indicator_match(f, s), s) for s in pool]
    if f.kind == "deadline":
        ft = _tokens(f.subject or f.quote)
        scored = [(len(ft & _tokens(s.subject or s.quote)) / (len(ft | _tokens(s.subject or s.quote)) or 1), s)
                  for _, s in scored]
        return sorted([x for x in scored if x[0] >= 0.35], key=lambda x: -x[0])
    return sorted([x for x in scored if x[0] >= 0.5], key=lambda x: -x[0])


def _value_str(f: Fact) -> str:
    if f.kind == "deadline":
        return f"{f.year}年" if f.year else ""
    bound = _BOUND.get(f.comparator, f.comparator)
    text = f"{f.value}{f.unit}"
    if f.comparator in ("+", "−"):
        text = f"{bound}{text}"
    elif bound:
        text = f"{text}{bound}"
    return f"{f.year}年{text}" if f.year else text


def _stricter(plan: Fact, src: Fact) -> str:
    try:
        pv, sv = float(plan.value), float(src.value)
    except ValueError:
        return ""
    if pv == sv:
        return ""
    higher_better = src.comparator in ("≥", "+") or (src.comparator in ("=", "左右") and not _is_pollution(src))
    return "部门方案更严" if (pv > sv) == higher_better else "部门方案更宽松"


def _is_pollution(f: Fact) -> bool:
    return any(w in f.indicator for w in ("浓度", "排放", "污染", "能耗", "强度", "黑臭", "劣"))


def _judge(kb: KnowledgeBase, f: Fact) -> Finding:
    statement = f.quote
    candidates = _candidates(kb, f)
    if not candidates:
        return Finding(statement, "not_found", f.indicator or f.subject, f.year, _value_str(f), "", "来源文件中没有此指标")
    best_score = candidates[0][0]
    near = [s for score, s in candidates if score >= best_score - 0.05]
    same_year = [s for s in near if s.year == f.year] if f.year else near
    src = same_year[0] if same_year else min(near, key=lambda s: abs((s.year or 0) - (f.year or 0)))
    cb = CitationBuilder(kb.index.docs)
    doc = kb.index.docs[src.doc_id]
    s0, s1 = sentence_around(doc, src.start, src.end)
    cb.cite(src.doc_id, s0, s1)
    citation = cb.citations()[0]
    diffs = []
    if f.kind == "target":
        if f.year != src.year:
            diffs.append(f"年份不同：部门方案{f.year or '未写'}年，来源{src.year or '未写'}年")
        if f.unit != src.unit:
            diffs.append(f"单位不同：部门方案“{f.unit}”，来源“{src.unit}”")
        if f.value != src.value and _num(f.value) != _num(src.value):
            diffs.append(f"数值不同：部门方案{f.value}{f.unit}，来源{src.value}{src.unit}（{_stricter(f, src)}）".replace("（）", ""))
        if _cmp_class(f.comparator) != _cmp_class(src.comparator):
            diffs.append(f"比较方式不同：部门方案“{_BOUND.get(f.comparator, f.comparator) or '达到'}”，"
                         f"来源“{_BOUND.get(src.comparator, src.comparator) or '达到'}”")
    elif f.year != src.year:
        earlier = f.year is not None and src.year is not None and f.year < src.year
        diffs.append(f"期限不同：部门方案{f.year}年，来源{src.year}年（{'部门方案更早' if earlier else '部门方案更晚'}）")
    verdict = "conflict" if diffs else "consistent"
    return Finding(statement, verdict, src.indicator or src.subject, f.year, _value_str(f), _value_str(src),
                   "；".join(diffs), citation)


def _num(v: str) -> float | None:
    try:
        return float(v)
    except ValueError:
        return None


def _cmp_class(c: str) -> str:
    return {"=": "≥", "力争": "≥"}.get(c, c)  # 达到X counts as reaching at least X


def findings_json(findings: list[Finding]) -> dict:
    rows = []
    for f in findings:
        d = dataclasses.asdict(f)
        rows.append(d)
    counts = {v: sum(1 for f in findings if f.verdict == v) for v in ("consistent", "conflict", "not_found")}
    return {"findings": rows, "summary": counts}
