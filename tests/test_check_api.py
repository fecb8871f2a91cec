"""核对 end to end: /check through gradio_client (findings; an over-limit plan gets a Chinese
error), cancellation (取消, a closed page or a dropped client stops the work, in a thread and in
the worker process), and the export folder's cleaning (by age, by size, at start-up)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from pathlib import Path

import pytest

import app
from bench.hostile_inputs import big_plan_text
from kb.config import load_settings
from kb.plan_check import CheckCancelled, run_plan_check
from kb.ui import check_tab, check_worker, exports

PLAN = Path(__file__).parent / "data" / "dept_plan.txt"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _check_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "kb-check" and t.is_alive()]


def _wait_no_check_thread(timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _check_threads():
            return True
        time.sleep(0.1)
    return False


# /check through gradio_client -----------------------------------------------------------------
@pytest.fixture(scope="module")
def check_client(kb, built_settings, tmp_path_factory):
    from gradio_client import Client

    settings = load_settings(env={}, corpus=built_settings.corpus, index=built_settings.index, port=_free_port(),
                             max_upload_mb=0.05)
    small_kb = type(kb)(settings, kb.index)  # the same index, a 50 KB upload limit
    demo = app.build_app(small_kb)
    demo.queue(default_concurrency_limit=app.CONCURRENCY)
    demo.launch(**app.launch_options(settings), prevent_thread_lock=True)
    try:
        yield Client(f"http://127.0.0.1:{settings.port}/", verbose=False, download_files=False)
    finally:
        demo.close()
        check_worker.shutdown()


def test_check_api_gives_findings_and_exports(check_client):
    from gradio_client import handle_file

    body, files = check_client.predict("", handle_file(str(PLAN)), api_name="/check")
    assert body["status"] == "ok" and body["note"] == ""
    assert body["findings"] and body["summary"]["conflict"] >= 1
    row = body["findings"][0]
    assert {"statement", "verdict", "dept_value", "doc_id", "doc_title"} <= set(row)
    assert len(files) == 2
    pasted, _ = check_client.predict("到2027年，新能源公交车占比达到72%。", None, api_name="/check")
    assert pasted["status"] == "ok" and pasted["findings"][0]["verdict"] == "consistent"


def test_check_api_refuses_an_over_limit_plan_in_chinese(check_client, tmp_path):
    """A small .docx whose body inflates past the limits: refused in Chinese in the response."""
    from gradio_client import handle_file

    bomb = tmp_path / "plan.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:p><w:r><w:t>到2027年，森林覆盖率达到53%。</w:t></w:r></w:p>" * 150_000)
    assert bomb.stat().st_size < 50 * 1024
    body, files = check_client.predict("", handle_file(str(bomb)), api_name="/check")
    assert body["status"] == "error" and _has_chinese(body["error"]) and files == [], body
    assert "Traceback" not in body["error"] and "zip" not in body["error"].lower().replace("zip 炸弹", "")
    empty, files = check_client.predict("   ", None, api_name="/check")
    assert empty["status"] == "error" and _has_chinese(empty["error"]) and not files


def test_upload_over_the_size_limit_is_refused_in_chinese(check_client, tmp_path):
    """Past the upload limit the server refuses the file itself (413) with a Chinese message.
    (gradio_client refuses such a file before sending it, in its own words.)"""
    import httpx

    boundary = "kbtestboundary"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.txt\"\r\n"
            "Content-Type: text/plain\r\n\r\n").encode() + big_plan_text(200 * 1024).encode() + \
        f"\r\n--{boundary}--\r\n".encode()
    r = httpx.post(f"{check_client.src}gradio_api/upload", content=body,
                   headers={"Content-Type": f"multipart/form-data; boundary={boundary}"}, timeout=30)
    assert r.status_code == 413, r.text
    assert _has_chinese(r.text) and "Traceback" not in r.text, r.text


# cancellation -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def big_plan(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "large_plan.txt"
    path.write_text(big_plan_text(1024 * 1024), encoding="utf-8")
    return path


def test_cancel_flag_stops_the_check(kb, big_plan):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CheckCancelled):
        run_plan_check(kb, big_plan.read_text(encoding="utf-8"), cancel=cancel)


@pytest.mark.parametrize("in_worker", [False, True], ids=["thread", "worker-process"])
def test_closing_the_page_cancels_a_running_check(kb, big_plan, monkeypatch, in_worker):
    """Gradio closes the handler's generator when the page is closed, 取消 is clicked or the client
    disconnects: the running check must stop, not run on to the end."""
    monkeypatch.setattr(check_tab, "CHECK_IN_WORKER", in_worker)
    assert _wait_no_check_thread(30)
    stream = check_tab.check_api_stream(kb, "", str(big_plan)) if in_worker else \
        check_tab.check_stream(kb, "", str(big_plan), None)
    if in_worker:  # /check yields only at the end: close it from outside while it waits
        outcome = {}
        runner = threading.Thread(target=lambda: outcome.setdefault("out", list(stream)))
        runner.start()
        time.sleep(1.0)
        assert _check_threads(), outcome
        deadline = time.monotonic() + 120
        while runner.is_alive() and time.monotonic() < deadline:
            check_worker._cancel is not None and check_worker._cancel.set()  # what a closed page does in the worker
            time.sleep(0.2)
        assert not runner.is_alive()
        body, files = outcome["out"][-1]
        assert body["status"] == "cancelled" and _has_chinese(body["error"]) and files == []
    else:
        first = next(stream)  # a progress line: the check is running in its thread
        assert "可点击" in first[1]
        assert _check_threads()
        stream.close()  # the page is gone
        assert _wait_no_check_thread(15), "the check ran on after the page was closed"


def test_generator_close_reaches_the_worker(kb, big_plan):
    """The app's path: closing /check's stream sets the thread's flag, which the waiting thread
    passes on to the worker process; the worker's check stops and the thread ends."""
    assert _wait_no_check_thread(30)
    result = {}

    def work(cancel, progress):
        try:
            result["out"] = check_worker.check_in_worker(kb, "", str(big_plan), cancel, progress,
                                                         exports.request_dir("check"))
        except CheckCancelled as e:
            result["cancelled"] = e.one_line()
        return result

    stream = check_tab._in_thread(work)
    kind, _ = next(stream)
    assert kind == "progress"
    time.sleep(0.5)
    stream.close()
    assert _wait_no_check_thread(120)
    assert "cancelled" in result and _has_chinese(result["cancelled"]), result


# export folder cleaning -------------------------------------------------------------------------
def _request(root: Path, name: str, size: int, age_s: float) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "f.bin").write_bytes(b"\0" * size)
    old = time.time() - age_s
    os.utime(folder, (old, old))
    return folder


def test_export_cleaning_by_age(tmp_path):
    old = _request(tmp_path, "check-old", 10, exports.MAX_AGE_S + 60)
    new = _request(tmp_path, "check-new", 10, 5)
    assert exports.clean(tmp_path) == 1
    assert not old.exists() and new.exists()


def test_export_cleaning_by_size_removes_the_oldest_first(tmp_path):
    a = _request(tmp_path, "a", 400, 30)
    b = _request(tmp_path, "b", 400, 20)
    c = _request(tmp_path, "c", 400, 10)
    assert exports.clean(tmp_path, max_total=900) == 1
    assert not a.exists() and b.exists() and c.exists()
    assert exports.clean(tmp_path, max_total=100) == 2
    assert not any(tmp_path.iterdir())


def test_export_roots_of_killed_runs_are_removed_at_start_up(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    dead_root = tmp_path / f"{exports.ROOT_PREFIX}{int(dead.stdout)}_abc"
    live_root = tmp_path / f"{exports.ROOT_PREFIX}{os.getpid()}_def"
    legacy_old = tmp_path / f"{exports.ROOT_PREFIX}xyz"
    legacy_new = tmp_path / f"{exports.ROOT_PREFIX}uvw"
    other = tmp_path / "someone_elses_folder"
    for folder in (dead_root, live_root, legacy_old, legacy_new, other):
        (folder / "check-1").mkdir(parents=True)
    old = time.time() - exports.LEGACY_MAX_AGE_S - 60
    os.utime(legacy_old, (old, old))
    assert exports.sweep_dead_roots(tmp_path) == 2
    assert not dead_root.exists() and not legacy_old.exists()
    assert live_root.exists() and legacy_new.exists() and other.exists()


def test_request_folders_live_under_this_process_root():
    folder = exports.request_dir("check")
    root = exports.export_dir()
    assert folder.parent == root and root.name.startswith(f"{exports.ROOT_PREFIX}{os.getpid()}_")
