"""Whether two indicators of a brief are the same one, worded shorter or longer (used by kb.brief
for other years' targets and by kb.brief_summary for the 摘要)."""

from __future__ import annotations

MIN_SAME = 4  # an indicator worded shorter is the same one only when this long (not 「比例」)


def same_indicator(indicator: str, shown: set[str]) -> bool:
    """One of the shown indicators, or the same one worded shorter or longer (「“新三通”比例」 of
    「农村公路“新三通”比例」): one holds the other, quote marks aside, at least MIN_SAME characters."""
    def bare(text: str) -> str:
        return text.replace("“", "").replace("”", "")

    return indicator in shown or (len(bare(indicator)) >= MIN_SAME and any(
        bare(indicator) in bare(s) or bare(s) in bare(indicator) for s in shown if len(bare(s)) >= MIN_SAME))
