"""A newcomer's view in headless Chromium (see tests/test_browser.py for how the app is started):
every tab's visible text is Chinese even in an English browser, and at a phone's 390 px every
tab is reachable, nothing is wider than the screen and no table column is narrower than four
characters. Screenshots go to /tmp/kb_screens/newcomer_*.png and phone_*.png."""

from __future__ import annotations

import re

import pytest
from test_browser import ARGS, CHROMIUM, SCREENS, app_url  # noqa: F401 - app_url is the fixture

pytestmark = pytest.mark.browser

TABS = ("问答", "目标指标", "文件", "对标", "核对", "简报")
# Latin words a Chinese reader meets in a Chinese product: file formats and programs, units,
# pollutant names, Gradio's 「通过 API 使用」 footer. Anything else is English left untranslated.
ALLOWED = {"API", "CSV", "csv", "Excel", "xlsx", "XLSX", "Word", "docx", "DOCX", "Markdown", "md", "pdf", "PDF",
           "txt", "KB", "MB", "PM", "GB", "km", "kg"}
_FILE_NAME = re.compile(r"[\w\-.]+\.(?:txt|jsonl|json|csv|xlsx|docx|md|pdf|png|pptx)\b")
_WORD = re.compile(r"[A-Za-z]{2,}")
PLAN = "到2027年，新能源公交车占比达到72%。\n到2027年，新能源出租车占比达到40%。"


def english_words(text: str, allowed: set[str] = frozenset()) -> set[str]:
    return {w for w in _WORD.findall(_FILE_NAME.sub(" ", text)) if w not in ALLOWED and w not in allowed}


@pytest.fixture(scope="module")
def corpus_words(kb) -> set[str]:
    """Latin words of the documents themselves (2×350MW, RTO): quoted, not labels."""
    return {w for d in kb.documents() for w in _WORD.findall(d.text)}


def test_english_words_finds_english_only():
    assert english_words("下载 Excel 表格（xlsx）PM2.5 江城目标指标.csv 通过 API 使用") == set()
    assert english_words("Drop File Here - or - Click to Upload") == {"Drop", "File", "Here", "or", "Click", "to",
                                                                     "Upload"}


def _open(browser, url: str, width: int, locale: str):
    ctx = browser.new_context(viewport={"width": width, "height": 900}, locale=locale)
    page = ctx.new_page()
    page.goto(url, wait_until="domcontentloaded")
    page.get_by_text("江城政策知识库").first.wait_for(timeout=30_000)
    page.wait_for_timeout(1000)  # Gradio settles the tab bar after the fonts load
    return ctx, page


def _fill_tab(page, tab: str) -> None:
    """Make the tab show what a user sees after using it once."""
    if tab == "问答":
        page.locator("#kb-question textarea, #kb-question input").first.fill("电动公交车要占多少？")
        page.locator("#kb-ask").click()
        page.locator("#kb-chat .kb-answer").first.wait_for(timeout=30_000)
    elif tab == "目标指标":
        page.locator("#kb-targets-info").wait_for(timeout=15_000)
    elif tab == "文件":
        page.get_by_text("文本整理说明").first.click()  # the folded panel, opened
        page.locator("#kb-quality .kb-q-card").first.wait_for(state="visible", timeout=10_000)
    elif tab == "核对":
        page.locator("#kb-check-text textarea").first.fill(PLAN)
        page.locator("#kb-check-run").click()
        page.locator("#kb-check-rows tr.kb-ck-row").first.wait_for(state="visible", timeout=30_000)
    elif tab == "简报":
        page.locator("#kb-brief-topic textarea, #kb-brief-topic input").first.fill("蓝天保卫战")
        page.locator("#kb-brief-run").click()
        page.locator("#kb-brief-preview .kb-brief").wait_for(state="visible", timeout=30_000)
    page.wait_for_timeout(500)


def _browser():
    from playwright.sync_api import sync_playwright

    SCREENS.mkdir(parents=True, exist_ok=True)
    return sync_playwright()


def test_every_tab_is_chinese_in_an_english_browser(app_url, corpus_words):  # noqa: F811
    with _browser() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        _, page = _open(browser, app_url, 1360, "en-US")
        assert page.evaluate("document.documentElement.lang") == "zh-CN"
        found = {}
        for tab in TABS:
            page.get_by_role("tab", name=tab).click()
            _fill_tab(page, tab)
            text = page.locator("body").inner_text()
            for word in english_words(text, corpus_words):
                at = text.find(word)
                found.setdefault(tab, []).append(text[max(0, at - 30):at + 30])
            page.screenshot(path=str(SCREENS / f"newcomer_{TABS.index(tab)}.png"), full_page=True)
        browser.close()
    assert not found, f"English words in the visible text: {found}"


_NARROW_CELLS = """(() => {
  const out = [];
  for (const cell of document.querySelectorAll('th, td')) {
    const r = cell.getBoundingClientRect();
    if (!cell.offsetParent || r.width === 0 || r.height === 0 || !cell.innerText.trim()) continue;
    const em = parseFloat(getComputedStyle(cell).fontSize);
    if (r.width < 4 * em) out.push(`${cell.closest('[id]')?.id}: ${cell.innerText.trim().slice(0, 12)} ${Math.round(r.width)}px`);
  }
  return out;
})()"""


def test_phone_every_tab_reachable_and_no_squeezed_column(app_url):  # noqa: F811
    with _browser() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        _, page = _open(browser, app_url, 390, "zh-CN")
        problems = []
        for tab in TABS:
            button = page.get_by_role("tab", name=tab)
            assert button.is_visible(), f"tab {tab} is not in the tab bar at 390 px"
            button.click()
            _fill_tab(page, tab)
            page.screenshot(path=str(SCREENS / f"phone_{TABS.index(tab)}.png"), full_page=True)
            problems += [f"{tab} {cell}" for cell in page.evaluate(_NARROW_CELLS)]
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > 392:
                problems.append(f"{tab}: the page is {wide}px wide")
        browser.close()
    assert not problems, problems
