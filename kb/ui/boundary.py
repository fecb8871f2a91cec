"""The app's boundary with Gradio: Gradio's own English errors become Chinese messages that say
what to do, a crafted request logs one line (not a traceback), and failed logins are slowed and
logged per client address."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict

import gradio as gr
from fastapi.exception_handlers import http_exception_handler
from gradio.exceptions import Error, InvalidPathError
from starlette.exceptions import HTTPException

log = logging.getLogger("kb.app")
LOGIN_FREE_FAILURES = 3        # failed logins from one address before each next try waits
LOGIN_DELAY_S = 1.0            # the wait after the free failures, doubling each time …
LOGIN_MAX_DELAY_S = 30.0       # … up to this
LOGIN_FORGET_S = 15 * 60       # an address with no failure for this long starts afresh
_TRACKED = 10_000              # addresses remembered at most

# (English fragment of a Gradio message, Chinese message). Checked in order.
GRADIO_MESSAGES = (
    ("is not in the list of choices", "所选的值不在可选项中 — 请在列表中重新选择"),
    ("File size exceeded", "上传的文件超过大小上限 — 请压缩或拆分后再上传"),
    ("Cannot move", "文件引用无效 — 请通过页面重新上传文件"),
    ("is not in the upload folder", "文件引用无效 — 请通过页面重新上传文件"),
    ("allowed_paths", "文件引用无效 — 请通过页面重新上传文件"),
)
INVALID_FILE = "文件引用无效 — 请通过页面重新上传文件"
INTERNAL = "内部错误 — 请稍后再试或联系管理员"


def chinese_message(message: str) -> str:
    """A Gradio message in Chinese (one that is Chinese already is kept)."""
    for fragment, chinese in GRADIO_MESSAGES:
        if fragment in message:
            return chinese
    if any("\u4e00" <= ch <= "\u9fff" for ch in message):
        return message
    return "请求无效 — 请刷新页面后重试"


class ChineseBlocks(gr.Blocks):
    """gr.Blocks whose every event error reaches the user in Chinese and the log as one line."""

    async def process_api(self, *args, **kwargs):
        try:
            return await super().process_api(*args, **kwargs)
        except Error as e:
            log.warning("请求被拒绝：%s", " ".join(str(e.message).split())[:200])
            raise Error(chinese_message(str(e.message)), title="提示", print_exception=False) from None
        except InvalidPathError as e:
            log.warning("请求被拒绝（文件引用无效）：%s", " ".join(str(e).split())[:200])
            raise Error(INVALID_FILE, title="提示", print_exception=False) from None
        except (asyncio.CancelledError, GeneratorExit, StopAsyncIteration):
            raise
        except Exception:
            log.exception("event failed")
            raise Error(INTERNAL, title="错误", print_exception=False) from None


async def _http_error(request, exc: HTTPException):
    if exc.status_code == 413 or (isinstance(exc.detail, str) and "File size exceeded" in exc.detail):
        exc = HTTPException(status_code=exc.status_code, detail=chinese_message("File size exceeded"))
    return await http_exception_handler(request, exc)


class LoginThrottle:
    """ASGI middleware: after LOGIN_FREE_FAILURES failed logins from one address, each further
    try waits LOGIN_DELAY_S, doubling up to LOGIN_MAX_DELAY_S; every failure is logged with the address."""

    def __init__(self, app) -> None:
        self.app = app
        self.failures: OrderedDict[str, tuple[int, float]] = OrderedDict()

    def delay(self, address: str, now: float | None = None) -> float:
        count, last = self.failures.get(address, (0, 0.0))
        now = time.monotonic() if now is None else now
        if now - last > LOGIN_FORGET_S:
            return 0.0
        extra = count - LOGIN_FREE_FAILURES
        return 0.0 if extra < 0 else min(LOGIN_MAX_DELAY_S, LOGIN_DELAY_S * 2 ** min(extra, 10))

    def record(self, address: str, ok: bool) -> None:
        if ok:
            self.failures.pop(address, None)
            return
        count, last = self.failures.pop(address, (0, 0.0))
        if time.monotonic() - last > LOGIN_FORGET_S:
            count = 0
        self.failures[address] = (count + 1, time.monotonic())
        while len(self.failures) > _TRACKED:
            self.failures.popitem(last=False)
        log.warning("登录失败：来自 %s（15 分钟内第 %d 次）", address, count + 1)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("method") != "POST" or not scope.get("path", "").rstrip("/").endswith(
                "/login"):
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("unknown", 0))[0]
        wait = self.delay(address)
        if wait:
            await asyncio.sleep(wait)
        status = {}

        async def watch(message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        await self.app(scope, receive, watch)
        code = status.get("code", 500)
        if code < 500:
            self.record(address, code < 400)


class ChineseLocale:
    """ASGI middleware: the app's page tells Gradio the browser prefers Chinese. Gradio picks the
    language of its own words (upload box, footer, loading messages) from ``navigator.language``
    before any ``head`` script of the app runs, so the override goes into the page's HTML as it
    is served (first thing in <head>)."""

    def __init__(self, app, script: bytes) -> None:
        self.app = app
        self.script = script

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or not scope.get("path", "/").endswith("/"):
            await self.app(scope, receive, send)
            return
        start: dict = {}
        body: list[bytes] = []

        async def rewrite(message) -> None:
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                html = headers.get(b"content-type", b"").startswith(b"text/html")
                if not html or b"content-encoding" in headers:
                    start["pass"] = True
                    await send(message)
                    return
                start["message"] = message
                return
            if start.get("pass"):
                await send(message)
                return
            body.append(message.get("body", b""))
            if message.get("more_body"):
                return
            page = b"".join(body).replace(b"<head>", b"<head>" + self.script, 1).replace(
                b'<html\n\tlang="en"', b'<html\n\tlang="zh-CN"', 1).replace(b'<html lang="en"', b'<html lang="zh-CN"', 1)
            head = start["message"]
            headers = [(k, v) for k, v in head.get("headers") or [] if k != b"content-length"]
            headers.append((b"content-length", str(len(page)).encode()))
            await send({**head, "headers": headers})
            await send({"type": "http.response.body", "body": page})

        await self.app(scope, receive, rewrite)


class ChineseTooLarge:
    """ASGI middleware: Gradio's upload route answers an over-size file with 413 and an English
    detail (raised inside the route, past the exception handlers): the body becomes Chinese."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = {}

        async def rewrite(message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 413:
                state["413"] = True
                body = json.dumps({"detail": chinese_message("File size exceeded")}, ensure_ascii=False).encode()
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() not in (b"content-length",
                                                                                            b"content-type")]
                headers += [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode())]
                state["body"] = body
                await send({**message, "headers": headers})
            elif message["type"] == "http.response.body" and state.get("413"):
                if not state.get("sent"):
                    state["sent"] = True
                    await send({"type": "http.response.body", "body": state["body"], "more_body": False})
            else:
                await send(message)

        await self.app(scope, receive, rewrite)


def app_kwargs() -> dict:
    """FastAPI keywords for demo.launch(app_kwargs=…): the login throttle, Chinese HTTP errors and
    Gradio's own words in Chinese whatever the browser's language."""
    from starlette.middleware import Middleware

    from kb.ui.style import LOCALE_SCRIPT

    return {"middleware": [Middleware(LoginThrottle), Middleware(ChineseLocale, script=LOCALE_SCRIPT),
                           Middleware(ChineseTooLarge)],
            "exception_handlers": {HTTPException: _http_error}}
