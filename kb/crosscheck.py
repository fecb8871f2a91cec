"""Cross-check a department plan against the source: statement by statement, each target, deadline
and responsibility is consistent with, in conflict with, or absent from the facts of the city's
plan, or of another document of the corpus, or of all of them (kb.crosscheck_claims reads the
claims, kb.crosscheck_judge judges them).

Nothing from the uploaded plan is written anywhere: it is read into memory and discarded."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from kb.crosscheck_claims import claims_of
from kb.crosscheck_judge import judge, said_once
from kb.errors import BadInput
from kb.ingest import clean_lines
from kb.readers import read_bytes
from kb.structure import parse_sections, split_sentences
from kb.types import Finding

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

CHECK_SUFFIXES = (".txt", ".md", ".docx", ".pdf")


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
               on_sentence: Callable[[int, list[Finding]], None] | None = None,
               against: str | None = None) -> list[Finding]:
    """One finding per checkable statement and indicator (target, deadline or responsibility),
    judged against the documents ``against`` names (kb.chosen_documents: by default the city's own
    plan; a document id, or ``all``); each finding cites the document it compared with. Prose and
    现状 statements give none. ``on_sentence(chars done, findings so far)`` is called before each
    sentence (progress, budgets; it may raise to stop the check)."""
    sources = frozenset(d.doc_id for d in kb.chosen_documents(against))
    sections = parse_sections(text)
    findings: list[Finding] = []
    seen: set[tuple[str, str]] = set()
    context_year: int | None = None
    last_para = -1
    for sent in split_sentences("_plan", text, sections):
        if on_sentence is not None:
            on_sentence(sent.start, findings)
        para = text.rfind("\n", 0, sent.start)
        if para != last_para:
            context_year, last_para = None, para
        judged = []
        for claim in claims_of(sent.text, sent.start, sent.path, context_year):
            if claim.fact.year:
                context_year = claim.fact.year
            judged.append(judge(kb, claim, sources))
        for finding in said_once(judged):
            key = (finding.statement, finding.indicator)
            if key not in seen:
                seen.add(key)
                findings.append(finding)
    return findings


def check_file(kb: KnowledgeBase, path: Path, against: str | None = None) -> list[Finding]:
    if not path.is_file():
        raise BadInput(f"文件不存在：{path}", "请给出部门方案文件的路径")
    with path.open("rb") as fh:
        data = fh.read(int(kb.settings.max_upload_mb * 1024 * 1024) + 1)
    return check_text(kb, read_plan(data, path.name, kb.settings.max_upload_mb), against=against)


def findings_json(findings: list[Finding]) -> dict:
    rows = []
    for f in findings:
        d = dataclasses.asdict(f)
        d["dept_value"] = d["plan_value"]  # plan_value: an alias kept for one release
        d["doc_id"] = f.citation.doc_id if f.citation else ""
        d["doc_title"] = f.citation.title if f.citation else ""
        rows.append(d)
    counts = {v: sum(1 for f in findings if f.verdict == v) for v in ("consistent", "conflict", "not_found")}
    return {"findings": rows, "summary": counts}
