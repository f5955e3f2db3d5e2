from django import template

from quntuan.activities.models import AudienceGroup

register = template.Library()
_LABELS = dict(AudienceGroup.choices)


@register.filter
def group_label(code: str) -> str:
    return _LABELS.get(code, code)


@register.filter
def percent(value) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}%"
