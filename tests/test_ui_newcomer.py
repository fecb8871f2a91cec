"""What a newcomer meets in the app, without a browser: full titles in exports, the 简报's words
for comparators, cards for phones, the plain-language 文本整理说明, the waiting page while the
index builds, and the page that tells Gradio to speak Chinese."""

from __future__ import annotations

import asyncio
import re
import socket
import urllib.error
import urllib.request
from pathlib import Path

from openpyxl import load_workbook

from kb.labels import COMPARATOR_WORDS
from kb.ui.boundary import ChineseLocale
from kb.ui.cards import cards_html
from kb.ui.docs_tab import quality_html
from kb.ui.style import LOCALE_SCRIPT
from kb.ui.targets_tab import display_rows, update_targets
from kb.ui.waiting import WaitingPage


def test_exports_carry_full_titles_and_words(kb):
    rows, _, csv_path, xlsx_path, _ = update_targets(kb)
    titles = {d.meta.title for d in kb.documents()}
    long_title = max((r[7] for r in rows), key=len)
    assert len(long_title) > 16 and long_title in titles  # 美丽江城建设规划（2024—2035年）, never cut
    assert long_title in Path(csv_path).read_text(encoding="utf-8-sig")
    sheet = load_workbook(xlsx_path).active
    assert {c.value for c in sheet["H"][1:]} <= titles
    assert {r[1] for r in rows} <= set(COMPARATOR_WORDS.values())  # 以上 / 达到, never ≥ or =
    shown = display_rows(rows, numeric=False)
    assert all(len(r[7]) <= 16 for r in shown)  # the table shortens, the files do not


def test_cards_escape_and_label():
    html = cards_html(("指标", "数值", "单位"), [["<b>森林</b>", "53", ""]])
    assert "&lt;b&gt;森林&lt;/b&gt;" in html and "<dt>数值</dt><dd>53</dd>" in html and "单位" not in html
    assert "没有记录" in cards_html(("指标",), [])


def test_quality_panel_speaks_plainly(kb):
    html = quality_html(kb)
    plain = "".join(part.split('<details class="kb-q-tech">')[0] for part in html.split('<div class="kb-q-card'))
    assert "乱码" in plain and "勘误表" in plain
    assert "→" not in plain and "(zhì)" not in plain  # the damaged text is under 技术细节 only
    assert "技术细节" in html and "→" in html


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_waiting_page_shows_the_step_and_refuses_the_api():
    port = _free_port()
    with WaitingPage("127.0.0.1", port) as page:
        page.status = "[3/4] 计算句向量：新算 509 句，复用 0 句…"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            body = r.read().decode()
        assert "[3/4] 计算句向量" in body and 'http-equiv="refresh"' in body
        try:
            urllib.request.urlopen(urllib.request.Request(f"http://127.0.0.1:{port}/gradio_api/call/ask", b"{}"),
                                   timeout=5)
            raise AssertionError("the API answered while the index builds")
        except urllib.error.HTTPError as e:
            assert e.code == 503 and "建立索引" in e.read().decode()
    with socket.socket() as s:  # the port is free again for Gradio (which binds with SO_REUSEADDR too)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("127.0.0.1", port))


def test_page_tells_gradio_the_browser_prefers_chinese():
    page = b'<!doctype html>\n<html\n\tlang="en"\n>\n<head><meta charset="utf-8"></head><body></body></html>'

    async def app(scope, receive, send):
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"%d" % len(page))]})
        await send({"type": "http.response.body", "body": page})

    sent = []

    async def send(message):
        sent.append(message)

    async def run(path):
        sent.clear()
        await ChineseLocale(app, LOCALE_SCRIPT)({"type": "http", "method": "GET", "path": path}, None, send)
        return b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")

    body = asyncio.run(run("/"))
    assert body.startswith(b'<!doctype html>\n<html\n\tlang="zh-CN"') and LOCALE_SCRIPT in body
    length = dict(sent[0]["headers"])[b"content-length"]
    assert int(length) == len(body)
    assert asyncio.run(run("/gradio_api/info")) == page  # other paths pass untouched


def _gradio_section(text: str, marker: str) -> dict[str, str]:
    """The keys of the one flat object in Gradio's bundled locale that holds `marker:`."""
    item = r"(?:[^{}`]|`[^`]*`)*"  # braces inside a `template` ({position}) do not close the object
    found = re.search(r"\{" + item + r"\b" + marker + r":`[^`]*`" + item + r"\}", text)
    return dict(re.findall(r"([\w$]+):`([^`]*)`", found.group(0))) if found else {}


def test_gradio_words_the_app_can_show_are_all_chinese():
    """Gradio's English `common` and `status` words (footer, queue line, loading) each have a
    Chinese word, from Gradio's own zh-CN or from GRADIO_ZH; a Gradio upgrade that adds one fails here."""
    import gradio

    from kb.ui.style import GRADIO_ZH
    assets = Path(gradio.__file__).parent / "templates" / "frontend" / "assets"
    english = "".join(p.read_text(encoding="utf-8") for p in assets.glob("core-*.js"))
    chinese = "".join(p.read_text(encoding="utf-8") for p in assets.glob("zh-CN-*.js"))
    ours = GRADIO_ZH["zh-CN"]
    for section, marker in (("common", "built_with_gradio"), ("status", "queue_position")):
        en = _gradio_section(english, marker)
        assert en, f"Gradio's English {section} section not found"
        zh = _gradio_section(chinese, marker)
        missing = [k for k in en if k not in zh and f"{section}.{k}" not in ours]
        assert not missing, f"Gradio {section} words without Chinese: {missing}"
    assert {"{position}", "{size}"} <= set(re.findall(r"\{\w+\}", ours["status.queue_position"]))
