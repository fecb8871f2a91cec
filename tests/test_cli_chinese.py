"""The command line says everything in Chinese: help, argparse's errors, `kb docs`, the CSV
headers of `kb targets`, and the build's step lines."""

from __future__ import annotations

import csv
import io
import re

import pytest
from badinput_common import assert_bad, run_cli

from kb.cli import main
from kb.cli_parser import zh_argparse

COMMANDS = ("build", "migrate", "docs", "doc", "search", "ask", "targets", "check", "brief", "compare", "eval", "train")
# what may stay Latin: command and option names, option values, formats, setting and file names
VALUES = {"hybrid", "bm25", "dense", "table", "json", "csv", "JSON", "README", "top_k", "corpus", "index", "txt",
          "docx", "pdf", "md", "pptx", "national", "provincial", "municipal", "department", "kb", "all",
          "postgres", "KB_DATABASE_URL"}
_LATIN = re.compile(r"(?<![\w-])-{1,2}[\w-]+|[\w/.-]+\.(?:jsonl|json|txt|md|docx|pdf|pptx|csv)\b|[A-Za-z_][A-Za-z_0-9]+")


def english(text: str) -> set[str]:
    words = {w for w in _LATIN.findall(text) if not w.startswith("-") and "." not in w}
    return words - VALUES - set(COMMANDS)


@pytest.mark.parametrize("argv", [["--help"], *[[c, "--help"] for c in COMMANDS]], ids=["kb", *COMMANDS])
def test_help_is_chinese(capsys, argv):
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("用法：") and "选项" in out
    assert english(out) == set(), out


@pytest.mark.parametrize("argv", [
    ["ask", "--year", "abc", "问题"],
    ["targets", "--year", "abc"],
    ["targets", "--year", "2027.5"],
    ["frobnicate"],
    ["ask", "-k"],
    ["search", "x", "--mode", "sql"],
    ["ask", "问题", "--level", "county"],
    ["brief", "--topic", "大气"],
], ids=lambda a: " ".join(a))
def test_bad_arguments_are_one_chinese_line(built_settings, capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)
    line = assert_bad(*run_cli(built_settings, capsys, *argv))
    said = re.sub(r"'[^']*'", "", line.split("—")[0])  # the user's own words are quoted back as typed
    assert english(said) == set(), line


@pytest.mark.parametrize("message, chinese", [
    ("the following arguments are required: --out", "缺少参数：--out"),
    ("unrecognized arguments: --year abc", "无法识别的参数：--year abc"),
    ("argument 命令: invalid choice: 'foo' (choose from 'build', 'docs')", "没有命令 'foo'（可用的命令：build、docs）"),
    ("argument --mode: invalid choice: 'sql' (choose from hybrid, bm25)", "参数 --mode 的取值 'sql' 无效（可选：hybrid、bm25）"),
    ("argument --year: invalid int value: 'abc'", "参数 --year 应是整数，不能是 'abc'"),
    ("argument -k: expected one argument", "参数 -k 后面需要一个值"),
    ("ambiguous option: --ex could match --explain, --extra", "选项 --ex 不明确，可能是：--explain, --extra"),
])
def test_argparse_messages_in_chinese(message, chinese):
    assert zh_argparse(message) == chinese


def test_level_in_chinese_or_code(built_settings, capsys):
    for level in ("市级", "municipal"):
        assert run_cli(built_settings, capsys, "ask", "电动公交车要占多少？", "--level", level)[0] == 0


def test_docs_says_level_and_completeness_in_chinese(built_settings, capsys):
    rc, out, _ = run_cli(built_settings, capsys, "docs")
    assert rc == 0
    for line in out.splitlines():
        _doc_id, *rest = line.split("\t")  # the id is a file name, the rest is for reading
        assert english("\t".join(rest)) == set(), line
    missing = [ln for ln in out.splitlines() if ln.startswith("（语料库中没有）")]
    assert missing and not any("语料库中没有：" in ln for ln in missing)  # said once, not 「没有：…没有。」


def test_targets_csv_headers_in_chinese(built_settings, capsys):
    rc, out, _ = run_cli(built_settings, capsys, "targets", "--format", "csv")
    header = next(csv.reader(io.StringIO(out)))
    assert rc == 0 and header[:4] == ["指标", "比较", "数值", "单位"]
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in header), header


def test_build_prints_its_steps(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "plan.txt").write_text("一、建设目标\n到2027年，森林覆盖率达到53%。\n", encoding="utf-8")
    rc = main(["--corpus", str(corpus), "--index", str(tmp_path / "index"), "build", "--quiet"])
    out, err = capsys.readouterr()
    steps = [ln[:5] for ln in err.splitlines() if ln.startswith("[")]
    assert rc == 0 and steps == ["[1/4]", "[2/4]", "[3/4]", "[4/4]"], err
    assert "索引已建成" in out and "新算句向量" in out
    rc = main(["--corpus", str(corpus), "--index", str(tmp_path / "index"), "build", "--quiet"])
    out = capsys.readouterr().out
    assert rc == 0 and "索引已是最新，无需重建" in out and "复用 0 句" not in out
