"""Judge one claim of a department plan against the facts of every document in the corpus.

An indicator matches by meaning and kind: the canonical indicator when both have one, else the
distinctive words (秸秆 ≠ 畜禽粪污 once the shared 综合利用率 is set aside) and the same unit kind.
Of the source facts that match, the one worded most like the claim is compared, then the one of the
same year, else of the nearest. A year-only difference says its direction (推迟 = 更宽松, 提前 =
更严格), once a statement. A responsibility is a conflict when the source names another body as the
lead. Thresholds: kb.toml [checking] (kb.config.CheckThresholds)."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

import jieba

from kb.cite import CitationBuilder, sentence_around
from kb.crosscheck_claims import Claim, patterns
from kb.indicators import canonical_indicator
from kb.segment import tokenize
from kb.types import Fact, Finding

if TYPE_CHECKING:
    from kb.api import KnowledgeBase
    from kb.config import CheckThresholds

BOUND = {"≥": "以上", "≤": "以下", "=": "", "左右": "左右", "+": "提高", "−": "减少"}
_BODY_ALIASES = (("发展和改革委员会", "发改"), ("发展改革委员会", "发改"), ("发展改革委", "发改"), ("发改委", "发改"),
                 ("住房和城乡建设", "住建"), ("生态环境", "生态环境"), ("委员会", ""), ("人民政府", "政府"))


@functools.lru_cache(maxsize=8192)
def _tokens(text: str, tok: jieba.Tokenizer | None = None) -> frozenset[str]:
    return frozenset(t for t in tokenize(text, tok) if len(t) > 1)


@functools.lru_cache(maxsize=8192)
def _distinctive(text: str, tok: jieba.Tokenizer | None = None) -> frozenset[str]:
    """The words left once the words many indicators share are taken out (longest first)."""
    for word in sorted(patterns()["indicator"]["generic"], key=len, reverse=True):
        text = text.replace(word, " ")
    return _tokens(text, tok)


def _unit_kind(unit: str) -> str:
    return "%" if unit in ("%", "％", "个百分点") else unit


def indicator_match(a: Fact, b: Fact, tok: jieba.Tokenizer | None = None) -> float:
    ca, cb = canonical_indicator(a.indicator), canonical_indicator(b.indicator)
    if ca and cb:
        return 1.0 if ca == cb else 0.0
    if a.unit and b.unit and _unit_kind(a.unit) != _unit_kind(b.unit):
        return 0.0
    da, db = _distinctive(a.indicator, tok), _distinctive(b.indicator, tok)
    if da and db and not (da & db):
        return 0.0  # 秸秆综合利用率 vs 畜禽粪污综合利用率
    if a.indicator and b.indicator and (a.indicator in b.indicator or b.indicator in a.indicator):
        return 0.9
    ta, tb = _tokens(a.indicator, tok), _tokens(b.indicator, tok)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _jaccard(a: str, b: str, tok: jieba.Tokenizer | None = None) -> float:
    ta, tb = _distinctive(a, tok), _distinctive(b, tok)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _coverage(dept: str, src: str, tok: jieba.Tokenizer | None = None) -> float:
    """Share of the department's words found in the source task (a short 「实现碳达峰」 is covered by
    a long phase sentence that says 碳达峰目标顺利实现)."""
    ta, tb = _distinctive(dept, tok), _distinctive(src, tok)
    return len(ta & tb) / len(ta) if ta and tb else 0.0


def value_str(f: Fact) -> str:
    if f.kind == "deadline":
        return f"{f.year}年" if f.year else ""
    bound = BOUND.get(f.comparator, f.comparator)
    text = f"{f.value}{f.unit}"
    text = f"{bound}{text}" if f.comparator in ("+", "−") else f"{text}{bound}"
    return f"{f.year}年{text}" if f.year else text


def _num(v: str) -> float | None:
    try:
        return float(v)
    except ValueError:
        return None


def _is_pollution(f: Fact) -> bool:
    return any(w in f.indicator for w in ("浓度", "排放", "污染", "能耗", "强度", "黑臭", "劣"))


def _stricter(dept: Fact, src: Fact) -> str:
    pv, sv = _num(dept.value), _num(src.value)
    if pv is None or sv is None or pv == sv:
        return ""
    higher_better = src.comparator in ("≥", "+") or (src.comparator in ("=", "左右") and not _is_pollution(src))
    return "部门方案更严格" if (pv > sv) == higher_better else "部门方案更宽松"


def _cmp_class(c: str) -> str:
    return {"=": "≥", "力争": "≥"}.get(c, c)  # 达到X counts as reaching X


def _cmp_differs(dept: str, src: str) -> bool:
    """The department's comparator says something else: 「90%左右」 where the source says 「90%以上」
    lets the figure fall below (looser); 「以上」 or 「达到」 where the source says 「左右」 does not."""
    d, s = _cmp_class(dept), _cmp_class(src)
    if s == "左右" and d in ("≥", "左右"):
        return False
    return d != s


def _year_direction(dept: int | None, src: int | None) -> str:
    if dept is None or src is None:
        return f"部门方案{dept or '未写'}年，来源{src or '未写'}年"
    way = "推迟，部门方案更宽松" if dept > src else "提前，部门方案更严格"
    return f"部门方案{dept}年，来源{src}年（{way}）"


def _cite(kb: KnowledgeBase, src: Fact):
    cb = CitationBuilder(kb.index.docs)
    s0, s1 = sentence_around(kb.index.docs[src.doc_id], src.start, src.end)
    cb.cite(src.doc_id, s0, s1)
    return cb.citations()[0]


def _pick(candidates: list[tuple[float, Fact]], year: int | None, wording: Callable[[Fact], float],
          limits: CheckThresholds) -> Fact:
    """The source fact a claim is compared with: of the best matches, those whose own words the claim
    says best (``wording``: 「中型站点…的比例」 for a claim on 中型站点, not 「大型站点…的比例」, when both
    share one indicator; a source that words it shorter, 「“三同步”比例」, still counts as said); then
    the same year, else the nearest (a task the source states at several years)."""
    best = candidates[0][0]
    near = [s for score, s in candidates if score >= best - limits.match_band]
    said = [wording(s) for s in near]
    near = [s for s, w in zip(near, said) if w >= max(said) - limits.wording_band]
    same = [s for s in near if s.year == year] if year else near
    return same[0] if same else min(near, key=lambda s: (abs((s.year or 0) - (year or 0)), s.year or 0))


def _differences(claim: Claim, f: Fact, src: Fact) -> list[str]:
    """How the department's statement differs from one source fact (empty: they agree)."""
    diffs = []
    if f.kind == "target":
        value_differs = f.value != src.value and _num(f.value) != _num(src.value)
        if claim.value_range and _num(src.value) is not None:
            lo, hi = claim.value_range
            value_differs = not lo <= float(src.value) <= hi
        if f.year != src.year and f.year is not None:  # a target restated without its year says the same
            diffs.append("年份不同：" + _year_direction(f.year, src.year))
        if _unit_kind(f.unit) != _unit_kind(src.unit):
            diffs.append(f"单位不同：部门方案“{f.unit}”，来源“{src.unit}”")
        elif value_differs:
            shown = f"{claim.value_range[0]:g}—{claim.value_range[1]:g}" if claim.value_range else f.value
            diffs.append(f"数值不同：部门方案{shown}{f.unit}，来源{src.value}{src.unit}（{_stricter(f, src)}）"
                         .replace("（）", ""))
        elif _cmp_differs(f.comparator, src.comparator) and not claim.value_range:
            looser = "（部门方案更宽松）" if f.comparator == "左右" and _cmp_class(src.comparator) == "≥" else ""
            diffs.append(f"比较方式不同：部门方案“{BOUND.get(f.comparator, f.comparator) or '达到'}”，"
                         f"来源“{BOUND.get(src.comparator, src.comparator) or '达到'}”{looser}")
    elif f.year != src.year:
        diffs.append("期限不同：" + _year_direction(f.year, src.year))
    return diffs


def judge(kb: KnowledgeBase, claim: Claim, sources: frozenset[str] | None = None) -> Finding:
    """``sources``: the ids of the documents checked against (default: the most local level's — a
    department implements its city's plan)."""
    f = claim.fact
    if sources is None:
        sources = frozenset(d.doc_id for d in kb.local_documents())
    if f.kind == "responsibility":
        return _judge_responsibility(kb, claim, sources)
    pool = [s for s in kb.index.facts if s.kind == f.kind and s.doc_id in sources]
    limits, tok = kb.settings.checking, kb.index.tokenizer
    if f.kind == "target":
        scored = [(indicator_match(f, s, tok), s) for s in pool]
        scored = [x for x in scored if x[0] >= limits.target_match_min]
        wording = lambda s: _coverage(s.indicator, f.indicator, tok)
    else:
        scored = [(_coverage(f.subject or f.quote, s.subject or s.quote, tok), s) for s in pool]
        scored = [x for x in scored if x[0] >= limits.deadline_match_min]
        wording = lambda s: _coverage(s.subject or s.quote, f.subject or f.quote, tok)
    scored.sort(key=lambda x: -x[0])
    if not scored:
        return Finding(claim.statement, "not_found", f.indicator or f.subject, f.year, value_str(f), "",
                       "来源文件中没有此指标" if f.kind == "target" else "来源文件中没有此项任务的期限")
    src = _pick(scored, f.year, wording, limits)
    # a target the source states twice (「保持在94.7%」 and later 「保持在94.7%左右」): the department
    # agrees when it agrees with either statement of the same figure
    best = scored[0][0]
    twins = [x for score, x in scored if score >= best - limits.match_band and x is not src and x.year == src.year
             and x.value == src.value and x.unit == src.unit]
    diffs = _differences(claim, f, src)
    for twin in twins:
        if diffs and not _differences(claim, f, twin):
            src, diffs = twin, []
    dept_value = value_str(f)
    if claim.value_range:
        dept_value = dept_value.replace(f"{f.value}{f.unit}", f"{claim.value_range[0]:g}—{claim.value_range[1]:g}{f.unit}", 1)
    named = src.indicator if f.kind == "target" else (f.subject or src.subject)  # a task: the department's words
    return Finding(claim.statement, "conflict" if diffs else "consistent", named, f.year,
                   dept_value, value_str(src), "；".join(diffs), _cite(kb, src))


def said_once(findings: list[Finding]) -> list[Finding]:
    """The findings of one statement, a year difference said once: a deadline whose only difference
    (「期限不同：部门方案2028年，来源2027年…」) a target of the same statement already says against the
    same source sentence (「年份不同：部门方案2028年，来源2027年…」) is not reported again."""
    def where(f: Finding) -> tuple | None:
        return (f.citation.doc_id, f.citation.start, f.citation.end) if f.citation else None

    years = {(where(f), part.split("：", 1)[1]) for f in findings for part in f.difference.split("；")
             if part.startswith("年份不同：")}
    return [f for f in findings if not (f.difference.startswith("期限不同：") and "；" not in f.difference
                                        and (where(f), f.difference.split("：", 1)[1]) in years)]


def body_key(body: str) -> str:
    body = re.sub(r"^(?:吉林)?市", "", body.strip())
    for old, new in _BODY_ALIASES:
        body = body.replace(old, new)
    return re.sub(r"(?:局|委|办|厅|部|中心)$", "", body)


def _partners(src: Fact) -> list[str]:
    text = dict(src.extra).get("partners", "")
    m = re.search(patterns()["responsibility"]["partners"], src.quote)
    text = text or (m.group("partners") if m else "")
    return [p for p in re.split(r"[、，和及与]|等有关部门|等部门", text) if p]


def _judge_responsibility(kb: KnowledgeBase, claim: Claim, sources: frozenset[str]) -> Finding:
    pool = [s for s in kb.index.facts if s.kind == "responsibility" and s.doc_id in sources]
    scored = sorted(((_jaccard(claim.duty or claim.statement, s.scope or s.quote, kb.index.tokenizer), s) for s in pool), key=lambda x: -x[0])
    scored = [x for x in scored if x[0] >= kb.settings.checking.duty_match_min]
    if not scored:
        return Finding(claim.statement, "not_found", claim.duty, None, f"{claim.lead}牵头", "",
                       "来源文件中没有这项工作的责任分工")
    src = scored[0][1]
    lead, partners = body_key(claim.lead), [body_key(p) for p in _partners(src)]
    src_lead = body_key(src.subject)
    source_value = f"{src.subject}牵头" + (f"，会同{'、'.join(_partners(src))}" if partners else "")
    if lead and (lead in src_lead or src_lead in lead):
        verdict, diff = "consistent", ""
    else:
        role = "（来源中为会同单位）" if any(lead in p or p in lead for p in partners if p) else ""
        verdict, diff = "conflict", f"牵头单位不同：部门方案由{claim.lead}牵头{role}，来源由{src.subject}牵头"
    return Finding(claim.statement, verdict, claim.duty or "责任分工", None, f"{claim.lead}牵头", source_value, diff,
                   _cite(kb, src))
