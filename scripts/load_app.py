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
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from _app import QUESTIONS, check_loopback, make_clients, percentile, start_app, stop_app, wait_for_page


def run_load(url: str, users: int, per_user: int, deadline_s: float) -> dict:
    clients, errors = make_clients(url, users)
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
        log_path = Path(tempfile.gettempdir()) / f"kb_load_app_{os.getpid()}.log"
        proc, url, startup = start_app(args.app_arg, 120, log_path)
    else:
        url = check_loopback(args.url)
        if not wait_for_page(url, time.monotonic() + 10):
            raise SystemExit(f"错误：{url} 没有响应（先运行 python app.py，或用 --start）")
    try:
        report = run_load(url, args.users, args.questions, args.deadline)
    finally:
        if proc is not None:
            stop_app(proc)
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
