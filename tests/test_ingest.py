"""Ingestion of the real corpus and of new documents dropped into corpus/ in every format."""

import json
import re
import zipfile
from pathlib import Path

import docx
import pytest

from kb.cli import main
from kb.ingest import load_corpus, split_front_matter

CORPUS = Path(__file__).resolve().parent.parent / "corpus"
PLAN = "jilin_meili_jiangcheng_plan_2024_2035"
DAMAGED = {  # the damaged spans named in shared/corpus/README.md → the words they must become
    "?諝赓|(zhì)量": "空气质量",
    "領(lǐng)域?qū)崿F(xiàn)": "领域实现",
    "規(guī);┧こ谈采w人口": "规模化供水工程覆盖人口",
    "龍?zhí)堕_發(fā)區(qū)": "龙潭开发区",
    "“秸稈變?nèi)?rdquo;": "秸秆变肉",
}


def test_plan_is_clean(corpus_docs) -> None:
    text = corpus_docs[PLAN].text
    assert not re.search(r"[(（][a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）]", text), "pinyin annotation left"
    assert not re.search(r"[\u4e00-\u9fff][ \t\u3000]+[\u4e00-\u9fff]", text), "space between CJK characters"
    import opencc

    t2s = opencc.OpenCC("t2s")
    traditional = {ch for ch in set(text) if "\u4e00" <= ch <= "\u9fff" and t2s.convert(ch) != ch}
    assert not traditional, f"traditional-only characters left: {sorted(traditional)[:20]}"
    for fixed in DAMAGED.values():
        assert fixed in text
    assert "?" not in text and "？" not in text and "|" not in text and "rdquo" not in text


def test_damaged_spans_go_through_errata() -> None:
    raw = (CORPUS / f"{PLAN}.raw.txt").read_text(encoding="utf-8")
    errata = [json.loads(line) for line in (CORPUS / "errata.jsonl").read_text(encoding="utf-8").splitlines() if line]
    for original in DAMAGED:
        assert original in raw
        covering = [e for e in errata if original in e["original"] or e["original"] in original]
        assert covering, f"no erratum covers {original}"
        assert all(e["reason"] for e in covering)


def test_quality_report_lists_repairs_and_no_suspicious() -> None:
    _, reports = load_corpus(CORPUS)
    plan = next(r for r in reports if r.doc_id == PLAN)
    assert plan.status == "ok"
    assert plan.annotations_stripped > 2000
    assert len(plan.errata_applied) >= len(DAMAGED)
    assert plan.suspicious == ()
    assert plan.sections > 50


def test_national_partial_front_matter_and_markers(corpus_docs) -> None:
    doc = corpus_docs["national_beautiful_china_opinions_2023"]
    assert doc.meta.completeness == "partial"
    assert doc.meta.level == "national"
    assert doc.meta.doc_number == "中发〔2023〕30号"
    assert "[Segment" not in doc.text and "completeness:" not in doc.text
    assert "到2027年，绿色低碳发展深入推进" in doc.text


def test_front_matter_only_when_keyed() -> None:
    meta, body = split_front_matter("title: 测试\nlevel: provincial\n---\n正文。")
    assert meta == {"title": "测试", "level": "provincial"} and body == "正文。"
    meta, body = split_front_matter("第一行\n---\n正文。")
    assert meta == {} and body.startswith("第一行")


def _write_docx(path: Path) -> None:
    d = docx.Document()
    d.add_paragraph("吉林市大气污染防治实施方案")
    d.add_paragraph("一、工作目标")
    d.add_paragraph("到2027年，細顆粒物濃度下降到30微克/立方米以下。")
    table = d.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "指标"
    table.cell(0, 1).text = "目标值"
    table.cell(1, 0).text = "空气优良天数比例"
    table.cell(1, 1).text = "90%"
    d.save(str(path))


def _write_pdf(path: Path) -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    c = canvas.Canvas(str(path))
    c.setFont("STSong-Light", 12)
    c.drawString(72, 760, "一、总体要求")
    c.drawString(72, 740, "到2030年，森林覆盖率达到53%以上。")
    c.save()


def test_new_documents_in_every_format(corpus_copy: Path) -> None:
    (corpus_copy / "dept_plan_gbk.txt").write_bytes(
        "吉林市水务局实施方案\n一、目标任务\n到2027年，地表水國考斷面優良水體比例保 持在94.7%。\n".encode("gbk"))
    _write_docx(corpus_copy / "dept_air.docx")
    _write_pdf(corpus_copy / "dept_forest.pdf")
    (corpus_copy / "notice.html").write_text(
        "<html><head><title>t</title><script>alert(1)</script></head><body><nav>首页</nav>"
        "<h1>关于加强湿地保护的通知</h1><p>新建重要湿地2处以上。</p></body></html>", encoding="utf-8")
    docs, reports = load_corpus(corpus_copy)
    by_id = {d.doc_id: d for d in docs}
    assert {"dept_plan_gbk", "dept_air", "dept_forest", "notice"} <= set(by_id)
    gbk = by_id["dept_plan_gbk"]
    assert "地表水国考断面优良水体比例保持在94.7%" in gbk.text
    assert any(s.kind == "chapter" and s.title == "一、目标任务" for s in gbk.sections)
    air = by_id["dept_air"]
    assert "细颗粒物浓度下降到30微克/立方米以下" in air.text and "空气优良天数比例 | 90%" in air.text
    assert any(s.title == "一、工作目标" for s in air.sections)
    assert "森林覆盖率达到53%以上" in by_id["dept_forest"].text
    html = by_id["notice"]
    assert "新建重要湿地2处以上" in html.text and "alert" not in html.text and "首页" not in html.text
    assert html.meta.level == "unknown" and html.meta.title.startswith("关于加强湿地保护")
    assert all(r.status == "ok" for r in reports)


def test_bad_files_never_stop_the_build(corpus_copy: Path) -> None:
    (corpus_copy / "empty.txt").write_bytes(b"")
    (corpus_copy / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)
    (corpus_copy / "broken.pdf").write_bytes(b"%PDF-1.4\n garbage garbage")
    (corpus_copy / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    with zipfile.ZipFile(corpus_copy / "notword.docx", "w") as z:
        z.writestr("hello.txt", "hi")
    (corpus_copy / "table.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    docs, reports = load_corpus(corpus_copy)
    assert {d.doc_id for d in docs} >= {PLAN, "national_beautiful_china_opinions_2023"}
    skipped = {r.source_file: r.reason for r in reports if r.status == "skipped"}
    assert set(skipped) == {"empty.txt", "image.txt", "broken.pdf", "broken.docx", "notword.docx", "table.xls"}
    for name, reason in skipped.items():
        assert name in reason and "\n" not in reason


def test_build_report_and_unknown_doc(corpus_copy: Path, tmp_path: Path, capsys) -> None:
    (corpus_copy / "empty.txt").write_bytes(b"")
    index = tmp_path / "index"
    assert main(["--corpus", str(corpus_copy), "--index", str(index), "build"]) == 0
    out = capsys.readouterr().out
    assert "跳过 empty.txt" in out and "去除拼音注音" in out and "可疑片段 0 处" in out
    assert main(["--corpus", str(corpus_copy), "--index", str(index), "doc", "no_such_doc"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no_such_doc" in err
    assert main(["--corpus", str(corpus_copy), "--index", str(index), "doc", "../../etc/passwd"]) == 2
    assert main(["--corpus", str(corpus_copy), "--index", str(index), "doc", PLAN, "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    assert set(obj) == {"doc_id", "title", "issuer", "doc_number", "date", "level", "completeness", "text", "sections"}
    assert obj["title"] == "美丽江城建设规划（2024—2035年）" and obj["level"] == "municipal"
    # a section starts at its heading; a lead sentence may open with its dash (——全领域推动……)
    assert all(obj["text"][s["start"]:s["end"]].lstrip("—").startswith(s["path"][-1][:2]) for s in obj["sections"])
    assert main(["--corpus", str(corpus_copy), "--index", str(index), "doc", "national_air_quality_action_plan_2023",
                 "--json"]) == 0
    air = json.loads(capsys.readouterr().out)
    assert ["一、总体要求", "（三）目标指标"] in [s["path"] for s in air["sections"]]
    assert main(["--corpus", str(corpus_copy), "--index", str(index), "docs", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {r["doc_id"] for r in rows} == {PLAN, "national_beautiful_china_opinions_2023",
                                           "national_air_quality_action_plan_2023",
                                           "national_green_transition_opinions_2024",
                                           "national_wastewater_reuse_opinions_2021"}
    assert {r["doc_id"]: r["completeness"] for r in rows}["national_beautiful_china_opinions_2023"] == "partial"
    assert {r["completeness"] for r in rows} == {"full", "partial"}


@pytest.mark.parametrize("argv", [["ask", ""], ["ask", "   "], ["ask", "？？！！"], ["ask", "😀😀"]])
def test_bad_questions_exit_2(built_settings, argv, capsys) -> None:
    code = main(["--corpus", str(built_settings.corpus), "--index", str(built_settings.index), *argv])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("错误：") and err.count("\n") == 1


def test_hidden_file_is_reported_not_read(tmp_path: Path) -> None:
    (tmp_path / "plan.txt").write_text("一、总体要求\n到2027年，森林覆盖率达到53%。\n", encoding="utf-8")
    (tmp_path / "..dots.txt").write_text("到2027年，湿地保护率达到99%。\n", encoding="utf-8")
    docs, reports = load_corpus(tmp_path)
    assert [d.doc_id for d in docs] == ["plan"]
    skipped = [r for r in reports if r.source_file == "..dots.txt"]
    assert skipped and skipped[0].status == "skipped" and "隐藏文件" in skipped[0].reason
