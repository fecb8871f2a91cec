"""Settings validated with ranges, and the CLI's path and argument faults: each exits 2 with one
Chinese line naming the fix, never 「内部错误」; `kb brief --out` never creates a folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from badinput_common import assert_bad, run_cli

from kb.cli import main
from kb.config import load_settings
from kb.errors import ConfigError
from kb.ingest import load_corpus

ROOT = Path(__file__).resolve().parent.parent
GOOD = "电动公交车要占多少？"

BAD_ENV = {
    "dense-nan": ("KB_DENSE_WEIGHT", "nan"),
    "dense-neg": ("KB_DENSE_WEIGHT", "-5"),
    "dense-inf": ("KB_DENSE_WEIGHT", "inf"),
    "rrf-0": ("KB_RRF_K", "0"),
    "question-chars-neg": ("KB_MAX_QUESTION_CHARS", "-1"),
    "upload-neg": ("KB_MAX_UPLOAD_MB", "-1"),
    "top-k-float": ("KB_TOP_K", "2.9"),
    "top-k-0": ("KB_TOP_K", "0"),
    "port-0": ("KB_PORT", "0"),
    "chunk-abc": ("KB_CHUNK_CHARS", "abc"),
    "fusion": ("KB_FUSION", "max"),
    "corpus-file-0": ("KB_MAX_CORPUS_FILE_MB", "0"),
}


@pytest.mark.parametrize("key,value", BAD_ENV.values(), ids=BAD_ENV.keys())
def test_bad_setting_values_are_refused(key, value) -> None:
    with pytest.raises(ConfigError) as e:
        load_settings(config_file=Path("/nonexistent/kb.toml"), env={key: value})
    line = e.value.one_line()
    assert key.removeprefix("KB_").lower() in line and "README" in line or "weighted" in line


@pytest.mark.parametrize("text", ["top_k = 2.9", "top_k = true", "dense_weight = nan", "rrf_k = 0", 'index = 5'])
def test_bad_toml_values_are_refused(tmp_path, text) -> None:
    (tmp_path / "kb.toml").write_text(text + "\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(config_file=tmp_path / "kb.toml", env={})


def test_good_values_pass_and_top_k_is_wired(built_settings, tmp_path, capsys, monkeypatch) -> None:
    s = load_settings(config_file=tmp_path / "none.toml", env={"KB_TOP_K": "3", "KB_DENSE_WEIGHT": "0.5"})
    assert (s.top_k, s.dense_weight) == (3, 0.5)
    monkeypatch.setenv("KB_TOP_K", "2")
    rc, out, _ = run_cli(built_settings, capsys, "search", GOOD)
    assert rc == 0 and out.count("\n   ") == 2  # two passages: KB_TOP_K is the default of -k
    rc, out, _ = run_cli(built_settings, capsys, "search", GOOD, "-k", "4")
    assert rc == 0 and out.count("\n   ") == 4  # a flag still wins


def _cli(*argv: str, env: dict | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kb", *argv], capture_output=True, check=False, cwd=cwd,
                          env={**os.environ, "PYTHONPATH": str(ROOT), **(env or {})})


def _assert_bad_process(proc: subprocess.CompletedProcess) -> str:
    err = proc.stderr.decode("utf-8")
    assert proc.returncode == 2, (proc.returncode, err[-400:])
    assert len(err.splitlines()) == 1 and err.startswith("错误：") and "内部错误" not in err, err
    assert "Traceback" not in err
    return err


def test_kb_toml_as_a_folder(tmp_path) -> None:
    (tmp_path / "kb.toml").mkdir()
    assert "kb.toml" in _assert_bad_process(_cli("docs", cwd=tmp_path))


@pytest.mark.parametrize("key,value", [("KB_MAX_UPLOAD_MB", "-1"), ("KB_DENSE_WEIGHT", "nan"), ("KB_RRF_K", "0")])
def test_bad_setting_in_the_cli(tmp_path, key, value) -> None:
    _assert_bad_process(_cli("docs", env={key: value}, cwd=tmp_path))


def test_invalid_utf8_argument(built_settings) -> None:
    proc = subprocess.run([sys.executable, "-m", "kb", "--index", str(built_settings.index), "ask", b"\xff\xfe\xe4"],
                          capture_output=True, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert "UTF-8" in _assert_bad_process(proc)


@pytest.mark.parametrize("argv", [["ask", "电动\udcff公交车"], ["brief", "--topic", "大\x00气", "--out", "x.md"],
                                  ["brief", "--topic", "大\x07气", "--out", "x.md"],
                                  ["targets", "--topic", "大\x1b[31m气"]], ids=["surrogate", "nul", "bell", "escape"])
def test_bad_characters_in_arguments(built_settings, capsys, tmp_path, monkeypatch, argv) -> None:
    monkeypatch.chdir(tmp_path)
    assert_bad(*run_cli(built_settings, capsys, *argv))
    assert not (tmp_path / "x.md").exists()


@pytest.mark.parametrize("out", ["/proc/x.docx", "/nonexistent/dir/x.docx", "{tmp}"])
def test_brief_out_that_cannot_be_written(built_settings, capsys, tmp_path, out) -> None:
    out = out.format(tmp=tmp_path)
    assert_bad(*run_cli(built_settings, capsys, "brief", "--topic", "大气", "--out", out))
    assert not Path("/nonexistent").exists()  # the folder is never created


def test_index_path_is_a_file_or_under_proc(built_settings, capsys, tmp_path) -> None:
    a_file = tmp_path / "index-file"
    a_file.write_text("x", encoding="utf-8")
    for argv in (["--index", str(a_file), "ask", GOOD], ["--index", str(a_file), "build"],
                 ["--index", "/proc/kb-index", "build"], ["--index", "/proc/kb-index", "ask", GOOD],
                 ["--index", "/proc/self/status/x", "build"]):
        assert_bad(main(["--corpus", str(built_settings.corpus), *argv]), *capsys.readouterr())


def test_corpus_file_over_the_limit_is_skipped_with_a_line(corpus_copy) -> None:
    big = corpus_copy / "big.txt"
    big.write_bytes("到2030年，湿地保护率达到60%。\n".encode() * 200_000)  # ~7 MB
    docs, reports = load_corpus(corpus_copy, max_bytes=5 * 1024 * 1024)
    report = next(r for r in reports if r.source_file == "big.txt")
    assert report.status == "skipped" and "上限" in report.reason and "KB_MAX_CORPUS_FILE_MB" in report.reason
    assert len(docs) == len([r for r in reports if r.status == "ok"]) > 0
