"""Who and what: responsibilities (lead body, partners, duty) and the projects listed in 专栏.

A responsibility's quote is its whole sentence; a project's quote is its name in the 专栏 text."""

from __future__ import annotations

import re

from kb.clauses import clauses as _clauses
from kb.clauses import make_fact as _fact
from kb.clauses import split_top as _split_top
from kb.types import Fact

Path = tuple[str, ...]

_BODY = (r"各地各部门|各级党委和政府|各级党委、政府|各级党委政府|各级政府|各县（市）区(?:党委和(?:人民)?政府)?|各开发区"
         r"|市直(?:有关|各|相关)?部门|各有关部门|有关部门|相关部门|各部门|各地"
         r"|市[^\s，。、；：]{1,12}?(?:局|委员会|委|办公室|办|厅|部|中心)")
_RESP_WITH = re.compile(rf"^(?P<body>{_BODY})(?:会同|联合)(?P<partners>[^，。；]+?(?:部门|单位|机构))(?P<duty>.{{4,}})$")
_RESP_LEAD = re.compile(r"由(?P<body>[^，。；由]{2,20}?)牵头(?:[，,](?P<partners>[^，。；]{2,30}?)(?:配合|参与))?")
_RESP_LEAD2 = re.compile(r"^(?P<body>[^，。；]{2,20}?)牵头[，,](?P<partners>[^，。；]{2,30}?)(?:配合|参与)")
_RESP_MODAL = re.compile(rf"^(?P<body>{_BODY})(?:要|应当|应|须|必须|负责|(?=原则上|不得))(?P<duty>.{{4,}})$")
_PROJECT_END = ("项目", "工程", "改造", "治理", "建设", "基地", "产业园", "园区", "行动", "系统", "平台", "电站", "设施",
                "修复", "利用", "回用", "整治", "提升")
_PROJECT_VERBS = ("重点实施", "重点推进", "实施", "推进", "开展", "推行", "加快")
_NOT_PROJECT = ("为", "以", "让", "使", "确保", "从而", "进而", "助力", "促进", "提供", "打造")
_LIST_TAIL = re.compile(r"等(?:重大项目|项目建设|项目|重大工程|工程)$")


def is_heading(text: str, path: tuple[str, ...]) -> bool:
    return bool(path) and text.strip().rstrip("。") == path[-1].rstrip("。")


# -------------------------------------------------------------------------------------- responsibilities
def responsibilities(doc_id: str, text: str, start: int, path: Path) -> list[Fact]:
    body_text = text.rstrip("。；; ")
    end = len(body_text)
    m = _RESP_WITH.match(body_text)
    if m:
        return [_fact("responsibility", doc_id, text, start, 0, end, path, subject=m.group("body"),
                      scope=m.group("duty").strip("，, "), extra=(("partners", m.group("partners")),))]
    m = _RESP_LEAD.search(body_text) or _RESP_LEAD2.match(body_text)
    if m:
        extra = (("partners", m.group("partners")),) if m.group("partners") else ()
        duty = (body_text[: m.start()] + body_text[m.end():]).strip("，, ")
        return [_fact("responsibility", doc_id, text, start, 0, end, path, subject=m.group("body"), scope=duty,
                      extra=extra)]
    m = _RESP_MODAL.match(body_text)
    if m:
        return [_fact("responsibility", doc_id, text, start, 0, end, path, subject=m.group("body"),
                      scope=m.group("duty").strip("，, "))]
    return []


# ------------------------------------------------------------------------------------------------ projects
def projects(doc_id: str, text: str, start: int, path: Path) -> list[Fact]:
    column = next((p for p in path if re.match(r"专栏\s*\d+", p)), "")
    if not column or is_heading(text, path):
        return []
    item = next((p for p in path if re.match(r"\d{1,2}[.．、]", p)), "")
    heading = re.sub(r"^\d{1,2}[.．、]\s*", "", item).rstrip("。") or re.sub(r"^专栏\s*\d+\s*", "", column)
    body = text.rstrip("。；; ")
    k = body.find("重点实施")
    if k >= 0:
        groups = [(k + 4 + a, k + 4 + b) for a, b in _split_top(body[k + 4:], "，")]
    else:
        groups, listing = [], False
        for g in _clauses(body):
            clause = body[g[0]:g[1]]
            listing = clause.startswith(_PROJECT_VERBS) or (listing and not clause.startswith(_NOT_PROJECT))
            if listing:
                groups.append(g)
    out = []
    for a, b in groups:
        g = body[a:b]
        verb = next((v for v in _PROJECT_VERBS if g.startswith(v)), "")
        a += len(verb)
        tail = _LIST_TAIL.search(body[a:b]) or re.search(r"等$", body[a:b])
        if tail:
            b = a + tail.start()
        if b - a < 4:
            continue
        pieces = [(a + x, a + y) for x, y in _split_top(body[a:b], "、")]
        names = [re.sub(r"（[^（）]*）$", "", body[x:y]) for x, y in pieces]
        split = len(pieces) > 1 and all(len(n) >= 4 for n in names) and (
            all(n.endswith(_PROJECT_END) for n in names) or (tail is not None and tail.group(0) != "等"))
        for x, y in pieces if split else [(a, b)]:
            out.append(_fact("project", doc_id, text, start, x, y, path, subject=text[x:y], indicator=heading,
                             extra=(("column", column),)))
    return out
