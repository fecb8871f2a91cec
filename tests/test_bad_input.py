"""Bad input to the CLI (``kb.cli.main``) and the Python API; uploads are in
tests/test_bad_uploads.py, the app's handlers in tests/test_bad_input_app.py, and the inputs
themselves in tests/badinput_common.py.

Every bad input gets a clear message and never a traceback: in the CLI exit 2 and exactly one
line on stderr starting with 错误：; in the API a BadInput; in the app a status "error" object or
an escaped message. Markup in a question is never rendered: answers are plain text, the app's
HTML escapes it. ``kb check`` writes nothing into corpus/ (or next to the checked file).
"""

from __future__ import annotations

import json
import os

os.environ.setdefault("OMP_NUM_THREADS", "1")  # see tests/test_properties.py (query speed under load)

import pytest
from badinput_common import (
    BAD_DOC_IDS,
    BAD_QUESTIONS,
    GOOD,
    MAX_LINE,
    ODD_QUESTIONS,
    PLAN,
    SAME_AS_GOOD,
    assert_bad,
    assert_clean,
    assert_no_markup,
    run_cli,
)

from kb.cli import main
from kb.errors import BadInput, UnknownDocument


# --------------------------------------------------------------------------------- CLI: ask
@pytest.mark.parametrize("question", BAD_QUESTIONS.values(), ids=BAD_QUESTIONS.keys())
@pytest.mark.parametrize("json_flag", [(), ("--json",)], ids=["text", "json"])
def test_cli_ask_bad_question(built_settings, capsys, question, json_flag):
    assert_bad(*run_cli(built_settings, capsys, "ask", question, *json_flag))


@pytest.mark.parametrize("name", ODD_QUESTIONS.keys())
def test_cli_ask_odd_question_text(built_settings, capsys, name):
    rc, out, err = run_cli(built_settings, capsys, "ask", ODD_QUESTIONS[name])
    assert_clean(out, err)
    if rc == 2:
        assert_bad(rc, out, err)
        return
    assert rc == 0 and err == "", (rc, err)
    assert out.strip()
    assert_no_markup(out)  # the question is not echoed; answers and quotes are plain corpus text
    assert "\u202e" not in out


@pytest.mark.parametrize("name", ODD_QUESTIONS.keys())
def test_cli_ask_odd_question_json(built_settings, capsys, name):
    question = ODD_QUESTIONS[name]
    rc, out, err = run_cli(built_settings, capsys, "ask", question, "--json")
    assert_clean(out, err)
    if rc == 2:
        assert_bad(rc, out, err)
        return
    assert rc == 0 and err == ""
    obj = json.loads(out)
    assert obj["question"] == question  # echoing the question in JSON is fine
    assert obj["status"] in ("answered", "not_found")
    rest = {k: v for k, v in obj.items() if k != "question"}
    assert_no_markup(json.dumps(rest, ensure_ascii=False))


@pytest.mark.parametrize("name", SAME_AS_GOOD)
def test_cli_control_characters_are_dropped_and_the_question_answered(built_settings, capsys, name):
    rc, out, _ = run_cli(built_settings, capsys, "ask", GOOD, "--json")
    good = json.loads(out)
    rc2, out2, err2 = run_cli(built_settings, capsys, "ask", ODD_QUESTIONS[name], "--json")
    assert rc == rc2 == 0 and err2 == ""
    odd = json.loads(out2)
    assert good["status"] == "answered"
    assert (odd["status"], odd["answer"], odd["citations"]) == (good["status"], good["answer"], good["citations"])


# --------------------------------------------------------------------------------- CLI: doc
@pytest.mark.parametrize("doc_id", BAD_DOC_IDS.values(), ids=BAD_DOC_IDS.keys())
@pytest.mark.parametrize("json_flag", [(), ("--json",)], ids=["text", "json"])
def test_cli_doc_bad_id(built_settings, capsys, doc_id, json_flag):
    rc, out, err = run_cli(built_settings, capsys, "doc", doc_id, *json_flag)
    assert "root:" not in out + err  # /etc/passwd was not read
    assert_bad(rc, out, err)


# --------------------------------------------------------------------------------- CLI: flags
BAD_ARGV = {
    "unknown-global": ["--bogus"],
    "unknown-ask": ["ask", "--bogus", GOOD],
    "unknown-short": ["ask", "-x", GOOD],
    "unknown-check": ["check", "--frobnicate", "plan.txt"],
    "unknown-command": ["nosuchcommand"],
    "ask-nothing": ["ask"],
    "doc-missing-id": ["doc"],
    "check-missing-file": ["check"],
    "brief-missing-out": ["brief", "--topic", "大气"],
    "ask-k-0": ["ask", "-k", "0", GOOD],
    "ask-k-neg": ["ask", "-k", "-5", GOOD],
    "ask-k-huge": ["ask", "-k", "100000", GOOD],
    "ask-k-abc": ["ask", "-k", "abc", GOOD],
    "search-k-0": ["search", GOOD, "-k", "0"],
    "search-k-neg": ["search", GOOD, "-k", "-5"],
    "search-k-huge": ["search", GOOD, "-k", "100000"],
    "search-mode": ["search", GOOD, "--mode", "sql"],
    "search-empty": ["search", ""],
    "targets-year-abc": ["targets", "--year", "abc"],
    "targets-year-float": ["targets", "--year", "2027.5"],
    "targets-format": ["targets", "--format", "xml"],
    "ask-doc-filter-traversal": ["ask", GOOD, "--doc", "../../etc/passwd"],
    "ask-level-filter-bogus": ["ask", GOOD, "--level", "<script>"],
    "brief-empty-topic": ["brief", "--topic", "", "--out", "brief.md"],
    "batch-missing": ["ask", "--batch", "/nonexistent/questions.txt", "--json"],
}


@pytest.mark.parametrize("argv", BAD_ARGV.values(), ids=BAD_ARGV.keys())
def test_cli_bad_arguments(built_settings, capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)  # brief --out brief.md must not land in the project
    assert_bad(*run_cli(built_settings, capsys, *argv))


@pytest.mark.parametrize("argv", [["--help"], ["ask", "--help"], ["check", "-h"]], ids=["help", "ask-help", "check-h"])
def test_cli_help_returns_instead_of_raising(built_settings, capsys, argv):
    """main(argv) returns the exit code and never raises (argparse's --help raises SystemExit)."""
    try:
        rc = main(argv)
    except SystemExit as e:  # pragma: no cover - the bug this test reports
        pytest.fail(f"main({argv}) raised SystemExit({e.code}) instead of returning 0")
    out, err = capsys.readouterr()
    assert rc == 0 and "用法" in out and err == ""


def test_cli_missing_index_and_corpus(tmp_path, capsys):
    assert_bad(main(["--index", str(tmp_path / "none"), "ask", GOOD]), *capsys.readouterr())
    assert_bad(main(["--corpus", str(tmp_path / "none"), "--index", str(tmp_path / "none"), "docs"]),
               *capsys.readouterr())


# --------------------------------------------------------------------------------- CLI: batch
BATCH_LINES = [
    (GOOD, "answered"),
    ("", "error"),
    ("   ", "error"),
    ("问" * 3000, "error"),
    ("😀😀", "error"),
    ("<script>alert(1)</script>", "ok"),
    ("2027年時全市森林覆蓋率的目標是多少？", "answered"),
    ("\x00", "error"),
    ("'; DROP TABLE docs; --", "ok"),
    ("电动公交车 مرحبا Привет 要占多少？", "ok"),
    ("<img src=x onerror=alert(1)>", "ok"),
    ("谁负责制定年度行动方案？", "answered"),
]


def test_cli_batch_mixes_good_and_bad_lines(built_settings, capsys, tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text("\n".join(q for q, _ in BATCH_LINES) + "\n", encoding="utf-8")
    rc, out, err = run_cli(built_settings, capsys, "ask", "--batch", str(path), "--json")
    assert_clean(out, err)
    assert rc == 0 and err == ""
    objs = [json.loads(line) for line in out.splitlines()]
    assert len(objs) == len(BATCH_LINES), "every line of the batch file gets exactly one JSON object"
    for obj, (question, expected) in zip(objs, BATCH_LINES):
        assert obj["question"] == question[:200]
        if expected == "error":
            assert obj["status"] == "error" and obj["error"] and "\n" not in obj["error"], obj
        else:
            assert obj["status"] in ("answered", "not_found"), obj
            if expected == "answered":
                assert obj["status"] == "answered", obj
            assert_no_markup(json.dumps({k: v for k, v in obj.items() if k != "question"}, ensure_ascii=False))


def test_cli_batch_with_undecodable_lines(built_settings, capsys, tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(GOOD.encode() + b"\n\xff\xfe\xfa\x80 bad bytes\n" + "谁负责制定年度行动方案？".encode("gbk") + b"\n")
    rc, out, err = run_cli(built_settings, capsys, "ask", "--batch", str(path), "--json")
    assert_clean(out, err)
    if rc == 2:
        assert_bad(rc, out, err)
        return
    objs = [json.loads(line) for line in out.splitlines()]
    assert rc == 0 and len(objs) == 3
    assert objs[0]["status"] == "answered"
    assert all(o["status"] in ("answered", "not_found", "error") for o in objs)


# --------------------------------------------------------------------------------- Python API
@pytest.mark.parametrize("question", [*BAD_QUESTIONS.values(), None, 123, b"bytes", ["list"]],
                         ids=[*BAD_QUESTIONS.keys(), "none", "int", "bytes", "list"])
def test_api_ask_bad_question_raises_bad_input(kb, question):
    with pytest.raises(BadInput) as info:
        kb.ask(question)
    line = info.value.one_line()
    assert line and "\n" not in line and len(line) <= MAX_LINE


@pytest.mark.parametrize("name", ODD_QUESTIONS.keys())
def test_api_ask_odd_question(kb, name):
    try:
        ans = kb.ask(ODD_QUESTIONS[name])
    except BadInput as e:
        assert "\n" not in e.one_line()
        return
    assert ans.status in ("answered", "not_found")
    assert_no_markup(ans.answer + "".join(c.quote + c.section + c.title for c in (*ans.citations, *ans.related)))
    for c in (*ans.citations, *ans.related):
        assert kb.document(c.doc_id).text[c.start:c.end] == c.quote


@pytest.mark.parametrize("doc_id", [*BAD_DOC_IDS.values(), None, 42],
                         ids=[*BAD_DOC_IDS.keys(), "none", "int"])
def test_api_document_bad_id(kb, doc_id):
    with pytest.raises(UnknownDocument) as info:
        kb.document(doc_id)
    assert len(info.value.one_line()) <= MAX_LINE


@pytest.mark.parametrize("query,kwargs", [("", {}), ("   ", {}), ("😀", {}), ("问" * 100_000, {}),
                                          (GOOD, {"mode": "sql"}), (GOOD, {"mode": "<script>"})],
                         ids=["empty", "spaces", "emoji", "100k", "mode-sql", "mode-script"])
def test_api_search_bad_input(kb, query, kwargs):
    with pytest.raises(BadInput):
        kb.search(query, **kwargs)


@pytest.mark.parametrize("k", [0, -5, 100_000])
def test_api_search_k_is_bounded(kb, k):
    hits = kb.search(GOOD, k=k)
    assert 1 <= len(hits) <= 100


@pytest.mark.parametrize("topic", ["<script>alert(1)</script>", "'; DROP TABLE docs; --", "大" * 100_000, "\x00",
                                   "😀"], ids=["script", "sql", "100k", "nul", "emoji"])
def test_api_targets_odd_topic(kb, topic):
    facts = kb.targets(topic=topic)
    assert isinstance(facts, list)


def test_read_plan_size_limit_is_exact():
    from kb.crosscheck import read_plan

    data = PLAN.encode()
    limit = len(data) / (1024 * 1024)
    assert "新能源公交车" in read_plan(data, "p.txt", limit)
    with pytest.raises(BadInput, match="过大"):
        read_plan(data + b"x", "p.txt", limit)


def test_a_binary_question_file_is_refused_and_a_garbled_line_is_an_error(tmp_path):
    import random

    from kb.errors import BadInput
    from kb.query.understand import validate
    from kb.readers import decode_text

    rng = random.Random(7)
    noise = bytes(rng.randrange(256) for _ in range(3000))
    with pytest.raises(BadInput, match="二进制"):
        decode_text(noise, "q.bin")
    with pytest.raises(BadInput, match="无法识别的字符"):
        validate("森林\ufffd覆盖率")
    assert validate("\x1b[31m森林覆盖率\x1b[0m") == validate("森林覆盖率")  # a pasted colour code is no text
