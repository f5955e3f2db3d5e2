"""The work report as a Word document (python-docx), Chinese fonts set through w:eastAsia."""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from quntuan.reports.compose import compose
from quntuan.reports.models import ReportDraft

BODY_FONT = "宋体"
HEADING_FONT = "黑体"


def _set_font(style_or_run, name: str, size: float | None = None, bold: bool | None = None) -> None:
    font = style_or_run.font
    font.name = name
    if size is not None:
        font.size = Pt(size)
    if bold is not None:
        font.bold = bold
    rpr = style_or_run.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        rfonts.set(qn(attr), name)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _para(doc, text: str, *, font=BODY_FONT, size=14, bold=False, indent=True, align=None):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    p.paragraph_format.line_spacing = 1.5
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    _set_font(run, font, size, bold)
    return p


def _table(doc, rows: list[list[str]], size=10.5):
    table = doc.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            cell = table.cell(r, c)
            cell.text = ""
            run = cell.paragraphs[0].add_run(str(value))
            _set_font(run, HEADING_FONT if r == 0 else BODY_FONT, size, r == 0)
    return table


def build_docx(draft: ReportDraft) -> bytes:
    doc = Document()
    _set_font(doc.styles["Normal"], BODY_FONT, 14)
    for block in compose(draft):
        if block.kind == "title":
            _para(doc, block.text, font=HEADING_FONT, size=22, bold=True, indent=False,
                  align=WD_ALIGN_PARAGRAPH.CENTER)
        elif block.kind == "heading":
            _para(doc, block.text, font=HEADING_FONT, size=16, bold=True)
        elif block.kind == "subheading":
            _para(doc, block.text, font=HEADING_FONT, size=14, bold=True)
        elif block.kind in ("narrative", "generated"):
            for line in block.text.splitlines():
                if line.strip():
                    _para(doc, line.strip())
        elif block.kind == "table":
            _table(doc, block.rows)
        elif block.kind == "sources":
            _table(doc, [["数据项", "数值", "查询", "口径说明"], *block.rows], size=9)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
