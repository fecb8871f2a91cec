"""Load test of the running app through its API (/ask) with gradio_client.

    .venv/bin/python scripts/load_app.py                      # drive http://127.0.0.1:7860/
    .venv/bin/python scripts/load_app.py --start              # start app.py on a free port first,
                                                              # report its start-up time, stop it after
    .venv/bin/python scripts/load_app.py --users 20 --questions 10 --deadline 120 --json

N users (threads, one gradio_client.Client each) ask Q questions each, taken in turn from a list of
realistic questions. Reports errors, p50/p95/max latency and throughput; checks that every user got
the same answer to the same question. Loopback only; stops by itself at the deadline.
Exit 0 when there were no errors, 1 otherwise.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import socket
import ssl
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "电动公交车要占多少？", "到2027年PM2.5要降到多少？", "谁负责制定年度行动方案？", "专栏4有哪些重点工程？",
    "到2027年森林覆蓋率要達到多少？", "空气质量优良天数比率要达到多少？", "到2035年细颗粒物浓度是多少？",
    "城市生活污水集中收集率的目标是多少？", "黑土地保护有什么要求？", "新能源出租车的比例要达到多少？",
    "地表水国控断面水质优良比例是多少？", "第一阶段是哪几年？", "到2027年单位地区生产总值能耗下降多少？",
    "城市生活垃圾回收利用率要达到多少？", "重污染天气要怎么应对？", "美丽乡村建设有哪些重点任务？",
    "松花江水质要求是什么？", "谁负责规划实施的监督考核？", "上海的地铁票价是多少？", "碳达峰的时间安排是什么？",
]


def check_loopback(url: str) -> str:
    host = urlparse(url).hostname or ""
    try:
        ok = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        ok = False
    if not ok:
        raise SystemExit(f"错误：只允许对本机地址做压测（127.0.0.1 / localhost），收到 {host!r}")
    return url if url.endswith("/") else url + "/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_page(url: str, deadline: float, proc: subprocess.Popen | None = None) -> bool:
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


def start_app(extra: list[str], timeout: float) -> tuple[subprocess.Popen, str, float]:
    """Start app.py on a free loopback port; return (process, url, seconds to the first page)."""
    port = free_port()
    env = dict(os.environ, KB_HOST="127.0.0.1", GRADIO_ANALYTICS_ENABLED="False")
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port", str(port), *extra],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}/"
    if not wait_for_page(url, t0 + timeout, proc):
        proc.kill()
        err = proc.stderr.read()[-2000:] if proc.stderr else ""
        raise SystemExit(f"错误：应用未能在 {timeout:.0f} 秒内启动\n{err}")
    return proc, url, time.monotonic() - t0


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[k]


def connect(url: str, users: int) -> tuple[list, list[str]]:
    """One gradio_client.Client per user, made before the clock starts. gradio_client opens a new
    httpx connection per request and builds an SSL context for each (tens of ms of the load
    generator's CPU, on the same cores as the app): one verifying context, built once, is shared."""
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from gradio_client import Client

    user = os.environ.get("KB_AUTH_USER", "")
    auth = (user, os.environ.get("KB_AUTH_PASSWORD", "")) if user else None
    context = ssl.create_default_context()
    errors: list[str] = []

    def make(u: int):
        try:
            return Client(url, auth=auth, verbose=False, download_files=False, ssl_verify=context)
        except Exception as e:  # noqa: BLE001 - counted and reported
            errors.append(f"user {u}: connect: {type(e).__name__}: {e}")
            return None

    with ThreadPoolExecutor(max_workers=min(users, 8)) as ex:
        clients = list(ex.map(make, range(users)))
    return clients, errors


def run_load(url: str, users: int, per_user: int, deadline_s: float) -> dict:
    clients, errors = connect(url, users)
    stop_at = time.monotonic() + deadline_s
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    answers: dict[str, set[str]] = {}

    def user(u: int) -> None:
        client = clients[u]
        if client is None:
            return
        for i in range(per_user):
            remaining = stop_at - time.monotonic()
            if remaining <= 0:
                with lock:
                    errors.append(f"user {u}: deadline reached after {i} questions")
                return
            q = QUESTIONS[(u * per_user + i) % len(QUESTIONS)]
            t0 = time.perf_counter()
            try:
                res = client.submit(q, api_name="/ask").result(timeout=remaining)
                dt = time.perf_counter() - t0
            except Exception as e:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(f"user {u}: {q}: {type(e).__name__}: {e}")
                continue
            with lock:
                latencies.append(dt)
                status = res.get("status", "?") if isinstance(res, dict) else "bad-response"
                statuses[status] = statuses.get(status, 0) + 1
                if status not in ("answered", "not_found"):
                    errors.append(f"user {u}: {q}: {res}")
                answers.setdefault(q, set()).add(json.dumps(res, ensure_ascii=False, sort_keys=True))

    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=users) as ex:
        list(ex.map(user, range(users)))
    wall = time.perf_counter() - t0
    inconsistent = sorted(q for q, a in answers.items() if len(a) > 1)
    return {
        "url": url, "users": users, "questions_per_user": per_user, "requests": len(latencies),
        "errors": len(errors), "error_samples": errors[:5], "statuses": statuses,
        "inconsistent_answers": inconsistent,
        "p50_ms": round(percentile(latencies, 50) * 1000, 1), "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "max_ms": round(max(latencies, default=float("nan")) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "wall_s": round(wall, 2), "throughput_rps": round(len(latencies) / wall, 1) if wall else None,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="江城政策知识库：通过 API 对本机运行的应用做并发压测")
    p.add_argument("--url", default="http://127.0.0.1:7860/", help="应用地址（仅限本机）")
    p.add_argument("--start", action="store_true", help="先在空闲端口启动 app.py 并测量启动时间，测完关闭")
    p.add_argument("--app-arg", action="append", default=[], help="--start 时传给 app.py 的参数（如 --index=DIR）")
    p.add_argument("--users", type=int, default=20)
    p.add_argument("--questions", type=int, default=10, help="每个用户提问的次数")
    p.add_argument("--deadline", type=float, default=120.0, help="压测最长秒数，到时自动停止")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    if not (1 <= args.users <= 200 and 1 <= args.questions <= 1000 and 0 < args.deadline <= 1800):
        raise SystemExit("错误：--users 1—200，--questions 1—1000，--deadline 不超过 1800 秒")
    proc, startup = None, None
    if args.start:
        proc, url, startup = start_app(args.app_arg, timeout=120)
    else:
        url = check_loopback(args.url)
        if not wait_for_page(url, time.monotonic() + 10):
            raise SystemExit(f"错误：{url} 没有响应（先运行 python app.py，或用 --start）")
    try:
        report = run_load(url, args.users, args.questions, args.deadline)
    finally:
        if proc is not None:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
    if startup is not None:
        report["startup_to_first_page_s"] = round(startup, 2)
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        if startup is not None:
            print(f"启动到首个页面：{startup:.2f} 秒")
        print(f"{report['users']} 个用户 × {report['questions_per_user']} 个问题：{report['requests']} 次请求，"
              f"错误 {report['errors']}，状态 {report['statuses']}")
        print(f"延迟 p50 {report['p50_ms']} ms，p95 {report['p95_ms']} ms，最大 {report['max_ms']} ms；"
              f"吞吐 {report['throughput_rps']} 次/秒（用时 {report['wall_s']} 秒）")
        if report["inconsistent_answers"]:
            print(f"同一问题答案不一致：{report['inconsistent_answers']}")
        for e in report["error_samples"]:
            print(f"  错误示例：{e}")
    return 0 if report["errors"] == 0 and not report["inconsistent_answers"] else 1


if __name__ == "__main__":
    sys.exit(main())
