"""Scope, 「分别」 pairing and plan-period spans for target facts across documents.

National texts state a target for a region or a class of cities and then follow it with targets
that do not repeat their indicator (「……达到25%以上，京津冀地区达到35%以上」), or pair several
subjects with several values (「京津冀及周边地区、汾渭平原PM2.5浓度分别下降20%、15%」). This module
knows which words name a scope (a region, a city class, a kind of place), splits a subject list
into one (indicator, scope) per value, and reads 「“十四五”期间」「到“十五五”末」 as time spans.
"""

from __future__ import annotations

import re

from kb.clauses import split_top

# Words that name where or for whom a target holds, longest first when matched. Regions and city
# classes of the national texts, and the plan's own places (kept from the first version).
SCOPE_WORDS = tuple(sorted((
    "全国地级及以上缺水城市", "全国地级及以上城市", "地级及以上城市建成区", "地级及以上城市", "县级及以上城市建成区",
    "京津冀及周边地区", "京津冀地区", "长三角地区", "汾渭平原", "粤港澳大湾区", "珠三角地区", "成渝地区", "东北地区",
    "重点区域", "其他地区", "其他城市", "未达标城市", "已达标城市", "缺水城市", "县城", "全国",
    "各县（市）区", "松花江吉林市段", "吉林市地区", "城市主要污染物", "黑土地保护工程项目区", "全市", "吉林市",
    "持证在产的",
), key=len, reverse=True))
# A whole subject that is one named place: 北京市, 河北省, 雄安新区.
_PLACE_RE = re.compile(r"^[\u4e00-\u9fff]{2,8}(?:省|市|自治区|新区|地区|平原|流域)$")
# The shared noun at the end of a parallel subject list: 「铁路、水路货运量」 → 货运量.
SHARED_TAILS = tuple(sorted((
    "排放总量", "消费总量", "消费量", "货运量", "客运量", "利用率", "覆盖率", "浓度", "占比", "比例", "比重", "比率",
    "总量", "产量", "率", "量",
), key=len, reverse=True))
# 「“十四五”期间」「到“十五五”末」「“十四五”时期」: the period's end year.
SPAN_RE = re.compile(
    r"(?P<pre>到|至|在)?[“\"]?十(?P<n>[一二三四五六七八九])五[”\"]?(?P<suf>期间|时期|期末|末)?"
)
_CN_DIGIT = "一二三四五六七八九"


def split_scope(s: str) -> tuple[str, str]:
    """(scope, rest): a leading scope word, or the whole string when it names one place."""
    for p in SCOPE_WORDS:
        if s.startswith(p) and (len(s) == len(p) or len(s) > len(p) + 1):
            if s[len(p):len(p) + 1] in ("和", "、", "及", "与"):
                return "", s  # 「重点区域和粤港澳大湾区沿海主要港口……」: a list of places, not one scope
            return p.rstrip("的"), s[len(p):]
    if _PLACE_RE.match(s):
        return s, ""
    return "", s


def span_markers(text: str) -> list[tuple[int, int, int]]:
    """(start, end, end year) of 「“十四五”期间」-like spans; a plan's name (「“十四五”规划」) is not one."""
    out = []
    for m in SPAN_RE.finditer(text):
        if not (m.group("pre") or m.group("suf")):
            continue
        if text.rfind("《", 0, m.start()) > text.rfind("》", 0, m.start()):
            continue
        out.append((m.start(), m.end(), 2010 + 5 * _CN_DIGIT.index(m.group("n"))))
    return out


def respectively(subject: str, n: int) -> list[tuple[str, str]] | None:
    """Pair a 「分别」 subject list with ``n`` values: one (indicator, scope) per value.

    「京津冀及周边地区、汾渭平原PM2.5浓度」, 2 → [(PM2.5浓度, 京津冀及周边地区), (PM2.5浓度, 汾渭平原)];
    「铁路、水路货运量」, 2 → [(铁路货运量, ""), (水路货运量, "")]; 「氮氧化物和VOCs排放总量」, 1 → both
    with the one value. None when the list cannot be paired.
    """
    parts = _parts(subject, "、")
    if len(parts) < 2 or (n > 1 and len(parts) != n):
        parts = _parts(subject, "、和")
    if len(parts) < 2 or (n > 1 and len(parts) != n):
        return None
    last_scope, last_rest = split_scope(parts[-1])
    heads = [split_scope(p) for p in parts[:-1]]
    if last_rest and all(sc and not rest for sc, rest in heads):
        return [(last_rest, sc) for sc, _ in heads] + [(last_rest, last_scope)]
    tail = next((t for t in SHARED_TAILS if parts[-1].endswith(t) and len(parts[-1]) > len(t)), "")
    if not tail:
        return None
    out = []
    for p in parts:
        sc, rest = split_scope(p)
        out.append((rest if rest.endswith(tail) else rest + tail, sc))
    return out


def _parts(s: str, seps: str) -> list[str]:
    spans = [(0, len(s))]
    for sep in seps:
        spans = [(a + x, a + y) for a, b in spans for x, y in split_top(s[a:b], sep)]
    parts = [s[a:b].strip() for a, b in spans]
    return parts if all(len(p) >= 2 for p in parts) else []
