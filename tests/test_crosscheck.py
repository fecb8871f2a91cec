"""Cross-checking a department plan: verdicts on a written test plan, verbatim quotes, bad input."""

import json
from pathlib import Path

import docx
import pytest

from kb.cli import main
from kb.crosscheck import check_file, check_text, read_plan
from kb.errors import BadInput

DATA = Path(__file__).parent / "data"


def _expected() -> list[tuple[str, str, str]]:
    rows = []
    for line in (DATA / "dept_plan_expected.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            statement, verdict, what = (line.split("\t") + [""])[:3]
            rows.append((statement.rstrip("。"), verdict, what))
    return rows


def test_department_plan_verdicts(kb) -> None:
    findings = check_file(kb, DATA / "dept_plan.txt")
    expected = _expected()
    assert len(expected) >= 20
    by_statement = {f.statement.rstrip("。；"): f for f in findings}
    right = 0
    for statement, verdict, what in expected:
        f = by_statement.get(statement)
        assert f is not None, f"no finding for {statement}"
        if f.verdict == verdict:
            right += 1
            if verdict == "conflict":
                assert what in f.difference, f"{statement}: difference {f.difference!r} does not name {what}"
    assert right / len(expected) >= 0.9
    # Plain prose with no target gives no finding.
    assert not any("加强组织领导" in f.statement for f in findings)


def test_every_source_quote_is_verbatim(kb) -> None:
    for f in check_file(kb, DATA / "dept_plan.txt"):
        if f.citation is not None:
            doc = kb.index.docs[f.citation.doc_id]
            assert doc.text[f.citation.start : f.citation.end] == f.citation.quote


def test_conflict_says_stricter_or_looser(kb) -> None:
    findings = check_text(kb, "到2035年，细颗粒物浓度下降到25微克/立方米以下。\n到2027年，重度及以上污染天数比率控制在1.5%以内。")
    assert [f.verdict for f in findings] == ["conflict", "conflict"]
    assert "更严" in findings[0].difference and "更宽松" in findings[1].difference


def test_docx_and_gbk_uploads(kb, tmp_path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("到2027年，新能源公交车占比达到72%。")
    d.save(str(tmp_path / "plan.docx"))
    assert [f.verdict for f in check_file(kb, tmp_path / "plan.docx")] == ["consistent"]
    (tmp_path / "plan.txt").write_bytes("到2027年，森林覆蓋率達到50%。".encode("gbk"))
    findings = check_file(kb, tmp_path / "plan.txt")
    assert [f.verdict for f in findings] == ["conflict"] and "数值" in findings[0].difference


@pytest.mark.parametrize(("name", "data", "message"), [
    ("empty.txt", b"", "empty"),
    ("big.txt", "到2027年。".encode() * 700_000, "过大"),
    ("fake.docx", b"\x00\x01binary garbage" * 100, "docx"),
    ("plan.xlsx", b"PK\x03\x04", "不支持"),
])
def test_bad_uploads_are_refused_clearly(kb, name, data, message) -> None:
    with pytest.raises(BadInput) as e:
        read_plan(data, name, kb.settings.max_upload_mb)
    assert "\n" not in e.value.one_line()
    assert message.lower() in e.value.one_line().lower() or name in e.value.one_line()


def test_pdf_without_text_layer(kb, tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "scan.pdf"))
    c.rect(100, 100, 200, 200, fill=1)
    c.save()
    with pytest.raises(BadInput, match="OCR|text|文字"):
        read_plan((tmp_path / "scan.pdf").read_bytes(), "scan.pdf", 5)


def test_cli_check_json_and_nothing_written(built_settings, capsys) -> None:
    before = sorted(p.name for p in Path(built_settings.corpus).iterdir())
    index_before = sorted(str(p) for p in Path(built_settings.index).rglob("*"))
    argv = ["--corpus", str(built_settings.corpus), "--index", str(built_settings.index)]
    assert main([*argv, "check", str(DATA / "dept_plan.txt"), "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert {"statement", "verdict", "indicator", "year", "plan_value", "source_value", "citation"} <= set(obj["findings"][0])
    assert sorted(p.name for p in Path(built_settings.corpus).iterdir()) == before
    assert sorted(str(p) for p in Path(built_settings.index).rglob("*")) == index_before
    assert main([*argv, "check", "/nonexistent/plan.txt"]) == 2


def _verdicts(kb, text: str) -> list[tuple[str, str]]:
    return [(f.verdict, f.indicator) for f in check_text(kb, text)]


def test_list_markers_are_numbering_not_indicator(kb) -> None:
    """A department plan numbers its items: （三）, 三、, 3., 第三条 must not hide a target."""
    bare = _verdicts(kb, "到2027年，受污染耕地安全利用率保持在95%以上。")
    assert bare and bare[0][0] == "consistent"
    for marker in ("（三）", "三、", "3.", "第三条"):
        assert _verdicts(kb, f"{marker}到2027年，受污染耕地安全利用率保持在95%以上。") == bare, marker


def test_year_in_the_middle_is_the_deadline_not_the_indicator(kb) -> None:
    found = check_text(kb, "（二）全市森林覆盖率2027年达到53%。")
    assert [f.verdict for f in found] == ["consistent"]
    assert "2027" not in found[0].indicator and found[0].year == 2027


def test_responsibility_duty_is_its_own_clause(kb) -> None:
    """Only the clause naming the lead is the duty; later clauses and 会同 partners are not."""
    led = check_text(kb, "（一）年度行动方案由市住房城乡建设局牵头制定，各县区按分工抓好落实。")
    assert [f.verdict for f in led] == ["conflict"]
    assert "各县区" not in led[0].indicator
    same = check_text(kb, "由市生态环境局会同市发展改革委、市住房城乡建设局等有关部门制定年度行动方案，推动任务落实。")
    assert [f.verdict for f in same] == ["consistent"]


@pytest.mark.parametrize("statement", [
    "（一）本市建设年度行动方案由市住房城乡建设局牵头，会同市发展改革委、市生态环境局制定。",
    "（一）由市发展改革委牵头，会同市住房城乡建设局等有关部门制定本市建设年度行动方案。",
])
def test_a_lead_whose_duty_stands_in_the_partners_clause_is_checked(kb, statement) -> None:
    """「X由A牵头，会同B制定」: the verb and the work can stand in the clause after the lead."""
    found = check_text(kb, statement)
    assert [f.verdict for f in found] == ["conflict"]
    assert "会同" not in found[0].indicator and "行动方案" in found[0].indicator


def test_a_target_the_source_states_twice_agrees_with_either_statement(kb) -> None:
    """The plan states some targets twice, once with 「左右」 and once without: a department that
    copies either statement agrees with the plan (no conflict over the comparator)."""
    plan = [f for f in kb.index.facts if f.kind == "target" and f.doc_id == "jilin_meili_jiangcheng_plan_2024_2035" and f.year]
    twice = [f for f in plan for g in plan if g is not f and (g.indicator, g.year, g.value, g.unit)
             == (f.indicator, f.year, f.value, f.unit) and g.comparator != f.comparator]
    assert twice, "the plan has a target stated twice with different comparators"
    for f in twice:
        quote = f.quote if str(f.year) in f.quote else f"到{f.year}年，{f.quote}"
        found = [x for x in check_text(kb, quote + "。") if x.verdict != "not_found"]
        assert found and all(x.verdict == "consistent" for x in found), (quote, found)
