"""核对 tab: a department plan (pasted, or an uploaded txt/docx/pdf) checked statement by statement
against the corpus; colour-coded rows (一致 / 冲突 / 未找到) a page at a time, a verdict filter, XLSX
and DOCX exports, and the /check API.

Cost is bounded (kb/plan_check.py): a cap on the plan's text and statements and a time budget.
The check runs in a worker process (kb/ui/check_worker.py), waited for by a thread while the
handler reports progress; 取消 or closing the page stops it. Checks have their own small queue (CHECK_CONCURRENCY), so questions never wait behind them.
The upload is read into memory and discarded; the only files written are the exports, one folder
a request under the export root (kb/ui/exports.py). All plan and corpus text is escaped."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import gradio as gr

from kb.crosscheck import findings_json
from kb.errors import BadInput, KBError
from kb.plan_check import CheckCancelled, CheckResult
from kb.ui import check_worker
from kb.ui.check_export import EXPORT_COLUMNS, VERDICTS, write_docx, write_xlsx  # noqa: F401 - re-exported
from kb.ui.check_render import (
    ALL_VERDICTS,
    CSS,
    EMPTY_HTML,
    PAGE_ROWS,
    clamp_page,
    summary_html,
    table_html,
)
from kb.ui.check_run import MAX_PASTE_CHARS, check_plan, plan_from_inputs  # noqa: F401 - re-exported
from kb.ui.exports import request_dir
from kb.ui.render import message_html

log = logging.getLogger("kb.app")
CHECK_CONCURRENCY = 1  # checks run one at a time, in their own queue (questions have theirs)
# The app's checks run in a worker process (kb/ui/check_worker.py): the checking is pure Python and,
# in a thread, held the interpreter lock against every /ask. False runs them in a thread here.
CHECK_IN_WORKER = True
PLACEHOLDER = ("到2027年，新能源公交车占比达到72%。\n到2027年，新能源出租车占比达到40%。")
INTERNAL = "内部错误，请稍后再试或联系管理员"
NO_FINDINGS = "没有找到含目标或期限的表述（例如“到2027年，……达到72%”），无需核对"


def _outputs(result: CheckResult, source: str, xlsx, docx_path, verdicts: Sequence[str] | None):
    if not result.findings:
        note = f"{NO_FINDINGS}。{result.note}" if result.note else NO_FINDINGS
        return EMPTY_HTML, message_html(note, "info"), None, None, None
    findings = list(result.findings)
    keep = set(ALL_VERDICTS if verdicts is None else verdicts)
    shown = sum(1 for f in findings if f.verdict in keep)
    state = {"findings": findings, "source": source, "note": result.note}
    return (table_html(findings, verdicts), summary_html(findings, source, shown, 1, result.note), state, xlsx,
            docx_path)


def run_check(kb, text: str | None, upload, verdicts: Sequence[str] | None = None):
    """→ (rows html, summary html, state, xlsx path, docx path); bad input → a message, no files."""
    try:
        return _outputs(*check_plan(kb, text, upload), verdicts)
    except KBError as e:
        return EMPTY_HTML, message_html(e.one_line()), None, None, None
    except Exception:
        log.exception("check failed")
        return EMPTY_HTML, message_html(INTERNAL), None, None, None


def _in_thread(work: Callable[[threading.Event, Callable[[str], None]], object]) -> Iterator[tuple[str, object]]:
    """Run ``work(cancel, progress)`` in a thread; yield ("progress", text) about twice a second and
    ("done", result) or ("error", exception) at the end. Closing the generator (取消, a closed
    page, a dropped connection) sets ``cancel`` and the work stops at its next sentence."""
    cancel = threading.Event()
    box: dict[str, object] = {"progress": "正在排队…"}

    def target() -> None:
        try:
            box["done"] = work(cancel, lambda text: box.__setitem__("progress", text))
        except Exception as e:  # noqa: BLE001 - handed to the generator, which reports it
            box["error"] = e

    thread = threading.Thread(target=target, name="kb-check", daemon=True)
    thread.start()
    try:
        while thread.is_alive():
            thread.join(0.5)
            if thread.is_alive():
                yield "progress", box["progress"]
        yield ("error", box["error"]) if "error" in box else ("done", box["done"])
    finally:
        cancel.set()


def _error_text(e: object) -> str:
    if isinstance(e, KBError):
        return e.one_line()
    log.error("check failed", exc_info=e if isinstance(e, BaseException) else None)
    return INTERNAL


def _app_check(kb, text: str | None, upload, cancel: threading.Event, progress: Callable[[str], None]):
    """The app's check: in the worker process (CHECK_IN_WORKER), else in this thread."""
    if CHECK_IN_WORKER:
        if upload is not None and not isinstance(upload, str | Path):
            raise BadInput("上传的文件无效", "请通过页面重新上传 txt、docx 或 pdf 文件")
        return check_worker.check_in_worker(kb, text, upload, cancel, progress, request_dir("check"))
    return check_plan(kb, text, upload, cancel, progress)


def check_stream(kb, text: str | None, upload, verdicts: Sequence[str] | None):
    """The 核对 button: progress in the summary line, then the result (see run_check)."""
    for kind, value in _in_thread(lambda cancel, progress: _app_check(kb, text, upload, cancel, progress)):
        if kind == "progress":
            yield gr.skip(), message_html(f"{value}（可点击“取消”）", "info"), gr.skip(), gr.skip(), gr.skip()
        elif kind == "error":
            yield EMPTY_HTML, message_html(_error_text(value)), None, None, None
        else:
            yield _outputs(*value, verdicts)


def check_api_stream(kb, text: str | None, file) -> Iterator[tuple[dict, list[str]]]:
    """/check: → (the `kb check --json` object, plus "status", "note"; the export paths [xlsx, docx])."""
    for kind, value in _in_thread(lambda cancel, progress: _app_check(kb, text, file, cancel, progress)):
        if kind == "progress":
            continue
        if kind == "error":
            status = "cancelled" if isinstance(value, CheckCancelled) else "error"
            yield {"status": status, "error": _error_text(value), "findings": []}, []
        else:
            result, source, xlsx, docx_path = value
            body = findings_json(list(result.findings))
            body.update(status="ok" if result.complete else "partial", note=result.note or "", source=source)
            if not result.findings:
                body["note"] = f"{NO_FINDINGS}。{result.note}" if result.note else NO_FINDINGS
            yield body, [p for p in (xlsx, docx_path) if p]


def filter_rows(state: dict | None, verdicts: Sequence[str] | None, page: object = 1):
    """Re-render the rows of the last check for another verdict filter or page → (rows html, summary html)."""
    if not state or not state.get("findings"):
        return EMPTY_HTML, ""
    findings = state["findings"]
    keep = set(verdicts or []) & set(ALL_VERDICTS)  # a crafted value is simply not shown
    shown = sum(1 for f in findings if f.verdict in keep)
    page = clamp_page(page, shown)
    return (table_html(findings, list(keep), page),
            summary_html(findings, state.get("source", ""), shown, page, state.get("note", "")))


def build_check_tab(kb) -> None:
    state = gr.State(None)
    max_mb = f"{kb.settings.max_upload_mb:g}"
    gr.Markdown("逐条核对部门方案中的目标和期限是否与规划原文一致。上传的文件只在内存中读取，不会存入语料库。")
    with gr.Row(equal_height=True):
        text = gr.Textbox(label="粘贴部门方案文字", placeholder=PLACEHOLDER, lines=6, max_lines=16, scale=3,
                          elem_id="kb-check-text")
        upload = gr.File(label=f"或上传文件（txt、docx、pdf，最大 {max_mb} MB；上传后以文件为准）", type="filepath",
                         scale=2, elem_id="kb-check-upload", file_types=[".txt", ".md", ".docx", ".pdf"])
    with gr.Row(equal_height=True):
        verdict_box = gr.CheckboxGroup([(VERDICTS[v], v) for v in VERDICTS], value=ALL_VERDICTS, label="显示",
                                       scale=3, elem_id="kb-check-filter")
        page = gr.Number(1, label=f"页码（每页 {PAGE_ROWS} 条）", precision=0, minimum=1, scale=1,
                         elem_id="kb-check-page")
        go = gr.Button("核对", variant="primary", scale=1, elem_id="kb-check-run")
        stop = gr.Button("取消", variant="stop", scale=1, elem_id="kb-check-cancel")
        clear = gr.Button("清空", variant="secondary", scale=1)
    summary = gr.HTML("", elem_id="kb-check-summary", css_template=CSS)
    rows = gr.HTML(EMPTY_HTML, elem_id="kb-check-rows", css_template=CSS, max_height=900)
    with gr.Row():
        xlsx_out = gr.File(None, label="下载 Excel 表格（xlsx，全部结果）", interactive=False, elem_id="kb-check-xlsx")
        docx_out = gr.File(None, label="下载 Word（docx，全部结果）", interactive=False, elem_id="kb-check-docx")
    api_json = gr.JSON(visible=False)
    api_files = gr.File(visible=False, file_count="multiple", interactive=False)
    api_button = gr.Button(visible=False)

    def on_check(t: str, u: str | None, v: list[str]):
        yield from check_stream(kb, t, u, v)

    def check(text: str, file: str | None):
        """核对部门方案：text 为粘贴的文字，file 为上传的 txt / docx / pdf（二者给一个；有文件时以文件为准）。
        返回与 `kb check --json` 相同的对象（另有 status：ok / partial / error / cancelled，note：说明）和导出文件（XLSX、DOCX）。"""
        yield from check_api_stream(kb, text, file)

    run = go.click(lambda: 1, None, page, queue=False, api_visibility="private").then(
        on_check, [text, upload, verdict_box], [rows, summary, state, xlsx_out, docx_out],
        api_visibility="private", concurrency_id="check", concurrency_limit=CHECK_CONCURRENCY)
    stop.click(lambda: message_html("核对已取消", "info"), None, summary, cancels=[run], queue=False,
               api_visibility="private")
    api_button.click(check, [text, upload], [api_json, api_files], api_name="check", concurrency_id="check",
                     concurrency_limit=CHECK_CONCURRENCY)
    for trigger in (verdict_box.change, page.submit, page.blur):
        trigger(filter_rows, [state, verdict_box, page], [rows, summary], api_visibility="private", queue=False)
    clear.click(lambda: ("", None, EMPTY_HTML, "", None, None, None, 1), None,
                [text, upload, rows, summary, state, xlsx_out, docx_out, page], api_visibility="private",
                queue=False)
