"""Structure of the real plan: chapters, sections, 专栏, phases, lead sentences, and the section
path of real sentences (table-driven: each row was checked by reading the plan)."""

from pathlib import Path

import pytest

from kb.structure import heading_split_point, parse_sections

# (start of a real sentence of the plan, expected path: each element given by its beginning)
SENTENCE_PATHS = [
    ("补齐短板、提质增效", ("一、建设目标", "第一阶段（2024—2027年）")),
    ("提质加速、跨越发展", ("一、建设目标", "第二阶段（2028—2030年）")),
    ("根本好转、效果显著", ("一、建设目标", "第三阶段（2031—2035年）")),
    ("——全领域推动绿色低碳转型发展。", ("一、建设目标", "全领域推动绿色低碳转型发展")),
    ("加强绿色科技创新，不断塑造", ("一、建设目标", "全领域推动绿色低碳转型发展")),
    ("加强流域“三水统筹”系统治理", ("一、建设目标", "全过程推进生态环境系统治理")),
    ("加强固体废物和新污染物治理", ("一、建设目标", "全过程推进生态环境系统治理")),
    ("加强生态空间规划管控", ("一、建设目标", "全流程筑牢生态安全屏障")),
    ("落实主体功能区战略", ("二、低碳发展", "（一）构建有序和谐", "完善国土空间布局")),
    ("以东部山地、中部丘陵", ("二、低碳发展", "（一）构建有序和谐", "完善国土空间布局")),
    ("实施“退城入园”行动", ("二、低碳发展", "（一）构建有序和谐", "完善国土空间布局")),
    ("编制年度全市温室气体排放清单", ("二、低碳发展", "（二）积极稳妥推进碳达峰", "完善落实“双碳”工作机制")),
    ("全面推进工业、农业农村、生态建设等重点领域减污降碳", ("二、低碳发展", "（二）积极稳妥", "推进重点领域绿色低碳发展")),
    ("严格落实重点行业绿色产品", ("二、低碳发展", "（三）全面推动产业生态化", "推进重点行业绿色化改造")),
    ("谋划实施增量配电园区", ("二、低碳发展", "（三）全面推动产业生态化", "推动能源绿色低碳转型")),
    ("积极盘活存量建设用地", ("二、低碳发展", "（五）加强资源节约集约循环利用", "加强能源和用水节约集约")),
    ("到2027年，新能源公交车占比达到72%", ("二、低碳发展", "（四）推进交通运输", "全力推广新能源汽车")),
    ("1.产业结构优化工程。", ("二、低碳发展", "专栏2绿色低碳转型发展重大工程", "1.产业结构优化工程")),
    ("3.交通结构优化工程。", ("二、低碳发展", "专栏2绿色低碳转型发展重大工程", "3.交通结构优化工程")),
    ("改善农村出行条件", ("三、城市焕新", "（三）实施乡村补齐短板工程")),
    ("围绕人居环境整治", ("三、城市焕新", "（四）打造“森林城市”")),
    ("重点实施大规模国土绿化工程", ("三、城市焕新", "专栏3城市焕新重大工程", "4.打造“森林城市”工程")),
    ("2.“无废城市”建设工程。", ("三、城市焕新", "专栏3城市焕新重大工程", "2.“无废城市”建设工程")),
    ("严格涉有毒大气污染物排放的建设项目环评审批", ("四、天蓝水净", "（一）持续打好蓝天保卫战", "加强其他涉气污染物治理")),
    ("到2027年，细颗粒物浓度下降到30微克/立方米以下", ("四、天蓝水净", "（一）持续打好蓝天保卫战")),
    ("加强工业污染防治，推行重点行业企业污水治理", ("四、天蓝水净", "（二）持续打好碧水保卫战", "深化水环境综合治理")),
    ("因地制宜开展内源污染治理", ("四、天蓝水净", "（二）持续打好碧水保卫战", "深化水环境综合治理")),
    ("聚焦农业面源污染突出区域", ("四、天蓝水净", "（三）持续打好净土保卫战", "巩固提升黑土地质量")),
    ("落实“千亿斤粮食”产能建设工程", ("四、天蓝水净", "（三）持续打好净土保卫战", "全面提升粮食生产能力")),
    ("1.蓝天白云建设工程。", ("四、天蓝水净", "专栏4环境质量提升重大工程", "1.蓝天白云建设工程")),
    ("构建严密的核安全责任体系", ("五、现代安全", "（三）确保核与辐射安全")),
    ("加强生物技术及其产品的环境风险识别", ("五、现代安全", "（四）加强生物安全管理")),
    ("牢牢把握维护国家生态安全的职责使命", ("五、现代安全", "专栏5生态安全保障重大工程")),
    ("统筹开展陆生野生动植物资源监测调查", ("六、保护自然", "（二）加强生物多样性保护")),
    ("持续提升外来入侵物种防控管理水平。", ("六、保护自然", "（二）加强生物多样性保护")),
    ("配合省建立并完善自然保护地体系", ("六、保护自然", "（三）强化自然保护地监管")),
    ("强化湿地保护制度建设", ("六、保护自然", "（四）加大湿地保护和恢复力度")),
    ("建设人与自然和谐共生的生态家园", ("六、保护自然", "专栏6生态家园建设重大工程")),
    ("发挥学校教育主阵地作用，建设美丽校园。", ("七、各美其美", "（四）建设“美丽细胞”")),
    ("严格执行生态保护红线管理要求", ("八、多方参与", "（二）推动生态旅游资源保护开发协同")),
    ("重点实施万科松花湖度假区旅游基础设施项目", ("八、多方参与", "专栏8生态产品价值转化重大工程")),
    ("提升生态环境科技支撑水平。", ("九、多元共治", "（四）强化数字环保科技支撑", "提升生态环境科技支撑水平")),
    ("健全以生态价值观念为准则的生态文化体系", ("九、多元共治", "（五）加强生态文化道德引领")),
    ("依托“美丽细胞”建设，开展绿色低碳社会行动", ("九、多元共治", "（五）加强生态文化道德引领", "践行绿色低碳生活方式")),
    ("市生态环境局会同市发改、住建等有关部门制定年度行动方案", ("十、组织实施",)),
    ("为全面贯彻落实", ()),
]


def _plan(corpus_docs):
    return corpus_docs["jilin_meili_jiangcheng_plan_2024_2035"]


@pytest.mark.parametrize(("sentence", "expected"), SENTENCE_PATHS)
def test_sentence_section_path(corpus_docs, sentence, expected) -> None:
    doc = _plan(corpus_docs)
    matches = [s for s in doc.sentences if s.text.startswith(sentence)]
    assert matches, f"sentence not found: {sentence}"
    path = matches[0].path
    assert len(path) == len(expected), f"{sentence}: {path}"
    for got, want in zip(path, expected):
        assert got.startswith(want), f"{sentence}: {path}"


def test_all_chapters_sections_columns_phases(corpus_docs) -> None:
    doc = _plan(corpus_docs)
    kinds: dict[str, list[str]] = {}
    for s in doc.sections:
        kinds.setdefault(s.kind, []).append(s.title)
    chapters = [t[: t.index("、")] for t in kinds["chapter"]]
    assert chapters == list("一二三四五六七八九") + ["十"]
    # Sections per chapter, as the plan has them: 二 5, 三 4, 四 3, 五 6, 六 4, 七 4, 八 3, 九 5.
    per_chapter: dict[str, int] = {}
    for s in doc.sections:
        if s.kind == "section":
            per_chapter[s.path[0][0]] = per_chapter.get(s.path[0][0], 0) + 1
    assert per_chapter == {"二": 5, "三": 4, "四": 3, "五": 6, "六": 4, "七": 4, "八": 3, "九": 5}
    assert [t[:3] for t in kinds["column"]] == [f"专栏{n}" for n in range(2, 10)]
    assert kinds["phase"] == ["第一阶段（2024—2027年）", "第二阶段（2028—2030年）", "第三阶段（2031—2035年）"]
    # Column items: 专栏2 has four, 专栏3 four, 专栏4 three.
    items = [s.path[1][:3] for s in doc.sections if s.kind == "item"]
    assert items.count("专栏2") == 4 and items.count("专栏3") == 4 and items.count("专栏4") == 3


def test_sections_nest_and_cover_text(corpus_docs) -> None:
    doc = _plan(corpus_docs)
    for s in doc.sections:
        assert 0 <= s.start <= s.end <= len(doc.text)
        assert doc.text[s.start : s.start + len(s.title)] == s.title or s.kind == "lead"
        parents = [p for p in doc.sections if p.path == s.path[:-1]]
        if len(s.path) > 1:
            assert parents and parents[0].start <= s.start and s.end <= parents[0].end


@pytest.mark.parametrize(("line", "head"), [
    ("(一)持續打好藍天保衛戰,實現藍天白雲、繁星閃爍 加強多污染物協同控制。", "(一)持續打好藍天保衛戰,實現藍天白雲、繁星閃爍"),
    ("(三)確保核與輻射安全 構建嚴密的核安全責任體系。", "(三)確保核與輻射安全"),
    ("(五)加強生態文化道德引領 培育全社會生態意識。", "(五)加強生態文化道德引領"),
    ("(一)構建有序和諧的國土空間格局", None),
    ("二、低碳發展、綠色轉型,打造高水平保護與高質量發 展相得益彰的樣板家園", None),
    ("完善國土空間布局。落實主體功能區戰略", None),
])
def test_run_in_heading_split(line: str, head: str | None) -> None:
    cut = heading_split_point(line)
    assert (line[:cut] if cut is not None else None) == head


def test_parse_sections_small_fixture() -> None:
    text = "一、总则\n（一）目标\n加强监测。到2027年达到90%。\n专栏2 重点工程\n1.监测工程。建设站点。\n二、保障"
    secs = parse_sections(text)
    paths = {s.path for s in secs}
    assert ("一、总则", "（一）目标", "加强监测") in paths
    assert ("一、总则", "专栏2 重点工程", "1.监测工程") in paths
    assert ("二、保障",) in paths


# ------------------------------------------------------------------ the national documents (公文 layout)
# (doc_id, article-level sections at least, e.g. （一）…（三十九）)
NATIONAL_ARTICLES = [
    ("national_air_quality_action_plan_2023", 39),
    ("national_green_transition_opinions_2024", 33),
    ("national_wastewater_reuse_opinions_2021", 20),
]


@pytest.mark.parametrize(("doc_id", "least"), NATIONAL_ARTICLES)
def test_every_article_of_a_national_document_is_a_section(corpus_docs, doc_id, least) -> None:
    doc = corpus_docs[doc_id]
    articles = [s for s in doc.sections if s.kind == "section" and len(s.path) == 2]
    assert len(articles) >= least
    # run-in articles: the title is the heading sentence only, never the body
    assert all("。" not in s.title and len(s.title) <= 60 for s in articles)
    assert all(doc.text[s.start:s.end].startswith(s.title) for s in articles)


def test_air_plan_targets_stand_in_their_article(corpus_docs) -> None:
    doc = corpus_docs["national_air_quality_action_plan_2023"]
    s = next(x for x in doc.sentences if "北京市控制在32微克/立方米以内" in x.text)
    assert s.path == ("一、总体要求", "（三）目标指标")
    s = next(x for x in doc.sentences if x.text == "京津冀及周边地区。")
    assert s.path[:2] == ("一、总体要求", "（二）重点区域")


def test_closing_block_of_the_wastewater_opinions(corpus_docs) -> None:
    doc = corpus_docs["national_wastewater_reuse_opinions_2021"]
    closing = [s for s in doc.sections if s.kind == "closing"]
    assert len(closing) == 1
    block = doc.text[closing[0].start:closing[0].end]
    assert block.startswith("国家发展改革委") and block.rstrip().endswith("2021年1月4日")
    assert not any(s.path and s.path[0] == "落款" for s in doc.sentences if "强化科技支撑" in s.text)


def test_sections_tile_inside_their_parent_on_every_document(corpus_docs) -> None:
    for doc in corpus_docs.values():
        by_path = {s.path: s for s in doc.sections}
        for s in doc.sections:
            parent = by_path.get(s.path[:-1])
            if parent is not None:
                assert parent.start <= s.start and s.end <= parent.end, (doc.doc_id, s.path)


# ------------------------------------------------------------------ small fixtures of each layout
LAYOUTS = Path(__file__).parent / "fixtures" / "layouts"

# (fixture file, document title, sentence start, expected path)
LAYOUT_PATHS = [
    ("outline_alone.txt", "", "到2027年，城市公共供水", ("一、总体要求", "（一）工作目标")),
    ("outline_alone.txt", "", "各区要制定年度改造计划", ("二、重点任务", "（一）加强管网改造", "1.推进老旧管网更新")),
    ("outline_alone.txt", "", "开展管网普查", ("二、重点任务", "（一）加强管网改造", "1.推进老旧管网更新",
                                          "（1）摸清管网底数")),
    ("outline_alone.txt", "", "加快二次供水设施改造", ("二、重点任务", "（一）加强管网改造", "2.提升二次供水水平")),
    ("outline_alone.txt", "", "完善水质监测网络", ("二、重点任务", "（二）强化水质监测")),
    ("outline_alone.txt", "", "1.城区管网改造项目", ("附件：重点改造项目清单", "1.城区管网改造项目")),
    ("run_in.txt", "城市节水行动方案", "（一）指导思想。", ("一、总体要求", "（一）指导思想")),
    ("run_in.txt", "城市节水行动方案", "坚持节水优先", ("一、总体要求", "（一）指导思想")),
    ("run_in.txt", "城市节水行动方案", "到2025年，城市再生水利用率", ("一、总体要求", "（二）主要目标")),
    ("run_in.txt", "城市节水行动方案", "推动节水关键技术攻关", ("二、重点任务", "（三）强化科技支撑")),
    ("run_in.txt", "城市节水行动方案", "改造老旧管网200公里", ("二、重点任务", "专栏1节水重点工程", "1.管网改造工程")),
    ("run_in.txt", "城市节水行动方案", "市发展改革委", ("落款",)),
    ("run_in.txt", "城市节水行动方案", "市人民政府办公室2024年3月1日印发", ("印发",)),
    ("run_in.txt", "城市节水行动方案", "现将《城市节水行动方案》", ()),
    ("chapters_articles.txt", "城市绿化条例", "第一条为了促进城市绿化", ("第一章总则", "第一条")),
    ("chapters_articles.txt", "城市绿化条例", "第二条本条例适用于", ("第一章总则", "第二条")),
    ("chapters_articles.txt", "城市绿化条例", "第三条城市绿化规划", ("第二章规划和建设", "第一节规划", "第三条")),
    ("chapters_articles.txt", "城市绿化条例", "一、公园绿地", ("第二章规划和建设", "第一节规划", "第三条", "一、公园绿地")),
    ("chapters_articles.txt", "城市绿化条例", "第四条城市新建区", ("第二章规划和建设", "第二节建设", "第四条")),
    ("chapters_articles.txt", "城市绿化条例", "第五条本条例自", ("第三章附则", "第五条")),
]


def _layout(name: str, title: str):
    from kb.ingest import clean_lines
    from kb.structure import split_sentences

    text, _ = clean_lines((LAYOUTS / name).read_text(encoding="utf-8"))
    sections = parse_sections(text, title)
    return text, sections, split_sentences("fixture", text, sections)


@pytest.mark.parametrize(("name", "title", "sentence", "expected"), LAYOUT_PATHS)
def test_layout_fixture_paths(name, title, sentence, expected) -> None:
    _, _, sentences = _layout(name, title)
    s = next(x for x in sentences if x.text.startswith(sentence))
    assert s.path == expected


def test_run_in_heading_is_its_own_sentence_and_not_the_body() -> None:
    _text, sections, sentences = _layout("run_in.txt", "城市节水行动方案")
    heads = [x.text for x in sentences if x.text.startswith("（")]
    assert heads == ["（一）指导思想。", "（二）主要目标。", "（三）强化科技支撑。"]
    assert {s.title for s in sections if s.kind == "section"} == {"（一）指导思想", "（二）主要目标", "（三）强化科技支撑"}
