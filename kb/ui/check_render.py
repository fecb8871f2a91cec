"""核对 tab rendering: the summary line and the colour-coded rows, one page at a time (the page is
built from its own rows only, so a plan of any length costs the same per page). All plan and
corpus text is escaped."""

from __future__ import annotations

from collections.abc import Sequence

from kb.types import Finding
from kb.ui.check_export import VERDICT_COLORS, VERDICTS, summary_text
from kb.ui.render import esc

ALL_VERDICTS = list(VERDICTS)
PAGE_ROWS = 200  # rows on one page of the table
COLUMN_LABELS = ("结论", "部门方案表述", "差异", "部门方案值", "来源值", "来源原文（章节）")
EMPTY_HTML = ('<div class="kb-ck-empty">粘贴部门方案的文字或上传文件，点击“核对”。每条含目标或期限的表述都会与'
              "规划原文比对：<b>一致</b>、<b>冲突</b>（写明哪里不同、更严还是更宽松）或<b>未找到</b>。</div>")

CSS = """
.kb-ck-empty { color: var(--body-text-color-subdued); padding: 18px; text-align: center; }
.kb-ck-sum { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 4px 0; }
.kb-ck-chip { display: inline-block; padding: 2px 10px; border-radius: 999px; font-weight: 700; color: #fff;
              font-size: 0.9em; }
.kb-ck-src { color: var(--body-text-color-subdued); font-size: 0.88em; }
.kb-ck-table { width: 100%; border-collapse: separate !important; border-spacing: 0 6px; table-layout: fixed;
               border: none !important; margin: 0 !important; }
.kb-ck-table tr, .kb-ck-table th, .kb-ck-table td { border: none !important; }
.kb-ck-table th { text-align: left; font-size: 0.85em; color: var(--body-text-color-subdued); padding: 2px 8px !important;
                  font-weight: 600; }
.kb-ck-table td { vertical-align: top; padding: 8px !important; line-height: 1.6; word-break: break-word;
                  border-top: 1px solid var(--kb-ck-line) !important;
                  border-bottom: 1px solid var(--kb-ck-line) !important; }
.kb-ck-table td:first-child { border-left: 6px solid var(--kb-ck-c) !important; border-radius: 8px 0 0 8px; }
.kb-ck-table td:last-child { border-right: 1px solid var(--kb-ck-line) !important; border-radius: 0 8px 8px 0; }
.kb-ck-row td { background: var(--kb-ck-t); color: #1f2328; }
.kb-ck-consistent { --kb-ck-c: #2e8b57; --kb-ck-t: #e8f5ec; --kb-ck-line: #bfe0cb; }
.kb-ck-conflict { --kb-ck-c: #c0392b; --kb-ck-t: #fbe9e7; --kb-ck-line: #f0c4bd; }
.kb-ck-not_found { --kb-ck-c: #8a8f98; --kb-ck-t: #f1f2f4; --kb-ck-line: #d9dce1; }
.kb-ck-badge { display: inline-block; padding: 1px 8px; border-radius: 999px; color: #fff; font-weight: 700;
               font-size: 0.85em; background: var(--kb-ck-c); white-space: nowrap; }
.kb-ck-meta { font-size: 0.82em; color: #5b6068; margin-top: 2px; }
.kb-ck-table .kb-ck-diff ul { margin: 0 !important; padding-left: 16px; }
.kb-ck-table .kb-ck-diff li { margin: 0 0 2px; }
.kb-ck-diff b { color: #a12a1d; }
.kb-ck-lean { display: inline-block; font-size: 0.8em; padding: 0 6px; border-radius: 4px; margin-left: 4px;
              border: 1px solid currentColor; white-space: nowrap; }
.kb-ck-val { font-weight: 600; }
.kb-ck-table .kb-ck-quote { margin: 0 !important; padding: 0 0 0 8px; border-left: 3px solid var(--kb-ck-c);
                            white-space: pre-wrap; }
.kb-ck-path { font-size: 0.82em; color: #5b6068; margin-top: 4px; }
.kb-ck-none { color: #5b6068; }
/* phones: one card a finding, each cell under its column's name */
@media (max-width: 600px) {
  .kb-ck-table, .kb-ck-table tbody, .kb-ck-table tr, .kb-ck-table td { display: block; width: auto !important; }
  .kb-ck-table colgroup, .kb-ck-table thead { display: none; }
  .kb-ck-table tr { margin: 0 0 10px; border-left: 6px solid var(--kb-ck-c) !important; border-radius: 8px;
                    background: var(--kb-ck-t); border-right: 1px solid var(--kb-ck-line) !important; }
  .kb-ck-table td, .kb-ck-table td:first-child, .kb-ck-table td:last-child {
    border-left: none !important; border-right: none !important; border-radius: 0; border-top: none !important;
    border-bottom: 1px dashed var(--kb-ck-line) !important; padding: 6px 10px !important; }
  .kb-ck-table td:last-child { border-bottom: none !important; }
  .kb-ck-table td[data-label]::before { content: attr(data-label); display: block; font-size: 0.78em;
                                        font-weight: 600; color: #5b6068; }
  .kb-ck-table td:first-child::before { display: none; }
}
"""


# rendering -----------------------------------------------------------------------------------
def counts(findings: Sequence[Finding]) -> dict[str, int]:
    return {v: sum(1 for f in findings if f.verdict == v) for v in VERDICTS}


def summary_html(findings: Sequence[Finding], source: str, shown: int | None = None, page: object = 1,
                 note: str = "") -> str:
    """The counts, the page shown and, when the check stopped early, why."""
    c = counts(findings)
    chips = "".join(f'<span class="kb-ck-chip" style="background:#{VERDICT_COLORS[v]}">{VERDICTS[v]} {c[v]}</span>'
                    for v in VERDICTS)
    n = len(findings) if shown is None else shown
    shown_note = f"（当前显示 {shown} 条）" if shown is not None and shown != len(findings) else ""
    if n > PAGE_ROWS:
        p = clamp_page(page, n)
        shown_note += f"（第 {p} / {pages(n)} 页，每页 {PAGE_ROWS} 条；完整结果见导出文件）"
    stop = f'<div class="kb-msg kb-msg-info">ℹ {esc(note)}</div>' if note else ""
    return (f'<div class="kb-ck-sum"><span class="kb-ck-total">{esc(summary_text(findings))}{esc(shown_note)}</span>'
            f'{chips}<span class="kb-ck-src">{esc(source)}</span></div>{stop}')


_LEANS = ("部门方案更严", "部门方案更宽松", "部门方案更早", "部门方案更晚")


def difference_html(f: Finding) -> str:
    """Each difference (数值 / 比较方式 / 年份 / 单位 / 期限) on its own line; stricter or looser as a tag."""
    if f.verdict == "consistent":
        return '<span class="kb-ck-none">—（数值、比较方式、年份、单位均一致）</span>'
    if not f.difference:
        return '<span class="kb-ck-none">—</span>'
    items = []
    for item in f.difference.split("；"):
        lean = next((x for x in _LEANS if f"（{x}）" in item), "")
        item = item.replace(f"（{lean}）", "") if lean else item
        head, sep, rest = item.partition("：")
        body = f"<b>{esc(head)}</b>：{esc(rest)}" if sep else esc(item)
        if lean:
            body += f'<span class="kb-ck-lean">{esc(lean)}</span>'
        items.append(f"<li>{body}</li>")
    return f"<ul>{''.join(items)}</ul>"


def source_html(f: Finding) -> str:
    c = f.citation
    if c is None:
        return '<span class="kb-ck-none">来源文件中没有相应的表述</span>'
    return (f'<blockquote class="kb-ck-quote">“{esc(c.quote)}”</blockquote>'
            f'<div class="kb-ck-path">《{esc(c.title)}》 › {esc(c.section)}</div>')


def row_html(i: int, f: Finding) -> str:
    verdict = f.verdict if f.verdict in VERDICTS else "not_found"
    meta = " · ".join(x for x in (f.indicator, f"{f.year}年" if f.year else "") if x)
    cells = ((f'<span class="kb-ck-badge">{esc(VERDICTS[verdict])}</span><div class="kb-ck-meta">#{i}</div>', ""),
             (f'{esc(f.statement)}<div class="kb-ck-meta">{esc(meta)}</div>', "kb-ck-stmt"),
             (difference_html(f), "kb-ck-diff"), (esc(f.plan_value) or "—", "kb-ck-val"),
             (esc(f.source_value) or "—", "kb-ck-val"), (source_html(f), ""))
    tds = "".join(f'<td class="{cls}" data-label="{label}">{body}</td>' for (body, cls), label in zip(cells, COLUMN_LABELS))
    return f'<tr class="kb-ck-row kb-ck-{verdict}" data-verdict="{esc(verdict)}">{tds}</tr>'


def pages(shown: int) -> int:
    return max(1, -(-shown // PAGE_ROWS))


def clamp_page(page: object, shown: int) -> int:
    try:
        p = int(float(page or 1))
    except (TypeError, ValueError, OverflowError):
        p = 1
    return min(max(1, p), pages(shown))


def table_html(findings: Sequence[Finding], verdicts: Sequence[str] | None = None, page: object = 1) -> str:
    """One page (PAGE_ROWS rows) of the findings whose verdict is in ``verdicts``."""
    keep = set(ALL_VERDICTS if verdicts is None else verdicts)
    numbered = [(i, f) for i, f in enumerate(findings, 1) if f.verdict in keep]
    if not numbered:
        return '<div class="kb-ck-empty">没有符合筛选条件的结果，请勾选其他结论。</div>'
    p = clamp_page(page, len(numbered))
    rows = [row_html(i, f) for i, f in numbered[(p - 1) * PAGE_ROWS:p * PAGE_ROWS]]
    head = ('<colgroup><col style="width:8%"><col style="width:21%"><col style="width:21%">'
            '<col style="width:10%"><col style="width:10%"><col style="width:30%"></colgroup>'
            f"<thead><tr>{''.join(f'<th>{label}</th>' for label in COLUMN_LABELS)}</tr></thead>")
    return f'<table class="kb-ck-table">{head}<tbody>{"".join(rows)}</tbody></table>'
