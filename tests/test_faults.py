"""Faults: a stale, mismatched, damaged or missing index is refused with the fix; kill -9 during
a build leaves the previous index serving; two builds at once are serialized by a lock."""

import dataclasses
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from kb.api import KnowledgeBase
from kb.config import load_settings
from kb.errors import IndexCorrupt, IndexMissing, IndexStale
from kb.index import build_index, load_index
from kb.store import current_version


def test_stale_index_is_refused_with_the_fix(corpus_copy: Path, tmp_path: Path) -> None:
    settings = load_settings(env={}, corpus=corpus_copy, index=tmp_path / "idx")
    with pytest.raises(IndexMissing) as missing:
        load_index(settings)
    assert "kb build" in missing.value.one_line()
    build_index(settings, progress=False)
    (corpus_copy / "national_beautiful_china_opinions_2023.partial.txt").write_text("改过了。", encoding="utf-8")
    with pytest.raises(IndexStale) as e:
        load_index(settings)
    assert "kb build" in e.value.one_line()
    other = dataclasses.replace(settings, chunk_chars=300)
    with pytest.raises(IndexStale, match="settings"):
        load_index(other, check_corpus=False)


def test_index_built_with_other_word_lists_is_stale(built_settings, monkeypatch) -> None:
    """A changed policy dictionary or stopword list changes BM25 tokens: the old index is refused."""
    import kb.index

    load_index(built_settings)
    monkeypatch.setattr(kb.index, "lexicon_hash", lambda: "0" * 16)
    with pytest.raises(IndexStale, match="word lists") as e:
        load_index(built_settings)
    assert "kb build" in e.value.one_line()


def test_damaged_index_file_is_detected(corpus_copy: Path, tmp_path: Path) -> None:
    settings = load_settings(env={}, corpus=corpus_copy, index=tmp_path / "idx")
    build_index(settings, progress=False)
    folder = current_version(settings.index)
    target = folder / "chunks.jsonl"
    target.write_bytes(target.read_bytes()[:-100])
    with pytest.raises(IndexCorrupt) as damaged:
        load_index(settings)
    assert "kb build" in damaged.value.one_line()
    rebuilt = build_index(settings, progress=False)  # a damaged index is rebuilt, not reused
    assert not rebuilt.up_to_date
    load_index(settings)


def test_kill_9_during_build_leaves_previous_index_serving(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    settings = load_settings(env={}, corpus=corpus_copy, index=index)
    build_index(settings, progress=False)
    before = current_version(index)
    # Change the corpus so a real rebuild starts, then kill it mid-way.
    (corpus_copy / "extra.txt").write_text("附加文件。\n" + "到2030年，湿地保护率达到60%。\n" * 400, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    proc = subprocess.Popen([sys.executable, "-m", "kb", "--corpus", str(corpus_copy), "--index", str(index),
                             "build", "--force"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and not any(p.name.startswith(".build-") for p in index.iterdir()):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert current_version(index) == before
    old = load_index(settings, check_corpus=False)
    assert KnowledgeBase(settings, index=old).search("电动公交车要占多少？", k=1)
    result = build_index(settings, progress=False)  # the next build completes and cleans up
    assert not result.up_to_date
    assert not any(p.name.startswith(".build-") for p in index.iterdir())


def test_two_builds_are_serialized(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    cmd = [sys.executable, "-m", "kb", "--corpus", str(corpus_copy), "--index", str(index), "build", "--quiet"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    joined = "".join(o for out in outs for o in out)
    assert "索引已建成" in joined and "索引已是最新" in joined  # the second waited, then found it up to date
    load_index(load_settings(env={}, corpus=corpus_copy, index=index))
