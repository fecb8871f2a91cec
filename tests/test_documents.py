"""Which documents a question is about (kb/query/documents.py) on the real corpus's five
documents, and the answer wording across documents (kb/answer/documents.py). The questions are
written from the national texts themselves; none comes from eval/."""

from __future__ import annotations

import pytest

from kb.answer.documents import display_name, merge_sides, not_found_text
from kb.cite import ungrounded_numbers
from kb.query.documents import DocChoice, choose_documents, kind_of
from kb.types import Answer, Citation

PLAN = "jilin_meili_jiangcheng_plan_2024_2035"
AIR = "national_air_quality_action_plan_2023"
GREEN = "national_green_transition_opinions_2024"
WATER = "national_wastewater_reuse_opinions_2021"
CHINA = "national_beautiful_china_opinions_2023"


@pytest.mark.parametrize(("question", "docs"), [
    ("到2027年全市空气优良天数比率要达到多少？", {PLAN}),
    ("秸秆综合利用率要到多少？", {PLAN}),
    ("规划对黑土地保护有什么要求？", {PLAN}),
    ("国发〔2023〕24号对重污染天数有什么要求？", {AIR}),
    ("国发[2023]24号说了什么？", {AIR}),
    ("空气质量持续改善行动计划对柴油货车有什么要求？", {AIR}),
    ("那个行动计划要求氮氧化物减排多少？", {AIR}),
    ("指导意见里再生水利用率要达到多少？", {WATER}),
    ("国家关于全面绿色转型的意见对非化石能源怎么说？", {GREEN}),
])
def test_the_question_names_its_documents(corpus_docs, question, docs):
    assert set(choose_documents(question, corpus_docs).doc_ids) == docs


@pytest.mark.parametrize("question", ["国家那份美丽中国的意见对森林覆盖率怎么定的？",
                                      "国家意见认为经济社会发展进入了什么阶段？"])
def test_a_document_the_plan_cites_answers_first(corpus_docs, question):
    choice = choose_documents(question, corpus_docs)
    assert choice.first == (CHINA,) and PLAN not in choice.doc_ids


def test_a_level_word_routes_to_the_higher_documents(corpus_docs):
    choice = choose_documents("国家层面对细颗粒物浓度有什么要求？", corpus_docs)
    assert PLAN not in choice.doc_ids and AIR in choice.doc_ids
    assert choice.prefer == (CHINA,)  # the national document the city plan cites moves up


@pytest.mark.parametrize("term", ["国家考核断面", "全国文明城市", "国家森林城市"])
def test_a_plan_term_holding_a_level_word_stays_with_the_plan(corpus_docs, term):
    assert choose_documents(f"规划对{term}有什么要求？", corpus_docs).doc_ids == (PLAN,)


@pytest.mark.parametrize(("question", "scope"), [
    ("京津冀及周边地区的细颗粒物浓度要下降多少？", "京津冀及周边地区"),
    ("汾渭平原PM2.5要降多少？", "汾渭平原"),
    ("北京市的细颗粒物浓度要控制在多少？", "北京市"),
])
def test_a_region_only_national_documents_name_is_their_scope(corpus_docs, question, scope):
    choice = choose_documents(question, corpus_docs)
    assert choice.scope == scope and choice.doc_ids == (AIR,)


def test_city_and_nation_together_give_two_sides(corpus_docs):
    choice = choose_documents("吉林市的细颗粒物目标和国家的比起来怎么样？", corpus_docs)
    assert [s for s, _ in choice.sides] == ["city", "upper"]
    assert choice.sides[0][1] == (PLAN,) and AIR in choice.sides[1][1]


@pytest.mark.parametrize("question", [
    "臭氧国家那边要求怎么控制，咱们市定了啥？",  # two clauses of one sentence, each asking
    "国家对秸秆焚烧有什么要求，我们市呢？",
])
def test_clauses_asking_each_level_give_two_sides(corpus_docs, question):
    assert [s for s, _ in choose_documents(question, corpus_docs).sides] == ["city", "upper"]


@pytest.mark.parametrize("question", [
    "我是市里环保局的，国家对臭氧有什么要求？",  # who asks is no side asked
    "国家文件要求某指标达到80%以上，咱们市规划里定的是多少？",  # a stated national figure asks nothing
])
def test_a_clause_that_asks_nothing_is_no_side(corpus_docs, question):
    assert not choose_documents(question, corpus_docs).sides


def test_the_speaker_picks_neither_level_nor_key_words():
    from kb.query import understand

    plain, said = understand("国家对臭氧有什么要求？"), understand("我是吉林市某局的，国家对臭氧有什么要求？")
    assert said.speaker and (said.level, said.tokens) == (plain.level, plain.tokens)


def test_display_name_and_kind(corpus_docs):
    assert display_name(corpus_docs[AIR]) == "国务院《空气质量持续改善行动计划》"
    assert display_name(corpus_docs[GREEN]) == "中共中央、国务院《关于加快经济社会发展全面绿色转型的意见》"
    assert display_name(corpus_docs[WATER]).startswith("国家发展改革委等部门《关于推进污水资源化利用的指导意见》")
    assert kind_of(corpus_docs[AIR].meta.title) == "行动计划" and kind_of(corpus_docs[PLAN].meta.title) == "规划"


def test_not_found_names_the_documents_searched(corpus_docs):
    default = "语料库中没有找到"
    assert not_found_text(DocChoice((PLAN,)), corpus_docs, default) == default
    assert not_found_text(DocChoice((AIR,)), corpus_docs, default).startswith("国务院《空气质量持续改善行动计划》中没有")
    assert "国家层面" in not_found_text(DocChoice((AIR, WATER)), corpus_docs, default)


def test_merge_sides_renumbers_and_says_the_missing_side():
    def cite(n, doc):
        return Citation(n, doc, "t", "s", "q", 0, 1)

    city = Answer("q", "answered", "甲[1]。乙[2]。", (cite(1, PLAN), cite(2, PLAN)))
    upper = Answer("q", "answered", "国务院《计划》提出：丙[1]。", (cite(1, AIR),))
    merged = merge_sides("q", [("city", city), ("upper", upper)])
    assert "丙[3]" in merged.answer and [c.n for c in merged.citations] == [1, 2, 3]
    missing = merge_sides("q", [("city", city), ("upper", Answer("q", "not_found", "", ()))])
    assert missing.status == "answered" and "国家层面的文件中没有找到" in missing.answer


@pytest.mark.parametrize(("question", "doc", "number"), [
    ("国务院的行动计划要求全国地级及以上城市PM2.5浓度比2020年下降多少？", AIR, "10%"),
    ("北京市的细颗粒物浓度要控制在多少以内？", AIR, "32"),
    ("污水资源化利用的指导意见要求缺水城市再生水利用率达到多少？", WATER, "25%"),
])
def test_answers_from_a_national_document_name_it(kb, question, doc, number):
    ans = kb.ask(question)
    assert ans.status == "answered" and number in ans.answer
    assert {c.doc_id for c in ans.citations} == {doc}
    assert ans.answer.startswith(display_name(kb.index.docs[doc]))
    assert all(c.quote == kb.index.docs[c.doc_id].text[c.start:c.end] for c in ans.citations)


def test_city_and_nation_each_cited_from_its_own_document(kb):
    ans = kb.ask("吉林市的细颗粒物浓度目标和国家的相比怎么样？")
    docs = {c.doc_id for c in ans.citations}
    assert PLAN in docs and AIR in docs
    assert "国务院《空气质量持续改善行动计划》" in ans.answer


@pytest.mark.parametrize(("question", "doc"), [
    ("资源化意见里再生水利用率要达到多少？", "WATER"),
    ("国家那个转型的意见对煤炭消费怎么要求？", "GREEN"),
])
def test_a_short_name_before_the_kind_names_one_document(corpus_docs, question, doc):
    # 「绿色转型意见」: title words right before the document's kind name it as surely as its title
    assert choose_documents(question, corpus_docs).doc_ids == (globals()[doc],)


def test_a_place_the_higher_document_names_is_asked_about_in_it(kb):
    ans = kb.ask("国家那个空气质量行动计划里，北京的PM2.5要控制在多少以内？")
    assert ans.status == "answered" and ans.citations[0].doc_id == AIR and "北京" in ans.citations[0].quote
    # the city plan is no other city's plan: another city named gets no figure of this one
    assert kb.ask("长春市的森林覆盖率要达到多少？").status != "answered"


def test_a_higher_document_that_never_names_the_place_sets_nothing_of_its_own(kb):
    assert "吉林" not in kb.index.docs[AIR].text
    ans = kb.ask("国家空气质量行动计划给吉林市定的PM2.5下降目标是多少？")
    assert ans.status == "not_found" and "没有单独提到吉林市" in ans.answer
    assert ans.citations and all(c.doc_id == AIR for c in ans.citations)  # its general requirement, cited
    # both sides asked: each side answers from its own documents, unchanged
    both = kb.ask("国家和吉林市对重度及以上污染天数比率的要求分别是多少？")
    assert both.status == "answered" and {c.doc_id for c in both.citations} >= {AIR, PLAN}


def test_a_short_name_is_routing_not_topic(kb):
    # 「空气质量行动计划」 names the document; what is asked is the PM2.5 figure
    ans = kb.ask("国家空气质量行动计划要求PM2.5下降多少？")
    assert ans.status == "answered" and "%" in ans.answer and ans.citations[0].doc_id == AIR


@pytest.mark.parametrize("question", ["规划里“到2099年建成9座示范站”这句在哪？", "实施“一2.“无废城市”"])
def test_a_quote_the_corpus_lacks_is_refused_without_repeating_its_numbers(kb, question):
    """The refusal names the quote but never repeats a number that no cited quote holds."""
    ans = kb.ask(question)
    assert ans.status == "not_found" and "没有您引用" in ans.answer
    assert ungrounded_numbers(ans.answer, ans.citations) == []


@pytest.mark.parametrize(("question", "doc"), [
    ("再生水价格是政府定还是企业定？", WATER),
    ("节能环保产业规模要做到多大？", GREEN),
])
def test_a_question_naming_no_document_that_only_a_higher_one_answers(kb, question, doc):
    """Asked of the city plan first; the plan holds nothing on it, a national document does: its
    answer, naming it, is given (confidence at least answering.upper_accept_min)."""
    ans = kb.ask(question)
    assert ans.status == "answered"
    assert ans.citations and all(c.doc_id == doc for c in ans.citations)
    assert ans.answer.split("：")[0].endswith("提出") and "》" in ans.answer.split("：")[0]  # names it
    assert ans.confidence >= kb.settings.answering.upper_accept_min


def test_a_question_the_city_plan_answers_stays_with_it(kb):
    ans = kb.ask("到2027年新能源公交车要占多少？")
    assert ans.status == "answered" and {c.doc_id for c in ans.citations} == {PLAN}


def test_no_higher_answer_when_the_bar_cannot_be_met(kb):
    import dataclasses

    from kb.answer.pipeline import answer_question
    strict = dataclasses.replace(kb.settings.answering, upper_accept_min=1.01)
    ctx = dataclasses.replace(kb.context, settings=dataclasses.replace(kb.settings, answering=strict))
    ans = answer_question(ctx, "再生水价格是政府定还是企业定？")
    assert not any(c.doc_id == WATER for c in ans.citations)


def test_a_higher_document_named_by_a_title_word_before_a_generic_word(kb):
    """「国家那个污水文件」 (invented wording): a weak level word and one higher document's own title
    word right before 文件 choose that document; a generic word alone chooses none."""
    from kb.query.documents import choose_documents
    docs = kb.index.docs
    water = next(d for d in docs if "污水" in docs[d].meta.title)
    assert choose_documents("国家那个污水文件对污泥怎么说？", docs).doc_ids == (water,)
    assert choose_documents("国家那个文件对污泥怎么说？", docs).doc_ids != (water,)


def test_a_higher_action_plan_named_by_a_title_word_before_jihua(kb):
    """「国家的空气计划」 (invented wording): 计划 is the short kind people say for a 行动计划."""
    from kb.query.documents import choose_documents
    docs = kb.index.docs
    air = next(d for d in docs if "空气" in docs[d].meta.title)
    assert choose_documents("国家的空气计划对扬尘怎么要求？", docs).doc_ids == (air,)
