"""对标: the city's targets against the targets of higher levels, indicator by indicator.

For every indicator that the city plan and at least one national or provincial document state,
a row lists each document's targets (value, comparator, year, scope, base year, verbatim quote)
and a verdict of the city against the higher level: ``stricter`` / ``looser`` / ``same`` when a
city target and a higher target can be compared (same unit, both absolute or both relative to the
same base year, the same year, a scope that covers the city), else ``not_comparable`` with the
reason (a relative target against an absolute one, another region's scope, another year).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from kb.errors import BadInput
from kb.indicators import canonical_indicator
from kb.types import Citation, Document, Fact

CITY_LEVELS = ("municipal",)
HIGHER_LEVELS = ("national", "provincial")
LEVEL_NAMES = {"national": "国家", "provincial": "省", "municipal": "市", "department": "部门", "unknown": "未知"}
# Scopes of a higher-level target that cover any city not named in it: the whole country, all
# cities of a class, the cities outside the key regions.
COVERS_CITY = ("", "全国", "全国地级及以上城市", "地级及以上城市", "地级及以上城市建成区", "其他地区", "其他城市")
RELATIVE = ("+", "−")
# For a level comparator, which way is stricter: an upper bound is stricter when lower.
_LOWER_IS_STRICTER = ("≤",)


@dataclass(frozen=True)
class Entry:
    doc_id: str
    level: str
    year: int | None
    value: str
    unit: str
    comparator: str
    scope: str
    base: str
    indicator: str
    citation: Citation


@dataclass(frozen=True)
class Row:
    indicator: str
    entries: tuple[Entry, ...]
    verdict: str  # stricter | looser | same | not_comparable
    reason: str


def indicator_key(indicator: str) -> str:
    """Indicators of different documents meet under their canonical name (PM2.5浓度 = 细颗粒物浓度)."""
    return canonical_indicator(indicator) or indicator.removesuffix("浓度")


def entry_of(fact: Fact, doc: Document) -> Entry:
    extra = dict(fact.extra)
    cite = Citation(0, doc.doc_id, doc.meta.title, fact.section, fact.quote, fact.start, fact.end)
    return Entry(doc.doc_id, doc.meta.level, fact.year, fact.value, fact.unit, fact.comparator, fact.scope,
                 extra.get("base", ""), fact.indicator, cite)


def compare_facts(facts: list[Fact], docs: dict[str, Document], indicator: str = "") -> list[Row]:
    """One row per indicator stated by the city and by a higher level (``indicator`` filters)."""
    groups: dict[str, list[Entry]] = {}
    for f in facts:
        doc = docs.get(f.doc_id)
        if f.kind != "target" or doc is None or not f.value:
            continue
        groups.setdefault(indicator_key(f.indicator), []).append(entry_of(f, doc))
    want = indicator_key(indicator.strip()) if indicator.strip() else ""
    rows = []
    for key, entries in groups.items():
        if want and want not in key and not any(indicator.strip() in e.indicator for e in entries):
            continue
        city = [e for e in entries if e.level in CITY_LEVELS]
        higher = [e for e in entries if e.level in HIGHER_LEVELS]
        if not city or not higher:
            continue
        verdict, reason = row_verdict(city, higher)
        ordered = sorted(entries, key=lambda e: (e.level in CITY_LEVELS, e.doc_id, e.year or 0, e.citation.start))
        rows.append(Row(key, tuple(ordered), verdict, reason))
    return sorted(rows, key=lambda r: r.indicator)


def compare(kb, indicator: str = "") -> list[Row]:
    """对标 over a loaded knowledge base; an indicator no document pairs is bad input."""
    docs = {d.doc_id: d for d in kb.documents()}
    rows = compare_facts(kb.targets(), docs, indicator)
    if indicator.strip() and not rows:
        raise BadInput(f"没有可对标的指标：{indicator.strip()}",
                       "换一个指标名称（如 细颗粒物、非化石能源消费比重），或不指定指标查看全部可对标指标")
    return rows


def row_verdict(city: list[Entry], higher: list[Entry]) -> tuple[str, str]:
    """Each higher target meets the city target nearest to its year; the first comparable pair
    decides, otherwise the reason of each higher target, once."""
    reasons: list[str] = []
    for h in higher:
        near = sorted(city, key=lambda c: (abs((c.year or 0) - (h.year or 0)), c.citation.start))
        results = [pair_verdict(c, h) for c in near]
        hit = next(((v, r) for v, r in results if v != "not_comparable"), None)
        if hit:
            return hit
        if results[0][1] not in reasons:
            reasons.append(results[0][1])
    return "not_comparable", "；".join(reasons)


def pair_verdict(city: Entry, higher: Entry) -> tuple[str, str]:
    """City target against one higher-level target."""
    who = f"{LEVEL_NAMES.get(higher.level, higher.level)}《{higher.citation.title}》"
    if higher.scope not in COVERS_CITY:
        return "not_comparable", f"{who}的{_show(higher)}只适用于{higher.scope}，不适用于本市"
    if (city.comparator in RELATIVE) != (higher.comparator in RELATIVE):
        rel, ab = (city, higher) if city.comparator in RELATIVE else (higher, city)
        return "not_comparable", (f"相对目标（{_show(rel)}）与绝对目标（{_show(ab)}）不能直接比较"
                                  f"（{who}与市级规划各一）")
    if city.unit != higher.unit:
        return "not_comparable", f"单位不同：市级规划为{city.unit}，{who}为{higher.unit}"
    if city.comparator in RELATIVE and city.base != higher.base:
        return "not_comparable", f"基准年不同：市级规划比{city.base or '未说明'}，{who}比{higher.base or '未说明'}"
    if city.year != higher.year:
        return "not_comparable", (f"年份不同：市级规划为{city.year or '未说明'}年的{_show(city)}，"
                                  f"{who}为{higher.year or '未说明'}年的{_show(higher)}")
    a, b = float(city.value), float(higher.value)
    if a == b:
        return "same", f"与{who}的{higher.year}年目标相同（{_show(higher)}）"
    stricter = (a < b) if higher.comparator in _LOWER_IS_STRICTER else (a > b)  # 「下降更多」「达到更高」更严
    word = "严于" if stricter else "宽于"
    return ("stricter" if stricter else "looser"), f"市级规划{_show(city)}{word}{who}的{_show(higher)}（{higher.year}年）"


def _show(e: Entry) -> str:
    if e.comparator in RELATIVE:
        verb = "下降" if e.comparator == "−" else "提高"
        return f"比{e.base or '基准年'}{verb}{e.value}{e.unit}"
    sign = {"≤": "不高于", "≥": "不低于", "=": "达到", "左右": "左右"}.get(e.comparator, e.comparator)
    return f"{e.value}{e.unit}左右" if e.comparator == "左右" else f"{sign}{e.value}{e.unit}"


def rows_json(rows: list[Row]) -> dict:
    out = []
    for r in rows:
        entries = []
        for e in r.entries:
            entries.append({"doc_id": e.doc_id, "level": e.level, "year": e.year, "value": e.value, "unit": e.unit,
                            "comparator": e.comparator, "scope": e.scope, "base": e.base, "indicator": e.indicator,
                            "citation": {k: v for k, v in asdict(e.citation).items() if k != "n"}})
        out.append({"indicator": r.indicator, "entries": entries, "verdict": r.verdict, "reason": r.reason})
    return {"rows": out}
