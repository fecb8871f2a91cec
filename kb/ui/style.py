"""The app's CSS and theme (system CJK fonts: nothing is fetched from a font CDN)."""

from __future__ import annotations

FONTS = ["Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei",
         "sans-serif"]
MONO_FONTS = ["Noto Sans Mono CJK SC", "DejaVu Sans Mono", "monospace"]


def theme():
    import gradio as gr

    return gr.themes.Soft(primary_hue="teal", font=FONTS, font_mono=MONO_FONTS)


CSS = """
.kb-chat { display: flex; flex-direction: column; gap: 14px; padding: 4px; }
.kb-empty { color: var(--body-text-color-subdued); padding: 24px; text-align: center; }
.kb-turn { display: flex; flex-direction: column; gap: 6px; }
.kb-q { align-self: flex-end; max-width: 85%; background: var(--color-accent-soft);
        padding: 8px 12px; border-radius: 10px; white-space: pre-wrap; word-break: break-word; }
.kb-who { font-weight: 700; margin-right: 6px; color: var(--color-accent); }
.kb-filter { display: block; font-size: 0.8em; color: var(--body-text-color-subdued); margin-top: 2px; }
.kb-answer { max-width: 96%; border: 1px solid var(--border-color-primary); border-radius: 10px;
             padding: 10px 12px; background: var(--background-fill-secondary); }
.kb-answer.kb-nf { border-left: 5px solid #d08c1a; background: rgba(208, 140, 26, 0.07); }
.kb-answer.kb-ok { border-left: 5px solid #2e8b57; }
.kb-answer.kb-rel { border-left: 5px solid #2f6fb3; background: rgba(47, 111, 179, 0.06); }
.kb-badge.kb-rel { background: #2f6fb3; }
.kb-conf { margin-left: 8px; font-size: 0.85em; color: #666; }
.kb-badge { display: inline-block; font-size: 0.78em; font-weight: 700; padding: 1px 8px; border-radius: 999px;
            margin-right: 6px; color: #fff; vertical-align: middle; }
.kb-badge.kb-ok { background: #2e8b57; }
.kb-badge.kb-nf { background: #d08c1a; }
.kb-badge.kb-err { background: #b23b3b; }
.kb-text { white-space: pre-line; line-height: 1.75; margin: 6px 0; word-break: break-word; }
.kb-ref { color: var(--color-accent); cursor: pointer; font-weight: 700; padding: 0 1px; }
.kb-ref:hover { text-decoration: underline; }
.kb-sub { font-weight: 700; margin: 10px 0 4px; font-size: 0.92em; color: var(--body-text-color-subdued); }
.kb-cite { border-top: 1px dashed var(--border-color-primary); padding: 6px 0 4px; transition: background 0.4s; }
.kb-cite.kb-flash { background: rgba(255, 214, 0, 0.25); }
.kb-cite-head { font-size: 0.9em; }
.kb-n { font-weight: 700; color: var(--color-accent); }
.kb-doc { font-weight: 600; }
.kb-path { color: var(--body-text-color-subdued); }
.kb-quote { margin: 4px 0 4px 10px; padding-left: 8px; border-left: 3px solid var(--border-color-primary);
            white-space: pre-wrap; word-break: break-word; }
.kb-src > summary { cursor: pointer; font-size: 0.85em; color: var(--color-accent); }
.kb-context { white-space: pre-wrap; line-height: 1.7; font-size: 0.92em; margin: 6px 0 4px;
              padding: 8px 10px; border-radius: 6px; background: var(--background-fill-primary);
              max-height: 320px; overflow-y: auto; word-break: break-word; }
.kb-context mark { background: #ffe066; color: #222; padding: 0 1px; }
.kb-note, .kb-dim { color: var(--body-text-color-subdued); font-size: 0.88em; }
.kb-msg { padding: 8px 12px; border-radius: 8px; margin: 4px 0; white-space: pre-wrap; word-break: break-word; }
.kb-msg-error { background: #fdecea; color: #8a1c1c; border: 1px solid #f5c2c0; }
.kb-msg-info { background: var(--background-fill-secondary); border: 1px solid var(--border-color-primary); }
.kb-q-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 12px; margin: 6px 0; }
.kb-q-card ul { margin: 4px 0 0 18px; }
.kb-q-card li { word-break: break-word; }
.kb-missing ul { margin: 4px 0 0 18px; }
.kb-doc-head { padding: 4px 0; }
.kb-tree details { margin-left: 14px; }
.kb-tree > details { margin-left: 0; }
.kb-tree summary { cursor: pointer; padding: 2px 0; }
.kb-kind { display: inline-block; min-width: 2.6em; font-size: 0.75em; color: var(--body-text-color-subdued);
           border: 1px solid var(--border-color-primary); border-radius: 4px; padding: 0 4px; margin-right: 6px;
           text-align: center; }
.kb-sec-text, .kb-pre { white-space: pre-wrap; line-height: 1.7; font-size: 0.92em; word-break: break-word; }
.kb-sec-text { margin: 2px 0 6px 18px; padding: 6px 8px; background: var(--background-fill-secondary);
               border-radius: 6px; }
.kb-example { flex: 0 1 auto !important; min-width: 0 !important; }
.kb-q-tech { margin-top: 4px; font-size: 0.85em; color: var(--body-text-color-subdued); }
.kb-q-tech > summary { cursor: pointer; }
/* phones (under 600 px): every tab stays in the bar (Gradio moves the ones that do not fit into a
   「⋯」 menu), and tables become cards (kb-wide-only / kb-narrow-only pairs, see kb/ui/cards.py) */
.kb-narrow-only { display: none !important; }
.kb-card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 10px; margin: 0 0 8px;
           background: var(--background-fill-secondary); }
.kb-card-title { font-weight: 700; margin-bottom: 4px; word-break: break-word; }
.kb-card dl { display: grid; grid-template-columns: 4.5em 1fr; gap: 2px 8px; margin: 0; }
.kb-card dt { color: var(--body-text-color-subdued); font-size: 0.85em; padding-top: 2px; }
.kb-card dd { margin: 0; word-break: break-word; }
@media (max-width: 600px) {
  .tab-wrapper .tab-container button { padding-left: 6px !important; padding-right: 6px !important; }
  .kb-wide-only { display: none !important; }
  .kb-narrow-only { display: block !important; }
}
"""

# Gradio's words that its Simplified Chinese lacks: without them it shows the key (「common.complete」)
# or falls back to English (「In queue: 1 of 1」 while a 核对 waits its turn). Every key of Gradio's
# English `common` and `status` sections must be here or in its zh-CN (tests/test_ui_newcomer.py).
GRADIO_ZH = {"zh-CN": {
    "common.complete": "完成",
    "status.queue_position": "排队中：第 {position} 位，共 {size} 位",
    "common.download_all": "全部下载",
    "common.runs": "运行记录",
    "common.runs_description": "查看本浏览器保存的运行记录",
    "common.back_to_app": "应用",
    "common.back_to_app_description": "返回应用",
    "common.progress": "进度",
    "common.record": "录制",
    "common.stop_recording": "停止录制",
    "common.screen_studio": "屏幕录制",
    "common.share_gradio_tab": "[分享] Gradio 标签页",
    "common.run": "运行",
}}

# Gradio's own words (upload box, footer, loading messages) follow the browser's language; the app
# is Chinese whatever the browser says (inserted into the page by kb/ui/boundary.py ChineseLocale).
LOCALE_SCRIPT = (b'<script>(() => { try {'
                 b' Object.defineProperty(window.navigator, "language", { get: () => "zh-CN" });'
                 b' Object.defineProperty(window.navigator, "languages", { get: () => ["zh-CN", "zh"] });'
                 b' } catch (e) {} })();</script>')
