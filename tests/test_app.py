"""The Gradio app without a browser: build the Blocks, call the handlers, check escaping, bad
input, exports and the settings. The real index (conftest `kb`), no network."""

from __future__ import annotations

import csv
import html
import socket
import struct

import pytest

import app
from kb.config import load_settings
from kb.errors import ConfigError
from kb.types import Citation, DocMeta, Document, Section
from kb.ui.ask_tab import EXAMPLES, ask_json, ask_turn
from kb.ui.docs_tab import document_rows, missing_html, quality_html, section_text, select_document, tree_html
from kb.ui.render import answer_html, chat_html, context_html, plain_text
from kb.ui.targets_tab import COLUMNS, update_targets

XSS = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>", '"><svg onload=alert(1)>')


def _no_raw_tags(markup: str) -> None:
    """The payloads may appear only escaped (&lt;script&gt;), never as real tags."""
    low = markup.lower()
    for tag in ("<script", "<img", "<svg"):
        assert tag not in low, f"raw {tag} in {markup[:300]}"


@pytest.fixture(scope="module")
def demo(kb):
    return app.build_app(kb)


def test_build_app_has_tabs_and_api(demo):
    names = {fn.api_name for fn in demo.fns.values() if fn.api_name}
    assert {"ask", "targets", "documents"} <= names
    labels = {getattr(b, "label", None) for b in demo.blocks.values()}
    assert {"问答", "目标指标", "文件"} <= labels


def test_answer_carries_citation_marker_and_escaped_quote(kb):
    chat, history, message, copy, box = ask_turn(kb, "电动公交车要占多少？", [])
    assert message == "" and box == ""
    ans = history[-1]["answer"]
    assert ans["status"] == "answered" and "[1]" in ans["answer"]
    assert 'data-target="kb-c-0-1"' in chat and ">[1]</sup>" in chat
    quote = ans["citations"][0]["quote"]
    assert html.escape(quote) in chat
    assert "<mark>" in chat  # the source passage with the quote highlighted
    doc = kb.document(ans["citations"][0]["doc_id"])
    assert doc.text[ans["citations"][0]["start"]:ans["citations"][0]["end"]] == quote
    assert "[1]" in copy and "出处：" in copy and quote in copy


@pytest.mark.parametrize("payload", XSS)
def test_question_with_markup_is_shown_as_text(kb, payload):
    chat, _, message, _, _ = ask_turn(kb, f"{payload}电动公交车要占多少？", [])
    _no_raw_tags(chat + message)
    assert html.escape(payload) in chat


@pytest.mark.parametrize("payload", XSS)
def test_answer_and_document_text_are_escaped(payload):
    text = f"一、总体要求\n到2027年，{payload}电动公交车占比达到100%。\n"
    start = text.index(payload)
    doc = Document(DocMeta("x", f"标题{payload}"), text, (Section("chapter", "一、总体要求", ("一、总体要求",), 0, len(text)),),
                   (), "x.txt", "0")
    cite = Citation(1, "x", doc.meta.title, f"一、总体要求 › {payload}", text[start:start + 20], start, start + 20)
    ans = {"question": payload, "status": "answered", "answer": f"{payload}占比达到100%[1]。",
           "citations": [cite.__dict__], "related": [cite.__dict__]}
    markup = answer_html(ans, {"x": doc}) + chat_html([{"question": payload, "answer": ans}], {"x": doc})
    markup += context_html(doc, start, start + 20, cite.quote) + tree_html(doc)
    _no_raw_tags(markup)
    assert "<mark>" in markup and "&lt;" in markup
    assert payload in plain_text(payload, ans)  # the copy box is plain text, not markup


EVIL_DOC = """title: 测试文件<script>alert(1)</script>
issuer: <img src=x onerror=alert(2)>
level: municipal
---
一、总体要求<script>alert(3)</script>
到2027年，电动公交车占比达到80%<img src=x onerror=alert(4)>。
（一）<svg onload=alert(5)>绿色交通
推广新能源汽车，到2030年充电桩数量达到5000个<script>alert(6)</script>。
"""


@pytest.fixture(scope="module")
def evil_kb(tmp_path_factory):
    """A corpus whose document carries markup in its title, headings and sentences."""
    from kb.api import KnowledgeBase
    from kb.index import build_index

    root = tmp_path_factory.mktemp("evil")
    (root / "corpus").mkdir()
    (root / "corpus" / "evil.txt").write_text(EVIL_DOC, encoding="utf-8")
    settings = load_settings(env={}, corpus=root / "corpus", index=root / "index")
    build_index(settings, progress=False)
    return KnowledgeBase(settings)


def test_document_with_markup_is_shown_as_text_everywhere(evil_kb):
    doc = evil_kb.documents()[0]
    assert "<script>" in doc.text  # the payload survives ingestion: escaping is the app's job
    chat, history, message, _, _ = ask_turn(evil_kb, "电动公交车占比要达到多少？", [])
    assert history and history[-1]["answer"]["citations"], message
    markup = chat + quality_html(evil_kb) + missing_html(evil_kb)
    head, tree, _, _ = select_document(evil_kb, doc.doc_id)
    markup += head + tree + "".join(section_text(evil_kb, doc.doc_id, str(i)) for i in range(len(doc.sections)))
    _no_raw_tags(markup)
    assert "&lt;script&gt;" in markup and "<mark>" in markup
    app.build_app(evil_kb)  # builds without rendering any of it as markup


@pytest.mark.parametrize("bad", ["", "   ", "字" * 100_000, "😀😀😀", "？？！！", None])
def test_bad_input_gives_a_message_not_an_exception(kb, bad):
    history = [{"question": "q", "filters": "", "answer": {"status": "answered", "answer": "a", "citations": []}}]
    _, new_history, message, copy, _ = ask_turn(kb, bad, history)
    assert new_history == history and copy == ""
    assert 'class="kb-msg kb-msg-error"' in message and "Traceback" not in message
    result = ask_json(kb, bad)
    assert result["status"] == "error" and result["error"]


def test_bad_filters_give_a_message(kb):
    _, _, message, _, _ = ask_turn(kb, "电动公交车要占多少？", [], doc_id="../../etc/passwd")
    assert "kb-msg-error" in message
    assert ask_json(kb, "电动公交车要占多少？", year="明年")["status"] == "error"
    assert ask_json(kb, "电动公交车要占多少？", level="galactic")["status"] == "error"


def test_not_found_is_marked_and_lists_related_passages(kb):
    chat, history, _, copy, _ = ask_turn(kb, "上海的地铁票价是多少？", [])
    assert history[-1]["answer"]["status"] == "not_found"
    assert "未找到" in chat and "kb-badge kb-nf" in chat
    if history[-1]["answer"]["related"]:
        assert "相关段落（仅供参考）" in chat and "相关段落（仅供参考）" in copy


def test_filters_by_document_and_year(kb):
    docs = kb.documents()
    national = next(d for d in docs if d.meta.level == "national")
    res = ask_json(kb, "主要目标是什么？", doc_id=national.doc_id)
    assert res["status"] in ("answered", "not_found")
    assert all(c["doc_id"] == national.doc_id for c in res["citations"])
    res = ask_json(kb, "细颗粒物浓度要降到多少？", year="2027")
    assert res["status"] in ("answered", "not_found")
    if res["status"] == "answered":
        assert "2027" in res["answer"] or any("2027" in c["quote"] for c in res["citations"])


def test_examples_all_answer(kb):
    for q in EXAMPLES:
        res = ask_json(kb, q)
        assert res["status"] in ("answered", "not_found"), res
        assert isinstance(res["citations"], list)


def test_chat_keeps_turns_in_order(kb):
    _, history, *_ = ask_turn(kb, EXAMPLES[0], [])
    chat, history, *_ = ask_turn(kb, EXAMPLES[1], history)
    assert [t["question"] for t in history] == list(EXAMPLES[:2])
    assert chat.index(html.escape(EXAMPLES[0])) < chat.index(html.escape(EXAMPLES[1]))


def test_targets_table_and_exports(kb):
    rows, info, csv_path, xlsx_path, png = update_targets(kb)
    assert len(rows) > 0 and all(len(r) == len(COLUMNS) for r in rows)
    assert "条目标指标" in info
    with open(csv_path, encoding="utf-8-sig", newline="") as f:
        got = list(csv.reader(f))
    assert tuple(got[0]) == COLUMNS and len(got) == len(rows) + 1
    from openpyxl import load_workbook

    ws = load_workbook(xlsx_path).active
    values = list(ws.iter_rows(values_only=True))
    assert tuple(values[0]) == COLUMNS and len(values) == len(rows) + 1
    assert values[1][0] == rows[0][0]
    with open(png, "rb") as f:
        assert f.read(8) == b"\x89PNG\r\n\x1a\n"
        f.seek(16)
        width, height = struct.unpack(">II", f.read(8))
    assert width > 300 and height > 150


def test_targets_filters_and_bad_values(kb):
    all_rows = update_targets(kb)[0]
    years = sorted({r[4] for r in all_rows if r[4]})
    rows = update_targets(kb, years[0])[0]
    assert rows and all(r[4] == years[0] for r in rows)
    rows, info, csv_path, _, _ = update_targets(kb, "", "", "没有这种指标的关键词")
    assert rows == [] and csv_path is None and "没有符合条件" in info
    rows, info, *_ = update_targets(kb, "明年")
    assert rows == [] and "kb-msg-error" in info


def test_docs_tab_content(kb):
    rows = document_rows(kb)
    assert rows and all(r[6].isdigit() for r in rows)
    assert "勘误" in quality_html(kb) or "可疑" in quality_html(kb)
    assert "美丽吉林建设规划纲要" in missing_html(kb)
    doc = kb.documents()[0]
    head, tree, update, _ = select_document(kb, doc.doc_id)
    assert doc.meta.title in head and tree.count("<details") >= len(doc.sections)
    assert update["choices"]
    text = section_text(kb, doc.doc_id, "0")
    assert html.escape(doc.text[doc.sections[0].start:doc.sections[0].start + 10]) in text
    assert "kb-msg-error" in select_document(kb, "<script>")[0]
    assert "kb-msg-error" in section_text(kb, doc.doc_id, "99999")


def test_settings_default_to_loopback(monkeypatch):
    s = load_settings(env={})
    assert s.host == "127.0.0.1" and s.port == 7860
    assert not app.is_public("127.0.0.1") and not app.is_public("localhost") and not app.is_public("::1")
    assert app.is_public("0.0.0.0") and app.is_public("192.168.1.5")
    assert app.login(s) is None
    assert app.login(load_settings(env={"KB_AUTH_USER": "a", "KB_AUTH_PASSWORD": "b"})) == ("a", "b")
    with pytest.raises(ConfigError):
        app.login(load_settings(env={"KB_AUTH_USER": "a"}))


def test_help_works(capsys):
    with pytest.raises(SystemExit) as e:
        app.main(["--help"])
    assert e.value.code == 0
    out = capsys.readouterr().out
    assert "--host" in out and "--port" in out and "0.0.0.0" in out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_api_through_gradio_client_and_no_project_files_served(demo, built_settings):
    import urllib.error
    import urllib.request

    from gradio_client import Client

    settings = load_settings(env={}, corpus=built_settings.corpus, index=built_settings.index, port=_free_port())
    demo.queue(default_concurrency_limit=app.CONCURRENCY)
    demo.launch(**app.launch_options(settings), prevent_thread_lock=True)
    url = f"http://127.0.0.1:{settings.port}/"
    try:
        client = Client(url, verbose=False)
        res = client.predict("电动公交车要占多少？", api_name="/ask")
        assert res["status"] == "answered" and res["citations"][0]["n"] == 1
        assert client.predict("", api_name="/ask")["status"] == "error"
        assert client.predict(api_name="/targets")
        assert client.predict(api_name="/documents")
        for path in (app.__file__, str(built_settings.corpus.resolve() / "manifest.json"), "/etc/passwd"):
            with pytest.raises(urllib.error.HTTPError) as e:
                urllib.request.urlopen(f"{url}gradio_api/file={path}", timeout=5)
            assert e.value.code in (403, 404)
    finally:
        demo.close()
