"""Pure functions that turn answers, citations and documents into escaped HTML or plain text.

Nothing here trusts its input: questions, answers, quotes, titles and section names are all
passed through ``html.escape`` before they are put into markup. The only markup in the output is
the markup written in this file.
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Mapping, Sequence

from kb.labels import ANSWERED_BY, COMPLETENESS_LABELS, LEVEL_LABELS, level_label  # noqa: F401 - re-exported
from kb.types import Answer, Document

STATUS_LABELS = {"answered": ("已回答", "kb-ok"), "related": ("请核对原文", "kb-rel"), "not_found": ("未找到", "kb-nf"),
                 "error": ("输入有误", "kb-err")}
CONTEXT_CHARS = 300
_MARKER_RE = re.compile(r"\[(\d{1,3})\]")


def esc(text: object) -> str:
    return html.escape("" if text is None else str(text), quote=True)


def answer_to_dict(ans: Answer) -> dict:
    """The JSON contract of `kb ask --json` (question, status, answer, citations, facts, related)."""
    return {
        "question": ans.question, "status": ans.status, "confidence": ans.confidence, "answer": ans.answer,
        "answered_by": ans.answered_by,
        "citations": [dataclasses.asdict(c) for c in ans.citations],
        "facts": [{k: v for k, v in dataclasses.asdict(f).items() if k != "extra"} for f in ans.facts],
        "related": [dataclasses.asdict(c) for c in ans.related],
    }


# context ---------------------------------------------------------------------------------
def context_span(doc: Document, start: int, end: int, width: int = CONTEXT_CHARS) -> tuple[int, int]:
    """A window of about ``width`` characters either side of [start, end), kept inside the
    chapter that holds the span and cut at line ends when one is near."""
    lo_bound, hi_bound = 0, len(doc.text)
    chapters = [s for s in doc.sections if s.start <= start and end <= s.end]
    if chapters:
        outer = min(chapters, key=lambda s: len(s.path))
        lo_bound, hi_bound = outer.start, outer.end
    lo, hi = max(lo_bound, start - width), min(hi_bound, end + width)
    if lo > lo_bound:
        nl = doc.text.find("\n", lo, start)
        if nl != -1:
            lo = nl + 1
    if hi < hi_bound:
        nl = doc.text.rfind("\n", end, hi)
        if nl != -1:
            hi = nl
    return lo, hi


def context_html(doc: Document | None, start: int, end: int, quote: str) -> str:
    """The source passage around a quote, the quote itself in <mark>."""
    if doc is None or doc.text[start:end] != quote:
        return f'<div class="kb-context"><mark>{esc(quote)}</mark></div>' \
               '<div class="kb-note">（原文位置已变化，请重建索引后查看上下文）</div>'
    lo, hi = context_span(doc, start, end)
    before = ("…" if lo > 0 else "") + doc.text[lo:start]
    after = doc.text[end:hi] + ("…" if hi < len(doc.text) else "")
    return (f'<div class="kb-context">{esc(before)}<mark>{esc(doc.text[start:end])}</mark>'
            f"{esc(after)}</div>")


def citation_card(c: Mapping, docs: Mapping[str, Document], card_id: str, label: str) -> str:
    doc = docs.get(str(c.get("doc_id", "")))
    return (
        f'<div class="kb-cite" id="{esc(card_id)}">'
        f'<div class="kb-cite-head"><span class="kb-n">{esc(label)}</span> '
        f'<span class="kb-doc">《{esc(c.get("title", ""))}》</span>'
        f'<span class="kb-path"> › {esc(c.get("section", ""))}</span></div>'
        f'<blockquote class="kb-quote">“{esc(c.get("quote", ""))}”</blockquote>'
        f'<details class="kb-src"><summary>查看原文上下文</summary>'
        f'{context_html(doc, int(c.get("start", 0)), int(c.get("end", 0)), str(c.get("quote", "")))}'
        "</details></div>"
    )


def answer_text_html(text: str, turn: int, known: Sequence[int]) -> str:
    """Escaped answer text; [n] markers that name a citation become clickable references."""

    def link(m: re.Match[str]) -> str:
        n = int(m.group(1))
        if n not in known:
            return m.group(0)
        return f'<sup class="kb-ref" data-target="kb-c-{turn}-{n}" title="查看出处 {n}">[{n}]</sup>'

    return _MARKER_RE.sub(link, esc(text))


def answer_html(ans: Mapping, docs: Mapping[str, Document], turn: int = 0) -> str:
    status = str(ans.get("status", ""))
    label, cls = STATUS_LABELS.get(status, (status, "kb-nf"))
    cites = list(ans.get("citations") or [])
    text = answer_text_html(str(ans.get("answer", "")), turn, [int(c["n"]) for c in cites])
    conf = ans.get("confidence")
    shown = f'<span class="kb-conf">置信度 {float(conf):.2f}</span>' if status in ("answered", "related") and isinstance(
        conf, (int, float)) else ""
    by = ANSWERED_BY.get(str(ans.get("answered_by") or "extractive"), "")
    shown += f'<span class="kb-conf kb-by">回答方式：{esc(by)}</span>' if by and status != "error" else ""
    parts = [f'<div class="kb-answer {cls}"><span class="kb-badge {cls}">{esc(label)}</span>{shown}',
             f'<div class="kb-text">{text}</div>']
    if cites:
        parts.append('<div class="kb-sub">出处</div>')
        parts += [citation_card(c, docs, f"kb-c-{turn}-{c['n']}", f"[{c['n']}]") for c in cites]
    related = list(ans.get("related") or [])
    if related:
        parts.append('<div class="kb-sub">相关段落（仅供参考）</div>')
        parts += [citation_card(c, docs, f"kb-r-{turn}-{i}", "参考") for i, c in enumerate(related, 1)]
    parts.append("</div>")
    return "".join(parts)


def chat_html(history: Sequence[Mapping], docs: Mapping[str, Document]) -> str:
    """The conversation, oldest first: each turn is the question (as text) and its answer."""
    if not history:
        return ('<div class="kb-chat kb-empty">请在下方输入问题，或点击示例问题。'
                "每个回答都附有原文出处 [n]，点击可查看原文上下文。</div>")
    turns = []
    for i, turn in enumerate(history):
        note = f'<span class="kb-filter">筛选：{esc(turn["filters"])}</span>' if turn.get("filters") else ""
        turns.append(f'<div class="kb-turn"><div class="kb-q"><span class="kb-who">问</span>{esc(turn["question"])}'
                     f"{note}</div>{answer_html(turn['answer'], docs, i)}</div>")
    return '<div class="kb-chat">' + "".join(turns) + "</div>"


def message_html(message: str, kind: str = "error") -> str:
    icon = {"error": "⚠", "info": "ℹ"}.get(kind, "")
    return f'<div class="kb-msg kb-msg-{esc(kind)}">{icon} {esc(message)}</div>'


def plain_text(question: str, ans: Mapping) -> str:
    """The answer with its numbered references, for copying into a document."""
    lines = [f"问：{question}", f"答：{ans.get('answer', '')}"]
    if ans.get("status") == "not_found":
        lines[1] = f"答（未找到）：{ans.get('answer', '')}"
    elif ans.get("status") == "related":
        lines[1] = f"答（请核对原文，并非确定的答案）：{ans.get('answer', '')}"
    cites = list(ans.get("citations") or [])
    if cites:
        lines.append("")
        lines.append("出处：")
        lines += [f"[{c['n']}] 《{c['title']}》 › {c['section']}：“{c['quote']}”" for c in cites]
    related = list(ans.get("related") or [])
    if related:
        lines.append("")
        lines.append("相关段落（仅供参考）：")
        lines += [f"- 《{c['title']}》 › {c['section']}：“{c['quote']}”" for c in related]
    return "\n".join(lines)


def pre_html(text: str, cls: str = "kb-pre") -> str:
    return f'<div class="{esc(cls)}">{esc(text)}</div>'
