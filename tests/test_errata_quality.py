"""Errata (corpus/errata.jsonl, kb.errata) and suspicious-span detection (kb.quality).

Table-driven on the plan's real raw web copy: every erratum matches the raw text as often as it
says, the repaired plan normalizes to text with no suspicious span, each real damaged run of the
raw file is flagged, and real clean sentences of the plan are not.
"""

from __future__ import annotations

import json
from pathlib import Path

import opencc
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.errata import Erratum, apply_errata, load_errata
from kb.errors import BadInput
from kb.normalize import normalize
from kb.quality import find_suspicious

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PLAN = "jilin_meili_jiangcheng_plan_2024_2035.raw.txt"
RAW = (CORPUS / PLAN).read_text(encoding="utf-8")
ERRATA = load_errata(CORPUS / "errata.jsonl")
PLAN_ERRATA = [e for e in ERRATA if e.file == PLAN]
_T2S = opencc.OpenCC("t2s")


# --- the errata file --------------------------------------------------------------------------


def test_errata_file_covers_the_plan() -> None:
    assert len(PLAN_ERRATA) >= 11
    assert all((CORPUS / e.file).is_file() for e in ERRATA)
    originals = [e.original for e in ERRATA]
    assert len(originals) == len(set(originals))


@pytest.mark.parametrize("erratum", PLAN_ERRATA, ids=lambda e: e.corrected)
def test_erratum_occurs_exactly_count_times(erratum: Erratum) -> None:
    assert RAW.count(erratum.original) == erratum.count


@pytest.mark.parametrize("erratum", PLAN_ERRATA, ids=lambda e: e.corrected)
def test_erratum_correction_is_clean_simplified(erratum: Erratum) -> None:
    assert erratum.reason.strip()
    assert _T2S.convert(erratum.corrected) == erratum.corrected  # already simplified
    assert normalize(erratum.corrected) == erratum.corrected  # no pinyin, spaces or ASCII punctuation
    assert find_suspicious(erratum.corrected) == []


def test_repaired_plan_has_no_suspicious_span() -> None:
    repaired, applied, problems = apply_errata(RAW, PLAN, ERRATA)
    assert problems == ()
    assert len(applied) == len(PLAN_ERRATA)
    assert find_suspicious(normalize(repaired)) == []


def test_unrepaired_plan_is_flagged_at_every_damaged_run() -> None:
    spans = find_suspicious(normalize(RAW))
    # one span per occurrence of each erratum (the two 秸秆变肉 runs are separate spans)
    assert len(spans) == sum(e.count for e in PLAN_ERRATA)


def test_ingested_plan_reports_errata_and_no_suspicious_span() -> None:
    from kb.ingest import load_corpus

    docs, reports = load_corpus(CORPUS)
    report = next(r for r in reports if r.source_file == PLAN)
    assert report.status == "ok"
    assert report.reason == ""  # no erratum missing or miscounted
    assert len(report.errata_applied) == len(PLAN_ERRATA)
    assert report.suspicious == ()
    plan = next(d for d in docs if d.source_file == PLAN)
    for e in PLAN_ERRATA:
        assert e.corrected in plan.text


@pytest.mark.parametrize(
    ("raw_fragment", "repaired"),
    [
        ("持續(xù)改善?諝赓|(zhì)量平穩(wěn)提升", "持续改善。空气质量平稳提升"),
        ("構(gòu)建從山頂?shù)胶吹谋Wo治理大格局", "构建从山顶到湖泊的保护治理大格局"),
        ("鼓勵有發(fā)展?jié)摿Φ钠髽I(yè)開展", "鼓励有发展潜力的企业开展"),
        ("“秸稈變?nèi)?rdquo;“過腹還田”", "“秸秆变肉”“过腹还田”"),
        ("管理制度?v深推進河湖", "管理制度。纵深推进河湖"),
        ("(四)強化數(shù)字環(huán)?萍贾", "（四）强化数字环保科技支撑"),
    ],
)
def test_errata_then_normalize_reads_right(raw_fragment: str, repaired: str) -> None:
    assert raw_fragment in RAW
    fixed, _, _ = apply_errata(raw_fragment, PLAN, ERRATA)
    assert normalize(fixed) == repaired


# --- load_errata ------------------------------------------------------------------------------

GOOD_LINE = json.dumps({"file": "a.txt", "original": "x", "corrected": "y", "count": 1, "reason": "r"})


def test_load_errata_missing_file(tmp_path: Path) -> None:
    assert load_errata(tmp_path / "errata.jsonl") == ()


def test_load_errata_reads_lines_and_skips_blank(tmp_path: Path) -> None:
    path = tmp_path / "errata.jsonl"
    path.write_text(GOOD_LINE + "\n\n" + GOOD_LINE.replace('"x"', '"z"') + "\n", encoding="utf-8")
    assert load_errata(path) == (Erratum("a.txt", "x", "y", 1, "r"), Erratum("a.txt", "z", "y", 1, "r"))


@pytest.mark.parametrize(
    "bad_line",
    [
        '{"file": "a.txt", "original": "x", "corrected": "y", "count": 1',  # truncated JSON
        '["a.txt", "x", "y", 1]',  # not an object
        '{"file": "a.txt", "corrected": "y", "count": 1}',  # no original
        '{"file": "a.txt", "original": "", "corrected": "y", "count": 1}',  # empty original
        '{"file": "a.txt", "original": "x", "corrected": 3, "count": 1}',  # corrected not a string
        '{"file": "a.txt", "original": "x", "corrected": "y", "count": 0}',
        '{"file": "a.txt", "original": "x", "corrected": "y", "count": "2"}',
        '{"file": "a.txt", "original": "x", "corrected": "y", "count": true}',
    ],
)
def test_load_errata_malformed_line_names_file_and_line(tmp_path: Path, bad_line: str) -> None:
    path = tmp_path / "errata.jsonl"
    path.write_text(GOOD_LINE + "\n\n" + bad_line + "\n", encoding="utf-8")
    with pytest.raises(BadInput) as info:
        load_errata(path)
    assert "line 3" in str(info.value)
    assert str(path) in str(info.value)


# --- apply_errata -----------------------------------------------------------------------------


def test_apply_errata_reports_not_found_without_raising() -> None:
    errata = [Erratum(PLAN, "不存在的乱码??", "x", 1, "test")]
    text, applied, problems = apply_errata("正文", PLAN, errata)
    assert text == "正文"
    assert applied == ()
    assert len(problems) == 1 and problems[0].startswith("erratum not found: 不存在的乱码??")


def test_apply_errata_reports_count_mismatch_and_still_replaces() -> None:
    errata = [Erratum(PLAN, "龍?zhí)", "龙潭", 2, "test")]
    text, applied, problems = apply_errata("龍?zhí)開發區", PLAN, errata)
    assert text == "龙潭開發區"
    assert applied == ("龍?zhí) → 龙潭 ×1",)
    assert len(problems) == 1 and "expected 2 occurrences, found 1" in problems[0]


def test_apply_errata_only_for_its_file() -> None:
    errata = [Erratum("other.txt", "?", "。", 1, "test"), Erratum(PLAN, "a", "b", 2, "test")]
    assert apply_errata("a?a", PLAN, errata) == ("b?b", ("a → b ×2",), ())


# --- find_suspicious: damaged samples ---------------------------------------------------------

# Real damaged runs of the raw web copy (before errata), normalized by the pipeline.
DAMAGED_RAW = [
    "持續(xù)改善?諝赓|(zhì)量平穩(wěn)提升",
    "重點領(lǐng)域?qū)崿F(xiàn)深度脫碳",
    "構(gòu)建從山頂?shù)胶吹谋Wo治理大格局",
    "吉林經(jīng)開區(qū)、龍?zhí)堕_發(fā)區(qū)等產(chǎn)業(yè)園區(qū)集中",
    "鼓勵有發(fā)展?jié)摿Φ钠髽I(yè)開展網(wǎng)絡(luò)貨運",
    "有序?qū)嵤┥镔|(zhì)、電熱能等清潔供暖",
    "千人以 上規(guī);┧こ谈采w人口占比達到70%以上",
    "大力推進秸稈還田、“秸稈變?nèi)?rdquo; 等重大工程",
    "水功能區(qū)劃及管理制度?v深推進",
    "提升工程、龍?zhí)督?jīng)開區(qū)應(yīng)急安全",
    "(四)強化數(shù)字環(huán)?萍贾",
]


@pytest.mark.parametrize("raw_fragment", DAMAGED_RAW)
def test_real_damaged_runs_are_flagged(raw_fragment: str) -> None:
    assert raw_fragment in RAW
    assert find_suspicious(normalize(raw_fragment)), normalize(raw_fragment)


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ("生态环境\ufffd质量", "U+FFFD"),
        ("生态环境质量持续改善，空气质量|平稳提升。", "'|'"),
        ("强化数字环？科技支撑", "question mark"),
        ("生态环境(huán)保护", "pinyin"),
        ("生态环境（jìng）保护", "pinyin"),
        ("重点领域qū）深度脱碳", "broken pinyin"),
        ("“秸秆变肉&rdquo;等重大工程", "HTML entity"),
        ("“秸秆变肉rdquo；等重大工程", "HTML entity"),
        ("&ldquo;两山&rdquo;双向转化", "HTML entity"),
        ("规模化\x07供水工程", "control character"),
        ("生态\u200b环境", "format character"),
        ("生态\ue000环境", "private-use"),
        ("空气谞赓量", "outside GB2312"),
        ("规模化┧供水", "box-drawing"),
        ("规模化こ供水", "kana"),
        ("有发展潜力Φ的企业", "Greek letter"),
        ("重点领域崿F深度脱碳", "Latin"),
        ("龙潭堕_发区", "Latin"),
        ("工程覆盖采w人口", "Latin"),
    ],
)
def test_damage_kinds_are_flagged_with_reason(text: str, why: str) -> None:
    found = find_suspicious(text)
    assert len(found) == 1, found
    offset, snippet, reason = found[0]
    assert why in reason
    assert text[offset] in snippet


def test_table_rows_from_readers_are_not_flagged() -> None:
    # docx/html tables become one line per row with cells joined by " | "
    assert find_suspicious("指标 | 2027年目标\n空气优良天数比例 | 90%\n森林覆盖率|53%") == []


def test_close_findings_merge_into_one_span_and_far_ones_do_not() -> None:
    assert len(find_suspicious("改善？谞赓|量平稳")) == 1
    text = "改善？" + "空气质量平稳提升，空气优良天数比例达到" + "？好"
    assert [offset for offset, _, _ in find_suspicious(text)] == [2, len(text) - 2]


# --- find_suspicious: clean sentences of the plan ---------------------------------------------

# Real sentences of the repaired, normalized plan, chosen for Latin abbreviations, numbers,
# Roman numerals, dashes, quotes, brackets and rare but legitimate place-name characters.
CLEAN = [
    "补齐短板、提质增效，生态环境质量持续改善。",
    ("空气质量平稳提升，空气优良天数比例达到90%以上，城市主要污染物细颗粒物浓度控制在30微克/立方米以下，"
     "重度及以上污染天数比率控制在1.2%以内。"),
    "第一阶段（2024—2027年）。",
    "——全方位畅通“两山”双向转化渠道。",
    "深化环境信息依法披露制度改革，探索开展环境、社会和公司治理评价，鼓励企业开展环境、社会、治理（ESG）信息披露。",
    ("吉林万丰奥威汽轮有限公司二工厂RTO废气升级改造项目、北方地区清洁取暖项目、国能吉林热电厂“等容量替代”"
     "新建2×350MW热电联产项目等。"),
    "到2035年，地下水国控点位Ⅰ—Ⅳ类水比例达到80%以上。",
    "加强Ⅲ类以上放射源和Ⅱ类射线装置的安全监管。",
    ("到2035年，建成统一门户（PC端）、综合展示“一张图”以及统一移动门户APP，推动生态环境综合执法、环境预警、"
     "水环境、大气环境和固体废物等重要业务全面数字化、智慧化。"),
    "利用5G、大数据、人工智能等信息技术，建设“互联网+智慧环保”信息化平台，促进数据共享和业务协同。",
    "化工园区异味溯源调查及Voc预警监测项目，吉林市生态环境局细颗粒物与臭氧协同控制监测能力建设项目",
    "大力推进生态环境导向的开发（EOD）模式和投融资模式创新。",
    "岔路河、鳌龙河、卡岔河等重要江河生态基流得到保障。",
    "吉林奇峰化纤股份有限公司年产30万吨腈纶扩能改造一期（15万吨）项目",
    "立足全市能源资源禀赋，先立后破，严控化石能源消费，持续推进煤电机组“三改联动”，大力发展新能源和清洁能源。",
    "力争蛟河天岗、舒兰榆树沟、桦甸木箕河3个站点纳入国家抽水蓄能中长期规划",
    ("为全面贯彻落实《中共中央、国务院关于全面推进美丽中国建设的意见》（中发〔2023〕30号）和《中共吉林省委、"
     "吉林省人民政府关于印发〈美丽吉林建设规划纲要（2024—2035年）〉的通知》（吉发〔2024〕9号）精神"),
    "全市耕地保有量不低于1354.66万亩，永久基本农田保护面积不低于928.69万亩",
    "专栏2绿色低碳转型发展重大工程",
    # sentences whose damage the errata repair
    "重点领域实现深度脱碳，生态环境品质达到全省一流水平，自然生态优美的美丽江城全面建成。",
    "构建从山顶到湖泊的保护治理大格局，综合运用自然恢复和人工修复两种手段，持之以恒推进生态建设。",
    "各县（市）区千人以上规模化供水工程覆盖人口占比达到70%以上，实现24小时供水和计量收费全覆盖；",
    "全面实施“秸秆变肉”“过腹还田”工程",
]


@pytest.fixture(scope="module")
def repaired_plan_text() -> str:
    repaired, _, _ = apply_errata(RAW, PLAN, ERRATA)
    return normalize(repaired, join_lines=True)


@pytest.mark.parametrize("sentence", CLEAN)
def test_clean_plan_sentences_are_not_flagged(sentence: str, repaired_plan_text: str) -> None:
    assert sentence in repaired_plan_text
    assert find_suspicious(sentence) == []


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_find_suspicious_never_raises_and_offsets_are_valid(text: str) -> None:
    for offset, snippet, why in find_suspicious(text):
        assert 0 <= offset < len(text)
        assert why
        assert text[offset].replace("\n", " ") in snippet
