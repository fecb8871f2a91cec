"""Canonical indicators of the plan and the colloquial words people use for them.

`INDICATOR_SYNONYMS` maps the plan's own term (the canonical indicator) to other ways of saying it;
`canonical_indicator` maps any phrase (a question, a fact's indicator, a line of a department plan)
to the canonical term whose name or synonym it contains, preferring the longest match.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

INDICATOR_SYNONYMS: dict[str, tuple[str, ...]] = {
    # air
    "空气优良天数比例": ("空气好的天数", "优良天数", "好天气", "空气质量优良天数", "优良天数比率", "蓝天天数",
                 "AQI优良"),
    "细颗粒物": ("PM2.5", "pm2.5", "PM2.5浓度", "细颗粒物浓度", "细颗粒物平均浓度", "PM25", "雾霾浓度"),
    "重度及以上污染天数比率": ("重污染天数", "重度污染天数", "重污染天气", "重度及以上污染天数"),
    "臭氧": ("O3", "臭氧浓度"),
    "油烟净化设备安装率": ("油烟净化", "餐饮油烟", "油烟净化设备"),
    # water
    "优良水体比例": ("地表水优良水体比例", "国考断面优良水体", "水质优良比例", "Ⅰ—Ⅲ类水体比例", "地表水水质优良",
               "好水比例"),
    "劣五类水体": ("劣Ⅴ类水体", "劣V类水体", "劣五类", "劣Ⅴ类"),
    "黑臭水体": ("臭水沟", "黑臭水"),
    "美丽河湖建成率": ("美丽河湖",),
    "生态基流保障率": ("生态基流", "生态流量保障", "生态流量"),
    "水土保持率": ("水土保持", "水土流失治理"),
    "地下水国控点位Ⅰ—Ⅳ类水比例": ("地下水质量", "地下水水质", "地下水国控点位", "地下水Ⅰ—Ⅳ类", "地下水达标"),
    "饮用水水源地": ("水源地", "饮用水源", "饮用水水源"),
    "规模化供水工程覆盖人口占比": ("规模化供水", "集中供水覆盖", "自来水覆盖", "供水覆盖率", "自来水普及", "集中供水", "千人以上供水", "规模化供水工程"),
    # soil, farmland, black soil
    "受污染耕地安全利用率": ("污染耕地安全利用", "受污染耕地利用率", "污染耕地利用"),
    "典型黑土区保护面积": ("黑土区保护面积", "黑土地保护面积", "黑土保护面积"),
    "土壤有机质含量": ("土壤有机质", "有机质含量", "有机质"),
    "耕地保有量": ("种地的面积底线", "耕地面积", "耕地红线", "耕地数量", "耕地底线"),
    "永久基本农田保护面积": ("永久基本农田", "基本农田面积", "基本农田"),
    "保护性耕作面积": ("保护性耕作", "免耕面积", "免耕"),
    "保护性耕作面积占旱田播种面积比例": ("占旱田播种面积比例", "旱田播种面积比例", "保护性耕作占比"),
    # ecology, forests, wetlands
    "生态保护红线面积": ("红线面积", "生态红线", "生态保护红线"),
    "森林覆盖率": ("森林覆盖", "森林覆被率", "森林面积比例"),
    "林木覆盖率": ("林木覆盖",),
    "森林蓄积量": ("森林蓄积", "林木蓄积量", "林木蓄积", "木材蓄积"),
    "城区绿化覆盖率": ("绿化覆盖率", "城市绿化覆盖率", "建成区绿化覆盖率", "绿化率", "绿化覆盖"),
    "人均公园绿地面积": ("人均绿地", "人均公园绿地", "公园绿地面积", "人均公园面积", "每人公园绿地", "每个人的公园绿地"),
    "城市林荫道路率": ("林荫道路率", "林荫路", "林荫道", "遮阴", "树荫", "林荫"),
    "重要湿地": ("新建重要湿地", "省级重要湿地", "湿地数量"),
    # energy, transport, buildings, mines
    "非化石能源消费比重": ("非化石能源占比", "非化石能源比重", "非化石能源消费占比", "清洁能源占比",
                  "非化石能源"),
    "碳达峰": ("碳排放达峰", "碳峰值", "达峰"),
    "铁路货运周转量比例": ("铁路货运比例", "铁路货运占比", "铁路货运周转量", "公转铁", "铁路运货比例", "火车运货", "靠火车运", "火车运输", "铁路运输比例", "铁路运输占比"),
    "公共交通机动化出行分担率": ("公交分担率", "公交出行比例", "公共交通分担率", "公交出行分担率",
                     "坐公交的比例", "公共交通出行比例", "坐公交", "公共交通的比例", "公交的比例", "公共交通出行"),
    "新能源公交车": ("电动公交", "电动公交车", "新能源公交", "新能源公交车占比", "纯电动公交"),
    "新能源出租车": ("电动出租车", "电动出租", "新能源出租", "新能源出租车占比", "电动的士"),
    "半小时可达率": ("综合客运枢纽可达率", "客运枢纽半小时", "半小时到达", "半小时可达"),
    "绿色建筑": ("绿色建筑标准", "绿建", "新建民用建筑"),
    "绿色矿山": ("绿色矿山标准", "绿色矿山比例", "矿山达标"),
    # rural, waste, economy
    "新三通": ("农村公路新三通", "通硬化路", "通客车", "通邮路", "农村公路通达"),
    "农村生活垃圾收集率": ("农村垃圾收集率", "垃圾收集率", "农村生活垃圾收集", "农村垃圾收集"),
    "无害化处理率": ("垃圾无害化处理", "无害化处理", "无害化率"),
    "畜禽粪污综合利用率": ("粪污利用率", "畜禽粪污利用", "粪污综合利用", "畜禽粪污"),
    "农村生活污水": ("农村污水", "生活污水治理率"),
    "无废城市": ("无废", "固体废物管理"),
    "肉牛饲养量": ("肉牛", "养牛", "肉牛存栏", "肉牛数量"),
    "林下经济产值": ("林下经济",),
    "中药材种植产值": ("中药材", "药材种植"),
}


def _norm(text: str) -> str:
    """Full-width → half-width, lower case, no spaces (applied to both sides of a comparison)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


@lru_cache(maxsize=1)
def _terms() -> tuple[tuple[str, str], ...]:
    """(normalized term, canonical) for every canonical name and synonym, longest first."""
    pairs = {(_norm(c), c) for c in INDICATOR_SYNONYMS}
    pairs |= {(_norm(s), c) for c, syns in INDICATOR_SYNONYMS.items() for s in syns if s}
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))


def canonical_indicator(text: str) -> str | None:
    """The canonical plan indicator a phrase names, or None. The longest matching term wins."""
    if not text:
        return None
    t = _norm(text)
    for term, canonical in _terms():
        if term and term in t:
            return canonical
    return None
