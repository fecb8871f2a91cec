"""Which documents a question is about, chosen from the corpus itself (kb/lexicon/documents.toml).

In order: a document named by its number (国发〔2023〕24号) or by most of its title; the city and a
higher level asked side by side (each side answers from its own documents); a higher level named
(国家、国务院、中央、全国、上级文件), narrowed to one document when the question holds words only its
title has, and else preferring the documents the city plan cites; a region only the national
documents name (京津冀、汾渭平原、北京市) as their scope; a kind of document held by one level's titles
(行动计划, 指导意见 → national; 规划 → the city); otherwise the primary city plan."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from kb.lexicon import pattern, word_list
from kb.query.parts import question_parts
from kb.segment import tokenize

UPPER_WORDS = word_list("documents.toml", "upper")
UPPER_WEAK = word_list("documents.toml", "upper_weak")
KINDS = word_list("documents.toml", "kinds")
SCOPES = word_list("documents.toml", "scopes")
_UPPER_IN_TERM = pattern("documents.toml", "upper_in_term")
_BOTH = pattern("documents.toml", "both_levels")
_CITY = pattern("documents.toml", "city_named")
_CLAUSE_ASKS = pattern("documents.toml", "clause_asks")
_CLAUSE_SEP = re.compile(r"[，,；;？?！!。]")
_BRACKETS = str.maketrans("[]【】()（）", "〔〕〔〕〔〕〔〕")
_TITLE_GENERIC = frozenset({"中共中央", "国务院", "关于", "意见", "指导", "的", "建设", "推进", "加快", "发展", "全面",
                            "行动计划", "计划", "规划", "年"})
_GENERIC_KIND_WORDS = word_list("documents.toml", "generic_kinds")
_GENERIC_KINDS = tuple(re.escape(w) for w in _GENERIC_KIND_WORDS)
_TITLE_WORDS_MIN = 2  # own title words a question must hold to name one of several documents (美丽+中国)
_TITLE_RUN_MIN = 8  # without a level or kind word, a title is named only by this many of its characters in a row


DEFAULT_CHOICE = "市规划"  # the reason of the choice made when the question names no document or level


@dataclass(frozen=True)
class DocChoice:
    doc_ids: tuple[str, ...] = ()  # answer only from these (empty: any document)
    prefer: tuple[str, ...] = ()  # among them, these move up
    first: tuple[str, ...] = ()  # answer from these first (the higher documents the city plan cites)
    sides: tuple[tuple[str, tuple[str, ...]], ...] = ()  # city and nation asked together: (side, doc_ids)
    scope: str = ""  # a region only the higher documents name
    reason: str = ""  # why, for --explain
    routing: tuple[str, ...] = ()  # the words that chose the documents (国发〔2023〕24号, 国家层面): no topic

    @property
    def label(self) -> str:
        return self.reason


def _primary(docs: Mapping) -> tuple[str, ...]:
    return tuple(d for d, doc in docs.items() if doc.meta.level == "municipal")


def _upper(docs: Mapping) -> tuple[str, ...]:
    return tuple(d for d, doc in docs.items() if doc.meta.level != "municipal")


def names_upper_level(text: str, weak: bool = False) -> bool:
    text = _UPPER_IN_TERM.sub("", text)
    return any(w in text for w in (*UPPER_WORDS, *UPPER_WEAK) if weak or w in UPPER_WORDS)


def _by_number(text: str, docs: Mapping) -> tuple[str, ...]:
    t = text.translate(_BRACKETS)
    return tuple(d for d, doc in docs.items() if doc.meta.doc_number and doc.meta.doc_number.translate(_BRACKETS) in t)


def _title_core(title: str) -> str:
    core = re.sub(r"（.*?）", "", title)
    return core.split("关于", 1)[-1]


def _by_title_run(text: str, docs: Mapping) -> tuple[str, ...]:
    """Documents whose title core stands in the question for _TITLE_RUN_MIN characters in a row."""
    out = []
    for d, doc in docs.items():
        core = _title_core(doc.meta.title)
        n = min(_TITLE_RUN_MIN, len(core))
        if any(core[i:i + n] in text for i in range(len(core) - n + 1)):
            out.append(d)
    return tuple(out)


def _by_title_words(text: str, candidates: tuple[str, ...], docs: Mapping) -> tuple[str, ...]:
    """Among candidates, the one whose own title words (held by no other candidate's title) the
    question names most, at least two of them (经济社会 alone is any question's word); all
    candidates when none is named so or two tie."""
    words = {d: {w for w in tokenize(_title_core(docs[d].meta.title)) if len(w) >= 2 and w not in _TITLE_GENERIC}
             for d in candidates}
    hits = {}
    for d in candidates:
        own = words[d] - set().union(*(words[o] for o in candidates if o != d))
        named = [w for w in own if w in text]
        hits[d] = sum(_TITLE_WORDS_MIN if _before_kind(w, text, kind_of(docs[d].meta.title)) else 1
                      for w in named if not any(w != o and w in o for o in named))  # 经济社会 counts once
    best = max(hits.values(), default=0)
    winners = tuple(d for d in candidates if hits[d] == best)
    return winners if best >= _TITLE_WORDS_MIN and len(winners) == 1 else candidates


def _before_kind(word: str, text: str, kind: str) -> bool:
    """A title word right before the document's kind (「<title words>意见」, 「<title words>的行动计划」): the short
    name people give a document, which names it as surely as two of its title words."""
    return bool(re.search(re.escape(word) + r"[^，。？！、\s]{0,3}?" + re.escape(kind), text)) if kind != "文件" else False


def _by_generic_name(text: str, upper: tuple[str, ...], docs: Mapping) -> tuple[str, ...]:
    """The one higher document whose own title word (held by no other's title) stands right
    before a generic word for a document (「污水文件」「再生水那份」); () when none or several."""
    words = {d: {w for w in tokenize(_title_core(docs[d].meta.title)) if len(w) >= 2 and w not in _TITLE_GENERIC}
             for d in upper}
    named = []
    for d in upper:
        own = words[d] - set().union(*(words[o] for o in upper if o != d))
        if any(re.search(re.escape(w) + r"[^，。？！、\s]{0,3}?(?:" + "|".join(_GENERIC_KINDS) + ")", text) for w in own):
            named.append(d)
    return tuple(named) if len(named) == 1 else ()


def _short_name(text: str, chosen: tuple[str, ...], docs: Mapping) -> tuple[str, ...]:
    """The words of a short name that chose one document (「空气质量行动计划」 → 空气质量, 行动计划):
    they say which document, not what is asked of it."""
    if len(chosen) != 1:
        return ()
    kind = kind_of(docs[chosen[0]].meta.title)
    named = tuple(w for w in tokenize(_title_core(docs[chosen[0]].meta.title))
                  if len(w) >= 2 and w not in _TITLE_GENERIC and _before_kind(w, text, kind))
    return named + (kind,) if named else ()


def title_words_named(text: str, chosen: tuple[str, ...], docs: Mapping) -> tuple[str, ...]:
    """The words of the chosen documents' titles the question names (「空气质量持续改善行动计划」):
    they say which document, not what is asked of it, so they are routing, not topic."""
    out: dict[str, None] = {}
    for d in chosen:
        for w in tokenize(_title_core(docs[d].meta.title)):
            if len(w) >= 2 and w in text:
                out[w] = None
    return tuple(out)


def _parts_name_both(text: str, docs: Mapping, upper: tuple[str, ...]) -> bool:
    """One part of the question asks a higher level (「国家要求……？」) and another the city
    (「本市呢？」): both sides are asked, each part in its own sentence, or in clauses
    of one sentence (「国家要求降多少，咱们市呢？」) when each clause is itself a question (a
    speaker's 「我是市里的，」 asks nothing, nor does 「国家要求达到某值，」 before the city's question)."""
    parts = question_parts(text)
    if len(parts) < 2:
        parts = tuple(c for c in _CLAUSE_SEP.split(text) if len(c.strip()) >= 2)
        parts = tuple(c for c in parts if _CLAUSE_ASKS.search(c))  # a clause stating a figure asks nothing
        if len(parts) < 2:
            return False
    asks_upper = [names_upper_level(p, weak=True) or any(d in upper for d in _by_title_run(p, docs)) for p in parts]
    return any(asks_upper) and any(_CITY.search(p) and not up for p, up in zip(parts, asks_upper, strict=True))


def _kind(text: str) -> str:
    return next((k for k in KINDS if k in text), "")


def kind_of(title: str) -> str:
    """The kind of a document from its title (行动计划, 指导意见, 意见, 规划), or 文件."""
    core = re.sub(r"（.*?）", "", title)
    return next((k for k in KINDS if core.endswith(k)), "文件")


def choose_documents(text: str, docs: Mapping) -> DocChoice:
    """The documents to answer `text` from."""
    primary, upper = _primary(docs), _upper(docs)
    cited = tuple(c for d in primary for c in docs[d].meta.cites)
    if not primary or not upper:
        return DocChoice()
    named = _by_number(text, docs)
    if named:
        numbers = tuple(docs[d].meta.doc_number for d in named)
        return DocChoice(named, reason="文号", routing=numbers + tuple(n.translate(_BRACKETS) for n in numbers))
    if _BOTH.search(text) and names_upper_level(text, weak=True) or _parts_name_both(text, docs, upper):
        return DocChoice(sides=(("city", primary), ("upper", upper)), reason="市与上级对照")
    upper_named = names_upper_level(text)
    kind = _kind(text)
    kind_docs = tuple(d for d in docs if kind and kind in _title_core(docs[d].meta.title))
    if kind and kind_docs and all(d in upper for d in kind_docs):
        upper_named = True
    run = _by_title_run(text, docs)
    if run and all(d in upper for d in run):
        return DocChoice(run, reason="文件标题", routing=title_words_named(text, run, docs))
    if upper_named:
        pool = tuple(d for d in upper if d in kind_docs) if kind_docs and all(d in upper for d in kind_docs) else upper
        chosen = _by_title_words(text, pool, docs)
        if len(chosen) == 1 and docs[chosen[0]].meta.completeness == "partial":
            # the corpus holds only part of the document named: it answers first, the rest after
            return DocChoice(pool, chosen, first=chosen, reason="上级文件（部分收录）",
                             routing=tuple(w for w in UPPER_WORDS if w in text))
        prefer = tuple(d for d in chosen if any(_title_core(docs[d].meta.title) in _title_core(c) for c in cited))
        routing = tuple(w for w in UPPER_WORDS if w in text) + _short_name(text, chosen, docs)
        first = prefer if len(chosen) > 1 else ()
        return DocChoice(chosen, prefer, first=first, reason="上级文件", routing=routing)
    for scope in SCOPES:
        if scope in text:
            holders = tuple(d for d in docs if scope in docs[d].text)
            if holders and not any(d in primary for d in holders):
                return DocChoice(holders, scope=scope, reason=f"范围：{scope}")
    if names_upper_level(text, weak=True):  # 国家、全国 alone: any document, the city plan first
        named = _by_generic_name(text, upper, docs)  # 「国家那个污水文件」: the one whose title holds 污水
        if named:  # the generic word says which document, not what is asked (its title word may be the topic too)
            kinds = tuple(k for k in _GENERIC_KIND_WORDS if k in text)
            return DocChoice(named, reason="上级文件", routing=tuple(w for w in UPPER_WORDS if w in text) + kinds)
        return DocChoice((), primary, reason="层级词（弱）")
    return DocChoice(primary, reason=DEFAULT_CHOICE)
