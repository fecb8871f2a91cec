"""What the index means is written at build and read at load, not re-derived (issue #16 item 5)."""

import json


def test_sentences_are_read_not_re_split(kb):
    from kb.structure import split_sentences

    raw = json.loads((kb.index.folder / "docs.json").read_text(encoding="utf-8"))
    assert all("sentences" in d for d in raw)
    for doc in kb.index.docs.values():
        assert doc.sentences == split_sentences(doc.doc_id, doc.text, doc.sections)
        assert all(doc.text[s.start:s.end] == s.text for s in doc.sentences)


def test_every_vector_names_its_sentence(kb):
    spans = kb.index.vector_sentences
    assert len(spans) == kb.index.vectors.ntotal == len(kb.index.vector_chunks)
    for (doc_id, start, end), pos in zip(spans, kb.index.vector_chunks):
        chunk = kb.index.chunks[int(pos)]
        assert doc_id == chunk.doc_id and chunk.start <= start < end <= chunk.end
