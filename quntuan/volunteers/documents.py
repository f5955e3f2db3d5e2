"""The 志愿服务证明 as a Word document (python-docx), with Chinese fonts set through w:eastAsia.
A PDF is made from it with LibreOffice when ``soffice`` is installed on the server."""

from __future__ import annotations

import io
import shutil
import subprocess  # noqa: S404 - runs LibreOffice with fixed arguments
import tempfile
from pathlib import Path

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from quntuan.volunteers.models import Certificate
from quntuan.volunteers.rules import hours_text

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _set_fonts(style, name: str, size: float | None = None) -> None:
    style.font.name = name
    if size:
        style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), name)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "zh-CN")


def _run_font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = name
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def certificate_fields(certificate: Certificate) -> list[tuple[str, str]]:
    period = ""
    if certificate.period_start and certificate.period_end:
        period = f"{certificate.period_start:%Y年%m月%d日} 至 {certificate.period_end:%Y年%m月%d日}"
    return [
        ("姓名", certificate.real_name),
        ("证件类型", certificate.get_id_type_display()),
        ("证件号码", certificate.id_masked),
        ("志愿者编号", certificate.volunteer_number),
        ("服务时间", period),
        ("志愿服务时长", f"{hours_text(certificate.minutes)}(共 {certificate.minutes} 分钟)"),
        ("服务内容", certificate.content),
        ("出具组织", certificate.organization.name),
        ("负责人", certificate.responsible_person),
        ("经办人", certificate.handler),
        ("联系方式", certificate.contact),
        ("证明编号", certificate.number or ""),
        ("出具日期", f"{certificate.issued_on:%Y年%m月%d日}"),
    ]


def certificate_docx(certificate: Certificate, *, verify_url: str = "") -> bytes:
    doc = Document()
    section = doc.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.left_margin = section.right_margin = Cm(2.6)
    _set_fonts(doc.styles["Normal"], BODY_FONT, 12)
    for name in ("Title", "Heading 1", "Table Grid"):
        if name in [s.name for s in doc.styles]:
            _set_fonts(doc.styles[name], TITLE_FONT if name != "Table Grid" else BODY_FONT)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run_font(title.add_run("志愿服务证明"), TITLE_FONT, 22, bold=True)
    number = doc.add_paragraph()
    number.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run_font(number.add_run(f"编号:{certificate.number}"), BODY_FONT, 10.5)

    intro = doc.add_paragraph()
    intro.paragraph_format.first_line_indent = Pt(24)
    _run_font(intro.add_run(
        f"兹证明 {certificate.real_name}(志愿者编号 {certificate.volunteer_number})参加{certificate.organization.name}"
        f"组织的志愿服务活动,经记录确认,累计志愿服务时长 {hours_text(certificate.minutes)}。特此证明。"
    ), BODY_FONT, 12)

    fields = certificate_fields(certificate)
    table = doc.add_table(rows=len(fields), cols=2)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for i, (label, value) in enumerate(fields):
        left, right = table.rows[i].cells
        left.width, right.width = Cm(4), Cm(11.8)
        left.text, right.text = "", ""
        _run_font(left.paragraphs[0].add_run(label), TITLE_FONT, 11)
        _run_font(right.paragraphs[0].add_run(value), BODY_FONT, 11)

    doc.add_paragraph()
    sign = doc.add_paragraph()
    sign.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run_font(sign.add_run(f"{certificate.organization.name}(盖章)\n{certificate.issued_on:%Y年%m月%d日}"),
              BODY_FONT, 12)
    note = doc.add_paragraph()
    _run_font(note.add_run(
        "本证明依据《志愿服务记录与证明出具办法》出具,证件号码已隐去部分数字。"
        + (f"可在 {verify_url} 输入证明编号核验真伪。" if verify_url else "可在平台“志愿服务证明核验”页面输入编号核验真伪。")
    ), BODY_FONT, 9)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes) -> bytes | None:
    """The PDF of a Word document through LibreOffice headless; None when it is not installed."""
    binary = soffice_path()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "certificate.docx"
        src.write_bytes(data)
        subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [binary, "--headless", "--convert-to", "pdf", "--outdir", tmp, str(src)],
            check=True, timeout=60, capture_output=True,
        )
        return (Path(tmp) / "certificate.pdf").read_bytes()
