"""Soak test of the running app through its API (/ask) with gradio_client: many users for a
fixed time, then requests, errors, latency and the app process's memory growth.

    .venv/bin/python scripts/soak_app.py --start                     # start app.py on a free loopback port,
                                                                    # soak it, stop it
    .venv/bin/python scripts/soak_app.py --pid 12345                 # soak http://127.0.0.1:7860/ (PID for RSS)
    .venv/bin/python scripts/soak_app.py --start --users 50 --duration 60 --app-arg=--index=index

Starts nothing unless --start is given. Loopback only (127.0.0.1 / ::1 / localhost). Bounded:
at most --users threads, each stops at the deadline or after --max-requests requests in total,
every request has a timeout, and the whole run ends by itself (the app it started is stopped).

The memory figure is the app process's VmRSS (/proc/PID/status): read after a warm-up (each
question once, so lazily loaded data is not counted as growth), sampled during the run, and read
again at the end. Growth = (end - start) / start; the target is < 10 %.

Prints a Markdown table row for the README. Exit 0 when there were no errors and the growth is
under --max-growth, 1 otherwise, 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import datetime as dt
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

HEADER = ("| date | users | seconds | requests | errors | req/s | p50 ms | p95 ms | max ms "
          "| RSS start MB | RSS end MB | RSS peak MB | growth |\n"
          "|---|---|---|---|---|---|---|---|---|---|---|---|---|")


def rss_kb(pid: int) -> int | None:
    """VmRSS of a process in kB, or None when it is gone or unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii", errors="replace") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _ask(client, question: str, timeout: float) -> dict:
    res = client.submit(question, api_name="/ask").result(timeout=timeout)
    if not isinstance(res, dict):
        raise TypeError(f"not a JSON object: {str(res)[:100]}")
    if res.get("status") not in ("answered", "not_found"):
        raise ValueError(f"status {res.get('status')!r}: {str(res.get('error', ''))[:100]}")
    return res


# ---------------------------------------------------------------------------------------- the soak
def soak(url: str, pid: int | None, users: int, duration: float, max_requests: int, timeout: float) -> dict:
    clients, errors = make_clients(url, users, timeout)
    live = [c for c in clients if c is not None]
    if not live:
        return {"requests": 0, "errors": len(errors), "error_samples": errors[:5]}
    rss_before_warmup = rss_kb(pid) if pid else None
    for q in QUESTIONS:  # warm-up: every question once, so first-use loading is not counted as growth
        try:
            _ask(live[0], q, timeout)
        except Exception as e:  # noqa: BLE001 - counted and reported
            errors.append(f"warm-up: {q}: {type(e).__name__}: {e}")
    rss_start = rss_kb(pid) if pid else None

    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    issued = [0]
    samples: list[tuple[float, int]] = []
    t_start = time.monotonic()
    stop_at = t_start + duration
    done = threading.Event()

    def sampler() -> None:
        while not done.wait(2.0):
            if pid and (kb := rss_kb(pid)) is not None:
                samples.append((time.monotonic() - t_start, kb))

    def user(u: int) -> None:
        client = clients[u]
        if client is None:
            return
        i = 0
        while time.monotonic() < stop_at:
            with lock:
                if issued[0] >= max_requests:
                    return
                issued[0] += 1
            q = QUESTIONS[(u * 7 + i) % len(QUESTIONS)]
            i += 1
            t0 = time.perf_counter()
            try:
                res = _ask(client, q, timeout)
            except Exception as e:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(f"user {u}: {q}: {type(e).__name__}: {str(e)[:200]}")
                continue
            elapsed = time.perf_counter() - t0
            with lock:
                latencies.append(elapsed)
                statuses[res["status"]] = statuses.get(res["status"], 0) + 1

    watcher = threading.Thread(target=sampler, daemon=True)
    watcher.start()
    with ThreadPoolExecutor(max_workers=users) as ex:
        list(ex.map(user, range(users)))
    wall = time.monotonic() - t_start
    done.set()
    watcher.join(timeout=5)
    time.sleep(1.0)  # let the app finish its bookkeeping before the last reading
    rss_end = rss_kb(pid) if pid else None
    peak = max([kb for _, kb in samples] + [x for x in (rss_start, rss_end) if x], default=None)
    growth = (rss_end - rss_start) / rss_start * 100 if rss_start and rss_end else None
    return {
        "url": url, "pid": pid, "users": users, "duration_s": duration, "wall_s": round(wall, 1),
        "requests": len(latencies), "errors": len(errors), "error_samples": errors[:5], "statuses": statuses,
        "throughput_rps": round(len(latencies) / wall, 1) if wall else None,
        "p50_ms": round(percentile(latencies, 50) * 1000, 1), "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "max_ms": round(max(latencies, default=float("nan")) * 1000, 1),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else None,
        "rss_before_warmup_mb": _mb(rss_before_warmup), "rss_start_mb": _mb(rss_start), "rss_end_mb": _mb(rss_end),
        "rss_peak_mb": _mb(peak), "rss_growth_pct": round(growth, 1) if growth is not None else None,
        "rss_samples_mb": [(round(t), _mb(kb)) for t, kb in samples[:: max(1, len(samples) // 12)]],
    }


def _mb(kb: int | None) -> float | None:
    return round(kb / 1024, 1) if kb else None


def markdown_row(r: dict) -> str:
    def f(v: object, suffix: str = "") -> str:
        return "—" if v is None else f"{v}{suffix}"

    return (f"| {dt.date.today().isoformat()} | {r['users']} | {r['wall_s']} | {r['requests']} | {r['errors']} "
            f"| {f(r['throughput_rps'])} | {r['p50_ms']} | {r['p95_ms']} | {r['max_ms']} | {f(r['rss_start_mb'])} "
            f"| {f(r['rss_end_mb'])} | {f(r['rss_peak_mb'])} | {f(r['rss_growth_pct'], ' %')} |")


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description="江城政策知识库：长时间并发访问应用 API（/ask），测延迟与内存增长")
    p.add_argument("--url", default="http://127.0.0.1:7860/", help="应用地址（仅限本机；--start 时忽略）")
    p.add_argument("--start", action="store_true", help="在空闲的本机端口启动 python app.py，测完关闭")
    p.add_argument("--app-arg", action="append", default=[], help="--start 时传给 app.py 的参数，如 --app-arg=--index=DIR")
    p.add_argument("--pid", type=int, help="应用进程号（不用 --start 时用于读取 RSS）")
    p.add_argument("--users", type=int, default=50, help="并发用户数（默认 50）")
    p.add_argument("--duration", type=float, default=60.0, help="持续秒数（默认 60）")
    p.add_argument("--max-requests", type=int, default=200_000, help="请求总数上限")
    p.add_argument("--timeout", type=float, default=60.0, help="单个请求的超时秒数")
    p.add_argument("--startup-timeout", type=float, default=300.0, help="--start 时等待应用启动的秒数（含建索引）")
    p.add_argument("--max-growth", type=float, default=10.0, help="内存增长上限（百分比，默认 10）")
    p.add_argument("--json", action="store_true", help="输出 JSON 报告")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if not (1 <= args.users <= 200 and 0 < args.duration <= 3600 and 1 <= args.max_requests <= 1_000_000
            and 0 < args.timeout <= 600):
        print("错误：--users 1—200，--duration 不超过 3600 秒，--max-requests 1—1000000，--timeout 不超过 600 秒",
              file=sys.stderr)
        return 2
    proc = None
    log_path = Path(tempfile.gettempdir()) / f"kb_soak_app_{os.getpid()}.log"
    if args.start:
        proc, url, startup = start_app(args.app_arg, args.startup_timeout, log_path)
        pid: int | None = proc.pid
        print(f"已启动 app.py（PID {pid}，{url}，{startup:.1f} 秒后首页可用；日志 {log_path}）", file=sys.stderr)
    else:
        try:
            url = check_loopback(args.url)
        except ValueError as e:
            print(e, file=sys.stderr)
            return 2
        pid = args.pid
        if pid and rss_kb(pid) is None:
            print(f"错误：读不到进程 {pid} 的 /proc/{pid}/status", file=sys.stderr)
            return 2
        if not wait_for_page(url, time.monotonic() + 10):
            print(f"错误：{url} 没有响应（先运行 python app.py，或用 --start）", file=sys.stderr)
            return 2
    try:
        report = soak(url, pid, args.users, args.duration, args.max_requests, args.timeout)
    finally:
        if proc is not None:
            stop_app(proc)
    if proc is not None:
        report["startup_s"] = round(startup, 1)
        report["app_exit_code"] = proc.returncode
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
    else:
        print(f"{report.get('users')} 个用户 × {report.get('wall_s')} 秒：{report['requests']} 次请求，"
              f"错误 {report['errors']}，状态 {report.get('statuses')}")
        if report["requests"]:
            print(f"延迟 p50 {report['p50_ms']} ms，p95 {report['p95_ms']} ms，最大 {report['max_ms']} ms；"
                  f"吞吐 {report['throughput_rps']} 次/秒")
            print(f"RSS：预热前 {report['rss_before_warmup_mb']} MB，开始 {report['rss_start_mb']} MB，"
                  f"结束 {report['rss_end_mb']} MB，峰值 {report['rss_peak_mb']} MB，增长 {report['rss_growth_pct']} %"
                  f"（目标 < {args.max_growth:g} %）")
            print(f"RSS 采样（秒, MB）：{report['rss_samples_mb']}")
            print()
            print(HEADER)
            print(markdown_row(report))
        for e in report.get("error_samples", []):
            print(f"  错误示例：{e}")
    growth = report.get("rss_growth_pct")
    ok = report["errors"] == 0 and report["requests"] > 0 and (growth is None or growth < args.max_growth)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
