"""End to end in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright for Python;
never `playwright install`). Starts `python app.py` on a free loopback port with the test index,
asks a question, opens a citation, sees the highlighted quote, then the targets, files, 核对 and 简报
tabs.
Screenshots go to /tmp/kb_screens/*.png."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
SCREENS = Path("/tmp/kb_screens")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _need_browser() -> None:
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"{CHROMIUM} (apt-get install chromium fonts-noto-cjk)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright for Python (pip install playwright)")
    if missing:
        reason = "browser test needs " + " and ".join(missing)
        if os.environ.get("KB_REQUIRE_BROWSER") == "1":
            pytest.fail(reason + " — KB_REQUIRE_BROWSER=1 is set")
        pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(built_settings):
    _need_browser()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_AUTH")}
    env.update(KB_HOST="127.0.0.1", GRADIO_ANALYTICS_ENABLED="False", NO_PROXY="*")
    log = open(SCREENS.parent / f"kb_app_{port}.log", "w")  # noqa: SIM115 - closed below
    proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port), "--index", str(built_settings.index),
                             "--corpus", str(built_settings.corpus)], cwd=ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            break
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.2)
    else:
        proc.kill()
    if proc.poll() is not None:
        log.close()
        pytest.fail(f"app did not start: {Path(log.name).read_text()[-2000:]}")
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@pytest.fixture(scope="module")
def page(app_url):
    from playwright.sync_api import sync_playwright

    SCREENS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        ctx = browser.new_context(viewport={"width": 1360, "height": 1000}, locale="zh-CN")
        pg = ctx.new_page()
        pg.dialogs = []
        pg.on("dialog", lambda d: (pg.dialogs.append(d.message), d.dismiss()))
        pg.outside = []  # the app works offline: no request may leave the loopback address
        local = (app_url, "data:", "blob:")
        pg.on("request", lambda r: None if r.url.startswith(local) else pg.outside.append(r.url))
        pg.goto(app_url, wait_until="domcontentloaded")
        pg.get_by_text("江城政策知识库").first.wait_for(timeout=30_000)
        yield pg
        browser.close()


def _ask(page, question: str) -> None:
    box = page.locator("#kb-question textarea, #kb-question input").first
    box.fill(question)
    before = page.locator("#kb-chat .kb-turn").count()
    page.locator("#kb-ask").click()
    page.wait_for_function(f"document.querySelectorAll('#kb-chat .kb-turn').length > {before}", timeout=30_000)


def test_ask_cite_and_highlight(page):
    _ask(page, "电动公交车要占多少？")
    answer = page.locator("#kb-chat .kb-answer").last
    assert "已回答" in answer.inner_text()
    ref = answer.locator(".kb-ref").first
    assert ref.inner_text() == "[1]"
    card = answer.locator(".kb-cite").first
    assert "《" in card.inner_text() and "›" in card.inner_text()
    mark = card.locator("mark")
    assert not mark.is_visible()
    ref.click()  # opens the source passage in context
    mark.wait_for(state="visible", timeout=5_000)
    quote = card.locator(".kb-quote").inner_text().strip("“”")
    assert mark.inner_text() == quote
    page.screenshot(path=str(SCREENS / "ask.png"), full_page=True)


def test_list_answer_shows_one_cited_line_per_item(page):
    _ask(page, "规划说的“美丽细胞”包括建哪些？")
    answer = page.locator("#kb-chat .kb-answer").last
    lines = [ln for ln in answer.locator(".kb-text").inner_text().splitlines() if ln.strip()]
    assert lines[0].startswith("（四）建设“美丽细胞”") and len(lines) == 7, lines
    assert all(ln.rstrip("。：").endswith("]") for ln in lines), lines  # every line carries its citation
    assert answer.locator(".kb-cite").count() == 7
    page.screenshot(path=str(SCREENS / "ask_list.png"), full_page=True)


def test_example_and_not_found(page):
    page.get_by_role("button", name="专栏4有哪些重点工程？").click()
    page.wait_for_function("[...document.querySelectorAll('#kb-chat .kb-q')].some(e => e.innerText.includes('专栏4'))",
                           timeout=30_000)
    _ask(page, "上海的地铁票价是多少？")
    last = page.locator("#kb-chat .kb-answer").last
    assert "未找到" in last.locator(".kb-badge").inner_text()
    page.wait_for_timeout(300)  # the chat box scrolls to the newest turn
    assert page.evaluate("""(() => { const t = [...document.querySelectorAll('#kb-chat .kb-turn')].pop();
        const c = document.querySelector('#kb-chat .html-container') || t.parentElement;
        const a = t.getBoundingClientRect(), b = c.getBoundingClientRect();
        return a.top >= b.top - 2 && a.top < b.bottom; })()""")
    page.locator("#kb-copy-box").get_by_text("复制答案（含出处）").click()
    copy = page.locator("#kb-copy textarea")
    copy.wait_for(state="visible", timeout=5_000)
    assert "未找到" in copy.input_value()
    page.screenshot(path=str(SCREENS / "ask_not_found.png"), full_page=True)


def test_markup_is_shown_as_text(page):
    from playwright.sync_api import expect

    payload = "<img src=x onerror=alert(1)><script>alert(2)</script>"
    _ask(page, payload + "电动公交车要占多少？")
    assert payload in page.locator("#kb-chat .kb-q").last.inner_text()
    assert page.locator("#kb-chat img, #kb-chat script").count() == 0
    turns = page.locator("#kb-chat .kb-turn").count()
    _ask_no_turn(page, "😀😀😀")  # a bad input: a message, no new turn, no traceback
    expect(page.locator("#kb-message .kb-msg-error")).to_contain_text("表情", timeout=10_000)
    assert page.locator("#kb-chat .kb-turn").count() == turns
    assert "Traceback" not in page.content()
    assert page.dialogs == []


def _ask_no_turn(page, question: str) -> None:
    box = page.locator("#kb-question textarea, #kb-question input").first
    box.fill(question)
    page.locator("#kb-ask").click()


def test_bad_input_message(page):
    from playwright.sync_api import expect

    _ask_no_turn(page, "   ")
    expect(page.locator("#kb-message .kb-msg-error")).to_contain_text("问题为空", timeout=10_000)


def test_targets_table_and_timeline(page):
    page.get_by_role("tab", name="目标指标").click()
    table = page.locator("#kb-targets-table")
    table.get_by_text("指标", exact=True).first.wait_for(timeout=15_000)
    grid = table.locator("[role=grid]")  # gradio 6 renders rows as [role=row] divs, virtualized
    page.wait_for_function("document.querySelectorAll('#kb-targets-table [role=gridcell]').length > 3 * 8",
                           timeout=15_000)
    assert int(grid.get_attribute("aria-rowcount")) > 10
    img = page.locator("#kb-timeline img").first
    img.wait_for(state="visible", timeout=15_000)
    page.wait_for_function("(() => { const i = document.querySelector('#kb-timeline img');"
                           " return i && i.complete && i.naturalWidth > 300; })()", timeout=15_000)
    assert page.locator("#kb-csv").get_by_text(".csv").count() >= 1
    assert page.locator("#kb-xlsx").get_by_text(".xlsx").count() >= 1
    page.screenshot(path=str(SCREENS / "targets.png"), full_page=True)


def test_documents_tab(page):
    page.get_by_role("tab", name="文件").click()
    page.locator("#kb-docs-table").get_by_text("美丽江城建设规划").first.wait_for(timeout=15_000)
    assert "美丽吉林建设规划纲要" in page.locator("#kb-missing").inner_text()
    node = page.locator("#kb-tree details.kb-chapter > summary").first
    node.click()
    page.locator("#kb-tree details.kb-chapter[open] .kb-sec-text, #kb-tree details.kb-chapter[open] details").first \
        .wait_for(state="visible", timeout=5_000)
    page.screenshot(path=str(SCREENS / "docs.png"), full_page=True)


def test_check_tab_conflict_row(page):
    from playwright.sync_api import expect

    page.get_by_role("tab", name="核对").click()
    box = page.locator("#kb-check-text textarea").first
    box.wait_for(state="visible", timeout=15_000)
    box.fill("到2027年，新能源公交车占比达到72%。\n到2027年，新能源出租车占比达到40%。")
    page.locator("#kb-check-run").click()
    conflict = page.locator("#kb-check-rows tr.kb-ck-conflict").first
    conflict.wait_for(state="visible", timeout=30_000)
    assert "冲突" in conflict.inner_text() and "数值不同" in conflict.inner_text()
    assert "新能源出租车占比达到35%" in conflict.inner_text()  # the verbatim source quote
    assert page.locator("#kb-check-rows tr.kb-ck-consistent").count() == 1
    expect(page.locator("#kb-check-summary")).to_contain_text("冲突 1 条", timeout=5_000)
    # the row colours come from the tab's own CSS: red edge on 冲突, green on 一致
    edge = conflict.locator("td").first.evaluate("e => getComputedStyle(e).borderLeftColor")
    assert edge == "rgb(192, 57, 43)", edge
    assert page.locator("#kb-check-xlsx").get_by_text(".xlsx").count() >= 1
    assert page.locator("#kb-check-docx").get_by_text(".docx").count() >= 1
    page.screenshot(path=str(SCREENS / "check.png"), full_page=True)
    page.locator("#kb-check-filter").get_by_text("一致", exact=True).click()  # hide the 一致 rows
    expect(page.locator("#kb-check-rows tr.kb-ck-consistent")).to_have_count(0, timeout=10_000)
    assert page.locator("#kb-check-rows tr.kb-ck-conflict").count() == 1


def test_brief_tab_preview(page):
    page.get_by_role("tab", name="简报").click()
    topic = page.locator("#kb-brief-topic textarea, #kb-brief-topic input").first
    topic.wait_for(state="visible", timeout=15_000)
    topic.fill("蓝天保卫战")
    page.locator("#kb-brief-run").click()
    preview = page.locator("#kb-brief-preview .kb-brief")
    preview.wait_for(state="visible", timeout=30_000)
    text = preview.inner_text()
    assert "简报：蓝天保卫战" in text and "细颗粒物" in text and "出处" in text
    assert preview.locator("table tr").count() > 2
    page.wait_for_function("(() => { const i = document.querySelector('#kb-brief-timeline img');"
                           " return i && i.complete && i.naturalWidth > 300; })()", timeout=15_000)
    assert page.locator("#kb-brief-docx").get_by_text(".docx").count() >= 1
    assert page.locator("#kb-brief-md").get_by_text(".md").count() >= 1
    page.screenshot(path=str(SCREENS / "brief.png"), full_page=True)
    topic.fill("航天发射")
    page.locator("#kb-brief-run").click()
    page.locator("#kb-brief-message .kb-msg-error").wait_for(state="visible", timeout=30_000)
    assert "航天发射" in page.locator("#kb-brief-message").inner_text()
    assert page.locator("#kb-brief-preview h1").count() == 0


def test_no_request_left_the_machine(page):
    assert page.outside == []
