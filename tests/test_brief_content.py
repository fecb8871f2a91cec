"""What a brief says of its topic (kb.brief, kb.brief_tasks, kb.topic_match): a follow-on target said
with the clause that names its indicator, the scope kept with the indicator, a word of the topic's
name the source never dates said so, tasks kept to a few pages, headings whose measures name the
topic, and other years' targets of the topic's sections. Invented wording for the units, the real
plan for the rest."""

from __future__ import annotations

import pytest

from kb.brief import collect, indicator_cell, own_clause
from kb.brief_summary import summary_lines
from kb.brief_tasks import MEASURES_MIN, MEASURES_PER_TASK, MEASURES_TOTAL, per_task_cap
from kb.topic_match import joins_other_field, names_count, text_in_topic, topic_sections, under
from kb.types import Fact


def _target(quote: str, indicator: str, value: str, scope: str = "") -> Fact:
    return Fact("target", "d", quote, 0, len(quote), (), indicator=indicator, value=value, unit="%", year=2030,
                scope=scope)


def test_a_follow_on_clause_is_said_with_the_clause_naming_its_indicator() -> None:
    q = "到2030年，再生水利用面积达到20万亩，占灌溉面积15%左右，管网漏损率下降。"
    assert own_clause(_target(q, "再生水利用面积占灌溉面积比例", "15")) == "再生水利用面积达到20万亩，占灌溉面积15%左右，"
    assert own_clause(_target(q, "再生水利用面积", "20")) == "再生水利用面积达到20万亩，"


def test_the_scope_stays_with_its_indicator() -> None:
    q = "示范区农田土壤有机质含量平均提高2%"
    assert indicator_cell(_target(q, "农田土壤有机质含量", "2", "示范区")) == "示范区农田土壤有机质含量"
    assert indicator_cell(_target("农田土壤有机质含量在示范区提高2%", "农田土壤有机质含量", "2", "示范区")) \
        == "农田土壤有机质含量（示范区）"
    assert indicator_cell(_target(q, "农田土壤有机质含量", "2")) == "农田土壤有机质含量"


def test_tasks_quote_fewer_measures_each_when_there_are_many() -> None:
    assert per_task_cap([5, 6, 2]) == MEASURES_PER_TASK
    many = [MEASURES_PER_TASK] * 12
    cap = per_task_cap(many)
    assert cap == MEASURES_MIN or sum(min(n, cap) for n in many) <= MEASURES_TOTAL
    assert per_task_cap([MEASURES_PER_TASK] * 100) == MEASURES_MIN


def test_a_word_of_the_topic_name_the_plan_never_dates_is_said(kb) -> None:
    b = collect(kb, "碳达峰碳中和", 2035)
    assert "碳中和" in b.absent_note and "碳达峰" not in b.absent_note
    assert summary_lines(b)[0].startswith("说明") and b.absent_note in summary_lines(b)[0]
    assert not collect(kb, "蓝天保卫战", 2027).absent_note  # a one-word name: a slogan, nothing to date
    # the name's stem (「土壤污染」 of 土壤污染防治) is its dated word 土壤 worded longer: never said undated
    assert not collect(kb, "土壤污染防治", 2027).absent_note


def test_the_topic_s_own_figures_of_other_years_lead_a_summary_without_its_own(kb) -> None:
    lines = summary_lines(collect(kb, "碳达峰碳中和", 2035))
    main = next(i for i, x in enumerate(lines) if x.startswith("主要目标"))
    assert "非化石能源" in lines[main] and "2027" in lines[main]
    assert not any(x.startswith("相关指标") for x in lines)  # no other field's figures stand in


def test_headings_whose_measures_name_the_topic_bring_those_measures(kb) -> None:
    b = collect(kb, "黑土地保护", 2027)
    heads = [t.heading.cells[0] for t in b.tasks]
    texts = " ".join(m.cells[0] for t in b.tasks for m in t.measures)
    assert len(heads) >= 4 and "高标准农田" in texts and "保护性耕作" in texts
    summary = " ".join(summary_lines(b))
    assert "占旱田播种面积" in summary and "保护性耕作面积力争达到70万亩，占旱田播种面积10%左右" in summary


def test_an_indicator_worded_shorter_is_the_same_one() -> None:
    from kb.brief_same import same_indicator

    assert same_indicator("“示范村”比例", {"全县“示范村”比例"})
    assert same_indicator("污泥处置率", {"城市污泥处置率"})
    assert not same_indicator("比例", {"全县“示范村”比例"})  # too short to be one indicator
    assert not same_indicator("污泥处置率", {"垃圾分类覆盖率"})


def test_other_years_of_the_topic_s_own_sections_and_shorter_wordings_are_shown(kb) -> None:
    b = collect(kb, "农村人居环境", 2027)
    later = {r.fact.indicator for r in b.milestones if r.fact is not None and r.fact.year == 2035}
    assert any("新三通" in i for i in later) and "农村生活垃圾无害化处理率" in later  # the subject it shares


def test_the_comparator_keeps_the_words_on_both_sides_and_its_qualifier() -> None:
    from kb.brief import source_comparator

    assert source_comparator("到2030年，再生水利用率保持在25%以上", "25", "≥") == "保持在…以上"
    assert source_comparator("示范面积力争达到12万亩", "12", "=") == "力争达到"
    assert source_comparator("项目区有机质含量平均提高0.5克/千克", "0.5", "+") == "平均提高"
    assert source_comparator("达标率控制在3%以内", "3", "≤") == "控制在…以内"


def test_headings_a_damaged_copy_put_out_of_place_head_their_own_paragraph(kb) -> None:
    """The plan's web copy glued one heading to the end of the paragraph before (「……。严防地下水污染
    风险。」) and broke another line a sentence late (「……制度。积极创新绿色金融产品和服务。……」): each
    task is headed by the sentence its paragraph is about, and the 出处 names that heading."""
    from kb.brief_summary import reference_lines

    water = collect(kb, "水环境", 2030)
    heads = [t.heading.cells[0] for t in water.tasks]
    assert "严防地下水污染风险。" in heads
    finance = [t.heading.cells[0] for t in collect(kb, "绿色金融", None).tasks]
    assert "积极创新绿色金融产品和服务。" in finance and "建立企业生态环保费用提取使用制度。" not in finance
    moved = next(t for t in water.tasks if t.heading.cells[0] == "严防地下水污染风险。")
    assert moved.path[-1] == "严防地下水污染风险" and moved.measures  # the lead it displaced is a measure
    assert any("严防地下水污染风险" in line for line in reference_lines(water))
    assert "深化水环境综合治理。" in heads  # (two short sentences, the first the heading: kept)


def test_the_bound_after_a_unit_is_kept() -> None:
    from kb.brief import source_comparator

    assert source_comparator("到2030年，某浓度下降到25微克/立方米以下", "25", "≤") == "下降到…以下"


def test_a_year_without_targets_takes_the_nearest_years_dated_tasks_too(kb):
    """A brief's year with no target of its topic takes the nearest years' targets and dated tasks:
    a year whose only statement of the topic has no figure (「到某年，某某稳步下降」) still counts."""
    from kb.brief import collect

    b = collect(kb, "无废城市", 2030)
    years = {r.cells[0] for r in b.deadlines}
    assert "2027年" in years, years


@pytest.mark.parametrize(("topic", "year"), [("水环境", 2030), ("生物多样性", 2030), ("无废城市", 2030), ("绿色交通", 2035)])
def test_every_task_is_about_the_topic(kb, topic, year) -> None:
    """A heading the topic's words do not name is a task of the brief only when most of its measures
    name the topic (two measures of seven on water make no water task of a finance heading), and a
    section close to the topic in meaning only when its own text names the topic at all."""
    doc = kb.local_documents()[0]
    secs = topic_sections(topic, doc, kb.embedder)
    assert all(names_count(topic, doc.text[s.start:s.end]) or text_in_topic(topic, s.title)
               for s in doc.sections if s.path in secs)
    for t in collect(kb, topic, year).tasks:
        above = " ".join(p for p in t.path[:-1] if not joins_other_field(topic, p))
        if text_in_topic(topic, t.heading.cells[0], above) or under(t.path, frozenset(secs)):
            continue
        named = [m for m in t.measures if text_in_topic(topic, m.cells[0])]
        assert len(named) * 2 >= len(t.measures) + t.more, (t.heading.cells[0], len(named), len(t.measures))


def test_a_title_joining_the_topic_and_another_field_is_not_the_topic_s_whole() -> None:
    """「推进甲和乙领域……」 names two fields: only its parts on the topic are the topic's; a conjunct of
    two words (「保护和恢复力度」) names no other field."""
    assert joins_other_field("绿色交通", "推进公交出行和乡村道路领域绿色发展")
    assert not joins_other_field("生物多样性", "加大湿地保护和恢复力度")
    assert not joins_other_field("绿色交通", "全力推广新能源汽车")


@pytest.mark.parametrize(("topic", "year"), [("蓝天保卫战", 2027), ("水环境", 2030), ("碳达峰碳中和", 2035)])
def test_a_long_sentence_on_every_field_is_no_topic_s_other_statement(kb, topic, year) -> None:
    """The plan's monitoring sentence names air, water, noise, greenhouse gases … one clause each:
    listed under 其他章节的相关表述 of every topic before, of none now."""
    from kb.brief_tasks import ELSEWHERE_LONG, ELSEWHERE_SHARE
    from kb.topic_match import topic_parts

    for row in collect(kb, topic, year).elsewhere:
        hits, parts = topic_parts(topic, row.cells[0])
        assert parts < ELSEWHERE_LONG or hits * ELSEWHERE_SHARE >= parts, row.cells[0][:40]
