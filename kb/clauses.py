"""Clause helpers shared by the fact extractors: split a sentence at its top-level commas (not
inside quotes or brackets) and build a fact whose quote is a verbatim slice of the sentence."""

from __future__ import annotations

from kb.types import Fact

_OPEN, _CLOSE = "（(《“‘【〔[", "）)》”’】〕]"
_STOPS = "，；：,;:。！？"


def clauses(text: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """Spans of text[lo:hi] between clause punctuation that stands outside brackets and quotes."""
    hi = len(text) if hi is None else hi
    out, depth, s = [], 0, lo
    for i in range(lo, hi):
        ch = text[i]
        if ch in _OPEN:
            depth += 1
        elif ch in _CLOSE:
            depth = max(0, depth - 1)
        elif ch in _STOPS and depth == 0:
            out.append((s, i))
            s = i + 1
    out.append((s, hi))
    return [(a, b) for a, b in out if text[a:b].strip()]


def split_top(text: str, sep: str) -> list[tuple[int, int]]:
    out, depth, s = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch in _OPEN) - (ch in _CLOSE and depth > 0)
        if ch == sep and depth == 0:
            out.append((s, i))
            s = i + 1
    out.append((s, len(text)))
    return out


def make_fact(kind: str, doc_id: str, sent: str, start: int, a: int, b: int, path: tuple[str, ...], **kw) -> Fact:
    return Fact(kind=kind, doc_id=doc_id, quote=sent[a:b], start=start + a, end=start + b, path=path, **kw)
