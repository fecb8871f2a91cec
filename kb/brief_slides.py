"""A brief as slides (python-pptx): a title slide, the 摘要, one slide a section (targets, deadlines,
phase goals, each task with its measures, projects), the timeline chart, and the references.
Long sections continue on a next slide; text is 14 pt or larger, legible from the back of a room."""

from __future__ import annotations

from pathlib import Path

from kb.brief import Brief, target_sentence

LINES_PER_SLIDE = 9
BODY_PT, SMALL_PT = 16, 12


def _ref(refs: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in refs)


def _sections(b: Brief, summary: list[str]) -> list[tuple[str, list[str], int]]:

    out = [("摘要", summary, BODY_PT)]
    if b.phases:
        out.append(("阶段目标", [f"{r.cells[0]}：{r.cells[1]}{_ref(r.refs)}" for r in b.phases], BODY_PT))
    if b.targets:
        out.append(("目标指标", [target_sentence(r) + _ref(r.refs) for r in b.targets], BODY_PT))
    if b.milestones:
        out.append(("此前的阶段性目标", [target_sentence(r) + _ref(r.refs) for r in b.milestones], BODY_PT))
    if b.deadlines:
        out.append(("时限任务", [f"{r.cells[0]}：{r.cells[1]}{_ref(r.refs)}" for r in b.deadlines], BODY_PT))
    for t in b.tasks:
        out.append((f"重点任务：{t.heading.cells[0].rstrip('。')}", [m.cells[0] + _ref(m.refs) for m in t.measures], BODY_PT))
    if b.projects:
        out.append(("重点工程（专栏）", [r.cells[0] + _ref(r.refs) for r in b.projects], BODY_PT))
    out.append(("出处", [f"[{c.n}] 《{c.title}》 › {c.section}：“{c.quote}”" for c in b.references], SMALL_PT))
    return out


def to_pptx(b: Brief, path: Path, chart: Path | None, summary: list[str]) -> None:
    from pptx import Presentation
    from pptx.util import Cm, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Cm(33.867), Cm(19.05)  # 16:9
    title = prs.slides.add_slide(prs.slide_layouts[0])
    title.shapes.title.text = b.title
    title.placeholders[1].text = b.scope
    for heading, lines, size in _sections(b, summary):
        per = LINES_PER_SLIDE if size == BODY_PT else LINES_PER_SLIDE * 2
        for part in range(0, max(len(lines), 1), per):
            slide = prs.slides.add_slide(prs.slide_layouts[5])
            slide.shapes.title.text = heading + ("（续）" if part else "")
            box = slide.shapes.add_textbox(Cm(1.5), Cm(3.6), prs.slide_width - Cm(3), prs.slide_height - Cm(4.5))
            frame = box.text_frame
            frame.word_wrap = True
            for i, line in enumerate(lines[part: part + per]):
                p = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
                p.text = line
                p.font.size = Pt(size)
                p.space_after = Pt(4)
    if chart:
        slide = prs.slides.add_slide(prs.slide_layouts[5])
        slide.shapes.title.text = "时间轴"
        pic = slide.shapes.add_picture(str(chart), Cm(1.5), Cm(3.4))
        scale = min((prs.slide_width - Cm(3)) / pic.width, (prs.slide_height - Cm(4)) / pic.height, 1.6)
        pic.width, pic.height = int(pic.width * scale), int(pic.height * scale)
    prs.save(str(path))
