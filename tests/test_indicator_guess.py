"""Naming a colloquial target question's indicator by meaning (kb.answer.indicator_guess), on real questions."""

import pytest

from kb.query.understand import understand


@pytest.mark.parametrize(("question", "indicator"), [
    ("我开货车的，听说货要往铁路上转，2027年铁路运的货按周转量算要占多少？", "铁路货运周转量比例"),
    ("国家在吉林市设的地下水监测点，2035年水质还行（Ⅰ—Ⅳ类）的要占多少？", "地下水国控点位Ⅰ—Ⅳ类水比例"),
    ("持证在开采的中等矿山，2028年底前要有多少比例成为环保达标的绿色矿？", "绿色矿山"),
])
def test_a_colloquial_target_question_gets_its_indicator(kb, question, indicator) -> None:
    q = understand(question)
    assert not q.indicators  # no word of it names the indicator
    assert kb.indicator_guesser.guess(q) == indicator


@pytest.mark.parametrize("question", [
    # 城市 is not 农村: the nearest name (农村生活垃圾收集率) is refused, and the plan sets no such target
    "2027年城市生活污水集中收集率要達到多少？",
    # 建设用地 is not 耕地: 受污染耕地安全利用率 is refused, and the plan sets no such target
    "2027年重点建设用地的安全利用率目标是多少？",
    # not a target question
    "施工工地尘土飞扬，规划准备怎么治？",
    # names its indicator already
    "2027年电动公交车要占多大比例？",
    # nothing of the plan's wording in common
    "建美丽江城总共要投多少钱？多少亿？",
])
def test_no_guess_where_it_is_not_safe(kb, question) -> None:
    assert kb.indicator_guesser.guess(understand(question)) is None


def test_the_guess_answers_with_the_plans_sentence_in_the_asked_year(kb) -> None:
    ans = kb.ask("国家在吉林市设的地下水监测点，2035年水质还行（Ⅰ—Ⅳ类）的要占多少？")
    assert ans.status == "answered" and "80%" in ans.answer and "2035" in ans.answer, ans.answer
    # a year the plan does not give: said so, with the year it does give
    ans = kb.ask("2030年城里每人平均有多少公园绿地？")
    assert ans.status == "not_found" and "14.2平方米" in ans.answer and "2027" in ans.answer, ans.answer


def test_two_targets_of_one_clause_share_one_line(kb) -> None:
    ans = kb.ask("到2028年年底，绿色矿山的比例要达到多少？")
    assert ans.status == "answered" and ans.answer.count("持证在产") == 1 and len(ans.facts) == 2, ans.answer
