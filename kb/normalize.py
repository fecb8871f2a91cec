"""Text normalization: pinyin annotations, traditional→simplified, spaces inside CJK text, width.

``normalize`` is idempotent and never raises on any str. It works on one line at a time as far
as line breaks go: a "\\n" is kept (paragraph boundary) unless ``join_lines`` is set, which
removes line breaks the same way as spaces (used for questions and pasted statements).
"""

from __future__ import annotations

import functools
import re
import unicodedata

import opencc

# Tone-marked vowels that appear in Hanyu Pinyin readings such as 環(huán).
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PINYIN_LETTERS = "a-zü" + _TONED
CJK_CLASS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Full-width punctuation of Chinese text (after width unification).
CJK_PUNCT = "，。、；：？！“”‘’（）《》〈〉【】〔〕—…·「」『』"
_CJK_OR_PUNCT = CJK_CLASS + CJK_PUNCT

_PINYIN_RE = re.compile(
    rf"(?<=[{CJK_CLASS}])[(（]([{_PINYIN_LETTERS}]{{1,7}})[)）]"  # after a character: 環(huán)
    rf"|[(（]([{_PINYIN_LETTERS}]*[{_TONED}][{_PINYIN_LETTERS}]*)[)）]"  # anywhere, if tone-marked
)
# Whitespace that touches a CJK character or CJK punctuation on either side is a PDF wrap.
_SPACE_AFTER_CJK = re.compile(rf"(?<=[{_CJK_OR_PUNCT}])[ \t\u3000\u00a0]+")
_SPACE_BEFORE_CJK = re.compile(rf"[ \t\u3000\u00a0]+(?=[{_CJK_OR_PUNCT}])")
_NEWLINE_CJK = re.compile(rf"(?<=[{_CJK_OR_PUNCT}0-9%])\s*\n\s*(?=[{_CJK_OR_PUNCT}0-9])")
_MULTISPACE = re.compile(r"[ \t\u3000\u00a0]{2,}")

# ASCII punctuation → full width when it stands in Chinese text.
_ASCII_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_NEAR_CJK = re.compile(rf"[{CJK_CLASS}]")


@functools.lru_cache(maxsize=1)
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def strip_pinyin(text: str) -> tuple[str, int]:
    """Remove pinyin readings after characters; return the text and how many were removed."""
    return _PINYIN_RE.subn("", text)


def to_simplified(text: str) -> str:
    return _t2s().convert(text)


def unify_width(text: str) -> str:
    """Full-width ASCII letters/digits/symbols → half width; ideographic space → space.

    Chinese punctuation (，。（）etc.) is left as it is here; see ``chinese_punctuation``.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF10 <= code <= 0xFF19 or 0xFF21 <= code <= 0xFF3A or 0xFF41 <= code <= 0xFF5A or ch in "％＋－＝＜＞／．＆＃＠":
            out.append(chr(code - 0xFEE0))
        elif ch == "\u3000":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def chinese_punctuation(text: str) -> str:
    """ASCII , ; : ? ! ( ) become full width when they stand in Chinese text.

    A comma or colon between two digits (``1,200``, ``10:30``) is kept; parentheses turn full
    width when the bracketed text or a neighbour is Chinese, so ``(ESG)`` after 披露 becomes
    ``（ESG）`` but ``f(x)`` in Latin text stays.
    """
    chars = list(text)
    n = len(chars)
    for i, ch in enumerate(chars):
        if ch not in _ASCII_TO_FULL:
            continue
        prev = chars[i - 1] if i > 0 else ""
        nxt = chars[i + 1] if i + 1 < n else ""
        if ch in ",:" and prev.isdigit() and nxt.isdigit():
            continue
        if ch in "()":
            window = text[max(0, i - 12) : i + 13]
            if _NEAR_CJK.search(window):
                chars[i] = _ASCII_TO_FULL[ch]
            continue
        if _NEAR_CJK.search(prev + nxt) or prev in CJK_PUNCT or nxt in CJK_PUNCT or prev in "%）" or nxt in "“" or ch in ",;" and (prev.isdigit() or prev == "%"):
            chars[i] = _ASCII_TO_FULL[ch]
    return "".join(chars)


# Names of pollutants written with a number (PM2.5, PM10, CO2, NO2, SO2, O3): a space that PDF or
# web subscripts left inside them goes.
_SPLIT_NAME_RE = re.compile(r"(?<![A-Za-z])(PM|CO|SO|NO|O)\s*(2)?\s*(\.5|10|2|3)(?![\d.])")
_SPLIT_DECIMAL_RE = re.compile(r"(?<=\d) (?=\.\d)")
def splits_token(prev: str, line: str) -> bool:
    """Whether the break between two lines cuts a number from its unit or a pollutant name."""
    if not prev or not line:
        return False
    tail, head = prev[-1], line[:1]
    if re.search(r"(?:PM2\.5|PM10)$", prev):  # 「全国地级及以上城市PM2.5」+「浓度……」
        return head not in "，。；：、！？）”"
    if tail.isdigit():
        return bool(re.match(r"(?:\.\d|[年月日%％‰]|个百分点|微克|毫克|万|亿|平方|立方)", line))
    if re.search(r"(?:PM|CO|SO|NO)$", prev):
        return head.isdigit()
    return False


def collapse_spaces(text: str, join_lines: bool = False) -> str:
    """Remove spaces touching CJK text; keep single spaces between Latin words and numbers.

    A table cell separator (`` | ``, as the docx and html readers write rows) keeps its spaces.
    """
    text = re.sub(r"[ \t]*\|[ \t]*", "\ue01f", text)
    if join_lines:
        text = _NEWLINE_CJK.sub("", text)
        text = re.sub(r"\s*\n\s*", " ", text)
    text = _SPACE_AFTER_CJK.sub("", text)
    text = _SPACE_BEFORE_CJK.sub("", text)
    text = _MULTISPACE.sub(" ", text)
    text = _SPLIT_NAME_RE.sub(lambda m: "".join(g or "" for g in m.groups()), _SPLIT_DECIMAL_RE.sub("", text))
    return "\n".join(line.strip() for line in text.replace("\ue01f", " | ").split("\n"))


def clean_controls(text: str) -> str:
    """Drop control and format characters (except newline and tab), and U+FEFF."""
    return "".join(
        ch
        for ch in text
        if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf")
    )


def normalize(text: str, join_lines: bool = False) -> str:
    """The full normalization chain. Idempotent: normalize(normalize(x)) == normalize(x)."""
    text = clean_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    text, _ = strip_pinyin(text)
    text = to_simplified(text)
    text = unify_width(text)
    # Spacing and punctuation depend on their neighbours: repeat until nothing changes (the
    # changes only go one way, ASCII → full width and spaces removed, so this ends quickly).
    for _ in range(50):
        new = collapse_spaces(chinese_punctuation(text), join_lines=join_lines)
        if new == text:
            break
        text = new
    return text


def normalize_query(text: str) -> str:
    """Normalization for questions: one line, simplified, width-unified."""
    return normalize(text, join_lines=True).strip()
