"""A generic .xlsx exporter for staff lists: rows (a queryset or any iterable) and columns with
Chinese headers → a download response. Written in openpyxl's write-only mode, so long lists stay
light on memory."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from urllib.parse import quote

from django.db.models import Model
from django.http import HttpResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 200_000  # one export; a note in the last row says when a list was cut

Column = tuple[str, "str | Callable"]


def _value(row, accessor):
    if callable(accessor):
        value = accessor(row)
    else:
        value = row
        for part in accessor.replace("__", ".").split("."):
            if value is None:
                break
            if isinstance(value, dict):
                value = value.get(part)
                continue
            display = getattr(value, f"get_{part}_display", None)
            value = display() if display is not None else getattr(value, part, None)
    if isinstance(value, datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.replace(tzinfo=None)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Model):
        return str(value)
    if value is None or isinstance(value, (int, float, str, date)):
        return value
    return str(value)


def build_workbook(rows: Iterable, columns: Sequence[Column], *, sheet_title: str = "导出") -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=sheet_title[:31])
    bold = Font(bold=True)
    header = []
    for title, _ in columns:
        cell = WriteOnlyCell(ws, value=title)
        cell.font = bold
        header.append(cell)
    ws.append(header)
    if hasattr(rows, "iterator"):
        rows = rows.iterator(chunk_size=2000)
    for n, row in enumerate(rows):
        if n >= MAX_ROWS:
            ws.append([f"仅导出前 {MAX_ROWS} 行,请缩小筛选范围后分批导出。"])
            break
        ws.append([_value(row, accessor) for _, accessor in columns])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def export(rows: Iterable, columns: Sequence[Column], *, filename: str, sheet_title: str = "导出") -> HttpResponse:
    """The .xlsx download of ``rows``; ``columns`` are (Chinese header, attribute path or callable)."""
    response = HttpResponse(build_workbook(rows, columns, sheet_title=sheet_title), content_type=XLSX_TYPE)
    name = filename if filename.endswith(".xlsx") else f"{filename}.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
