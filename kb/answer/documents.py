"""Answer wording across documents: an answer quoting a document other than the city plan names
it (「国务院《空气质量持续改善行动计划》提出：……」); the not-found text names the kind of document
searched; a question asking the city and the nation gets one part a side, each cited from its own
documents, or a line saying which side the corpus lacks."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping

from kb.lexicon import word_list
from kb.query.documents import DocChoice, kind_of
from kb.relevance import Relevance
from kb.types import Answer, Citation

_RELEVANCE: dict[tuple[int, tuple[str, ...]], Relevance] = {}
_SIDE_NAMES = {"city": "市级规划", "upper": "国家层面的文件"}
_ABOUT = word_list("text.toml", "title_about")
_UPPER_START = tuple(word_list("text.toml", "upper_issuer_start"))


def scoped_context(kb, doc_ids: tuple[str, ...]):
    """The context whose key-word weights (IDF) count the chosen documents only: a word the
    national texts use often must not weigh less in a question about the city plan."""
    if not doc_ids or not dataclasses.is_dataclass(kb):
        return kb
    key = (id(kb.index), tuple(sorted(doc_ids)))
    if key not in _RELEVANCE:
        if len(_RELEVANCE) > 16:
            _RELEVANCE.clear()
        _RELEVANCE[key] = Relevance([c.text + " " + c.section for c in kb.index.chunks if c.doc_id in doc_ids])
    return dataclasses.replace(kb, relevance=_RELEVANCE[key])


def display_name(doc) -> str:
    """「国务院《空气质量持续改善行动计划》」: issuer and title (title without its issuer prefix)."""
    title = doc.meta.title
    about = _ABOUT[0]
    if about in title and not title.startswith(about):
        title = about + title.split(about, 1)[1]
    issuers = [i for i in re.split(r"[、，,\s]+", doc.meta.issuer) if i]
    issuer = "、".join(issuers) if len(issuers) <= 2 else f"{issuers[0]}等部门"
    return f"{issuer}《{title}》"


def attribute(ans: Answer, docs: Mapping) -> Answer:
    """Name the document when every citation of an answered question is from one non-city document."""
    ids = {c.doc_id for c in ans.citations}
    if ans.status != "answered" or len(ids) != 1:
        return ans
    doc = docs.get(next(iter(ids)))
    if doc is None or doc.meta.level == "municipal":
        return ans
    name = display_name(doc)
    if re.search(r"\d", name) or ans.answer.startswith(name):
        return ans
    return dataclasses.replace(ans, answer=f"{name}提出：{ans.answer}")


def not_found_text(choice: DocChoice, docs: Mapping, default: str) -> str:
    """The not-found line naming the documents searched (规划, 行动计划, 国家层面的文件)."""
    ids = choice.doc_ids
    if not ids or all(docs[d].meta.level == "municipal" for d in ids if d in docs):
        return default
    if len(ids) == 1 and ids[0] in docs:
        where = display_name(docs[ids[0]])
    else:
        kinds = sorted({kind_of(docs[d].meta.title) for d in ids if d in docs})
        where = f"国家层面的{'、'.join(kinds)}"
    return f"{where}中没有找到能回答这个问题的内容，不作推测。下面列出最接近的段落，仅供参考。"


def merge_sides(question: str, parts: list[tuple[str, Answer]]) -> Answer:
    """One answer from one answer a side: the citations renumbered in order, a side without an
    answer said plainly."""
    lines: list[str] = []
    cites: list[Citation] = []
    facts = []
    for side, ans in parts:
        if ans.status != "answered":
            lines.append(f"{_SIDE_NAMES.get(side, side)}中没有找到这方面的内容。")
            continue
        offset = len(cites)
        text = re.sub(r"\[(\d+)\]", lambda m, o=offset: f"[{int(m.group(1)) + o}]", ans.answer)
        if side == "city" and not text.startswith(_UPPER_START):
            text = f"{_SIDE_NAMES[side]}提出：{text}"
        cites.extend(dataclasses.replace(c, n=c.n + offset) for c in ans.citations)
        facts.extend(ans.facts)
        lines.append(text)
    answered = any(a.status == "answered" for _, a in parts)
    related = tuple(c for _, a in parts for c in a.related)[:3]
    return Answer(question, "answered" if answered else "not_found", "\n".join(lines), tuple(cites), tuple(facts),
                  related if not answered else ())


_ASKED_PLACES = word_list("places.toml", "asked_places")
HIGHER_LEVELS = ("national", "provincial")  # levels above the city plan


def place_not_named(ans: Answer, question: str, docs: Mapping) -> Answer:
    """「国家文件给本市定了多少」: when every citation is from a higher document that never
    names the place asked, that document sets nothing of its own for the place: say so, and show
    its general requirement as such (not_found), never as the place's own figure."""
    if ans.status != "answered" or not ans.citations:
        return ans
    cited = {docs[c.doc_id] for c in ans.citations if c.doc_id in docs}
    if not cited or any(d.meta.level not in HIGHER_LEVELS for d in cited):
        return ans
    place = next((p for p in _ASKED_PLACES if p in question), "")
    if not place or any(place in d.text for d in cited):
        return ans
    kind = "、".join(dict.fromkeys(f"《{kind_of(d.meta.title)}》" for d in cited))
    lead = f"{kind}没有单独提到{place}，没有专门针对{place}的规定。下面是文件的一般要求，不是{place}自己的目标：{ans.answer}"
    return dataclasses.replace(ans, status="not_found", answer=lead, confidence=0.0)
