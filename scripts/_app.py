"""What scripts/soak_app.py and scripts/load_app.py share: start and stop app.py on a free
loopback port, wait for its first page, connect gradio_client users, and the questions they ask."""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = (
    "电动公交车要占多少？", "到2027年PM2.5要降到多少？", "谁负责制定年度行动方案？", "专栏4有哪些重点工程？",
    "到2027年森林覆蓋率要達到多少？", "空气质量优良天数比率要达到多少？", "到2035年细颗粒物浓度是多少？",
    "城市生活污水集中收集率的目标是多少？", "黑土地保护有什么要求？", "新能源出租车的比例要达到多少？",
    "地表水国控断面水质优良比例是多少？", "第一阶段是哪几年？", "到2027年单位地区生产总值能耗下降多少？",
    "城市生活垃圾回收利用率要达到多少？", "重污染天气要怎么应对？", "美丽乡村建设有哪些重点任务？",
    "松花江水质要求是什么？", "谁负责规划实施的监督考核？", "上海的地铁票价是多少？", "碳达峰的时间安排是什么？",
    "种地的面积底线是多少？", "到2030年有什么目标？", "湿地保护要做什么？", "国家的意见对美丽城市有什么要求？",
)


def check_loopback(url: str) -> str:
    """The URL with a trailing slash; SystemExit unless it is this machine (never load-test others)."""
    host = urlparse(url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise SystemExit(f"错误：只允许对本机地址做测试（127.0.0.1 / ::1 / localhost），收到 {host!r}")
    return url if url.endswith("/") else url + "/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_page(url: str, deadline: float, proc: subprocess.Popen | None = None) -> bool:
    """True once the URL serves an HTML page; False at the deadline or when the process died."""
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            return False
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200 and b"<html" in r.read(4096).lower():
                    return True
        except OSError:
            pass
        time.sleep(0.1)
    return False


def start_app(app_args: list[str], timeout: float, log_path: Path) -> tuple[subprocess.Popen, str, float]:
    """python app.py --host 127.0.0.1 --port P; its output goes to a log file (a pipe nobody reads
    would fill up and stall the app). Returns (process, url, seconds to the first page)."""
    port = free_port()
    env = dict(os.environ, KB_HOST="127.0.0.1", GRADIO_ANALYTICS_ENABLED="False")
    log = log_path.open("wb")
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port),
                             *app_args], cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=log,
                            stderr=subprocess.STDOUT)
    log.close()
    url = f"http://127.0.0.1:{port}/"
    if not wait_for_page(url, t0 + timeout, proc):
        stop_app(proc)
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise SystemExit(f"错误：应用未能在 {timeout:.0f} 秒内启动（日志 {log_path}）\n{tail}")
    return proc, url, time.monotonic() - t0


def stop_app(proc: subprocess.Popen) -> None:
    """Stop the app this script started (by its own PID only)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=15)


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def make_clients(url: str, users: int, timeout: float = 60.0) -> tuple[list, list[str]]:
    """One gradio_client.Client per user, made before the clock starts. gradio_client would build an
    SSL context per request (tens of ms of the load generator's CPU, on the app's cores): one
    verifying context, built once, is shared."""
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gradio_client import Client

    user = os.environ.get("KB_AUTH_USER", "")
    auth = (user, os.environ.get("KB_AUTH_PASSWORD", "")) if user else None
    context = ssl.create_default_context()
    errors: list[str] = []

    def make(u: int):
        try:
            return Client(url, auth=auth, verbose=False, download_files=False, ssl_verify=context,
                          analytics_enabled=False, httpx_kwargs={"timeout": timeout})
        except Exception as e:  # noqa: BLE001 - counted and reported
            errors.append(f"user {u}: connect: {type(e).__name__}: {e}")
            return None

    with ThreadPoolExecutor(max_workers=min(users, 8)) as ex:
        clients = list(ex.map(make, range(users)))
    return clients, errors
