"""Read source files (txt, md, docx, pdf, html) into raw text.

The text is returned as decoded: no OpenCC, no repair. Paragraphs are separated by "\\n".
Tables (docx and html) become one line per row, cells joined by " | ".
Every failure is a ``ReadError`` whose message is one line naming the file.
"""

from __future__ import annotations

import codecs
import io
import logging
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
from pypdf import PasswordType, PdfReader

from kb.errors import ReadError

SUPPORTED_SUFFIXES: frozenset[str] = frozenset({".txt", ".md", ".docx", ".pdf", ".html", ".htm"})
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
CELL_SEP = " | "
DOCX_MAX_UNCOMPRESSED = 100 * 1024 * 1024
DOCX_MAX_RATIO = 100
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

logging.getLogger("pypdf").addHandler(logging.NullHandler())  # its warnings are not ours to print
logging.getLogger("pypdf").propagate = False


@dataclass(frozen=True)
class RawFile:
    path: str      # as given
    text: str      # decoded, not normalized; paragraphs separated by "\n"
    encoding: str  # txt/md: codec name; "docx"; "pdf"; "html:<charset>"
    format: str    # "txt" | "md" | "docx" | "pdf" | "html"


def _fail(name: str, what: str, fix: str) -> ReadError:
    label = " ".join(name.split()) or "<unnamed>"
    return ReadError(f"{label}: {what}", fix)


def read_file(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> RawFile:
    """Read a file from disk. Raises ReadError (never anything else)."""
    name = str(path)
    _check_suffix(name)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)  # read_bytes rejects anything longer than max_bytes
    except FileNotFoundError as e:
        raise _fail(name, "file not found", "check the path") from e
    except OSError as e:
        raise _fail(name, f"cannot open ({type(e).__name__})", "check the path and permissions") from e
    return read_bytes(data, name, max_bytes)


def read_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> RawFile:
    """Read an in-memory file; ``name`` gives the extension. Raises ReadError (never anything else)."""
    suffix = _check_suffix(name)
    if len(data) > max_bytes:
        raise _fail(name, f"file is too large (over the {max_bytes}-byte limit)",
                    "split the document or raise the size limit")
    if not data.strip():
        raise _fail(name, "file is empty (no content or only whitespace)", "add content or remove the file")
    fmt = _FORMATS[suffix]
    try:
        if fmt == "docx":
            text, encoding = _read_docx(data, name), "docx"
        elif fmt == "pdf":
            text, encoding = _read_pdf(data, name), "pdf"
        elif fmt == "html":
            text, charset = _read_html(data, name)
            encoding = f"html:{charset}"
        else:
            text, encoding = _decode(data, name)
    except ReadError:
        raise
    except Exception as e:  # any library failure on damaged input
        detail = " ".join(f"{type(e).__name__}: {e}".split())[:200]
        raise _fail(name, f"could not be read as {fmt} ({detail})", "re-save or re-export the file") from e
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise _fail(name, "contains no text (only whitespace)", "add content or remove the file")
    return RawFile(path=name, text=text, encoding=encoding, format=fmt)


def _check_suffix(name: str) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "no extension"
        raise _fail(name, f"unsupported file type ({shown})",
                    f"convert it to one of {', '.join(sorted(SUPPORTED_SUFFIXES))}")
    return suffix


def _decode(data: bytes, name: str, hint: str | None = None) -> tuple[str, str]:
    """Decode text bytes: BOM, [hint], utf-8, BOM-less utf-16, gb18030, charset_normalizer."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom) and (text := _try(data, codec)) is not None:
            return _check_binary(text, name), codec
    for magic, what in _MAGIC.items():
        if data.startswith(magic):
            raise _fail(name, f"is binary ({what}), not text", "give the file its real extension or convert it")
    has_nul = b"\x00" in data
    for codec in filter(None, [hint, "utf-8", _utf16_guess(data), None if has_nul else "gb18030"]):
        if (text := _try(data, codec)) is not None:
            return _check_binary(text, name), codec
    if has_nul:
        raise _fail(name, "is binary (contains NUL bytes), not text", "convert it to UTF-8 text")
    best = from_bytes(data).best()
    if best is None:
        raise _fail(name, "text encoding could not be detected", "re-save the file as UTF-8")
    return _check_binary(str(best), name), codecs.lookup(best.encoding).name


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
        raise _fail(name, "looks binary (many control characters), not text", "convert it to UTF-8 text")
    return text


def _check_zip(data: bytes, name: str) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise _fail(name, "is not a Word .docx file (not a zip archive)",
                    "save it as .docx from Word/WPS (old .doc is not supported)") from e
    if "word/document.xml" not in {i.filename for i in infos}:
        raise _fail(name, "is a zip archive but not a Word document", "save it as .docx from Word/WPS")
    # zipfile stops at the declared file_size, so the declared sizes bound what python-docx can inflate.
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > DOCX_MAX_UNCOMPRESSED or (total > 1024 * 1024 and total / packed > DOCX_MAX_RATIO):
        raise _fail(name, f"rejected as a possible zip bomb ({total} bytes uncompressed, ratio {total // packed})",
                    "re-save the document from Word/WPS")


def _read_docx(data: bytes, name: str) -> str:
    _check_zip(data, name)
    try:
        doc = docx.Document(io.BytesIO(data))
    except Exception as e:
        raise _fail(name, "is not a valid Word document", "re-save it as .docx from Word/WPS") from e
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


def _read_pdf(data: bytes, name: str) -> str:
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as e:
        raise _fail(name, "is not a valid PDF (corrupt or truncated)", "re-export the PDF") from e
    if encrypted:
        try:  # an empty user password (permissions-only protection) still opens
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception:  # noqa: BLE001 - e.g. AES without the cryptography package
            opened = False
        if not opened:
            raise _fail(name, "is an encrypted (password-protected) PDF", "remove the password and re-export it")
    try:
        pages = [(page.extract_text() or "").rstrip("\n") for page in reader.pages]
    except Exception as e:
        raise _fail(name, "is a damaged PDF (text extraction failed)", "re-export the PDF") from e
    if not any(p.strip() for p in pages):
        raise _fail(name, f"has no text layer ({len(pages)} pages, looks scanned)",
                    "run OCR on it (e.g. ocrmypdf) and add the OCR'd PDF")
    return "\n".join(pages)


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
