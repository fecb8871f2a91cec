"""Briefs: docx with table and picture, Markdown, every number traceable to its cited quote."""

import re
from pathlib import Path

import docx
import pytest

from kb.brief import collect, write_brief
from kb.cite import numbers_in
from kb.cli import main
from kb.errors import BadInput

TOPICS = [("蓝天保卫战", None), ("新能源汽车", None), ("黑土地", None), ("湿地", None), ("森林", None),
          ("大气", 2027), ("耕地", 2035), ("水", 2027)]


@pytest.mark.parametrize(("topic", "year"), TOPICS)
def test_every_number_is_in_its_cited_quotes(kb, topic, year) -> None:
    b = collect(kb, topic, year)
    refs = {c.n: c for c in b.references}
    rows = [*b.targets, *b.tasks, *b.projects]
    assert rows
    for row in rows:
        quoted = " ".join(refs[n].quote for n in row.refs)
        for cell in row.cells[:5] if row in b.targets else row.cells:
            for number in numbers_in(cell):
                assert number in quoted, f"{topic}: {number} of {cell!r} not in {quoted!r}"
    for c in b.references:
        assert kb.index.docs[c.doc_id].text[c.start : c.end] == c.quote
    if year:
        assert all(r.cells[4] == f"{year}年" for r in b.targets)


def test_docx_has_table_and_picture(kb, tmp_path: Path) -> None:
    out = write_brief(kb, "蓝天保卫战", None, tmp_path / "brief.docx")
    d = docx.Document(str(out))
    assert d.tables and len(d.tables[0].rows) > 2
    assert d.tables[0].rows[0].cells[0].text == "指标"
    assert d.inline_shapes, "timeline picture missing"
    text = "\n".join(p.text for p in d.paragraphs)
    assert "出处" in text and "细颗粒物" in " ".join(c.text for r in d.tables[0].rows for c in r.cells)


def test_markdown_brief(kb, tmp_path: Path) -> None:
    out = write_brief(kb, "新能源汽车", 2027, tmp_path / "brief.md")
    md = out.read_text(encoding="utf-8")
    assert md.startswith("# 简报：新能源汽车（2027年）")
    assert "| 新能源公交车占比 |" in md and re.search(r"\[\d+\]", md)
    assert (tmp_path / "brief.timeline.png").exists()


def test_topic_with_nothing_gives_clear_message(kb, tmp_path: Path, capsys) -> None:
    with pytest.raises(BadInput, match="没有与“航天发射”相关"):
        collect(kb, "航天发射")
    settings = kb.settings
    code = main(["--corpus", str(settings.corpus), "--index", str(settings.index), "brief", "--topic", "航天发射",
                 "--out", str(tmp_path / "x.docx")])
    assert code == 2 and not (tmp_path / "x.docx").exists()
    assert capsys.readouterr().err.count("\n") == 1
