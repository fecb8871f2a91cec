"""Bad input everywhere: the CLI (``kb.cli.main``), the Python API and the app's handlers.

Every bad input gets a clear message and never a traceback: in the CLI exit 2 and exactly one
line on stderr starting with 错误：; in the API a BadInput; in the app a status "error" object or
an escaped message. Markup in a question is never rendered: answers are plain text, the app's
HTML escapes it. ``kb check`` writes nothing into corpus/ (or next to the checked file).
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")  # see tests/test_properties.py (query speed under load)

import pytest

from kb.cli import main
from kb.errors import BadInput, UnknownDocument

ROOT = Path(__file__).resolve().parent.parent
GOOD = "电动公交车要占多少？"
MAX_LINE = 300  # an error line longer than this is not a "clear message"
RAW_TAGS = ("<script", "<img", "<svg", "<iframe")  # escaped (&lt;img …) is fine

# --------------------------------------------------------------------------------- inputs
# Questions that cannot be asked: exit 2 / BadInput / status "error".
BAD_QUESTIONS = {
    "empty": "",
    "spaces": "   ",
    "whitespace-mix": " \t\n\u3000\r\n ",
    "100k-chars": "问" * 100_000,
    "100k-ascii": "a" * 100_000,
    "nul": "\x00",
    "nuls": "\x00" * 50,
    "rlo": "\u202e",
    "controls-only": "\x00\x07\u202e\u200b\ufeff",
    "emoji": "😀😀😀",
    "emoji-zwj": "👨‍👩‍👧‍👦🏳️‍🌈",
    "punctuation": "？？！！……",
}
# Questions that are odd but askable: exit 0 with a plain-text answer or not_found (or exit 2).
ODD_QUESTIONS = {
    "ansi": "\x1b[31m",
    "ansi-around": f"\x1b[31m{GOOD}\x1b[0m",
    "nul-prefix": f"\x00{GOOD}",
    "rlo-inside": "电动公交车\u202e要占多少？",
    "mixed-scripts": "电动公交车 مرحبا Привет 要占多少？",
    "arabic-cyrillic": "مرحبا Привет мир",
    "script": "<script>alert(1)</script>",
    "script+question": f"<script>alert(1)</script>{GOOD}",
    "img": "<img src=x onerror=alert(1)>",
    "svg+question": f'"><svg onload=alert(1)>{GOOD}',
    "sql": "'; DROP TABLE docs; --",
    "sql+question": f"{GOOD}' OR '1'='1",
    "format-string": "%s%s%s%n {0} ${{7*7}} {{{{7*7}}}}",
    "long-but-allowed": "细颗粒物浓度" * 300,
}
# The control characters are dropped by normalization: these must answer like GOOD itself.
SAME_AS_GOOD = ("nul-prefix", "rlo-inside")

BAD_DOC_IDS = {
    "dotdot": "../../etc/passwd",
    "absolute": "/etc/passwd",
    "encoded": "..%2F..%2Fetc",
    "10k": "d" * 10_000,
    "empty": "",
    "nul": "\x00",
    "nested": "jilin_meili_jiangcheng_plan_2024_2035/../../etc/passwd",
    "manifest": "manifest.json",
    "windows": "C:\\Windows\\win.ini",
    "home": "~/.ssh/id_rsa",
    "dot": ".",
    "dotdot-only": "..",
    "script": "<script>alert(1)</script>",
}


def _cli(settings, capsys, *args: str) -> tuple[int, str, str]:
    rc = main(["--corpus", str(settings.corpus), "--index", str(settings.index), *args])
    out, err = capsys.readouterr()
    return rc, out, err


def assert_clean(out: str, err: str) -> None:
    assert "Traceback" not in out and "Traceback" not in err
    assert "\x1b" not in out and "\x1b" not in err, "a terminal escape reached the terminal"


def assert_bad(rc: int, out: str, err: str) -> str:
    """Exit 2, one short line on stderr starting with 错误：, nothing on stdout."""
    assert_clean(out, err)
    assert rc == 2, (rc, err[:300])
    lines = err.splitlines()
    assert len(lines) == 1, f"stderr has {len(lines)} lines: {err[:500]!r}"
    assert lines[0].startswith("错误："), lines[0][:200]
    assert len(lines[0]) <= MAX_LINE, f"error line is {len(lines[0])} characters: {lines[0][:120]}…"
    assert out == ""
    return lines[0]


def assert_no_markup(text: str) -> None:
    low = text.lower()
    for tag in RAW_TAGS:
        assert tag not in low, f"raw {tag} in {text[:300]!r}"


# --------------------------------------------------------------------------------- CLI: ask
@pytest.mark.parametrize("question", BAD_QUESTIONS.values(), ids=BAD_QUESTIONS.keys())
@pytest.mark.parametrize("json_flag", [(), ("--json",)], ids=["text", "json"])
def test_cli_ask_bad_question(built_settings, capsys, question, json_flag):
    assert_bad(*_cli(built_settings, capsys, "ask", question, *json_flag))


@pytest.mark.parametrize("name", ODD_QUESTIONS.keys())
def test_cli_ask_odd_question_text(built_settings, capsys, name):
    rc, out, err = _cli(built_settings, capsys, "ask", ODD_QUESTIONS[name])
    assert_clean(out, err)
    if rc == 2:
        assert_bad(rc, out, err)
        return
    assert rc == 0 and err == "", (rc, err)
    assert out.strip()
    assert_no_markup(out)  # the question is not echoed; answers and quotes are plain corpus text
    assert "\u202e" not in out


@pytest.mark.parametrize("name", ODD_QUESTIONS.keys())
def test_cli_ask_odd_question_json(built_settings, capsys, name):
    question = ODD_QUESTIONS[name]
    rc, out, err = _cli(built_settings, capsys, "ask", question, "--json")
    assert_clean(out, err)
    if rc == 2:
        assert_bad(rc, out, err)
        return
    assert rc == 0 and err == ""
    obj = json.loads(out)
    assert obj["question"] == question  # echoing the question in JSON is fine
    assert obj["status"] in ("answered", "not_found")
    rest = {k: v for k, v in obj.items() if k != "question"}
    assert_no_markup(json.dumps(rest, ensure_ascii=False))


@pytest.mark.parametrize("name", SAME_AS_GOOD)
def test_cli_control_characters_are_dropped_and_the_question_answered(built_settings, capsys, name):
    rc, out, _ = _cli(built_settings, capsys, "ask", GOOD, "--json")
    good = json.loads(out)
    rc2, out2, err2 = _cli(built_settings, capsys, "ask", ODD_QUESTIONS[name], "--json")
    assert rc == rc2 == 0 and err2 == ""
    odd = json.loads(out2)
    assert good["status"] == "answered"
    assert (odd["status"], odd["answer"], odd["citations"]) == (good["status"], good["answer"], good["citations"])


# --------------------------------------------------------------------------------- CLI: doc
@pytest.mark.parametrize("doc_id", BAD_DOC_IDS.values(), ids=BAD_DOC_IDS.keys())
@pytest.mark.parametrize("json_flag", [(), ("--json",)], ids=["text", "json"])
def test_cli_doc_bad_id(built_settings, capsys, doc_id, json_flag):
    rc, out, err = _cli(built_settings, capsys, "doc", doc_id, *json_flag)
    assert "root:" not in out + err  # /etc/passwd was not read
    assert_bad(rc, out, err)


# --------------------------------------------------------------------------------- CLI: flags
BAD_ARGV = {
    "unknown-global": ["--bogus"],
    "unknown-ask": ["ask", "--bogus", GOOD],
    "unknown-short": ["ask", "-x", GOOD],
    "unknown-check": ["check", "--frobnicate", "plan.txt"],
    "unknown-command": ["nosuchcommand"],
    "ask-nothing": ["ask"],
    "doc-missing-id": ["doc"],
    "check-missing-file": ["check"],
    "brief-missing-out": ["brief", "--topic", "大气"],
    "ask-k-0": ["ask", "-k", "0", GOOD],
    "ask-k-neg": ["ask", "-k", "-5", GOOD],
    "ask-k-huge": ["ask", "-k", "100000", GOOD],
    "ask-k-abc": ["ask", "-k", "abc", GOOD],
    "search-k-0": ["search", GOOD, "-k", "0"],
    "search-k-neg": ["search", GOOD, "-k", "-5"],
    "search-k-huge": ["search", GOOD, "-k", "100000"],
    "search-mode": ["search", GOOD, "--mode", "sql"],
    "search-empty": ["search", ""],
    "targets-year-abc": ["targets", "--year", "abc"],
    "targets-year-float": ["targets", "--year", "2027.5"],
    "targets-format": ["targets", "--format", "xml"],
    "ask-doc-filter-traversal": ["ask", GOOD, "--doc", "../../etc/passwd"],
    "ask-level-filter-bogus": ["ask", GOOD, "--level", "<script>"],
    "brief-empty-topic": ["brief", "--topic", "", "--out", "brief.md"],
    "batch-missing": ["ask", "--batch", "/nonexistent/questions.txt", "--json"],
}


@pytest.mark.parametrize("argv", BAD_ARGV.values(), ids=BAD_ARGV.keys())
def test_cli_bad_arguments(built_settings, capsys, tmp_path, monkeypatch, argv):
    monkeypatch.chdir(tmp_path)  # brief --out brief.md must not land in the project
    assert_bad(*_cli(built_settings, capsys, *argv))


@pytest.mark.parametrize("argv", [["--help"], ["ask", "--help"], ["check", "-h"]], ids=["help", "ask-help", "check-h"])
def test_cli_help_returns_instead_of_raising(built_settings, capsys, argv):
    """main(argv) returns the exit code and never raises (argparse's --help raises SystemExit)."""
    try:
        rc = main(argv)
    except SystemExit as e:  # pragma: no cover - the bug this test reports
        pytest.fail(f"main({argv}) raised SystemExit({e.code}) instead of returning 0")
    out, err = capsys.readouterr()
    assert rc == 0 and "usage" in out.lower() and err == ""


def test_cli_missing_index_and_corpus(tmp_path, capsys):
    assert_bad(main(["--index", str(tmp_path / "none"), "ask", GOOD]), *capsys.readouterr())
    assert_bad(main(["--corpus", str(tmp_path / "none"), "--index", str(tmp_path / "none"), "docs"]),
               *capsys.readouterr())


# --------------------------------------------------------------------------------- CLI: batch
BATCH_LINES = [
    (GOOD, "answered"),
    ("", "error"),
    ("   ", "error"),
    ("问" * 3000, "error"),
    ("😀😀", "error"),
    ("<script>alert(1)</script>", "ok"),
    ("到2027年森林覆蓋率要達到多少？", "answered"),
    ("\x00", "error"),
    ("'; DROP TABLE docs; --", "ok"),
    ("电动公交车 مرحبا Привет 要占多少？", "ok"),
    ("<img src=x onerror=alert(1)>", "ok"),
    ("谁负责制定年度行动方案？", "answered"),
]


def test_cli_batch_mixes_good_and_bad_lines(built_settings, capsys, tmp_path):
    path = tmp_path / "questions.txt"
    path.write_text("\n".join(q for q, _ in BATCH_LINES) + "\n", encoding="utf-8")
    rc, out, err = _cli(built_settings, capsys, "ask", "--batch", str(path), "--json")
    assert_clean(out, err)
    assert rc == 0 and err == ""
    objs = [json.loads(line) for line in out.splitlines()]
    assert len(objs) == len(BATCH_LINES), "every line of the batch file gets exactly one JSON object"
    for obj, (question, expected) in zip(objs, BATCH_LINES):
        assert obj["question"] == question[:200]
        if expected == "error":
            assert obj["status"] == "error" and obj["error"] and "\n" not in obj["error"], obj
        else:
            assert obj["status"] in ("answered", "not_found"), obj
            if expected == "answered":
                assert obj["status"] == "answered", obj
            assert_no_markup(json.dumps({k: v for k, v in obj.items() if k != "question"}, ensure_ascii=False))


def test_cli_batch_with_undecodable_lines(built_settings, capsys, tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_bytes(GOOD.encode() + b"\n\xff\xfe\xfa\x80 bad bytes\n" + "谁负责制定年度行动方案？".encode("gbk") + b"\n")
    rc, out, err = _cli(built_settings, capsys, "ask", "--batch", str(path), "--json")
    assert_clean(out, err)
    if rc == 2:
        assert_bad(rc, out, err)
        return
    objs = [json.loads(line) for line in out.splitlines()]
    assert rc == 0 and len(objs) == 3
    assert objs[0]["status"] == "answered"
    assert all(o["status"] in ("answered", "not_found", "error") for o in objs)


# --------------------------------------------------------------------------------- uploads (kb check)
PLAN = ("到2027年，新能源公交车占比达到72%。\n"
        "到2027年，细颗粒物浓度下降到30微克/立方米以下。\n"
        "到2026年，森林覆盖率达到53%。\n")


def _docx_bytes(text: str) -> bytes:
    import docx

    d = docx.Document()
    for line in text.splitlines():
        d.add_paragraph(line)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def _rezip(docx: bytes, replace: dict[str, bytes], extra: dict[str, bytes] | None = None) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            z.writestr(info.filename, replace.get(info.filename, src.read(info.filename)))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return out.getvalue()


def _lying_sizes(data: bytes, member: str, declared: int) -> bytes:
    """A zip whose headers understate a member's size (the classic bomb trick)."""
    raw = bytearray(data)
    name = member.encode()
    i = raw.find(b"PK\x03\x04")
    while i != -1:
        nlen = struct.unpack_from("<H", raw, i + 26)[0]
        if raw[i + 30:i + 30 + nlen] == name:
            struct.pack_into("<I", raw, i + 22, declared)
        i = raw.find(b"PK\x03\x04", i + 1)
    j = raw.find(b"PK\x01\x02")
    while j != -1:
        nlen = struct.unpack_from("<H", raw, j + 28)[0]
        if raw[j + 46:j + 46 + nlen] == name:
            struct.pack_into("<I", raw, j + 24, declared)
        j = raw.find(b"PK\x01\x02", j + 1)
    return bytes(raw)


LOL = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lolololololol">'
       + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
       + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
       "<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>")


def _bad_uploads() -> dict[str, tuple[str, bytes]]:
    good_docx = _docx_bytes(PLAN)
    w = "word/document.xml"
    ratio_bomb = io.BytesIO()
    with zipfile.ZipFile(ratio_bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(w, b"<a>" + b" " * (8 * 1024 * 1024) + b"</a>")
    huge_member = b"<w:document><w:body>" + b" " * (20 * 1024 * 1024) + b"</w:body></w:document>"
    return {
        "over-limit-txt": ("big.txt", (PLAN * 100_000).encode()[: 5 * 1024 * 1024 + 1]),
        "over-limit-docx": ("big.docx", b"PK\x03\x04" + b"\0" * (6 * 1024 * 1024)),
        "zip-bomb-ratio": ("bomb.docx", ratio_bomb.getvalue()),
        "zip-bomb-many-members": ("many.docx", _rezip(good_docx, {}, {f"word/media/p{i}.bin": b"\0" * (1 << 20)
                                                                      for i in range(101)})),
        "zip-bomb-lying-sizes": ("liar.docx", _lying_sizes(_rezip(good_docx, {w: huge_member}), w, 1000)),
        "billion-laughs-docx": ("lol.docx", _rezip(good_docx, {w: LOL.encode()})),
        "docx-not-zip": ("plan.docx", PLAN.encode()),
        "docx-zip-not-word": ("plan2.docx", _plain_zip()),
        "corrupt-pdf": ("corrupt.pdf", b"%PDF-1.7\n1 0 obj <</Type /Catalog /Pages 2 0 R>> endobj\n"
                        + bytes(range(256)) * 2 + b"\n%%EOF"),
        "truncated-pdf": ("trunc.pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<"),
        "text-named-pdf": ("text.pdf", PLAN.encode()),
        "png-named-txt": ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))),
        "jpeg-named-txt": ("photo.txt", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256))),
        "png-named-docx": ("image.docx", b"\x89PNG\r\n\x1a\n" + bytes(range(256))),
        "elf-named-txt": ("a.txt", b"\x7fELF\x02\x01\x01" + bytes(256)),
        "utf8-gbk-utf16-mix": ("mixed.txt", PLAN.encode() + PLAN.encode("gbk") + PLAN.encode("utf-16-le")),
        "random-binary-txt": ("random.txt", bytes((i * 167 + 13) % 256 for i in range(4096))),
        "empty-txt": ("empty.txt", b""),
        "whitespace-txt": ("blank.txt", b"  \n\t\r\n \xe3\x80\x80\n"),
        "no-targets": ("prose.txt", "本方案没有任何量化目标。".encode()),
        "unsupported-ext": ("plan.exe", PLAN.encode()),
        "html-ext": ("plan.html", PLAN.encode()),
        "no-ext": ("plan", PLAN.encode()),
    }


def _plain_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    return buf.getvalue()


# Encodings a department may send: all must be read and checked (exit 0, findings).
GOOD_UPLOADS = {
    "gbk": ("gbk.txt", PLAN.encode("gbk")),
    "gb18030": ("gb18030.txt", PLAN.encode("gb18030")),
    "utf-16-bom": ("utf16.txt", PLAN.encode("utf-16")),
    "utf-16-le-nobom": ("utf16le.txt", PLAN.encode("utf-16-le")),
    "utf-16-be-bom": ("utf16be.txt", b"\xfe\xff" + PLAN.encode("utf-16-be")),
    "utf-8-bom": ("bom.txt", b"\xef\xbb\xbf" + PLAN.encode()),
    "crlf": ("crlf.txt", PLAN.replace("\n", "\r\n").encode()),
    "docx": ("plan.docx", _docx_bytes(PLAN)),
    "markup-in-plan": ("markup.txt", ("<script>alert(1)</script>\n" + PLAN).encode()),
}
# A mixed-encoding file may be refused (exit 2) or read: either way no traceback.
MIXED_UPLOADS = {
    "utf8-then-gbk": ("mixed2.txt", "到2027年，新能源公交车占比达到72%。\n".encode() + "到2026年，森林覆盖率达到53%。\n".encode("gbk")),
    "gbk-then-utf8": ("mixed3.txt", "到2027年，新能源公交车占比达到72%。\n".encode("gbk") + "到2026年，森林覆盖率达到53%。\n".encode()),
    "latin1-in-utf8": ("mixed4.txt", PLAN.encode() + "Café résumé\n".encode("latin-1")),
}


@pytest.fixture(scope="module")
def bad_uploads() -> dict[str, tuple[str, bytes]]:
    uploads = _bad_uploads()
    assert set(BAD_UPLOAD_IDS) | {"no-targets"} == set(uploads)
    return uploads


def _snapshot(*folders: Path) -> dict[str, tuple[int, str]]:
    snap = {}
    for folder in folders:
        for p in sorted(folder.rglob("*")):
            if p.is_file():
                snap[str(p)] = (p.stat().st_mtime_ns, hashlib.sha256(p.read_bytes()).hexdigest())
            else:
                snap[str(p)] = (0, "dir")
    return snap


BAD_UPLOAD_IDS = [  # the keys of _bad_uploads() that must be refused (built once, in a fixture)
    "over-limit-txt", "over-limit-docx", "zip-bomb-ratio", "zip-bomb-many-members", "zip-bomb-lying-sizes",
    "billion-laughs-docx", "docx-not-zip", "docx-zip-not-word", "corrupt-pdf", "truncated-pdf", "text-named-pdf",
    "png-named-txt", "jpeg-named-txt", "png-named-docx", "elf-named-txt", "utf8-gbk-utf16-mix", "random-binary-txt",
    "empty-txt", "whitespace-txt", "unsupported-ext", "html-ext", "no-ext"]


@pytest.mark.parametrize("case", BAD_UPLOAD_IDS)
def test_cli_check_bad_upload(built_settings, capsys, tmp_path, bad_uploads, case):
    name, data = bad_uploads[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = _snapshot(built_settings.corpus, tmp_path)
    for json_flag in ((), ("--json",)):
        assert_bad(*_cli(built_settings, capsys, "check", str(path), *json_flag))
    assert _snapshot(built_settings.corpus, tmp_path) == before, "kb check wrote into corpus/ or next to the file"


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
    rc, out, err = _cli(built_settings, capsys, "check", str(tmp_path / name), "--json")
    assert_clean(out, err)
    assert rc == 0 and json.loads(out)["findings"] == []


@pytest.mark.parametrize("case", GOOD_UPLOADS.keys())
def test_cli_check_reads_every_encoding(built_settings, capsys, tmp_path, case):
    name, data = GOOD_UPLOADS[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = _snapshot(built_settings.corpus, tmp_path)
    rc, out, err = _cli(built_settings, capsys, "check", str(path), "--json")
    assert_clean(out, err)
    assert rc == 0 and err == "", err
    findings = json.loads(out)["findings"]
    statements = {f["statement"]: f for f in findings}
    bus = next(f for s, f in statements.items() if "新能源公交车占比达到72%" in s)
    assert bus["verdict"] == "consistent"
    assert len(findings) >= 3
    rc, out, err = _cli(built_settings, capsys, "check", str(path))  # the text report too
    assert rc == 0 and "一致" in out
    assert _snapshot(built_settings.corpus, tmp_path) == before


@pytest.mark.parametrize("case", MIXED_UPLOADS.keys())
def test_cli_check_mixed_encodings(built_settings, capsys, tmp_path, case):
    name, data = MIXED_UPLOADS[case]
    path = tmp_path / name
    path.write_bytes(data)
    rc, out, err = _cli(built_settings, capsys, "check", str(path), "--json")
    assert_clean(out, err)
    if rc == 2:
        assert_bad(rc, out, err)
    else:
        assert rc == 0 and err == ""
        assert isinstance(json.loads(out)["findings"], list)


@pytest.mark.parametrize("target", ["missing", "directory", "fifo-like"])
def test_cli_check_not_a_file(built_settings, capsys, tmp_path, target):
    path = {"missing": tmp_path / "nope.txt", "directory": tmp_path, "fifo-like": Path("/dev/null")}[target]
    assert_bad(*_cli(built_settings, capsys, "check", str(path)))


def test_check_writes_nothing_into_the_corpus(built_settings, capsys, tmp_path, bad_uploads):
    """All uploads, good and bad, one after the other: corpus/ and the index are untouched."""
    corpus, index = Path(built_settings.corpus), Path(built_settings.index)
    before = _snapshot(corpus, index)
    uploads = {**bad_uploads, **GOOD_UPLOADS, **MIXED_UPLOADS}
    for name, data in uploads.values():
        (tmp_path / name).write_bytes(data)
        rc, out, err = _cli(built_settings, capsys, "check", str(tmp_path / name), "--json")
        assert rc in (0, 2) and "Traceback" not in out + err
    assert _snapshot(corpus, index) == before
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


# --------------------------------------------------------------------------------- Python API
@pytest.mark.parametrize("question", [*BAD_QUESTIONS.values(), None, 123, b"bytes", ["list"]],
                         ids=[*BAD_QUESTIONS.keys(), "none", "int", "bytes", "list"])
def test_api_ask_bad_question_raises_bad_input(kb, question):
    with pytest.raises(BadInput) as info:
        kb.ask(question)
    line = info.value.one_line()
    assert line and "\n" not in line and len(line) <= MAX_LINE


@pytest.mark.parametrize("name", ODD_QUESTIONS.keys())
def test_api_ask_odd_question(kb, name):
    try:
        ans = kb.ask(ODD_QUESTIONS[name])
    except BadInput as e:
        assert "\n" not in e.one_line()
        return
    assert ans.status in ("answered", "not_found")
    assert_no_markup(ans.answer + "".join(c.quote + c.section + c.title for c in (*ans.citations, *ans.related)))
    for c in (*ans.citations, *ans.related):
        assert kb.document(c.doc_id).text[c.start:c.end] == c.quote


@pytest.mark.parametrize("doc_id", [*BAD_DOC_IDS.values(), None, 42],
                         ids=[*BAD_DOC_IDS.keys(), "none", "int"])
def test_api_document_bad_id(kb, doc_id):
    with pytest.raises(UnknownDocument) as info:
        kb.document(doc_id)
    assert len(info.value.one_line()) <= MAX_LINE


@pytest.mark.parametrize("query,kwargs", [("", {}), ("   ", {}), ("😀", {}), ("问" * 100_000, {}),
                                          (GOOD, {"mode": "sql"}), (GOOD, {"mode": "<script>"})],
                         ids=["empty", "spaces", "emoji", "100k", "mode-sql", "mode-script"])
def test_api_search_bad_input(kb, query, kwargs):
    with pytest.raises(BadInput):
        kb.search(query, **kwargs)


@pytest.mark.parametrize("k", [0, -5, 100_000])
def test_api_search_k_is_bounded(kb, k):
    hits = kb.search(GOOD, k=k)
    assert 1 <= len(hits) <= 100


@pytest.mark.parametrize("topic", ["<script>alert(1)</script>", "'; DROP TABLE docs; --", "大" * 100_000, "\x00",
                                   "😀"], ids=["script", "sql", "100k", "nul", "emoji"])
def test_api_targets_odd_topic(kb, topic):
    facts = kb.targets(topic=topic)
    assert isinstance(facts, list)


def test_read_plan_size_limit_is_exact():
    from kb.crosscheck import read_plan

    data = PLAN.encode()
    limit = len(data) / (1024 * 1024)
    assert "新能源公交车" in read_plan(data, "p.txt", limit)
    with pytest.raises(BadInput, match="过大"):
        read_plan(data + b"x", "p.txt", limit)


# --------------------------------------------------------------------------------- the app's handlers
try:  # app.py exposes build_app; its handlers live in kb.ui.* and are plain functions
    import app as _app  # noqa: F401
    from kb.ui.ask_tab import ask_json, ask_turn
    from kb.ui.brief_tab import make_brief
    from kb.ui.check_tab import run_check
    from kb.ui.docs_tab import section_text, select_document
    from kb.ui.targets_tab import targets_json, update_targets

    APP_ERROR = ""
except Exception as e:  # noqa: BLE001 - any import failure means the app part cannot run
    APP_ERROR = f"app handlers not importable: {type(e).__name__}: {e}"

needs_app = pytest.mark.skipif(bool(APP_ERROR), reason=APP_ERROR or "app importable")
ALL_QUESTIONS = {**BAD_QUESTIONS, **ODD_QUESTIONS}


@needs_app
@pytest.mark.parametrize("name", ALL_QUESTIONS.keys())
def test_app_ask_json(kb, name):
    question = ALL_QUESTIONS[name]
    res = ask_json(kb, question)
    json.dumps(res)  # the endpoint's payload serializes
    if name in BAD_QUESTIONS:
        assert res["status"] == "error" and res["error"] and "\n" not in res["error"]
        assert len(res["error"]) <= MAX_LINE and "Traceback" not in res["error"]
    else:
        assert res["status"] in ("answered", "not_found", "error"), res
    assert_no_markup(json.dumps({k: v for k, v in res.items() if k != "question"}, ensure_ascii=False))


@needs_app
@pytest.mark.parametrize("name", ALL_QUESTIONS.keys())
def test_app_ask_turn_renders_escaped_html(kb, name):
    question = ALL_QUESTIONS[name]
    chat, history, message, _, _ = ask_turn(kb, question, [])
    assert_no_markup(chat + message)
    assert "Traceback" not in chat + message
    if name in BAD_QUESTIONS:
        assert "kb-msg-error" in message and history == []
    else:
        assert history or "kb-msg-error" in message


@needs_app
@pytest.mark.parametrize("field,value", [
    ("doc_id", "../../etc/passwd"), ("doc_id", "d" * 10_000), ("doc_id", "<script>alert(1)</script>"),
    ("level", "<script>alert(1)</script>"), ("level", "galactic"), ("year", "abc"), ("year", "99999"),
    ("year", "-1"), ("year", "<img src=x onerror=alert(1)>"), ("year", "2027.5"),
], ids=lambda v: str(v)[:20])
def test_app_bad_filters(kb, field, value):
    res = ask_json(kb, GOOD, **{field: value})
    assert res["status"] == "error" and "\n" not in res["error"] and len(res["error"]) <= MAX_LINE
    _, _, message, _, _ = ask_turn(kb, GOOD, [], **{field: value})
    assert "kb-msg-error" in message
    assert_no_markup(message)


@needs_app
@pytest.mark.parametrize("doc_id", BAD_DOC_IDS.values(), ids=BAD_DOC_IDS.keys())
def test_app_select_document_bad_id(kb, doc_id):
    header, tree, _, text = select_document(kb, doc_id)
    assert "kb-msg-error" in header and tree == "" and text == ""
    assert_no_markup(header)
    assert "root:" not in header
    assert section_text(kb, doc_id, "0").startswith('<div class="kb-msg')


@needs_app
@pytest.mark.parametrize("index", ["abc", "-99999", "99999", "<script>", "1e9"])
def test_app_section_text_bad_index(kb, index):
    doc_id = kb.documents()[0].doc_id
    out = section_text(kb, doc_id, index)
    assert_no_markup(out)
    assert "kb-msg" in out or "kb-section-full" in out


@needs_app
@pytest.mark.parametrize("year,topic", [("abc", ""), ("", "<script>alert(1)</script>"), ("", "大" * 100_000),
                                        ("2027.5", ""), ("", "'; DROP TABLE docs; --")],
                         ids=["year-abc", "topic-script", "topic-100k", "year-float", "topic-sql"])
def test_app_targets_bad_filters(kb, year, topic):
    rows = targets_json(kb, year, topic)
    json.dumps(rows)
    assert isinstance(rows, list)
    _, info, *_ = update_targets(kb, year, topic, "")
    assert_no_markup(info)


@needs_app
@pytest.mark.parametrize("case", BAD_UPLOAD_IDS)
def test_app_check_bad_upload(kb, built_settings, tmp_path, bad_uploads, case):
    name, data = bad_uploads[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = _snapshot(built_settings.corpus)
    rows, summary, state, xlsx, docx_file = run_check(kb, "", str(path))
    assert "kb-msg-error" in summary and len(summary) <= MAX_LINE + 100, summary[:300]
    assert (state, xlsx, docx_file) == (None, None, None)
    assert_no_markup(rows + summary)
    assert _snapshot(built_settings.corpus) == before


@needs_app
@pytest.mark.parametrize("case", GOOD_UPLOADS.keys())
def test_app_check_reads_every_encoding(kb, built_settings, tmp_path, case):
    name, data = GOOD_UPLOADS[case]
    path = tmp_path / name
    path.write_bytes(data)
    before = _snapshot(built_settings.corpus)
    rows, summary, state, xlsx, docx_file = run_check(kb, "", str(path))
    assert state and len(state["findings"]) >= 3, summary
    assert "kb-ck-row" in rows and "kb-msg-error" not in summary
    assert_no_markup(rows + summary)
    for f in (xlsx, docx_file):
        assert f and Path(f).is_file() and Path(built_settings.corpus).resolve() not in Path(f).resolve().parents
    assert _snapshot(built_settings.corpus) == before


PASTES = {
    "empty": "",
    "spaces": "  \n\t\u3000 ",
    "over-limit": "到2027年，森林覆盖率达到53%。\n" * 6000,
    "nuls": "\x00" * 20,
    "emoji": "😀😀😀",
    "markup": "<script>alert(1)</script>\n到2027年，<img src=x onerror=alert(1)>森林覆盖率达到53%。",
    "controls": "\x00\x1b[31m到2027年，森林覆盖率达到53%。\u202e",
    "sql": "'; DROP TABLE docs; --\n到2027年，新能源公交车占比达到72%。",
}


@needs_app
@pytest.mark.parametrize("name", PASTES.keys())
def test_app_check_pasted_text(kb, name):
    rows, summary, state, xlsx, docx_file = run_check(kb, PASTES[name], None)
    assert_no_markup(rows + summary)
    assert "Traceback" not in rows + summary
    if state is None:
        assert "kb-msg" in summary and (xlsx, docx_file) == (None, None)
    else:
        assert state["findings"] and "kb-ck-row" in rows
        assert "\x1b" not in rows and "\x00" not in rows


@needs_app
@pytest.mark.parametrize("upload", ["/nonexistent/plan.txt", "/etc/passwd", "/tmp", ""])
def test_app_check_upload_paths(kb, upload):
    rows, summary, state, *_ = run_check(kb, "", upload)
    assert state is None and "kb-msg" in summary and "root:" not in rows + summary


@needs_app
@pytest.mark.parametrize("topic,year", [
    ("", "全部"), ("   ", "全部"), ("大" * 51, "全部"), ("大" * 100_000, "全部"), ("<script>alert(1)</script>", "全部"),
    ("'; DROP TABLE docs; --", "全部"), ("../../etc/passwd", "全部"), ("😀", "全部"), ("湿地", "abc"),
    ("湿地", "99999"), ("湿地", "-1"), ("湿地", "<img src=x onerror=alert(1)>"),
], ids=["empty", "spaces", "51-chars", "100k", "script", "sql", "traversal", "emoji", "year-abc", "year-99999",
        "year-neg", "year-img"])
def test_app_brief_bad_input(kb, built_settings, topic, year):
    before = _snapshot(built_settings.corpus)
    message, preview, png, docx_file, md = make_brief(kb, topic, year)
    assert "kb-msg-error" in message and (png, docx_file, md) == (None, None, None)
    assert_no_markup(message + preview)
    assert len(message) <= MAX_LINE + 100
    assert _snapshot(built_settings.corpus) == before
