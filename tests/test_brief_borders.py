"""Where a topic's border runs in a brief (kb.brief_borders) on the real plan: a section's own heading
decides its topic before its words do, a statement belongs to a topic by its unit and indicator,
not by one short shared word; other chapters' sentences must be close to the topic in meaning."""

from __future__ import annotations

import pytest

from kb.brief import collect
from kb.brief_borders import heading_topic, specific
from kb.brief_summary import summary_lines


def _indicators(b) -> list[str]:
    return [r.cells[0] for r in (*b.targets, *b.milestones)]


def test_a_heading_naming_another_topic_is_not_the_topic_s() -> None:
    assert heading_topic("土壤污染防治", "巩固提升黑土地质量") is False
    assert heading_topic("土壤污染防治", "强化农用地风险管控") is True
    assert heading_topic("蓝天保卫战", "提升声环境质量") is None
    assert specific("碳达峰碳中和", "非化石能源消费比重") and not specific("无废城市", "农村生活垃圾收集率")


def test_a_soil_pollution_brief_holds_its_own_targets_not_black_soil_ones(kb) -> None:
    b = collect(kb, "土壤污染防治", 2027)
    assert any("受污染耕地安全利用率" in i for i in _indicators(b))
    assert not any("黑土" in i or "保护性耕作" in i or "耕地保有量" in i for i in _indicators(b))
    assert not any("黑土地" in t.heading.cells[0] for t in b.tasks)
    assert any("土壤环境风险得到全面管控" in r.cells[1] for r in b.deadlines)  # where 2027 goes next
    assert not b.absent_note


def test_a_black_soil_brief_leaves_polluted_farmland_to_soil_pollution(kb) -> None:
    ind = _indicators(collect(kb, "黑土地保护", 2027))
    assert any("典型黑土区" in i for i in ind) and not any("受污染耕地" in i for i in ind)


def test_a_waste_brief_s_targets_are_not_rural_refuse(kb) -> None:
    b = collect(kb, "无废城市", 2030)
    assert not any("农村生活垃圾" in i for i in _indicators(b))
    assert "没有为“无废城市”设定量化目标指标" in summary_lines(b)[0]


def test_a_carbon_brief_s_table_is_not_the_transport_one(kb) -> None:
    b = collect(kb, "碳达峰碳中和", 2035)
    ind = _indicators(b)
    assert any("非化石能源" in i for i in ind)
    assert not any(w in i for i in ind for w in ("公交", "出租车", "铁路货运", "可达率"))


@pytest.mark.parametrize(("topic", "year", "word"), [("蓝天保卫战", 2027, "声环境"), ("碳达峰碳中和", 2035, "新能源汽车")])
def test_a_part_on_another_field_is_no_task_of_the_topic(kb, topic, year, word) -> None:
    assert not any(word in t.heading.cells[0] for t in collect(kb, topic, year).tasks)


def test_other_chapters_give_the_closest_sentences_not_filler(kb) -> None:
    air = [r.cells[0] for r in collect(kb, "蓝天保卫战", 2027).elsewhere]
    assert any("燃煤小锅炉" in s for s in air)  # one short word (锅炉), close in meaning
    assert not any("30微克" in s for s in air)  # the topic section's own text is not 其他章节
    transport = [r.cells[0] for r in collect(kb, "绿色交通", 2035).elsewhere]
    assert not any("绿色饭店" in s for s in transport)


def test_a_phase_after_the_year_is_shown_or_said_silent(kb) -> None:
    b = collect(kb, "生物多样性", 2030)
    assert any(r.cells[0].startswith("第三阶段") and "多样性" in r.cells[1] for r in b.phases)
    assert "第三阶段" in collect(kb, "蓝天保卫战", 2027).phase_note


def test_a_listed_kind_is_quoted_with_its_clause_not_as_a_project(kb) -> None:
    rows = [r.cells[0] for r in collect(kb, "绿色交通", 2035).projects]
    assert "绿色出行" not in rows and any("绿色出行" in r and "绿色生活建设工程" in r for r in rows)


def test_a_phase_that_states_the_topic_in_the_plans_own_words_is_not_called_silent(kb) -> None:
    """农村人居环境: the plan's second phase says 「城乡人居环境品质显著提升」 — the brief quotes it
    and never lists that phase among those silent on the topic."""
    b = collect(kb, "农村人居环境", 2027)
    assert any("人居环境品质显著提升" in " ".join(r.cells) for r in b.phases)
    assert "第二阶段" not in b.phase_note
