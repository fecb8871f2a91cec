"""The data-quality report printed by `kb build`."""

from __future__ import annotations

from kb.types import QualityReport


def format_reports(reports: tuple[QualityReport, ...] | list[QualityReport]) -> str:
    lines = ["数据质量报告"]
    for r in reports:
        if r.status != "ok":
            lines.append(f"- 跳过 {r.source_file}：{r.reason}")
            continue
        lines.append(
            f"- {r.source_file} → {r.doc_id}：{r.characters} 字，{r.sections} 个章节节点，"
            f"去除拼音注音 {r.annotations_stripped} 处，勘误 {len(r.errata_applied)} 条，"
            f"可疑片段 {len(r.suspicious)} 处（编码 {r.encoding}）"
        )
        for item in r.errata_applied:
            lines.append(f"    勘误：{item}")
        for offset, snippet, why in r.suspicious:
            lines.append(f"    可疑 @{offset}：{snippet!r}（{why}）")
        if r.reason:
            lines.append(f"    注意：{r.reason}")
    return "\n".join(lines)
