"""Question understanding and question vocabulary, table-driven on questions officials ask."""

import os
import subprocess
import sys

import pytest

from kb.query.understand import retrieval_args, understand
from kb.question_words import is_question_word


@pytest.mark.parametrize(("question", "level"), [
    ("国家意见说美丽中国最后要建成什么样的家园？", "national"),
    ("国务院对美丽中国建设的要求是什么？", "national"),
    ("吉林省的黑土地保护目标是多少？", "provincial"),
    ("2035年的时候吉林市碳排放应当是什么状态？", "municipal"),
    ("市里的垃圾分类要做到什么程度？", "municipal"),
    # two levels named: the question is about neither document (the plan speaks of the 督察)
    ("中央和省级环保督察反馈的问题，规划要重点整改哪些？", ""),
    ("电动公交车要占多少？", ""),
    ("省級以上工業開發區的污水處理要達到什麼要求？", ""),  # a kind of park, not the provincial level
    ("国家级自然保护区有哪些？", ""),
])
def test_document_level_named_by_the_question(question, level) -> None:
    assert understand(question).level == level


@pytest.mark.parametrize(("word", "framing"), [
    ("处于", True), ("总体要求", True), ("方向", True), ("什么样", True),
    ("总目标", False), ("碳排放", False), ("细颗粒物", False), ("中央", False), ("黑土地", False),
])
def test_question_words_are_framing_not_topic(word, framing) -> None:
    assert is_question_word(word) is framing


def test_named_structure_is_boosted() -> None:
    assert "第一阶段" in retrieval_args(understand("第一阶段的总体要求是什么？"))["boost_terms"]
    assert "专栏4" in retrieval_args(understand("专栏4有哪些重点工程？"))["boost_terms"]


def test_bm25_query_drops_framing_words(kb) -> None:
    from llama_index.core.schema import QueryBundle

    from kb.segment import tokenize

    hits = kb.retriever.bm25._retrieve(QueryBundle(query_str="碳排放处于什么状态"))
    only_topic = kb.retriever.bm25._retrieve(QueryBundle(query_str="碳排放"))
    assert "状态" in tokenize("碳排放处于什么状态")
    assert [h.node.node_id for h in hits] == [h.node.node_id for h in only_topic]


def _threads_after_build_call(env: dict) -> str:
    code = ("import os; from kb.embed import use_all_cores_for_build; use_all_cores_for_build(); "
            "print(os.environ['OMP_NUM_THREADS'])")
    clean = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "KB_OMP_DEFAULTED")}
    out = subprocess.run([sys.executable, "-c", code], env=clean | env, capture_output=True, text=True, check=True)
    return out.stdout.strip()


def test_builds_embed_on_every_core_unless_the_user_set_threads() -> None:
    cores = str(len(os.sched_getaffinity(0)))
    assert _threads_after_build_call({}) == cores
    # a child of a process that imported kb.embed inherits our default, not a user choice
    assert _threads_after_build_call({"OMP_NUM_THREADS": "1", "KB_OMP_DEFAULTED": "1"}) == cores
    assert _threads_after_build_call({"OMP_NUM_THREADS": "1"}) == "1"


@pytest.mark.parametrize(("word", "text", "present"), [
    ("污水处理率", "城市生活污水处理率达到95%", True),
    ("污水处理率", "农村生活污水应治尽治、应管尽管、应用尽用，基本消除农村黑臭水体，农村生活垃圾收集率、无害化处理率达到100%", False),
    ("污水处理率", "中心城市公共交通机动化出行分担率达到50%", False),
    ("非法交易", "严厉打击非法猎捕、采集、运输、交易野生动植物及其制品等违法犯罪行为", True),
    ("细颗粒物", "细颗粒物浓度下降到30微克/立方米", True),
])
def test_an_unknown_compound_is_present_only_when_its_parts_stand_together(kb, word, text, present) -> None:
    assert kb.relevance.present(word, text) is present


@pytest.mark.parametrize(("question", "kept", "replaced"), [
    # 美丽工厂 is the plan's own term: the glossary's 工厂 → 企业 must not break it
    ("美丽工厂、美丽园区建设属于哪个专栏？", "美丽工厂", ""),
    ("工厂排的废气要怎么治？", "", "工厂"),
])
def test_glossary_leaves_the_plans_own_terms_alone(question, kept, replaced) -> None:
    q = understand(question)
    if kept:
        assert kept in q.canonical
    if replaced:
        assert replaced not in q.canonical and "企业" in q.canonical


@pytest.mark.parametrize(("question", "place"), [
    ("专栏6里跟长白山有关的重点项目有哪些？", ""),
    ("白山市的森林覆盖率目标是多少？", "白山"),
    ("长白山保护和白山市有什么关系？", "白山"),
])
def test_a_place_inside_one_of_the_plans_terms_is_not_that_place(question, place) -> None:
    assert understand(question).place == place


@pytest.mark.parametrize(("question", "has", "lacks"), [
    # the plan word the glossary put in stays whole (jieba alone cuts 工地/上扬/尘)
    # 「除了……，」 names what is not asked
    ("施工工地尘土飞扬，规划准备怎么治？", ["扬尘"], ["上扬"]),
    ("监测方面，除了空气和水，还要补哪些能力？", ["监测", "能力"], ["空气", "这块"]),
    ("工厂废气除了超低排放，还要重点治理哪几种？", ["废气"], ["超低排放", "几样", "东西"]),
    # the clause before 「就是所谓」 explains the term; the term is what is asked
    ("新出现的有害化学物质，就是所谓新污染物，规划从哪几方面治理？", ["新污染物"], ["化学物质", "有害"]),
    # a leading condition (「万一……，」) sets the scene; the asked part names 应急 and 责任
    ("要是出了突发环境事件，应急责任怎么划分？", ["应急", "责任"], ["突发", "事件"]),
    # ... unless the asked part alone names too little: then the condition is kept
    ("如果企业违法排污，会被怎么处理？", ["违法", "排污"], []),
])
def test_key_words_of_colloquial_questions(kb, question, has, lacks) -> None:
    words = kb.relevance.key_words(understand(question))
    for w in has:
        assert w in words, words
    for w in lacks:
        assert w not in words, words


@pytest.mark.parametrize(("question", "indicator"), [
    # everyday descriptions of the plan's indicators, in questions that ask for a number
    ("规划说到2027年，一年下来空气合格的日子要占多少？", "空气优良天数比例"),
    ("冬天那种特别严重的污染天，到2027年最多能占百分之几？", "重度及以上污染天数比率"),
    ("国家考核的那些河段，水质算好的比例要稳住多少？", "优良水体比例"),
    ("地被污染过，这种地能安全种粮的比例要求多少？", "受污染耕地安全利用率"),
    ("要重点护住的黑土有多少亩？", "典型黑土区保护面积"),
    ("全市山上林子的木头存量得有多少立方米？", "森林蓄积量"),
    ("不烧煤不烧油的能源要占几成？", "非化石能源消费比重"),
    ("街上的公交换成电动的要占多少？", "新能源公交车"),
    ("猪圈牛棚的粪能用上多少？", "畜禽粪污综合利用率"),
    ("我家是养猪的，猪粪牛粪这些到2035年要有多少被综合利用？", "畜禽粪污综合利用率"),  # 猪粪 → 粪污 first
    ("从市中心半小时能到客运站的比例要多少？", "半小时可达率"),
])
def test_a_described_indicator_is_named(question, indicator) -> None:
    assert indicator in understand(question).indicators


@pytest.mark.parametrize("question", [
    # indicators the plan does not set: no description of one of its own may claim them
    "城里垃圾分类覆盖率的目标是多少？",
    "秸秆不让烧了，2027年秸秆综合利用率要到百分之多少？",
    "2027年湿地保护率的目标是多少？",
    "2027年重点建设用地的安全利用率目标是多少？",
    "农村改厕，2027年卫生厕所要普及到几成？",
    # not a number asked: a description names nothing (黑土地保护 is a topic, not the area target)
    "保护黑土地，要让哪种耕作模式提质扩面？",
    "农村垃圾收、运、处理这一整套，哪一年能全部覆盖？",
])
def test_no_indicator_is_read_into_other_questions(question) -> None:
    assert understand(question).indicators == ()


@pytest.mark.parametrize(("question", "intent"), [
    ("规划说头几年（到2027年）空气合格的日子要占多少？", "target"),  # 头几年 is when, not 「几年」 asked
    ("这几年黑臭水体治理要达到多少？", "target"),
    ("几年能全面消除黑臭水体？", "deadline"),
    ("美丽江城建设在市里到底算多大的事？", "general"),  # 多大的事 asks how important, not a number
    ("挨着的几个县一起出了污染，怎么联合治理？规划要健全啥机制？", "general"),  # 几个 before the ask
    ("生态修复的重点区域，规划一共划了几个？", "target"),
    ("规划里一共划了多大面积的生态红线？", "target"),
])
def test_intent_of_questions_with_years_and_sizes(question, intent) -> None:
    assert understand(question).intent == intent


def test_every_plan_word_of_the_glossary_stands_in_the_corpus(kb) -> None:
    """A glossary row that maps to a word the corpus never uses (路灯 → 照明) cannot help and turns a
    matchable question word into an unmatchable one; compounds whose parts the corpus uses
    (非法交易: 「非法猎捕、采集、运输、交易」) are allowed, as `Relevance.present` reads them."""
    from kb.query.understand import glossary

    absent = [(word, o) for word, official in glossary() for o in official
              if kb.relevance.df(o) == 0 and not kb.relevance.parts(o)]
    assert not absent, absent
    words = [word for word, _ in glossary()]
    assert len(words) == len(set(words)), sorted(w for w in set(words) if words.count(w) > 1)


def test_an_abbreviation_the_documents_use_is_kept_beside_its_plan_words(kb) -> None:
    """A glossary word in Latin letters that the corpus uses as written (an abbreviation) is kept
    in the question, its plan words added; without the corpus it is replaced as before; a Chinese
    glossary word is replaced even when the corpus uses it."""
    from kb.query import understand
    from kb.query.understand import apply_glossary, glossary

    abbreviations = [(w, plan) for w, plan in glossary() if w.isascii() and plan[0] != w
                     and kb.context.relevance.known(w)]
    known = kb.context.relevance.known
    kept = [(w, plan) for w, plan in abbreviations
            if w in understand(f"关于{w}排放，有什么要求？", tokenizer=kb.index.tokenizer, known=known).canonical]
    assert kept  # (an indicator's own name, PM2.5, is read as the indicator before the glossary)
    for word, plan in kept:
        q = f"关于{word}排放，有什么要求？"
        assert plan[0] in understand(q, tokenizer=kb.index.tokenizer, known=known).expansion
        assert word not in understand(q, tokenizer=kb.index.tokenizer).canonical
    word, plan = kept[0]
    chinese = next((w, p) for w, p in glossary() if not w.isascii() and p[0] != w and kb.context.relevance.known(w))
    text, _ = apply_glossary(f"关于{chinese[0]}的规定", known=kb.context.relevance.known)
    assert chinese[1][0] in text
    # the kept word counts as present where one of its plan words stands
    assert kb.context.relevance.present(word, f"加强{plan[0]}治理")


def test_bracketed_examples_do_not_hide_the_heading_a_list_question_names(kb) -> None:
    """「……有哪些工程？（甲、乙之类）」: the examples in brackets are the items' words, not the
    heading's; the section list answers as it does without them (invented wording)."""
    plain = kb.ask("城市更新方面要实施哪些工程？")
    bracketed = kb.ask("城市更新方面要实施哪些工程？（道路、管网、亮化之类）")
    assert plain.status == bracketed.status == "answered"
    assert [c.quote for c in plain.citations] == [c.quote for c in bracketed.citations]
