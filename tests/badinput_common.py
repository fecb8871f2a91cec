"""What the bad-input tests share: the CLI runner, the checks of a clear one-line error, and the
damaged, hostile and odd files uploaded to 核对 / ``kb check``."""

from __future__ import annotations

import hashlib
import io
import struct
import zipfile
from pathlib import Path

from kb.cli import main

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


def run_cli(settings, capsys, *args: str) -> tuple[int, str, str]:
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
    # (signature, offset of the name length, offset of the uncompressed size, offset of the name)
    for sig, len_at, size_at, name_at in ((b"PK\x03\x04", 26, 22, 30), (b"PK\x01\x02", 28, 24, 46)):
        i = raw.find(sig)
        while i != -1:
            nlen = struct.unpack_from("<H", raw, i + len_at)[0]
            if raw[i + name_at:i + name_at + nlen] == name:
                struct.pack_into("<I", raw, i + size_at, declared)
            i = raw.find(sig, i + 1)
    return bytes(raw)


LOL = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lolololololol">'
       + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
       + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r>'
       "<w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>")


def bad_upload_files() -> dict[str, tuple[str, bytes]]:
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


def snapshot(*folders: Path) -> dict[str, tuple[int, str]]:
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
