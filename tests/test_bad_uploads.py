"""Bad uploads to ``kb check``: every damaged, hostile or odd file gets a clear one-line error
(exit 2) or a plain report, never a traceback, and nothing is written into corpus/ or next to
the checked file. (The app's 核对 tab gets the same files in tests/test_bad_input.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # see tests/test_properties.py (query speed under load)

import pytest
from badinput_common import (
    BAD_UPLOAD_IDS,
    GOOD_UPLOADS,
    MAX_LINE,
    MIXED_UPLOADS,
    assert_bad,
    assert_clean,
    run_cli,
    snapshot,
)

from kb.errors import BadInput


@pytest.mark.parametrize("case", BAD_UPLOAD_IDS)
def test_cli_check_bad_upload(built_settings, capsys, tmp_path, bad_uploads, case):
    name, data = bad_uploads[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot(built_settings.corpus, tmp_path)
    for json_flag in ((), ("--json",)):
        assert_bad(*run_cli(built_settings, capsys, "check", str(path), *json_flag))
    assert snapshot(built_settings.corpus, tmp_path) == before, "kb check wrote into corpus/ or next to the file"


@pytest.mark.parametrize("case", BAD_UPLOAD_IDS)
def test_read_plan_bad_upload(bad_uploads, case):
    from kb.crosscheck import read_plan

    name, data = bad_uploads[case]
    with pytest.raises(BadInput) as info:
        read_plan(data, name, 5)
    assert "\n" not in info.value.one_line() and len(info.value.one_line()) <= MAX_LINE


def test_prose_without_targets_has_no_findings(built_settings, capsys, tmp_path, bad_uploads):
    name, data = bad_uploads["no-targets"]
    (tmp_path / name).write_bytes(data)
    rc, out, err = run_cli(built_settings, capsys, "check", str(tmp_path / name), "--json")
    assert_clean(out, err)
    assert rc == 0 and json.loads(out)["findings"] == []


@pytest.mark.parametrize("case", GOOD_UPLOADS.keys())
def test_cli_check_reads_every_encoding(built_settings, capsys, tmp_path, case):
    name, data = GOOD_UPLOADS[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = snapshot(built_settings.corpus, tmp_path)
    rc, out, err = run_cli(built_settings, capsys, "check", str(path), "--json")
    assert_clean(out, err)
    assert rc == 0 and err == "", err
    findings = json.loads(out)["findings"]
    statements = {f["statement"]: f for f in findings}
    bus = next(f for s, f in statements.items() if "新能源公交车占比达到72%" in s)
    assert bus["verdict"] == "consistent"
    assert len(findings) >= 3
    rc, out, err = run_cli(built_settings, capsys, "check", str(path))  # the text report too
    assert rc == 0 and "一致" in out
    assert snapshot(built_settings.corpus, tmp_path) == before


@pytest.mark.parametrize("case", MIXED_UPLOADS.keys())
def test_cli_check_mixed_encodings(built_settings, capsys, tmp_path, case):
    name, data = MIXED_UPLOADS[case]
    path = tmp_path / name
    path.write_bytes(data)
    rc, out, err = run_cli(built_settings, capsys, "check", str(path), "--json")
    assert_clean(out, err)
    if rc == 2:
        assert_bad(rc, out, err)
    else:
        assert rc == 0 and err == ""
        assert isinstance(json.loads(out)["findings"], list)


@pytest.mark.parametrize("target", ["missing", "directory", "fifo-like"])
def test_cli_check_not_a_file(built_settings, capsys, tmp_path, target):
    path = {"missing": tmp_path / "nope.txt", "directory": tmp_path, "fifo-like": Path("/dev/null")}[target]
    assert_bad(*run_cli(built_settings, capsys, "check", str(path)))


def test_check_writes_nothing_into_the_corpus(built_settings, capsys, tmp_path, bad_uploads):
    """All uploads, good and bad, one after the other: corpus/ and the index are untouched."""
    corpus, index = Path(built_settings.corpus), Path(built_settings.index)
    before = snapshot(corpus, index)
    uploads = {**bad_uploads, **GOOD_UPLOADS, **MIXED_UPLOADS}
    for name, data in uploads.values():
        (tmp_path / name).write_bytes(data)
        rc, out, err = run_cli(built_settings, capsys, "check", str(tmp_path / name), "--json")
        assert rc in (0, 2) and "Traceback" not in out + err
    assert snapshot(corpus, index) == before
    assert {p.name for p in tmp_path.iterdir()} == {n for n, _ in uploads.values()}


PDF_SUBPROCESS = ("corrupt-pdf", "truncated-pdf", "text-named-pdf")


@pytest.mark.parametrize("case", PDF_SUBPROCESS)
def test_cli_check_bad_pdf_in_a_real_process(built_settings, tmp_path, bad_uploads, case):
    """In-process, pytest's log capture hides library warnings; a real `kb` process shows what a
    user sees: one line on stderr, no pypdf warnings."""
    name, data = bad_uploads[case]
    path = tmp_path / name
    path.write_bytes(data)
    proc = subprocess.run([sys.executable, "-m", "kb", "--corpus", str(built_settings.corpus), "--index",
                           str(built_settings.index), "check", str(path)], capture_output=True, text=True, check=False,
                          cwd=tmp_path, env={**os.environ, "OMP_NUM_THREADS": "1"}, timeout=120)
    assert_bad(proc.returncode, proc.stdout, proc.stderr)


