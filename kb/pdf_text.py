"""Text of a PDF's pages as the writer typed it, not as the page drew it (used by kb.readers).

A PDF holds lines as drawn: a paragraph is cut at the right margin (「交通运」 / 「输领域」), and a
page can carry punctuation set in a fallback font as a separate text object, which text
extraction then puts beside the line instead of in it (「公路 新三通 比例 … “ ” “ ”」, a space
left where each mark stood). Two repairs, both from the layout alone (no words):

- **Displaced marks** (quote marks, 「Ⅰ—Ⅳ」: punctuation, symbols, Roman numerals) of one visual
  line are put back, in order, into the gaps between two CJK characters that line left, when the
  counts agree; otherwise the line is kept as it was. A single mark glued to a line's head
  (「”村创建 工作」) is such a mark when the rest of the line holds no mark of that kind of its own.
- **Wrapped lines** are joined: a line as wide as the page's full lines (``FULL_LINE`` of a
  high quantile of its line widths) that does not end a sentence continues on the next line, unless the next line starts a
  numbered part (一、 （一） 1. 第一条 …). The same holds across a page break.
"""

from __future__ import annotations

import io
import logging
import re
import unicodedata
from collections.abc import Callable

from pypdf import PasswordType, PdfReader

logging.getLogger("pypdf").addHandler(logging.NullHandler())  # its warnings are not ours to print
logging.getLogger("pypdf").propagate = False

FULL_LINE = 0.9  # a line at least this share of the page's full width was cut by the margin
FULL_QUANTILE = 0.8  # the page's full width: this quantile of its line widths (one odd wide line does not set it)
_ENDS = "。！？；：…」』”）)"
_PART_START = re.compile(r"\s*(?:[一二三四五六七八九十百]+、|[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、]|第[一二三四五六七八九十百\d]+[章节条部])")
_MAIN_MARKS = "，。、；：？！（）《》%％.．"  # punctuation set in the text's own font, never displaced
_CJK = r"[\u3400-\u9fff\uf900-\ufaff]"
_CJK_OR_MARK = r"[\u3400-\u9fff\uf900-\ufaff，。、；：？！（）《》]"
_GAP = re.compile(rf"(?<={_CJK_OR_MARK}) (?={_CJK_OR_MARK})")
_TOKEN = r"[^\sA-Za-z0-9_\u3400-\u9fff\uf900-\ufaff]+"
_RUN = re.compile(rf"(?:(?<=\s)|^){_TOKEN}(?:\s+{_TOKEN})*\s*")


def width(line: str) -> int:
    """Display width: a full-width character counts two, others one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line)


def _displaced(token: str) -> bool:
    """A mark of a fallback font: punctuation, symbols or Roman numerals only (「“」「Ⅰ—Ⅳ」)."""
    return all(unicodedata.category(ch)[0] in "PS" or unicodedata.category(ch) == "Nl" for ch in token) \
        and not any(ch in _MAIN_MARKS for ch in token)


def _head_run(line: str) -> tuple[list[str], str] | None:
    """「“ ”（二）加强……」: a run of displaced marks at the head of a line, glued to the line's first
    character: (its marks, the rest of the line). Only a run of two or more marks with a space
    between them (typed text never has that) is taken for one."""
    i = 0
    while i < len(line) and (line[i] == " " or _displaced(line[i])):
        i += 1
    marks = line[:i].split()
    if len(marks) < 2 or i == len(line) or line[i - 1] == " ":
        return None
    return marks, line[i:]


def _head_mark(line: str) -> tuple[list[str], str] | None:
    """「”村创建 工作……」「“（三）推进…… 美丽庭院」: one displaced mark glued to a line's head,
    when the rest of the line holds no mark of the fallback font of its own (「“十四五”规划」 does:
    there the opening mark is the text's) — the gaps are then counted against it."""
    i = 0
    while i < len(line) and _displaced(line[i]):
        i += 1
    rest = line[i:]
    if i == 0 or not rest.strip() or rest[0] == " " or any(_displaced(ch) for ch in rest):
        return None
    return [line[:i]], rest


def place_displaced(line: str) -> str:
    """「点位 类水 … 2035 Ⅰ—Ⅳ年」 → 「点位Ⅰ—Ⅳ类水」: the one run of displaced marks of a line (or a run at
    its head and one more inside it, in that order) goes back, token by token in order, into the gaps
    between CJK characters, when the counts agree. A single
    mark glued to the text after it (「“十四五”」 at a line's head) is the text's own, not a run."""
    head = _head_run(line)
    marks, rest = head if head is not None else ([], line)
    runs = [m for m in _RUN.finditer(rest) if all(_displaced(t) for t in m.group().split())
            and (m.start() > 0 or len(m.group().split()) > 1 or m.group()[-1:].isspace() or m.end() == len(rest))]
    if len(runs) == 1:  # after a head run, the line's second object of marks (「“ ”（五）… 到2027 “ ”年」)
        marks = marks + runs[0].group().split()
        rest = rest[:runs[0].start()] + rest[runs[0].end():]
    elif runs:
        return line
    elif head is None:
        if (single := _head_mark(line)) is None:
            return line
        marks, rest = single
    gaps = list(_GAP.finditer(rest))
    if len(gaps) != len(marks):
        return line
    out, last = [], 0
    for gap, mark in zip(gaps, marks):
        out += [rest[last:gap.start()], mark]
        last = gap.end()
    return "".join(out) + rest[last:]


def _full_width(lines: list[str]) -> int:
    widths = sorted(w for x in lines if (w := width(x.rstrip())))
    return widths[min(len(widths) - 1, int(FULL_QUANTILE * len(widths)))] if widths else 0


def _continues(prev: str, nxt: str, full: int) -> bool:
    body = prev.rstrip()
    return (bool(body) and bool(nxt.strip()) and width(body) >= FULL_LINE * full
            and body[-1] not in _ENDS and not _PART_START.match(nxt))


def join_pages(pages: list[str]) -> str:
    """The pages' text with quote marks put back and margin wraps joined; page breaks are line
    breaks unless a wrapped line continues on the next page."""
    lines_of = [[place_displaced(x) for x in page.split("\n")] for page in pages]
    fulls = [_full_width(lines) for lines in lines_of]
    out: list[str] = []
    full_prev = 0
    for lines, full in zip(lines_of, fulls):
        for i, line in enumerate(lines):
            limit = full_prev if i == 0 else full
            if out and limit and _continues(out[-1], line, limit):
                out[-1] = out[-1].rstrip() + line.lstrip()
            else:
                out.append(line)
        full_prev = full
    return "\n".join(out)


def read_pdf(data: bytes, name: str, fail: Callable[[str, str, str], Exception]) -> str:
    """The text layer of a PDF, repaired as above; ``fail(name, what, fix)`` makes the error raised."""
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as e:
        raise fail(name, "不是有效的 PDF（已损坏或不完整）", "重新导出 PDF") from e
    if encrypted:
        try:  # an empty user password (permissions-only protection) still opens
            opened = reader.decrypt("") != PasswordType.NOT_DECRYPTED
        except Exception:  # noqa: BLE001 - e.g. AES without the cryptography package
            opened = False
        if not opened:
            raise fail(name, "是加了密码的 PDF", "去掉密码后重新导出")
    try:
        pages = [(page.extract_text() or "").rstrip("\n") for page in reader.pages]
    except Exception as e:
        raise fail(name, "PDF 已损坏（无法提取文字）", "重新导出 PDF") from e
    if not any(p.strip() for p in pages):
        raise fail(name, f"没有文字层（共 {len(pages)} 页，像是扫描件）",
                    "先做 OCR 文字识别（例如 ocrmypdf），再用识别后的 PDF")
    return join_pages(pages)
