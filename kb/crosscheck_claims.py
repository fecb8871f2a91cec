"""What a department plan claims, statement by statement: targets and deadlines (with Chinese
numerals and fractions read as figures, the year nearest the figure, ranges; a year standing inside
its clause moved to the clause's head; shares over several groups read group by group),
responsibilities (the body that leads), and 现状 statements about the past, which are never judged.

Every pattern is data: kb/lexicon/crosscheck.toml, named by the kind of statement it recognises."""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from kb.facts import extract_sentence
from kb.facts_grammar import in_title, year_markers
from kb.types import Fact

_DATA = Path(__file__).parent / "lexicon" / "crosscheck.toml"
_CN_DIGIT = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}
_YEAR = re.compile(r"(?<![^占]比)(?<!较)(20\d\d)\s*年(?!(?:基础上|相比|水平))")
_CLAUSE_END = "，,。；;：:"


@functools.lru_cache(maxsize=1)
def patterns() -> dict:
    return tomllib.loads(_DATA.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Claim:
    """One checkable statement: a target/deadline fact of the plan, or a responsibility."""

    statement: str  # the department's sentence as written
    fact: Fact  # extracted from the sentence with numerals read as figures
    value_range: tuple[float, float] | None = None  # 「85%—90%」
    lead: str = ""  # responsibility: the body that leads
    duty: str = ""


def cn_number(text: str) -> float | None:
    """九十五 → 95, 百 → 100, 一百 → 100, 三千 → 3000, 三点五 → 3.5, 12.5 → 12.5."""
    text = text.strip()
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return float(text)
    whole, _, frac = text.partition("点")
    total, cur = 0, 0
    for ch in whole:
        if ch in _CN_DIGIT:
            cur = _CN_DIGIT[ch]
        elif ch in _CN_UNIT:
            total += (cur or 1) * _CN_UNIT[ch]
            cur = 0
        else:
            return None
    value = float(total + cur)
    if frac:
        digits = "".join(str(_CN_DIGIT.get(ch, "")) for ch in frac)
        if not digits:
            return None
        value += float("0." + digits)
    return value


def _fmt(v: float) -> str:
    return str(int(v)) if v == int(v) else f"{v:g}"


def read_numerals(text: str) -> tuple[str, tuple[float, float] | None]:
    """Chinese numerals and fractions as figures (same meaning, for the extractor); a range
    「85%—90%」 becomes its lower bound and is returned beside the text."""
    p = patterns()["numerals"]
    text = re.sub(p["percent"], lambda m: f"{_fmt(v)}%" if (v := cn_number(m.group('num'))) is not None else m.group(0), text)

    def fraction(m: re.Match[str]) -> str:
        tens = 10 if m.group("tens") == "十" else _CN_DIGIT[m.group("tens")]
        return f"{tens * 10 + (_CN_DIGIT[m.group('ones')] if m.group('ones') else 0)}%"

    text = re.sub(p["fraction"], fraction, text)
    for word in p["half"]:
        text = text.replace(word, "50%")
    for word, value in p["double"].items():
        text = text.replace(word, f"提高{value}%")
    text = re.sub(p["counted"], lambda m: f"{m.group('verb')}{_fmt(v)}{m.group('unit')}"
                  if (v := cn_number(m.group("num"))) is not None else m.group(0), text)
    value_range = None
    m = re.search(p["range"], text)
    if m:
        value_range = (float(m.group("lo")), float(m.group("hi")))
        text = text[: m.start()] + f"{m.group('lo')}{m.group('u2')}" + text[m.end():]
    return text, value_range


def year_to_head(text: str) -> tuple[str, set[int]]:
    """「…转运站于2030年全面建成」 → 「2030年，…转运站全面建成」: a future year standing inside its clause,
    after the subject and before the verb phrase, goes to the clause's head ([year_inside]). It governs
    what it governed where it stood: a marker (于2030年, 2030年底前) the clauses after it too, a bare
    year only its own clause — returned: the numbers of the clauses a bare year governs (its own, and
    its subject's once moved)."""
    p = patterns()["year_inside"]
    lead_in = sorted(p["lead_in"], key=len, reverse=True)
    governed: set[int] = set()
    pos = 0
    inside = re.compile(p["year"])
    while (m := inside.search(text, pos)):
        pos = m.end()
        head = max(text.rfind(c, 0, m.start()) for c in _CLAUSE_END) + 1
        subject, after = text[head:m.start()], text[m.end():]
        if (int(m.group("year")) <= patterns()["baseline"]["latest_past_year"] or in_title(text, m.start())
                or not after or after[0] in _CLAUSE_END):
            continue
        if not (m.group("pre") or m.group("suf") or after.startswith(tuple(p["verb_after"]))):
            continue
        bare = subject.strip()
        while (word := next((w for w in lead_in if bare.startswith(w)), "")):
            bare = bare[len(word):]
        if len(bare) >= 2:
            marker = f"{m.group('year')}年{m.group('suf') or ''}，"
            text = f"{text[:head]}{marker}{subject}{after}"
            if not (m.group("pre") or m.group("suf")):
                governed |= {clause_no(text, head), clause_no(text, head) + 1}
            pos = head + len(marker) + len(subject)
    return text, governed


def clause_no(text: str, pos: int) -> int:
    return sum(text.count(c, 0, pos) for c in _CLAUSE_END)


def shares_first(text: str) -> str:
    """「甲类站点的90%、乙类站点的70%达到……」 → 「90%甲类站点、70%乙类站点达到……」 ([shares])."""
    p = patterns()["shares"]
    return re.sub(p["list"], lambda m: re.sub(p["item"], lambda i: i.group("share") + i.group("noun"), m.group(0)), text)


def is_baseline(sentence: str) -> bool:
    """A statement of what is (现状): a baseline cue, 「2024年……为88.5%」 or a change already counted
    (「2023年……同比下降4.1%」) with a past year, and no target word such as 到2027年 or 力争."""
    b, t = patterns()["baseline"], patterns()["target"]
    years = [int(y) for y in _YEAR.findall(sentence)]
    past = all(y <= b["latest_past_year"] for y in years)
    if any(c in sentence for c in ("到20", "至20", "力争", "确保")) and not (years and past):
        return False
    if any(c in sentence for c in b["cues"]) and past:
        return True
    if years and past and any(c in sentence for c in b["reported"]):
        return True
    if years and past and not re.search(b["deadline"], sentence) and not any(w in sentence for w in b["intent"]):
        return True  # 「2024年，全市完成……45万亩」: what was done
    m = re.search(b["past_value"], sentence)
    return bool(m and int(m.group("year")) <= b["latest_past_year"]
                and not any(c in sentence for c in t["cues"] if c.startswith(("到", "至", "力争", "确保"))))


def _nearest_year(text: str, pos: int) -> int | None:
    """The year nearest a figure at pos: the closest before it in the sentence, else after it."""
    before = [(pos - m.end(), int(m.group(1))) for m in _YEAR.finditer(text) if m.end() <= pos]
    after = [(m.start() - pos, int(m.group(1))) for m in _YEAR.finditer(text) if m.start() >= pos]
    if before:
        return min(before)[1]
    return min(after)[1] if after else None


def _governed(text: str, f: Fact, pos: int, governed: set[int]) -> Fact | None:
    """A deadline (at pos) of a bare year moved to its clause's head: only its own clause; None when
    the deadline stands in a clause after it."""
    before = [a for a, _, _ in year_markers(text) if a <= pos]
    if not before or clause_no(text, before[-1]) not in governed:
        return f
    if clause_no(text, pos) not in governed:
        return None
    cut = min((i for i in (f.subject.find(c) for c in _CLAUSE_END) if i >= 0), default=len(f.subject))
    return dataclasses.replace(f, subject=f.subject[:cut])


def _responsibility(sentence: str) -> tuple[str, str] | None:
    p = patterns()["responsibility"]
    for pattern in p["lead"]:
        m = re.search(pattern, sentence)
        if m:
            body = re.sub(p["body_prefix"], "", m.group("body")).strip("，、 ")
            # the duty is the clause that names the lead (not the clauses after it), without the
            # bodies it works with (「会同市发改、住建等有关部门」)
            lo = max(sentence.rfind(c, 0, m.start()) for c in "，；。") + 1
            hi = min((i for i in (sentence.find(c, m.end()) for c in "，；。") if i >= 0), default=len(sentence))
            after = re.sub(p["partners_after_lead"], "", sentence[m.end(): hi])
            # 「X由A牵头，会同B、C制定」: the clause of the partners carries the duty's verb
            nxt = sentence[hi:].lstrip("，")
            with_partners = re.match(p["partners"], nxt)
            if with_partners:
                end = min((i for i in (nxt.find(c) for c in "，；。") if i >= 0), default=len(nxt))
                after += re.sub(p["partners_tail"], "", nxt[with_partners.end("partners"): end])
            return body, (sentence[lo: m.start()] + after).strip("，。；")
    return None


def claims_of(sentence_text: str, start: int, path: tuple[str, ...], context_year: int | None) -> list[Claim]:
    """The checkable claims of one department sentence; prose and 现状 statements give none."""
    if is_baseline(sentence_text):
        return []
    marker = re.match(patterns()["enumeration"]["marker"], sentence_text)
    cut = marker.end() if marker else 0  # 「（三）」 is numbering, not part of the indicator
    rest = sentence_text[cut:]
    start += cut
    text, value_range = read_numerals(rest)
    text, governed = year_to_head(text)
    text = shares_first(text)  # drops no clause mark: the clause numbers hold
    max_chars = patterns()["target"]["max_indicator_chars"]
    out: list[Claim] = []
    seen: set[tuple[str, str]] = set()
    for f in extract_sentence("_plan", text, start, path, context_year):
        if f.kind == "target":
            if not f.value or not f.indicator or len(f.indicator) > max_chars:
                continue
            pos = text.find(f"{f.value}{f.unit}", max(0, f.start - start))
            pos = pos if pos >= 0 else text.find(f.value)
            year = _nearest_year(text, pos) if _YEAR.search(text) else f.year
            # 「覆盖人口比例2027年提高到70%」: the year in the middle is the deadline, not the indicator
            indicator = _YEAR.sub("", f.indicator).strip("，、 ") or f.indicator
            f = dataclasses.replace(f, year=year or f.year, indicator=indicator)
        elif f.kind == "deadline":
            if not f.year or not (f.subject or "").strip():
                continue
            if (f := _governed(text, f, f.start - start, governed)) is None:
                continue
        else:
            continue
        key = (f.kind, f.indicator or f.subject)
        if key not in seen:
            seen.add(key)
            out.append(Claim(sentence_text, f, value_range if f.kind == "target" else None))
    resp = _responsibility(rest)
    if resp and not out:
        body, duty = resp
        fact = Fact("responsibility", "_plan", sentence_text, start - cut, start - cut + len(sentence_text), path,
                    subject=body)
        out.append(Claim(sentence_text, fact, lead=body, duty=duty))
    return out
