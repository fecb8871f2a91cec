"""The goals a document sets for a year, asked without naming one indicator (kb/answer/goals.py):
every target sentence of that year in one document, of the topics the question lists, each cited
whole. Expectations come from the extracted facts, not from literals of one plan."""

from __future__ import annotations

from kb.answer.candidates import prepare, propose
from kb.query import understand
from kb.topic_match import fact_in_topic

AIR = "national_air_quality_action_plan_2023"
PLAN = "jilin_meili_jiangcheng_plan_2024_2035"


def _proposal(kb, question):
    asked = prepare(kb.context, question)
    return next((p for p in propose(asked.context, asked) if p.strategy == "year_goals"), None)


def _verbatim(kb, ans):
    for c in ans.citations:
        assert kb.index.docs[c.doc_id].text[c.start:c.end] == c.quote


def test_the_goals_ask_is_read():
    assert "goals" in understand("行动计划2025年的目标都有哪些？").asks
    assert "goals" in understand("到2027年要达到哪些硬指标？").asks
    assert "goals" not in understand("行动计划有哪些目标？").asks  # no year: the outline's 主要目标
    assert understand("到2027年，空气、土壤、森林方面都有什么指标？").topic_list[:2] == ("空气", "土壤")


def test_a_years_goals_are_the_goals_part_of_the_document_named(kb):
    goals = [f for f in kb.index.facts if f.doc_id == AIR and f.kind == "target" and f.year == 2025
             and any("目标" in p for p in f.path)]
    ans = kb.ask("那个空气质量的行动计划，2025年的目标都有哪些？")
    assert ans.status == "answered" and goals
    assert all(f.value in ans.answer for f in goals)
    assert all(c.doc_id == AIR for c in ans.citations)
    _verbatim(kb, ans)


def test_each_topic_listed_gets_its_sentence(kb):
    ans = kb.ask("到2027年，空气、土壤、森林方面都有哪些硬指标？")
    assert ans.status == "answered"
    for topic in ("空气", "土壤", "森林"):
        facts = [f for f in kb.index.facts if f.doc_id == PLAN and f.kind == "target" and f.year == 2027
                 and fact_in_topic(topic, f)]
        assert facts and any(any(f.start >= c.start and f.end <= c.end for c in ans.citations) for f in facts), topic
    _verbatim(kb, ans)


def test_one_indicator_named_is_not_a_list_of_goals(kb):
    fact = next(f for f in kb.index.facts if f.doc_id == PLAN and f.kind == "target" and f.year == 2027
                and len(f.indicator) >= 4)
    assert _proposal(kb, f"到2027年，{fact.indicator}有啥指标？") is None


def test_a_year_without_goals_gives_no_list(kb):
    assert _proposal(kb, "到2029年，规划的硬指标都有哪些？") is None


def test_topics_listed_one_by_one_each_get_their_sentence(kb):
    ans = kb.ask("规划里磐石、蛟河、永吉各自重点发展什么？")
    assert ans.status == "answered"
    for county in ("磐石", "蛟河", "永吉"):
        assert any(county in c.quote for c in ans.citations), county
    _verbatim(kb, ans)


def test_a_list_of_examples_is_not_asked_one_by_one():
    assert understand("山上的林子、河里的水这些自然资源归谁管？").topic_list == ()
    assert understand("磐石、蛟河、永吉各自重点发展什么？").topic_list == ("磐石", "蛟河", "永吉")


def test_a_measure_no_quote_states_is_never_asserted(kb):
    # the plan states no 污水集中收集率 (only 农村 figures): the closest passage is shown, not asserted
    ans = kb.ask("规划对城镇污水集中收集率有什么要求，要达到多少？")
    assert ans.status != "answered"
    assert not any("集中收集率" in c.quote for c in ans.citations)


def test_works_asked_by_topic_come_from_the_column_that_lists_them(kb):
    # the 专栏 item that names 污水处理厂 projects answers, even when the retriever ranks it low
    ans = kb.ask("规划里跟污水处理厂和管网有关的重点工程有哪些？")
    assert ans.status == "answered"
    assert any("专栏" in c.section and "污水处理厂" in c.quote for c in ans.citations)
    _verbatim(kb, ans)


def test_goals_asked_as_figures_need_no_year():
    for q in ("这个意见里有哪些量化指标？", "某某方面有哪些带数字的指标？", "那一块的硬指标都有啥？",
              "这份文件有哪些2030年的数字目标？"):
        assert "goals" in understand(q).asks, q
    assert "goals" not in understand("这份计划有哪些目标？").asks  # neither a year nor figures


def test_figures_of_a_topic_come_from_every_year(kb):
    """No year asked: the targets of every year the topic holds (topic words in the question's text,
    the longest where they overlap), each sentence cited whole."""
    ans = kb.ask("规划里交通方面都有哪些带数字的指标？")
    assert ans.status == "answered"
    facts = [f for f in kb.index.facts if f.doc_id == PLAN and f.kind == "target" and fact_in_topic("交通", f)]
    years = {f.year for f in facts if any(c.start <= f.start < c.end for c in ans.citations)}
    assert len(years) >= 2
    assert all(any(ch.isdigit() for ch in c.quote) for c in ans.citations)
    _verbatim(kb, ans)


def test_figures_of_a_documents_goals_part(kb):
    """「某文件有哪些量化指标」 with no topic: the targets of its goals part (of the whole document when
    that part states none), not a heading that holds 数字."""
    ans = kb.ask("绿色转型那个意见有哪些量化指标？")
    assert ans.status == "answered"
    assert ans.citations and all(c.doc_id != PLAN for c in ans.citations)
    targets = [f for f in kb.index.facts if f.doc_id == ans.citations[0].doc_id and f.kind == "target"]
    goals = [f for f in targets if any("目标" in p for p in f.path)] or targets  # its goals part states none
    assert goals and all(f.value in ans.answer for f in goals[:3])
    assert not any("数字" in c.quote and not any(ch.isdigit() for ch in c.quote) for c in ans.citations)
    _verbatim(kb, ans)


def test_a_phase_asked_for_figures_gives_each_target_sentence(kb):
    ans = kb.ask("第一阶段定了哪些量化指标？")
    doc = kb.index.docs[PLAN]
    phase = next(s for s in doc.sections if s.kind == "phase" and "第一阶段" in s.title)
    facts = [f for f in kb.index.facts if f.doc_id == PLAN and f.kind == "target" and phase.start <= f.start < phase.end]
    assert ans.status == "answered" and len(facts) >= 3
    assert all(f.value in ans.answer for f in facts)
    _verbatim(kb, ans)
