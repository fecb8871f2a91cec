"""A brief as a trainer gets it: docx → PDF (LibreOffice) → PNG (pdftoppm). The pages carry the
摘要 first, the figures of the topic, Chinese set in a CJK font (no □), and the chart at A4 width.
Skipped, with the reason, where LibreOffice or poppler-utils is not installed (.ci/run installs them)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from kb.brief_render import write_brief

TOOLS = ("soffice", "pdftoppm", "pdftotext", "pdffonts")
pytestmark = pytest.mark.skipif(not all(shutil.which(t) for t in TOOLS),
                                reason="LibreOffice（soffice）或 poppler-utils 未安装：apt-get install libreoffice-writer-nogui poppler-utils")


def test_brief_pages_read_well(kb, tmp_path: Path) -> None:
    docx_path = write_brief(kb, "蓝天保卫战", 2027, tmp_path / "brief.docx")
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(docx_path)], check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "brief.pdf"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    first_page = text.split("\f")[0]
    assert "摘要" in first_page and "目标指标" in first_page
    for figure in ("90%", "30", "1.2%"):
        assert figure in first_page
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "CJK" in fonts or "Hei" in fonts or "Han" in fonts, fonts
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 1 <= len(pages) <= 12
