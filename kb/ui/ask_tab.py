"""问答 tab: a chat of cited answers, rendered as escaped HTML (not gr.Chatbot's markdown)."""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

import gradio as gr

from kb.answer import format_explain
from kb.errors import BadInput, KBError
from kb.retrieve import Filters
from kb.types import Answer
from kb.ui.render import answer_to_dict, chat_html, level_label, message_html, plain_text

log = logging.getLogger("kb.app")

EXAMPLES = ("电动公交车要占多少？", "到2027年PM2.5要降到多少？", "谁负责制定年度行动方案？", "专栏4有哪些重点工程？",
            "到2027年森林覆蓋率要達到多少？")
MAX_TURNS = 20
ALL = ""  # the value of "no filter" in the dropdowns
_YEAR_IN_TEXT = re.compile(r"(?<!\d)20[2-6]\d(?!\d)")
_HAS_CONTENT = re.compile(r"[\w\u4e00-\u9fff]")

# Clicking a [n] marker opens its citation card's context and scrolls to it; a new turn scrolls
# the chat box to the start of that turn. Attached once to the component's element: the HTML
# itself never carries a script.
CHAT_JS = """
const box = () => { let e = element; while (e && e !== document.body) {
  if (getComputedStyle(e).overflowY === 'auto') return e; e = e.parentElement; } return null; };
element.addEventListener('click', (e) => {
  const ref = e.target.closest('.kb-ref');
  if (!ref) return;
  const card = element.querySelector('#' + ref.dataset.target);
  if (!card) return;
  const d = card.querySelector('details');
  if (d) d.open = true;
  card.classList.add('kb-flash');
  setTimeout(() => card.classList.remove('kb-flash'), 1200);
  card.scrollIntoView({block: 'nearest', behavior: 'smooth'});
});
new MutationObserver(() => {
  const turns = element.querySelectorAll('.kb-turn');
  const c = box();
  if (!turns.length || !c) return;
  const last = turns[turns.length - 1];
  c.scrollTop += last.getBoundingClientRect().top - c.getBoundingClientRect().top - 4;
}).observe(element, {childList: true, subtree: true});
"""


def make_filters(kb, doc_id: str = ALL, level: str = ALL,
                 year: str | int | None = ALL) -> tuple[Filters | None, int | None]:
    """Check the filter values (a client may send anything) and build retrieval filters."""
    doc_id, level = (doc_id or "").strip(), (level or "").strip()
    if doc_id and doc_id not in kb.index.docs:
        shown = doc_id if len(doc_id) <= 60 else doc_id[:60] + "…"
        raise BadInput(f"没有编号为 {shown} 的文件", "请从“文件”下拉框中选择")
    levels = {d.meta.level for d in kb.documents()}
    if level and level not in levels:
        raise BadInput(f"层级 {level} 无效", f"可选：{'、'.join(sorted(levels))}")
    year_int = None
    if year not in (None, ""):
        try:
            year_int = int(str(year).strip().removesuffix("年"))
        except ValueError as e:
            raise BadInput(f"年份 {year} 无效", "请输入四位数年份，例如 2027") from e
        if not 2000 <= year_int <= 2100:
            raise BadInput(f"年份 {year_int} 超出范围", "请输入 2000—2100 之间的年份")
    filters = Filters(doc_id=doc_id, level=level) if (doc_id or level) else None
    return filters, year_int


def ask_kb(kb, question: str, doc_id: str = ALL, level: str = ALL, year: str | int | None = ALL,
           explain_box: list | None = None) -> Answer:
    """kb.ask with the UI's filters. A year filter is a constraint of the question itself (the
    retrieval filters have no year): “到2027年…” when the question names no year."""
    filters, year_int = make_filters(kb, doc_id, level, year)
    asked = question
    if (year_int and isinstance(question, str) and _HAS_CONTENT.search(question)
            and len(question) <= kb.settings.max_question_chars and not _YEAR_IN_TEXT.search(question)):
        asked = f"{question.rstrip()}（{year_int}年）"
    if explain_box is None:
        return kb.ask(asked, k=kb.settings.top_k, filters=filters)
    ans, explain = kb.ask_explained(asked, k=kb.settings.top_k, filters=filters)
    explain_box.append(explain)  # how the answer was reached, for the 「为什么是这个答案」 fold
    return ans


def ask_json(kb, question: str, doc_id: str = ALL, level: str = ALL, year: str = ALL) -> dict:
    """The /ask endpoint: the `kb ask --json` object, or {"status": "error", "error": …}."""
    try:
        ans = answer_to_dict(ask_kb(kb, question, doc_id, level, year))
        ans["question"] = question
        return ans
    except KBError as e:
        return {"question": str(question)[:200], "status": "error", "error": e.one_line()}
    except Exception:
        log.exception("ask failed")
        return {"question": str(question)[:200], "status": "error", "error": "内部错误，请稍后再试或联系管理员"}


def _filter_note(kb, doc_id: str, level: str, year: str) -> str:
    parts = []
    if doc_id and doc_id in kb.index.docs:
        parts.append(f"《{kb.index.docs[doc_id].meta.title}》")
    if level:
        parts.append(level_label(level))
    if year:
        parts.append(f"{year}年")
    return "，".join(parts)


def ask_turn(kb, question: str, history: Sequence[dict] | None, doc_id: str = ALL, level: str = ALL,
             year: str = ALL, explain_box: list | None = None) -> tuple[str, list[dict], str, str, str]:
    """One chat turn → (chat html, new history, message html, copy text, question box)."""
    history = list(history or [])
    docs = kb.index.docs
    try:
        ans = answer_to_dict(ask_kb(kb, question, doc_id, level, year, explain_box))
    except KBError as e:
        return chat_html(history, docs), history, message_html(e.one_line()), "", question
    except Exception:
        log.exception("ask failed")
        return chat_html(history, docs), history, message_html("内部错误，请稍后再试或联系管理员"), "", question
    history.append({"question": question, "filters": _filter_note(kb, doc_id, level, year), "answer": ans})
    history = history[-MAX_TURNS:]
    return chat_html(history, docs), history, "", plain_text(question, ans), ""


def clear_chat(kb) -> tuple[str, list[dict], str, str]:
    return chat_html([], kb.index.docs), [], "", ""


def filter_choices(kb) -> tuple[list[tuple[str, str]], list[tuple[str, str]], list[tuple[str, str]]]:
    docs = [("全部文件", ALL)] + [(d.meta.title, d.doc_id) for d in kb.documents()]
    levels = [("全部层级", ALL)] + [(level_label(lv), lv) for lv in sorted({d.meta.level for d in kb.documents()})]
    years = sorted({f.year for f in kb.targets(kinds=("target", "deadline")) if f.year})
    return docs, levels, [("不限年份", ALL)] + [(f"{y}年", str(y)) for y in years]


def build_ask_tab(kb) -> None:
    docs, levels, years = filter_choices(kb)
    history = gr.State([])
    with gr.Row():
        doc_dd = gr.Dropdown(docs, value=ALL, label="文件", scale=3)
        level_dd = gr.Dropdown(levels, value=ALL, label="层级", scale=1)
        year_dd = gr.Dropdown(years, value=ALL, label="年份", scale=1)
    chat = gr.HTML(chat_html([], kb.index.docs), elem_id="kb-chat", js_on_load=CHAT_JS, max_height=640,
                   autoscroll=True)
    message = gr.HTML("", elem_id="kb-message")
    with gr.Row(equal_height=True):
        question = gr.Textbox(label="问题", placeholder="例如：到2027年PM2.5要降到多少？（可用简体或繁体）",
                              lines=1, scale=6, elem_id="kb-question", autofocus=True)
        ask_btn = gr.Button("提问", variant="primary", scale=1, elem_id="kb-ask")
        clear_btn = gr.Button("清空对话", variant="secondary", scale=1)
    gr.Markdown("**示例问题**（点击即问）")
    with gr.Row():
        example_btns = [gr.Button(ex, size="sm", variant="secondary", elem_classes=["kb-example"]) for ex in EXAMPLES]
    with gr.Accordion("复制答案（含出处）", open=False, elem_id="kb-copy-box"):
        copy = gr.Textbox(label="纯文本答案与编号出处", lines=8, max_lines=20, interactive=False,
                          buttons=["copy"], elem_id="kb-copy")
    with gr.Accordion("为什么是这个答案", open=False, elem_id="kb-why-box"):
        why = gr.Textbox(label="问题的理解、尝试的回答方式与得分", lines=10, max_lines=30, interactive=False,
                         elem_id="kb-why")

    def on_ask(q: str, hist: list, d: str, lv: str, y: str):
        box: list = []
        out = ask_turn(kb, q, hist, d, lv, y, explain_box=box)
        return (*out, format_explain(box[0]) if box else "")

    inputs = [question, history, doc_dd, level_dd, year_dd]
    outputs = [chat, history, message, copy, question, why]
    ask_btn.click(on_ask, inputs, outputs, api_visibility="private", concurrency_id="ask")
    question.submit(on_ask, inputs, outputs, api_visibility="private", concurrency_id="ask")
    clear_btn.click(lambda: (*clear_chat(kb), ""), None, [chat, history, message, copy, why], api_visibility="private",
                    queue=False)
    for btn, ex in zip(example_btns, EXAMPLES):
        btn.click(lambda ex=ex: ex, None, question, queue=False, api_visibility="private").then(
            on_ask, inputs, outputs, api_visibility="private", concurrency_id="ask")
