"""Ingestion: read corpus files, repair through the errata file, normalize, find structure.

Each source file becomes a ``Document`` plus a ``QualityReport``; a file that cannot be read is
reported as skipped and never stops the build.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from tqdm import tqdm

from kb import normalize as nz
from kb.errata import Erratum, apply_errata, load_errata
from kb.errors import BadInput, KBError, os_reason
from kb.labels import PROGRESS_FORMAT
from kb.quality import find_suspicious
from kb.readers import SUPPORTED_SUFFIXES, read_file
from kb.structure import heading_split_point, is_heading_line, parse_sections, split_sentences
from kb.types import DocMeta, Document, QualityReport

MANIFEST = "manifest.json"
ERRATA = "errata.jsonl"
_FRONT_KEYS = {"title", "issuer", "doc_number", "date", "level", "completeness", "note", "source"}
_MARKER_RE = re.compile(r"^\s*\[(?:Segment|segment|片段|注)[^\]]*\]\s*$")
_TERMINAL = tuple("。！？；：”’）」』")
DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024  # settings.max_corpus_file_mb; see README (bounded build cost)
_WRAP_MIN = 40  # a line this long without closing punctuation was wrapped by the PDF


def load_manifest(corpus: Path) -> dict[str, dict]:
    path = corpus / MANIFEST
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise BadInput(f"{path} 不是有效的 JSON（{e}）", "改正或删除这个清单文件") from e
    docs = data.get("documents", data) if isinstance(data, dict) else None
    if not isinstance(docs, dict):
        raise BadInput(f"{path} 的格式不对：应是以文件名为键的对象", "参见 corpus/README.md")
    return docs


def doc_id_for(file_name: str) -> str:
    stem = Path(file_name).name
    for suffix in (".raw.txt", ".partial.txt"):
        if stem.endswith(suffix):
            return stem[: -len(suffix)]
    stem = Path(stem).stem
    slug = re.sub(r"[^\w\u4e00-\u9fff-]+", "_", stem).strip("_")
    return slug or hashlib.sha1(file_name.encode()).hexdigest()[:10]


def split_front_matter(raw: str) -> tuple[dict[str, str], str]:
    """``key: value`` lines ending in a ``---`` line are metadata, not document text."""
    lines = raw.split("\n")
    for i, line in enumerate(lines[:40]):
        if line.strip() == "---":
            head = lines[:i]
            meta = {}
            for h in head:
                key, sep, value = h.partition(":")
                if sep and key.strip() in _FRONT_KEYS:
                    meta[key.strip()] = value.strip()
            if meta and all(":" in h or not h.strip() for h in head):
                return meta, "\n".join(lines[i + 1 :])
            break
    return {}, raw


def clean_lines(raw: str) -> tuple[str, int]:
    """Raw decoded text (errata applied) → normalized paragraphs; returns (text, pinyin stripped)."""
    raw, stripped = nz.strip_pinyin(nz.clean_controls(raw.replace("\r\n", "\n").replace("\r", "\n")))
    raw = nz.unify_width(nz.to_simplified(raw))
    pieces: list[str] = []
    for line in raw.split("\n"):
        if _MARKER_RE.match(line):
            continue
        cut = heading_split_point(line)
        parts = [line[:cut], line[cut:]] if cut is not None else [line]
        for part in parts:
            norm = nz.normalize(part).strip()
            if norm:
                pieces.append(norm)
    return "\n".join(_join_wrapped(pieces)), stripped


def _join_wrapped(lines: list[str]) -> list[str]:
    out: list[str] = []
    for line in lines:
        if out and _continues(out[-1], line):
            prev = out[-1]
            sep = " " if prev[-1:].isascii() and prev[-1:].isalnum() and line[:1].isascii() else ""
            out[-1] = nz.normalize(prev + sep + line)
        else:
            out.append(line)
    return out


def _continues(prev: str, line: str) -> bool:
    if nz.splits_token(prev, line):  # 「到2025」+「年，」, 「PM」+「2.5」
        return True
    if len(prev) < _WRAP_MIN or prev.endswith(_TERMINAL) or is_heading_line(prev):
        return False
    return not is_heading_line(line)


def ingest_file(path: Path, manifest: dict[str, dict], errata: tuple[Erratum, ...],
                max_bytes: int = DEFAULT_MAX_FILE_BYTES) -> tuple[Document | None, QualityReport]:
    name = path.name
    doc_id = manifest.get(name, {}).get("doc_id") or doc_id_for(name)
    try:
        size = path.stat().st_size
    except OSError as e:
        return None, QualityReport(name, doc_id, "skipped", reason=f"{name}：无法读取（{os_reason(e)}）")
    if size > max_bytes:
        return None, QualityReport(name, doc_id, "skipped", reason=(
            f"{name}：文件有 {size / 1024 / 1024:.1f} MB，超过语料库单个文件 {max_bytes / 1024 / 1024:g} MB 的上限；"
            "请拆分文件，或调高 KB_MAX_CORPUS_FILE_MB"))
    try:
        raw_file = read_file(path, max_bytes=max_bytes)
    except KBError as e:
        return None, QualityReport(name, doc_id, "skipped", reason=e.one_line())
    front, body = split_front_matter(raw_file.text)
    body, applied, problems = apply_errata(body, name, errata)
    text, stripped = clean_lines(body)
    if not text.strip():
        return None, QualityReport(name, doc_id, "skipped", reason=f"{name}：清洗后没有剩下正文")
    info = {**front, **manifest.get(name, {})}
    first_line = text.split("\n", 1)[0]
    meta = DocMeta(
        doc_id=doc_id,
        title=info.get("title") or first_line[:60],
        issuer=info.get("issuer", ""),
        doc_number=info.get("doc_number", ""),
        date=info.get("date", ""),
        level=info.get("level", "unknown"),
        completeness=(info.get("completeness") or "unknown").split(" ")[0].split("—")[0].strip(),
        note=info.get("note") or info.get("completeness", ""),
        cites=tuple(info.get("cites", ())),
    )
    sections = parse_sections(text, meta.title)
    sentences = split_sentences(doc_id, text, sections)
    suspicious = tuple(find_suspicious(text))
    doc = Document(
        meta=meta,
        text=text,
        sections=sections,
        sentences=sentences,
        source_file=name,
        sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
    )
    report = QualityReport(
        source_file=name,
        doc_id=doc_id,
        status="ok",
        reason="; ".join(problems),
        encoding=raw_file.encoding,
        characters=len(text),
        sections=len(sections),
        annotations_stripped=stripped,
        errata_applied=applied,
        suspicious=suspicious,
    )
    return doc, report


def corpus_files(corpus: Path) -> list[Path]:
    if not corpus.is_dir():
        raise BadInput(f"找不到语料库文件夹：{corpus}", "用 --corpus DIR 或 KB_CORPUS 指定")
    skip = {MANIFEST, ERRATA, "README.md"}
    return sorted(p for p in corpus.iterdir() if p.is_file() and p.name not in skip and not p.name.startswith("."))


def load_corpus(corpus: Path, max_bytes: int = DEFAULT_MAX_FILE_BYTES,
                progress: bool | None = False) -> tuple[list[Document], list[QualityReport]]:
    """Every file of the corpus folder read, repaired and normalized; a file over ``max_bytes``
    or unreadable is skipped with a line in its report."""
    manifest = load_manifest(corpus)
    errata = load_errata(corpus / ERRATA)
    docs: list[Document] = []
    reports: list[QualityReport] = []
    seen: set[str] = set()
    files = corpus_files(corpus)
    for path in sorted(p for p in corpus.iterdir() if p.is_file() and p.name.startswith(".")):
        reports.append(QualityReport(path.name, doc_id_for(path.name), "skipped",
                                     reason=f"{path.name}：文件名以“.”开头（隐藏文件），未读取；要收入语料库请去掉开头的点"))
    for path in tqdm(files, desc="读取语料", unit="个文件", bar_format=PROGRESS_FORMAT,
                     disable=None if progress is None else not progress):
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            reports.append(QualityReport(path.name, doc_id_for(path.name), "skipped",
                                         reason=f"{path.name}：不支持的文件类型 {path.suffix or '（无扩展名）'}"))
            continue
        doc, report = ingest_file(path, manifest, errata, max_bytes)
        if doc is not None and doc.doc_id in seen:
            report = QualityReport(path.name, doc.doc_id, "skipped", reason=f"{path.name}：文件编号 {doc.doc_id} 与另一个文件重复")
            doc = None
        reports.append(report)
        if doc is not None:
            seen.add(doc.doc_id)
            docs.append(doc)
    return docs, reports
