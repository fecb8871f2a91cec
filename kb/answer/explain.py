"""How an answer was reached: the typed query, the strategies that produced a candidate, each
candidate's score and first quote, the chosen strategy and a confidence in 0–1.

The score of a candidate is the answer selector's calibrated probability that it is right
(kb/select); the confidence is the chosen candidate's. With ``answering.selector = 0`` the score
is the share of the question's key words the candidate's quotes hold (not calibrated)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kb.answer.outline import chinese
from kb.types import Answer

if TYPE_CHECKING:
    from kb.query import Query
    from kb.relevance import Relevance


@dataclass(frozen=True)
class Candidate:
    strategy: str
    score: float
    quote: str
    grounded: bool = True  # every number of the candidate stands in a cited quote
    label: str = ""  # what the strategy does, in Chinese


@dataclass(frozen=True)
class LLMNote:
    """What the optional model did for one question: the search phrases it added, whether its
    answer was used, and when not, why (in Chinese), with the seconds it took."""

    answered_by: str  # llm | extractive
    reason: str  # why the extractive answer stands ('' when the model's answer was used)
    rewrites: tuple[str, ...] = ()
    seconds: float = 0.0
    # the kind of fallback ('' when the model's answer was used): guard (a reply judged and
    # refused), reply (malformed or cut off), timeout, endpoint, unreachable, passages (nothing to
    # read), rules (not sent: refused by the rules), off (llm_read=0)
    kind: str = ""

    def to_dict(self) -> dict:
        return {"answered_by": self.answered_by, "fallback_reason": self.reason, "fallback_kind": self.kind,
                "rewrites": list(self.rewrites), "seconds": round(self.seconds, 3)}

    def line(self) -> str:
        head = f"模型改写的检索词：{'、'.join(self.rewrites)}；" if self.rewrites else ""
        if self.answered_by == "llm":
            return f"{head}模型答案通过原文核验（每句有出处、引文逐字见于原文、数字都在引文中），用时 {self.seconds:.1f} 秒。"
        return f"{head}未采用模型答案：{self.reason}（用时 {self.seconds:.1f} 秒），给出的是规则抽取的答案。"


@dataclass(frozen=True)
class Explain:
    query: Query
    strategy: str  # the chosen strategy, "refusal" (refused before retrieval) or "" (none answered)
    confidence: float
    candidates: tuple[Candidate, ...]
    llm: LLMNote | None = None  # what the optional model did (kb/llm); None when it is off

    def to_dict(self) -> dict:
        out = {"query": self.query.to_dict(), "strategy": self.strategy, "confidence": round(self.confidence, 3),
               "candidates": [{"strategy": c.strategy, "score": round(c.score, 3), "quote": c.quote,
                               "grounded": c.grounded} for c in self.candidates]}
        if self.llm is not None:
            out["llm"] = self.llm.to_dict()
        return out


def coverage_score(relevance: Relevance, words: tuple[str, ...], ans: Answer) -> float:
    quotes = " ".join(c.quote for c in ans.citations) or ans.answer
    return max(0.0, min(1.0, relevance.coverage(words, quotes))) if words else 0.0


_INTENTS = {"target": "目标值", "deadline": "期限", "responsibility": "责任单位", "list": "列举",
            "general": "一般问题"}
_ASKS = {"issued": "印发日期", "in_force": "开始实施日期", "notice": "印发通知", "phases": "阶段划分", "one_phase": "某一阶段", "column": "专栏",
         "where": "所在位置", "which_works": "所属工程", "person": "具体人员",
         "heading": "某个标题下的内容"}


def format_explain(e: Explain) -> str:
    """The explanation, readable, in Chinese."""
    q = e.query
    asks = [_ASKS[a] for a in sorted(q.asks) if a in _ASKS]
    lines = ["—— 为什么是这个答案 ——",
             f"问题类型：{_INTENTS.get(q.intent, q.intent)}" + (f"（还问到：{'、'.join(asks)}）" if asks else "")]
    if q.indicators:
        lines.append(f"识别的指标：{'、'.join(q.indicators)}")
    if q.years or q.span:
        lines.append("年份：" + "、".join(str(y) for y in q.years) + (f"（时段 {q.span[0]}—{q.span[1]}）" if q.span else ""))
    level = {"national": "国家级", "provincial": "省级", "municipal": "市级"}.get(q.level, "")
    place = "、".join(p for p in (level, q.county, q.place and f"其他城市 {q.place}") if p)
    if place:
        lines.append(f"地区与层级：{place}")
    if q.structure_refs:
        lines.append(f"提到的结构：{'、'.join(q.structure_refs)}")
    if q.outline is not None:
        lines.append(f"问文件结构：{_outline_label(q.outline)}")
    if q.speaker:
        lines.append(f"提问人自述（不计入所问内容）：{q.speaker}")
    lines.append(f"关键词：{'、'.join(q.tokens) or '（无）'}")
    if e.strategy == "refusal":
        lines.append("检索前即判定语料库无法回答（文件、层级或引用的原文不在语料库中）。")
    elif e.candidates:
        lines.append("候选答案（得分＝答案选择模型估计的答对概率）：")
        same = [c for c in e.candidates if c.strategy == e.strategy and c.grounded]
        chosen = max(same, key=lambda c: c.score) if same else None  # one candidate is chosen, even of a name seen twice
        for c in e.candidates:
            mark = "✔ 采用" if c is chosen else ("✘ 数字无出处，舍弃" if not c.grounded else "  备选")
            lines.append(f"  {mark} {c.label or c.strategy}（{c.strategy}）  得分 {c.score:.2f}  「{c.quote[:40]}{'…' if len(c.quote) > 40 else ''}」")
    else:
        lines.append("没有回答方式给出有依据的答案。")
    lines.append(f"置信度：{e.confidence:.2f}（经校准的答对概率；达到阈值才作为答案给出，否则只列出最相关的原文请您核对）")
    if e.llm is not None:
        lines.append(e.llm.line())
    return "\n".join(lines)


def _outline_label(ref) -> str:
    if ref.units:
        return "".join(f"第{chinese(n)}{unit}" for unit, n in ref.units)
    if ref.part:
        return ref.part
    return "专栏列表" if ref.columns else "全文的组成部分"
