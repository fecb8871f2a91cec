"""Load with hostile checks: 30 concurrent /ask users while 3 large department plans (0.5 MB
each, generated) go through /check, against the real app started on a free loopback port; then
`kb check` on the same plan and on a near-bomb .docx (4 MB zip, 95 MiB of paragraphs).

    .venv/bin/python bench/load_check.py                 # one run, prints a Markdown summary
    .venv/bin/python bench/load_check.py --runs 2 --json bench/results/load_check.json

Reports /ask p50/p95/max while the checks run, each check's queue wait, run time, end-to-end time,
status and the app's peak RSS during it, and the wall time and peak RSS of each `kb check`.
Acceptance (issue #23): a check ≤ 30 s while /ask answers in ≤ 5 s; `kb check` of the plan
≤ 30 s and ≤ 1 GB; the near-bomb refused or checked in ≤ 60 s and ≤ 1 GB.
"""

from __future__ import annotations

import argparse
import json
import platform
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from _app import QUESTIONS, make_clients, percentile, start_app, stop_app

from bench.hostile_inputs import write_big_plan, write_near_bomb_docx


def _rss_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class RssSampler(threading.Thread):
    """Every 0.1 s the resident memory of the app and of its largest child (the check worker):
    (monotonic time, app MB, worker MB)."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.samples, self.stop = pid, [], threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            worker = max((_rss_mb(c) for c in _children(self.pid)), default=0.0)
            self.samples.append((time.monotonic(), _rss_mb(self.pid), worker))
            time.sleep(0.1)

    def peak(self, start: float, end: float, which: int = 1) -> float:
        return max((s[which] for s in self.samples if start <= s[0] <= end), default=0.0)


def _one_check(client, plan: Path, t_start: float) -> dict:
    from gradio_client import handle_file

    submitted = time.monotonic()
    job = client.submit("", handle_file(str(plan)), api_name="/check")
    started = None
    while not job.done():
        code = str(job.status().code)
        if started is None and "PROCESSING" in code:
            started = time.monotonic()
        time.sleep(0.1)
    done = time.monotonic()
    body, files = job.result()
    started = started or submitted
    return {"submitted_s": round(submitted - t_start, 2), "queue_s": round(started - submitted, 2),
            "run_s": round(done - started, 2), "total_s": round(done - submitted, 2),
            "status": body.get("status"), "findings": len(body.get("findings", [])),
            "error": body.get("error", ""), "note": body.get("note", ""), "exports": len(files or []),
            "_window": (started, done)}


def run_load(url: str, pid: int, plan: Path, users: int, checks: int, warmup_s: float = 3.0) -> dict:
    clients, errors = make_clients(url, users + checks)
    ask_clients, check_clients = clients[:users], clients[users:]
    sampler = RssSampler(pid)
    sampler.start()
    stop = threading.Event()
    lock = threading.Lock()
    asks: list[tuple[float, float, str]] = []  # (start, seconds, status)
    t0 = time.monotonic()

    def user(u: int) -> None:
        client, i = ask_clients[u], 0
        if client is None:
            return
        while not stop.is_set():
            q = QUESTIONS[(u + i) % len(QUESTIONS)]
            i += 1
            start = time.monotonic()
            try:
                res = client.submit(q, api_name="/ask").result(timeout=120)
                status = res.get("status", "?") if isinstance(res, dict) else "bad-response"
            except Exception as e:  # noqa: BLE001 - counted and reported
                status = f"error: {type(e).__name__}"
            with lock:
                asks.append((start, time.monotonic() - start, status))

    with ThreadPoolExecutor(max_workers=users + checks) as ex:
        user_futures = [ex.submit(user, u) for u in range(users)]
        time.sleep(warmup_s)
        check_futures = [ex.submit(_one_check, c, plan, t0) for c in check_clients if c is not None]
        check_results = [f.result() for f in check_futures]
        stop.set()
        for f in user_futures:
            f.result()
    sampler.stop.set()
    window = (min(r["_window"][0] for r in check_results), max(r["_window"][1] for r in check_results))
    during = [s for start, s, _ in asks if window[0] <= start <= window[1]]
    for r in check_results:
        window = r.pop("_window")
        r["app_peak_rss_mb"] = round(sampler.peak(*window), 1)
        r["worker_peak_rss_mb"] = round(sampler.peak(*window, which=2), 1)
    bad = [st for _, _, st in asks if st not in ("answered", "related", "not_found")]  # every status of DESIGN.md
    return {
        "users": users, "checks": checks, "asks": len(asks), "asks_during_checks": len(during),
        "ask_errors": len(bad) + len(errors), "ask_error_samples": (bad + errors)[:5],
        "ask_p50_s": round(percentile(during, 50), 3), "ask_p95_s": round(percentile(during, 95), 3),
        "ask_max_s": round(max(during, default=float("nan")), 3),
        "ask_p95_all_s": round(percentile([s for _, s, _ in asks], 95), 3),
        "check_results": check_results,
        "app_rss_start_mb": round(sampler.samples[0][1], 1) if sampler.samples else None,
        "app_peak_rss_mb": round(max((s[1] for s in sampler.samples), default=0.0), 1),
        "worker_peak_rss_mb": round(max((s[2] for s in sampler.samples), default=0.0), 1),
        "load_average": [round(x, 1) for x in __import__("os").getloadavg()],
    }


def timed_kb_check(path: Path) -> dict:
    """`kb check FILE --json` in a child: wall seconds, peak RSS, exit code, stderr's last line."""
    code = ("import resource,subprocess,sys,time;t=time.perf_counter();"
            "r=subprocess.run(sys.argv[1:],stdout=subprocess.PIPE,stderr=subprocess.PIPE);"
            "import json;print(json.dumps({'s':time.perf_counter()-t,"
            "'mb':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024,'rc':r.returncode,"
            "'err':r.stderr.decode('utf-8','replace').strip()[-300:],'out':len(r.stdout)}))")
    cmd = [sys.executable, "-m", "kb", "check", str(path), "--json"]
    out = subprocess.run([sys.executable, "-c", code, *cmd], capture_output=True, text=True, cwd=ROOT, check=True)
    r = json.loads(out.stdout)
    return {"file": path.name, "bytes": path.stat().st_size, "wall_s": round(r["s"], 2),
            "peak_rss_mb": round(r["mb"], 1), "exit": r["rc"], "stderr": r["err"]}


def _markdown(result: dict) -> str:
    lines = [(f"Measured {result['when']} on {result['machine']} (the machine was shared with other work);"
             f" plan {result['plan_bytes'] / 1024:.0f} KB, near-bomb docx {result['bomb_bytes'] / 2**20:.1f} MB."), ""]
    lines += [("| run | /ask during checks | /ask p50 s | /ask p95 s | /ask max s | ask errors | check | queue s | "
              "run s | total s | status | findings | app / worker peak RSS MB |"), "|" + "---|" * 13]
    for i, run in enumerate(result["runs"], 1):
        for j, c in enumerate(run["check_results"], 1):
            head = (f"| {i} | {run['asks_during_checks']} | {run['ask_p50_s']} | {run['ask_p95_s']} | {run['ask_max_s']} "
                    f"| {run['ask_errors']} " if j == 1 else "| | | | | | ")
            lines.append(head + f"| {j} | {c['queue_s']} | {c['run_s']} | {c['total_s']} | {c['status']} | "
                         f"{c['findings']} | {c['app_peak_rss_mb']} / {c['worker_peak_rss_mb']} |")
    lines += ["", "Load average at the end of each run (other work on the machine): "
              + ", ".join(str(run["load_average"]) for run in result["runs"]) + "."]
    lines += ["", "| `kb check` | size | wall s | peak RSS MB | exit | message |", "|---|---|---|---|---|---|"]
    for c in result["cli"]:
        lines.append(f"| {c['file']} | {c['bytes'] / 2**20:.2f} MB | {c['wall_s']} | {c['peak_rss_mb']} | {c['exit']} | "
                     f"{c['stderr'].splitlines()[-1] if c['stderr'] else ''} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="30 个并发提问 + 3 个大方案核对的负载测试")
    p.add_argument("--users", type=int, default=30)
    p.add_argument("--checks", type=int, default=3)
    p.add_argument("--plan-kb", type=int, default=512)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument("--no-cli", action="store_true", help="skip the kb check timings")
    p.add_argument("--json", type=Path, help="write the result here")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kb_load_check_") as tmp:
        work = Path(tmp)
        plan = write_big_plan(work / "large_plan.txt", args.plan_kb * 1024)
        bomb = write_near_bomb_docx(work / "near_bomb.docx")
        result = {"when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                  "machine": f"{platform.machine()}, {__import__('os').cpu_count()} cores",
                  "plan_bytes": plan.stat().st_size, "bomb_bytes": bomb.stat().st_size, "runs": [], "cli": []}
        for _ in range(args.runs):
            proc, url, startup = start_app([], 300, work / "app.log")
            try:
                run = run_load(url, proc.pid, plan, args.users, args.checks)
            finally:
                stop_app(proc)
            run["startup_s"] = round(startup, 1)
            result["runs"].append(run)
        if not args.no_cli:
            result["cli"] = [timed_kb_check(plan), timed_kb_check(bomb)]
    print(_markdown(result))
    if args.json:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
