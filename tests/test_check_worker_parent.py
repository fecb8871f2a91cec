"""A 核对 worker leaves when the app that spawned it is killed (kill -9 skips the pool's
shutdown; the worker would otherwise wait on its queue for ever, holding its memory)."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

APP = r"""
import multiprocessing as mp, sys, time
from concurrent.futures import ProcessPoolExecutor
from kb.ui import check_worker as w
ctx = mp.get_context("spawn")
pool = ProcessPoolExecutor(1, mp_context=ctx, initializer=w._init, initargs=(ctx.Event(), ctx.Array("c", 600)))
pool.submit(time.sleep, 0).result()
print(*[p.pid for p in pool._processes.values()], flush=True)
time.sleep(120)
"""


def _alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False
    return "zombie" not in status


def test_worker_exits_when_its_app_is_killed():
    app = subprocess.Popen([sys.executable, "-c", APP], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    worker = int(app.stdout.readline().split()[0])
    assert _alive(worker)
    os.kill(app.pid, signal.SIGKILL)
    app.wait()
    deadline = time.monotonic() + 15
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not _alive(worker)
