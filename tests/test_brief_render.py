"""A brief as a trainer gets it: docx → PDF (LibreOffice) → PNG (pdftoppm). The pages carry the
摘要 first, the figures of the topic, Chinese set in a CJK font (no □), the chart at A4 width; no
number is split across two lines, every citation mark on the pages has its reference and every
reference a mark, and the 出处 list does not re-quote the body. Skipped, with the reason, where
LibreOffice or poppler-utils is not installed (.ci/run installs them)."""

from __future__ import annotations

import itertools
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from kb.brief_render import write_brief

TOOLS = ("soffice", "pdftoppm", "pdftotext", "pdffonts")
pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in TOOLS),
                                reason="LibreOffice（soffice）或 poppler-utils 未安装：apt-get install libreoffice-writer-nogui poppler-utils")
# A line that ends inside a number, a figure with its unit or a citation mark, and the next line
# that goes on with it (「安装率达到10」/「0%」, 「新建2」/「×350MW」, 「[2」/「8]」).
SPLIT = re.compile(r"(?:\d|\[\d*)\n(?:[\d%×\]]|\.\d)")
LONG_LINE = 12  # wrapped body lines; table cells (「90」 then 「%」) are shorter


def _pages(kb, tmp_path: Path, topic: str, year: int) -> tuple[list[str], Path]:
    docx_path = write_brief(kb, topic, year, tmp_path / "brief.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx_path)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "brief.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f"), pdf


def _split_numbers(page: str) -> list[str]:
    lines = page.split("\n")
    return [f"{a!r} / {b!r}" for a, b in itertools.pairwise(lines)
            if len(a) >= LONG_LINE and SPLIT.search(a[-4:] + "\n" + b[:2])]


def test_brief_pages_read_well(kb, tmp_path: Path) -> None:
    pages, pdf = _pages(kb, tmp_path, "蓝天保卫战", 2027)
    first_page = pages[0]
    assert "摘要" in first_page and "目标指标" in first_page
    for figure in ("90%", "30", "1.2%"):
        assert figure in first_page
    assert "本简报收录" not in first_page
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts or "Hei" in fonts or "Han" in fonts, fonts
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages_png = sorted(tmp_path.glob("page-*.png"))
    assert 1 <= len(pages_png) <= 6


@pytest.mark.parametrize(("topic", "year"), [("蓝天保卫战", 2027), ("水环境", 2030)])
def test_rendered_pages_keep_numbers_whole_and_citations_paired(kb, tmp_path: Path, topic, year) -> None:
    pages, _ = _pages(kb, tmp_path, topic, year)
    text = "\n".join(pages)
    assert not [s for p in pages for s in _split_numbers(p)]
    body, refs = text.rsplit("出处", 1)
    marks = {int(n) for n in re.findall(r"\[(\d+)\]", body)}
    listed = set()
    for a, b in re.findall(r"\[(\d+)\](?:—\[(\d+)\])?", refs):
        listed |= set(range(int(a), int(b or a) + 1))
    assert marks and marks == listed  # no orphan reference, no mark without one
    assert len(refs) < len(body) / 2  # the 出处 list does not re-quote the body
    assert "“第一阶段（2024—2027年）”" not in refs  # no heading-only citation
