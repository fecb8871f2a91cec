"""Outline questions of other shapes (kb/answer/outline.py, kb/answer/phases.py): a part under an
unnumbered heading line, the phases asked as steps or by a topic, a year's phase asked as what the
city will look like, and a run of numbered parts. Expectations come from the documents' own text."""

from __future__ import annotations

import pytest

from tests.test_outline import FIXTURE, PLAN, _fixture_kb, _top, _verbatim


def test_a_part_named_by_an_unnumbered_heading_line_gives_the_paragraphs_under_it(kb):
    """「主要目标」 alone on its line (no number): the paragraphs under it, up to the next heading."""
    doc = next(d for d in kb.index.docs.values() if any(ln.strip() == "主要目标" for ln in d.text.split("\n")))
    at = doc.text.index("\n主要目标\n") + len("\n主要目标\n")
    under = []
    for line in doc.text[at:].split("\n"):
        if len(line) <= 30 and not line.endswith("。"):
            break
        under.append(line)
    assert len(under) >= 2
    ans = kb.ask(f"《{doc.meta.title.split()[-1]}》的主要目标按哪几个时间点来安排？")
    assert ans.status == "answered", ans.answer
    assert len(ans.citations) == len(under) and all(any(c.quote in u for u in under) for c in ans.citations)
    _verbatim(kb, ans)


def test_steps_ask_the_phases(kb):
    phases = [s for s in kb.index.docs[PLAN].sections if s.kind == "phase"]
    ans = kb.ask("这个规划准备分几步走？")
    assert all(p.title in ans.answer for p in phases), ans.answer


def test_which_phase_a_topic_is_reached_in(kb):
    """「某事在哪个阶段实现」 (which phase, not how many): the phases whose sentences speak of it,
    each with that sentence; not every phase."""
    phases = [s for s in kb.index.docs[PLAN].sections if s.kind == "phase"]
    ans = kb.ask("规划里，生态环境根本好转安排在哪个阶段？")
    assert ans.status == "answered", ans.answer
    named = [p for p in phases if p.title in ans.answer]
    assert 1 <= len(named) < len(phases), ans.answer
    assert any("根本好转" in c.quote for c in ans.citations), ans.answer
    _verbatim(kb, ans)


def test_what_the_city_will_look_like_by_a_year_is_that_years_phase(kb):
    """「到某年咱市里会变成啥模样」 (invented wording): the phase that ends that year, whole; the
    city as a whole (全市) names no topic inside it."""
    phases = [s for s in kb.index.docs[PLAN].sections if s.kind == "phase"]
    ending = next(p for p in phases if p.title.rstrip("）)").endswith("2030年"))
    ans = kb.ask("到2030年咱市里会变成啥模样？")
    assert ans.status == "answered" and ending.title in ans.answer, ans.answer
    assert not any(p.title in ans.answer for p in phases if p is not ending)


@pytest.mark.parametrize("question, span", [("规划第二到第九部分分别讲什么？", ("部分", 2, 9)),
                                            ("第三至五章的标题是什么？", ("章", 3, 5)),
                                            ("第五到第三部分", ())])
def test_a_run_of_numbered_parts_is_read(question, span):
    from kb.query.outline import outline_ref
    ref = outline_ref(question)
    assert (ref.span if ref else ()) == span


def test_a_run_of_numbered_parts_lists_each_by_its_heading(kb):
    top = _top(kb.index.docs[PLAN])
    ans = kb.ask("规划第三到第五部分各讲什么？")
    assert ans.status == "answered"
    assert [c.quote for c in ans.citations] == [t.title for t in top[2:5]], ans.answer
    _verbatim(kb, ans)


# --- a list named by its heading ----------------------------------------------------------------

@pytest.fixture(scope="module")
def regions(tmp_path_factory):
    return _fixture_kb(tmp_path_factory, FIXTURE.parent / "regions_corpus")


def test_a_heading_named_whole_is_the_list_asked(regions):
    """「重点片区是哪几块」: the section headed 「（二）重点片区」 lists its lead paragraphs, each with
    its name, though every other section speaks of 重点片区 too (invented document)."""
    ans = regions.ask("方案里划的重点片区是哪几块？")
    assert ans.status == "answered", ans.answer
    for name in ("北湖片区", "南河片区", "东塘片区"):
        assert name in ans.answer, ans.answer
    assert "90%" not in ans.answer and "截污纳管" not in ans.answer
    _verbatim(regions, ans)


def test_a_heading_list_shown_for_checking_is_shown_whole(regions):
    """A list shown as 请核对原文 (below the threshold) is shown with its items, not its bare heading."""
    from kb.answer.candidates import prepare, propose
    from kb.answer.pipeline import _related

    asked = prepare(regions.context, "方案里划的重点片区是哪几块？")
    listed = next(p for p in propose(asked.context, asked) if p.strategy == "section_list")
    ans = _related(asked.context, asked, listed)
    assert ans.status == "related" and "请核对原文" in ans.answer, ans.answer
    assert all(n in ans.answer for n in ("北湖片区", "南河片区", "东塘片区")), ans.answer
    _verbatim(regions, ans)
