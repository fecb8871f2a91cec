"""Serialization of documents, chunks and facts (JSON, no pickles) and index-folder plumbing:
versioned folders with an atomically swapped CURRENT pointer, a build lock, checksums."""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

from kb.errors import IndexCorrupt, IndexMissing, IndexUnwritable, KBError, os_reason
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


VERSION_RE = re.compile(r"^v-[0-9a-f]{16}(?:-\d+)?$")  # v-<fingerprint>-<build time in ms>
_HINT = "运行 `kb build` 重建索引"


def current_version(index_dir: Path) -> Path:
    """The folder of the index in use. Raises IndexMissing/IndexCorrupt with the fix."""
    pointer = index_dir / CURRENT
    if not index_dir.is_dir():
        if index_dir.exists():
            raise IndexMissing(f"索引路径 {index_dir} 不是文件夹", "把 --index 或 KB_INDEX 指向一个文件夹")
        raise IndexMissing(f"{index_dir} 中还没有索引", "先运行 `kb build`")
    try:
        raw = pointer.read_bytes()
    except FileNotFoundError:
        raise IndexMissing(f"{index_dir} 中还没有索引", "先运行 `kb build`") from None
    except OSError as e:
        raise IndexCorrupt(f"无法读取 {pointer}（{os_reason(e)}）", _HINT) from e
    try:
        name = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise IndexCorrupt(f"{pointer} 已损坏（不是 UTF-8 文本）", _HINT) from None
    folder = index_dir / name
    if not VERSION_RE.match(name) or not folder.is_dir():
        raise IndexCorrupt(f"{pointer} 指向的索引版本 {name[:40]!r} 不存在或名称无效", _HINT)
    return folder


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def swap_in(index_dir: Path, new_folder: Path) -> None:
    """Make ``new_folder`` current by one atomic rename of CURRENT, then prune old versions.

    The version that was live until now is kept (a reader that read CURRENT a moment ago may
    still be loading it); anything older is removed."""
    previous = None
    with contextlib.suppress(KBError):
        previous = current_version(index_dir).name
    tmp = index_dir / f".{CURRENT}.{os.getpid()}"
    with tmp.open("wb") as f:
        f.write(new_folder.name.encode("utf-8"))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, index_dir / CURRENT)
    _fsync_dir(index_dir)
    prune(index_dir, keep={new_folder.name, previous or ""})


def prune(index_dir: Path, keep: set[str]) -> None:
    """Remove versions not in ``keep``, half-written build folders and stray CURRENT temp files.
    Called only while holding the build lock, so no other build is writing here."""
    for old in index_dir.iterdir():
        if old.name in keep or old.name in (CURRENT, LOCK):
            continue
        if old.name.startswith(f".{CURRENT}."):
            with contextlib.suppress(OSError):
                old.unlink()
        elif old.is_dir() and (old.name.startswith(".build-") or VERSION_RE.match(old.name)):
            shutil.rmtree(old, ignore_errors=True)


def clean_leftovers(index_dir: Path) -> None:
    """What a killed build left behind (``.CURRENT.<pid>``, ``.build-*``) goes; the live version and
    every complete version stay (the next swap prunes those)."""
    for old in index_dir.iterdir():
        if old.name.startswith(f".{CURRENT}."):
            with contextlib.suppress(OSError):
                old.unlink()
        elif old.is_dir() and old.name.startswith(".build-"):
            shutil.rmtree(old, ignore_errors=True)


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """Serialize builds on one index folder: a second `kb build` waits for the first."""
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        handle = (index_dir / LOCK).open("w")
    except OSError as e:
        raise IndexUnwritable(f"无法在 {index_dir} 写入索引（{os_reason(e)}）",
                              "把 --index 或 KB_INDEX 指向一个可写的文件夹") from e
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print(f"另一个 `kb build` 正在 {index_dir} 上运行，等待它完成…", file=sys.stderr)
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def version_files(folder: Path) -> list[str]:
    """Every file of a version folder, subfolders (bm25/) included, as relative POSIX paths."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def verify_files(folder: Path, checksums: object, required: tuple[str, ...] = ()) -> None:
    """Every file listed is there with its checksum, every required file is listed, and no file
    of the folder is left out of the list."""
    if not isinstance(checksums, dict) or not checksums or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in checksums.items()):
        raise IndexCorrupt(f"{folder / 'manifest.json'} 的校验和缺失或格式不对", _HINT)
    missing = [name for name in required if name not in checksums]
    extra = [name for name in version_files(folder) if name != "manifest.json" and name not in checksums]
    if missing or extra:
        raise IndexCorrupt(f"索引 {folder} 的文件与清单不一致：{', '.join((missing + extra)[:3])}", _HINT)
    for name, digest in checksums.items():
        path = folder / name
        if ".." in Path(name).parts or Path(name).is_absolute():
            raise IndexCorrupt(f"{folder / 'manifest.json'} 列出了无效的文件名 {name[:40]!r}", _HINT)
        if not path.is_file():
            raise IndexCorrupt(f"索引文件缺失：{path}", _HINT)
        if sha256_file(path) != digest:
            raise IndexCorrupt(f"索引文件已损坏（校验和不符）：{path}", _HINT)
