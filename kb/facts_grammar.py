"""The grammar facts are read with: units, comparator verbs, year markers, and how an indicator's
words are cleaned of connectives and split into a list. Used by kb.facts (build stage); no index."""

from __future__ import annotations

import re

from kb.clauses import split_top as _split_top
from kb.facts_scope import span_markers, split_scope
from kb.lexicon import word_list

# ---------------------------------------------------------------------------------------------- tables
_UNITS = sorted(
    (
        "%", "％", "‰", "个百分点", "百分点", "微克/立方米", "毫克/立方米", "毫克/升", "克/千克", "蒸吨/小时",
        "立方米/秒", "亿立方米", "万立方米", "立方米", "平方千米", "平方公里", "万平方米", "平方米", "万公顷", "公顷",
        "万亩", "亩", "千米", "公里", "米", "万亿元", "亿元", "万元", "元", "万吨标准煤", "吨标准煤", "亿吨", "万吨", "吨", "万头", "头",
        "万株", "株", "万只", "只", "万人", "人", "万户", "户", "万千瓦时", "亿千瓦时", "千瓦时", "亿千瓦", "万千瓦", "千瓦", "兆瓦",
        "MW", "GW", "kW", "处", "个", "座", "家", "条", "所", "辆", "台", "套", "项", "批", "次", "天", "小时", "分贝", "倍",
    ),
    key=len, reverse=True,
)
_NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
VALUE_RE = re.compile(
    rf"(?P<num>{_NUM})\s*(?P<unit>{'|'.join(map(re.escape, _UNITS))})(?P<bound>及以上|及以下|以上|以下|以内|之内|左右)?"
)
VERBS: dict[str, str] = {}
for _words, _cmp in (
    (("达到 保持在 稳定在 维持在 保持 达 为 发展到 发展至 提高到 提升到 提高至 提升至 增加到 增加至 增长到 增长至 "
     "增至 扩大到 扩大至"), "="),
    (("控制在 控制到 下降到 下降至 降到 降至 降低到 降低至 减少到 减少至 减至 压减到 压减至 不高于 不超过 低于 少于 "
     "小于 不大于"), "≤"),
    ("不低于 不少于 超过 高于 大于 多于 不小于 达到或超过", "≥"),
    ("提高 提升 增加 增长 上升", "+"),
    ("下降 降低 减少 削减 压减", "−"),
):
    VERBS.update(dict.fromkeys(_words.split(), _cmp))
VERB_RE = re.compile(
    r"(?P<mods>(?:力争|均|平均|分别|要|将|应|须|进一步|稳定|逐步|累计)*)"
    rf"(?P<verb>{'|'.join(sorted(VERBS, key=len, reverse=True))})(?P<avg>平均)?$"
)
BOUND_CMP = {"及以上": "≥", "以上": "≥", "及以下": "≤", "以下": "≤", "以内": "≤", "之内": "≤", "左右": "左右"}
SHARE_RE = re.compile(r"(?:占(?P<obj>[^，；。]{1,20}?)(?:的)?|(?:达到|为|占)(?P<of>[^，；。\d]{2,20}?)的)(?:比重|比例)?(?:为|达到)?$")
ACTION_RE = re.compile(r"^(?:累计)?(?:完成|新增|新建|建成|创建|培育|治理|修复|改造|造林|种植|整治)")
BASE_RE = re.compile(r"(?:比|较)(?P<base>20\d{2}年(?:底|末)?)")
MINES_RE = re.compile(r"(?P<num>\d+(?:\.\d+)?)\s*(?P<unit>[%％])(?P<noun>[^、，；。\d%％]{2,12}?)(?=、\s*\d|均?达到)")
_YEAR_RE = re.compile(
    r"(?P<pre>力争到|力争在|到|至|于|在|截至|截止)?(?<![\d—–\-~～.])(?P<y>20\d{2})\s*年(?P<suf>年底前|年底|年末|底前|底|末|前)?"
)
_PHASE_RE = re.compile(r"第[一二三四五六七八九十]阶段（\d{4}\s*[—–\-]+\s*(\d{4})年）")
_LEAD_WORDS = ("其中", "同时", "累计", "完成", "并且", "并", "且", "以及", "和", "与", "及", "使", "让", "确保", "力争", "实现", "推动",
               "促进", "要", "将", "的", "、")
_TAIL_WORDS = ("力争", "均", "平均", "分别", "要", "将", "应", "须", "进一步", "稳定", "逐步", "累计", "的")
BARE_MAX = 6  # a listed measure this short (「某化处理率」) has no subject of its own
_BARE_MEASURES = frozenset(word_list("text.toml", "bare_measures"))
_RATE_SUFFIXES = ("占比", "比例", "比重", "比率", "率", "浓度", "面积", "产值", "总量", "量", "含量")



# --------------------------------------------------------------------------------------------- helpers
def year_markers(text: str) -> list[tuple[int, int, int]]:
    """(start, end, year) of deadline-like year mentions: 到2027年, 2025年年底前, 2027年，…

    Not: ranges （2024—2035年）, dates 2024年12月3日, base years 比2020年, titles in 《》."""
    out = []
    for m in _YEAR_RE.finditer(text):
        after = text[m.end():m.end() + 3]
        before = text[max(0, m.start() - 1):m.start()]
        if re.match(r"\s*(?:\d|[—–\-~～])", after) or before in ("比", "较", "同") or in_title(text, m.start()):
            continue
        if m.group("pre") or m.group("suf") or after[:1] in ("，", ","):
            out.append((m.start(), m.end(), int(m.group("y"))))
    return sorted(out + span_markers(text))


def in_title(text: str, pos: int) -> bool:
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


def phase_year(path: tuple[str, ...]) -> tuple[int | None, str]:
    for p in reversed(path):
        m = _PHASE_RE.search(p)
        if m:
            return int(m.group(1)), p
    return None, ""


def is_marker_clause(s: str) -> bool:
    return bool(re.fullmatch(r"\s*(?:力争|确保|计划)?" + _YEAR_RE.pattern + r"\s*", s))


def _strip_words(s: str, words: tuple[str, ...], lead: bool) -> str:
    changed = True
    while changed and s:
        changed = False
        for w in words:
            if (s.startswith(w) if lead else s.endswith(w)) and len(s) > len(w):
                s = s[len(w):] if lead else s[: -len(w)]
                changed = True
    return s


def clean_indicator(raw: str, split: bool = True) -> tuple[str, str]:
    """(indicator, scope): drop year markers, connectives and leading verbs; split off a place
    (a region or city class: 「京津冀地区」 alone is a scope with no indicator of its own)."""
    s = re.sub(r"^(?:力争|确保|计划)?(?:到|至|截至)?(?:20\d{2}年(?:年底|底|末)?(?:前)?|[“\"]?十[一二三四五六七八九]五[”\"]?"
               r"(?:期间|时期|期末|末)?)[，,]?", "", raw.strip())
    s = _strip_words(s, _LEAD_WORDS, lead=True)
    s = _strip_words(s, _TAIL_WORDS, lead=False)
    scope = ""
    if split:
        scope, s = split_scope(s)
    s = re.sub(r"（[^（）]{4,}）", "", s)  # explanations such as （通硬化路、通客车、通邮路）
    return s.strip(" 　"), scope


def _with_subject(part: str, first: str) -> str:
    """A bare measure after a listed indicator takes that indicator's subject (「某某垃圾收集率、
    无害化处理率」 → 某某垃圾无害化处理率); a part with a subject of its own is left as it is."""
    if len(part) > BARE_MAX or not any(part.endswith(m) for m in _BARE_MEASURES):
        return part  # a longer part names its own subject
    own = next((m for m in sorted(_BARE_MEASURES, key=len, reverse=True) if first.endswith(m) and len(first) > len(m)), "")
    return first[: len(first) - len(own)] + part if own else part


def split_list(ind: str, both: bool) -> list[str]:
    """「甲类车辆、乙类车辆占比均…」 → two indicators; 「大、中型…」 stays one."""
    parts = [ind[a:b] for a, b in _split_top(ind, "、")]
    if len(parts) < 2 or any(len(p) < 3 for p in parts):
        return [ind]
    ends = [next((x for x in _RATE_SUFFIXES if p.endswith(x)), "") for p in parts]
    if all(ends):
        return [parts[0]] + [_with_subject(p, parts[0]) for p in parts[1:]]
    if both and ends[-1]:
        return [p if e else p + ends[-1] for p, e in zip(parts, ends)]
    return [ind]
