"""kb.readers: every fixture is built here, in tmp_path (no binary fixtures in the repo)."""

from __future__ import annotations

import io
import random
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.errors import BadInput, ReadError
from kb.readers import SUPPORTED_SUFFIXES, RawFile, read_bytes, read_file

POLICY = "到2027年，细颗粒物浓度下降到30微克/立方米以下。"
POLICY2 = "第二条　各区人民政府负责本行政区域内的大气污染防治工作。"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _random_bytes(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


def _assert_read_error(path: Path, match: str, **kwargs: int) -> ReadError:
    with pytest.raises(ReadError, match=match) as info:
        read_file(path, **kwargs)
    message = str(info.value)
    assert "\n" not in message and "\r" not in message
    assert path.name in message
    assert isinstance(info.value, BadInput)
    return info.value


# ---------------------------------------------------------------- text files

def test_supported_suffixes() -> None:
    assert {".txt", ".md", ".docx", ".pdf", ".html", ".htm"} == SUPPORTED_SUFFIXES


def test_gbk_txt(tmp_path: Path) -> None:
    path = _write(tmp_path, "政策.txt", f"{POLICY}\r\n{POLICY2}\r\n".encode("gbk"))
    raw = read_file(path)
    assert raw == RawFile(path=str(path), text=f"{POLICY}\n{POLICY2}\n", encoding="gb18030", format="txt")


def test_utf8_bom_txt(tmp_path: Path) -> None:
    raw = read_file(_write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + POLICY.encode()))
    assert raw.text == POLICY
    assert raw.encoding == "utf-8-sig"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    data = ("\ufeff" if codec != "utf-16" else "") + f"{POLICY}\r\n{POLICY2}"
    raw = read_file(_write(tmp_path, "u16.txt", data.encode(codec)))
    assert raw.text == f"{POLICY}\n{POLICY2}"
    assert raw.encoding == "utf-16"


def test_utf16_without_bom_detected_from_nul_pattern(tmp_path: Path) -> None:
    text = "Air quality plan 2027: PM2.5 below 30 ug/m3. " + POLICY
    raw = read_file(_write(tmp_path, "nobom.txt", text.encode("utf-16-le")))
    assert (raw.text, raw.encoding) == (text, "utf-16-le")
    raw = read_file(_write(tmp_path, "nobom_be.txt", text.encode("utf-16-be")))
    assert (raw.text, raw.encoding) == (text, "utf-16-be")


def test_utf8_md_kept_as_is(tmp_path: Path) -> None:
    text = "# 标题\n\n　　正文（全角空格缩进）　\n细顆粒物 damage\u200b kept\n"
    raw = read_file(_write(tmp_path, "README.MD", text.encode()))
    assert (raw.text, raw.encoding, raw.format) == (text, "utf-8", "md")


def test_read_bytes_matches_read_file(tmp_path: Path) -> None:
    data = POLICY.encode("gb18030")
    assert read_bytes(data, "upload.txt") == RawFile("upload.txt", POLICY, "gb18030", "txt")


def test_charset_normalizer_fallback(tmp_path: Path) -> None:
    # Neither valid UTF-8 nor valid GB18030 (Big5/Shift-JIS bytes are mostly valid GB18030, so
    # Cyrillic cp1251 is used): the last-resort detector must decode it.
    text = "Постановление правительства города о качестве воздуха, 2027 год. Концентрация PM2.5 ниже 30."
    data = text.encode("cp1251")
    with pytest.raises(UnicodeDecodeError):
        data.decode("gb18030")
    raw = read_bytes(data, "cp1251.txt")
    assert (raw.text, raw.encoding) == (text, "cp1251")


# ---------------------------------------------------------------- docx

def test_docx_order_and_table(tmp_path: Path) -> None:
    import docx

    doc = docx.Document()
    doc.add_heading("江城市空气质量持续改善行动方案", level=1)
    doc.add_paragraph(POLICY)
    doc.add_paragraph("")  # empty paragraphs are skipped
    table = doc.add_table(rows=2, cols=3)
    for r, row in enumerate([["指标", "2025年", "2027年"], ["PM2.5", "35", "30"]]):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    doc.add_paragraph(POLICY2)
    path = tmp_path / "方案.docx"
    doc.save(str(path))
    raw = read_file(path)
    assert raw.format == "docx" and raw.encoding == "docx"
    assert raw.text.split("\n") == [
        "江城市空气质量持续改善行动方案",
        POLICY,
        "指标 | 2025年 | 2027年",
        "PM2.5 | 35 | 30",
        POLICY2,
    ]


def test_docx_without_text(tmp_path: Path) -> None:
    import docx

    path = tmp_path / "blank.docx"
    docx.Document().save(str(path))
    _assert_read_error(path, "没有文字")


def test_random_bytes_docx(tmp_path: Path) -> None:
    _assert_read_error(_write(tmp_path, "random.docx", _random_bytes(4096)), "不是 Word")


def test_zip_but_not_word(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    _assert_read_error(_write(tmp_path, "notword.docx", buf.getvalue()), "不是 Word 文档")


def test_zip_bomb_docx(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"\0" * (8 * 1024 * 1024))
    assert len(buf.getvalue()) < 100_000
    _assert_read_error(_write(tmp_path, "bomb.docx", buf.getvalue()), "压缩炸弹")


def test_near_bomb_docx_is_refused_before_parsing(tmp_path: Path) -> None:
    """A body that inflates past DOCX_MAX_BODY at a modest ratio (many short paragraphs of varied
    text) would cost gigabytes to parse: refused from the zip's declared sizes alone."""
    from kb.readers import DOCX_MAX_BODY, DOCX_MAX_RATIO

    rng = random.Random(3)
    para = "".join(f"<w:p><w:r><w:t>{rng.getrandbits(64):x}</w:t></w:r></w:p>" for _ in range(2000))
    body = ("<w:document><w:body>" + para * (DOCX_MAX_BODY // len(para) + 2) + "</w:body></w:document>").encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", body)
    info = zipfile.ZipFile(io.BytesIO(buf.getvalue())).getinfo("word/document.xml")
    assert info.file_size > DOCX_MAX_BODY and info.file_size / info.compress_size < DOCX_MAX_RATIO
    _assert_read_error(_write(tmp_path, "near_bomb.docx", buf.getvalue()), "正文过大")


def test_corrupt_docx_inside(tmp_path: Path) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("word/document.xml", "<not xml")
    _assert_read_error(_write(tmp_path, "broken.docx", buf.getvalue()), "不是有效的 Word")


# ---------------------------------------------------------------- pdf

def _chinese_pdf(lines: list[str]) -> bytes:
    # reportlab's built-in CID font STSong-Light needs no font file, and it writes a ToUnicode map,
    # so pypdf extracts the Chinese back exactly.
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    for line in lines:
        pdf.setFont("STSong-Light", 12)
        pdf.drawString(50, 750, line)
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


def test_pdf_chinese(tmp_path: Path) -> None:
    raw = read_file(_write(tmp_path, "方案.pdf", _chinese_pdf([POLICY, POLICY2])))
    assert (raw.format, raw.encoding) == ("pdf", "pdf")
    assert raw.text == f"{POLICY}\n{POLICY2}"


def test_random_bytes_pdf(tmp_path: Path) -> None:
    _assert_read_error(_write(tmp_path, "random.pdf", _random_bytes(4096)), "不是有效的 PDF")


def test_truncated_pdf(tmp_path: Path) -> None:
    data = _chinese_pdf([POLICY])
    path = _write(tmp_path, "truncated.pdf", data[: len(data) // 3])
    with pytest.raises(ReadError) as info:
        read_file(path)
    assert "truncated.pdf" in str(info.value) and "\n" not in str(info.value)


def test_pdf_without_text_layer(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    error = _assert_read_error(_write(tmp_path, "scan.pdf", buf.getvalue()), "扫描件")
    assert "OCR" in error.help_message


def test_encrypted_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_chinese_pdf([POLICY]))))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    _assert_read_error(_write(tmp_path, "locked.pdf", buf.getvalue()), "加了密码")


def test_pdf_with_empty_user_password_is_read(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(_chinese_pdf([POLICY]))))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    buf = io.BytesIO()
    writer.write(buf)
    assert read_bytes(buf.getvalue(), "restricted.pdf").text == POLICY


# ---------------------------------------------------------------- html

HTML = """<!DOCTYPE html>
<html><head><meta charset="gbk"><title>页面标题</title>
<style>p {{ color: red }}</style><script>var leaked = "脚本";</script></head>
<body>
<header>网站抬头</header>
<nav><a href="/">首页</a> | <a href="/zc">政策</a></nav>
<script>alert(1)</script>
<noscript>请启用脚本</noscript>
<!-- 注释内容 -->
<div class="content">
  <h1>江城市空气质量
      持续改善行动方案</h1>
  <p>{policy}</p>
  <p>{policy2}<br>第二行</p>
  <table><tr><th>指标</th><th>2027年</th></tr><tr><td>PM2.5</td><td>30</td></tr></table>
  <ul><li>第一项</li><li>第<b>二</b>项</li></ul>
</div>
<footer>版权所有</footer>
</body></html>
"""


def test_html_visible_text_only(tmp_path: Path) -> None:
    page = HTML.format(policy=POLICY, policy2=POLICY2)
    raw = read_file(_write(tmp_path, "page.htm", page.encode("gbk")))
    assert (raw.format, raw.encoding) == ("html", "html:gb18030")
    assert raw.text.split("\n") == [
        "江城市空气质量 持续改善行动方案",
        POLICY,
        POLICY2,
        "第二行",
        "指标 | 2027年",
        "PM2.5 | 30",
        "第一项",
        "第二项",
    ]
    for hidden in ("alert", "leaked", "脚本", "color", "首页", "网站抬头", "版权所有", "注释", "页面标题"):
        assert hidden not in raw.text


def test_html_without_meta_charset_utf8(tmp_path: Path) -> None:
    raw = read_bytes(f"<p>{POLICY}</p><script>alert(1)</script>".encode(), "x.html")
    assert (raw.text, raw.encoding) == (POLICY, "html:utf-8")


def test_html_script_only_is_empty(tmp_path: Path) -> None:
    _assert_read_error(_write(tmp_path, "script.html", b"<script>alert(1)</script>"), "没有文字")


# ---------------------------------------------------------------- bad inputs

def test_empty_file(tmp_path: Path) -> None:
    _assert_read_error(_write(tmp_path, "empty.txt", b""), "空的")


def test_whitespace_only_file(tmp_path: Path) -> None:
    _assert_read_error(_write(tmp_path, "blank.txt", b" \r\n\t\n"), "空的")
    _assert_read_error(_write(tmp_path, "fullwidth.md", "\u3000\u3000\n \n".encode()), "只有空白")


def test_png_renamed_txt(tmp_path: Path) -> None:
    data = b"\x89PNG\r\n\x1a\n" + _random_bytes(2048)
    _assert_read_error(_write(tmp_path, "image.txt", data), "二进制")


@pytest.mark.parametrize("name", ["noise.txt", "noise.html"])
def test_random_binary_as_text(tmp_path: Path, name: str) -> None:
    _assert_read_error(_write(tmp_path, name, _random_bytes(4096, seed=11)), "二进制")


def test_control_characters_as_text(tmp_path: Path) -> None:
    data = bytes(range(1, 9)) * 200 + POLICY.encode()
    _assert_read_error(_write(tmp_path, "controls.txt", data), "二进制")


def test_unsupported_extension(tmp_path: Path) -> None:
    error = _assert_read_error(_write(tmp_path, "table.xls", b"whatever"), "不支持")
    assert ".docx" in error.help_message


def test_no_extension(tmp_path: Path) -> None:
    _assert_read_error(_write(tmp_path, "README", b"text"), "不支持")


def test_file_over_max_bytes(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.txt", POLICY.encode() * 100)
    _assert_read_error(path, "文件过大", max_bytes=1000)
    with pytest.raises(ReadError, match="big.txt.*文件过大"):
        read_bytes(path.read_bytes(), "big.txt", max_bytes=1000)


def test_missing_file(tmp_path: Path) -> None:
    _assert_read_error(tmp_path / "missing.txt", "文件不存在")


def test_directory(tmp_path: Path) -> None:
    (tmp_path / "folder.txt").mkdir()
    _assert_read_error(tmp_path / "folder.txt", "无法打开|文件不存在")


# ---------------------------------------------------------------- property

_BYTES = st.one_of(
    st.binary(max_size=2048),
    st.tuples(st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x89PNG", b"<meta charset=gbk>"]),
              st.binary(max_size=1024)).map(b"".join),
    st.tuples(st.text(max_size=500), st.sampled_from(["utf-8", "utf-16-le", "utf-16-be", "gb18030", "utf-32"]))
    .map(lambda tc: tc[0].encode(tc[1], errors="replace")),
)


@pytest.mark.parametrize("name", ["x.txt", "x.html"])
@settings(max_examples=300, deadline=None)
@given(data=_BYTES)
def test_arbitrary_bytes_never_escape(name: str, data: bytes) -> None:
    try:
        raw = read_bytes(data, name)
    except ReadError as e:
        assert "\n" not in str(e) and name in str(e)
    else:
        assert isinstance(raw, RawFile) and raw.text.strip()


def test_utf8_cut_inside_its_last_character_is_still_read(tmp_path: Path) -> None:
    data = "到2027年细颗粒物浓度".encode() + "要".encode()[:2]
    assert read_file(_write(tmp_path, "cut.txt", data)).text == "到2027年细颗粒物浓度"


def test_question_file_in_gbk_is_decoded() -> None:
    from kb.readers import decode_text

    lines = ["电动公交车要占多少？", "到2027年细颗粒物浓度要降到多少？"]
    assert decode_text("\n".join(lines).encode("gbk"), "q.txt").splitlines() == lines
