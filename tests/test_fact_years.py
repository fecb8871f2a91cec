"""A target answered states its year in a cited quote when its sentence does (integration: the real corpus).

A target in a clause after 「；」 (「到2025年，……；全国……再生水利用率达到25%以上」) is dated by the
year at the head of its paragraph: the answer cites that marker, so the year is never dropped
and never stands outside a quote."""

from __future__ import annotations

from kb.cite import CitationBuilder, sentence_around, ungrounded_numbers


def _year_before_semicolon(kb, f) -> bool:
    """The fact's year stands earlier in its full sentence (before a 「；」), not in its clause's own."""
    doc = kb.index.docs[f.doc_id]
    s0, s1 = sentence_around(doc, f.start, f.end)
    head = doc.text[max(doc.text.rfind("。", 0, s0), doc.text.rfind("\n", 0, s0)) + 1:s0]
    return bool(f.year) and str(f.year) not in doc.text[s0:s1] and str(f.year) in head


def test_a_target_dated_at_the_head_of_its_sentence_states_its_year_in_a_quote(kb):
    targets = [f for f in kb.index.facts if f.kind == "target" and f.year]
    dated_before = [f for f in targets if _year_before_semicolon(kb, f)]
    assert dated_before, "the corpus has targets whose year stands before a 「；」 of their sentence"
    for f in targets:
        cb = CitationBuilder(kb.index.docs)
        line = cb.fact_sentence(f)
        cites = cb.citations()
        if f in dated_before:
            assert str(f.year) in " ".join(c.quote for c in cites), (f.quote, line)
        assert ungrounded_numbers(line, cites) == [], line
        assert [c.n for c in cites] == list(range(1, len(cites) + 1))
        assert line.index("[1]") < line.index(f"[{len(cites)}]") or len(cites) == 1
        for c in cites:
            assert kb.index.docs[c.doc_id].text[c.start:c.end] == c.quote
