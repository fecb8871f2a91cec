"""Policy document structure for any standard 公文 layout, on normalized paragraphs ("\\n"-separated).

Headings: chapters 一、 and 第一章, sections （一） and 第一节, articles 第一条, items 1. and
sub-items （1）, 专栏N boxes, phases 第一阶段（…年）, 附件, the lead sentence that opens a paragraph
(`完善国土空间布局。`), and the 落款 (issuers and date) and 印发 blocks at the end of a notice. A
heading may stand alone on its line (`（十七）强化科技支撑。`) or open its paragraph
(`（三）目标指标。到2025年，……`): the heading is then the sentence up to the first 。 and only
that sentence is the node's title; the body stays in the node.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from kb.types import Section, Sentence

_NUM = "一二三四五六七八九十百零〇"
CHAPTER_RE = re.compile(rf"^[{_NUM}]{{1,3}}、\S")
SECTION_RE = re.compile(rf"^[（(][{_NUM}]{{1,4}}[）)]\S")
ZH_CHAPTER_RE = re.compile(rf"^第[{_NUM}]{{1,4}}[章编]\s*\S")
ZH_SECTION_RE = re.compile(rf"^第[{_NUM}]{{1,4}}节\s*\S")
ARTICLE_RE = re.compile(rf"^第[{_NUM}]{{1,5}}条(?![、，。])")
COLUMN_RE = re.compile(r"^专栏\s*\d+")
ANNEX_RE = re.compile(r"^附件\s*\d*\s*[:：]?\s*(?:\S.{0,60})?$")
PHASE_RE = re.compile(r"^第[一二三四五六七八九十]阶段（\d{4}\s*[—–-]+\s*\d{4}年）。?$")
ITEM_RE = re.compile(r"^\d{1,2}[.．、]\s*(?=\S)")
SUBITEM_RE = re.compile(r"^[（(]\d{1,2}[）)]\s*(?=\S)")
DASH_LEAD_RE = re.compile(r"^——([^。，；]{2,40})。")
LEAD_RE = re.compile(r"^([^。，；：（）]{2,30})。(?=.)")
SENTENCE_RE = re.compile(r"[^。！？；\n]*(?:[。！？；]+[”’」』）]*|$)")
DATE_LINE_RE = re.compile(r"^\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*$")
IMPRINT_RE = re.compile(r"^(?:抄送[:：]|.{2,40}\s*(?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日\s*印发$)")
_SIGNER_MAX = 24  # a 落款 line (an issuing body's name) is short and has no punctuation
_HEAD_MAX = 60  # the longest heading title

# Depth of each kind in the path. The outline kinds 一、/（一）/1./（1） nest one level deeper
# under an open 第一章 or 第一节 (see _depth).
_DEPTH = {"zh_chapter": 1, "zh_section": 2, "article": 3, "chapter": 1, "section": 2, "column": 2, "phase": 2,
          "item": 3, "subitem": 4, "lead": 3, "annex": 1, "closing": 1, "imprint": 1}
_OUTLINE = ("chapter", "section", "item", "subitem", "lead")
KIND_NAMES = {"closing": "落款", "imprint": "印发"}


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


def _numbered(line: str) -> bool:
    return any(r.match(line) for r in (CHAPTER_RE, SECTION_RE, ZH_CHAPTER_RE, ZH_SECTION_RE, ARTICLE_RE, COLUMN_RE))


_NUMBERING_RE = re.compile(rf"^(?:[{_NUM}]{{1,3}}、|[（(][{_NUM}]{{1,4}}[）)]|第[{_NUM}]{{1,5}}[章编节条]\s*|\d{{1,2}}[.．、]|[（(]\d{{1,2}}[）)])\s*")


def bare_title(title: str) -> str:
    """A heading's words without its numbering and closing 。 (「（二）重点区域」 → 「重点区域」)."""
    return _NUMBERING_RE.sub("", title.strip()).rstrip("。")


def is_heading_line(line: str) -> bool:
    """A line that is a heading on its own (chapter, section, column title, phase, 附件)."""
    line = line.strip()
    if PHASE_RE.match(line):
        return True
    if len(line) > _HEAD_MAX:
        return False
    if "。" in line.rstrip("。"):
        return False
    return _numbered(line) or bool(ANNEX_RE.match(line) and not line.endswith("。"))


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
    if "。" in head or len(head) > _HEAD_MAX:
        return None
    return line.index(stripped) + idx


def _run_in_title(line: str) -> str | None:
    """「（三）目标指标。到2025年，……」 → 「（三）目标指标」: the heading sentence of a numbered line."""
    head, dot, _ = line.partition("。")
    if dot and len(head) <= _HEAD_MAX and "；" not in head:
        return head
    return None


def _classify(line: str, in_column: bool) -> tuple[str, str] | None:
    """Return (kind, title) when a paragraph opens a structural node."""
    if PHASE_RE.match(line):
        return "phase", line.rstrip("。")
    for kind, rx in (("zh_chapter", ZH_CHAPTER_RE), ("zh_section", ZH_SECTION_RE), ("chapter", CHAPTER_RE),
                     ("section", SECTION_RE)):
        if rx.match(line):
            if is_heading_line(line):
                return kind, line.rstrip("。")
            title = _run_in_title(line)
            return (kind, title) if title else None
    if ARTICLE_RE.match(line):
        return "article", ARTICLE_RE.match(line).group(0)
    if COLUMN_RE.match(line) and is_heading_line(line):
        return "column", line
    if ANNEX_RE.match(line) and not line.endswith("。"):
        return "annex", line.strip()
    for kind, rx in (("item", ITEM_RE), ("subitem", SUBITEM_RE)):
        if rx.match(line) and (in_column or kind == "subitem" or "。" in line or len(line) <= 40):
            head = line.split("。", 1)[0]
            return kind, head if len(head) <= 40 else head[:40]
    m = DASH_LEAD_RE.match(line)
    if m:
        return "lead", m.group(1)
    m = LEAD_RE.match(line)
    if m:
        return "lead", m.group(1)
    return None


def _closing_starts(paras: list[Paragraph]) -> set[int]:
    """Indices of paragraphs that open a 落款: issuer lines (short, no punctuation) above a date line."""
    out = set()
    for i, p in enumerate(paras):
        if not DATE_LINE_RE.match(p.text):
            continue
        j = i
        while j > 0 and len(paras[j - 1].text.strip()) <= _SIGNER_MAX and not re.search(
                r"[，。；：、！？,.;:!?（）()《》\d]", paras[j - 1].text):
            j -= 1
        if j < i:
            out.add(j)
    return out


def _depth(kind: str, open_nodes: list) -> int:
    base = _DEPTH[kind]
    if kind in _OUTLINE:
        under = [_DEPTH[k] for k, *_ in open_nodes if k in ("zh_chapter", "zh_section", "article")]
        if under and kind != "lead":
            return base + max(under)
    return base


def parse_sections(text: str, title: str = "") -> tuple[Section, ...]:
    """Build the heading tree. Each node covers [start of heading, start of next peer-or-higher).

    A line that repeats the document's title (a second excerpt of the same document starts
    there, or the text after its 印发 notice) closes every open node."""
    title_key = re.sub(r"\W", "", title)
    open_nodes: list[tuple[str, str, tuple[str, ...], int, int]] = []  # kind, title, path, start, depth
    done: list[Section] = []
    in_column = False
    paras = paragraphs(text)
    closings = _closing_starts(paras)
    for i, para in enumerate(paras):
        at = para.start - 1 if para.start else 0
        if title_key and len(para.text) <= len(title) + 8 and re.sub(r"\W", "", para.text) == title_key:
            _close(open_nodes, done, depth=1, at=at)
            in_column = False
            continue
        if i in closings:
            found: tuple[str, str] | None = ("closing", KIND_NAMES["closing"])
        elif IMPRINT_RE.match(para.text.strip()) and not (open_nodes and open_nodes[-1][0] == "imprint"):
            found = ("imprint", KIND_NAMES["imprint"])
        elif open_nodes and open_nodes[-1][0] in ("closing", "imprint"):
            continue  # the lines of a 落款 or 印发 block stay in it
        else:
            found = _classify(para.text, in_column)
        if found is None:
            # A plain paragraph ends any open lead/item: their scope is their own paragraph.
            # An item's scope is its paragraph inside a 专栏, its following paragraphs elsewhere.
            _close_kinds(open_nodes, done, ("lead", "item", "subitem") if in_column else ("lead",), at)
            continue
        kind, head = found
        depth = _depth(kind, open_nodes)
        if kind == "lead" and para.text.startswith("——"):
            depth = 2  # a "——" line closes an open phase: it is a principle of the chapter
        if kind == "lead" and open_nodes and open_nodes[-1][0] in ("item", "subitem") and not in_column:
            depth = open_nodes[-1][4] + 1  # a lead opening an item's paragraph stays under it
        _close(open_nodes, done, depth=depth, at=at)
        if kind in ("chapter", "zh_chapter", "zh_section", "section", "phase", "annex", "closing", "imprint"):
            in_column = False
        elif kind == "column":
            in_column = True
        parent_path = open_nodes[-1][2] if open_nodes else ()
        open_nodes.append((kind, head, parent_path + (head,), para.start, depth))
    _close(open_nodes, done, depth=1, at=len(text))
    return tuple(sorted(done, key=lambda s: (s.start, len(s.path))))


def _close(open_nodes: list, done: list[Section], depth: int, at: int) -> None:
    while open_nodes and open_nodes[-1][4] >= depth:
        _pop(open_nodes, done, at)


def _close_kinds(open_nodes: list, done: list[Section], kinds: tuple[str, ...], at: int) -> None:
    while open_nodes and open_nodes[-1][0] in kinds:
        _pop(open_nodes, done, at)


def _pop(open_nodes: list, done: list[Section], at: int) -> None:
    kind, head, path, start, _ = open_nodes.pop()
    done.append(Section(kind=kind, title=head, path=path, start=start, end=max(at, start)))


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
