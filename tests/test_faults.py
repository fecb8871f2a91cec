"""Faults: a mismatched, damaged or missing index is refused with the fix and repaired by a plain
`kb build`; kill -9 at every phase of a normal and a forced build leaves an index that answers;
a corpus changed since the build keeps being served with a notice; two builds are serialized."""

import dataclasses
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kb.api import KnowledgeBase
from kb.cli import main
from kb.config import load_settings
from kb.errors import IndexCorrupt, IndexMissing, IndexStale
from kb.index import build_index, load_index
from kb.store import CURRENT, current_version

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "电动公交车要占多少？"
NEW_DOC = "关于开展湿地保护的通知\n到2030年，新建重要湿地3处以上。\n"


@pytest.fixture(scope="module")
def built_copy(tmp_path_factory) -> tuple[Path, Path]:
    """A corpus copy and its index, built once; each test works on its own copy of both."""
    base = tmp_path_factory.mktemp("faults")
    shutil.copytree(ROOT / "corpus", base / "corpus")
    build_index(load_settings(env={}, corpus=base / "corpus", index=base / "index"), progress=False)
    return base / "corpus", base / "index"


@pytest.fixture
def work(built_copy, tmp_path):
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(built_copy[0], corpus)
    shutil.copytree(built_copy[1], index)
    return load_settings(env={}, corpus=corpus, index=index)


def _ask(settings, capsys, *extra: str) -> tuple[int, str, str]:
    capsys.readouterr()
    rc = main(["--corpus", str(settings.corpus), "--index", str(settings.index), "ask", QUESTION, *extra])
    out, err = capsys.readouterr()
    return rc, out, err


def _bm25_hits(settings) -> list:
    return KnowledgeBase(settings).search(QUESTION, k=3, mode="bm25")


def test_missing_and_mismatched_index_are_refused_with_the_fix(work) -> None:
    with pytest.raises(IndexMissing) as missing:
        load_index(dataclasses.replace(work, index=work.index.parent / "none"))
    assert "kb build" in missing.value.one_line()
    other = dataclasses.replace(work, chunk_chars=300)
    with pytest.raises(IndexStale, match="设置") as e:
        load_index(other)
    assert "kb build" in e.value.one_line()


def test_index_built_with_other_word_lists_is_stale(built_settings, monkeypatch) -> None:
    """A changed policy dictionary or stopword list changes BM25 tokens: the old index is refused."""
    import kb.index_read

    load_index(built_settings)
    monkeypatch.setattr(kb.index_read, "lexicon_hash", lambda: "0" * 16)
    with pytest.raises(IndexStale, match="词表") as e:
        load_index(built_settings)
    assert "kb build" in e.value.one_line()


# ------------------------------------------------------------------------ a stale corpus keeps serving
@pytest.mark.parametrize("change", ["added", "changed", "removed"])
def test_stale_corpus_keeps_serving_with_a_notice(work, capsys, change) -> None:
    name = "national_beautiful_china_opinions_2023.partial.txt"
    if change == "added":
        (work.corpus / "new_notice.txt").write_text(NEW_DOC, encoding="utf-8")
    elif change == "changed":
        (work.corpus / name).write_text("改过了。", encoding="utf-8")
    else:
        (work.corpus / name).unlink()
    rc, out, err = _ask(work, capsys, "--json")
    assert rc == 0 and json.loads(out)["status"] == "answered"
    lines = err.splitlines()
    assert len(lines) == 1 and "kb build" in lines[0]
    assert {"added": "新增 new_notice.txt", "changed": f"修改 {name}", "removed": f"删除 {name}"}[change] in lines[0]
    assert KnowledgeBase(work).stale_notice() == lines[0]  # the library exposes it (the app's banner)
    build_index(work, progress=False)
    rc, out, err = _ask(work, capsys)
    assert rc == 0 and err == ""
    assert KnowledgeBase(work).stale_notice() == ""


def test_app_rebuilds_in_the_background_and_switches_in(work) -> None:
    kb = KnowledgeBase(work)
    (work.corpus / "new_notice.txt").write_text(NEW_DOC, encoding="utf-8")
    assert "new_notice.txt" in kb.stale_notice()
    assert kb.rebuild_in_background()
    assert kb.ask(QUESTION).status == "answered"  # serving while the rebuild runs
    kb._rebuild.join(120)
    assert not kb.rebuilding() and kb.stale_notice() == ""
    assert "new_notice" in kb.index.docs and kb.search("新建重要湿地", k=3)


# ------------------------------------------------------------------------ damage: kb build repairs it
def _damage(index: Path, kind: str) -> None:
    folder = current_version(index)
    manifest = folder / "manifest.json"
    data = json.loads(manifest.read_text(encoding="utf-8"))
    if kind == "manifest-list":
        manifest.write_text("[1, 2]", encoding="utf-8")
    elif kind == "checksums-null":
        manifest.write_text(json.dumps({**data, "checksums": None}), encoding="utf-8")
    elif kind == "manifest-binary":
        manifest.write_bytes(b"\xff\xfe\x00garbage")
    elif kind == "current-binary":
        (index / CURRENT).write_bytes(b"\xff\xfe\x80\x81")
    elif kind == "current-elsewhere":
        (index / CURRENT).write_text("../../etc", encoding="utf-8")
    elif kind == "bm25-deleted":
        shutil.rmtree(folder / "bm25")
    elif kind == "bm25-file-damaged":
        victim = min((folder / "bm25").iterdir())
        victim.write_bytes(victim.read_bytes()[:-10])
    elif kind == "chunks-truncated":
        (folder / "chunks.jsonl").write_bytes((folder / "chunks.jsonl").read_bytes()[:-100])
    elif kind == "faiss-deleted":
        (folder / "vectors.faiss").unlink()
    elif kind == "vectors-garbage":
        (folder / "vectors.npy").write_bytes(b"\x00" * 64)
    elif kind == "counts-lie":  # checksums recomputed to match: the content itself is inconsistent
        manifest.write_text(json.dumps({**data, "counts": {**data["counts"], "chunks": 3}}), encoding="utf-8")
    elif kind == "version-folder-gone":
        shutil.rmtree(folder)
    else:
        raise AssertionError(kind)


DAMAGE = ["manifest-list", "checksums-null", "manifest-binary", "current-binary", "current-elsewhere", "bm25-deleted",
          "bm25-file-damaged", "chunks-truncated", "faiss-deleted", "vectors-garbage", "counts-lie",
          "version-folder-gone"]


@pytest.mark.parametrize("kind", DAMAGE)
def test_damage_is_reported_by_ask_and_repaired_by_plain_build(work, capsys, kind) -> None:
    _damage(work.index, kind)
    rc, out, err = _ask(work, capsys)
    assert rc == 2 and out == "" and len(err.splitlines()) == 1, (rc, err)
    assert err.startswith("错误：") and "kb build" in err and "内部错误" not in err
    with pytest.raises(IndexCorrupt):
        load_index(work)
    capsys.readouterr()
    assert main(["--corpus", str(work.corpus), "--index", str(work.index), "build", "--quiet"]) == 0
    assert "索引已建成" in capsys.readouterr().out  # never 「索引已是最新」 over a damaged version
    rc, out, err = _ask(work, capsys, "--json")
    assert rc == 0 and err == "" and json.loads(out)["status"] == "answered"
    assert _bm25_hits(work)  # bm25 hits again


def test_rebuild_after_damage_reuses_vectors_that_verify(work) -> None:
    _damage(work.index, "bm25-deleted")
    result = build_index(work, progress=False)
    assert result.embedded == 0 and result.reused == result.vectors > 0
    _damage(work.index, "vectors-garbage")
    result = build_index(work, progress=False)
    assert result.embedded == result.vectors > 0  # a damaged vectors.npy is never reused


def test_every_file_of_a_version_is_in_the_checksums(work) -> None:
    folder = current_version(work.index)
    sums = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["checksums"]
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {"manifest.json"}
    assert set(sums) == files and any(name.startswith("bm25/") for name in files)


# ------------------------------------------------------------------------ kill -9 at every phase
PHASES = ["locked", "ingest", "embed", "write", "vectors", "manifest", "rename", "current", "after-current"]


def _killed_build(settings, phase: str, force: bool) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, str(ROOT / "tests" / "fault_build.py"), phase, str(settings.corpus), str(settings.index)]
    proc = subprocess.run(cmd + (["--force"] if force else []), check=False, env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == -9, (phase, proc.returncode, proc.stderr[-500:])


def _assert_serving(settings, capsys) -> None:
    rc, out, err = _ask(settings, capsys, "--json")
    assert rc == 0 and json.loads(out)["status"] == "answered", (rc, err)
    assert _bm25_hits(settings)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("force", [False, True], ids=["normal", "force"])
def test_kill_9_at_every_phase_keeps_an_index_answering(work, capsys, phase, force) -> None:
    if not force:  # a normal build only runs when something changed
        (work.corpus / "new_notice.txt").write_text(NEW_DOC, encoding="utf-8")
    _killed_build(work, phase, force)
    _assert_serving(work, capsys)
    result = build_index(work, progress=False)  # the next plain build completes and cleans up
    names = [p.name for p in work.index.iterdir()]
    assert not any(n.startswith((".build-", f".{CURRENT}.")) for n in names), names
    assert sum(n.startswith("v-") for n in names) <= 2, names  # the live one and the one before it
    assert result.folder == current_version(work.index)
    _assert_serving(work, capsys)


def test_kill_9_of_forced_rebuild_at_the_switch_three_times(work, capsys) -> None:
    """kb build --force of an unchanged corpus killed at the moment CURRENT would change: every
    time `kb ask` keeps answering (the live version is never deleted first)."""
    for _ in range(3):
        before = current_version(work.index)
        _killed_build(work, "current", force=True)
        assert current_version(work.index) == before
        _assert_serving(work, capsys)


def test_forced_rebuild_of_the_same_fingerprint_writes_a_new_version(work) -> None:
    before = current_version(work.index)
    result = build_index(work, progress=False, force=True)
    assert result.folder != before and result.folder == current_version(work.index)
    assert before.exists()  # kept one round for readers that were loading it; pruned by the next swap
    build_index(work, progress=False, force=True)
    assert not before.exists()


def test_two_builds_are_serialized(corpus_copy: Path, tmp_path: Path) -> None:
    index = tmp_path / "idx"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    cmd = [sys.executable, "-m", "kb", "--corpus", str(corpus_copy), "--index", str(index), "build", "--quiet"]
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0]
    joined = "".join(o for out in outs for o in out)
    assert "索引已建成" in joined and "索引已是最新" in joined  # the second waited, then found it up to date
    load_index(load_settings(env={}, corpus=corpus_copy, index=index))
