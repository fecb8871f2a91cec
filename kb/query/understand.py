"""Question understanding: normalize (t2s, width), validate, and find intent, indicators,
years, place and document level. Rule-based and explainable."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import jieba

from kb.errors import BadInput
from kb.lexicon import pattern as lexicon_pattern
from kb.lexicon import patterns, word_list
from kb.lexicon import terms as lexicon_terms
from kb.normalize import CJK_CLASS, normalize_query
from kb.query.asks import (
    column_number,
    named_phase,
    question_asks,
    quoted_phrases,
    structure_refs,
    topic_list,
    year_span,
)
from kb.query.figure import FigureAsk, figure_ask
from kb.query.framing import scope_text, set_apart, without_speaker
from kb.query.outline import OutlineRef, outline_ref
from kb.question_words import GENERIC, NOT_ASKING_JI
from kb.segment import policy_terms, tokenize

_INTENT_ORDER = ("responsibility", "deadline", "list", "target")
_INTENTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(patterns("intents.toml")[name].regex.pattern.replace("{NOT_ASKING_JI}", NOT_ASKING_JI)))
    for name in _INTENT_ORDER)
_YEAR_RE = lexicon_pattern("places.toml", "year")
_SHORT_YEAR_RE = lexicon_pattern("places.toml", "short_year")
_CONTENT_RE = re.compile(rf"[{CJK_CLASS}A-Za-z0-9]")
_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")  # a terminal colour code pasted with the question
LEVEL_WORDS = {level: word_list("places.toml", f"level_{level}") for level in ("national", "provincial", "municipal")}
COUNTIES = word_list("places.toml", "counties")
OTHER_PLACES = word_list("places.toml", "other_places")


@dataclass(frozen=True)
class Query:
    raw: str
    text: str  # normalized question
    intent: str  # target | deadline | responsibility | list | general
    indicators: tuple[str, ...]  # canonical plan terms found in or mapped from the question
    years: tuple[int, ...]
    place: str  # another city named in the question, if any
    level: str  # national | provincial | municipal | ""
    tokens: tuple[str, ...]  # content tokens of the question (for coverage checks)
    expansion: str  # the text handed to the retrievers (question + canonical terms)
    canonical: str = ""  # the question in the plan's words (indicators and glossary applied)
    county: str = ""  # a county or district of 吉林市 named in the question (桦甸市, 昌邑区)
    plan_words: tuple[str, ...] = ()  # the plan's words the glossary put in (尘土飞扬 → 扬尘)
    # What else it asks (kb/query/asks.py): issued, notice, notice:<kind>, phases, one_phase,
    # column, where, which_works, person
    asks: frozenset[str] = frozenset()
    column: str = ""  # the 专栏 number named (专栏5 → "5")
    phase: str = ""  # the phase named (第二阶段 → "二")
    span: tuple[int, int] | None = None  # a span of years named (2028年到2030年)
    quoted: tuple[str, ...] = ()  # phrases the asker quotes
    structure_refs: tuple[str, ...] = ()  # named parts of the structure (专栏4, 第一阶段)
    topic_text: str = ""  # the canonical question without speaker, 除了 and explaining clauses
    asked_text: str = ""  # ... and without a leading condition clause
    speaker: str = ""  # who asks (「我是……的，」), set apart
    condition: str = ""  # a leading condition (「万一……，」), set apart
    figure: FigureAsk = field(default_factory=FigureAsk)  # what kind of figure is asked (kb/query/figure.py)
    outline: OutlineRef | None = None  # the part of the section tree named (kb/query/outline.py)
    scope: str = ""  # a region a higher document names (京津冀): only what is said of it (kb/query/documents.py)
    topic_list: tuple[str, ...] = ()  # topics listed in the question (甲、乙、丙都……), as typed

    def to_dict(self) -> dict:
        """The typed query as JSON (for --explain)."""
        return {"intent": self.intent, "asks": sorted(self.asks), "indicators": list(self.indicators),
                "years": list(self.years), "span": list(self.span) if self.span else None,
                "level": self.level, "county": self.county, "other_place": self.place,
                "structure_refs": list(self.structure_refs), "quoted": list(self.quoted),
                "column": self.column, "phase": self.phase, "key_tokens": list(self.tokens),
                "canonical": self.canonical, "plan_words": list(self.plan_words),
                "speaker": self.speaker, "condition": self.condition, "figure": self.figure.to_dict(),
                "outline": self.outline.to_dict() if self.outline else None, "topic_list": list(self.topic_list)}


def _synonyms() -> dict[str, tuple[str, ...]]:
    try:
        from kb.indicators import INDICATOR_SYNONYMS
    except ImportError:
        try:
            from kb.facts import INDICATOR_SYNONYMS  # type: ignore[no-redef]
        except ImportError:
            return {}
    return INDICATOR_SYNONYMS


def validate(question: object, max_chars: int = 2000) -> str:
    """Return the normalized question or raise BadInput with a message in Chinese."""
    if not isinstance(question, str):
        raise BadInput("问题必须是文字", "请输入一个问题，例如：到2027年细颗粒物浓度要降到多少？")
    if not question.strip():
        raise BadInput("问题为空", "请输入一个问题，例如：到2027年细颗粒物浓度要降到多少？")
    if len(question) > max_chars:
        raise BadInput(f"问题太长（{len(question)}字）", f"请把问题控制在{max_chars}字以内")
    if "\ufffd" in question:  # a line of a question file whose bytes were not text in any encoding
        raise BadInput("问题中有无法识别的字符（可能是文件编码不对，或不是文本文件）", "把问题另存为 UTF-8 文本再问")
    text = normalize_query(_ANSI_RE.sub("", question))
    if not _CONTENT_RE.search(text):
        raise BadInput("问题中没有可识别的文字（只有标点、符号或表情）", "请用文字提问")
    return text


@functools.lru_cache(maxsize=1)
def glossary() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Colloquial word → the plan's words (kb/lexicon/colloquial.toml), longest colloquial word first."""
    rows = [(r.word.strip(), r.plan) for r in lexicon_terms("colloquial.toml")]
    return tuple(sorted(rows, key=lambda r: -len(r[0])))


def apply_glossary(text: str, rows: tuple[tuple[str, tuple[str, ...]], ...] | None = None,
                   known: Callable[[str], bool] | None = None) -> tuple[str, tuple[str, ...]]:
    """Replace colloquial words by the plan's word; return the text and every plan word added.

    One pass, longest word first: a replaced word is held by a placeholder, so a shorter word
    cannot fire inside what was put in (大挂车 → 柴油货车 stays; 货车 → 货运车辆 does not follow).
    A word inside one of the plan's own terms is left alone: in 「美丽工厂」 the question already
    speaks the plan's language, and 工厂 → 企业 would lose the term."""
    added: list[str] = []
    put: list[str] = []
    for word, official in glossary() if rows is None else rows:
        if word and official and word in text and _outside_terms(text, word):
            if official[0] != word and not (known is not None and word.isascii() and known(word)):
                text = _replace_outside_terms(text, word, len(put))
                put.append(official[0])
            added.extend(o for o in official if o != word)
    text = re.sub("\ue002(\\d+)\ue003", lambda m: put[int(m.group(1))], text)
    return " ".join(text.split()), tuple(dict.fromkeys(added))


def _replace_outside_terms(text: str, word: str, slot: int) -> str:
    held = [(m.start(), m.end()) for term in _terms_holding(word) for m in re.finditer(re.escape(term), text)]
    out, i = [], 0
    for m in re.finditer(re.escape(word), text):
        if any(a <= m.start() and m.end() <= b for a, b in held):
            continue
        out.append(text[i : m.start()] + f"\ue002{slot}\ue003")
        i = m.end()
    return "".join(out) + text[i:]


def _outside_terms(text: str, word: str) -> bool:
    """The word stands in the text other than inside one of the plan's terms (白山 in 长白山)."""
    held = [(m.start(), m.end()) for term in _terms_holding(word) for m in re.finditer(re.escape(term), text)]
    return any(not any(a <= m.start() and m.end() <= b for a, b in held) for m in re.finditer(re.escape(word), text))


@functools.lru_cache(maxsize=1024)
def _terms_holding(word: str) -> tuple[str, ...]:
    """The plan's terms that contain the word: the policy dictionary, the indicators and every
    plan word the glossary maps to (柴油货车 holds 货车)."""
    terms = {*policy_terms(), *_synonyms(), *(w for _, official in glossary() for w in official)}
    return tuple(t for t in terms if word in t and t != word)


@functools.lru_cache(maxsize=1)
def _indicator_patterns() -> tuple[tuple[str, str, re.Pattern[str]], ...]:
    """(variant, canonical, compiled pattern), longest variant first; compiled once."""
    pairs = sorted(((v, c) for c, vs in _synonyms().items() for v in (c, *vs) if v), key=lambda p: -len(p[0]))
    return tuple((v, c, re.compile(re.escape(v), re.IGNORECASE)) for v, c in pairs)


def find_indicators(text: str) -> tuple[tuple[str, ...], str]:
    """Canonical indicators named in the text (by their own name or a colloquial synonym), and
    the text with each matched phrase replaced by its canonical term. Longest phrase first; a
    replaced phrase is held by a placeholder so shorter variants cannot match inside it. With
    `described`, and when no word named one, the indicators the text describes
    (`INDICATOR_PATTERNS`: the thing measured and what is said of it) is named too."""
    found: list[str] = []
    work = text
    for variant, canonical, pattern in _indicator_patterns():
        if variant.lower() not in work.lower() or not pattern.search(work):
            continue
        if canonical not in found:
            found.append(canonical)
        work = pattern.sub(f"\ue000{found.index(canonical)}\ue001", work)
    canonical_text = re.sub("\ue000(\\d+)\ue001", lambda m: found[int(m.group(1))], work)
    return tuple(found), canonical_text


def described_indicators(text: str) -> tuple[tuple[str, ...], str]:
    """The indicators the text describes without naming them (`INDICATOR_PATTERNS`: 「空气合格的
    日子」), and the text with each description replaced by the indicator's name."""
    found: list[str] = []
    for canonical, pattern in _described_patterns():
        m = pattern.search(text)
        if m is None or canonical in found:
            continue
        found.append(canonical)
        text = text[: m.start()] + f"\ue000{len(found) - 1}\ue001" + text[m.end() :]
    return tuple(found), re.sub("\ue000(\\d+)\ue001", lambda m: found[int(m.group(1))], text)


@functools.lru_cache(maxsize=1)
def _described_patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """(canonical, compiled pattern) for the descriptions of indicators (`INDICATOR_PATTERNS`)."""
    from kb.indicators import INDICATOR_PATTERNS

    return tuple((c, re.compile(p)) for c, ps in INDICATOR_PATTERNS.items() for p in ps)


# 几个 in a clause before the asking one counts things (「……几个县，……怎么管」), it
# does not ask for a number.
_COUNT_WORDS_RE = lexicon_pattern("places.toml", "count_words")


_TITLE_RE = re.compile(r"《[^《》]{1,80}》")  # a document named by its title


def _intent(text: str) -> str:
    stripped = text.rstrip("？?！! ")
    cut = max(stripped.rfind(c) for c in "，,；;。")
    head, last = stripped[: cut + 1], stripped[cut + 1 :]
    for name, pattern in _INTENTS:
        probe = _COUNT_WORDS_RE.sub("", head) + last if name == "target" else text
        if pattern.search(probe):
            return name
    return "general"


def understand(question: object, max_chars: int = 2000, tokenizer: jieba.Tokenizer | None = None,
               known: Callable[[str], bool] | None = None) -> Query:
    """The typed query; key tokens cut with the loaded index's tokenizer when given (else the
    base one with the policy dictionary); ``known`` tells a word the corpus uses as written (a
    glossary word it uses is kept, not replaced)."""
    text = validate(question, max_chars)
    intent = _intent(text)
    dated = _TITLE_RE.sub("《》", text)  # the years of a document's title (《……（2024—2035年）》) are not asked
    years = [int(y) for y in _YEAR_RE.findall(dated)]
    years += [2000 + int(y) for y in _SHORT_YEAR_RE.findall(dated) if 2000 + int(y) not in years and int(y) >= 24]
    # Indicators first (their synonyms may hold colloquial words: 种地的面积底线), then the
    # glossary, then indicators again on the plan's words (绿色房子 → 绿色建筑).
    found, canonical_text = find_indicators(text)
    canonical_text, glossed = apply_glossary(canonical_text, known=known)
    again, canonical_text = find_indicators(canonical_text)
    if intent == "target" and not found and not again:
        # A number asked about an indicator only described (its measure and what is said of it, with 多少), in the
        # plan's words or, when the glossary broke the description up (猪粪 → 粪污), in the asker's.
        again, canonical_text = described_indicators(canonical_text)
        if not again:
            again, _ = described_indicators(text)
            canonical_text = f"{canonical_text} {' '.join(again)}".strip()
    indicators = tuple(dict.fromkeys((*found, *again)))
    # A place in the speaker's preamble (「我是昌邑区的，」) is who asks, not the scope of the figure,
    # unless the question points back to it (「我们区」).
    scoped = scope_text(text)
    place = next((p for p in OTHER_PLACES if _outside_terms(scoped, p)), "")
    # One county named: only what the plan says of it. Two (「A和B这俩地方」): the question is
    # about what the plan says of each, so no single county filters the passages.
    named = {c[:2] for c in COUNTIES if c in scoped}
    county = named.pop() if len(named) == 1 else ""
    level = _level(without_speaker(text))
    tokens = tuple(dict.fromkeys(t for t in tokenize(without_speaker(canonical_text), tokenizer)
                                 if t not in GENERIC and not t.isdigit()))
    framing = set_apart(canonical_text or text)
    extra = [w for w in (*indicators, *glossed) if w not in text]
    asked = without_speaker(text)
    expansion = f"{asked} {' '.join(dict.fromkeys(extra))}".strip() if extra else asked
    return Query(question if isinstance(question, str) else "", text, intent, indicators, tuple(years), place,
                 level, tokens, expansion, canonical_text, county[:2],
                 tuple(w for w in glossed if w in canonical_text and w not in text),
                 question_asks(dated, intent, tokens, tuple(years), indicators), column_number(text),
                 named_phase(text), year_span(dated), quoted_phrases(text), structure_refs(text),
                 framing.topic, framing.asked, framing.speaker, framing.condition, figure_ask(dated, canonical_text),
                 outline_ref(text), topic_list=topic_list(text))


_LEVEL_IN_TERM_RE = lexicon_pattern("places.toml", "level_in_term")


def _level(text: str) -> str:
    """The one document level a question names, or "" (the city's own words 吉林市/江城/市里 name
    the municipal level only when no national or provincial word is there).

    A question naming two levels (「中央和省级……」) asks about neither document in particular."""
    text = _LEVEL_IN_TERM_RE.sub("", text)  # 省级以上工业开发区 is a kind of park, not the province's document
    named = [lv for lv, words in LEVEL_WORDS.items() if any(w in text for w in words)]
    upper = [lv for lv in named if lv != "municipal"]
    if not upper:
        return "municipal" if named else ""
    return upper[0] if len(upper) == 1 else ""


def retrieval_args(q: Query) -> dict:
    """Keyword arguments for Retriever.search that carry what understanding found."""
    # Indicator terms and named parts of the plan's structure (专栏4, 第一阶段) move their passages up.
    boost = list(q.indicators) + list(q.structure_refs)
    return {"boost_terms": tuple(boost), "years": tuple(str(y) for y in q.years),
            "wants_number": q.intent == "target", "level": q.level}
