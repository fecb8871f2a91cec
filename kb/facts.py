"""Rule-based fact extraction: quantitative targets, deadlines, responsibilities and 专栏 projects.

Each fact keeps a verbatim quote: ``doc.text[fact.start:fact.end] == fact.quote``. A quote is the
clause holding the fact (with a contiguous 「到2027年，」 in front of it), a project's name, or the
whole sentence for a responsibility.

Targets: ``indicator comparator value unit year``. Comparators are ``≥ ≤ = 左右`` for a level and
``+ −`` for a change by an amount (「平均提高1克/千克」); 「力争」 keeps the comparator and adds
``("force", "力争")`` to ``extra``. The year is the nearest 「到2027年」-like marker before the
number in the sentence, else ``context_year`` (the caller's last year of the paragraph), else the
end year of an enclosing phase 「第一阶段（2024—2027年）」.

Deadlines are emitted for the clauses after a year marker (or inside a phase) that hold no target:
a clause that holds a target is not repeated as a deadline.

Responsibilities and projects are found by kb.facts_roles; clause splitting is kb.clauses.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from kb.clauses import clauses as _clauses
from kb.clauses import make_fact as _fact
from kb.facts_grammar import (
    ACTION_RE,
    BASE_RE,
    BOUND_CMP,
    MINES_RE,
    SHARE_RE,
    VALUE_RE,
    VERB_RE,
    VERBS,
    clean_indicator,
    in_title,
    is_marker_clause,
    phase_year,
    split_list,
    year_markers,
)
from kb.facts_roles import is_heading as _is_heading
from kb.facts_roles import projects, responsibilities
from kb.facts_scope import respectively
from kb.indicators import INDICATOR_SYNONYMS, canonical_indicator
from kb.types import Document, Fact

YearOf = Callable[[int], int | None]
Path = tuple[str, ...]

__all__ = ["INDICATOR_SYNONYMS", "canonical_indicator", "extract_document", "extract_sentence", "year_markers"]

# ------------------------------------------------------------------------------------------------ targets
@dataclass
class Context:
    """What a paragraph's sentences pass on: the base year of its last relative target
    (「比2020年下降10%」), and the sentence's year markers, to tell a span 「“十四五”期间」 from a year."""

    base: str = ""
    markers: list[tuple[int, int, int]] = field(default_factory=list)
    text: str = ""

    def span_of(self, pos: int) -> str:
        before = [(a, b) for a, b, _ in self.markers if a < pos]
        if not before:
            return ""
        a, b = before[-1]
        return self.text[a:b] if "十" in self.text[a:b] else ""


def _targets(doc_id: str, text: str, start: int, path: Path, year_of: YearOf, context: Context
             ) -> tuple[list[Fact], list[tuple[int, int]]]:
    facts: list[Fact] = []
    target_clauses: list[tuple[int, int]] = []
    clauses = _clauses(text)
    in_column = any(p.startswith("专栏") for p in path)
    quote_from: dict[int, int] = {}
    for ci, (ca, cb) in enumerate(clauses):
        qa = clauses[ci - 1][0] if ci and is_marker_clause(text[clauses[ci - 1][0]:clauses[ci - 1][1]]) else ca
        quote_from[ci] = qa
        seg, prev_ind, found = ca, (facts[-1].indicator if facts else ""), []
        consumed = ca
        for m in VALUE_RE.finditer(text, ca, cb):
            if m.start() < consumed or _skip_number(text, m, ca):
                continue
            left = text[seg:m.start()]
            bound = m.group("bound") or ""
            vm = VERB_RE.search(left)
            sm = SHARE_RE.search(left) if not vm else None
            extra: list[tuple[str, str]] = []
            if vm:
                verb = vm.group("verb")
                cmp = VERBS[verb]
                if cmp in ("+", "−"):
                    if bound:
                        extra.append(("bound", BOUND_CMP[bound]))
                elif bound:
                    cmp = BOUND_CMP[bound]
                raw = left[: vm.start()]
                if "平均" in vm.group(0):
                    extra.append(("average", "平均"))
                each = "均" in vm.group("mods")
            elif sm:
                cmp = BOUND_CMP.get(bound, "=")
                subject = clean_indicator(left[: sm.start()])[0] or prev_ind
                raw = f"{subject}占{sm.group('obj') or sm.group('of')}比例"
                each = False
                if ci and not left[: sm.start()].strip():
                    quote_from[ci] = quote_from[ci - 1]
            elif not in_column and not text[m.end():cb].strip() and (bound or ACTION_RE.match(left.strip())):
                cmp, raw, each = BOUND_CMP.get(bound, "="), left, False
            else:
                continue
            if "力争" in text[quote_from[ci]:m.start()]:
                extra.append(("force", "力争"))
            base = BASE_RE.search(raw)
            if base:
                extra.append(("base", base.group("base")))
                raw = raw[: base.start()] + raw[base.end():]
            elif cmp in ("+", "−") and context.base:
                extra.append(("base", context.base))  # 「……分别下降20%、15%」 after 「比2020年下降10%」
            if context.span_of(m.start()):
                extra.append(("span", context.span_of(m.start())))
            one_fact = _one_target(doc_id, text, start, path, quote_from[ci], cb, year_of)
            if vm and "分别" in vm.group("mods"):
                more = _following_values(text, m.end(), cb)
                pairs = respectively(clean_indicator(raw, split=False)[0], 1 + len(more))
                if pairs:
                    values = [m, *more] if len(pairs) == 1 + len(more) else [m] * len(pairs)
                    last_bound = values[-1].group("bound") or ""  # 「10%和5%左右」: 左右 holds for both
                    for (one, scope), vmatch in zip(pairs, values):
                        c, ex = _level(cmp, vm.group("verb"), vmatch.group("bound") or last_bound, extra)
                        found.append(one_fact(one, scope, c, vmatch, ex))
                    prev_ind, seg = found[-1].indicator, values[-1].end()
                    consumed = seg
                    continue
            ind, scope = clean_indicator(raw)
            if not ind:
                ind = prev_ind  # a follow-on target: 「……达到25%以上，京津冀地区达到35%以上」
            if len(ind) < 2:
                continue
            for one in split_list(ind, each):
                found.append(one_fact(one, scope, cmp, m, extra))
            prev_ind, seg = found[-1].indicator, m.end()
            if base:
                context.base = base.group("base")
        if not found:
            found = _mines(doc_id, text, start, path, ca, cb, quote_from[ci], year_of)
        if found:
            facts.extend(found)
            target_clauses.append((ca, cb))
    return facts, target_clauses


def _one_target(doc_id: str, text: str, start: int, path: Path, qa: int, cb: int, year_of: YearOf):
    def make(indicator: str, scope: str, cmp: str, m: re.Match[str], extra) -> Fact:
        return _fact("target", doc_id, text, start, qa, cb, path, indicator=indicator, comparator=cmp,
                     value=m.group("num"), unit=m.group("unit"), year=year_of(m.start()), scope=scope,
                     extra=tuple(extra))
    return make


def _following_values(text: str, pos: int, hi: int) -> list[re.Match[str]]:
    """The values listed after a 「分别」 value: 「20%、15%」, 「10%和12%左右」."""
    out = []
    while True:
        sep = re.match(r"\s*(?:、|和|及)\s*", text[pos:hi])
        m = VALUE_RE.match(text, pos + sep.end(), hi) if sep else None
        if not m:
            return out
        out.append(m)
        pos = m.end()


def _level(cmp: str, verb: str, bound: str, extra: list[tuple[str, str]]) -> tuple[str, list[tuple[str, str]]]:
    """Comparator and extra of one value of a 「分别」 list, with that value's own bound."""
    ex = [e for e in extra if e[0] != "bound"]
    if VERBS[verb] in ("+", "−"):
        return VERBS[verb], ex + ([("bound", BOUND_CMP[bound])] if bound else [])
    return (BOUND_CMP[bound] if bound else VERBS[verb]), ex


def _skip_number(text: str, m: re.Match[str], lo: int) -> bool:
    before = text[max(lo, m.start() - 1):m.start()]
    after = text[m.end():m.end() + 1]
    if before in ("×", "*", "x", "X", "〔", "第", "[", ".") or re.match(r"[A-Za-z]", before or " "):
        return True
    # 「低于40微克/立方米的未达标城市」「80%以上的钢铁产能」: a number that qualifies a noun is a condition
    attributive = text.startswith("的", m.end()) and not text.startswith(("的比例", "的比重"), m.end())
    return after in ("×", "号") or attributive or in_title(text, m.start())


def _mines(doc_id: str, text: str, start: int, path: Path, ca: int, cb: int, qa: int, year_of: YearOf
           ) -> list[Fact]:
    """「持证在产的90%大型矿山、80%中型矿山达到绿色矿山标准要求」: a share of a group meets a standard."""
    clause = text[ca:cb]
    verb = clause.find("达到")
    if verb < 0 or any(p.startswith("专栏") for p in path):
        return []
    criterion = clause[verb + 2:].strip()
    out, scope = [], ""
    for m in MINES_RE.finditer(clause, 0, verb + 3):
        if not out:
            scope = clean_indicator(clause[: m.start()])[0].rstrip("的")
        noun = m.group("noun").strip("、 ")
        out.append(_fact("target", doc_id, text, start, qa, cb, path, indicator=f"{noun}达到{criterion}的比例",
                         comparator="=", value=m.group("num"), unit=m.group("unit"),
                         year=year_of(ca + m.start()), scope=scope))
    return out


# ---------------------------------------------------------------------------------------------- deadlines
def _deadlines(doc_id: str, text: str, start: int, path: Path, markers: list[tuple[int, int, int]],
               target_clauses: list[tuple[int, int]]) -> list[Fact]:
    p_year, phase = phase_year(path)
    if markers:
        spans = [(m[1], markers[i + 1][0] if i + 1 < len(markers) else len(text), m[2], m[0])
                 for i, m in enumerate(markers)]
    elif p_year and not _is_heading(text, path) and "本世纪中叶" not in text and not text.rstrip().endswith("："):
        spans = [(0, len(text), p_year, None)]
    else:
        return []
    out = []
    for lo, hi, year, mstart in spans:
        run: list[tuple[int, int]] = []
        for ca, cb in _clauses(text, lo, hi) + [(hi, hi)]:
            if ca < hi and not any(ta <= ca < tb or ca <= ta < cb for ta, tb in target_clauses):
                run.append((ca, cb))
                continue
            if run:
                a, b = run[0][0], run[-1][1]
                subject = text[a:b].strip(" ，,；;。")
                qa = mstart if mstart is not None and not text[lo:a].strip(" ，,") else a
                if len(subject) >= 4:
                    extra = (("phase", phase),) if mstart is None else (("marker", text[mstart:lo]),)
                    out.append(_fact("deadline", doc_id, text, start, qa, b, path, subject=subject, year=year,
                                     extra=extra))
            run = []
    return out


# ------------------------------------------------------------------------------------------------ public
def extract_sentence(doc_id: str, text: str, start: int, path: tuple[str, ...],
                     context_year: int | None = None, context: Context | None = None) -> list[Fact]:
    """All facts of one sentence; ``start`` is its offset in the document."""
    if not text or not text.strip():
        return []
    markers = year_markers(text)
    context = context or Context()
    context.markers, context.text = markers, text
    fallback = context_year or phase_year(path)[0]

    def year_of(pos: int) -> int | None:
        before = [y for s, _, y in markers if s < pos]
        return before[-1] if before else fallback

    facts, target_clauses = _targets(doc_id, text, start, path, year_of, context)
    facts += _deadlines(doc_id, text, start, path, markers, target_clauses)
    facts += responsibilities(doc_id, text, start, path)
    facts += projects(doc_id, text, start, path)
    return facts


def extract_document(doc: Document) -> tuple[Fact, ...]:
    """Facts of every sentence; a year marker carries over to later sentences of its paragraph."""
    out: list[Fact] = []
    para, context_year, context = -2, None, Context()
    for s in doc.sentences:
        p = doc.text.rfind("\n", 0, s.start)
        if p != para:
            para, context_year, context = p, None, Context()
        out.extend(extract_sentence(doc.doc_id, s.text, s.start, s.path, context_year, context))
        markers = year_markers(s.text)
        if markers:
            context_year = markers[-1][2]
    return tuple(out)
