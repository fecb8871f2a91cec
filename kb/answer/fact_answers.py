"""Strategies that answer from the extracted facts: a target's value, a deadline, a responsible
body, and the date a document was issued."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kb.answer.evidence import after_event, evidence_answer, other_degree
from kb.answer.notice import own_date
from kb.answer.outline import main_document
from kb.cite import CitationBuilder, paragraph_year, sentence_around
from kb.facts_match import canonical_of, match_targets, same_indicator
from kb.indicators import INDICATOR_SYNONYMS
from kb.lexicon import pattern, word_list
from kb.query.documents import kind_of
from kb.types import Answer, Document, Fact, Hit

_EFFECTIVE_RE = pattern("outline.toml", "effective_sentence")

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext
    from kb.query import Query


def _hit_rank(hits: list[Hit], doc_id: str, start: int) -> int:
    for i, h in enumerate(hits):
        if h.chunk.doc_id == doc_id and h.chunk.start <= start < h.chunk.end:
            return i
    return len(hits) + 5


def target_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                   words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    facts = [f for f in kb.index.facts if f.doc_id in allowed and (not q.scope or q.scope in f.scope)]
    ranked = match_targets(q, facts, lambda f: _hit_rank(hits, f.doc_id, f.start), kb.relevance, words)
    if not ranked:
        return None
    per = _one_per_indicator(q, ranked)
    if len(per) >= 2:  # 「绿化覆盖率和人均公园绿地面积各要达到多少」: one line each
        return Answer(q.raw, "answered", _fact_lines(cb, per), cb.citations(), tuple(per))
    best = ranked[0]
    same = [f for f in ranked if same_indicator(f, best)]
    years = _asked_years(q, same)
    if years:
        chosen = [f for f in same if f.year in years]
        if not chosen:
            lines = _fact_lines(cb, _dedupe(sorted(same, key=lambda f: f.year or 0))[:3])
            kind = kind_of(kb.index.docs[best.doc_id].meta.title)  # 规划, 行动计划, 指导意见
            lead = f"{kind}没有给出您所问年份的“{best.indicator}”目标。" + (f"{kind}给出的是：{lines}" if lines else "")
            return Answer(q.raw, "not_found", lead, cb.citations(), tuple(same[:3]))
    else:
        chosen = sorted(same, key=lambda f: f.year or 9999)
    chosen = _dedupe(chosen)[:3]
    if q.figure.plural and not q.county:  # several figures asked (an area and its share): the whole sentence of each figure
        facts_all = _dedupe(chosen + _sentence_mates(kb, q, chosen[0]))
        firsts = {}
        for f in facts_all:
            firsts.setdefault((f.doc_id, sentence_around(kb.index.docs[f.doc_id], f.start, f.end)), f)
        lines = "".join(_dated_sentence(cb, kb.index.docs[f.doc_id], f)
                        for f in sorted(firsts.values(), key=lambda f: (f.doc_id, f.start))[:3])
        return Answer(q.raw, "answered", lines, cb.citations(), tuple(facts_all))
    if q.county and not any(q.county in f.quote + f.scope + f.subject for f in chosen):
        # a county named: the plan's target is city-wide; a sentence about the county itself
        # answers if there is one, else say so rather than pass the city's figure off as the county's.
        own = evidence_answer(kb, q, hits, CitationBuilder(kb.index.docs), words, allowed)
        if own is not None:
            return own
        lines = _fact_lines(cb, chosen)
        lead = f"规划没有单列{q.county}的“{best.indicator}”目标。规划给出的全市目标是：{lines}"
        return Answer(q.raw, "not_found", lead, cb.citations(), tuple(chosen))
    return Answer(q.raw, "answered", _fact_lines(cb, chosen), cb.citations(), tuple(chosen))


def _asked_years(q: Query, facts: list[Fact]) -> tuple[int, ...]:
    """The years asked about: a question that states one year's figure and asks another's (「X年是N，那到Y年呢」) asks
    2035, so a year whose figure the question already states is not asked (unless it is the only one)."""
    stated = q.figure.stated_shares | q.figure.stated_amounts
    if len(q.years) < 2 or not stated:
        return q.years
    known = {f.year for f in facts if f.value in stated}
    return tuple(y for y in q.years if y not in known) or q.years


def _sentence_mates(kb: AnswerContext, q: Query, fact: Fact) -> list[Fact]:
    """The other targets stated in the same sentence as the fact (in the asked years)."""
    s0, s1 = sentence_around(kb.index.docs[fact.doc_id], fact.start, fact.end)
    return [f for f in kb.index.facts if f.kind == "target" and f.doc_id == fact.doc_id and s0 <= f.start < s1
            and (not q.years or f.year in q.years)]


def _fact_lines(cb: CitationBuilder, facts: list[Fact]) -> str:
    """One cited line per fact; two facts of one clause (90%大型矿山、80%中型矿山) share the line."""
    return "".join(dict.fromkeys(cb.fact_sentence(f) for f in facts))


YEARS_PER_INDICATOR = 3  # years of one indicator's targets stated when no year is asked
PER_INDICATOR_MAX = 6  # targets in an answer about several indicators


def _one_per_indicator(q: Query, ranked: list[Fact]) -> list[Fact]:
    """When the question names two or more indicators, the best target of each in the asked year,
    or, no year asked, each year's target of each."""
    if len(q.indicators) < 2:
        return []
    per = []
    for ind in q.indicators:
        fs = [f for f in ranked if canonical_of(f) == ind and (not q.years or f.year in q.years)]
        if fs and not q.years:  # no year named: each year the document states for it (in the best one's document)
            years = {}
            for f in fs:
                if f.doc_id == fs[0].doc_id and (f.scope or "") == (fs[0].scope or ""):
                    years.setdefault(f.year, f)
            per.extend(years[y] for y in sorted(years, key=lambda y: y or 9999)[:YEARS_PER_INDICATOR])
        elif fs:
            per.append(fs[0])
    return sorted(_dedupe(per)[:PER_INDICATOR_MAX], key=lambda f: (f.doc_id, f.start))


def _dedupe(facts: list[Fact]) -> list[Fact]:
    seen, out = set(), []
    for f in facts:
        key = (f.value, f.unit, f.year)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def _dated_sentence(cb: CitationBuilder, doc: Document, f: Fact) -> str:
    """The fact's sentence, cited; with the phase heading cited first when the year is only there."""
    s0, s1 = sentence_around(doc, f.start, f.end)
    if f.year and str(f.year) not in doc.text[s0:s1]:
        for s in doc.sections:
            if s.kind == "phase" and s.start <= f.start < s.end:
                m = cb.cite(doc.doc_id, s.start, s.start + len(s.title))
                return f"{s.title}[{m}]：{cb.quote_sentence(doc.doc_id, s0, s1)}"
        marker = paragraph_year(doc, f.year, s0)
        if marker is not None:  # the year stands earlier in the paragraph (「到2025年，……；」)
            y = cb.cite(doc.doc_id, *marker)
            return f"{doc.text[marker[0]:marker[1]]}[{y}]，{cb.quote_sentence(doc.doc_id, s0, s1)}"
    return cb.quote_sentence(doc.doc_id, s0, s1)


def deadline_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                     words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    rel = kb.relevance
    words = _absorbed(q, words)
    shares = q.figure.stated_shares
    # a figure in another unit than %, stated with its unit's first character
    amounts = q.figure.stated_amounts
    scored = []
    for f in kb.index.facts:
        if f.kind not in ("deadline", "target") or not f.year or f.doc_id not in allowed:
            continue
        rank = _hit_rank(hits, f.doc_id, f.start)
        stated = f.kind == "target" and ((f.unit == "%" and f.value in shares)
                                         or (f.unit not in ("%", "％") and f.value in amounts and f.unit[:1] in q.text))
        doc = kb.index.docs[f.doc_id]
        s0, s1 = sentence_around(doc, f.start, f.end)
        named = any(rel.present(ind, doc.text[s0:s1]) for ind in q.indicators)
        if rank >= 5 and not stated and not named:
            continue  # far from the passages found, unless it names the indicator asked
        if after_event(words, doc.text[s0:s1], q.text):
            continue  # 「达峰后稳中有降」 dates what follows the event, not the event
        if other_degree(q.text, doc.text[s0:s1]):
            continue  # 「基本实现」 dates another milestone than the 「全面实现」 asked
        cov = rel.coverage(words, f.quote + " " + (f.subject or "")) * 0.7 + 0.3 * rel.coverage(words, doc.text[s0:s1])
        if stated and cov > 0:
            # a share stated (N成, N%): the target with that figure, about the same thing
            cov += kb.settings.answering.sentence_min
        # far from the passages found costs coverage, unless the sentence names the indicator asked:
        # found by the index of facts, retrieval's rank then only breaks ties
        scored.append((cov - (0.003 if named else 0.03) * min(rank, 5), f))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0])
    score, f = scored[0]
    if score < kb.settings.answering.sentence_min:
        return None
    steps = _every_year(kb, q, f)
    doc = kb.index.docs[f.doc_id]
    return Answer(q.raw, "answered", "".join(dict.fromkeys(_dated_sentence(cb, doc, x) for x in steps)),
                  cb.citations(), tuple(steps))


def _every_year(kb: AnswerContext, q: Query, f: Fact) -> list[Fact]:
    """「哪一年要达到多大比例」: when and how much, no year named, about a target the document states
    for several years — each year's statement, in year order (the nearest year alone is half the
    answer). Otherwise the fact alone."""
    asks_figure = q.figure.share or q.figure.unit or q.figure.count or q.figure.plural
    if f.kind != "target" or q.years or not asks_figure:
        return [f]
    same = [x for x in kb.index.facts if x.kind == "target" and x.doc_id == f.doc_id and x.year
            and same_indicator(x, f) and (x.scope or "") == (f.scope or "")]
    by_year = {x.year: x for x in sorted(same, key=lambda x: x.start)}
    return [by_year[y] for y in sorted(by_year)][:3] if len(by_year) > 1 else [f]


def _absorbed(q: Query, words: tuple[str, ...]) -> tuple[str, ...]:
    """The key words without those an indicator found already holds (碳排放 in 「碳排放……达峰」 is
    part of 碳达峰's name 碳排放达峰: the event asked is the indicator, not a second topic)."""
    kept: list[str] = []
    for w in words:
        names = [ind for ind in q.indicators if w == ind or w in INDICATOR_SYNONYMS.get(ind, ())]
        if names:  # 达峰 says 碳达峰
            kept.append(names[0])
        elif not any(w in syn for ind in q.indicators for syn in INDICATOR_SYNONYMS.get(ind, ())):
            kept.append(w)
    return tuple(dict.fromkeys(kept)) or words


def responsibility_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                           words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    rel = kb.relevance
    scored = [(rel.coverage(words, f.quote) - 0.05 * _hit_rank(hits, f.doc_id, f.start), f)
              for f in kb.index.facts if f.kind == "responsibility" and _hit_rank(hits, f.doc_id, f.start) < 5]
    if not scored:
        return None
    score, f = max(scored, key=lambda x: x[0])
    if score < kb.settings.answering.sentence_min:
        return None
    doc = kb.index.docs[f.doc_id]
    return Answer(q.raw, "answered", cb.quote_sentence(f.doc_id, *sentence_around(doc, f.start, f.end)),
                  cb.citations(), (f,))


def issued_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                   words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    """When a document was issued or takes effect: a sentence stating 自……起施行 when asked when it
    takes effect and the document has one, else the date line near its top, cited, with the
    issuing sentence. Only the document's text is cited, never metadata."""
    doc = main_document(kb, q, hits, allowed) if hits else None
    if doc is None:
        return None
    # Only when the question is about the document itself (not 「名录什么时候发布」).
    about = doc.meta.title + "".join(word_list("words.toml", "issued_about"))
    if any(w not in about and kb.relevance.df(w) > 0 for w in words):
        return None
    if "in_force" in q.asks:
        effective = next((s for s in doc.sentences if _EFFECTIVE_RE.search(s.text)), None)
        if effective is not None:
            return Answer(q.raw, "answered", cb.quote_sentence(doc.doc_id, effective.start, effective.end),
                          cb.citations())
    m = own_date(doc, kb.settings.answering.notice_head_chars)
    if m is None:
        return None
    issued = [s for s in doc.sentences if s.start < m.start() and any(w in s.text for w in word_list("text.toml", "issuing"))
              and s.start < kb.settings.answering.notice_head_chars]
    lead = cb.quote_sentence(doc.doc_id, issued[0].start, issued[0].end) if issued else ""
    date = cb.quote_span(doc.doc_id, m.start(), m.end())
    if "in_force" in q.asks:
        return Answer(q.raw, "answered", f"文件没有另行写明开始实施的日期。印发它的通知写明：{lead}落款日期：{date}。",
                      cb.citations())
    return Answer(q.raw, "answered", f"{lead}落款日期：{date}。", cb.citations())
