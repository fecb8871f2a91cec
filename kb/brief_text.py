"""A brief's rows said as text: the citation marks and a target in the source's own words."""

from __future__ import annotations

import dataclasses

from kb.brief_types import NO_YEAR, Brief, Row

_VERB = {"以上": "达到{v}以上", "以下": "控制在{v}以下", "达到": "达到{v}", "左右": "保持在{v}左右",
         "提高": "提高{v}", "减少": "减少{v}"}


def _ref(refs: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in refs)


def target_sentence(r: Row) -> str:
    """The target in the source's own words (「控制在1.2%以内」 stays 以内), with its year when the
    clause does not state it; a row without its clause is phrased from its cells."""
    indicator, cmp, value, unit, year = r.cells[:5]
    year = "" if year == NO_YEAR else year
    if r.clause:
        clause = r.clause.rstrip("，。；")
        return clause if not year or year.rstrip("年") in clause else f"到{year}，{clause}"
    verb = _VERB.get(cmp, cmp.replace("…", "{v}") if "…" in cmp else cmp + "{v}").format(v=f"{value}{unit}")
    return f"{'到' + year + '，' if year else ''}{indicator}{verb}"


def _compact(b: Brief) -> Brief:
    """Only the references the brief cites, numbered in the order they are first cited (rows left
    out after they were cited — a target's sentence listed once, another year's measure — leave
    no unused reference behind)."""
    rows = [*b.phases, *b.targets, *b.milestones, *b.deadlines,
            *(r for t in b.tasks for r in (t.heading, *t.measures)), *b.projects, *b.elsewhere]
    order = list(dict.fromkeys(n for r in rows for n in r.refs))
    new = {old: i + 1 for i, old in enumerate(order)}
    by_n = {c.n: c for c in b.references}

    def row(r: Row) -> Row:
        return dataclasses.replace(r, refs=tuple(new[n] for n in r.refs))

    tasks = tuple(dataclasses.replace(t, heading=row(t.heading), measures=tuple(row(m) for m in t.measures))
                  for t in b.tasks)
    refs = tuple(dataclasses.replace(by_n[old], n=new[old]) for old in order)
    return dataclasses.replace(b, targets=tuple(map(row, b.targets)), milestones=tuple(map(row, b.milestones)),
                               deadlines=tuple(map(row, b.deadlines)),
                               phases=tuple(map(row, b.phases)), tasks=tasks, projects=tuple(map(row, b.projects)),
                               elsewhere=tuple(map(row, b.elsewhere)),
                               references=refs)
