"""Pure rules for volunteers and training: star levels, masking, hours checks, completion.
No database here."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from django.utils.translation import gettext

from quntuan.volunteers.models import DEFAULT_STAR_HOURS

STAR_NAMES = ["", "一星", "二星", "三星", "四星", "五星"]
ID18_RE = re.compile(r"^\d{17}[\dX]$")
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
ID_CHECK = "10X98765432"


def star_level(minutes: int, star_hours: Sequence[int] = DEFAULT_STAR_HOURS) -> int:
    """Star level (0–5) for cumulative confirmed minutes; a level is reached at exactly its hours."""
    hours_reached = max(0, int(minutes)) // 60
    return sum(1 for threshold in star_hours if hours_reached >= threshold)


def star_name(level: int) -> str:
    return STAR_NAMES[level] + "志愿者" if level else "志愿者"


def next_star(minutes: int, star_hours: Sequence[int] = DEFAULT_STAR_HOURS) -> tuple[int, int] | None:
    """(next level, minutes still needed) or None at the top level."""
    level = star_level(minutes, star_hours)
    if level >= len(star_hours):
        return None
    return level + 1, star_hours[level] * 60 - max(0, int(minutes))


def hours_text(minutes: int) -> str:
    """"12 小时 30 分钟" style; "0 小时" for nothing."""
    minutes = max(0, int(minutes or 0))
    hours, rest = divmod(minutes, 60)
    if rest and hours:
        return f"{hours} 小时 {rest} 分钟"
    if rest:
        return f"{rest} 分钟"
    return f"{hours} 小时"


def mask_id_number(value: str) -> str:
    """Keep the first 3 and last 4 characters: 110***********1234."""
    value = (value or "").strip()
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def normalise_id_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def resident_id_valid(value: str) -> bool:
    """An 18-character 居民身份证 number with a correct check character (GB 11643)."""
    if not ID18_RE.match(value or ""):
        return False
    total = sum(int(d) * w for d, w in zip(value[:17], ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11] == value[17]


def hours_report_problem(*, minutes: int, shift_start: datetime, shift_end: datetime, now: datetime) -> str | None:
    """Why a volunteer may not report ``minutes`` for a shift now (None if they may), in the
    active language."""
    if now < shift_end:
        if now < shift_start:
            return gettext("班次尚未开始,不能填报未来的服务时长。")
        return gettext("班次结束后才能填报服务时长。")
    if minutes <= 0:
        return gettext("服务时长必须大于 0 分钟。")
    length = int((shift_end - shift_start).total_seconds() // 60)
    if minutes > length:
        return gettext("服务时长不能超过班次时长(%(n)s 分钟)。") % {"n": length}
    return None


def completion_needed(total_sessions: int, percent: int) -> int:
    """Sessions a trainee must attend to complete: ceil(total × percent / 100)."""
    return -(-total_sessions * percent // 100)


def is_complete(attended: int, total_sessions: int, percent: int) -> bool:
    return total_sessions > 0 and attended >= completion_needed(total_sessions, percent)
