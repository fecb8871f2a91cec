"""What a question asks beyond its intent, as flags of `Query.asks`, read once from the text with
the patterns of kb/lexicon/asks.toml. The answer strategies decide from these flags alone."""

from __future__ import annotations

import re

from kb.lexicon import pattern, patterns, word_list
from kb.query.outline import in_force_asked

FILE = "asks.toml"
_CLAUSES = re.compile(r"[，,；;？?！!。]")


def _p(name: str):
    return pattern(FILE, name)


def notice_kind(text: str) -> str:
    """Which notice question this is ("number", "issuer", "addressee", "basis") or ""."""
    if not _p("about_notice").search(text):
        return ""
    if _p("notice_addressee").search(text):
        return "addressee"
    if _p("notice_basis").search(text):
        return "basis"  # the basis sentence quotes the higher documents with their numbers
    if _p("notice_number").search(text):
        return "number"
    # who issued it: the issuer word and the act of issuing in one clause (「某方案由谁牵头编？要不要
    # 另发细则？」 asks who leads a task, then whether more papers follow)
    if any(_p("notice_issuer").search(c) and _p("notice_issuing_verb").search(c) for c in _CLAUSES.split(text)):
        return "issuer"
    return ""


def question_asks(text: str, intent: str, tokens: tuple[str, ...], years: tuple[int, ...],
                  indicators: tuple[str, ...]) -> frozenset[str]:
    """The flags: issued, in_force, notice, notice:<kind>, phases, one_phase, goals, column, where, which_works,
    person, requirements, mentions."""
    asks: set[str] = set()
    if _p("issued").search(text):
        asks.add("issued")
    if in_force_asked(text):  # 「什么时候开始实施」「落款日期」: the document's own date
        asks |= {"issued", "in_force"}
    kind = notice_kind(text)
    if kind:
        asks |= {"notice", f"notice:{kind}"}
    if _p("phases").search(text) and not _p("named_phase").search(text) and (
            intent in ("list", "general", "deadline") or _p("phases_count").search(text)):
        asks.add("phases")
    if (_p("named_phase").search(text) or _p("year_span").search(text) or _outcome_at_year(tokens, years, indicators)) \
            and (intent in ("list", "general") or (intent == "deadline" and _p("named_phase").search(text))):
        asks.add("one_phase")
    # the goals of a year, or goals asked as figures (「有哪些量化指标」) of any year
    if not indicators and _p("goals").search(text) and (years or _p("figure_goals").search(text)):
        asks.add("goals")
    for flag in ("column", "where", "which_works", "person", "requirements", "mentions"):
        if _p(flag).search(text):
            asks.add(flag)
    return frozenset(asks)


def _outcome_at_year(tokens: tuple[str, ...], years: tuple[int, ...], indicators: tuple[str, ...]) -> bool:
    """「到2035年……能建成个啥样？」: what the plan will have reached by a year, no topic named."""
    outcome = set(word_list("words.toml", "outcome"))
    words = [w for w in tokens if not w.isdigit() and not w.endswith("年")]
    return len(years) == 1 and any(w in outcome for w in words) and not indicators


def column_number(text: str) -> str:
    m = _p("column").search(text)
    return m.group(1) if m else ""


def named_phase(text: str) -> str:
    m = _p("named_phase").search(text)
    return m.group(1) if m else ""


def year_span(text: str) -> tuple[int, int] | None:
    m = _p("year_span").search(text)
    return (int(m.group(1)), int(m.group(2))) if m else None


def quoted_phrases(text: str) -> tuple[str, ...]:
    return tuple(m.group(1) for m in _p("quoted").finditer(text))


def structure_refs(text: str) -> tuple[str, ...]:
    return tuple(_p("structure_ref").findall(text))


__all__ = ["column_number", "named_phase", "notice_kind", "patterns", "question_asks", "quoted_phrases",
           "structure_refs", "year_span"]


def topic_list(text: str) -> tuple[str, ...]:
    """The items of the first list of topics in the question (「甲、乙、丙都要」 → 甲, 乙,
    丙都要), as typed: the answer side trims them to words the documents use."""
    m = _p("topic_list").search(text)
    return tuple(m.group(0).split("、")) if m else ()
