"""A newcomer's first start and a restart, timed until the app answers a question.

    .venv/bin/python bench/first_start.py restart [--runs 3]   # app.py on the existing index → first answer
    .venv/bin/python bench/first_start.py clone                # git clone of HEAD → bash scripts/start.sh → first answer

Each run starts the app on a free loopback port and asks 「电动公交车要占多少？」 through the
app's /ask API every 0.2 s until an answer comes back. The times are wall-clock seconds on this
machine as it is: the load average (1 min) before and after is printed with them, since other work
on the machine slows every step. `clone` makes its own venv and builds its index from nothing
(pip's wheel cache and jieba's dictionary cache in /tmp are shared with this checkout, as on any
machine after a first install); its log is checked for lines a newcomer would fear (Warning,
Traceback, missing glyphs)."""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
QUESTION = "电动公交车要占多少？"
FEARED = re.compile(r"warning|traceback|error|glyph|missing|deprecat", re.IGNORECASE)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask_once(port: int, timeout: float = 30) -> dict | None:
    """One /ask through Gradio's HTTP API (POST then read the event stream); None until it answers."""
    base = f"http://127.0.0.1:{port}/gradio_api/call/ask"
    body = json.dumps({"data": [QUESTION, "", "", ""]}).encode()
    try:
        req = urllib.request.Request(base, body, {"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=timeout) as r:
            event = json.loads(r.read())["event_id"]
        with urllib.request.urlopen(f"{base}/{event}", timeout=timeout) as r:
            stream = r.read().decode()
    except (OSError, ValueError, KeyError):
        return None
    for line in stream.splitlines():
        if line.startswith("data:") and "status" in line:
            data = json.loads(line[5:])
            return data[0] if isinstance(data, list) and data else None
    return None


def wait_answer(proc: subprocess.Popen, port: int, limit: float) -> float | None:
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < limit:
        if proc.poll() is not None:
            return None
        answer = ask_once(port)
        if answer and answer.get("status") == "answered":
            return time.perf_counter()
        time.sleep(0.2)
    return None


def stop(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except (ProcessLookupError, subprocess.TimeoutExpired):
        os.killpg(proc.pid, signal.SIGKILL)


def restart(runs: int) -> dict:
    times = []
    for _ in range(runs):
        port = free_port()
        env = {**os.environ, "NO_PROXY": "*"}
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "app.py", "--port", str(port)], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        done = wait_answer(proc, port, 300)
        stop(proc)
        if done is None:
            raise SystemExit("应用没有在 300 秒内回答")
        times.append(round(done - t0, 1))
    return {"restart_to_first_answer_s": times, "median_s": statistics.median(times)}


def clone() -> dict:
    work = Path(tempfile.mkdtemp(prefix="kb_clone_"))
    repo = work / "repo"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(repo)], check=True)
    port = free_port()
    log = work / "start.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KB_", "VIRTUAL_ENV"))}
    env["NO_PROXY"] = "*"
    t0 = time.perf_counter()
    with open(log, "w") as out:
        proc = subprocess.Popen(["bash", "scripts/start.sh", "--port", str(port)], cwd=repo, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
        done = wait_answer(proc, port, 1800)
        stop(proc)
    shutil.rmtree(repo, ignore_errors=True)  # the clone and its venv (about 1 GB); the log stays
    text = log.read_text(encoding="utf-8", errors="replace")
    feared = [ln for ln in text.splitlines() if FEARED.search(ln)]
    result = {"clone_to_first_answer_s": None if done is None else round(done - t0, 1), "log": str(log),
              "log_lines": len(text.splitlines()), "feared_lines": feared[:10]}
    if done is None:
        result["log_tail"] = text[-2000:]
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="首次启动与重启：到应用回答第一个问题的时间")
    p.add_argument("what", choices=("restart", "clone"))
    p.add_argument("--runs", type=int, default=3)
    args = p.parse_args(argv)
    before = os.getloadavg()[0]
    result = restart(args.runs) if args.what == "restart" else clone()
    result.update(load_before=round(before, 2), load_after=round(os.getloadavg()[0], 2), cpus=os.cpu_count())
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
