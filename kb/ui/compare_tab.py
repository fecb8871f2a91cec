"""对标 tab: the city's targets against national and provincial targets, indicator by indicator,
with each document's quote and the verdict (严于 / 宽于 / 相同 / 不可比 with the reason)."""

from __future__ import annotations

import logging

import gradio as gr

from kb.compare import LEVEL_NAMES, Row, compare
from kb.errors import KBError
from kb.ui.cards import WIDE
from kb.ui.render import esc, message_html

log = logging.getLogger("kb.app")
VERDICT_LABELS = {"stricter": "严于上级", "looser": "宽于上级", "same": "与上级相同", "not_comparable": "不可比"}
VERDICT_BADGES = {"stricter": "kb-ok", "looser": "kb-err", "same": "kb-ok", "not_comparable": "kb-nf"}
SUMMARY_COLUMNS = ("指标", "结论", "理由")
DETAIL_COLUMNS = ("层级", "文件", "年份", "范围", "目标", "原文")
_TABLE = 'style="width:100%;border-collapse:collapse;margin-top:6px;font-size:0.9em"'
_CELL = 'style="border-bottom:1px solid var(--border-color-primary);padding:4px 6px;text-align:left;vertical-align:top"'
INTRO = ("**对标**：市级规划与国家、省级文件都提出的指标，逐条列出各文件的目标值、年份、适用范围和原文，"
         "并给出市级目标严于、宽于还是等同于上级目标；相对目标与绝对目标、不同地区或不同年份的目标不可直接比较，会说明原因。")


def summary_rows(rows: list[Row]) -> list[list[str]]:
    return [[r.indicator, VERDICT_LABELS[r.verdict], r.reason] for r in rows]


def rows_html(rows: list[Row]) -> str:
    if not rows:
        return '<div class="kb-dim">没有市级规划与上级文件都提出的指标。</div>'
    cards = []
    for r in rows:
        lines, phone = [], []
        for e in r.entries:
            value = f"{e.comparator} {e.value}{e.unit}" + (f"（比{e.base}）" if e.base else "")
            cells = (esc(LEVEL_NAMES.get(e.level, e.level)), f"《{esc(e.citation.title)}》", esc(e.year or "—"),
                     esc(e.scope or "—"), esc(value),
                     f'<span class="kb-dim">{esc(e.citation.section)}</span><br>“{esc(e.citation.quote)}”')
            lines.append("<tr>" + "".join(f"<td {_CELL}>{c}</td>" for c in cells) + "</tr>")
            phone.append(f'<div class="kb-card"><div class="kb-card-title">{cells[0]} {cells[1]}</div><dl>'
                         + "".join(f"<dt>{h}</dt><dd>{c}</dd>" for h, c in zip(DETAIL_COLUMNS[2:], cells[2:]))
                         + "</dl></div>")
        cards.append(
            f'<div class="kb-q-card"><b>{esc(r.indicator)}</b> '
            f'<span class="kb-badge {VERDICT_BADGES[r.verdict]}">{esc(VERDICT_LABELS[r.verdict])}</span>'
            f"<div>{esc(r.reason)}</div>"
            f'<table class="kb-wide-only" {_TABLE}><tr>' + "".join(f"<th {_CELL}>{h}</th>" for h in DETAIL_COLUMNS)
            + f"</tr>{''.join(lines)}</table>"
            f'<div class="kb-cards kb-narrow-only">{"".join(phone)}</div></div>')
    return "".join(cards)


def compare_view(kb, indicator: str) -> tuple[list[list[str]], str]:
    """The handler: summary table and detail cards; a bad filter shows its message, never a trace."""
    try:
        rows = compare(kb, indicator or "")
    except KBError as e:
        return [], message_html(e.one_line())
    except Exception:
        log.exception("compare failed")
        return [], message_html("对标出错，请稍后再试")
    return summary_rows(rows), rows_html(rows)


def build_compare_tab(kb) -> None:
    gr.Markdown(INTRO)
    with gr.Row():
        indicator = gr.Textbox(label="指标（留空显示全部）", placeholder="如：细颗粒物、非化石能源消费比重", scale=4)
        go = gr.Button("对标", variant="primary", scale=1)
    first_rows, first_html = compare_view(kb, "")
    table = gr.Dataframe(value=first_rows, headers=list(SUMMARY_COLUMNS), interactive=False, wrap=True,
                         label="对标结论", elem_classes=WIDE)
    detail = gr.HTML(first_html, elem_id="kb-compare-detail")
    go.click(lambda w: compare_view(kb, w), inputs=indicator, outputs=[table, detail], api_name=False)
    indicator.submit(lambda w: compare_view(kb, w), inputs=indicator, outputs=[table, detail], api_name=False)
