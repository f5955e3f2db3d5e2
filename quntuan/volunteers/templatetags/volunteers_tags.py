"""Volunteer figures for pages, in the visitor's language: ``{% load volunteers_tags %}``.

``{{ minutes|duration }}`` is “12 小时 30 分钟” / “12 h 30 min”; ``{{ level|star_name }}`` is
“一星志愿者” / “1-star volunteer”. The Chinese texts are those of ``volunteers.rules``, which
documents and stored notices keep using (they are always in Chinese)."""

from django import template
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

register = template.Library()

STAR_NAMES = ("", gettext_noop("一星志愿者"), gettext_noop("二星志愿者"), gettext_noop("三星志愿者"),
              gettext_noop("四星志愿者"), gettext_noop("五星志愿者"))


@register.filter
def duration(minutes) -> str:
    try:
        minutes = max(0, int(minutes or 0))
    except (TypeError, ValueError):
        return ""
    hours, rest = divmod(minutes, 60)
    if rest and hours:
        return _("%(h)s 小时 %(m)s 分钟") % {"h": hours, "m": rest}
    if rest:
        return _("%(m)s 分钟") % {"m": rest}
    return _("%(h)s 小时") % {"h": hours}


@register.filter
def star_name(level) -> str:
    try:
        level = int(level or 0)
    except (TypeError, ValueError):
        level = 0
    return _(STAR_NAMES[level]) if 0 < level < len(STAR_NAMES) else _("志愿者")
