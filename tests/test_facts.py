"""Fact extraction on the real plan: recall against a hand-made list of every quantitative target,
precision traps, table-driven cases for each kind, and verbatim-quote invariants."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.facts import extract_document, extract_sentence, year_markers
from kb.indicators import INDICATOR_SYNONYMS, canonical_indicator

PLAN = "jilin_meili_jiangcheng_plan_2024_2035"

# Every quantitative target of the plan, found by reading the whole text (not with the extractor):
# (substring of the sentence, substring of the indicator, comparator, value, unit, year).
# Year None: the paragraph gives no year and the text is not under a phase.
EXPECTED = [
    # 一、建设目标 — 第一阶段（2024—2027年）
    ("空气优良天数比例达到90%以上", "空气优良天数比例", "≥", "90", "%", 2027),
    ("细颗粒物浓度控制在30微克/立方米以下", "细颗粒物浓度", "≤", "30", "微克/立方米", 2027),
    ("重度及以上污染天数比率控制在1.2%以内", "重度及以上污染天数比率", "≤", "1.2", "%", 2027),
    ("优良水体比例保持在94.7%，", "优良水体比例", "=", "94.7", "%", 2027),
    ("受污染耕地安全利用率保持在95%以上；", "受污染耕地安全利用率", "≥", "95", "%", 2027),
    ("典型黑土区保护面积达到437万亩", "黑土区保护面积", "=", "437", "万亩", 2027),
    ("土壤有机质含量平均提高1克/千克", "土壤有机质含量", "+", "1", "克/千克", 2027),
    ("森林覆盖率达到53%", "森林覆盖率", "=", "53", "%", 2027),
    # 二（一）完善国土空间布局 / 优化国土空间体系
    ("全市耕地保有量不低于1354.66万亩", "耕地保有量", "≥", "1354.66", "万亩", 2035),
    ("永久基本农田保护面积不低于928.69万亩", "永久基本农田保护面积", "≥", "928.69", "万亩", 2035),
    ("红线面积不低于7076.41平方千米", "红线面积", "≥", "7076.41", "平方千米", 2035),
    # 二（三）推动能源绿色低碳转型
    ("非化石能源消费比重达到17%左右", "非化石能源消费比重", "左右", "17", "%", 2027),
    # 二（四）交通运输
    ("铁路货运周转量比例达到50%", "铁路货运周转量比例", "=", "50", "%", 2027),
    ("出行分担率达到46%以上", "公共交通机动化出行分担率", "≥", "46", "%", 2027),
    ("铁路货运周转量比例达到60%", "铁路货运周转量比例", "=", "60", "%", 2035),
    ("出行分担率达到50%", "公共交通机动化出行分担率", "=", "50", "%", 2035),
    ("新能源公交车占比达到72%", "新能源公交车", "=", "72", "%", 2027),
    ("新能源出租车占比达到35%", "新能源出租车", "=", "35", "%", 2027),
    ("半小时可达率达到90%", "半小时可达率", "=", "90", "%", 2027),
    ("出租车占比均达到90%以上", "新能源公交车", "≥", "90", "%", 2035),
    ("出租车占比均达到90%以上", "新能源出租车", "≥", "90", "%", 2035),
    ("半小时可达率达到100%", "半小时可达率", "=", "100", "%", 2035),
    # 二（五）绿色矿山
    ("90%大型矿山", "大型矿山", "=", "90", "%", 2028),
    ("80%中型矿山", "中型矿山", "=", "80", "%", 2028),
    # 三（三）乡村补齐短板
    ("人口占比达到70%以上", "人口占比", "≥", "70", "%", 2027),
    ("通邮路）比例达到95%", "新三通", "=", "95", "%", 2027),
    ("“新三通”比例达到100%", "新三通", "=", "100", "%", 2035),
    # 三（四）森林城市
    ("全市林木覆盖率达到53%", "林木覆盖率", "=", "53", "%", 2027),
    ("森林蓄积量达到1.87亿立方米", "森林蓄积量", "=", "1.87", "亿立方米", 2027),
    ("城区绿化覆盖率达到40%", "绿化覆盖率", "=", "40", "%", 2027),
    ("人均公园绿地面积达到14.2平方米", "人均公园绿地面积", "=", "14.2", "平方米", 2027),
    ("城市林荫道路率达到70%", "林荫道路率", "=", "70", "%", 2027),
    # 四（一）蓝天
    ("细颗粒物浓度下降到30微克/立方米以下", "细颗粒物浓度", "≤", "30", "微克/立方米", 2027),
    ("细颗粒物浓度下降到28微克/立方米以下", "细颗粒物浓度", "≤", "28", "微克/立方米", 2035),
    ("油烟净化设备安装率达到100%", "油烟净化设备安装率", "=", "100", "%", None),
    # 四（二）碧水
    ("优良水体比例保持在94.7%左右", "优良水体比例", "左右", "94.7", "%", 2027),
    ("美丽河湖建成率达到40%左右", "美丽河湖建成率", "左右", "40", "%", 2027),
    ("生态基流保障率不低于90%", "生态基流保障率", "≥", "90", "%", None),
    ("水土保持率达到81.7%", "水土保持率", "=", "81.7", "%", 2035),
    # 四（三）净土
    ("保护性耕作面积力争达到70万亩", "保护性耕作面积", "=", "70", "万亩", 2027),
    ("占旱田播种面积10%左右", "旱田播种面积", "左右", "10", "%", 2027),
    ("到2027年，受污染耕地安全利用率保持在95%以上", "受污染耕地安全利用率", "≥", "95", "%", 2027),
    ("类水比例达到80%以上", "类水比例", "≥", "80", "%", 2035),
    # 六（四）湿地
    ("新建重要湿地2处以上", "重要湿地", "≥", "2", "处", 2027),
    # 七（三）美丽乡村
    ("农村生活垃圾收集率、无害化处理率达到100%", "收集率", "=", "100", "%", 2035),
    ("农村生活垃圾收集率、无害化处理率达到100%", "无害化处理率", "=", "100", "%", 2035),
    ("畜禽粪污综合利用率达到85%以上", "畜禽粪污综合利用率", "≥", "85", "%", 2035),
    # 八（一）农特产品
    ("肉牛饲养量发展到150万头", "肉牛饲养量", "=", "150", "万头", 2027),
    ("林下经济产值达到85亿元以上", "林下经济产值", "≥", "85", "亿元", 2027),
    ("中药材种植产值达到8亿元以上", "中药材种植产值", "≥", "8", "亿元", 2027),
]


@pytest.fixture(scope="module")
def plan(corpus_docs):
    return corpus_docs[PLAN]


@pytest.fixture(scope="module")
def plan_facts(plan):
    return extract_document(plan)


def _targets(facts):
    return [f for f in facts if f.kind == "target"]


def _match(plan, targets, row):
    sub, ind, cmp, value, unit, year = row
    pos = plan.text.find(sub)
    if pos < 0:
        return None
    for f in targets:
        overlaps = f.start < pos + len(sub) and pos < f.end
        same_ind = ind in f.indicator or (f.indicator and f.indicator in ind)
        if overlaps and same_ind and (f.comparator, f.value, f.unit, f.year) == (cmp, value, unit, year):
            return f
    return None


def test_expected_rows_are_in_the_plan(plan):
    missing = [row[0] for row in EXPECTED if row[0] not in plan.text]
    assert not missing, missing


def test_target_recall_and_precision(plan, plan_facts):
    targets = _targets(plan_facts)
    matched, misses = set(), []
    for row in EXPECTED:
        f = _match(plan, targets, row)
        if f is None:
            near = [(t.indicator, t.comparator, t.value, t.unit, t.year) for t in targets
                    if row[0] in plan.text and t.start <= plan.text.find(row[0]) < t.end]
            misses.append((row, near))
        else:
            matched.add(id(f))
    recall = 1 - len(misses) / len(EXPECTED)
    extra = [(t.indicator, t.value, t.unit, t.quote) for t in targets if id(t) not in matched]
    precision = 1 - len(extra) / max(1, len(targets))
    print(f"\nexpected {len(EXPECTED)}, extracted {len(targets)}, recall {recall:.3f}, precision {precision:.3f}")
    for m in misses:
        print("MISS", m)
    for e in extra:
        print("EXTRA", e)
    assert recall >= 0.95
    assert precision >= 0.9


def test_every_quote_is_a_verbatim_slice(corpus_docs):
    for doc in corpus_docs.values():
        for f in extract_document(doc):
            assert doc.text[f.start:f.end] == f.quote, f
            assert f.doc_id == doc.doc_id and f.kind in ("target", "deadline", "responsibility", "project")


# --------------------------------------------------------------------------------- precision traps
@pytest.mark.parametrize("needle, value", [
    ("2×350MW", "350"), ("2×350MW", "2"),
    ("65蒸吨/小时以上燃煤锅炉", "65"),  # a scope of boilers, not a target
    ("65蒸吨以上燃煤锅炉超低排放改造", "65"),  # 专栏4
    ("桦甸木箕河3个站点", "3"),  # a count of named sites
    ("生态治理区9个重点区域", "9"),
    ("18万株乔木栽植工程", "18"),
    ("实现24小时供水", "24"),
    ("吉林化纤40万吨全产业链项目", "40"),
    ("一期（15万吨）项目", "15"),
    ("（中发〔2023〕30号）", "30"),
    ("利用5G", "5"),
])
def test_traps_are_not_targets(plan, plan_facts, needle, value):
    pos = plan.text.find(needle)
    assert pos >= 0, needle
    hit = [f for f in _targets(plan_facts) if f.start <= pos < f.end and f.value == value]
    assert not hit, hit


def test_no_target_in_columns_and_no_year_values(plan_facts):
    targets = _targets(plan_facts)
    assert not [f for f in targets if any(p.startswith("专栏") for p in f.path)]
    assert not [f for f in targets if f.value.isdigit() and 1990 <= int(f.value) <= 2100]


# ------------------------------------------------------------------------------ table-driven: targets
PHASE1 = ("一、建设目标", "第一阶段（2024—2027年）")
TRAFFIC = ("二、低碳发展、绿色转型，打造高水平保护与高质量发展相得益彰的样板家园",
           "（四）推进交通运输和城乡建设领域绿色低碳发展", "全力推广新能源汽车")

TARGET_CASES = [
    ("到2027年，新能源公交车占比达到72%，新能源出租车占比达到35%，中心城区至综合客运枢纽半小时可达率达到90%；",
     TRAFFIC, None,
     [("新能源公交车占比", "=", "72", "%", 2027), ("新能源出租车占比", "=", "35", "%", 2027),
      ("中心城区至综合客运枢纽半小时可达率", "=", "90", "%", 2027)]),
    ("到2035年，新能源公交车、新能源出租车占比均达到90%以上，中心城区至综合客运枢纽半小时可达率达到100%。",
     TRAFFIC, None,
     [("新能源公交车占比", "≥", "90", "%", 2035), ("新能源出租车占比", "≥", "90", "%", 2035),
      ("中心城区至综合客运枢纽半小时可达率", "=", "100", "%", 2035)]),
    (("补齐短板、提质增效，生态环境质量持续改善，空气质量平稳提升，空气优良天数比例达到90%以上，城市主要污染物细颗粒物"
     "浓度控制在30微克/立方米以下，重度及以上污染天数比率控制在1.2%以内。"), PHASE1, None,
     [("空气优良天数比例", "≥", "90", "%", 2027), ("细颗粒物浓度", "≤", "30", "微克/立方米", 2027),
      ("重度及以上污染天数比率", "≤", "1.2", "%", 2027)]),
    ("黑土地保护成效显著，典型黑土区保护面积达到437万亩，黑土地保护工程项目区土壤有机质含量平均提高1克/千克。",
     PHASE1, None,
     [("典型黑土区保护面积", "=", "437", "万亩", 2027), ("土壤有机质含量", "+", "1", "克/千克", 2027)]),
    ("严格守护生态保护红线，红线面积不低于7076.41平方千米，确保生态功能不降低、性质不改变。", (), 2035,
     [("红线面积", "≥", "7076.41", "平方千米", 2035)]),
    ("到2027年，地表水国考断面优良水体比例保持在94.7%左右，美丽河湖建成率达到40%左右；", (), None,
     [("地表水国考断面优良水体比例", "左右", "94.7", "%", 2027), ("美丽河湖建成率", "左右", "40", "%", 2027)]),
    ("到2027年，保护性耕作面积力争达到70万亩，占旱田播种面积10%左右，农田灌溉水利用系数达到省要求。", (), None,
     [("保护性耕作面积", "=", "70", "万亩", 2027), ("保护性耕作面积占旱田播种面积比例", "左右", "10", "%", 2027)]),
    ("到2027年，按要求发布一般湿地名录，新建重要湿地2处以上。", (), None, [("新建重要湿地", "≥", "2", "处", 2027)]),
    (("加快矿业绿色低碳转型发展，全面推进绿色矿山建设，到2028年年底，持证在产的90%大型矿山、80%中型矿山达到绿色矿山"
     "标准要求，小型矿山参照绿色矿山标准加强管理。"), (), None,
     [("大型矿山达到绿色矿山标准要求的比例", "=", "90", "%", 2028),
      ("中型矿山达到绿色矿山标准要求的比例", "=", "80", "%", 2028)]),
    ("到2027年，细颗粒物浓度下降到30微克/立方米以下；", (), None, [("细颗粒物浓度", "≤", "30", "微克/立方米", 2027)]),
    ("持续深化开展餐饮服务业油烟污染治理，大、中型餐饮服务业油烟净化设备安装率达到100%。", (), None,
     [("大、中型餐饮服务业油烟净化设备安装率", "=", "100", "%", None)]),
]


@pytest.mark.parametrize("text, path, context_year, expected", TARGET_CASES)
def test_targets_in_real_sentences(text, path, context_year, expected):
    facts = [f for f in extract_sentence(PLAN, text, 100, path, context_year) if f.kind == "target"]
    got = [(f.indicator, f.comparator, f.value, f.unit, f.year) for f in facts]
    assert got == expected
    for f in facts:
        assert text[f.start - 100:f.end - 100] == f.quote


def test_target_quote_scope_extra():
    text = "到2035年，全市耕地保有量不低于1354.66万亩，永久基本农田保护面积不低于928.69万亩，确保耕地和永久基本农田面积不减少。"
    first, second = [f for f in extract_sentence(PLAN, text, 0, ()) if f.kind == "target"]
    assert first.quote == "到2035年，全市耕地保有量不低于1354.66万亩" and first.scope == "全市"
    assert second.quote == "永久基本农田保护面积不低于928.69万亩"
    force = extract_sentence(PLAN, "到2027年，保护性耕作面积力争达到70万亩，占旱田播种面积10%左右。", 0, ())
    assert ("force", "力争") in force[0].extra


# ---------------------------------------------------------------------------- deadlines and years
@pytest.mark.parametrize("text, path, expected", [
    ("到2027年，城镇新建民用建筑全面执行绿色建筑标准。", (), [("城镇新建民用建筑全面执行绿色建筑标准", 2027)]),
    ("强化执法监管能力标准化建设，加强移动源监管能力建设，到2027年，基本配齐全部执法装备设备。", (),
     [("基本配齐全部执法装备设备", 2027)]),
    ("提质加速、跨越发展，美丽江城建设走在全省前列。", ("一、建设目标", "第二阶段（2028—2030年）"),
     [("提质加速、跨越发展，美丽江城建设走在全省前列", 2030)]),
    ("到2027年，细颗粒物浓度下降到30微克/立方米以下；", (), []),  # the target covers it
    (("加快矿业绿色低碳转型发展，到2028年年底，持证在产的90%大型矿山达到绿色矿山标准要求，小型矿山参照绿色矿山标准加强"
     "管理。"), (), [("小型矿山参照绿色矿山标准加强管理", 2028)]),
    ("2024年12月3日", (), []),
    ("大力实施《吉林市国家森林城市建设总体规划（2021—2030年）》，深化大规模国土绿化行动。", (), []),
    ("第二阶段（2028—2030年）。", ("一、建设目标", "第二阶段（2028—2030年）"), []),
])
def test_deadlines(text, path, expected):
    facts = [f for f in extract_sentence(PLAN, text, 0, path) if f.kind == "deadline"]
    assert [(f.subject, f.year) for f in facts] == expected
    for f in facts:
        assert text[f.start:f.end] == f.quote


def test_deadline_quote_keeps_the_contiguous_marker():
    (f,) = extract_sentence(PLAN, "到2035年，气候适应型社会基本建成。", 7, ())
    assert f.quote == "到2035年，气候适应型社会基本建成" and f.start == 7


@pytest.mark.parametrize("text, years", [
    ("到2027年，A；到2035年，B。", [2027, 2035]),
    ("到2028年年底，持证在产", [2028]),
    ("2025年年底前完成", [2025]),
    ("美丽江城建设规划（2024—2035年）", []),
    ("2024年12月3日", []),
    ("比2020年下降18%", []),
])
def test_year_markers(text, years):
    assert [y for _, _, y in year_markers(text)] == years


# --------------------------------------------------------------------------------- responsibilities
@pytest.mark.parametrize("text, subject, duty, partners", [
    ("市生态环境局会同市发改、住建等有关部门制定年度行动方案，推动任务项目化、清单化、责任化。", "市生态环境局",
     "制定年度行动方案", "市发改、住建等有关部门"),
    ("各地各部门要把美丽江城建设作为事关全局的重大任务来抓，落实“党政同责、一岗双责”，及时研究解决重大问题。",
     "各地各部门", "把美丽江城建设作为事关全局的重大任务来抓", None),
    ("市直有关部门要加强工作衔接，统筹安排政策、资金等扶持，支持美丽江城建设。", "市直有关部门", "加强工作衔接", None),
    ("各县（市）区原则上不制定配套文件。", "各县（市）区", "原则上不制定配套文件", None),
    # constructed (the plan has no 「由…牵头」 sentence): the pattern other plans use
    ("由市生态环境局牵头，市发改委配合，编制年度温室气体排放清单。", "市生态环境局", "编制年度温室气体排放清单",
     "市发改委"),
])
def test_responsibilities(text, subject, duty, partners):
    (f,) = [f for f in extract_sentence(PLAN, text, 0, ("十、组织实施",)) if f.kind == "responsibility"]
    assert f.subject == subject and duty in f.scope and f.quote == text.rstrip("。")
    assert dict(f.extra).get("partners") == partners


@pytest.mark.parametrize("text", [
    "明确相关部门噪声污染防治监督管理职责。",
    "配合省建立并完善自然保护地体系，用好第三次全国国土调查成果。",
    "现将《美丽江城建设规划（2024—2035年）》印发给你们，请结合实际认真贯彻落实。",
])
def test_not_responsibilities(text):
    assert not [f for f in extract_sentence(PLAN, text, 0, ()) if f.kind == "responsibility"]


# ------------------------------------------------------------------------------------------ projects
COL2 = ("二、低碳发展、绿色转型，打造高水平保护与高质量发展相得益彰的样板家园", "专栏2绿色低碳转型发展重大工程")
COL4 = ("四、天蓝水净、沃土绿野，打造自然生态优美的和美家园", "专栏4环境质量提升重大工程")


@pytest.mark.parametrize("text, path, heading, names", [
    (("重点实施吉化转型升级项目、吉林化纤40万吨全产业链项目、吉林奇峰化纤股份有限公司年产30万吨腈纶扩能改造一期（15万吨）"
     "项目、吉林碳谷碳纤维股份公司年产3万吨高性能碳纤维原丝项目、吉林石化万吨级碳纤维项目等。"),
     COL2 + ("1.产业结构优化工程",), "产业结构优化工程",
     ["吉化转型升级项目", "吉林化纤40万吨全产业链项目", "吉林奇峰化纤股份有限公司年产30万吨腈纶扩能改造一期（15万吨）项目",
      "吉林碳谷碳纤维股份公司年产3万吨高性能碳纤维原丝项目", "吉林石化万吨级碳纤维项目"]),
    ("重点实施铁路西环线项目、公交车购置项目，重点场所充电桩、换电站、加氢站项目建设等。",
     COL2 + ("3.交通结构优化工程",), "交通结构优化工程",
     ["铁路西环线项目", "公交车购置项目", "重点场所充电桩、换电站、加氢站项目建设"]),
    (("重点实施65蒸吨以上燃煤锅炉超低排放改造、水泥行业超低排放改造、吉林建龙钢铁有限公司综合料场废气无组织治理项目、"
     "吉林万丰奥威汽轮有限公司二工厂RTO废气升级改造项目、北方地区清洁取暖项目、国能吉林热电厂“等容量替代”新建2×350MW"
     "热电联产项目等。"), COL4 + ("1.蓝天白云建设工程",), "蓝天白云建设工程",
     ["65蒸吨以上燃煤锅炉超低排放改造", "水泥行业超低排放改造", "吉林建龙钢铁有限公司综合料场废气无组织治理项目",
      "吉林万丰奥威汽轮有限公司二工厂RTO废气升级改造项目", "北方地区清洁取暖项目",
      "国能吉林热电厂“等容量替代”新建2×350MW热电联产项目"]),
    (("牢牢把握维护国家生态安全的职责使命，坚决守好生态环境安全底线，重点实施吉林化工园区安全发展能力提升工程、龙潭经开区"
     "应急安全发展能力提升工程、新污染物环境调查监测项目等。"), ("五、现代安全", "专栏5生态安全保障重大工程"),
     "生态安全保障重大工程",
     ["吉林化工园区安全发展能力提升工程", "龙潭经开区应急安全发展能力提升工程", "新污染物环境调查监测项目"]),
    (("推进高效节能新工艺、新技术、新产品、新设备和新材料应用，企业和工业园区节水技术改造及再生水回用，城镇节水和污水"
     "再生利用设施建设与改造等项目建设。"), COL2 + ("4.资源节约优化工程",), "资源节约优化工程",
     ["高效节能新工艺、新技术、新产品、新设备和新材料应用", "企业和工业园区节水技术改造及再生水回用",
      "城镇节水和污水再生利用设施建设与改造"]),
])
def test_projects(text, path, heading, names):
    facts = extract_sentence(PLAN, text, 3, path)
    projects = [f for f in facts if f.kind == "project"]
    assert [f.subject for f in projects] == names
    assert all(f.indicator == heading and f.quote == f.subject for f in projects)
    assert all(text[f.start - 3:f.end - 3] == f.quote for f in projects)
    assert not [f for f in facts if f.kind == "target"]


def test_plan_projects(plan_facts):
    subjects = {f.subject for f in plan_facts if f.kind == "project"}
    assert {"吉林石化万吨级碳纤维项目", "18万株乔木栽植工程", "北大湖滑雪度假区整体开发项目"} <= subjects
    assert len(subjects) >= 60


def test_plan_responsibility(plan_facts):
    resp = [f for f in plan_facts if f.kind == "responsibility"]
    lead = [f for f in resp if f.subject == "市生态环境局"]
    assert lead and ("partners", "市发改、住建等有关部门") in lead[0].extra
    assert lead[0].path[:1] == ("十、组织实施",)


# --------------------------------------------------------------------------------------- indicators
@pytest.mark.parametrize("phrase, canonical", [
    ("PM2.5浓度", "细颗粒物"), ("城市主要污染物细颗粒物浓度", "细颗粒物"), ("电动公交车", "新能源公交车"),
    ("空气好的天数", "空气优良天数比例"), ("种地的面积底线", "耕地保有量"), ("红线面积", "生态保护红线面积"),
    ("新能源出租车占比", "新能源出租车"), ("全市林木覆盖率", "林木覆盖率"), ("森林覆盖率", "森林覆盖率"),
    ("城区绿化覆盖率", "城区绿化覆盖率"), ("ＰＭ２．５", "细颗粒物"), ("农村公路“新三通”比例", "新三通"),
    ("中心城市公共交通机动化出行分担率", "公共交通机动化出行分担率"), ("今天天气如何", None), ("", None),
])
def test_canonical_indicator(phrase, canonical):
    assert canonical_indicator(phrase) == canonical


def test_synonym_table_covers_the_plan(plan_facts):
    assert len(INDICATOR_SYNONYMS) >= 30
    targets = _targets(plan_facts)
    unmapped = sorted({f.indicator for f in targets if canonical_indicator(f.indicator) is None})
    assert len(unmapped) <= len(targets) // 10, unmapped


# ---------------------------------------------------------------------------------------- properties
_PIECES = ["到2027年", "2035年", "，", "；", "。", "、", "达到", "控制在", "以上", "以下", "左右", "力争", "提高", "下降到",
           "占", "%", "万亩", "微克/立方米", "处", "1.2", "30", "（", "）", "《", "》", "“", "”", "专栏", "重点实施", "项目",
           "等", "会同", "有关部门", "市生态环境局", "各地各部门要", "由", "牵头", "×", "〔", "90%", "均", "年底"]
_TEXT = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=4)), max_size=30).map("".join)
_PATHS = st.sampled_from([(), PHASE1, COL2 + ("1.产业结构优化工程",), ("五、现代安全", "专栏5生态安全保障重大工程"),
                          ("十、组织实施",)])


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, start=st.integers(0, 10_000), path=_PATHS, year=st.one_of(st.none(), st.integers(2000, 2100)))
def test_extract_sentence_never_raises_and_quotes_are_slices(text, start, path, year):
    for f in extract_sentence("d", text, start, path, year):
        assert text[f.start - start:f.end - start] == f.quote
        assert f.start <= f.end


def test_a_bare_measure_listed_after_an_indicator_takes_its_subject() -> None:
    from kb.facts_grammar import split_list

    assert split_list("某某废渣收集率、无害化处置率", False) == ["某某废渣收集率", "某某废渣无害化处置率"]
    assert split_list("甲区供水覆盖率、乙区供水覆盖率", False) == ["甲区供水覆盖率", "乙区供水覆盖率"]
