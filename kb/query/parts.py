"""The parts of a question that asks several things (「第三阶段要达到什么状态？规划对本世纪中叶有何
展望？」, 「组织实施怎么安排的？县区要不要再出配套文件？」): one clause a part, split where the
asker ends one question and starts the next. A part that only points back to the first
(「出租车那边呢？」) is no question of its own and is not returned by `question_parts`.

`leaning_parts` reads how a later part leans on the one before it (issue #17), as a `Part`:
- a topic stated once carries into the later parts (「X这块，……？Y有啥要求？」: the second part is
  asked within X) when the later part has no indicator or topic clause of its own;
- a part that names nothing of its own (「……？哪年要做到？」, only question words and verbs of doing)
  is asked with the first part before it;
- a follow-up 「X呢？」 asks the question before it of X: X takes the place of what that question
  named (its indicator, or the thing sharing X's characters), and a year (「那2035年呢？」) takes
  the place of its year."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kb.lexicon import pattern, word_list
from kb.normalize import normalize_query
from kb.query.figure import without_unit

_END = re.compile(r"(?<=[？?；;])")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def question_parts(text: str, min_chars: int = 4) -> tuple[str, ...]:
    """The question's own questions, in order; one part when it asks one thing."""
    parts = [p.strip(" ，,。") for p in _END.split(text)]
    parts = [p for p in parts if len(_CJK.findall(p)) >= min_chars]
    own = [p for p in parts if not pattern("asks.toml", "follow_up").search(p)]
    return tuple(own) if len(own) >= 2 else (text,)


_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)\s*年?")
_RANGE = re.compile(r"20\d\d\s*年?\s*[—–\-~～至到]+\s*20\d\d")
_JOIN = re.compile(r"^[\s、，,和与及跟]+|[\s、，,和与及跟]+$")


def year_parts(text: str) -> tuple[tuple[int, str], ...]:
    """A question naming two or more separate years (「2026年、2032年分别完成什么」, not a span
    「2024—2027年」): for each year, the question asked of that year alone (the other years taken
    out). Empty when it names fewer than two."""
    if _RANGE.search(text):
        return ()
    found = list(_YEAR.finditer(text))
    years = list(dict.fromkeys(int(m.group(1)) for m in found))
    if len(years) < 2:
        return ()
    out = []
    for y in years:
        kept, last = [], 0
        for m in found:
            if int(m.group(1)) != y:
                kept.append(text[last:m.start()])
                last = m.end()
        kept.append(text[last:])
        own = "".join(kept)
        own = re.sub(r"(?<=年)[、，,和与及跟]+(?=[^\d])|[、，,和与及跟]+(?=\d{4}年)", "", own)
        out.append((y, _JOIN.sub("", own)))
    return tuple(out)


@dataclass(frozen=True)
class Part:
    """One part of a question of several parts, as it is asked."""

    text: str  # what is asked: the part as typed, or with what it leans on put in
    typed: str  # the part as the asker typed it
    leans: str = ""  # "" (stands alone) | "topic" | "subject" | "follow_up"
    of: str = ""  # follow_up: what the earlier question is asked of (「臭氧」, 「2035年」)
    year: int = 0  # follow_up: the year asked instead of the earlier one
    scope: bool = False  # follow_up: X names whose target (市里, 舒兰市): asked of its own documents


def leaning_parts(text: str, min_chars: int = 4) -> tuple[Part, ...]:
    """The question's parts in order, each as it is to be asked; one part (the question itself,
    as typed) when it asks one thing."""
    text = normalize_query(text)
    raw = [p.strip(" ，,。") for p in _END.split(text)]
    out: list[Part] = []
    for p in (p for p in raw if p):
        if out and pattern("asks.toml", "follow_up").search(p):
            follow = _follow_up(out[-1].text, p)
            if follow is not None:
                out.append(follow)
            continue
        if len(_CJK.findall(p)) < min_chars:
            continue
        out.append(_carried(out[0].typed, p) if out else Part(p, p))
    return tuple(out) if len(out) >= 2 else (Part(text, text),)


def own_question(text: str) -> str:
    """The question without its follow-ups 「X呢？」 (each is a question of its own, asked apart):
    what the whole question asks before them; the question itself when it has none (or when it is
    no text at all: reading the question says what is wrong with it)."""
    if not isinstance(text, str):
        return text
    parts = leaning_parts(text)
    if not any(p.leans == "follow_up" for p in parts):
        return text
    return "".join(p.typed for p in parts if p.leans != "follow_up")


def _unframed(text: str) -> str:
    """The text without who asks (「我是……的，」)."""
    return pattern("asks.toml", "speaker").sub("", text, count=1)


def topic_clause(text: str) -> str:
    """The topic clause at the head of a question (「扬尘这块，」), or ""."""
    m = pattern("asks.toml", "topic_clause").match(_unframed(text))
    return m.group(0) if m else ""


def _carried(first: str, part: str) -> Part:
    """A later part asked within the first part's topic clause, or with the first part when it
    names nothing of its own; else as typed."""
    if topic_clause(part) or _indicator_spans(part):
        return Part(part, part)
    clause = topic_clause(first)
    if clause:
        return Part(f"{clause}{part}", part, "topic")
    if _names_nothing(part) and not _names_place(part):
        return Part(f"{_unframed(first).rstrip('？?；;')}，{part}", part, "subject")
    return Part(part, part)


def _names_nothing(part: str) -> bool:
    """Only question words, verbs of doing, pointing words and years: no word of its own says
    what is asked."""
    from kb.question_words import is_question_word

    doing = {*word_list("asks.toml", "doing_words"), *word_list("asks.toml", "pointing_words")}
    words = [w for w, _, _ in _tokens(part) if _CJK.search(w)]
    return all(is_question_word(w) or w in doing or len(w) < 2 for w in words) and any(len(w) >= 2 for w in words)


def _names_place(part: str) -> bool:
    """The part names a place or a document level (「市里定的是多少？」): it has a scope of its own."""
    return bool(_scope_spans(part))


def _scope_spans(text: str) -> list[tuple[int, int]]:
    """Where the text names whose target it asks (a level, a county, another city), in order."""
    from kb.query.understand import COUNTIES, LEVEL_WORDS, OTHER_PLACES

    words = sorted({*COUNTIES, *OTHER_PLACES, *(w for ws in LEVEL_WORDS.values() for w in ws),
                    *word_list("asks.toml", "scope_words")}, key=len, reverse=True)
    taken: list[tuple[int, int]] = []
    for w in words:
        for m in re.finditer(re.escape(w), text):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                taken.append((m.start(), m.end()))
    return sorted(taken)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    from kb.segment import tokenizer

    return list(tokenizer().tokenize(text))


def _follow_up(before: str, part: str) -> Part | None:
    """「X呢？」 after a question: that question asked of X, or None when it names nothing X can
    take the place of (the part is then left out, as before)."""
    m = pattern("asks.toml", "follow_up_subject").match(part)
    if m is None:
        return None
    x = m.group("x").strip()
    asked, year = before, 0
    years = list(_YEAR.finditer(x))
    if years:
        year = int(years[0].group(1))
        said = list(dict.fromkeys(int(y.group(1)) for y in _YEAR.finditer(before)))
        if len(said) > 1 or len(years) > 1:
            return None  # which of the years it replaces is not said
        asked = _YEAR.sub(f"{year}年", before) if said else f"{year}年{before}"
        x = _JOIN.sub("", x[: years[0].start()] + x[years[0].end():]).strip()
        # what X names beside the year, from its first word of two characters (「2035年的臭氧」 → 臭氧);
        # nothing when the year alone is asked of (「那到2035年呢？」)
        x = next((x[a:] for w, a, _ in _tokens(x) if len(w) >= 2 and _CJK.search(w)), "")
    scope = bool(x) and _names_place(x)
    if x and not scope and _names_nothing(x):
        return None  # 「那其他的呢？」: points, names nothing
    if scope:  # 「市里呢？」: the earlier question asked of that scope, in place of the one it named
        spans = _scope_spans(asked)
        asked = asked[: spans[0][0]] + x + asked[spans[0][1]:] if spans else f"{x}{asked}"
    elif x:
        span = _subject_span(asked, x)
        if span is None:
            return None
        asked = without_unit(asked[: span[0]] + x + asked[span[1]:])
    return Part(asked, part, "follow_up", x or f"{year}年", year, scope)


def _subject_span(question: str, x: str) -> tuple[int, int] | None:
    """Where the question names what X takes the place of: its indicator when X names one, else
    the word sharing most characters with X (货车 for 客车, inside 清洁能源货车比例), else its one
    indicator. An indicator inside the head's topic clause (「养鱼这块，……鱼苗投放量……？」) sets the
    area, not what is asked: the one after it is taken when there is one."""
    spans = _indicator_spans(question)
    clause = topic_clause(question)
    at = question.find(clause) if clause else -1
    asked = [sp for sp in spans if at < 0 or not (at <= sp[0] and sp[1] <= at + len(clause))]
    spans = asked or spans
    if spans and _indicator_spans(x):
        return spans[0]
    from kb.question_words import is_question_word

    shared = [(len(set(w) & set(x)), e - s, -s, s, e) for w, s, e in _tokens(question)
              if len(w) >= 2 and _CJK.search(w) and not is_question_word(w)]
    best = max(shared, default=None)
    if best is not None and best[0] > 0:
        return _joined(question, best[3], best[4])
    return spans[0] if len(spans) == 1 else None


def _joined(question: str, start: int, end: int) -> tuple[int, int]:
    """The span widened over the things joined to it (「燃煤锅炉和企业自备燃煤机组」): the words of
    the plan on either side of a joiner, up to the question words."""
    from kb.question_words import is_question_word

    joiners = set(word_list("asks.toml", "joiners"))
    tokens = _tokens(question)
    i = next(n for n, (_, a, b) in enumerate(tokens) if a <= start < b)
    j = next(n for n, (_, a, b) in enumerate(tokens) if a < end <= b)

    def thing(n: int) -> bool:
        w = tokens[n][0]
        return len(w) >= 2 and bool(_CJK.search(w)) and not is_question_word(w)

    while j + 2 < len(tokens) and tokens[j + 1][0] in joiners and thing(j + 2):
        j += 2
        while j + 1 < len(tokens) and thing(j + 1):
            j += 1
    while i - 2 >= 0 and tokens[i - 1][0] in joiners and thing(i - 2):
        i -= 2
        while i - 1 >= 0 and thing(i - 1):
            i -= 1
    return tokens[i][1], tokens[j][2]


def _indicator_spans(text: str) -> list[tuple[int, int]]:
    """Where the text names an indicator (by its name or a synonym), longest name first, in order."""
    taken: list[tuple[int, int]] = []
    for _variant, _canonical, pat in _indicator_patterns():
        for m in pat.finditer(text):
            if not any(a < m.end() and m.start() < b for a, b in taken):
                taken.append((m.start(), m.end()))
    return sorted(taken)


@functools.lru_cache(maxsize=1)
def _indicator_patterns():
    from kb.query.understand import _indicator_patterns as patterns

    return patterns()
