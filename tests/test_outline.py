"""Outline and structure questions answered from the section tree, the document's own dates, and
the speaker's preamble set apart. Unit tests (no index), then the real corpus, then a small
fixture document of another layout (一、/（一） of a 实施方案 with 总体要求, 主要任务, 保障措施, a
施行 sentence and a closing date line). Expectations are derived from the documents' trees, not
written as literals of one plan."""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.answer.evidence import after_event
from kb.query import understand
from kb.query.outline import chinese_number

FIXTURE = Path(__file__).parent / "data" / "outline_corpus"


# --- understanding -------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "n"), [("三", 3), ("十", 10), ("十二", 12), ("二十", 20), ("二十三", 23),
                                         ("一百零五", 105), ("7", 7), ("两", 2), ("章", 0)])
def test_chinese_numbers(text, n):
    assert chinese_number(text) == n


@pytest.mark.parametrize(("question", "units"), [
    ("第十二部分讲的是什么？", (("部分", 12),)),
    ("第4章主要写了啥？", (("章", 4),)),
    ("第二章第三节讲什么？", (("章", 2), ("节", 3))),
    ("这个办法第二十条是怎么规定的？", (("条", 20),)),
])
def test_numbered_parts_are_read(question, units):
    assert understand(question).outline.units == units


def test_named_parts_columns_and_whole():
    assert understand("保障措施都有哪些？").outline.part == "保障措施"
    assert understand("组织实施这一块怎么安排的？").outline.part == "保障措施"
    assert understand("规划要求坚持做到哪几条？").outline.part == "基本原则"
    assert understand("规划里面有多少个专栏？").outline.columns
    assert understand("这份文件由哪几个部分组成？").outline.whole
    assert understand("到2027年细颗粒物浓度要降到多少？").outline is None
    assert understand("第二阶段要干什么？").outline is None  # a phase is not a numbered part


def test_when_it_takes_effect_is_a_document_date():
    q = understand("这个方案从什么时候开始执行？")
    assert {"issued", "in_force"} <= q.asks
    assert "in_force" not in understand("到2027年细颗粒物浓度要降到多少？").asks


@pytest.mark.parametrize("question", [
    "我是昌邑区的，全市的森林覆盖率要达到多少？",
    "我在生态环境局工作，开会前想问一下，全市的森林覆盖率要达到多少？",
    "开会前想问一下，全市的森林覆盖率要达到多少？",
])
def test_the_preamble_is_set_apart_and_names_no_scope(question):
    q = understand(question)
    assert q.speaker and q.county == "" and q.place == ""
    assert "森林覆盖率" in q.indicators


def test_a_preamble_place_counts_when_the_question_points_back_to_it():
    assert understand("我是昌邑区的，我们区的森林覆盖率要达到多少？").county == "昌邑"
    assert understand("我是长春的，吉林市的森林覆盖率要达到多少？").place == ""


def test_after_event():
    assert after_event(("碳达峰",), "碳排放达峰后稳中有降")
    assert not after_event(("碳达峰",), "碳达峰目标顺利实现")
    assert not after_event(("碳达峰",), "实现碳达峰，达峰后稳中有降")  # the event itself is stated too


# --- the real corpus -----------------------------------------------------------------------

PLAN = "jilin_meili_jiangcheng_plan_2024_2035"


def _verbatim(kb, ans):
    for c in ans.citations:
        assert kb.index.docs[c.doc_id].text[c.start:c.end] == c.quote


def _top(doc):
    from kb.answer.outline import top_nodes

    return top_nodes(doc)


def test_numbered_chapter_lists_its_sections(kb):
    doc = kb.index.docs[PLAN]
    fourth = _top(doc)[3]
    ans = kb.ask("规划的第四章主要讲了哪些内容？")
    assert ans.status == "answered"
    _verbatim(kb, ans)
    assert fourth.title in ans.answer
    kids = [s for s in doc.sections if s.path[:-1] == fourth.path and len(s.path) == 2]
    assert kids and all(k.title in ans.answer for k in kids)
    assert all(c.start >= fourth.start and c.end <= fourth.end for c in ans.citations)


def test_a_missing_part_says_how_many_there_are(kb):
    ans = kb.ask("这个规划的第二十部分写了什么？")
    assert ans.status == "not_found"
    n = len(_top(kb.index.docs[PLAN]))
    from kb.answer.outline import chinese

    assert f"共{chinese(n)}个" in ans.answer and "第二十部分" in ans.answer


def test_columns_are_listed_one_line_each(kb):
    cols = [s for s in kb.index.docs[PLAN].sections if s.kind == "column"]
    ans = kb.ask("规划里面有多少个专栏？")
    assert ans.status == "answered" and len(ans.citations) == len(cols)
    assert all(c.title in ans.answer for c in cols)
    _verbatim(kb, ans)


def test_phases_are_answered_from_their_headings(kb):
    phases = [s for s in kb.index.docs[PLAN].sections if s.kind == "phase"]
    ans = kb.ask("这份规划一共分了几个阶段？")
    assert all(p.title in ans.answer for p in phases)


def test_a_named_part_is_answered_from_its_own_sentences(kb):
    doc = kb.index.docs[PLAN]
    part = next(s for s in _top(doc) if "组织实施" in s.title)
    ans = kb.ask("保障措施是怎么安排的？")
    assert ans.status == "answered" and len(ans.citations) >= 3
    assert all(part.start <= c.start < part.end for c in ans.citations)


def test_when_the_plan_takes_effect_cites_its_date_line(kb):
    ans = kb.ask("这个规划从什么时候开始执行？")
    assert ans.status == "answered"
    _verbatim(kb, ans)
    date = kb.index.docs[PLAN].meta.date.split("-")  # the date of the manifest must stand in the text cited
    assert any(c.quote == f"{int(date[0])}年{int(date[1])}月{int(date[2])}日" for c in ans.citations)


def test_a_when_question_takes_the_phase_that_states_the_event(kb):
    from kb.answer.candidates import prepare, propose

    ans = kb.ask("碳排放啥时候能见顶？")
    if ans.status == "answered":  # the selector may leave it unasserted; never the wrong phase
        assert "碳达峰" in ans.answer and "达峰后" not in ans.answer
    asked = prepare(kb.context, "碳排放啥时候能见顶？")  # the deadline strategy takes the phase that dates the event
    proposal = next(p for p in propose(asked.context, asked) if p.strategy == "deadline")
    assert "碳达峰" in proposal.answer.answer and "达峰后" not in proposal.answer.answer


def test_a_county_in_the_preamble_gets_the_city_figure(kb):
    ans = kb.ask("我是昌邑区的，全市的森林覆盖率到2027年要达到多少？")
    assert ans.status == "answered" and "%" in ans.answer


# --- a fixture document of another layout ----------------------------------------------------

def _fixture_kb(tmp_path_factory, corpus):
    """A knowledge base built from one small fixture corpus of another layout."""
    from kb.api import KnowledgeBase
    from kb.config import load_settings
    from kb.index import build_index

    settings = load_settings(env={}, corpus=corpus, index=tmp_path_factory.mktemp(corpus.name + "_index"))
    build_index(settings, progress=False)
    return KnowledgeBase(settings)


@pytest.fixture(scope="module")
def scheme(tmp_path_factory):
    return _fixture_kb(tmp_path_factory, FIXTURE)


def _doc(kb):
    return next(iter(kb.index.docs.values()))


def test_fixture_whole_document_parts(scheme):
    top = _top(_doc(scheme))
    ans = scheme.ask("这个方案分成几个部分？")
    assert ans.status == "answered" and len(ans.citations) == len(top) == 3
    assert all(t.title in ans.answer for t in top)


def test_fixture_numbered_section_within_a_chapter(scheme):
    ans = scheme.ask("第二章第三节讲什么？")
    assert ans.status == "answered"
    assert "（三）推进交通运输绿色发展" in ans.answer and "（一）" not in ans.answer
    _verbatim(scheme, ans)


def test_fixture_named_parts(scheme):
    ans = scheme.ask("保障措施有哪些？")
    assert "三、保障措施" in ans.answer and "（一）加强组织领导" in ans.answer and "（二）强化资金保障" in ans.answer
    ans = scheme.ask("基本原则是什么？")
    assert "坚持系统推进" in ans.answer
    ans = scheme.ask("主要任务有哪些？")
    assert all(t in ans.answer for t in ("（一）推进产业绿色转型", "（二）推进城乡建设绿色发展", "（三）推进交通运输绿色发展"))


def test_fixture_missing_part(scheme):
    ans = scheme.ask("第五部分讲的是什么？")
    assert ans.status == "not_found" and "共三个" in ans.answer


def test_fixture_dates(scheme):
    ans = scheme.ask("这个方案什么时候开始施行？")
    assert ans.status == "answered" and "本方案自2025年4月1日起施行" in ans.answer
    ans = scheme.ask("这个方案的落款日期是哪天？")
    assert ans.status == "answered" and "2025年3月1日" in ans.answer and "4月1日" not in ans.answer
    _verbatim(scheme, ans)


# --- a second layout: run-in principle lines, lead items, a closing date line ------------------

@pytest.fixture(scope="module")
def opinions(tmp_path_factory):
    return _fixture_kb(tmp_path_factory, FIXTURE.parent / "outline_corpus2")


def _lines(doc, start, end):
    return [x.strip() for x in doc.text[start:end].split("\n") if x.strip()]


def test_run_in_head_lines_are_the_items_of_a_part(opinions):
    doc = _doc(opinions)
    part = next(s for s in doc.sections if "基本原则" in s.title)
    heads = [x for x in _lines(doc, part.start, part.end)[1:] if len(x) <= 16]
    explained = [x for x in _lines(doc, part.start, part.end)[1:] if len(x) > 16]
    ans = opinions.ask("这份意见确定了哪几条基本原则？")
    assert ans.status == "answered" and len(heads) == 3
    assert all(h.rstrip("。") in ans.answer for h in heads)
    assert not any(x.rstrip("。") in ans.answer for x in explained)  # the explanations are not items
    _verbatim(opinions, ans)


def test_the_items_several_words_name_between_them(opinions):
    doc = _doc(opinions)
    node = next(s for s in doc.sections if s.kind == "section" and any(k.kind == "lead" for k in doc.sections
                                                                        if k.path[:-1] == s.path))
    leads = [k for k in doc.sections if k.kind == "lead" and k.path[:-1] == node.path]
    ans = opinions.ask("第二部分具体要健全哪几个责任和行动体系？")
    assert ans.status == "answered" and len(leads) == 3
    assert node.title in ans.answer and all(k.title in ans.answer for k in leads)


def test_words_the_document_never_uses_do_not_stop_a_structure_answer(opinions):
    doc = _doc(opinions)
    part = next(s for s in _top(doc) if "组织实施" in s.title)
    ans = opinions.ask("组织实施那部分有哪些安排？我要整理好发给同事。")
    assert ans.status == "answered" and len(ans.citations) >= 3
    assert all(part.start <= c.start < part.end for c in ans.citations)
    assert doc.meta.date[:4] + "年" not in ans.answer  # the closing date line is no arrangement


def test_a_body_named_asks_its_duty_not_the_parts_items(opinions):
    from kb.answer.candidates import prepare, propose

    asked = prepare(opinions.context, "组织实施部分县生态环境局要做什么？")
    assert "outline" not in {p.strategy for p in propose(asked.context, asked)}
    ans = opinions.ask("组织实施部分县生态环境局要做什么？")
    assert ans.status != "answered" or "县生态环境局" in ans.answer


def test_a_named_part_inside_a_numbered_one(opinions):
    ans = opinions.ask("第一部分的基本原则有哪几条？")
    assert ans.status == "answered" and "统筹推进" in ans.answer and "健全" not in ans.answer


def test_a_missing_part_of_a_partial_document_says_it_is_partial(kb):
    partial = next(d for d in kb.index.docs.values() if d.meta.completeness == "partial")
    ans = kb.ask(f"{partial.meta.title}第九部分讲的是什么？")
    assert ans.status == "not_found" and "部分内容" in ans.answer and "第九部分" in ans.answer


# --- a third layout: 「工作中要做到：」 leads, a 「主要目标是：」 paragraph, parts named by quoted headings --

@pytest.fixture(scope="module")
def green(tmp_path_factory):
    return _fixture_kb(tmp_path_factory, FIXTURE.parent / "outline_corpus3")


def test_the_leads_after_a_work_principles_sentence(green):
    leads = [s for s in _doc(green).sections if s.kind == "lead"]
    ans = green.ask("意见在「工作中要做到」里提了几个「坚持」？分别是什么？")
    assert ans.status == "answered" and len(leads) == 3
    assert all(k.title in ans.answer for k in leads)
    _verbatim(green, ans)


def test_a_paragraph_that_opens_with_the_parts_name(green):
    doc = _doc(green)
    line = next(x for x in doc.text.split("\n") if x.startswith("主要目标"))
    ans = green.ask("这个意见的主要目标分几步走？")
    assert ans.status == "answered" and len(ans.citations) >= 2
    assert all(c.quote in line for c in ans.citations)


def test_a_part_named_by_its_quoted_heading(green):
    doc = _doc(green)
    node = next(s for s in _top(doc) if "政策体系" in s.title)
    kids = [s for s in doc.sections if s.path[:-1] == node.path and len(s.path) == 2]
    ans = green.ask("意见中“完善绿色转型政策体系”这一部分包括哪些方面？")
    assert ans.status == "answered" and len(kids) == 2
    assert node.title in ans.answer and all(k.title in ans.answer for k in kids)


def test_a_named_phase_gives_its_summing_up_and_the_topic_sentence(kb):
    doc = kb.index.docs[PLAN]
    phase = [s for s in doc.sections if s.kind == "phase"][1]
    body = [s for s in doc.sentences if phase.start + len(phase.title) < s.start < phase.end]
    topical = next(s for s in body if "碳达峰" in s.text)
    ans = kb.ask("规划第二阶段怎么定位的？对碳达峰怎么说？")
    assert ans.status == "answered"
    quotes = [c.quote for c in ans.citations]
    assert body[0].text.rstrip("。") in "".join(quotes) and topical.text.rstrip("。") in "".join(quotes)


def test_a_part_named_by_its_heading_words_unquoted(kb):
    doc = kb.index.docs[PLAN]
    node = next(s for s in doc.sections if "净土保卫战" in s.title)
    kids = [s for s in doc.sections if s.path[:-1] == node.path and s.kind != "item"]
    ans = kb.ask("规划里净土保卫战这一节下面分了哪几块？")
    assert ans.status == "answered" and kids
    assert node.title in ans.answer and all(k.title in ans.answer for k in kids)


def test_the_works_part_of_the_document_that_has_one(kb):
    water = "national_wastewater_reuse_opinions_2021"
    doc = kb.index.docs[water]
    node = next(s for s in _top(doc) if "重点工程" in s.title)
    kids = [s for s in doc.sections if s.path[:-1] == node.path and len(s.path) == 2]
    ans = kb.ask("那个污水资源化的意见里，重点工程有哪几项？")
    assert ans.status == "answered" and all(c.doc_id == water for c in ans.citations)
    assert all(k.title in ans.answer for k in kids)


@pytest.mark.parametrize("question", ["那份方案里的“专栏”总共有几个？", "文件里“专栏”都有哪些？"])
def test_a_quoted_word_reads_as_the_word(question):
    ref = understand(question).outline
    assert ref is not None and ref.columns


def test_the_years_of_a_document_title_are_not_asked():
    q = understand("《某某行动方案（2026—2030年）》一共分几个部分？")
    assert q.years == () and q.span is None and q.outline is not None and q.outline.whole
    assert understand("《某某行动方案》2030年的目标是多少？").years == (2030,)


def test_a_closing_clause_saying_why_it_is_asked_is_set_apart():
    q = understand("这个方案有几个专栏？请列出名称，便于我做培训课件。")
    assert "课件" not in q.topic_text and "名称" in q.topic_text
    assert "方便" in understand("农村公路怎么改造，方便群众出行？").topic_text  # not the asker's own purpose


def test_a_document_named_by_its_title_with_a_purpose_clause_lists_its_parts(kb):
    ans = kb.ask("《美丽江城建设规划（2024—2035年）》分几个部分？列一下各部分标题，方便我备课。")
    assert ans.status == "answered" and ans.answer.startswith("文件正文分")


def test_words_the_document_never_uses_do_not_stop_an_outline_answer(kb):
    """「请梳理……共分几部分」: 梳理、共分 name nothing in the document, so the question still asks
    its structure (invented wording)."""
    ans = kb.ask("请帮我梳理一下美丽江城建设规划正文共分几部分？")
    assert ans.status == "answered" and len(ans.citations) >= 5, ans.answer
    assert any(c.quote.startswith("一、") for c in ans.citations)
