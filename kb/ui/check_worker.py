"""核对 in a process of its own, so a long check never holds the app's interpreter lock: the
checking (pure Python) ran in a thread of the app and every /ask waited for the lock behind it.

One worker process (spawned once, on first use or at start-up by ``warm_up``) loads its own
knowledge base and runs one check at a time (the app's check queue already runs one at a time).
The app's thread waits for it, passes 取消 or a closed page on through a shared flag (the check
stops at its next sentence, as in a thread) and reads the progress line from a shared buffer.
When the app switches in a rebuilt index, the next check reloads it in the worker too.
"""

from __future__ import annotations

import logging
import multiprocessing as mp
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from kb.errors import BadInput, KBError
from kb.plan_check import CheckCancelled
from kb.ui.check_run import check_plan

log = logging.getLogger("kb.app")
PROGRESS_BYTES = 600
PARENT_POLL_S = 2.0  # how often a worker looks whether the app is still there

_pool: ProcessPoolExecutor | None = None
_cancel = None      # multiprocessing.Event shared with the worker
_progress = None    # multiprocessing.Array('c') holding the latest progress line (UTF-8)
_lock = threading.Lock()

# in the worker ------------------------------------------------------------------------------
_worker_kb = None


def _init(cancel, progress) -> None:
    global _cancel, _progress
    _cancel, _progress = cancel, progress
    threading.Thread(target=_exit_with_parent, args=(os.getppid(),), daemon=True).start()


def _exit_with_parent(parent: int) -> None:
    """A worker whose app was killed (kill -9 skips the pool's shutdown) would wait on its queue
    for ever: it leaves when its parent is gone."""
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_S)
    os._exit(0)


def _set_progress(text: str) -> None:
    data = text.encode("utf-8")[: PROGRESS_BYTES - 1]
    with _progress.get_lock():
        _progress.value = data


def _kb_for(settings, folder: str):
    """The worker's knowledge base, reloaded when the app serves another index version (or
    other settings)."""
    global _worker_kb
    if _worker_kb is None or str(_worker_kb.index.folder) != folder or _worker_kb.settings != settings:
        from kb.api import KnowledgeBase

        _worker_kb = KnowledgeBase(settings)
    return _worker_kb


def _run(settings, folder: str, text, upload, export_folder: str) -> tuple:
    """→ ("done", (result, source, xlsx, docx)) or ("error", one line, "cancelled" / "bad_input" / "")."""
    _cancel.clear()
    _set_progress("正在准备核对…")
    try:
        kb = _kb_for(settings, folder)
        return "done", check_plan(kb, text, upload, _cancel, _set_progress, Path(export_folder))
    except CheckCancelled as e:
        return "error", e.one_line(), "cancelled"
    except BadInput as e:
        return "error", e.one_line(), "bad_input"
    except KBError as e:
        return "error", e.one_line(), ""


def warm_up(settings, folder: str) -> None:
    """Start the worker and load its knowledge base now, not at the first check."""
    try:
        _submit(_kb_for_only, settings, folder)
    except Exception:
        log.exception("check worker failed to start")


def _kb_for_only(settings, folder: str) -> bool:
    _kb_for(settings, folder)
    return True


# in the app ---------------------------------------------------------------------------------
def _submit(fn, *args) -> Future:
    global _pool, _cancel, _progress
    with _lock:
        if _pool is None:
            ctx = mp.get_context("spawn")  # never fork a process that runs threads
            _cancel, _progress = ctx.Event(), ctx.Array("c", PROGRESS_BYTES)
            _pool = ProcessPoolExecutor(max_workers=1, mp_context=ctx, initializer=_init,
                                        initargs=(_cancel, _progress))
        try:
            return _pool.submit(fn, *args)
        except BrokenProcessPool:
            _pool = None
    return _submit(fn, *args)


def check_in_worker(kb, text, upload, cancel: threading.Event, progress: Callable[[str], None] | None,
                    export_folder: Path):
    """check_plan run by the worker process; 取消 (``cancel`` set) reaches it at its next sentence.
    Raises what check_plan raises (BadInput, CheckCancelled), as KBError with the same message."""
    upload = str(upload) if isinstance(upload, Path) else upload
    future = _submit(_run, kb.settings, str(kb.index.folder), text, upload, str(export_folder))
    last = ""
    while True:
        if cancel.is_set():
            _cancel.set()
        try:
            outcome = future.result(timeout=0.3)
            break
        except FutureTimeout:
            pass
        except BrokenProcessPool as e:  # the worker died (killed, out of memory): start afresh next time
            global _pool
            with _lock:
                _pool = None
            raise KBError("核对进程意外退出", "请稍后重试；方案很大时请拆分后分批核对") from e
        if progress is not None:
            with _progress.get_lock():
                line = _progress.value.decode("utf-8", "ignore")
            if line and line != last:
                progress(line)
                last = line
    if outcome[0] == "done":
        return outcome[1]
    kind = {"cancelled": CheckCancelled, "bad_input": BadInput}.get(outcome[2], KBError)
    raise kind(outcome[1])


def shutdown() -> None:
    global _pool
    with _lock:
        if _pool is not None:
            _pool.shutdown(wait=False, cancel_futures=True)
            _pool = None
