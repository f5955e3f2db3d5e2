"""Template helpers shared by every page: ``{% load quntuan %}``.

- ``{% safe_url "cases:mine" "/cases/mine/" %}`` reverses a URL name and falls back to the given
  path when the name is not (yet) registered, so the layout never crashes on a missing page.
- ``{% url_or_none "activities:calendar" as u %}{% if u %}…{% endif %}`` shows a link only when
  the page exists.
- ``{% nav_active "/cases/" %}`` gives ``is-active`` when the current path starts with the prefix.
- ``{{ due|countdown }}`` says how long until (or since) a date or datetime, in calendar days or
  hours, in Chinese (translatable).
- ``{{ due|due_display }}`` formats a date or a local datetime.
- ``{{ text|lines }}`` splits a multi-line text field into a list of non-empty lines.
- ``{{ when|ldate:"month_day_time" }}`` formats a date or datetime for the active language
  (2026年11月23日 in Chinese, Nov 23, 2026 in English); the kinds are the keys of
  ``DATE_FORMATS``. ``{{ 0|weekday_name }}`` is 周一 / Mon (Monday is 0); ``{{ 3|month_name }}``
  is 3 月 / March.
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag
def safe_url(name: str, fallback: str, *args) -> str:
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return fallback


@register.simple_tag
def url_or_none(name: str, *args) -> str:
    """The URL of ``name`` or "" when no such page exists (yet): ``{% url_or_none "x:y" as u %}``."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return ""


@register.simple_tag(takes_context=True)
def nav_active(context, prefix: str, exact: bool = False) -> str:
    request = context.get("request")
    if request is None:
        return ""
    path = request.path
    if exact:
        return "is-active" if path == prefix else ""
    return "is-active" if path.startswith(prefix) else ""


@register.filter
def countdown(value, now=None) -> str:
    """'还剩 3 天' / '今天到期' / '已超期 2 天'; for datetimes under a day, hours."""
    if not value:
        return ""
    now = now or timezone.now()
    if isinstance(value, datetime):
        if timezone.is_naive(value):
            value = timezone.make_aware(value)
        seconds = (value - now).total_seconds()
        hours = int(abs(seconds) // 3600)
        if abs(seconds) < 86400:
            if seconds >= 0:
                return ngettext("还剩 %(n)d 小时", "还剩 %(n)d 小时", hours) % {"n": hours} if hours else _("即将到期")
            return ngettext("已超期 %(n)d 小时", "已超期 %(n)d 小时", max(hours, 1)) % {"n": max(hours, 1)}
        value = timezone.localtime(value).date()
    if isinstance(value, date):
        days = (value - timezone.localdate(now)).days
        if days == 0:
            return _("今天到期")
        if days > 0:
            return ngettext("还剩 %(n)d 天", "还剩 %(n)d 天", days) % {"n": days}
        return ngettext("已超期 %(n)d 天", "已超期 %(n)d 天", -days) % {"n": -days}
    return ""


@register.filter
def due_display(value) -> str:
    """A date as 2026-11-23; a datetime in local time as 2026-11-23 17:30."""
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if timezone.is_aware(value) else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    return "" if value is None else str(value)


@register.filter
def lines(value) -> list[str]:
    return [line.strip() for line in str(value or "").splitlines() if line.strip()]


# Date formats per language, by kind (Django ``date`` format characters). Chinese dates carry
# 年/月/日; English ones use the month's short name ("M", translated by Django), 24-hour times.
DATE_FORMATS = {
    "zh-hans": {
        "date": "Y年n月j日", "date_weekday": "Y年n月j日 D", "datetime": "Y年n月j日 H:i",
        "month_day": "n月j日", "month_day_weekday": "n月j日 D", "month_day_time": "n月j日 H:i",
        "year_month": "Y年n月",
    },
    "en": {
        "date": "M j, Y", "date_weekday": "D, M j, Y", "datetime": "M j, Y H:i",
        "month_day": "M j", "month_day_weekday": "D, M j", "month_day_time": "M j, H:i",
        "year_month": "F Y",
    },
}
_WEEKDAYS_ZH = "一二三四五六日"


def _formats() -> dict[str, str]:
    language = (get_language() or "zh-hans").lower()
    return DATE_FORMATS["en"] if language.startswith("en") else DATE_FORMATS["zh-hans"]


@register.filter(expects_localtime=True, is_safe=False)
def ldate(value, kind: str = "date") -> str:
    """``value`` in the active language's format of ``kind`` ("" for no value)."""
    if value in (None, ""):
        return ""
    formats = _formats()
    return date_filter(value, formats.get(kind, formats["date"]))


@register.filter
def weekday_name(value) -> str:
    """Monday = 0 … Sunday = 6 (or a date) → 周一 … 周日 in Chinese, Mon … Sun in English."""
    index = value.weekday() if isinstance(value, date) else int(value)
    if _formats() is DATE_FORMATS["en"]:
        return date_filter(date(2024, 1, 1 + index), "D")  # 2024-01-01 was a Monday
    return "周" + _WEEKDAYS_ZH[index]


@register.filter
def month_name(value) -> str:
    """1 … 12 → “1 月” … “12 月” in Chinese, January … December in English."""
    number = int(value)
    if _formats() is DATE_FORMATS["en"]:
        return date_filter(date(2024, number, 1), "F")
    return f"{number} 月"
