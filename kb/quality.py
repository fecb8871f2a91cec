"""Data-quality checks: find spans of normalized text that look damaged.

``find_suspicious`` runs on normalized text (simplified, pinyin readings stripped, full-width
punctuation) and reports what a repair through ``corpus/errata.jsonl`` has not caught: lost
characters (U+FFFD, ``?``), GBK/UTF-8 mojibake (rare characters, stray ``|`` and Latin letters
inside Chinese words), pinyin readings the normalizer could not strip, HTML entity residue and
invisible characters. Findings close to each other are merged into one span.
"""

from __future__ import annotations

import re
import unicodedata

_CONTEXT = 8  # characters of context either side of a finding
_MERGE_GAP = 4  # findings closer than this many characters form one span
_TABLE_ROW_MAX = 120  # a line with '|' this short and without 。；！ is a table row, not damage
_PIPE = re.compile("[|｜]")

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_PY = "a-zü" + _TONED
_LETTER = "A-Za-z\u0370-\u03ff\u0400-\u04ff"

# CJK ideographs outside GB2312 that are legitimate in the corpus. Mojibake of GBK read out of
# step typically yields characters outside GB2312 (谞 崿 摿 髽 嵤), so anything not in GB2312 is
# flagged unless listed here with the reason it is real. The plan and the national opinions use
# none today; add e.g. a place-name character here, with a comment, when a new document needs it.
ALLOWED_RARE_CJK: frozenset[str] = frozenset()

_PATTERNS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile("\ufffd"), "replacement character U+FFFD (bytes that could not be decoded)"),
    (re.compile("[?？]"), "question mark in policy text (usually a character lost in an encoding round trip)"),
    (
        re.compile(rf"(?<=[{_CJK}])[(（][{_PY}]*[aeiouü{_TONED}][{_PY}]*[)）]"),
        "pinyin reading left after a character",
    ),
    (
        re.compile(rf"(?<![(（{_PY}])[{_PY}]*[{_TONED}][{_PY}]*[)）]"),
        "broken pinyin reading (no opening bracket)",
    ),
    (
        re.compile(r"&#?[A-Za-z0-9]{2,8}[;；]"
                   r"|(?<![A-Za-z])(?:[lr][ds]quo|nbsp|mdash|ndash|hellip)(?![A-Za-z])"),
        "HTML entity residue",
    ),
    (
        # One Latin/Greek/Cyrillic letter, a lowercase or mixed pair, or '_' wedged between
        # Chinese characters (崿F深, 摿Φ钠, 髽I开, 谋Wo治, 堕_发) is mojibake residue: GBK has
        # Greek and Cyrillic rows. Real abbreviations (RTO, APP, PC, ESG) are upper case and
        # longer, or follow a digit (5G, 2×350MW).
        re.compile(rf"(?<=[{_CJK}])(?:[{_LETTER}]|[{_LETTER}][a-z]|_+)(?=[{_CJK}])"),
        "Latin or Greek letter inside Chinese text (mojibake residue)",
    ),
)


def _char_problem(ch: str) -> str | None:
    if ch in "\n\t":
        return None
    cat = unicodedata.category(ch)
    if cat == "Cc":
        return f"control character U+{ord(ch):04X}"
    if cat == "Cf":
        return f"invisible format character U+{ord(ch):04X}"
    if cat == "Co":
        return f"private-use character U+{ord(ch):04X}"
    if cat == "Cs":
        return f"lone surrogate U+{ord(ch):04X}"
    code = ord(ch)
    if 0x2500 <= code <= 0x257F:
        return f"box-drawing character {ch} in text (mojibake)"
    if 0x3041 <= code <= 0x30FA:  # kana; ・ (U+30FB) and ー are sometimes typed in Chinese text
        return f"Japanese kana {ch} in Chinese text (mojibake)"
    if _is_cjk_ideograph(ch) and ch not in ALLOWED_RARE_CJK and not _in_gb2312(ch):
        return f"rare character {ch} outside GB2312 (typical of mojibake)"
    return None


def _is_cjk_ideograph(ch: str) -> bool:
    code = ord(ch)
    return (
        0x3400 <= code <= 0x4DBF
        or 0x4E00 <= code <= 0x9FFF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3134F
    )


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _is_table_row(text: str, i: int) -> bool:
    """Readers join table cells with " | ": a short line without sentence punctuation is a row."""
    start = text.rfind("\n", 0, i) + 1
    end = text.find("\n", i)
    line = text[start : end if end != -1 else len(text)]
    return len(line) <= _TABLE_ROW_MAX and not any(p in line for p in "。；！")


def _findings(text: str) -> list[tuple[int, int, str]]:
    found: list[tuple[int, int, str]] = []
    for pattern, why in _PATTERNS:
        found.extend((m.start(), m.end(), why) for m in pattern.finditer(text))
    found.extend(
        (m.start(), m.end(), "stray '|' inside a sentence (encoding damage)")
        for m in _PIPE.finditer(text)
        if not _is_table_row(text, m.start())
    )
    for i, ch in enumerate(text):
        if ch.isascii() and ch.isprintable():
            continue
        why = _char_problem(ch)
        if why:
            found.append((i, i + 1, why))
    return sorted(found)


def find_suspicious(text: str) -> list[tuple[int, str, str]]:
    """Suspicious spans of normalized text as (offset, snippet with context, why).

    Findings less than a few characters apart are merged into one span, so a garbled run such
    as ``？谞赓|量`` gives one entry whose ``why`` lists each kind of damage once.
    """
    spans: list[tuple[int, int, list[str]]] = []
    for start, end, why in _findings(text):
        if spans and start <= spans[-1][1] + _MERGE_GAP:
            s, e, whys = spans[-1]
            if why not in whys:
                whys.append(why)
            spans[-1] = (s, max(e, end), whys)
        else:
            spans.append((start, end, [why]))
    out: list[tuple[int, str, str]] = []
    for start, end, whys in spans:
        snippet = text[max(0, start - _CONTEXT) : end + _CONTEXT].replace("\n", " ")
        out.append((start, snippet, "; ".join(whys)))
    return out
