"""A question of several parts (kb/query/parts.py, kb/answer/parts.py): each part the first
answer leaves out is answered on its own, of the documents the whole question names; a part that
only points back (「……呢？」) is no part of its own. Questions written for these tests."""

from kb.query.parts import question_parts, year_parts


def test_parts_split_where_one_question_ends_and_the_next_starts():
    assert question_parts("第一阶段要实现什么？第三阶段要实现什么？") == ("第一阶段要实现什么？", "第三阶段要实现什么？")
    assert question_parts("規劃的總體要求是什麼？有哪些專欄？") == ("規劃的總體要求是什麼？", "有哪些專欄？")


def test_a_part_that_points_back_is_not_a_question_of_its_own():
    assert question_parts("到2027年公交车的占比是多少？出租车呢？") == ("到2027年公交车的占比是多少？出租车呢？",)
    assert question_parts("森林覆盖率到2027年要达到多少？") == ("森林覆盖率到2027年要达到多少？",)


def test_each_part_is_answered_with_its_own_citations(kb):
    ans = kb.ask("规划的第三阶段是哪几年？本世纪中叶的展望是什么？")
    assert ans.status == "answered"
    sections = " ".join(c.section + c.quote for c in ans.citations)
    assert "2031—2035" in sections and "本世纪中叶" in sections, ans.answer
    for c in ans.citations:
        assert kb.index.docs[c.doc_id].text[c.start:c.end] == c.quote
    markers = [int(n) for n in __import__("re").findall(r"\[(\d+)\]", ans.answer)]
    assert sorted(set(markers)) == list(range(1, len(ans.citations) + 1))


def test_a_later_part_is_asked_of_the_document_the_question_names(kb):
    ans = kb.ask("《空气质量持续改善行动计划》的指导思想是什么？到2025年重度及以上污染天数比率要控制在多少？")
    assert ans.status == "answered"
    assert {c.doc_id for c in ans.citations} == {"national_air_quality_action_plan_2023"}, ans.citations


def test_a_national_part_and_a_city_part_get_both_sides(kb):
    """「国家……？咱们市……？」: each side answered from its own documents (kb/query/documents.py)."""
    ans = kb.ask("国家对燃煤锅炉有什么要求？吉林市规划里锅炉怎么治理？")
    assert ans.status == "answered"
    levels = {kb.index.docs[c.doc_id].meta.level for c in ans.citations}
    assert levels == {"municipal", "national"}, ans.citations
    assert ans.answer.startswith("市级规划")


def test_separate_years_each_make_a_question_of_their_own():
    parts = dict(year_parts("森林覆盖率2027年和2035年分别是多少？"))
    assert set(parts) == {2027, 2035}
    assert "2035" not in parts[2027] and "2027" not in parts[2035] and "森林覆盖率" in parts[2035]
    assert year_parts("第一阶段（2024—2027年）有哪些目标？") == ()  # a span is one period, not two years
    assert year_parts("到2027年森林覆盖率要达到多少？") == ()


def test_each_year_asked_is_answered_or_named_as_not_found(kb):
    """A question naming two years gets a cited statement of each, or says which year it did not
    find (请核对原文) — never one year's answer passed off as the whole."""
    ans = kb.ask("美丽乡村建设，2027年和2035年各要做到什么程度？")
    assert ans.status == "answered"
    text = ans.answer + " ".join(c.quote + c.section for c in ans.citations)
    for year in ("2027", "2035"):
        assert year in text or f"{year}年" in ans.answer, ans.answer


def test_a_when_and_how_much_question_gets_every_year_of_the_target(kb):
    """「哪一年、多大比例」 with no year named: each year the plan states for the indicator."""
    ans = kb.ask("城市里的电动公交车比例，规划定在哪一年、多大比例？")
    assert ans.status == "answered"
    years = {y for c in ans.citations for y in ("2027", "2035") if y in c.quote}
    assert years == {"2027", "2035"}, ans.answer


def test_a_year_not_found_is_named_without_a_number_no_quote_holds(kb):
    """Never a wrong number: a year the documents do not state is not repeated in the note."""
    from kb.cite import ungrounded_numbers

    ans = kb.ask("生态环境监管体系，2000年和2035年各要达到什么程度？")
    assert ungrounded_numbers(ans.answer, ans.citations) == [], ans.answer
