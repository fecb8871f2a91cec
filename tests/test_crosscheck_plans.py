"""核对 on two realistic department plans (an air plan of 生态环境局, a rural plan of 农业农村局):
Chinese numerals, the year nearest the figure, 现状 statements, responsibilities, indicators of
another kind, year-only directions — and the same result from .txt, .docx and .pdf."""

from __future__ import annotations

import json
from pathlib import Path

import docx
import pytest

from kb.cli import main
from kb.crosscheck import check_file, findings_json
from kb.crosscheck_claims import cn_number, is_baseline, read_numerals

DATA = Path(__file__).parent / "data"
PLANS = {"air": DATA / "dept_air_plan.txt", "rural": DATA / "dept_rural_plan.txt"}


def _expected() -> list[tuple[str, str, str, str, str]]:
    rows = []
    for line in (DATA / "dept_plans_expected.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            plan, statement, indicator, verdict, what = (line.split("\t") + [""] * 5)[:5]
            rows.append((plan, statement, indicator, verdict, what))
    return rows


def _as_docx(src: Path, out: Path) -> Path:
    d = docx.Document()
    for line in src.read_text(encoding="utf-8").splitlines():
        d.add_paragraph(line)
    d.save(str(out))
    return out


def _as_pdf(src: Path, out: Path) -> Path:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(out))
    c.setFont("STSong-Light", 9)
    y = 800
    for line in src.read_text(encoding="utf-8").splitlines():
        c.drawString(40, y, line)
        y -= 16
    c.save()
    return out


def _verdicts(findings) -> list[tuple[str, str, str]]:
    return [(f.statement.rstrip("。；"), f.indicator, f.verdict) for f in findings]


def test_plans_verdicts(kb) -> None:
    findings = {plan: check_file(kb, path) for plan, path in PLANS.items()}
    expected = _expected()
    judged = [e for e in expected if e[3] != "none"]
    assert len(judged) >= 20
    right, false_alarms = 0, []
    for plan, statement, indicator, verdict, what in judged:
        hits = [f for f in findings[plan] if f.statement.rstrip("。；") == statement.rstrip("。；")
                and (not indicator or indicator in f.indicator)]
        assert len(hits) == 1, f"{statement} [{indicator}]: {len(hits)} findings"
        f = hits[0]
        if f.verdict == "conflict" and verdict != "conflict":
            false_alarms.append(statement)
        if f.verdict == verdict and (verdict != "conflict" or what in f.difference):
            right += 1
    assert not false_alarms
    assert right >= len(judged) - 1, f"{right} of {len(judged)} right"
    # 现状 statements and prose give no finding at all.
    silent = {e[1].rstrip("。；") for e in expected if e[3] == "none"}
    assert not [f.statement for fs in findings.values() for f in fs if f.statement.rstrip("。；") in silent]


def test_one_finding_per_statement_and_indicator(kb) -> None:
    for path in PLANS.values():
        keys = [(f.statement, f.indicator) for f in check_file(kb, path)]
        assert len(keys) == len(set(keys))


@pytest.mark.parametrize("plan", sorted(PLANS))
def test_txt_docx_pdf_agree(kb, tmp_path: Path, plan) -> None:
    src = PLANS[plan]
    base = _verdicts(check_file(kb, src))
    assert _verdicts(check_file(kb, _as_docx(src, tmp_path / "plan.docx"))) == base
    assert _verdicts(check_file(kb, _as_pdf(src, tmp_path / "plan.pdf"))) == base


def test_json_names_the_document_and_keeps_the_alias(kb, capsys) -> None:
    s = kb.settings
    assert main(["--corpus", str(s.corpus), "--index", str(s.index), "check", str(PLANS["air"]), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)["findings"]
    found = [r for r in rows if r["verdict"] != "not_found"]
    assert found and all(r["doc_id"] and r["dept_value"] == r["plan_value"] for r in found)
    assert main(["--corpus", str(s.corpus), "--index", str(s.index), "check", str(PLANS["air"])]) == 0
    out = capsys.readouterr().out
    assert "指标：重度及以上污染天数比率" in out and "《美丽江城建设规划" in out


def test_findings_json_summary_counts(kb) -> None:
    findings = check_file(kb, PLANS["rural"])
    summary = findings_json(findings)["summary"]
    assert sum(summary.values()) == len(findings)


@pytest.mark.parametrize(("text", "value"), [("九十五", 95), ("百", 100), ("一百", 100), ("十七", 17), ("三点五", 3.5),
                                             ("12.5", 12.5)])
def test_chinese_numbers(text, value) -> None:
    assert cn_number(text) == value


@pytest.mark.parametrize(("text", "figure"), [("不低于九成", "90%"), ("达到八成五以上", "85%"), ("百分之百", "100%"),
                                              ("七成以上", "70%"), ("百分之九十五", "95%"), ("半数以上", "50%"),
                                              ("收入翻一番", "提高100%")])
def test_numerals_read_as_figures(text, figure) -> None:
    assert figure in read_numerals(text)[0]


def test_numerals_leave_words_alone() -> None:
    assert read_numerals("全面建成，形成合力，成效显著")[0] == "全面建成，形成合力，成效显著"
    assert read_numerals("比例保持在88%—90%")[1] == (88.0, 90.0)


@pytest.mark.parametrize(("sentence", "baseline"), [
    ("2024年，全市空气优良天数比例为88.5%。", True),
    ("截至2024年底，处理率已达到100%。", True),
    ("目前，全市农村公路“新三通”比例为90%。", True),
    ("到2027年，空气优良天数比例达到90%以上。", False),
    ("“新三通”比例2035年达到100%。", False),
    ("2023年，全市万元GDP用水量同比下降4.1%，累计建成节水型企业15家。", True),  # a change already counted
    ("到2027年，累计建成节水型企业30家。", False),  # counted toward a future year: a target
])
def test_baseline_statements(sentence, baseline) -> None:
    assert is_baseline(sentence) is baseline
