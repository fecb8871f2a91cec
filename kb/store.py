"""Serialization of documents, chunks and facts (JSON, no pickles) and index-folder plumbing:
versioned folders with an atomically swapped CURRENT pointer, a build lock, checksums."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from kb.errors import IndexCorrupt, IndexMissing
from kb.types import Chunk, DocMeta, Document, Fact, QualityReport, Section, Sentence

CURRENT = "CURRENT"
LOCK = ".lock"


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def doc_to_dict(doc: Document) -> dict:
    return {
        "meta": dataclasses.asdict(doc.meta),
        "text": doc.text,
        "sections": [dataclasses.asdict(s) for s in doc.sections],
        "sentences": [[s.start, s.end, list(s.path)] for s in doc.sentences],  # written at build, read at load
        "source_file": doc.source_file,
        "sha256": doc.sha256,
    }


def doc_from_dict(d: dict) -> Document:
    from kb.structure import split_sentences

    meta = DocMeta(**{**d["meta"], "cites": tuple(d["meta"].get("cites", ()))})
    sections = tuple(Section(**{**s, "path": tuple(s["path"])}) for s in d["sections"])
    sentences: tuple[Sentence, ...] = tuple(Sentence(meta.doc_id, d["text"][s:e], s, e, tuple(p))
                                            for s, e, p in d["sentences"]) if "sentences" in d \
        else split_sentences(meta.doc_id, d["text"], sections)
    return Document(meta, d["text"], sections, sentences, d["source_file"], d["sha256"])


def chunk_to_dict(c: Chunk) -> dict:
    return dataclasses.asdict(c)


def chunk_from_dict(d: dict) -> Chunk:
    return Chunk(**{**d, "path": tuple(d["path"])})


def fact_to_dict(f: Fact) -> dict:
    return dataclasses.asdict(f)


def fact_from_dict(d: dict) -> Fact:
    return Fact(**{**d, "path": tuple(d["path"]), "extra": tuple(tuple(x) for x in d.get("extra", ()))})


def report_to_dict(r: QualityReport) -> dict:
    return dataclasses.asdict(r)


def report_from_dict(d: dict) -> QualityReport:
    return QualityReport(**{
        **d,
        "errata_applied": tuple(d.get("errata_applied", ())),
        "suspicious": tuple(tuple(x) for x in d.get("suspicious", ())),
    })


def current_version(index_dir: Path) -> Path:
    """The folder of the index in use. Raises IndexMissing/IndexCorrupt with the fix."""
    pointer = index_dir / CURRENT
    if not pointer.exists():
        raise IndexMissing(f"no index in {index_dir}", "run `kb build` first")
    name = pointer.read_text(encoding="utf-8").strip()
    folder = index_dir / name
    if not name or "/" in name or not folder.is_dir():
        raise IndexCorrupt(f"{pointer} points at a missing folder {name!r}", "run `kb build` to rebuild the index")
    return folder


def swap_in(index_dir: Path, new_folder: Path) -> None:
    """Make ``new_folder`` current atomically, then remove older versions."""
    tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    tmp.write_text(new_folder.name, encoding="utf-8")
    with tmp.open("rb") as f:
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / CURRENT)
    for old in index_dir.iterdir():
        if old.is_dir() and old.name.startswith(("v-", ".build-")) and old.name != new_folder.name:
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Serialize builds on one index folder: a second `kb build` waits for the first."""
    index_dir.mkdir(parents=True, exist_ok=True)
    with (index_dir / LOCK).open("w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"another `kb build` is running on {index_dir}; waiting for it…", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def verify_files(folder: Path, checksums: dict[str, str]) -> None:
    for name, digest in checksums.items():
        path = folder / name
        if not path.exists():
            raise IndexCorrupt(f"index file missing: {path}", "run `kb build` to rebuild the index")
        if sha256_file(path) != digest:
            raise IndexCorrupt(f"index file damaged (checksum mismatch): {path}", "run `kb build` to rebuild the index")
