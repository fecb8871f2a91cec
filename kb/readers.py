"""Read source files (txt, md, docx, pdf, html) into raw text.

The text is returned as decoded: no OpenCC, no repair. Paragraphs are separated by "\\n".
Tables (docx and html) become one line per row, cells joined by " | ".
Every failure is a ``ReadError`` whose message is one line naming the file.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from bs4 import BeautifulSoup
from bs4.element import Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag
from charset_normalizer import from_bytes
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from kb.errors import ReadError, os_reason
from kb.pdf_text import read_pdf

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".docx", ".pdf", ".html", ".htm"})
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CELL_SEP = " | "
DOCX_MAX_UNCOMPRESSED = 100 * 1024 * 1024
DOCX_MAX_RATIO = 100
DOCX_MAX_BODY = 20 * 1024 * 1024  # word/document.xml inflated: ~5 million characters of text, far past any plan
_FORMATS = {".txt": "txt", ".md": "md", ".docx": "docx", ".pdf": "pdf", ".html": "html", ".htm": "html"}
_MAGIC = {b"\x89PNG": "a PNG image", b"\xff\xd8\xff": "a JPEG image", b"GIF8": "a GIF image",
          b"%PDF-": "a PDF", b"PK\x03\x04": "a zip archive (docx/xlsx?)", b"\xd0\xcf\x11\xe0": "an Office 97 file",
          b"\x1f\x8b": "a gzip archive", b"\x7fELF": "an executable"}
_HTML_DROP = {"script", "style", "noscript", "template", "head", "nav", "footer", "header", "iframe", "svg"}
_HTML_BLOCK = {"p", "div", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "main",
               "aside", "blockquote", "pre", "table", "thead", "tbody", "tfoot", "dl", "dt", "dd", "figure",
               "figcaption", "form", "fieldset", "address", "hr", "caption", "body", "center"}
_META_CHARSET = re.compile(rb"<meta[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:\-]+)", re.IGNORECASE)
_HTML_NOISE = (Comment, Declaration, Doctype, ProcessingInstruction)
_GB_ALIASES = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "euc-cn"}



@dataclass(frozen=True)
class RawFile:
    path: str      # as given
    text: str      # decoded, not normalized; paragraphs separated by "\n"
    encoding: str  # txt/md: codec name; "docx"; "pdf"; "html:<charset>"
    format: str    # "txt" | "md" | "docx" | "pdf" | "html"


def _fail(name: str, what: str, fix: str) -> ReadError:
    label = " ".join(name.split()) or "<未命名>"
    return ReadError(f"{label}: {what}", fix)


def read_file(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> RawFile:
    """Read a file from disk. Raises ReadError (never anything else)."""
    name = str(path)
    _check_suffix(name)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)  # read_bytes rejects anything longer than max_bytes
    except FileNotFoundError as e:
        raise _fail(name, "文件不存在", "检查文件路径") from e
    except OSError as e:
        raise _fail(name, f"无法打开（{os_reason(e)}）", "检查文件路径和权限") from e
    return read_bytes(data, name, max_bytes)


def read_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> RawFile:
    """Read an in-memory file; ``name`` gives the extension. Raises ReadError (never anything else)."""
    suffix = _check_suffix(name)
    if len(data) > max_bytes:
        raise _fail(name, f"文件过大（超过 {max_bytes} 字节的上限）",
                    "把文档拆成几份，或调高大小上限")
    if not data.strip():
        raise _fail(name, "文件是空的（没有内容或只有空白）", "补上内容或删掉这个文件")
    fmt = _FORMATS[suffix]
    try:
        if fmt == "docx":
            text, encoding = _read_docx(data, name), "docx"
        elif fmt == "pdf":
            text, encoding = read_pdf(data, name, _fail), "pdf"
        elif fmt == "html":
            text, charset = _read_html(data, name)
            encoding = f"html:{charset}"
        else:
            text, encoding = _decode(data, name)
    except ReadError:
        raise
    except Exception as e:  # any library failure on damaged input
        detail = " ".join(f"{type(e).__name__}: {e}".split())[:200]
        raise _fail(name, f"无法按 {fmt} 读取（{detail}）", "重新保存或重新导出这个文件") from e
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _fail(name, "没有文字（只有空白）", "补上内容或删掉这个文件")
    return RawFile(path=name, text=text, encoding=encoding, format=fmt)


def _check_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "no extension"
        raise _fail(name, f"不支持的文件类型（{shown}）",
                    f"请转换为以下格式之一：{'、'.join(sorted(SUPPORTED_SUFFIXES))}")
    return suffix


def _decode(data: bytes, name: str, hint: str | None = None) -> tuple[str, str]:
    """Decode text bytes: BOM, [hint], utf-8, BOM-less utf-16, gb18030, charset_normalizer."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom) and (text := _try(data, codec)) is not None:
            return _check_binary(text, name), codec
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise _fail(name, f"是二进制文件（{what}），不是文本", "给文件改成它真正的扩展名，或转换为文本")
    has_nul = b"\x00" in data
    if (text := _utf8_cut_short(data)) is not None:  # a copy cut inside its last character is still UTF-8
        return _check_binary(text, name), "utf-8"
    for codec in filter(None, [hint, "utf-8", _utf16_guess(data), None if has_nul else "gb18030"]):
        if (text := _try(data, codec)) is not None:
            return _check_binary(text, name), codec
    if has_nul:
        raise _fail(name, "是二进制文件（含 NUL 字节），不是文本", "转换为 UTF-8 文本")
    best = from_bytes(data).best()
    if best is None:
        raise _fail(name, "无法识别文本编码", "把文件另存为 UTF-8 编码")
    return _check_binary(str(best), name), codecs.lookup(best.encoding).name


def decode_text(data: bytes, name: str) -> str:
    """Lines of a question file (``kb ask --batch``) in whatever encoding it has: BOM, UTF-8 (a last
    character cut short is dropped), BOM-less UTF-16, GB18030; else UTF-8 with bad bytes replaced,
    so that each line, good or bad, still gets its own answer or error row."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom) and (text := _try(data, codec)) is not None:
            return text
    if (text := _utf8_cut_short(data)) is not None:
        return text
    for codec in filter(None, [_utf16_guess(data), None if b"\x00" in data else "gb18030"]):
        if (text := _try(data, codec)) is not None:
            return _check_binary(text, name)  # random bytes decode as GB18030 too: not questions
    return _check_binary(data.decode("utf-8", errors="replace"), name)


def _utf8_cut_short(data: bytes) -> str | None:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        if e.reason == "unexpected end of data" and e.start >= len(data) - 3 and e.start > 0:
            return data[: e.start].decode("utf-8", errors="strict")
        return None


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf16_guess(data: bytes) -> str | None:
    """BOM-less UTF-16 if NULs sit at alternating positions (ASCII/Latin content)."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    zero_even, zero_odd = even.count(0) / len(even), odd.count(0) / len(odd)
    if zero_odd > 0.3 and zero_even < 0.05:
        return "utf-16-le"
    if zero_even > 0.3 and zero_odd < 0.05:
        return "utf-16-be"
    return None


def _check_binary(text: str, name: str) -> str:
    sample = text[:65536]
    controls = sum(1 for c in sample if (ord(c) < 32 and c not in "\t\n\r\f\v") or 0x7F <= ord(c) <= 0x9F)
    if "\x00" in text or controls > 0.05 * len(sample):
        raise _fail(name, "像是二进制文件（控制字符很多），不是文本", "转换为 UTF-8 文本")
    return text


def _check_zip(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise _fail(name, "不是 Word .docx 文件（不是 zip 压缩包）",
                    "用 Word/WPS 另存为 .docx（不支持旧的 .doc）") from e
    if "word/document.xml" not in {i.filename for i in infos}:
        raise _fail(name, "是 zip 压缩包，但不是 Word 文档", "用 Word/WPS 另存为 .docx")
    # zipfile stops at the declared file_size, so the declared sizes bound what python-docx can inflate.
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    body = next(i.file_size for i in infos if i.filename == "word/document.xml")
    if body > DOCX_MAX_BODY:  # parsing the XML costs ~30× its size in memory: refuse before parsing
        raise _fail(name, f"正文过大（解压后 {body // (1024 * 1024)} MB，上限 {DOCX_MAX_BODY // (1024 * 1024)} MB）",
                    "把文档拆成几份再上传")
    if total > DOCX_MAX_UNCOMPRESSED or (total > 1024 * 1024 and total / packed > DOCX_MAX_RATIO):
        raise _fail(name, f"疑似压缩炸弹，已拒绝（解压后 {total} 字节，压缩比 {total // packed}）",
                    "用 Word/WPS 重新保存这个文档")


def _read_docx(data: bytes, name: str) -> str:
    _check_zip(data, name)
    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as e:
        raise _fail(name, "不是有效的 Word 文档", "用 Word/WPS 重新另存为 .docx") from e
    return "\n".join(_docx_lines(doc.element.body, doc))


def _docx_lines(parent: Any, doc: Any) -> list[str]:
    """Paragraphs and tables in document order; content controls (w:sdt) are entered."""
    lines: list[str] = []
    for child in parent.iterchildren():
        if child.tag == qn("w:p"):
            text = Paragraph(child, doc).text
            if text.strip():
                lines.append(text)
        elif child.tag == qn("w:tbl"):
            for row in Table(child, doc).rows:
                cells, seen = [], None
                for cell in row.cells:  # merged cells repeat; keep one
                    if cell._tc is not seen:
                        cells.append(" ".join(cell.text.split("\n")).strip())
                        seen = cell._tc
                if any(cells):
                    lines.append(CELL_SEP.join(cells))
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                lines.extend(_docx_lines(content, doc))
    return lines


def _read_html(data: bytes, name: str) -> tuple[str, str]:
    match = _META_CHARSET.search(data[:8192])
    hint = match.group(1).decode("ascii").lower() if match else None
    if hint in _GB_ALIASES:
        hint = "gb18030"
    if hint and (hint.startswith("utf-16") or _try(b"", hint) is None):
        hint = None  # a meta utf-16 in an ASCII-compatible page is wrong by definition; unknown codecs ignored
    html, charset = _decode(data, name, hint)
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_HTML_DROP):
        tag.decompose()
    for node in soup.find_all(string=lambda s: isinstance(s, _HTML_NOISE)):
        node.extract()
    pieces: list[str] = []
    _html_walk(soup, pieces)
    lines = (line.strip(" \t") for line in "".join(pieces).split("\n"))
    return "\n".join(line for line in lines if line.strip()), charset


def _html_walk(node: Any, out: list[str], pre: bool = False) -> None:
    """Visible text; block elements are wrapped in line breaks, a table row becomes one line."""
    for child in node.children:
        if isinstance(child, NavigableString):
            out.append(str(child) if pre else re.sub(r"[ \t\r\n\f]+", " ", str(child)))
        elif isinstance(child, Tag):
            tag = child.name.lower()
            if tag == "br":
                out.append("\n")
            elif tag == "tr":
                cells = []
                for cell in child.find_all(["td", "th"], recursive=False):
                    sub: list[str] = []
                    _html_walk(cell, sub)
                    cells.append(" ".join("".join(sub).split()))
                if any(cells):
                    out.append("\n" + CELL_SEP.join(cells) + "\n")
            elif tag in _HTML_BLOCK or tag in {"td", "th"}:
                out.append("\n")
                _html_walk(child, out, pre or tag == "pre")
                out.append("\n")
            else:
                _html_walk(child, out, pre)
