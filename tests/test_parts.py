"""A question of several parts (kb/query/parts.py, kb/answer/parts.py): each part the first
answer leaves out is answered on its own, of the documents the whole question names; a part that
only points back (「……呢？」) is no part of its own. Questions written for these tests."""

import re

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


# Parts that lean on an earlier part (issue #17; kb/query/parts.py leaning_parts). Wording invented.

def test_a_follow_up_asks_the_earlier_question_of_another_indicator():
    from kb.query.parts import leaning_parts

    first, follow = leaning_parts("到2030年细颗粒物浓度得压到多少？那臭氧呢？")
    assert follow.leans == "follow_up" and follow.of == "臭氧"
    assert "臭氧" in follow.text and "2030" in follow.text and "细颗粒物" not in follow.text
    assert "得压到多少" in follow.text  # the earlier part's ask, unchanged
    assert first.text.startswith("到2030年细颗粒物")


def test_a_follow_up_naming_a_year_asks_the_same_indicator_of_that_year():
    from kb.query.parts import leaning_parts

    _, follow = leaning_parts("新能源公交车占比2027年定了多少？那2035年呢？")
    assert follow.leans == "follow_up" and follow.year == 2035
    assert "新能源公交车占比" in follow.text and "2035" in follow.text and "2027" not in follow.text
    _, follow = leaning_parts("森林覆盖率要达到多少？2030年呢？")  # no year before: the year is put in
    assert follow.text.startswith("2030年森林覆盖率")


def test_a_follow_up_of_a_thing_takes_the_place_of_the_word_sharing_it():
    from kb.query.parts import leaning_parts

    _, follow = leaning_parts("城里对燃煤锅炉有啥要求？那农村的小锅炉呢？")
    assert "小锅炉" in follow.text and "有啥要求" in follow.text and "燃煤锅炉" not in follow.text
    # X is asked of in place of every thing joined in the earlier question, not beside the rest
    _, follow = leaning_parts("对工业企业、燃煤锅炉都有啥要求？小锅炉呢？")
    assert follow.text == "对小锅炉都有啥要求？"


def test_a_topic_stated_once_carries_into_a_later_part_without_one():
    from kb.query.parts import leaning_parts

    first, later = leaning_parts("秸秆这方面，综合利用率要到多少？田里焚烧怎么管？")
    assert later.leans == "topic" and later.text == "秸秆这方面，田里焚烧怎么管？"
    assert first.leans == ""
    # a later part with an indicator of its own stands alone
    _, own = leaning_parts("扬尘这块，道路清扫有啥要求？森林覆盖率要到多少？")
    assert own.leans == "" and own.text == "森林覆盖率要到多少？"


def test_a_later_part_naming_nothing_is_asked_with_the_first():
    from kb.query.parts import leaning_parts

    _, later = leaning_parts("湿地保护率要提高到多少？哪年要做到？")
    assert later.leans == "subject" and later.text.startswith("湿地保护率要提高到多少") and later.text.endswith("哪年要做到？")
    _, city = leaning_parts("湿地保护率国家要求多少？市里定的是多少？")  # a scope of its own: stands alone
    assert city.leans == ""


def test_the_whole_question_is_what_comes_before_its_follow_ups():
    from kb.query.parts import own_question

    assert own_question("到2030年细颗粒物浓度得压到多少？那臭氧呢？") == "到2030年细颗粒物浓度得压到多少？"
    assert own_question("规划的第一阶段是哪几年？") == "规划的第一阶段是哪几年？"


def _grounded(kb, ans):
    from kb.cite import ungrounded_numbers

    assert ungrounded_numbers(ans.answer, ans.citations) == [], ans.answer
    for c in ans.citations:
        assert kb.index.docs[c.doc_id].text[c.start:c.end] == c.quote


def test_a_year_follow_up_gets_that_years_target(kb):
    ans = kb.ask("新能源公交车占比2027年定了多少？那2035年呢？")
    assert ans.status == "answered"
    quotes = {y: [c.quote for c in ans.citations if y in c.quote] for y in ("2027", "2035")}
    assert quotes["2027"] and quotes["2035"], ans.answer
    _grounded(kb, ans)


def test_a_follow_up_the_documents_do_not_answer_is_said_to_be_not_found(kb):
    """Never a wrong number: the earlier part's figure is not given for the follow-up's indicator."""
    ans = kb.ask("到2027年细颗粒物浓度得压到多少？那臭氧呢？")
    assert ans.status == "answered"
    lines = ans.answer.splitlines()
    assert "30" in lines[0] and "臭氧" not in lines[0]
    assert any("臭氧" in line and "没有找到" in line for line in lines[1:]), ans.answer
    _grounded(kb, ans)
    # another group's year: the 2035 figure shared with 公交车 is not given for 2027
    ans = kb.ask("到2027年新能源公交车占比要多少？那出租车呢？")
    assert "72%" in ans.answer and "90%" not in ans.answer
    taxi = [line for line in ans.answer.splitlines()[1:] if "出租车" in line]
    assert taxi, ans.answer  # the follow-up is answered from a quote of its own, or named as not found
    for line in taxi:
        if "没有找到" not in line:
            n = int(re.search(r"\[(\d+)\]", line).group(1))
            quote = next(c.quote for c in ans.citations if c.n == n)
            assert "出租车" in quote and "2027" in quote, ans.answer


def test_a_follow_up_of_a_thing_is_answered_from_its_own_passage(kb):
    ans = kb.ask("城里对燃煤锅炉有啥要求？那农村的小锅炉呢？")
    assert ans.status == "answered"
    assert any("小锅炉" in c.quote for c in ans.citations), ans.answer
    _grounded(kb, ans)


def test_a_later_part_is_answered_within_the_topic_or_not_at_all(kb):
    """「扬尘这块，……？工地……？」: the later part's quote is about 扬尘 (its quote or section), never
    another topic's sentence that shares a word (施工 noise)."""
    ans = kb.ask("扬尘这一块，道路清扫国家有啥要求？工地上要怎么管？")
    assert ans.status == "answered"
    for c in ans.citations:
        assert "扬尘" in c.quote + c.section, (c.quote, c.section)
    _grounded(kb, ans)


def test_a_follow_up_naming_a_scope_asks_the_earlier_question_of_it():
    from kb.query.parts import leaning_parts

    _, follow = leaning_parts("国家要求重污染天数比率控制在多少？那市里呢？")
    assert follow.scope and follow.text == "市里要求重污染天数比率控制在多少？"
    _, follow = leaning_parts("细颗粒物2027年要降到多少？那桦甸市呢？")  # no scope before: put in front
    assert follow.scope and follow.text.startswith("桦甸市细颗粒物2027年")
    assert len(leaning_parts("到2030年细颗粒物浓度得压到多少？那其他的呢？")) == 1  # points, names nothing


def test_a_scope_follow_up_is_asked_of_that_scopes_documents(kb):
    ans = kb.ask("国家要求重污染天数比率控制在多少？那市里呢？")
    assert ans.status == "answered"
    levels = {kb.index.docs[c.doc_id].meta.level for c in ans.citations}
    assert levels == {"municipal", "national"}, ans.answer
    _grounded(kb, ans)


def test_a_follow_up_replaces_the_asked_indicator_not_the_topic_clause():
    from kb.query.parts import leaning_parts

    # invented wording: the topic clause names one indicator, the question asks another
    _, follow = leaning_parts("养牛这块，到2027年肉牛饲养量要到多少头？林下经济产值呢？")
    assert follow.leans == "follow_up" and follow.of == "林下经济产值"
    assert "林下经济产值" in follow.text and "肉牛饲养量" not in follow.text and "养牛这块" in follow.text


def test_a_follow_up_answered_inside_the_sentence_already_quoted_is_added(kb):
    """X stated in the same sentence as the earlier clause is new: its quote is not inside one said."""
    ans = kb.ask("养牛这块，到2027年肉牛饲养量要到多少头？林下经济产值呢？")
    assert ans.status == "answered"
    assert any("林下经济产值" in c.quote for c in ans.citations), ans.answer
    assert "没有找到" not in ans.answer
    assert len(re.findall("肉牛饲养量", ans.answer)) == 1, ans.answer  # the earlier clause not said twice



def _cite(n, start, end):
    from kb.types import Citation
    return Citation(n, "d", "t", "s", "x" * (end - start), start, end)


def test_a_parts_answer_drops_the_lines_and_sentences_already_said():
    """Line by line: a sentence whose every citation was said goes, a 「……：」 line whose items
    all went goes with them, the rest is renumbered; nothing new at all leaves the answer as it was."""
    from kb.answer.parts import _unsaid
    from kb.types import Answer
    said = [("d", 0, 10), ("d", 20, 30)]
    ans = Answer("q", "answered", "甲[1]。乙[2]。\n分为：\n丙[3]\n丁[4]",
                 (_cite(1, 0, 10), _cite(2, 40, 50), _cite(3, 20, 30), _cite(4, 2, 8)))
    out = _unsaid(ans, said)
    assert out.answer == "乙[1]。"
    assert [(c.n, c.start) for c in out.citations] == [(1, 40)]
    again = Answer("q", "answered", "甲[1]。", (_cite(1, 0, 10),))
    assert _unsaid(again, said) == again


def test_a_part_whose_passage_is_below_the_threshold_is_pointed_to(kb):
    """Two parts (invented wording): when one is answered and the other's own answer is only
    related, that passage follows the answer marked 请核对原文, cited; the confidence is the answer's."""
    from kb.answer.explain import Explain
    from kb.answer.parts import answer_parts
    from kb.cite import CitationBuilder
    from kb.query import understand
    from kb.types import Answer

    whole = kb.ask("到2027年全市森林覆盖率要达到多少？")
    assert whole.status == "answered"
    doc = kb.index.docs[whole.citations[0].doc_id]
    other = next(x for x in doc.sentences if "河湖长制" in x.text)
    cb = CitationBuilder(kb.index.docs)
    quoted = cb.quote_sentence(doc.doc_id, other.start, other.end)
    related = Answer("q", "related", f"规划中与此最相关的表述是：{quoted}（这段原文未必直接回答了问题，请核对原文。）",
                     cb.citations(), confidence=0.3)
    q = "到2027年全市森林覆盖率要达到多少？河流管护归谁管？"
    e = Explain(understand(q), "", 0.0, ())
    merged, _ = answer_parts(kb.context, q, whole, e,
                             lambda part, own=False: (whole if "森林" in part else related, e))
    assert merged.status == "answered" and "请核对原文" in merged.answer, merged.answer
    assert merged.confidence == whole.confidence
    assert other.text in {c.quote for c in merged.citations}


def test_a_part_answered_is_not_named_missing_for_the_documents_title_words(kb):
    """A part that names the document by its full title (invented wording) is held by the answer's
    quotes: the title's words say which document, not what is asked, so no 「没有找到」 line."""
    title = next(d.meta.title for d in kb.index.docs.values() if d.meta.title.endswith("行动计划"))
    ans = kb.ask(f"国家那个{title}，到2025年全国地级及以上城市PM2.5浓度要下降多少？全国秸秆综合利用率又要稳定在多少？")
    assert ans.status == "answered", ans.answer
    assert "没有找到" not in ans.answer, ans.answer


def test_a_part_quoting_the_same_clause_with_its_full_stop_adds_nothing() -> None:
    """A later part's answer that quotes the clause already cited, only with its closing 。, is
    said already (invented spans)."""
    from kb.answer.parts import _said
    from kb.types import Citation
    c = Citation(1, "d", "t", "s", "某指标稳定在86%以上。", 100, 113)
    assert _said(c, [("d", 100, 112)])
    assert not _said(c, [("d", 100, 108)])
