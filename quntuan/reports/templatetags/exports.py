"""``{% export_link "name" %}``: the "导出 Excel" button of a staff list. The link carries the
page's own query string (filters, queue, month; not the page number) so the workbook holds the
rows of the list as filtered; keyword arguments add parameters (``course=course.pk``)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def export_link(context, name: str, label: str = "", **params):
    request = context.get("request")
    query = request.GET.copy() if request is not None else {}
    if hasattr(query, "pop"):
        query.pop("page", None)
    for key, value in params.items():
        query[key] = value
    items = query.lists() if hasattr(query, "lists") else query.items()
    pairs = [(k, v) for k, values in items for v in (values if isinstance(values, list) else [values])]
    url = reverse("reports:export", args=[name])
    if pairs:
        url = f"{url}?{urlencode(pairs)}"
    return format_html('<a class="btn btn-ghost btn-sm export-link" href="{}" download>{}</a>', url,
                       label or _("导出 Excel"))
