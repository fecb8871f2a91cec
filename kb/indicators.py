"""Canonical indicators of the plan and the colloquial words people use for them.

The words are data: kb/lexicon/indicators.toml. `INDICATOR_SYNONYMS` maps the plan's own term (the canonical indicator) to other ways of saying it;
`canonical_indicator` maps any phrase (a question, a fact's indicator, a line of a department plan)
to the canonical term whose name or synonym it contains, preferring the longest match.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from functools import lru_cache
from importlib import resources

from kb.errors import ConfigError


def _rows() -> list[dict]:
    path = resources.files("kb.lexicon").joinpath("indicators.toml")
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))["indicator"]
    except (tomllib.TOMLDecodeError, KeyError) as e:
        raise ConfigError(f"指标词表 kb/lexicon/indicators.toml 有误（{e}）", "请按 TOML 格式修正该文件") from e


# The plan's term → other ways of saying it (kb/lexicon/indicators.toml).
INDICATOR_SYNONYMS: dict[str, tuple[str, ...]] = {r["name"]: tuple(r["synonyms"]) for r in _rows()}

# How people describe an indicator without naming it: two parts of its meaning close together
# (the thing measured and what is said of it). Read only in questions that ask for a number
# (`kb.query.understand.find_indicators`), and only when no fixed word named one. Each pattern
# needs both the thing measured and what is said of it.
INDICATOR_PATTERNS: dict[str, tuple[str, ...]] = {
    r["name"]: tuple(r["descriptions"])
    for r in sorted((r for r in _rows() if r.get("descriptions")), key=lambda r: r["description_order"])}


def _norm(text: str) -> str:
    """Full-width → half-width, lower case, no spaces (applied to both sides of a comparison)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


@lru_cache(maxsize=1)
def _terms() -> tuple[tuple[str, str], ...]:
    """(normalized term, canonical) for every canonical name and synonym, longest first."""
    pairs = {(_norm(c), c) for c in INDICATOR_SYNONYMS}
    pairs |= {(_norm(s), c) for c, syns in INDICATOR_SYNONYMS.items() for s in syns if s}
    return tuple(sorted(pairs, key=lambda p: (-len(p[0]), p[0])))


@lru_cache(maxsize=16384)  # pure; 核对 asks it for every (statement, source fact) pair
def canonical_indicator(text: str) -> str | None:
    """The canonical plan indicator a phrase names, or None. The longest matching term wins."""
    if not text:
        return None
    t = _norm(text)
    for term, canonical in _terms():
        if term and term in t:
            return canonical
    return None
