"""A question that asks several things (kb/query/parts.py) gets each thing answered: the whole
question is answered first; when it is answered, a part whose key words its quotes do not hold is
answered on its own and added, with its own citations (renumbered after the others). A part no quote answers is
named, with 请核对原文 — never guessed, never said to be absent (the words may differ).

A part that leans on an earlier one (kb/query/parts.py `leaning_parts`) is asked as it is meant: within
the topic stated once, or with the first part when it names nothing of its own; a follow-up 「X呢？」
is the earlier question asked of X, and is added only when its quotes state X (its words, or its
year) — else it is named as not found, never answered with the earlier part's figure."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from kb.cite import ungrounded_numbers
from kb.query import understand
from kb.query.parts import Part, leaning_parts, own_question, topic_clause, year_parts
from kb.types import Answer

if TYPE_CHECKING:
    from kb.answer.context import AnswerContext
    from kb.answer.explain import Explain

_TITLE = re.compile(r"《[^《》]*》")
_SPAN = re.compile(r"(20\d\d)\s*[—–\-]+\s*(20\d\d)")
# ask(part, own_documents): a part asked of the documents the whole question names, or (a
# follow-up naming another scope, 「市里呢？」) of the documents it names itself
Ask = Callable[[str, bool], "tuple[Answer, Explain]"]


def _held(kb: AnswerContext, part: str, ans: Answer, titles_named: bool = False) -> bool:
    """The answer's quotes hold what the part asks (its key words, as far as the setting says).
    With ``titles_named``, the part's words that stand in a quoted document's title are left out:
    they say which document (used before naming a part as not found; deciding which parts to ask
    on their own with them left out cost three right answers on the unread sets, session 16)."""
    q = understand(part, kb.settings.max_question_chars, kb.index.tokenizer, kb.relevance.known)
    titles = {kb.index.docs[c.doc_id].meta.title for c in ans.citations if c.doc_id in kb.index.docs}
    words = tuple(w for w in kb.relevance.key_words(q) if not (titles_named and any(w in t for t in titles)))
    # the answer's own words, without the name of the document it quotes (「《……行动计划》提出：」
    # names the document, it does not answer 「这个行动计划谁负总责」)
    text = _TITLE.sub("", ans.answer) + " ".join(c.quote for c in ans.citations)
    return not words or kb.relevance.coverage(words, text) >= kb.settings.answering.part_covered


def _spans(pieces: list[Answer]) -> list[tuple[str, int, int]]:
    return [(c.doc_id, c.start, c.end) for p in pieces for c in p.citations]


_CLOSING = "。；;，,"


def _said(c, spans: list[tuple[str, int, int]]) -> bool:
    """The citation quotes nothing beyond what a quote said already holds (a clause inside its
    sentence; the same clause with its closing 。 counts as said)."""
    end = c.start + len(c.quote.rstrip(_CLOSING)) if c.quote.rstrip(_CLOSING) else c.end
    return any(c.doc_id == d and s <= c.start and end <= e for d, s, e in spans)


_CITE = re.compile(r"\[(\d+)\]")
_SENTENCE_END = re.compile(r"(?<=\[\d\][。；;])|(?<=\[\d\d\][。；;])")


def _unsaid(ans: Answer, spans: list[tuple[str, int, int]]) -> Answer:
    """The answer without its lines whose every citation quotes what was said already (the earlier
    part's clause again inside the later part's sentence, or the same list again under another
    heading), and without a heading line (no citation, ending 「：」) left with no line under it;
    citations renumbered. As it was when nothing is dropped, or when everything would be."""
    by_n = {c.n: c for c in ans.citations}
    if any(int(n) not in by_n for n in _CITE.findall(ans.answer)):
        return ans

    def fresh(piece: str) -> bool:
        ns = [int(n) for n in _CITE.findall(piece)]
        return not ns or not all(_said(by_n[n], spans) for n in ns)

    lines, keep = [], []
    for line in ans.answer.split("\n"):  # within a line, each sentence that ends with its citation
        pieces = [x for x in _SENTENCE_END.split(line) if x]
        kept = "".join(x for x in pieces if fresh(x))
        cited = _CITE.search(line) is not None
        lines.append(kept if cited else line)
        keep.append(not cited or _CITE.search(kept) is not None)
    for i, line in enumerate(lines):  # a heading line whose items are all dropped goes with them
        if not _CITE.search(line) and line.rstrip().endswith("："):
            under = []
            for j in range(i + 1, len(lines)):
                if not _CITE.search(lines[j]) and lines[j].rstrip().endswith("："):
                    break
                under.append(keep[j])
            keep[i] = any(under)
    unchanged = all(keep) and lines == ans.answer.split("\n")
    if unchanged or not any(k and _CITE.search(x) for k, x in zip(keep, lines, strict=True)):
        return ans
    cites: list = []
    renumber: dict[int, int] = {}
    out = []
    for line, kept in zip(lines, keep, strict=True):
        if not kept:
            continue
        for n in (int(x) for x in _CITE.findall(line)):
            if n not in renumber:
                renumber[n] = len(cites) + 1
                cites.append(dataclasses.replace(by_n[n], n=renumber[n]))
        out.append(_CITE.sub(lambda m: f"[{renumber[int(m.group(1))]}]", line))
    return dataclasses.replace(ans, answer="\n".join(out), citations=tuple(cites))


def _holds_year(ans: Answer, year: int) -> bool:
    """The answer states the year: in its text, or in a quote or the section of a citation (a
    phase's span 「2028—2030年」 counts for the years inside it)."""
    texts = [ans.answer, *(c.quote for c in ans.citations), *(c.section for c in ans.citations)]
    if any(str(year) in t for t in texts):
        return True
    return any(int(a) <= year <= int(b) for t in texts for a, b in _SPAN.findall(t))


def answer_parts(kb: AnswerContext, question: str, whole: Answer, explained: Explain,
                 ask: Ask) -> tuple[Answer, Explain]:
    parts = leaning_parts(question)
    if whole.status != "answered":
        # Parts are only added to an answer: asked alone, the parts of a question nobody answered
        # gave more asserted wrong answers than right ones on the eval sets (README, 多问; measured
        # again with the tree selector in session 14: +8 right, +10 wrong or traps answered — a
        # later part leans on the first without saying so, 「……？一天能处理多少万吨？」)
        return whole, explained
    pieces: list[Answer] = [whole]
    missing: list[str] = []
    exact: list[str] = []  # follow-ups and years not found: said so (what they ask is exact)
    unsure: list[Answer] = []  # a year's passage below the answer threshold: shown as related
    for part in parts if len(parts) >= 2 else ():
        # a part asked with the first (it names nothing of its own) or of another thing (X呢)
        # is not held by the first's words: it is asked, and kept only with new citations
        if part.leans not in ("subject", "follow_up") and any(_held(kb, part.text, p) for p in pieces):
            continue
        sub, _ = ask(part.text, part.scope)
        seen = _spans(pieces)
        new = sub.status == "answered" and not all(_said(c, seen) for c in sub.citations)
        if part.leans == "subject":  # asked with the first part's words: a quote said already answers that one again
            new = new and not any(_said(c, seen) for c in sub.citations)
        if new:
            sub = _unsaid(sub, seen)
        if new and part.leans == "topic" and not _within(kb, part, sub):
            missing.append(part.text)  # answered outside the topic the asker set: another question
        elif new and (part.leans != "follow_up" or _states(kb, part, sub)):
            pieces.append(sub)
        elif part.leans == "follow_up" and not _stated(kb, part, whole, sub, new):
            exact.append(part.text)
        elif part.leans not in ("follow_up", "subject") and sub.status == "related" \
                and not any(_said(c, seen) for c in sub.citations):
            unsure.append(sub)  # the part's best passage, below the answer threshold: 请核对原文
        elif part.leans != "follow_up":
            missing.append(part.text)
    missing = [m for m in missing if not any(_held(kb, m, p, titles_named=True) for p in pieces)]
    if len(pieces) == 1:
        missing = []  # nothing added: the whole answer stands as it was (a part's words may differ)
    missing += exact
    # the years a follow-up asked are its own; the other parts' years are each asked as before
    for year, part in year_parts(own_question(question)):  # 「2026年和2032年分别……」: each year asked gets its own
        if any(_holds_year(p, year) for p in pieces):
            continue
        sub, _ = ask(part, False)
        fresh = not all(_said(c, _spans(pieces)) for c in sub.citations)
        if sub.status == "answered" and _holds_year(sub, year) and fresh:
            pieces.append(sub)
        elif sub.status == "related" and _holds_year(sub, year) and fresh:
            unsure.append(sub)  # the year's best passage, shown as 请核对原文 (never as the answer)
        else:  # a year no quote states: said so (the year is exact, unlike a part's words)
            missing.append(part)
    if len(pieces) == 1 and not missing and not unsure:
        return whole, explained
    return _merge(question, pieces, missing, unsure), explained


def _within(kb: AnswerContext, part: Part, ans: Answer) -> bool:
    """A part asked within a topic is answered by quotes in it: the topic's words stand in the
    answer, its quotes or their sections."""
    q = understand(topic_clause(part.text), kb.settings.max_question_chars, kb.index.tokenizer, kb.relevance.known)
    words = kb.relevance.key_words(q)
    text = " ".join([ans.answer, *(c.quote for c in ans.citations), *(c.section for c in ans.citations)])
    return not words or kb.relevance.coverage(words, text) >= kb.settings.answering.part_covered


def _stated(kb: AnswerContext, part: Part, whole: Answer, sub: Answer, new: bool) -> bool:
    """A follow-up not added is stated already: by the whole answer, or (another scope, whose
    documents the whole answer need not be from) by its own answer repeating the whole's quotes."""
    if part.scope:
        return sub.status == "answered" and not new
    return _states(kb, part, whole)


def _states(kb: AnswerContext, part: Part, ans: Answer) -> bool:
    """A follow-up's answer states what it was asked of: its year, and every word of its own."""
    if ans.status != "answered":
        return False
    if part.year and not _holds_year(ans, part.year):
        return False
    if part.scope:  # the scope is said by the documents it was asked of, not by words of the quote
        return True
    if not part.of or (part.year and part.of == f"{part.year}年"):
        return True
    # every word of X: the earlier part's thing shares some of them (燃煤锅炉 for 农村小锅炉)
    words = kb.relevance.key_words(understand(part.of, kb.settings.max_question_chars, kb.index.tokenizer, kb.relevance.known))
    # the answer's own words, without the name of the document it quotes (「《……行动计划》提出：」
    # names the document, it does not answer 「这个行动计划谁负总责」)
    text = _TITLE.sub("", ans.answer) + " ".join(c.quote for c in ans.citations)
    return all(kb.relevance.present(w, text) for w in words)


def _merge(question: str, pieces: list[Answer], missing: list[str], unsure: list[Answer] = ()) -> Answer:
    """The answers of the parts in order, then each part's or year's related passage (its own 请核对原文
    wording, cited), then the parts not found. The confidence is the asserted parts' lowest."""
    lines: list[str] = []
    cites, facts = [], []
    for ans in [*pieces, *unsure]:
        offset = len(cites)
        lines.append(re.sub(r"\[(\d+)\]", lambda m, o=offset: f"[{int(m.group(1)) + o}]", ans.answer))
        cites.extend(dataclasses.replace(c, n=c.n + offset) for c in ans.citations)
        if ans.status == "answered":
            facts.extend(ans.facts)
    for part in missing:  # named in the asker's words, unless they hold a number no quote holds
        named = f"「{part}」这一问" if not ungrounded_numbers(part, cites) else "问题的其余部分"
        lines.append(f"{named}没有找到直接回答它的原文，请核对原文。")
    confidence = min(a.confidence for a in pieces)
    return Answer(question, "answered", "\n".join(lines), tuple(cites), tuple(facts), (), confidence)
