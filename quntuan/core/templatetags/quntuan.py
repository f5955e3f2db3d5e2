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
"""

from __future__ import annotations

from datetime import date, datetime

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

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
