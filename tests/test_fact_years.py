"""Every target answered states its year in a cited quote (integration: the real corpus).

A target in a clause after 「；」 (「到2025年，……；全国……再生水利用率达到25%以上」) is dated by the
year at the head of its paragraph: the answer cites that marker, so the year is never dropped
and never stands outside a quote."""

from __future__ import annotations

from kb.cite import CitationBuilder, sentence_around, ungrounded_numbers


def _year_elsewhere(kb, f) -> bool:
    doc = kb.index.docs[f.doc_id]
    s0, s1 = sentence_around(doc, f.start, f.end)
    return bool(f.year) and str(f.year) not in doc.text[s0:s1]


def test_every_target_line_states_its_year_in_a_quote(kb):
    targets = [f for f in kb.index.facts if f.kind == "target" and f.year]
    dated_elsewhere = [f for f in targets if _year_elsewhere(kb, f)]
    assert dated_elsewhere, "the corpus has targets whose year stands outside their sentence"
    for f in targets:
        cb = CitationBuilder(kb.index.docs)
        line = cb.fact_sentence(f)
        cites = cb.citations()
        assert str(f.year) in " ".join(c.quote for c in cites), (f.quote, line)
        assert ungrounded_numbers(line, cites) == [], line
        assert [c.n for c in cites] == list(range(1, len(cites) + 1))
        assert line.index("[1]") < line.index(f"[{len(cites)}]") or len(cites) == 1
        for c in cites:
            assert kb.index.docs[c.doc_id].text[c.start:c.end] == c.quote
