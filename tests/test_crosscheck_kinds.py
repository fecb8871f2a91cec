"""核对 of kinds of statement a blind test found wrong (d6), each with invented wording: a deadline
whose year stands inside the sentence, shares over several groups written group first, a task the
source states at several years, a year difference said once per statement, and a quoted name in a
PDF line (its line shapes: tests/test_pdf_text.py)."""

from __future__ import annotations

import pytest

from kb.config import CheckThresholds
from kb.crosscheck import check_text
from kb.crosscheck_claims import claims_of, patterns, read_numerals, shares_first, year_to_head
from kb.crosscheck_judge import _pick, said_once
from kb.pdf_text import join_pages
from kb.types import Citation, Fact, Finding


def _found(kb, text: str) -> list[tuple[str, str, str, str]]:
    return [(f.verdict, f.indicator, f.source_value, f.difference) for f in check_text(kb, text)]


# ---------------------------------------------------------------------- 1. a year inside the sentence
@pytest.mark.parametrize(("text", "moved"), [
    ("中心城区污水管网2030年全面实现雨污分流", "2030年，中心城区污水管网全面实现雨污分流"),
    ("各乡镇垃圾转运站于2029年底前建成", "2029年底前，各乡镇垃圾转运站建成"),
    ("推进管网改造，老旧小区二次供水设施2031年基本完成改造", "推进管网改造，2031年，老旧小区二次供水设施基本完成改造"),
])
def test_a_year_inside_its_clause_goes_to_the_clause_head(text, moved) -> None:
    assert year_to_head(text)[0] == moved


@pytest.mark.parametrize("text", [
    "力争2030年前实现雨污分流",                 # nothing but a lead-in before the year
    "单位产值水耗比2027年下降10%",              # a base year
    "落实《示范区建设方案（2026—2030年）》",     # a range in a title
    "全市2024年新建污水管网15公里",             # a past year: a report, not a deadline
    "完成2027年度考核",                         # 年度
])
def test_a_year_that_is_no_deadline_stays_where_it_is(text) -> None:
    assert year_to_head(text)[0] == text


def test_the_lexicon_examples_are_rewritten() -> None:
    rows = patterns()
    assert year_to_head(rows["year_inside"]["example"])[0].startswith("2030年，")
    assert "90%一级站点、70%二级站点达到" in shares_first(read_numerals(rows["shares"]["example"])[0])


def test_a_bare_year_inside_a_clause_governs_that_clause_only() -> None:
    claims = claims_of("公共机构食堂2029年全部完成节能改造，推广绿色采购。", 0, (), None)
    assert [(c.fact.kind, c.fact.subject, c.fact.year) for c in claims] == [("deadline", "公共机构食堂全部完成节能改造", 2029)]


def test_a_deadline_with_its_year_inside_is_compared_with_the_source_task(kb) -> None:
    assert [v for v, *_ in _found(kb, "我市气候适应型社会2035年基本建成。")] == ["consistent"]
    (verdict, task, source, diff), = _found(kb, "全市气候适应型社会2032年基本建成，推广海绵城市建设。")
    assert verdict == "conflict" and "气候适应型社会" in task and source == "2035年" and "提前" in diff


# ---------------------------------------------------------------------- 2. shares over several groups
@pytest.mark.parametrize(("text", "shares"), [
    ("一级站点的90%、二级站点的70%达到标准化建设要求", "90%一级站点、70%二级站点达到标准化建设要求"),
    ("在册的甲类企业95%、乙类企业85%均达到清洁生产要求", "在册的95%甲类企业、85%乙类企业均达到清洁生产要求"),
    ("颗粒物浓度下降5%、优良天数比例达到90%", "颗粒物浓度下降5%、优良天数比例达到90%"),  # one share and one target
])
def test_shares_are_read_group_by_group(text, shares) -> None:
    assert shares_first(text) == shares


def test_shares_in_chinese_numerals_each_agree_with_their_own_group(kb) -> None:
    found = _found(kb, "2028年底前，大型矿山的百分之九十、中型矿山的百分之八十均达到绿色矿山标准要求。")
    assert [(v, ind.startswith(("大型", "中型"))) for v, ind, *_ in found] == [("consistent", True)] * 2
    assert found[0][1] != found[1][1]


def test_shares_swapped_between_groups_conflict_each_against_its_own_group(kb) -> None:
    found = {ind[:2]: (v, diff) for v, ind, _, diff in
             _found(kb, "到2028年年底，大型矿山的八成、中型矿山的九成达到绿色矿山标准要求。")}
    assert found["大型"][0] == "conflict" and "80%，来源90%" in found["大型"][1] and "更宽松" in found["大型"][1]
    assert found["中型"][0] == "conflict" and "90%，来源80%" in found["中型"][1] and "更严格" in found["中型"][1]


# ---------------------------------------------------------------------- 3. a quoted name in a PDF line
def test_a_quoted_name_in_a_pdf_line_gets_the_verdict_of_the_typed_line(kb) -> None:
    typed = "（三）推进乡村建设。整治村容村貌。“绿美示范村创建”工作由市农业农村局牵头。"
    full = "一二三四五六七八九十" * 2
    drawn = [full, "“（三）推进乡村建设。整治村容村貌。 绿美示范", "”村创建 工作由市农业农村局牵头。", full]
    as_typed = [(f.statement, f.verdict) for f in check_text(kb, typed)]
    assert as_typed and [(f.statement, f.verdict) for f in check_text(kb, join_pages(["\n".join(drawn)]))] == as_typed


# ---------------------------------------------------------------------- 4. a task at several years
def _deadline(subject: str, year: int) -> Fact:
    return Fact("deadline", "src", subject, 0, len(subject), (), subject=subject, year=year)


def test_of_equal_matches_the_nearest_year_is_compared() -> None:
    early, late = _deadline("监测网络基本建成", 2027), _deadline("监测网络基本建成", 2035)
    assert _pick([(1.0, late), (1.0, early)], 2029, lambda s: 1.0, CheckThresholds()) is early
    assert _pick([(1.0, early), (1.0, late)], 2033, lambda s: 1.0, CheckThresholds()) is late


def test_a_source_worded_for_another_group_is_not_compared() -> None:
    big = Fact("target", "src", "", 0, 0, (), indicator="大型站点达标的比例", value="90", unit="%", year=2028)
    mid = Fact("target", "src", "", 0, 0, (), indicator="中型站点达标的比例", value="80", unit="%", year=2028)
    said = {id(big): 0.75, id(mid): 1.0}
    assert _pick([(1.0, big), (1.0, mid)], 2028, lambda s: said[id(s)], CheckThresholds()) is mid


@pytest.mark.parametrize(("text", "source", "way"), [
    ("生态环境网格化智慧监管平台在2030年建成投用。", "2027年", "推迟"),
    ("全市统一门户和移动门户APP于2033年建成。", "2035年", "提前"),
])
def test_a_task_is_compared_with_the_source_year_of_that_task(kb, text, source, way) -> None:
    (verdict, _, got, diff), = _found(kb, text)
    assert verdict == "conflict" and got == source and way in diff


# ---------------------------------------------------------------------- 5. a year difference said once
def _finding(indicator: str, diff: str, where: int) -> Finding:
    cite = Citation(1, "src", "规划", "", "原文", where, where + 10)
    return Finding("句子", "conflict", indicator, 2029, "", "", diff, cite)


def test_a_deadline_repeating_the_targets_year_difference_is_dropped() -> None:
    year = "部门方案2029年，来源2027年（推迟，部门方案更宽松）"
    target, task = _finding("达标率", "年份不同：" + year, 5), _finding("任务", "期限不同：" + year, 5)
    assert said_once([target, task]) == [target]
    elsewhere = _finding("任务", "期限不同：" + year, 50)  # another source sentence: its own finding
    assert said_once([target, elsewhere]) == [target, elsewhere]


def test_a_statement_late_for_a_target_and_a_task_of_one_source_sentence_says_it_once(kb) -> None:
    found = _found(kb, "2029年，全市千人以上规模化供水工程覆盖人口占比不低于70%，24小时供水和计量收费实现全覆盖。")
    assert len(found) == 1 and found[0][0] == "conflict"
    assert found[0][3].count("2029年") == 1 and "推迟" in found[0][3]


# ---------------------------------------------------------------------- the thresholds are settings
def test_checking_thresholds_are_read_from_kb_toml(tmp_path) -> None:
    from kb.config import load_settings
    from kb.errors import ConfigError

    (tmp_path / "kb.toml").write_text("[checking]\nwording_band = 0.2\n", encoding="utf-8")
    assert load_settings(config_file=tmp_path / "kb.toml", env={}).checking.wording_band == 0.2
    for bad in ("wording_band = 1.5", "wording_band = nan", "no_such = 0.1"):
        (tmp_path / "kb.toml").write_text(f"[checking]\n{bad}\n", encoding="utf-8")
        with pytest.raises(ConfigError):
            load_settings(config_file=tmp_path / "kb.toml", env={})


# ------------------------------------------------------- 6. kinds a blind test found wrong (d7)
def test_a_passive_responsibility_names_the_body_after_you_not_the_task() -> None:
    (claim,) = claims_of("乡村振兴年度工作要点由市农业农村局会同市财政、水利等有关部门编制。", 0, (), None)
    assert (claim.fact.kind, claim.lead) == ("responsibility", "市农业农村局")
    assert "财政" not in claim.duty and claim.duty.startswith("乡村振兴年度工作要点")


@pytest.mark.parametrize("text", [
    "2023年，全县新建村级污水处理站12座。",
    "2024年全市完成高标准农田建设30万亩，改造老旧管网80公里。",
])
def test_a_past_year_with_what_was_done_is_no_claim(text) -> None:
    assert claims_of(text, 0, (), None) == []


@pytest.mark.parametrize("text", [
    "2025年底前，全县新建村级污水处理站12座。",   # a deadline: 前 after the year
    "力争2025年，全县新建村级污水处理站12座。",    # intent
    "到2025年，高标准农田面积达到30万亩。",
])
def test_a_past_year_as_a_deadline_or_an_intent_is_still_a_claim(text) -> None:
    assert claims_of(text, 0, (), None)


@pytest.mark.parametrize(("text", "read"), [
    ("绿色产业产值达到十二亿元以上", "达到12亿元以上"),
    ("新建三千二百座", "新建3200座"),
    ("累计两万亩", "累计2万亩"),
    ("生猪饲养量发展到三百二十万头", "发展到320万头"),
])
def test_a_chinese_number_before_a_counting_unit_is_read_as_a_figure(text, read) -> None:
    assert read in read_numerals(text)[0]


@pytest.mark.parametrize("text", ["推行一处一策", "建设一个中心", "打造十个示范村"])
def test_a_chinese_number_without_a_verb_of_value_is_left_as_written(text) -> None:
    assert read_numerals(text)[0] == text


def test_a_lead_body_after_an_opening_clause_is_read() -> None:
    (claim,) = claims_of("按照省里统一部署，市水利局会同市财政局等有关部门编制年度工作计划。", 0, (), None)
    assert (claim.lead, claim.duty) == ("市水利局", "编制年度工作计划")


# ------------------------------------------------------- 7. checked against another document
def test_a_plan_can_be_checked_against_a_national_document_and_names_it(kb) -> None:
    from kb.errors import BadInput

    text = "到2025年，全区细颗粒物浓度比2020年下降10%。\n重度及以上污染天数比率控制在1%以内。\n"
    national = "national_air_quality_action_plan_2023"
    found = check_text(kb, text, against=national)
    assert found and all(f.citation is not None and f.citation.doc_id == national for f in found)
    assert {f.verdict for f in found} == {"consistent"}
    default = check_text(kb, text)  # the city's own plan by default
    assert all(f.citation is None or f.citation.doc_id != national for f in default)
    with pytest.raises(BadInput):
        check_text(kb, text, against="no_such_document")
