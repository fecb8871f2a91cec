"""Briefs: docx with table and picture, Markdown, every number traceable to its cited quote."""

import re
from pathlib import Path

import docx
import pytest

from kb.brief import PHASE_QUOTE_MAX, collect
from kb.brief_borders import narrow
from kb.brief_render import summary_lines, write_brief
from kb.brief_same import same_indicator
from kb.brief_types import NO_YEAR
from kb.brief_year import home_chapters
from kb.cite import numbers_in
from kb.cli import main
from kb.errors import BadInput
from kb.topic_match import text_in_topic, topic_sections, under

TOPICS = [("蓝天保卫战", None), ("新能源汽车", None), ("黑土地", None), ("湿地", None), ("森林", None),
          ("大气", 2027), ("耕地", 2035), ("水", 2027)]


@pytest.mark.parametrize(("topic", "year"), TOPICS)
def test_every_number_is_in_its_cited_quotes(kb, topic, year) -> None:
    b = collect(kb, topic, year)
    refs = {c.n: c for c in b.references}
    rows = [*b.targets, *b.milestones, *b.deadlines, *b.phases, *[t.heading for t in b.tasks],
            *[m for t in b.tasks for m in t.measures], *b.projects]
    assert rows
    for row in rows:
        quoted = " ".join(refs[n].quote + refs[n].section for n in row.refs)  # a phase's years: its section
        for cell in row.cells[:5] if row in (*b.targets, *b.milestones) else row.cells:
            for number in numbers_in(cell):
                assert number in quoted, f"{topic}: {number} of {cell!r} not in {quoted!r}"
    for c in b.references:
        assert kb.index.docs[c.doc_id].text[c.start : c.end] == c.quote
    if year:
        assert all(r.cells[4] in (f"{year}年", NO_YEAR) for r in b.targets)  # 未写年份: in force whatever the year
        assert all(int(r.cells[4][:4]) != year for r in b.milestones)
        shown = {r.fact.indicator for r in b.targets if r.fact is not None}
        secs = {p for d in kb.local_documents() for p in topic_sections(topic, d, kb.embedder)}
        # later years: where a shown target goes next, an indicator the topic's words name, or the
        # topic's own sections
        assert all(same_indicator(r.fact.indicator, shown) or text_in_topic(topic, r.fact.indicator)
                   or under(r.fact.path, secs) for r in b.milestones if int(r.cells[4][:4]) > year)


def test_a_year_brief_shows_the_earlier_milestones_of_its_indicators(kb) -> None:
    b = collect(kb, "绿色交通", 2035)
    shown = {r.cells[0] for r in b.targets}
    assert b.milestones
    assert all(r.cells[0] in shown or text_in_topic("绿色交通", r.cells[0]) for r in b.milestones)
    assert any(r.cells[0] in shown for r in b.milestones)  # the same indicator, an earlier year


def test_the_home_chapter_of_a_topic_lends_its_dated_statements(kb) -> None:
    """A chapter most of whose parts are in the topic: its statements of the year that are close to
    the topic in meaning are in the brief, though their own part's title does not name the topic."""
    doc = kb.local_documents()[0]
    secs = narrow("水", doc, topic_sections("水", doc, kb.embedder))  # the sections as the brief has them
    assert home_chapters(doc, secs)
    b = collect(kb, "水", 2027)
    outside = [r for r in b.deadlines if r.fact is not None and not under(r.fact.path, secs)]
    assert outside
    assert all(r.fact.path[0] in {c[0] for c in home_chapters(doc, secs)} for r in outside)
    # a topic whose sections are one part of their chapter has no home chapter
    assert not home_chapters(doc, topic_sections("蓝天保卫战", doc, kb.embedder))


def test_a_target_dated_by_its_phase_quotes_its_own_clause_not_the_phase_paragraph(kb) -> None:
    b = collect(kb, "水", 2027)
    refs = {c.n: c for c in b.references}
    phased = [r for r in b.targets if r.cells[5].startswith("第") and "阶段" in r.cells[5]]
    assert phased
    for r in phased:
        quotes = [refs[n].quote for n in r.refs]
        assert any(r.cells[2] in q for q in quotes)
        assert all(len(q) <= PHASE_QUOTE_MAX for q in quotes)  # not the whole phase paragraph
        assert all(r.cells[4].rstrip("年") in refs[n].section for n in r.refs)  # the years: the phase


def test_the_summary_says_first_what_the_year_lacks_then_the_phase_goals(kb) -> None:
    b = collect(kb, "水环境", 2030)
    lines = summary_lines(b)
    assert b.year_note and lines[0].startswith("说明") and b.year_note in lines[0] and b.phase_note in lines[0]
    assert b.phases and lines[1].startswith("阶段目标")
    assert sum(line.startswith("说明") for line in lines) == 1
    b = collect(kb, "蓝天保卫战", 2027)  # a year with its own targets: the phase goals lead
    assert not b.year_note and summary_lines(b)[0].startswith("阶段目标")


def test_phase_goals_are_grouped_by_phase_and_drawn_on_the_timeline(kb) -> None:
    b = collect(kb, "水环境", 2030)
    line = next(x for x in summary_lines(b) if x.startswith("阶段目标"))
    assert all(line.count(p) == 1 for p in {r.cells[0] for r in b.phases})
    assert all(r.fact is not None and r.fact.year for r in b.phases)
    assert {r.fact.year for r in b.phases} <= {f.year for f in b.dated}


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
    write_brief(kb, "新能源汽车", None, tmp_path / "all.md")
    assert (tmp_path / "all.timeline.png").exists()


def test_topic_with_nothing_gives_clear_message(kb, tmp_path: Path, capsys) -> None:
    with pytest.raises(BadInput, match="没有与“航天发射”相关"):
        collect(kb, "航天发射")
    settings = kb.settings
    code = main(["--corpus", str(settings.corpus), "--index", str(settings.index), "brief", "--topic", "航天发射",
                 "--out", str(tmp_path / "x.docx")])
    assert code == 2 and not (tmp_path / "x.docx").exists()
    assert capsys.readouterr().err.count("\n") == 1


def test_sky_2027_has_every_air_target(kb, tmp_path: Path) -> None:
    md = write_brief(kb, "蓝天保卫战", 2027, tmp_path / "b.md").read_text(encoding="utf-8")
    for figure in ("90%", "30微克", "1.2%"):
        assert figure in md, figure


def test_same_topic_matcher_as_targets(kb) -> None:
    b = collect(kb, "蓝天保卫战", 2027)
    in_brief = {(r.fact.indicator, r.cells[2]) for r in b.targets if r.fact is not None}
    in_table = {(f.indicator, f.value) for f in kb.targets(year=2027, topic="蓝天保卫战")}
    assert in_table and in_table <= in_brief | {(i, v) for i, v in in_table if not i}


def test_year_covers_phase_spans(kb, tmp_path: Path, capsys) -> None:
    s = kb.settings
    out = tmp_path / "c.md"
    code = main(["--corpus", str(s.corpus), "--index", str(s.index), "brief", "--topic", "碳达峰碳中和", "--year", "2035",
                 "--out", str(out)])
    assert code == 0
    md = out.read_text(encoding="utf-8")
    assert "第二阶段（2028—2030年）：碳达峰目标顺利实现" in md and "第三阶段（2031—2035年）" in md
    assert "17%" in md and "专栏2绿色低碳转型发展重大工程" in md  # the energy target, the 专栏 by meaning
    assert "新能源公交车" not in md.split("## 目标指标")[-1].split("## 重点任务")[0]  # no transport table


def test_a_year_without_targets_lists_the_nearest_years_figures(kb) -> None:
    """A trainer still needs figures: a year with none gets the nearest years' targets, said so,
    naming only years the table holds; a phase of the year that is silent on the topic is said so."""
    b = collect(kb, "水环境", 2030)
    assert b.targets and "规划未单列2030年“水环境”的量化目标" in b.year_note
    assert all(r.cells[4] != "2030年" for r in b.targets)
    named = set(re.findall(r"(20\d\d)年", b.year_note.split("取最近的")[1]))
    assert named == {r.cells[4].rstrip("年") for r in b.targets if r.cells[4] != NO_YEAR}
    assert "第二阶段（2028—2030年）" in b.phase_note


def test_measures_run_to_the_next_heading_and_keep_the_brief_year(kb) -> None:
    """A lead's measures continue over the paragraphs after it until the next heading; in a dated
    brief a measure that states only another year's deadline is left out."""
    doc = next(d for d in kb.documents() if d.meta.level == "municipal")
    b = collect(kb, "蓝天保卫战", 2027)
    for t in b.tasks:
        for m in t.measures:
            years = set(re.findall(r"[到至](20\d\d)年", m.cells[0]))
            assert not years or "2027" in years, m.cells[0]
    quotes = {c.n: c for c in b.references}
    lead_end = {s.start: s.end for s in doc.sections if s.kind == "lead"}
    beyond = [m for t in b.tasks for m in t.measures
              if quotes[m.refs[0]].start >= lead_end.get(doc.text.find(t.heading.cells[0]), len(doc.text))]
    assert beyond  # the plan's 突出重点领域治理 runs over two paragraphs


def test_brief_keeps_to_the_city_plan_unless_asked(kb) -> None:
    from kb.brief import brief_documents

    default = brief_documents(kb)
    assert {d.meta.level for d in default} == {"municipal"}
    assert len(brief_documents(kb, "all")) == len(list(kb.documents()))
    with pytest.raises(BadInput):
        brief_documents(kb, "no_such_document")


def test_comparator_is_the_source_word(kb) -> None:
    b = collect(kb, "蓝天保卫战", 2027)
    refs = {c.n: c.quote for c in b.references}
    for r in b.targets:
        # the words before and after the figure (「保持在…以上」), each as the source writes them
        assert all(w in refs[r.refs[0]] for w in r.cells[1].split("…")) or r.cells[1] == "达到", r.cells


def test_tasks_are_cited_measures_under_headings(kb) -> None:
    b = collect(kb, "蓝天保卫战")
    assert b.tasks and all(t.measures for t in b.tasks)
    measures = " ".join(m.cells[0] for t in b.tasks for m in t.measures)
    assert "秸秆还田" in measures and "清洁取暖" in measures
    assert all(len(m.refs) == 1 for t in b.tasks for m in t.measures)
    assert b.projects and any("专栏" in c.section for c in b.references)


def test_summary_is_read_aloud_not_counted(kb, tmp_path: Path) -> None:
    """The 摘要 states goals; no generated statistics sentence (「本简报收录：目标指标3项……」)."""
    from kb.brief_render import summary_lines

    b = collect(kb, "新能源汽车")
    assert b.targets and not any("本简报收录" in line or "项、" in line for line in summary_lines(b))
    md = write_brief(kb, "新能源汽车", None, tmp_path / "n.md").read_text(encoding="utf-8")
    table = md.split("## 时限任务")[1].split("\n## ")[0] if b.deadlines else ""
    assert table.count("\n| 20") == len(b.deadlines)
    assert md.index("## 摘要") < md.index("## 目标指标")


@pytest.mark.parametrize(("topic", "year"), [("蓝天保卫战", 2027), ("碳达峰碳中和", 2035), ("水环境", 2030)])
def test_citations_are_used_and_hold_more_than_a_heading(kb, topic, year) -> None:
    """Every reference is cited in the body and every mark has its reference; no citation quotes
    only a heading (a phase's 「第一阶段（2024—2027年）」 or a lead's title); one mark a target."""
    b = collect(kb, topic, year)
    doc_titles = {s.start: s.title for d in kb.documents() for s in d.sections}
    rows = [*b.targets, *b.milestones, *b.deadlines, *b.phases, *(m for t in b.tasks for m in t.measures),
            *b.projects, *b.elsewhere]
    cited = {n for r in rows for n in r.refs}
    assert cited == {c.n for c in b.references}
    assert all(not t.heading.refs for t in b.tasks)
    # a lead the copy put after its own heading (the heading glued to the paragraph before) is a measure
    paths = {s.path for d in kb.documents() for s in d.sections}
    moved = {n for t in b.tasks if t.path not in paths for m in t.measures for n in m.refs}
    for c in b.references:
        assert c.n in moved or c.quote.strip().rstrip("。") != doc_titles.get(c.start, "").rstrip("。"), c.quote
    assert all(len(r.refs) == 1 for r in b.targets)


def test_references_do_not_repeat_the_body(kb, tmp_path: Path) -> None:
    md = write_brief(kb, "蓝天保卫战", 2027, tmp_path / "b.md").read_text(encoding="utf-8")
    refs = md.split("## 出处")[1]
    body = md.split("## 出处")[0]
    assert len(refs) < len(body) / 2
    assert "天蓝水净、沃土绿野" not in refs  # a chapter said by its number (四), the part under it whole
    assert "四（一）持续打好蓝天保卫战" in refs


def test_off_topic_listings_are_left_out(kb) -> None:
    """A deadline whose topic is one of many listed things (a platform 以“大气环境”“水环境”“声环境”……
    为主体) is not the topic's; a 专栏 item listing projects of several fields gives only the topic's."""
    sky = collect(kb, "蓝天保卫战", 2027)
    assert not any("智慧监管平台" in r.cells[1] for r in sky.deadlines)
    water = collect(kb, "水环境", 2030)
    listed = " ".join(r.cells[0] for r in water.projects)
    assert "农村生活污水治理项目" in listed and "农村四好公路" not in listed and "鳌龙河" in listed


def test_pptx_one_slide_a_section_with_the_chart(kb, tmp_path: Path) -> None:
    from pptx import Presentation

    b = collect(kb, "蓝天保卫战")
    out = write_brief(kb, "蓝天保卫战", None, tmp_path / "b.pptx")
    slides = list(Presentation(str(out)).slides)
    titles = [s.shapes.title.text for s in slides if s.shapes.title is not None]
    assert "摘要" in titles and "目标指标" in titles and "时间轴" in titles
    assert sum(t.startswith("重点任务：") for t in titles) >= len(b.tasks)
    assert any(sh.shape_type == 13 for s in slides for sh in s.shapes)  # the timeline picture
    text = " ".join(sh.text_frame.text for s in slides for sh in s.shapes if sh.has_text_frame)
    assert "90%" in text and "1.2%" in text


@pytest.mark.parametrize(("topic", "year"), TOPICS)
def test_summary_targets_keep_the_source_words(kb, topic, year) -> None:
    """The 摘要 states each target in the source's own clause (以内 stays 以内), with its year."""
    from kb.brief import collect, target_sentence
    b = collect(kb, topic, year)
    texts = [d.text for d in kb.documents()]
    for r in b.targets:
        sentence = target_sentence(r)
        assert r.clause and any(r.clause in t for t in texts)
        assert r.clause.rstrip("，。；") in sentence
        if r.cells[4] and r.cells[4] != NO_YEAR:
            assert r.cells[4].rstrip("年") in sentence


def test_a_timeline_needs_two_years(kb, tmp_path: Path) -> None:
    import dataclasses

    from kb.brief_render import _chart

    b = collect(kb, "蓝天保卫战", 2027)
    assert _chart(b, tmp_path / "two.png") is not None
    one = dataclasses.replace(b, dated=tuple(f for f in b.dated if f.year == 2027))
    assert one.dated and _chart(one, tmp_path / "one.png") is None


@pytest.mark.parametrize(("topic", "year"), [("蓝天保卫战", 2027), ("碳达峰碳中和", 2035), ("水环境", 2030)])
def test_tasks_are_short_and_other_chapters_add_what_they_miss(kb, topic, year) -> None:
    """A task lists at most MEASURES_PER_TASK measures, those naming the topic first, and counts the
    rest; sentences of other chapters that name the topic come once, never a quote the brief
    already holds, never a heading."""
    from kb.brief_tasks import ELSEWHERE_MAX, MEASURES_MIN, MEASURES_PER_TASK, MEASURES_TOTAL
    from kb.topic_match import text_in_topic

    b = collect(kb, topic, year)
    cap = max(len(t.measures) for t in b.tasks)
    assert b.tasks and MEASURES_MIN <= cap <= MEASURES_PER_TASK
    assert cap == MEASURES_MIN or sum(len(t.measures) for t in b.tasks) <= MEASURES_TOTAL  # a few pages
    assert all(t.more == 0 or len(t.measures) == cap for t in b.tasks)  # the rest counted
    assert len(b.elsewhere) <= ELSEWHERE_MAX
    by_n = {c.n: c for c in b.references}
    other = [by_n[n] for r in (*b.targets, *b.milestones, *b.deadlines, *b.phases, *b.projects,
                               *(m for t in b.tasks for m in t.measures)) for n in r.refs]
    doc_titles = {s.start for d in kb.documents() for s in d.sections}
    for r in b.elsewhere:
        assert text_in_topic(topic, r.cells[0])
        c = by_n[r.refs[0]]
        assert c.start not in doc_titles
        assert not any(o.doc_id == c.doc_id and o.start < c.end and c.start < o.end for o in other)


def test_a_summary_without_a_figure_on_the_topic_itself_says_so(kb) -> None:
    import dataclasses

    b = collect(kb, "蓝天保卫战", 2027)
    assert any(x.startswith("主要目标") for x in summary_lines(b))
    other = dataclasses.replace(b, topic="航天发射")  # no target names it
    assert any(x.startswith("相关指标（原文没有直接以“航天发射”命名的量化指标") for x in summary_lines(other))


def test_a_topic_section_without_lead_sentences_gives_a_task_under_its_title(kb) -> None:
    """A section of the topic written as plain sentences (no 「加强……。」 leads) is a task headed by
    its title; its sentences are not listed again as other chapters' statements."""
    b = collect(kb, "湿地")
    doc = next(d for d in kb.documents() if d.doc_id == b.references[0].doc_id)
    kinds = {s.path: s.kind for s in doc.sections}
    plain = [t for t in b.tasks if kinds.get(t.path) == "section"]
    assert plain and all(not t.heading.cells[0].startswith("（") for t in plain)
    other = {c.section for c in b.references if any(c.n in r.refs for r in b.elsewhere)}
    assert not {" › ".join(t.path) for t in plain} & other


def test_the_timeline_draws_phase_goals_in_their_own_colour(tmp_path: Path) -> None:
    from kb import chart
    from kb.types import Fact

    facts = [Fact("phase", "d", "碳达峰目标顺利实现", 0, 9, ("第二阶段（2028—2030年）",), year=2030,
                  subject="第二阶段：碳达峰目标顺利实现"),
             Fact("target", "d", "到2027年，某某比例达到50%", 0, 9, (), "某某比例", "≥", "50", "%", 2027)]
    assert chart._COLORS["phase"] not in (chart.TARGET_COLOR, chart.DEADLINE_COLOR)
    assert chart.timeline_png(facts, tmp_path / "t.png", title="") is not None


def test_docx_table_rows_never_split_over_pages(kb, tmp_path: Path) -> None:
    from docx.oxml.ns import qn

    d = docx.Document(str(write_brief(kb, "水环境", 2030, tmp_path / "b.docx")))
    rows = [r for t in d.tables for r in t.rows]
    assert rows and all(r._tr.trPr is not None and r._tr.trPr.find(qn("w:cantSplit")) is not None for r in rows)


def test_the_opening_line_names_only_the_parts_the_brief_has(kb) -> None:
    b = collect(kb, "黑土地保护", 2027)
    assert "目标指标" in b.scope and ("时限任务" in b.scope) == bool(b.deadlines)
    b = collect(kb, "水环境", 2030)
    # a year without targets: said once, as the summary's first line, not again in the opening line
    assert b.year_note and b.year_note not in b.scope and b.year_note in summary_lines(b)[0]
