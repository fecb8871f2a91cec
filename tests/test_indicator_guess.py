"""Naming a colloquial target question's indicator by meaning (kb.answer.indicator_guess), on real questions."""

import pytest

from kb.query.understand import understand


@pytest.mark.parametrize(("question", "indicator"), [
    ("我是跑物流的，听说要把货往铁路上赶，2027年铁路运的货按周转量算得占多少？", "铁路货运周转量比例"),
    ("国家在咱这儿设的地下水监测点，到2035年水质还过得去（Ⅰ—Ⅳ类）的要占多少？", "地下水国控点位Ⅰ—Ⅳ类水比例"),
    ("有证在开采的中等规模矿山，到2028年底得有多少比例变成环保达标的绿色矿？", "绿色矿山"),
])
def test_a_colloquial_target_question_gets_its_indicator(kb, question, indicator) -> None:
    q = understand(question)
    assert not q.indicators  # no word of it names the indicator
    assert kb.indicator_guesser.guess(q) == indicator


@pytest.mark.parametrize("question", [
    # 城市 is not 农村: the nearest name (农村生活垃圾收集率) is refused, and the plan sets no such target
    "城市生活污水集中收集率到2027年要達到多少？",
    # 建设用地 is not 耕地: 受污染耕地安全利用率 is refused, and the plan sets no such target
    "到2027年重点建设用地安全利用率要达到多少？",
    # not a target question
    "工地上尘土飞扬的，规划打算怎么管？",
    # names its indicator already
    "到2027年电动公交车要占多少？",
    # nothing of the plan's wording in common
    "美丽江城建设一共要花多少钱？总投资多少亿？",
])
def test_no_guess_where_it_is_not_safe(kb, question) -> None:
    assert kb.indicator_guesser.guess(understand(question)) is None


def test_the_guess_answers_with_the_plans_sentence_in_the_asked_year(kb) -> None:
    ans = kb.ask("国家在咱这儿设的地下水监测点，到2035年水质还过得去（Ⅰ—Ⅳ类）的要占多少？")
    assert ans.status == "answered" and "80%" in ans.answer and "2035" in ans.answer, ans.answer
    # a year the plan does not give: said so, with the year it does give
    ans = kb.ask("到2030年，城里每人平均能摊上多少公园绿地？")
    assert ans.status == "not_found" and "14.2平方米" in ans.answer and "2027" in ans.answer, ans.answer


def test_two_targets_of_one_clause_share_one_line(kb) -> None:
    ans = kb.ask("到2028年年底，绿色矿山的比例要达到多少？")
    assert ans.status == "answered" and ans.answer.count("持证在产") == 1 and len(ans.facts) == 2, ans.answer
