"""Bad input to the app's handlers (kb.ui.*): a status "error" object or an escaped message,
never a traceback, never raw markup; 核对 uploads and pastes, 简报 topics and years."""

from __future__ import annotations

import json
import os
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # see tests/test_properties.py (query speed under load)

import pytest
from badinput_common import (
    BAD_DOC_IDS,
    BAD_QUESTIONS,
    BAD_UPLOAD_IDS,
    GOOD,
    GOOD_UPLOADS,
    MAX_LINE,
    ODD_QUESTIONS,
    assert_no_markup,
    snapshot,
)

# --------------------------------------------------------------------------------- the app's handlers
try:  # app.py exposes build_app; its handlers live in kb.ui.* and are plain functions
    import app as _app  # noqa: F401
    from kb.ui.ask_tab import ask_json, ask_turn
    from kb.ui.brief_tab import make_brief
    from kb.ui.check_tab import run_check
    from kb.ui.docs_tab import section_text, select_document
    from kb.ui.targets_tab import targets_json, update_targets

    APP_ERROR = ""
except Exception as e:  # noqa: BLE001 - any import failure means the app part cannot run
    APP_ERROR = f"app handlers not importable: {type(e).__name__}: {e}"

needs_app = pytest.mark.skipif(bool(APP_ERROR), reason=APP_ERROR or "app importable")
ALL_QUESTIONS = {**BAD_QUESTIONS, **ODD_QUESTIONS}


@needs_app
@pytest.mark.parametrize("name", ALL_QUESTIONS.keys())
def test_app_ask_json(kb, name):
    question = ALL_QUESTIONS[name]
    res = ask_json(kb, question)
    json.dumps(res)  # the endpoint's payload serializes
    if name in BAD_QUESTIONS:
        assert res["status"] == "error" and res["error"] and "\n" not in res["error"]
        assert len(res["error"]) <= MAX_LINE and "Traceback" not in res["error"]
    else:
        assert res["status"] in ("answered", "not_found", "error"), res
    assert_no_markup(json.dumps({k: v for k, v in res.items() if k != "question"}, ensure_ascii=False))


@needs_app
@pytest.mark.parametrize("name", ALL_QUESTIONS.keys())
def test_app_ask_turn_renders_escaped_html(kb, name):
    question = ALL_QUESTIONS[name]
    chat, history, message, _, _ = ask_turn(kb, question, [])
    assert_no_markup(chat + message)
    assert "Traceback" not in chat + message
    if name in BAD_QUESTIONS:
        assert "kb-msg-error" in message and history == []
    else:
        assert history or "kb-msg-error" in message


@needs_app
@pytest.mark.parametrize("field,value", [
    ("doc_id", "../../etc/passwd"), ("doc_id", "d" * 10_000), ("doc_id", "<script>alert(1)</script>"),
    ("level", "<script>alert(1)</script>"), ("level", "galactic"), ("year", "abc"), ("year", "99999"),
    ("year", "-1"), ("year", "<img src=x onerror=alert(1)>"), ("year", "2027.5"),
], ids=lambda v: str(v)[:20])
def test_app_bad_filters(kb, field, value):
    res = ask_json(kb, GOOD, **{field: value})
    assert res["status"] == "error" and "\n" not in res["error"] and len(res["error"]) <= MAX_LINE
    _, _, message, _, _ = ask_turn(kb, GOOD, [], **{field: value})
    assert "kb-msg-error" in message
    assert_no_markup(message)


@needs_app
@pytest.mark.parametrize("doc_id", BAD_DOC_IDS.values(), ids=BAD_DOC_IDS.keys())
def test_app_select_document_bad_id(kb, doc_id):
    header, tree, _, text = select_document(kb, doc_id)
    assert "kb-msg-error" in header and tree == "" and text == ""
    assert_no_markup(header)
    assert "root:" not in header
    assert section_text(kb, doc_id, "0").startswith('<div class="kb-msg')


@needs_app
@pytest.mark.parametrize("index", ["abc", "-99999", "99999", "<script>", "1e9"])
def test_app_section_text_bad_index(kb, index):
    doc_id = kb.documents()[0].doc_id
    out = section_text(kb, doc_id, index)
    assert_no_markup(out)
    assert "kb-msg" in out or "kb-section-full" in out


@needs_app
@pytest.mark.parametrize("year,topic", [("abc", ""), ("", "<script>alert(1)</script>"), ("", "大" * 100_000),
                                        ("2027.5", ""), ("", "'; DROP TABLE docs; --")],
                         ids=["year-abc", "topic-script", "topic-100k", "year-float", "topic-sql"])
def test_app_targets_bad_filters(kb, year, topic):
    rows = targets_json(kb, year, topic)
    json.dumps(rows)
    assert isinstance(rows, list)
    _, info, *_ = update_targets(kb, year, topic, "")
    assert_no_markup(info)


@needs_app
@pytest.mark.parametrize("case", BAD_UPLOAD_IDS)
def test_app_check_bad_upload(kb, built_settings, tmp_path, bad_uploads, case):
    name, data = bad_uploads[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot(built_settings.corpus)
    rows, summary, state, xlsx, docx_file = run_check(kb, "", str(path))
    assert "kb-msg-error" in summary and len(summary) <= MAX_LINE + 100, summary[:300]
    assert (state, xlsx, docx_file) == (None, None, None)
    assert_no_markup(rows + summary)
    assert snapshot(built_settings.corpus) == before


@needs_app
@pytest.mark.parametrize("case", GOOD_UPLOADS.keys())
def test_app_check_reads_every_encoding(kb, built_settings, tmp_path, case):
    name, data = GOOD_UPLOADS[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot(built_settings.corpus)
    rows, summary, state, xlsx, docx_file = run_check(kb, "", str(path))
    assert state and len(state["findings"]) >= 3, summary
    assert "kb-ck-row" in rows and "kb-msg-error" not in summary
    assert_no_markup(rows + summary)
    for f in (xlsx, docx_file):
        assert f and Path(f).is_file() and Path(built_settings.corpus).resolve() not in Path(f).resolve().parents
    assert snapshot(built_settings.corpus) == before


PASTES = {
    "empty": "",
    "spaces": "  \n\t\u3000 ",
    "over-limit": "到2027年，森林覆盖率达到53%。\n" * 6000,
    "nuls": "\x00" * 20,
    "emoji": "😀😀😀",
    "markup": "<script>alert(1)</script>\n到2027年，<img src=x onerror=alert(1)>森林覆盖率达到53%。",
    "controls": "\x00\x1b[31m到2027年，森林覆盖率达到53%。\u202e",
    "sql": "'; DROP TABLE docs; --\n到2027年，新能源公交车占比达到72%。",
}


@needs_app
@pytest.mark.parametrize("name", PASTES.keys())
def test_app_check_pasted_text(kb, name):
    rows, summary, state, xlsx, docx_file = run_check(kb, PASTES[name], None)
    assert_no_markup(rows + summary)
    assert "Traceback" not in rows + summary
    if state is None:
        assert "kb-msg" in summary and (xlsx, docx_file) == (None, None)
    else:
        assert state["findings"] and "kb-ck-row" in rows
        assert "\x1b" not in rows and "\x00" not in rows


@needs_app
@pytest.mark.parametrize("upload", ["/nonexistent/plan.txt", "/etc/passwd", "/tmp", ""])
def test_app_check_upload_paths(kb, upload):
    rows, summary, state, *_ = run_check(kb, "", upload)
    assert state is None and "kb-msg" in summary and "root:" not in rows + summary


@needs_app
@pytest.mark.parametrize("topic,year", [
    ("", "全部"), ("   ", "全部"), ("大" * 51, "全部"), ("大" * 100_000, "全部"), ("<script>alert(1)</script>", "全部"),
    ("'; DROP TABLE docs; --", "全部"), ("../../etc/passwd", "全部"), ("😀", "全部"), ("湿地", "abc"),
    ("湿地", "99999"), ("湿地", "-1"), ("湿地", "<img src=x onerror=alert(1)>"),
], ids=["empty", "spaces", "51-chars", "100k", "script", "sql", "traversal", "emoji", "year-abc", "year-99999",
        "year-neg", "year-img"])
def test_app_brief_bad_input(kb, built_settings, topic, year):
    before = snapshot(built_settings.corpus)
    message, preview, png, docx_file, md = make_brief(kb, topic, year)
    assert "kb-msg-error" in message and (png, docx_file, md) == (None, None, None)
    assert_no_markup(message + preview)
    assert len(message) <= MAX_LINE + 100
    assert snapshot(built_settings.corpus) == before
