"""Catalogue display helpers: ``{% load catalog_tags %}``.

``{{ org|org_label }}``, ``{{ org|org_tagline }}`` and ``{{ category|category_label }}`` give the
English label of the seeded organizations and categories when the page is in English; stored
names are shown otherwise (and for anything an administrator renamed). ``{{ text|highlight:tokens }}``
marks search tokens with <mark>.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_noop

from quntuan.catalog import data

register = template.Library()


def _english() -> bool:
    return (get_language() or "").startswith("en")


@register.filter
def org_label(org) -> str:
    if org is None:
        return ""
    spec = data.ORGANIZATIONS_BY_CODE.get(getattr(org, "code", ""))
    if _english() and spec and spec["name"] == org.name:
        return spec["name_en"]
    return org.name


@register.filter
def org_tagline(org) -> str:
    spec = data.ORGANIZATIONS_BY_CODE.get(getattr(org, "code", ""))
    if not spec:
        return ""
    return spec["tagline_en"] if _english() else spec["tagline"]


@register.filter
def category_label(category) -> str:
    if category is None:
        return ""
    if _english() and category.code in data.CATEGORY_NAMES_EN:
        return data.CATEGORY_NAMES_EN[category.code]
    return category.name


@register.filter
def highlight(text, tokens) -> str:
    """Escape ``text`` and wrap each occurrence of a token in <mark> (matched on the raw text,
    so a token never cuts through an HTML entity)."""
    text = str(text or "")
    tokens = [str(t) for t in (tokens or []) if t]
    if not tokens:
        return conditional_escape(text)
    pattern = re.compile("|".join(re.escape(t) for t in sorted(tokens, key=len, reverse=True)), re.IGNORECASE)
    out, last = [], 0
    for match in pattern.finditer(text):
        out.append(conditional_escape(text[last:match.start()]))
        out.append(format_html("<mark>{}</mark>", match.group(0)))
        last = match.end()
    out.append(conditional_escape(text[last:]))
    return mark_safe("".join(str(part) for part in out))  # noqa: S308 - every part is escaped above


# The time-limit class labels are model choices; marking them here puts them in the message
# catalogue so ``{% trans service.get_time_limit_class_display %}`` translates them.
TIME_LIMIT_LABELS = [gettext_noop("即办"), gettext_noop("咨询"), gettext_noop("求助"), gettext_noop("投诉维权")]
