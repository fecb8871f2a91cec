"""Generated hostile inputs for the load benchmark (bench/load_check.py) and its tests: a large
department plan (.txt, 0.5 MB by default) and a near-bomb .docx (a 4 MB zip whose
``word/document.xml`` inflates to ~95 MiB of paragraphs, under the zip-bomb ratio).

The plan repeats the shape of a real department plan (headings, targets, deadlines, lead bodies,
prose and 现状 lines) built from the test plans in tests/data/, with the figures varied a little in
every section so that statements do not collapse into duplicates."""

from __future__ import annotations

import random
import re
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("dept_plan.txt", "dept_air_plan.txt", "dept_rural_plan.txt")
CHAPTERS = "一二三四五六七八九十"
_NUMBER = re.compile(r"\d+(?:\.\d+)?")


def _vary(line: str, rng: random.Random) -> str:
    """The line with each figure that is not a year nudged (72 → 71.3), so every copy is new."""
    def nudge(m: re.Match) -> str:
        value = float(m.group())
        if 1990 <= value <= 2100 and "." not in m.group():
            return m.group()
        return f"{value * rng.uniform(0.9, 1.1):.1f}"
    return _NUMBER.sub(nudge, line)


def _source_lines() -> list[str]:
    lines: list[str] = []
    for name in SOURCES:
        for line in (ROOT / "tests" / "data" / name).read_text(encoding="utf-8").splitlines():
            line = line.strip()
            if line and not re.match(r"^[一二三四五六七八九十]+、", line) and not line.startswith("吉林市"):
                lines.append(line)
    return lines


def big_plan_text(size_bytes: int = 512 * 1024, seed: int = 7) -> str:
    """A department plan of about ``size_bytes`` UTF-8 bytes."""
    rng = random.Random(seed)
    lines = _source_lines()
    out = ["吉林市某局贯彻落实《美丽江城建设规划（2024—2035年）》实施方案（生成的测试方案）"]
    size = len(out[0].encode())
    part = 0
    while size < size_bytes:
        heading = f"{CHAPTERS[part % 10]}、第{part + 1}部分工作安排"
        out.append(heading)
        size += len(heading.encode()) + 1
        for line in rng.sample(lines, k=min(12, len(lines))):
            text = _vary(line, rng)
            out.append(text)
            size += len(text.encode()) + 1
        part += 1
    return "\n".join(out) + "\n"


def write_big_plan(path: Path, size_bytes: int = 512 * 1024) -> Path:
    path.write_text(big_plan_text(size_bytes), encoding="utf-8")
    return path


_CONTENT_TYPES = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
                  '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
                  '<Default Extension="xml" ContentType="application/xml"/>'
                  '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
                  'officedocument.wordprocessingml.document.main+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="word/document.xml"/></Relationships>')
_INDICATORS = ("新能源公交车占比", "森林覆盖率", "空气优良天数比例", "秸秆综合利用率", "受污染耕地安全利用率",
               "城市生活污水集中收集率", "畜禽粪污综合利用率", "海绵城市面积比例", "水土保持率", "农村生活垃圾收集率")
_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def write_near_bomb_docx(path: Path, body_mib: int = 95, seed: int = 11) -> Path:
    """A .docx of a few MB whose body inflates to ``body_mib`` MiB of short paragraphs (ratio ~25:
    under the zip-bomb ratio, the way a hostile user gets past it)."""
    rng = random.Random(seed)
    target = body_mib * 2**20
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        with z.open("word/document.xml", "w", force_zip64=True) as fh:
            head = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="{_W}"><w:body>'
            fh.write(head.encode())
            written = len(head)
            while written < target:
                block = "".join(
                    f"<w:p><w:r><w:t>到{rng.choice((2027, 2030, 2035))}年，{rng.choice(_INDICATORS)}达到"
                    f"{rng.randint(60, 99)}%。</w:t></w:r></w:p>" for _ in range(1000)).encode()
                fh.write(block)
                written += len(block)
            fh.write(b"</w:body></w:document>")
    return path
