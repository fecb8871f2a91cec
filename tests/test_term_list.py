"""「某文件对某事提了哪些要求」 (kb/answer/term_list.py): every sentence of the document that names
the thing, in its order, each cited verbatim; declines for a term a heading holds, for a term
one sentence names, and for a whole topic. Expectations come from the document's own sentences."""

from __future__ import annotations

from kb.query import understand

WATER = "national_wastewater_reuse_opinions_2021"


def test_the_requirements_ask_is_read():
    assert "requirements" in understand("那份意见对某种废物提了哪些要求？").asks
    assert "requirements" in understand("规定都有哪些？").asks
    assert "requirements" not in understand("某某要达到多少？").asks


def test_each_sentence_naming_the_thing_is_listed(kb):
    ans = kb.ask("污水资源化指导意见对污泥提了哪些要求？")
    doc = kb.index.docs[WATER]
    naming = [s for s in doc.sentences if "污泥" in s.text and not s.text.startswith("（")]
    assert ans.status == "answered" and len(naming) >= 2
    quoted = {c.quote for c in ans.citations}
    assert sum(1 for s in naming if s.text in quoted) >= min(len(naming), kb.settings.answering.section_max_sentences) - 1
    for c in ans.citations:
        assert kb.index.docs[c.doc_id].text[c.start:c.end] == c.quote


def test_a_clause_of_another_part_adds_no_terms(kb):
    """A second part (「有没有点名具体项目」) does not make its words part of the thing asked about."""
    from kb.answer.candidates import prepare, propose
    asked = prepare(kb.context, "污水资源化指导意见对污泥提了哪些要求？有没有点名具体城市？")
    one = next((p for p in propose(asked.context, asked) if p.strategy == "term_list"), None)
    assert one is not None and all("污泥" in c.quote for c in one.answer.citations)


def test_what_a_document_says_of_one_county_is_every_sentence_naming_it(kb):
    """「规划里提到某县的内容」 (invented wording): each sentence naming the county, cited."""
    ans = kb.ask("规划里提到舒兰的内容都有哪些？")
    assert ans.status == "answered", ans.answer
    assert len(ans.citations) >= 2 and all("舒兰" in c.quote for c in ans.citations), ans.answer
    doc = kb.index.docs[ans.citations[0].doc_id]
    naming = [s for s in doc.sentences if "舒兰" in s.text]
    assert len(ans.citations) == min(len(naming), kb.settings.answering.term_sentences_max)


def test_sentences_naming_the_thing_as_one_phrase_come_first(kb):
    """「对某某某有哪些要求」 (invented wording): of the sentences holding all the thing's words, those
    where the words stand together come before those that scatter them, whatever the text order."""
    from kb.answer.term_list import _window
    assert _window("推进城镇污水管网建设", ("城镇", "污水", "管网")) == 6
    assert _window("城镇周边农村的污水收集与管网延伸", ("城镇", "污水", "管网")) > 8
    ans = kb.ask("污水资源化指导意见对污水收集管网提了哪些要求？")
    if ans.status != "answered" or len(ans.citations) < 2:
        return
    spans = [_window(c.quote, ("污水", "收集", "管网")) for c in ans.citations
             if all(t in c.quote for t in ("污水", "收集", "管网"))]
    tight = sum(len(t) for t in ("污水", "收集", "管网")) + kb.settings.answering.term_phrase_slack
    firsts = [w <= tight for w in spans]
    assert firsts == sorted(firsts, reverse=True), ans.answer


def test_works_of_one_company_listed_under_two_columns_are_all_given(kb):
    """「专栏里点名某公司的项目」 (invented wording): every 专栏 paragraph that names the company as
    well as the best one does gives its project sentence, whatever the retriever's order."""
    from kb.answer.candidates import prepare, propose
    company = "吉林石化"
    columns = {c.section for c in kb.index.chunks if company in c.text and "专栏" in c.section}
    assert len(columns) >= 2
    asked = prepare(kb.context, f"规划专栏里点名{company}的项目有哪些？")
    works = next(p for p in propose(asked.context, asked) if p.strategy == "projects")
    cited = {c.section for c in works.answer.citations}
    assert len(cited) >= 2 and all(company in c.quote for c in works.answer.citations), works.answer.answer
