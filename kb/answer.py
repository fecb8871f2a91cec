"""Extractive, cited answers. Every sentence carries a citation whose quote is a verbatim slice
of the document; every number in the answer appears in a cited quote (checked before return);
when nothing supports an answer the status is not_found and passages are offered as related.

Order of work: refuse what the corpus cannot hold (another city, a missing document, a level
with no document), then try the structured answers the question asks for (a 专栏's list, a
target's value, a deadline, a responsibility, projects), then the best evidence sentences,
each accepted only if it covers the question's key words (and its year and place)."""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from kb.answer_lists import COLUMN_RE, column_answer, project_answer, section_answer
from kb.answer_phases import asks_one_phase, asks_phases, named_phase_answer, phases_answer
from kb.cite import CitationBuilder, sentence_around, ungrounded_numbers
from kb.evidence import WHERE_RE, evidence_answer, where_answer
from kb.facts_match import canonical_of, match_targets, plural_ask, same_indicator
from kb.notice import DATE_RE, HEAD_CHARS, notice_answer, notice_question
from kb.relevance import SENTENCE_MIN
from kb.retrieve import Filters
from kb.types import Answer, Document, Fact, Hit
from kb.understand import LEVEL_WORDS, Query, retrieval_args, understand

if TYPE_CHECKING:
    from kb.api import KnowledgeBase

NOT_FOUND = "语料库中没有找到能回答这个问题的内容，不作推测。下面列出最接近的段落，仅供参考。"


def answer_question(kb: KnowledgeBase, question: str, k: int = 5, filters: Filters | None = None) -> Answer:
    q = understand(question, kb.settings.max_question_chars)
    guessed = kb.indicator_guesser.guess(q)
    if guessed:  # a colloquial target question that names no indicator by a word we know
        q = dataclasses.replace(q, indicators=(guessed,))
    filters = filters or Filters()
    if q.level and not any(d.meta.level == q.level for d in kb.index.docs.values()) and any(
            len(w) >= 4 and w in q.text and any(w in d.text for d in kb.index.docs.values())
            for w in LEVEL_WORDS[q.level]):
        # 「为美丽吉林提供什么」: the plan itself speaks of 美丽吉林, so it is a topic here, not a request
        # for the province's own document (which the corpus lacks); 吉林省, 省委, 省级 stay requests
        q = dataclasses.replace(q, level="")
    refusal = _out_of_corpus(kb, q, filters)
    level = q.level or _level_by_document_kind(kb, q)
    if level and not filters.level and refusal is None:
        filters = Filters(filters.doc_id, level, filters.section)
    hits = kb.retriever.search(q.expansion, k=max(k, 8), filters=filters, **retrieval_args(q))
    if refusal is not None or not hits:
        return _not_found(kb, q, hits, refusal or NOT_FOUND)
    rel = kb.relevance
    words = rel.key_words(q)
    if _PERSON_RE.search(q.text):  # 「哪位领导」: who in person, not a topic of 领导
        words = tuple(w for w in words if w not in _PERSON_WORDS) or words
    allowed = {d.doc_id for d in kb.index.docs.values() if filters.allows_doc(d.doc_id, d.meta.level)}
    for compose in _composers(q):
        cb = CitationBuilder(kb.index.docs)
        ans = compose(kb, q, hits, cb, words, allowed)
        if ans is not None and not ungrounded_numbers(ans.answer, ans.citations):
            if ans.status == "answered" and _PERSON_RE.search(q.text):
                # The plan names bodies, never people: say so, and give what it does say.
                return dataclasses.replace(ans, status="not_found",
                                           answer=f"规划没有写具体人员的姓名。规划写明的是：{ans.answer}")
            return ans
    return _not_found(kb, q, hits, NOT_FOUND)


_DOC_KINDS = ("规划", "意见", "纲要", "方案", "条例", "办法", "通知")


def _level_by_document_kind(kb: KnowledgeBase, q: Query) -> str:
    """「规划提出……」 names the kind of document; when only the documents of one level are of that
    kind (here the city's 规划, the nation's 意见), the question is about that level."""
    kinds = [k for k in _DOC_KINDS if k in q.text]
    if len(kinds) != 1:
        return ""
    levels = {d.meta.level for d in kb.index.docs.values() if kinds[0] in d.meta.title}
    return levels.pop() if len(levels) == 1 else ""


# A phrase the question quotes (“…”「…」) that no document contains names something the corpus
# lacks (a section of the national document that is missing); short ones (“三化”) are paraphrase.
_QUOTED_RE = re.compile(r"[“「\"‘『]([^”」\"’』]{2,40})[”」\"’』]")
QUOTED_MIN = 6


def _out_of_corpus(kb: KnowledgeBase, q: Query, filters: Filters) -> str | None:
    """A reason to refuse before retrieval, or None."""
    for missing in kb.index.known_missing:
        title = re.sub(r"（.*?）|\d", "", missing.get("title", ""))
        if title and (title in q.text or title.replace("建设规划", "") in q.text):
            return f"语料库中没有您提到的文件（{title}），无法据此回答。下面列出语料库中最接近的段落，仅供参考。"
    for m in _QUOTED_RE.finditer(q.text):  # 「健全美丽中国建设保障体系」部分: a part the corpus lacks
        phrase = m.group(1)
        if len(phrase) >= QUOTED_MIN and not any(phrase in d.text for d in kb.index.docs.values()):
            return f"语料库中没有您引用的“{phrase}”，无法据此回答。下面列出语料库中最接近的段落，仅供参考。"
    if q.level and not any(d.meta.level == q.level for d in kb.index.docs.values()):
        name = {"national": "国家级", "provincial": "省级", "municipal": "市级"}[q.level]
        return f"语料库中没有{name}文件，无法回答关于{name}文件的问题。下面列出最接近的段落，仅供参考。"
    return None


_PERSON_RE = re.compile(r"哪位(领导|同志|官员|负责人)?|(?:人|领导|局长|市长|书记|主任|负责人|一把手|他|她)(?:叫啥名|叫什么名)|"
                        r"姓名|名字叫|姓什么|是哪个人|"
                        r"(局长|市长|书记|主任|厅长|处长|部长|科长|负责人|一把手)是谁|谁是.{0,8}(局长|市长|书记|主任|负责人|一把手)")
_PERSON_WORDS = frozenset(["领导", "同志", "官员", "负责人", "局长", "市长", "书记", "主任", "厅长", "处长", "部长",
                           "科长", "一把手", "哪位", "姓名", "名字"])
_ISSUED_RE = re.compile(r"(印发|发布|出台|签发|成文).*(时候|何时|哪天|哪一天|日期|时间|哪年)|(时候|何时|哪天|哪一天|日期|哪年).*(印发|发布|出台|签发)")


def _composers(q: Query):
    if q.place:  # another city: only a sentence that names it can answer
        return
    if _ISSUED_RE.search(q.text):
        yield _issued_answer
    if notice_question(q):
        yield notice_answer
    if asks_phases(q):
        yield phases_answer
    if asks_one_phase(q):
        yield named_phase_answer
    if COLUMN_RE.search(q.text) and q.intent in ("list", "general"):
        yield column_answer
    if WHERE_RE.search(q.text):
        yield where_answer
    if q.intent == "list":  # 「哪些」: a short section under that heading, else the sentences that list them
        yield section_answer
        yield evidence_answer
    if q.intent == "deadline":
        yield _deadline_answer
    if q.intent in ("target", "deadline", "general", "list"):
        yield _target_answer
    if q.intent == "responsibility":
        yield _responsibility_answer
    if q.intent != "list":
        yield evidence_answer
    if q.intent == "list":
        yield project_answer


def _not_found(kb: KnowledgeBase, q: Query, hits: list[Hit], text: str) -> Answer:
    cb = CitationBuilder(kb.index.docs)
    related = tuple(cb.related(h.chunk.doc_id, h.chunk.start, h.chunk.end) for h in hits[:3])
    return Answer(q.raw, "not_found", text, (), (), related)


def _hit_rank(hits: list[Hit], doc_id: str, start: int) -> int:
    for i, h in enumerate(hits):
        if h.chunk.doc_id == doc_id and h.chunk.start <= start < h.chunk.end:
            return i
    return len(hits) + 5


def _target_answer(kb: KnowledgeBase, q: Query, hits: list[Hit], cb: CitationBuilder,
                   words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    facts = [f for f in kb.index.facts if f.doc_id in allowed]
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
            lead = f"规划没有给出您所问年份的“{best.indicator}”目标。" + (f"规划给出的是：{lines}" if lines else "")
            return Answer(q.raw, "not_found", lead, cb.citations(), tuple(same[:3]))
    else:
        chosen = sorted(same, key=lambda f: f.year or 9999)
    chosen = _dedupe(chosen)[:3]
    if plural_ask(q.text) and not q.county:  # 「……多少亩，占旱田的几成？」: the whole sentence of each figure
        facts_all = _dedupe(chosen + _sentence_mates(kb, q, chosen[0]))
        firsts = {}
        for f in facts_all:
            firsts.setdefault((f.doc_id, sentence_around(kb.index.docs[f.doc_id], f.start, f.end)), f)
        lines = "".join(_dated_sentence(cb, kb.index.docs[f.doc_id], f)
                        for f in sorted(firsts.values(), key=lambda f: (f.doc_id, f.start))[:3])
        return Answer(q.raw, "answered", lines, cb.citations(), tuple(facts_all))
    if q.county and not any(q.county in f.quote + f.scope + f.subject for f in chosen):
        # 「桦甸市到2027年……」: the plan's target is city-wide; a sentence about the county itself
        # answers if there is one, else say so rather than pass the city's figure off as the county's.
        own = evidence_answer(kb, q, hits, CitationBuilder(kb.index.docs), words, allowed)
        if own is not None:
            return own
        lines = _fact_lines(cb, chosen)
        lead = f"规划没有单列{q.county}的“{best.indicator}”目标。规划给出的全市目标是：{lines}"
        return Answer(q.raw, "not_found", lead, cb.citations(), tuple(chosen))
    return Answer(q.raw, "answered", _fact_lines(cb, chosen), cb.citations(), tuple(chosen))


def _asked_years(q: Query, facts: list[Fact]) -> tuple[int, ...]:
    """The years asked about: 「林下经济2027年是85亿，那到2035年呢？」 states the 2027 figure and asks
    2035, so a year whose figure the question already states is not asked (unless it is the only one)."""
    stated = stated_shares(q.text) | {m.group(1) for m in _STATED_AMOUNT_RE.finditer(q.canonical or q.text)}
    if len(q.years) < 2 or not stated:
        return q.years
    known = {f.year for f in facts if f.value in stated}
    return tuple(y for y in q.years if y not in known) or q.years


def _sentence_mates(kb: KnowledgeBase, q: Query, fact: Fact) -> list[Fact]:
    """The other targets stated in the same sentence as the fact (in the asked years)."""
    s0, s1 = sentence_around(kb.index.docs[fact.doc_id], fact.start, fact.end)
    return [f for f in kb.index.facts if f.kind == "target" and f.doc_id == fact.doc_id and s0 <= f.start < s1
            and (not q.years or f.year in q.years)]


def _fact_lines(cb: CitationBuilder, facts: list[Fact]) -> str:
    """One cited line per fact; two facts of one clause (90%大型矿山、80%中型矿山) share the line."""
    return "".join(dict.fromkeys(cb.fact_sentence(f) for f in facts))


def _one_per_indicator(q: Query, ranked: list[Fact]) -> list[Fact]:
    """When the question names two or more indicators, the best target of each (in the asked year)."""
    if len(q.indicators) < 2:
        return []
    per = []
    for ind in q.indicators:
        fs = [f for f in ranked if canonical_of(f) == ind and (not q.years or f.year in q.years)]
        if fs:
            per.append(fs[0])
    return sorted(_dedupe(per)[:3], key=lambda f: (f.doc_id, f.start))


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
    return cb.quote_sentence(doc.doc_id, s0, s1)


_STATED_PCT_RE = re.compile(r"(\d+(?:\.\d+)?)\s*[%％]|百分之(\d+(?:\.\d+)?)|([一二三四五六七八九十])成|(百分百|百分之百)")
_CN_DIGIT = "一二三四五六七八九十"


_STATED_AMOUNT_RE = re.compile(r"(?<![\d.A-Za-z])(\d+(?:\.\d+)?)(?![\d.%％年])")


def stated_shares(text: str) -> set[str]:
    """The shares a question states (「要到八成以上」 → {"80"}, 「72%」 → {"72"}, 「百分百」 → {"100"})."""
    out = set()
    for m in _STATED_PCT_RE.finditer(text):
        if m.group(4):
            out.add("100")
        elif m.group(3):
            out.add(str(10 * (_CN_DIGIT.index(m.group(3)) + 1)))
        else:
            out.add(m.group(1) or m.group(2))
    return out


def _deadline_answer(kb: KnowledgeBase, q: Query, hits: list[Hit], cb: CitationBuilder,
                     words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    rel = kb.relevance
    shares = stated_shares(q.text)
    # 「PM2.5降到28微克以下，是要哪年做到？」: a figure in another unit, stated with its unit's start
    amounts = {m.group(1) for m in _STATED_AMOUNT_RE.finditer(q.canonical or q.text)}
    scored = []
    for f in kb.index.facts:
        if f.kind not in ("deadline", "target") or not f.year or f.doc_id not in allowed:
            continue
        rank = _hit_rank(hits, f.doc_id, f.start)
        stated = f.kind == "target" and ((f.unit == "%" and f.value in shares)
                                         or (f.unit not in ("%", "％") and f.value in amounts and f.unit[:1] in q.text))
        if rank >= 5 and not stated:
            continue
        doc = kb.index.docs[f.doc_id]
        s0, s1 = sentence_around(doc, f.start, f.end)
        cov = rel.coverage(words, f.quote + " " + (f.subject or "")) * 0.7 + 0.3 * rel.coverage(words, doc.text[s0:s1])
        if stated and cov > 0:
            # 「……要到八成以上，得等到哪年？」: the target with the stated figure, about the same thing
            cov += SENTENCE_MIN
        scored.append((cov - 0.03 * min(rank, 5), f))
    if not scored:
        return None
    scored.sort(key=lambda x: -x[0])
    score, f = scored[0]
    if score < SENTENCE_MIN:
        return None
    return Answer(q.raw, "answered", _dated_sentence(cb, kb.index.docs[f.doc_id], f), cb.citations(), (f,))


def _responsibility_answer(kb: KnowledgeBase, q: Query, hits: list[Hit], cb: CitationBuilder,
                           words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    rel = kb.relevance
    scored = [(rel.coverage(words, f.quote) - 0.05 * _hit_rank(hits, f.doc_id, f.start), f)
              for f in kb.index.facts if f.kind == "responsibility" and _hit_rank(hits, f.doc_id, f.start) < 5]
    if not scored:
        return None
    score, f = max(scored, key=lambda x: x[0])
    if score < SENTENCE_MIN:
        return None
    doc = kb.index.docs[f.doc_id]
    return Answer(q.raw, "answered", cb.quote_sentence(f.doc_id, *sentence_around(doc, f.start, f.end)),
                  cb.citations(), (f,))


def _issued_answer(kb: KnowledgeBase, q: Query, hits: list[Hit], cb: CitationBuilder,
                   words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    """When a document was issued: the date line near its top, cited, with the issuing sentence."""
    doc = kb.index.docs.get(hits[0].chunk.doc_id) if hits else None
    if doc is None or doc.doc_id not in allowed:
        return None
    # Only when the question is about the document itself (not 「名录什么时候发布」).
    about = doc.meta.title + "印发发布出台签发成文这个规划意见文件通知"
    if any(w not in about and kb.relevance.df(w) > 0 for w in words):
        return None
    m = DATE_RE.search(doc.text[:HEAD_CHARS])
    if m is None:
        return None
    issued = [s for s in doc.sentences if s.start < m.start() and ("印发" in s.text or "提出如下意见" in s.text)]
    lead = cb.quote_sentence(doc.doc_id, issued[0].start, issued[0].end) if issued else ""
    date = cb.quote_span(doc.doc_id, m.start(), m.end())
    return Answer(q.raw, "answered", f"{lead}落款日期：{date}。", cb.citations())
