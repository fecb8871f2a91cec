"""Word document styling shared by briefs and cross-check reports: Chinese default fonts, table
header rows that repeat, shaded cells and fixed column widths (LibreOffice and Word both)."""

from __future__ import annotations

import re
from collections.abc import Sequence


def chinese_defaults(d) -> None:
    """One sans family for Latin and CJK, language zh-CN (a viewer without the font falls back to
    a Simplified Chinese face, not a Japanese one)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rpr = d.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    for tag in ("w:rFonts", "w:lang"):
        old = rpr.find(qn(tag))
        if old is not None:
            rpr.remove(old)
    fonts = OxmlElement("w:rFonts")
    for attr, value in (("w:ascii", "Arial"), ("w:hAnsi", "Arial"), ("w:eastAsia", "Microsoft YaHei"),
                        ("w:cs", "Arial")):
        fonts.set(qn(attr), value)
    lang = OxmlElement("w:lang")
    for attr, value in (("w:val", "zh-CN"), ("w:eastAsia", "zh-CN"), ("w:bidi", "ar-SA")):
        lang.set(qn(attr), value)
    rpr.insert(0, fonts)
    rpr.append(lang)
    for name in ("Title", "Heading 1", "Heading 2", "Heading 3"):  # a heading never ends a page alone
        if name in [st.name for st in d.styles]:
            d.styles[name].paragraph_format.keep_with_next = True


def shade(cell, hex_color: str) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), hex_color)
    cell._tc.get_or_add_tcPr().append(shd)


def header_row(table, names: Sequence[str], fill: str = "e6e9ee") -> None:
    """Bold, shaded header cells; the row repeats on every page."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for cell, name in zip(table.rows[0].cells, names):
        cell.text = name
        cell.paragraphs[0].runs[0].bold = True
        shade(cell, fill)
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    table.rows[0]._tr.get_or_add_trPr().append(repeat)


def fix_widths(table, widths: Sequence, font_pt: float | None = None) -> None:
    """Fixed column widths on the grid (LibreOffice) and on every cell (Word); rows kept whole."""
    from docx.oxml import OxmlElement
    from docx.shared import Pt

    table.autofit = False
    for column, width in zip(table.columns, widths):
        column.width = width
    for row in table.rows:
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))  # a row never breaks over two pages
        for cell, width in zip(row.cells, widths):
            cell.width = width
            if font_pt:
                for p in cell.paragraphs:
                    for r in p.runs:
                        r.font.size = Pt(font_pt)


def a4_margins(d, margin_cm: float = 2.5) -> None:
    """A4 portrait with 2.5 cm margins: a 16 cm text width, the width charts are drawn at."""
    from docx.shared import Cm

    for s in d.sections:
        s.page_width, s.page_height = Cm(21.0), Cm(29.7)
        s.left_margin = s.right_margin = Cm(margin_cm)
        s.top_margin = s.bottom_margin = Cm(2.2)


_NUMBER_RUN = re.compile(r"[\[\d][\d.%％×xX/A-Za-z\]]+")


def add_text(paragraph, text: str):
    """Text as runs, each number with its unit or sign (「100%」「2×350MW」「[28]」) a run of its own
    in a Latin language: LibreOffice treats digits amid Chinese as Chinese and breaks between any
    two of them; a Latin run keeps them on one line. Returns the first run (for size or bold)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    first = None
    pos = 0
    for m in [*_NUMBER_RUN.finditer(text), None]:
        plain = text[pos:m.start()] if m else text[pos:]
        if plain:
            run = paragraph.add_run(plain)
            first = first or run
        if m is None:
            break
        run = paragraph.add_run(m.group(0))
        lang = OxmlElement("w:lang")
        lang.set(qn("w:val"), "en-US")
        lang.set(qn("w:eastAsia"), "en-US")
        run._r.get_or_add_rPr().append(lang)
        first = first or run
        pos = m.end()
    return first
