"""文件 tab: the documents and their metadata, data-quality notes, documents the plan cites that
the corpus lacks, and each document's chapter tree with a section's text on click."""

from __future__ import annotations

import logging

import gradio as gr

from kb.errors import KBError
from kb.types import Document, Section
from kb.ui.cards import NARROW, WIDE, cards_html
from kb.ui.render import COMPLETENESS_LABELS, esc, level_label, message_html, pre_html

log = logging.getLogger("kb.app")
DOC_COLUMNS = ("标题", "发文机关", "文号", "日期", "层级", "完整性", "字数", "编号")
KIND_LABELS = {"chapter": "章", "section": "节", "column": "专栏", "phase": "阶段", "item": "条目", "lead": "要点",
               "zh_chapter": "章", "zh_section": "节", "article": "条", "subitem": "子项", "annex": "附件",
               "closing": "落款", "imprint": "印发"}


def document_rows(kb) -> list[list]:
    return [[d.meta.title, d.meta.issuer, d.meta.doc_number or "—", d.meta.date or "—", level_label(d.meta.level),
             COMPLETENESS_LABELS.get(d.meta.completeness, d.meta.completeness), str(len(d.text)), d.doc_id]
            for d in kb.documents()]


def _plain_facts(r) -> list[str]:
    """What ingestion did to one file, in words an official reads without a manual."""
    items = [f"全文 {r.characters} 字，分 {r.sections} 个章节。"]
    if r.annotations_stripped:
        items.append(f"原文网页在汉字后附有拼音，已去掉 {r.annotations_stripped} 处，不影响正文。")
    if r.errata_applied:
        items.append(f"原文有 {len(r.errata_applied)} 处乱码，已按人工核对的勘误表改正。")
    if r.suspicious:
        items.append(f"另有 {len(r.suspicious)} 处文字可能有误，引用时请与原件核对。")
    return items


def _technical(r) -> str:
    """The details behind _plain_facts (file, encoding, each repair), folded."""
    rows = [f"原始文件：{esc(r.source_file)}，编码 {esc(r.encoding or '—')}"]
    rows += [f"勘误（改正前 → 改正后）：{esc(e)}" for e in r.errata_applied]
    rows += [f"可疑 @{int(off)}：“{esc(snip)}”（{esc(why)}）" for off, snip, why in r.suspicious]
    lis = "".join(f"<li>{x}</li>" for x in rows)
    return f'<details class="kb-q-tech"><summary>技术细节</summary><ul>{lis}</ul></details>'


def quality_html(kb) -> str:
    """Per file: what ingestion did, in plain words; the raw repairs folded under 技术细节."""
    docs = kb.index.docs
    parts = []
    for r in kb.index.reports:
        title = docs[r.doc_id].meta.title if r.doc_id in docs else r.source_file
        if r.status != "ok":
            parts.append(f'<div class="kb-q-card kb-q-skip"><b>未能收入：{esc(r.source_file)}</b>'
                         f"<div>{esc(r.reason)}</div></div>")
            continue
        items = _plain_facts(r)
        meta = docs[r.doc_id].meta if r.doc_id in docs else None
        if meta is not None and meta.completeness == "partial":
            items.append('<span class="kb-badge kb-nf">不完整</span> 此文件只有部分内容，未收录的部分无法回答')
        if meta is not None and meta.note:
            items.append(f"说明：{esc(meta.note)}")
        if r.reason:
            items.append(f"注意：{esc(r.reason)}")
        lis = "".join(f"<li>{i}</li>" for i in items)
        parts.append(f'<div class="kb-q-card"><b>《{esc(title)}》</b><ul>{lis}</ul>{_technical(r)}</div>')
    return "".join(parts) or '<div class="kb-dim">还没有整理说明（请先运行 kb build 建立索引）</div>'


def missing_html(kb) -> str:
    missing = list(kb.index.known_missing or [])
    if not missing:
        return '<div class="kb-dim">规划引用的文件都在语料库中。</div>'
    lis = "".join(
        f"<li><b>《{esc(m.get('title', ''))}》</b> {esc(m.get('doc_number', ''))} "
        f"<span class=\"kb-dim\">{esc(level_label(str(m.get('level', ''))))}</span>"
        f"<div>{esc(m.get('note', ''))}</div></li>" for m in missing)
    return f'<div class="kb-missing"><div>以下文件被规划引用，但语料库中没有，涉及其内容的问题无法回答：</div><ul>{lis}</ul></div>'


def _children(doc: Document) -> dict[int, list[int]]:
    """Index of each section → indexes of its direct children (by path)."""
    kids: dict[int, list[int]] = {-1: []}
    last_at_path: dict[tuple[str, ...], int] = {}
    for i, s in enumerate(doc.sections):
        kids[i] = []
        parent = last_at_path.get(s.path[:-1], -1) if len(s.path) > 1 else -1
        kids[parent].append(i)
        last_at_path[s.path] = i
    return kids


def _own_text(doc: Document, s: Section, first_child: Section | None) -> str:
    text = doc.text[s.start:first_child.start if first_child else s.end].strip()
    return text[len(s.title):].strip() if text.startswith(s.title) else text


def tree_html(doc: Document) -> str:
    """Nested <details>: a heading opens to its own text, then its sub-headings."""
    kids = _children(doc)

    def node(i: int) -> str:
        s = doc.sections[i]
        children = kids.get(i, [])
        own = _own_text(doc, s, doc.sections[children[0]] if children else None)
        body = f'<div class="kb-sec-text">{esc(own)}</div>' if own else ""
        kind = KIND_LABELS.get(s.kind, s.kind)
        return (f'<details class="kb-node kb-{esc(s.kind)}"><summary><span class="kb-kind">{esc(kind)}</span>'
                f"{esc(s.title)}</summary>{body}{''.join(node(c) for c in children)}</details>")

    if not doc.sections:
        return pre_html(doc.text)
    top = kids[-1]
    intro = doc.text[:doc.sections[top[0]].start].strip() if top else ""
    head = (f'<details class="kb-node"><summary><span class="kb-kind">开头</span>（正文开头）</summary>'
            f'<div class="kb-sec-text">{esc(intro)}</div></details>') if intro else ""
    return f'<div class="kb-tree">{head}{"".join(node(i) for i in top)}</div>'


def section_choices(doc: Document) -> list[tuple[str, str]]:
    return [("　" * (len(s.path) - 1) + s.title[:40], str(i)) for i, s in enumerate(doc.sections)]


def doc_header_html(doc: Document) -> str:
    m = doc.meta
    bits = [esc(x) for x in (m.issuer, m.doc_number, m.date) if x]
    label = COMPLETENESS_LABELS.get(m.completeness, m.completeness)
    badge = f'<span class="kb-badge {"kb-ok" if m.completeness == "full" else "kb-nf"}">{esc(label)}</span>'
    return (f'<div class="kb-doc-head"><b>《{esc(m.title)}》</b> {badge} <span class="kb-dim">'
            f"{' · '.join(bits)} · {esc(level_label(m.level))} · {len(doc.text)} 字</span></div>")


def select_document(kb, doc_id: str):
    """→ (header html, tree html, section dropdown update, section text html)."""
    try:
        doc = kb.document(doc_id)
    except KBError as e:
        return message_html(e.one_line()), "", gr.update(choices=[], value=None), ""
    return doc_header_html(doc), tree_html(doc), gr.update(choices=section_choices(doc), value=None), ""


def section_text(kb, doc_id: str, index: str | None) -> str:
    if index in (None, ""):
        return ""
    try:
        doc = kb.document(doc_id)
        s = doc.sections[int(index)]
    except KBError as e:
        return message_html(e.one_line())
    except (ValueError, IndexError, TypeError):
        return message_html("没有这个章节，请重新选择")
    return (f'<div class="kb-path">{esc(" › ".join(s.path))}</div>'
            + pre_html(doc.text[s.start:s.end], "kb-pre kb-section-full"))


def build_docs_tab(kb) -> None:
    gr.Markdown("### 语料库中的文件")
    shown = len(DOC_COLUMNS) - 1  # the 编号 (doc_id) is for the API and `kb doc`, not for the reader
    rows = [r[:shown] for r in document_rows(kb)]
    gr.Dataframe(value=rows, headers=list(DOC_COLUMNS[:shown]), datatype="str", interactive=False, wrap=True,
                 elem_id="kb-docs-table", elem_classes=WIDE)
    gr.HTML(cards_html(DOC_COLUMNS[:shown], rows), elem_id="kb-docs-cards", elem_classes=NARROW)
    with gr.Accordion("文本整理说明（原文的拼音、乱码如何处理）", open=False):
        gr.HTML(quality_html(kb), elem_id="kb-quality")
    with gr.Accordion("规划引用但语料库缺少的文件", open=True):
        gr.HTML(missing_html(kb), elem_id="kb-missing")
    gr.Markdown("### 章节目录")
    docs = kb.documents()
    first = docs[0].doc_id if docs else None
    header0, tree0, _, _ = select_document(kb, first) if first else ("", "", None, "")
    choices0 = section_choices(docs[0]) if docs else []
    with gr.Row():
        doc_dd = gr.Dropdown([(d.meta.title, d.doc_id) for d in docs], value=first, label="文件", scale=1, min_width=300)
        sec_dd = gr.Dropdown(choices0, value=None,
                             label="章节（选中后显示这一节的全文）", scale=1, min_width=300)
    header = gr.HTML(header0, elem_id="kb-doc-head")
    with gr.Row():
        with gr.Column(scale=1):
            tree = gr.HTML(tree0, elem_id="kb-tree", max_height=700)
        with gr.Column(scale=1):
            text = gr.HTML('<div class="kb-dim">点击目录中的标题展开其内容，或在“章节”下拉框中选择一节查看全文。</div>',
                           elem_id="kb-section-text", max_height=700)
    doc_dd.change(lambda d: select_document(kb, d), doc_dd, [header, tree, sec_dd, text], api_visibility="private")
    sec_dd.change(lambda d, i: section_text(kb, d, i), [doc_dd, sec_dd], text, api_visibility="private")
