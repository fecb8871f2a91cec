"""The app's export folder, bounded: one folder per request under one root per process, removed
by age and by total size on a timer and at every new request; at start-up the roots left by
killed runs are removed too.

Gradio copies every file it serves into its own cache (bounded by ``delete_cache`` in app.py), so
a request folder can go as soon as its response has been sent; the age cap only keeps it long
enough for that.
"""

from __future__ import annotations

import functools
import logging
import os
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger("kb.app")
ROOT_PREFIX = "kb_app_exports_"
MAX_AGE_S = 15 * 60           # a request folder older than this is removed
MAX_TOTAL_BYTES = 200 * 2**20  # past this the oldest request folders go first
CLEAN_EVERY_S = 60
LEGACY_MAX_AGE_S = 24 * 3600   # roots of older versions (no pid in the name) left in the temp folder

_caches: list[Callable[[], None]] = []
_lock = threading.Lock()


@functools.lru_cache(maxsize=1)
def export_dir() -> Path:
    """This process's export root (``<tmp>/kb_app_exports_<pid>_<random>``); the first call also
    removes the roots of dead processes and starts the cleaning timer."""
    sweep_dead_roots(Path(tempfile.gettempdir()))
    root = Path(tempfile.mkdtemp(prefix=f"{ROOT_PREFIX}{os.getpid()}_"))
    import atexit

    atexit.register(shutil.rmtree, root, True)
    timer = threading.Thread(target=_clean_forever, args=(root,), name="kb-export-cleaner", daemon=True)
    timer.start()
    return root


def request_dir(kind: str) -> Path:
    """A fresh folder for one request's files (``check-…``, ``brief-…``, ``targets-…``)."""
    root = export_dir()
    clean(root)
    folder = root / f"{kind}-{uuid.uuid4().hex[:12]}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def register_cache(cache_clear: Callable[[], None]) -> None:
    """A cache of paths under the export root (lru_cache.cache_clear): cleared when files go."""
    _caches.append(cache_clear)


def _size(folder: Path) -> int:
    total = 0
    for dirpath, _, files in os.walk(folder):
        for f in files:
            try:
                total += os.lstat(os.path.join(dirpath, f)).st_size
            except OSError:
                pass
    return total


def clean(root: Path, now: float | None = None, max_age: float = MAX_AGE_S,
          max_total: int = MAX_TOTAL_BYTES) -> int:
    """Remove request folders older than ``max_age``, then the oldest until the rest fit in
    ``max_total`` bytes. → the number removed."""
    now = time.time() if now is None else now
    with _lock:
        try:
            entries = [(p.stat().st_mtime, p) for p in root.iterdir() if p.is_dir()]
        except OSError:
            return 0
        entries.sort()
        removed = 0
        keep = []
        for mtime, p in entries:
            if now - mtime > max_age:
                shutil.rmtree(p, ignore_errors=True)
                removed += 1
            else:
                keep.append((p, _size(p)))
        total = sum(s for _, s in keep)
        for p, s in keep:
            if total <= max_total:
                break
            shutil.rmtree(p, ignore_errors=True)
            total -= s
            removed += 1
    if removed:
        for cache_clear in _caches:
            cache_clear()
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def sweep_dead_roots(tmp: Path, now: float | None = None) -> int:
    """Remove export roots whose process is gone (a killed run), and old roots of older versions."""
    now = time.time() if now is None else now
    removed = 0
    try:
        roots = [p for p in tmp.iterdir() if p.name.startswith(ROOT_PREFIX) and p.is_dir()]
    except OSError:
        return 0
    for p in roots:
        head = p.name[len(ROOT_PREFIX):].split("_", 1)[0]
        try:
            dead = not _alive(int(head)) if head.isdigit() else now - p.stat().st_mtime > LEGACY_MAX_AGE_S
        except OSError:
            continue
        if dead:
            shutil.rmtree(p, ignore_errors=True)
            removed += 1
    if removed:
        log.info("已清理 %d 个遗留的导出目录", removed)
    return removed


def _clean_forever(root: Path) -> None:
    while root.exists():
        time.sleep(CLEAN_EVERY_S)
        try:
            clean(root)
        except Exception:  # the timer must never die
            log.exception("export cleaning failed")
