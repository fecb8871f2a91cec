"""Topic matching for targets and briefs: by chapter/section title or by keyword with synonyms."""

from __future__ import annotations

from kb.normalize import normalize_query
from kb.types import Fact

# Topic words users type → words that stand in the plan's headings and sentences.
TOPIC_SYNONYMS: dict[str, tuple[str, ...]] = {
    "大气": ("蓝天", "空气", "细颗粒物", "大气", "臭氧", "污染天数", "锅炉", "秸秆"),
    "空气": ("蓝天", "空气", "细颗粒物", "大气", "污染天数"),
    "大气污染防治": ("蓝天", "空气", "细颗粒物", "大气", "污染天数", "锅炉", "秸秆"),
    "水": ("碧水", "水环境", "水体", "断面", "河湖", "污水", "饮用水", "水生态"),
    "水污染": ("碧水", "水环境", "水体", "断面", "污水", "黑臭"),
    "土壤": ("净土", "土壤", "耕地", "黑土", "地下水", "农用地"),
    "黑土地": ("黑土",),
    "碳": ("碳达峰", "碳中和", "碳排放", "双碳", "碳汇", "非化石能源"),
    "双碳": ("碳达峰", "碳中和", "碳排放", "双碳", "碳汇"),
    "交通": ("交通", "公交", "出租车", "新能源汽车", "充电", "出行"),
    "新能源汽车": ("新能源公交", "新能源出租", "新能源汽车", "充电桩"),
    "建筑": ("建筑",),
    "森林": ("森林", "林木", "绿地", "林荫", "造林"),
    "绿化": ("森林", "绿地", "林荫", "绿化"),
    "生态": ("生态",),
    "乡村": ("乡村", "农村"),
    "农村": ("乡村", "农村"),
    "城市": ("城市",),
    "固废": ("无废", "固体废物", "垃圾", "废弃物"),
    "无废城市": ("无废", "固体废物", "垃圾", "废弃物"),
    "垃圾": ("垃圾", "无废", "废弃物"),
    "湿地": ("湿地",),
    "生物多样性": ("生物多样性", "物种", "野生动植物"),
    "能源": ("能源", "能耗", "煤", "风电", "光伏", "清洁能源"),
}


def topic_terms(topic: str) -> tuple[str, ...]:
    topic = normalize_query(topic)
    terms = [topic]
    # The most specific key only: 无废城市 must not also pull in everything under 城市.
    keys = [k for k in TOPIC_SYNONYMS if k == topic or k in topic]
    if keys:
        terms.extend(TOPIC_SYNONYMS[max(keys, key=len)])
    for suffix in ("保卫战", "防治", "治理", "建设", "保护", "工作", "领域"):
        if topic.endswith(suffix) and len(topic) > len(suffix) + 1:
            terms.append(topic[: -len(suffix)])
    return tuple(dict.fromkeys(t for t in terms if t))


def match_topic(topic: str, fact: Fact) -> bool:
    terms = topic_terms(topic)
    haystack = " ".join((fact.indicator, fact.quote, fact.subject, fact.scope, " ".join(fact.path)))
    return any(t in haystack for t in terms)
