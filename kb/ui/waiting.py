"""The page a browser gets while the app builds its index before it can start: one status line
(the build's current step), refreshed every two seconds. A plain http.server on the app's own
address and port, stopped before Gradio takes the port; every other request is answered 503 in
Chinese, so a client polling /ask keeps waiting."""

from __future__ import annotations

import html
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Self

PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="refresh" content="2">
<title>江城政策知识库 · 正在准备</title></head>
<body style="font-family: 'Noto Sans CJK SC', sans-serif; max-width: 40em; margin: 3em auto; padding: 0 1em;">
<h2>江城政策知识库正在准备</h2><p>第一次启动需要先建立索引（约 1—2 分钟），完成后此页会自动打开应用。</p>
<p style="padding: 8px 12px; border-radius: 8px; background: #eef6f4;">{status}</p></body></html>"""


class WaitingPage:
    """``with WaitingPage(host, port) as page: page.status = "…"`` — served until the block ends.
    When the port cannot be taken the page is skipped (the build goes on; the terminal shows it)."""

    def __init__(self, host: str, port: int) -> None:
        self.status = "正在准备……"
        self.server: ThreadingHTTPServer | None = None
        page = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                if self.path.split("?")[0] not in ("/", ""):
                    return self._send(503, "text/plain", "应用正在建立索引，请稍后再试".encode())
                body = PAGE.format(status=html.escape(page.status)).encode()
                self._send(200, "text/html; charset=utf-8", body)

            def do_POST(self) -> None:
                self._send(503, "text/plain", "应用正在建立索引，请稍后再试".encode())

            def _send(self, code: int, kind: str, body: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Type", kind if "charset" in kind else kind + "; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Retry-After", "2")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:  # quiet: the terminal shows the build's steps
                pass

        try:
            self.server = ThreadingHTTPServer((host, port), Handler)
        except OSError:
            self.server = None

    def __enter__(self) -> Self:
        if self.server is not None:
            threading.Thread(target=self.server.serve_forever, name="kb-waiting-page", daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
