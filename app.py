"""江城政策知识库 — the Gradio app.

    python app.py [--host 127.0.0.1] [--port 7860] [--index DIR] [--corpus DIR]

Serves on 127.0.0.1:7860 by default (settings: KB_HOST, KB_PORT, optional login KB_AUTH_USER /
KB_AUTH_PASSWORD). A public bind (0.0.0.0) must be asked for and prints a warning. The index is
built first when it is missing or stale; the knowledge base is loaded once and shared by all
sessions. Each tab is one ``build_xxx_tab(kb) -> None`` called inside the Blocks.
"""

from __future__ import annotations

import argparse
import ipaddress
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

_STARTED = time.perf_counter()
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no calls home; the app runs offline
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
# One OpenMP thread per request: the workers already run requests side by side, and a
# multi-threaded query embedding on every worker oversubscribes the cores (measured: 25% more
# throughput under load). Must be set before the embedding engine and FAISS load.
os.environ.setdefault("OMP_NUM_THREADS", "1")

import gradio as gr

from kb.api import KnowledgeBase, shared_kb
from kb.config import Settings, load_settings
from kb.errors import ConfigError, IndexCorrupt, IndexMissing, IndexStale, KBError
from kb.ui import check_tab, check_worker
from kb.ui.ask_tab import ask_json, build_ask_tab
from kb.ui.boundary import ChineseBlocks, app_kwargs
from kb.ui.brief_tab import build_brief_tab
from kb.ui.check_tab import build_check_tab
from kb.ui.compare_tab import build_compare_tab
from kb.ui.docs_tab import build_docs_tab, document_rows
from kb.ui.exports import export_dir
from kb.ui.style import CSS, GRADIO_ZH, theme
from kb.ui.targets_tab import build_targets_tab, targets_json

log = logging.getLogger("kb.app")
# Requests answered at once (the rest wait in the queue): kb.ask is CPU-bound and takes tens of
# milliseconds, so a few workers keep every core busy without one slow request holding the rest.
CONCURRENCY = max(2, min(8, 2 * (os.cpu_count() or 1)))
QUEUE_MAX = 512
HEADER = ("## 江城政策知识库\n基于《美丽江城建设规划（2024—2035年）》等政策文件的问答助手。"
          "答案中的 [n] 是原文出处，点击可查看原文上下文；语料库中没有的内容会标为“未找到”，不作推测。")


def build_app(kb: KnowledgeBase) -> gr.Blocks:
    """The Blocks, not launched (tests build it and call the handlers directly)."""
    # Gradio's copies of uploads and downloads are removed after 30 minutes (checked every 5);
    # ChineseBlocks turns Gradio's own errors into Chinese messages (kb/ui/boundary.py).
    with ChineseBlocks(title="江城政策知识库", analytics_enabled=False, delete_cache=(300, 1800)) as demo:
        gr.Markdown(HEADER)
        banner = gr.Markdown(visible=False, elem_classes=["kb-stale"])
        demo.load(lambda: stale_banner(kb), outputs=banner, show_progress="hidden")
        with gr.Tabs():
            with gr.Tab("问答", id="ask"):
                build_ask_tab(kb)
            with gr.Tab("目标指标", id="targets"):
                build_targets_tab(kb)
            with gr.Tab("文件", id="docs"):
                build_docs_tab(kb)
            with gr.Tab("对标", id="compare"):
                build_compare_tab(kb)
            with gr.Tab("核对", id="check"):
                build_check_tab(kb)
            with gr.Tab("简报", id="brief"):
                build_brief_tab(kb)
        _add_api(kb)
    return demo


def stale_banner(kb: KnowledgeBase) -> dict:
    """A one-line notice when corpus/ changed since the index in use was built (answers still
    come from it; the app rebuilds in the background and switches the new index in)."""
    notice = kb.stale_notice()
    if notice and not kb.rebuilding() and "kb build" in notice:
        kb.rebuild_in_background()
        notice = kb.stale_notice()
    return gr.update(value=f"⚠️ {notice}" if notice else "", visible=bool(notice))


def _add_api(kb: KnowledgeBase) -> None:
    """Endpoints for gradio_client: /ask, /targets, /documents (and /check, in the 核对 tab)."""

    def ask(question: str, doc_id: str = "", level: str = "", year: str = "") -> dict:
        """带出处地回答一个问题，返回与 `kb ask --json` 相同的对象；输入有误时 status 为 "error"，error 为说明。
        可选筛选：doc_id（文件编号）、level（national / provincial / municipal）、year（如 2027）。"""
        return ask_json(kb, question, doc_id, level, year)

    def targets(year: str = "", topic: str = "") -> list:
        """抽取出的目标指标（indicator、comparator、value、unit、year、section、quote 等），可按年份和主题筛选。"""
        return targets_json(kb, year, topic)

    def documents() -> list:
        """语料库中的文件及其元数据。"""
        keys = ("title", "issuer", "doc_number", "date", "level", "completeness", "characters", "doc_id")
        return [dict(zip(keys, row)) for row in document_rows(kb)]

    gr.api(ask, api_name="ask", concurrency_id="ask")
    gr.api(targets, api_name="targets")
    gr.api(documents, api_name="documents")


def is_public(host: str) -> bool:
    """True unless the address is loopback (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True  # a host name: it may resolve to anything


def login(settings: Settings) -> tuple[str, str] | None:
    if bool(settings.auth_user) != bool(settings.auth_password):
        raise ConfigError("登录设置不完整：KB_AUTH_USER 和 KB_AUTH_PASSWORD 需要同时设置", "两个都设置，或两个都不设置")
    return (settings.auth_user, settings.auth_password) if settings.auth_user else None


def open_kb(settings: Settings) -> KnowledgeBase:
    """Load the shared knowledge base; build the index first when it is missing, damaged or built
    with other settings (the terminal shows each step and a browser gets a waiting page with the
    current step). A corpus changed since the build is served at once and rebuilt in the background."""
    try:
        kb = shared_kb(settings)
        if kb.index.stale_notice:
            print(kb.index.stale_notice, "正在后台重建索引。", file=sys.stderr, flush=True)
            kb.rebuild_in_background()
        return kb
    except (IndexMissing, IndexStale, IndexCorrupt) as e:
        print(f"索引需要建立（{e.one_line()}），正在建立，请稍候…", file=sys.stderr, flush=True)
    from kb.index import build_index
    from kb.ui.waiting import WaitingPage

    with WaitingPage(settings.host, settings.port) as page:
        def step(line: str) -> None:
            page.status = line
            print(line, file=sys.stderr, flush=True)

        build_index(settings, progress=None, on_step=step)
        step("索引已建好，正在启动应用……")
    return shared_kb(settings)


def launch_options(settings: Settings, auth: tuple[str, str] | None = None) -> dict:
    """demo.launch keywords: no share link, no SSR node server, errors as one line, and files
    served only from Gradio's cache and the export folder; the project, corpus and index are blocked."""
    project = Path(__file__).resolve().parent
    blocked = sorted({str(p.resolve()) for p in (project, settings.corpus, settings.index)})
    return {"server_name": settings.host, "server_port": settings.port, "auth": auth,
            "auth_message": "请输入江城政策知识库的用户名和密码" if auth else None,
            "theme": theme(), "css": CSS, "ssr_mode": False, "share": False, "show_error": False, "quiet": True,
            "allowed_paths": [str(export_dir())], "blocked_paths": blocked,
            "max_file_size": int(settings.max_upload_mb * 1024 * 1024),
            "footer_links": ["api"], "app_kwargs": app_kwargs(), "i18n": gr.I18n(**GRADIO_ZH)}


class _ChineseHelp(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="用法：")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one line in Chinese, exit 2
        self.exit(2, f"错误：命令行参数有误（{message}）— 用 python app.py --help 查看用法\n")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python app.py", description="江城政策知识库：带出处的政策问答（Gradio 网页界面）",
                                formatter_class=_ChineseHelp, add_help=False)
    p._optionals.title = "选项"
    p.add_argument("-h", "--help", action="help", help="显示本帮助并退出")
    p.add_argument("--host", help="绑定地址（默认 127.0.0.1，仅本机可访问；对外开放须明确指定 0.0.0.0，或设置 KB_HOST）")
    p.add_argument("--port", type=int, help="端口（默认 7860，或设置 KB_PORT）")
    p.add_argument("--index", type=Path, help="索引目录（默认 index）")
    p.add_argument("--corpus", type=Path, help="语料库目录（默认 corpus）")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "bm25s"):  # their INFO/DEBUG lines mean nothing to a user
        logging.getLogger(noisy).setLevel(logging.WARNING)
    try:
        settings = load_settings(host=args.host, port=args.port, index=args.index, corpus=args.corpus)
        if not 0 < settings.port < 65536:
            raise ConfigError(f"端口 {settings.port} 无效", "请使用 1—65535 之间的端口")
        auth = login(settings)
        if is_public(settings.host):
            print(f"警告：应用将绑定到 {settings.host}，网络上的其他机器都可以访问"
                  + ("。" if auth else "，而且没有设置登录（KB_AUTH_USER / KB_AUTH_PASSWORD）。"),
                  file=sys.stderr, flush=True)
        kb = open_kb(settings)
        demo = build_app(kb)
        if check_tab.CHECK_IN_WORKER:  # the check process loads its index now, not at the first check
            check_worker.warm_up(settings, str(kb.index.folder))
    except KBError as e:
        print(f"错误：{e.one_line()}", file=sys.stderr)
        return e.exit_code
    demo.queue(default_concurrency_limit=CONCURRENCY, max_size=QUEUE_MAX, status_update_rate=5)
    try:
        demo.launch(**launch_options(settings, auth), prevent_thread_lock=True)
    except OSError as e:
        log.debug("launch failed: %s", e)
        print(f"错误：无法在 {settings.host}:{settings.port} 启动（端口可能已被占用）— 换一个端口，例如 --port 7861",
              file=sys.stderr)
        return 1
    print(f"江城政策知识库已启动：http://{settings.host}:{settings.port}（启动用时 {time.perf_counter() - _STARTED:.1f} 秒，"
          "Ctrl+C 退出）", flush=True)
    try:
        demo.block_thread()
    except KeyboardInterrupt:
        pass
    finally:
        demo.close()
        check_worker.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main())
