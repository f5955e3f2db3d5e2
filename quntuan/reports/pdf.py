"""The work report as PDF: the Word file converted by LibreOffice headless (soffice). The
project's setup installs libreoffice-writer-nogui and fonts-noto-cjk; fontconfig maps 宋体/黑体
to Noto CJK through the alias file shipped next to this module."""

from __future__ import annotations

import os
import shutil
import subprocess  # noqa: S404 - a fixed command, no shell
import tempfile
from pathlib import Path

from django.utils.translation import gettext as _

from quntuan.core.exceptions import ApplicationError
from quntuan.reports.docx import build_docx
from quntuan.reports.models import ReportDraft

FONTCONFIG = Path(__file__).with_name("fonts.conf")


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, timeout: int = 120) -> bytes:
    soffice = soffice_path()
    if soffice is None:
        raise ApplicationError(_("服务器未安装 LibreOffice,暂时无法导出 PDF,请导出 Word 文件。"),
                               code="unavailable", status=503)
    with tempfile.TemporaryDirectory(prefix="report-") as tmp:
        src = Path(tmp, "report.docx")
        src.write_bytes(data)
        env = {**os.environ, "HOME": tmp, "FONTCONFIG_FILE": str(FONTCONFIG)}
        try:
            subprocess.run(  # noqa: S603
                [soffice, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", tmp, str(src)],
                check=True, capture_output=True, timeout=timeout, env=env,
            )
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise ApplicationError(_("PDF 转换失败，请稍后重试或导出 Word 文件。"), code="pdf_failed",
                                   status=503) from exc
        out = Path(tmp, "report.pdf")
        if not out.exists():
            raise ApplicationError(_("PDF 转换失败，请稍后重试或导出 Word 文件。"), code="pdf_failed",
                                   status=503)
        return out.read_bytes()


def build_pdf(draft: ReportDraft) -> bytes:
    return docx_to_pdf(build_docx(draft))
