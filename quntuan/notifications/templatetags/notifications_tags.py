"""{% load notifications_tags %}{% inbox_unread_count as n %} — for the page header."""

from django import template

from quntuan.notifications.policies import notification_policy

register = template.Library()


@register.simple_tag(takes_context=True)
def inbox_unread_count(context) -> int:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    return notification_policy.unread_count(user)
