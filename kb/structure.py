"""Policy document structure: chapters 一、, sections （一）, 专栏N with numbered items, phases,
and lead sentences that open paragraphs. Works on normalized paragraphs ("\\n"-separated)."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from kb.types import Section, Sentence

_NUM = "一二三四五六七八九十"
CHAPTER_RE = re.compile(rf"^[{_NUM}]{{1,3}}、\S")
SECTION_RE = re.compile(rf"^[（(][{_NUM}]{{1,3}}[）)]\S")
COLUMN_RE = re.compile(r"^专栏\s*\d+")
PHASE_RE = re.compile(r"^第[一二三四五六七八九十]阶段（\d{4}\s*[—–-]+\s*\d{4}年）。?$")
ITEM_RE = re.compile(r"^\d{1,2}[.．、]\s*(?=\S)")
DASH_LEAD_RE = re.compile(r"^——([^。，；]{2,40})。")
LEAD_RE = re.compile(r"^([^。，；：（）]{2,30})。(?=.)")
SENTENCE_RE = re.compile(r"[^。！？；\n]*(?:[。！？；]+[”’」』）]*|$)")

# Depth of each kind in the path: chapter 1; section, column, phase 2; item and lead 3.
_DEPTH = {"chapter": 1, "section": 2, "column": 2, "phase": 2, "item": 3, "lead": 3}


@dataclass(frozen=True)
class Paragraph:
    text: str
    start: int
    end: int


def paragraphs(text: str) -> list[Paragraph]:
    out, pos = [], 0
    for line in text.split("\n"):
        if line.strip():
            out.append(Paragraph(line, pos, pos + len(line)))
        pos += len(line) + 1
    return out


def is_heading_line(line: str) -> bool:
    """A line that is a heading on its own (chapter, section, column title, phase)."""
    line = line.strip()
    if PHASE_RE.match(line):
        return True
    if "。" in line or len(line) > 60:
        return False
    return bool(CHAPTER_RE.match(line) or SECTION_RE.match(line) or COLUMN_RE.match(line))


def heading_split_point(line: str) -> int | None:
    """Where a heading run into its paragraph ends, e.g. ``（一）… 繁星闪烁 加强多污染物协同控制。``.

    Works on a line whose spaces are still there (before ``collapse_spaces``): a section, chapter
    or column heading never contains 。, so if the line does, the heading ends at the first space.
    """
    stripped = line.strip()
    if not (CHAPTER_RE.match(stripped) or SECTION_RE.match(stripped) or COLUMN_RE.match(stripped)):
        return None
    if "。" not in stripped:
        return None
    if COLUMN_RE.match(stripped):
        m = re.match(r"专栏\s*\d+\s*\S+?(\s)", stripped)
    else:
        m = re.search(r"\s", stripped)
    if not m:
        return None
    idx = m.start(1) if m.re.groups else m.start()
    head = stripped[:idx]
    if "。" in head or len(head) > 60:
        return None
    return line.index(stripped) + idx


def _classify(line: str, in_column: bool) -> tuple[str, str] | None:
    """Return (kind, title) when a paragraph opens a structural node."""
    if PHASE_RE.match(line):
        return "phase", line.rstrip("。")
    if is_heading_line(line):
        if CHAPTER_RE.match(line):
            return "chapter", line
        if SECTION_RE.match(line):
            return "section", line
        return "column", line
    if in_column and ITEM_RE.match(line):
        head = line.split("。", 1)[0]
        return "item", head if len(head) <= 40 else head[:40]
    m = DASH_LEAD_RE.match(line)
    if m:
        return "lead", m.group(1)
    m = LEAD_RE.match(line)
    if m:
        return "lead", m.group(1)
    return None


def parse_sections(text: str, title: str = "") -> tuple[Section, ...]:
    """Build the heading tree. Each node covers [start of heading, start of next peer-or-higher).

    A line that repeats the document's title (a second excerpt of the same document starts
    there) closes every open node."""
    title_key = re.sub(r"\W", "", title)
    open_nodes: list[tuple[str, str, tuple[str, ...], int]] = []  # kind, title, path, start
    done: list[Section] = []
    in_column = False
    for para in paragraphs(text):
        if title_key and len(para.text) <= len(title) + 8 and re.sub(r"\W", "", para.text) == title_key:
            _close(open_nodes, done, depth=1, at=para.start - 1 if para.start else 0)
            in_column = False
            continue
        found = _classify(para.text, in_column)
        if found is None:
            # A plain paragraph ends any open lead/item: their scope is their own paragraph.
            _close(open_nodes, done, depth=3, at=para.start - 1 if para.start else 0)
            continue
        kind, title = found
        depth = _DEPTH[kind]
        if kind == "lead" and para.text.startswith("——"):
            depth = 2  # a "——" line closes an open phase: it is a principle of the chapter
        _close(open_nodes, done, depth=depth, at=para.start - 1 if para.start else 0)
        if kind == "chapter" or kind in ("section", "phase"):
            in_column = False
        elif kind == "column":
            in_column = True
        parent_path = open_nodes[-1][2] if open_nodes else ()
        open_nodes.append((kind, title, parent_path + (title,), para.start))
    _close(open_nodes, done, depth=1, at=len(text))
    return tuple(sorted(done, key=lambda s: (s.start, len(s.path))))


def _close(open_nodes: list, done: list[Section], depth: int, at: int) -> None:
    while open_nodes and _DEPTH[open_nodes[-1][0]] >= depth:
        kind, title, path, start = open_nodes.pop()
        done.append(Section(kind=kind, title=title, path=path, start=start, end=max(at, start)))


def path_at(sections: tuple[Section, ...], start: int, end: int) -> tuple[str, ...]:
    """The deepest section path whose span contains [start, end)."""
    best: tuple[str, ...] = ()
    for s in sections:
        if s.start <= start and end <= s.end and len(s.path) > len(best):
            best = s.path
    return best


class _PathSweep:
    """path_at for spans given in increasing order, in time proportional to the text: sections
    (sorted by start, as parse_sections gives them) open as the spans reach them and are dropped
    once passed, so each span looks only at the sections around it. Same answers as path_at."""

    def __init__(self, sections: tuple[Section, ...]) -> None:
        self.sections, self.next, self.open = sections, 0, []
        self.sorted = all(a.start <= b.start for a, b in itertools.pairwise(sections))
        self.last = -1

    def path(self, start: int, end: int) -> tuple[str, ...]:
        if not self.sorted or start < self.last:
            return path_at(self.sections, start, end)
        self.last = start
        while self.next < len(self.sections) and self.sections[self.next].start <= start:
            self.open.append(self.sections[self.next])
            self.next += 1
        self.open = [s for s in self.open if s.end >= start]
        return path_at(tuple(self.open), start, end)


def split_sentences(doc_id: str, text: str, sections: tuple[Section, ...]) -> tuple[Sentence, ...]:
    """Sentences end at 。！？； (closing quotes stay with them) or at a line end."""
    out: list[Sentence] = []
    sweep = _PathSweep(sections)
    for para in paragraphs(text):
        for m in SENTENCE_RE.finditer(para.text):
            raw = m.group(0)
            if not raw.strip():
                continue
            lead_ws = len(raw) - len(raw.lstrip())
            s = para.start + m.start() + lead_ws
            e = para.start + m.end() - (len(raw) - len(raw.rstrip()))
            out.append(Sentence(doc_id, text[s:e], s, e, sweep.path(s, e)))
    return tuple(out)
