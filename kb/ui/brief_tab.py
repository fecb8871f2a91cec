"""简报 tab: briefing material for a topic and year — a preview of the Markdown brief (rendered here
as escaped HTML, never as raw Markdown/HTML), the timeline picture, and docx / Markdown downloads
written by ``kb.brief_render.write_brief`` under ``export_dir()``."""

from __future__ import annotations

import functools
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import gradio as gr

from kb.brief_render import write_brief
from kb.errors import BadInput, KBError
from kb.ui.exports import register_cache, request_dir
from kb.ui.render import esc, message_html

log = logging.getLogger("kb.app")
SUGGESTIONS = ("蓝天保卫战", "碧水保卫战", "净土保卫战", "新能源汽车", "黑土地", "湿地", "森林", "无废城市", "碳达峰")
YEARS = ("全部", "2027", "2028", "2030", "2035")
MAX_TOPIC_CHARS = 50
EMPTY_HTML = ('<div class="kb-br-empty">输入主题或从“常用主题”中选择，再点击“生成简报”。简报包括目标指标表、重点任务、'
              "重大工程、时间轴和逐条原文出处，可下载 Word（docx）或 Markdown。</div>")
_REF = re.compile(r"\[(\d{1,4})\]")
_ORDERED = re.compile(r"^(\d{1,4})\. (.*)$")
_IMAGE = re.compile(r"^!\[[^\]]*\]\([^)]*\)$")
_UNSAFE_NAME = re.compile(r"[^\w\u4e00-\u9fff]+")

CSS = """
.kb-br-empty { color: var(--body-text-color-subdued); padding: 18px; text-align: center; }
.kb-brief { line-height: 1.75; word-break: break-word; padding: 4px 8px; }
.kb-brief h1 { font-size: 1.45em; margin: 6px 0 4px; }
.kb-brief h2 { font-size: 1.12em; margin: 16px 0 6px; padding-bottom: 2px;
               border-bottom: 1px solid var(--border-color-primary); }
.kb-brief p { margin: 4px 0; }
.kb-brief h3 { font-size: 1em; margin: 10px 0 2px; }
.kb-brief .kb-br-scope { color: var(--body-text-color-subdued); font-size: 0.92em; }
.kb-brief table { border-collapse: collapse; width: 100%; font-size: 0.92em; margin: 6px 0; }
.kb-brief th, .kb-brief td { border: 1px solid var(--border-color-primary); padding: 4px 8px; text-align: left;
                             vertical-align: top; }
.kb-brief th { background: var(--background-fill-secondary); }
.kb-brief ul, .kb-brief ol { margin: 4px 0 4px 22px; padding: 0; }
.kb-brief ol.kb-br-refs { font-size: 0.9em; }
.kb-brief .kb-br-ref { color: var(--color-accent); font-weight: 700; font-size: 0.85em; vertical-align: super;
                       padding: 0 1px; }
.kb-brief .kb-br-note { color: var(--body-text-color-subdued); font-size: 0.9em; }
@media (max-width: 600px) {  /* phones: a row is a card, each cell under its column's name */
  .kb-brief table, .kb-brief tbody, .kb-brief tr, .kb-brief td { display: block; width: auto; }
  .kb-brief thead { display: none; }
  .kb-brief tr { border: 1px solid var(--border-color-primary); border-radius: 8px; margin: 0 0 8px; padding: 4px 0; }
  .kb-brief td { border: none; padding: 2px 10px; }
  .kb-brief td[data-label]::before { content: attr(data-label) "："; color: var(--body-text-color-subdued);
                                     font-size: 0.85em; }
}
"""


@dataclass(frozen=True)
class BriefFiles:
    markdown: str
    md_path: Path
    docx_path: Path
    timeline_path: Path | None


# input ---------------------------------------------------------------------------------------
def parse_year(year: str | int | None) -> int | None:
    text = "" if year is None else str(year).strip().removesuffix("年")
    if text in ("", "全部"):
        return None
    try:
        value = int(text)
    except ValueError as e:
        raise BadInput(f"年份 {year} 无效", f"可选：{'、'.join(YEARS)}") from e
    if not 2000 <= value <= 2100:
        raise BadInput(f"年份 {value} 超出范围", f"可选：{'、'.join(YEARS)}")
    return value


def clean_topic(topic: str | None) -> str:
    if any(ord(ch) < 32 and ch not in "\t\n\r" or 0x7F <= ord(ch) < 0xA0 for ch in topic or ""):
        raise BadInput("主题含有控制字符", "请只输入文字")
    topic = " ".join((topic or "").split())
    if not topic:
        raise BadInput("主题为空", "请输入主题，或从“常用主题”中选择，例如：蓝天保卫战")
    if len(topic) > MAX_TOPIC_CHARS:
        raise BadInput(f"主题太长（{len(topic)} 字）", f"请控制在{MAX_TOPIC_CHARS}字以内")
    return topic


def file_stem(topic: str, year: int | None) -> str:
    """A file name from the topic: letters, digits and CJK only (no path separators or dots)."""
    name = _UNSAFE_NAME.sub("_", topic).strip("_")[:30] or "主题"
    return f"简报_{name}" + (f"_{year}年" if year else "")


# Markdown → escaped HTML ---------------------------------------------------------------------
def _inline(text: str) -> str:
    """Escaped text; [n] reference markers styled (they are plain numbers: nothing to inject)."""
    return _REF.sub(lambda m: f'<span class="kb-br-ref">[{m.group(1)}]</span>', esc(text))


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def markdown_html(md: str) -> str:
    """Render the Markdown that ``kb.brief.to_markdown`` writes (headings, a pipe table, bullet and
    numbered lists, an image line, paragraphs). Every piece of text is escaped; no Markdown or HTML
    in the document text is interpreted, so a quote can never become a link, an image or a tag."""
    out: list[str] = []
    table: list[list[str]] = []
    list_kind = ""

    def close() -> None:
        nonlocal list_kind, table
        if list_kind:
            out.append(f"</{list_kind}>")
            list_kind = ""
        if table:
            head, *body = table
            th = "".join(f"<th>{esc(c)}</th>" for c in head)
            trs = "".join("<tr>" + "".join(f'<td data-label="{esc(h)}">{_inline(c)}</td>' for h, c in zip(head, r))
                          + "</tr>" for r in body)
            out.append(f"<table><thead><tr>{th}</tr></thead><tbody>{trs}</tbody></table>")
            table = []

    def open_list(kind: str, cls: str = "") -> None:
        nonlocal list_kind
        if list_kind != kind:
            close()
            out.append(f'<{kind} class="{cls}">' if cls else f"<{kind}>")
            list_kind = kind

    first_paragraph = True
    for line in md.splitlines():
        if line.startswith("|"):
            if list_kind:
                close()
            if not set(line.replace("|", "").strip()) <= {"-", ":", " "}:  # skip the |---| rule
                table.append(_cells(line))
            continue
        if line.startswith("- "):
            open_list("ul")
            out.append(f"<li>{_inline(line[2:])}</li>")
            continue
        m = _ORDERED.match(line)
        if m:
            open_list("ol", "kb-br-refs")
            out.append(f'<li value="{int(m.group(1))}">{_inline(m.group(2))}</li>')
            continue
        close()
        if not line.strip():
            continue
        if line.startswith("### "):
            out.append(f"<h3>{_inline(line[4:])}</h3>")
        elif line.startswith("## "):
            out.append(f"<h2>{esc(line[3:])}</h2>")
        elif line.startswith("# "):
            out.append(f"<h1>{esc(line[2:])}</h1>")
        elif _IMAGE.match(line.strip()):
            out.append('<p class="kb-br-note">（时间轴图见下方）</p>')
        else:
            cls = ' class="kb-br-scope"' if first_paragraph else ""
            out.append(f"<p{cls}>{_inline(line)}</p>")
            first_paragraph = False
    close()
    return '<div class="kb-brief">' + "".join(out) + "</div>"


# files ---------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=64)
def brief_files(kb, topic: str, year: int | None) -> BriefFiles:
    """Markdown (+ its timeline PNG) and docx for one topic and year, in a fresh folder under
    export_dir() (the index is fixed per process, so a topic's files are made once and reused)."""
    folder = request_dir("brief")
    stem = file_stem(topic, year)
    md_path = write_brief(kb, topic, year, folder / f"{stem}.md")
    docx_path = write_brief(kb, topic, year, folder / f"{stem}.docx")
    png = md_path.with_suffix(".timeline.png")
    return BriefFiles(md_path.read_text(encoding="utf-8"), md_path, docx_path, png if png.is_file() else None)


register_cache(brief_files.cache_clear)  # its files go with the export folder's cleaning


def make_brief(kb, topic: str | None, year: str | int | None = "全部"):
    """→ (message html, preview html, timeline png, docx file, md file); a topic with nothing → the
    message and no files."""
    try:
        files = brief_files(kb, clean_topic(topic), parse_year(year))
    except KBError as e:
        return message_html(e.one_line()), EMPTY_HTML, None, None, None
    except Exception:
        log.exception("brief failed")
        return message_html("内部错误，请稍后再试或联系管理员"), EMPTY_HTML, None, None, None
    png = str(files.timeline_path) if files.timeline_path else None
    return "", markdown_html(files.markdown), png, str(files.docx_path), str(files.md_path)


def build_brief_tab(kb) -> None:
    gr.Markdown("按主题生成培训用简报：目标指标、重点任务、重大工程、时间轴，每一条都附原文出处。")
    with gr.Row(equal_height=True):
        topic = gr.Textbox(label="主题", placeholder="例如：蓝天保卫战、黑土地、湿地", scale=3, elem_id="kb-brief-topic")
        suggest = gr.Dropdown(list(SUGGESTIONS), value=None, label="常用主题（选中即生成）", scale=2,
                              elem_id="kb-brief-suggest")
        year = gr.Radio(list(YEARS), value="全部", label="年份", scale=2, min_width=380, elem_id="kb-brief-year")
        go = gr.Button("生成简报", variant="primary", scale=1, elem_id="kb-brief-run")
    message = gr.HTML("", elem_id="kb-brief-message")
    with gr.Row():
        docx_out = gr.File(None, label="下载 Word（docx）", interactive=False, elem_id="kb-brief-docx")
        md_out = gr.File(None, label="下载 Markdown（md）", interactive=False, elem_id="kb-brief-md")
    preview = gr.HTML(EMPTY_HTML, elem_id="kb-brief-preview", css_template=CSS, max_height=720)
    timeline = gr.Image(None, label="时间轴", type="filepath", interactive=False, elem_id="kb-brief-timeline",
                        buttons=["download", "fullscreen"], format="png")

    def on_brief(t: str, y: str):
        return make_brief(kb, t, y)

    outputs = [message, preview, timeline, docx_out, md_out]
    go.click(on_brief, [topic, year], outputs, api_visibility="private", concurrency_id="brief")
    topic.submit(on_brief, [topic, year], outputs, api_visibility="private", concurrency_id="brief")
    suggest.input(lambda s: s or "", suggest, topic, api_visibility="private", queue=False).then(
        on_brief, [topic, year], outputs, api_visibility="private", concurrency_id="brief")

    def on_year(t: str, y: str):  # a new year regenerates a brief already asked for, and nothing else
        return make_brief(kb, t, y) if (t or "").strip() else tuple(gr.skip() for _ in outputs)

    year.input(on_year, [topic, year], outputs, api_visibility="private", concurrency_id="brief")
