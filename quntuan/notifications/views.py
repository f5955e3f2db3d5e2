"""The inbox: list, unread count, mark read (htmx swaps the item and the counter)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from quntuan.core.exceptions import ApplicationError
from quntuan.notifications import services
from quntuan.notifications.policies import notification_policy

PER_PAGE = 20


@login_required
@require_GET
def inbox(request):
    qs = notification_policy.visible(request.user).select_related("case")
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs.order_by("-created_at", "-pk"), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "notifications/pages/inbox.html", {
        "page": page,
        "only_unread": only_unread,
        "unread_count": notification_policy.unread_count(request.user),
    })


@login_required
@require_POST
def mark_read(request, pk: int):
    try:
        notification = services.notification_mark_read(user=request.user, notification_id=pk)
    except ApplicationError as exc:
        if request.htmx:
            return render(request, "notifications/partials/error.html", {"message": exc.message},
                          status=exc.status_code)
        return render(request, "notifications/pages/error.html", {"message": exc.message},
                      status=exc.status_code)
    if request.htmx:
        return render(request, "notifications/partials/item_read.html", {
            "n": notification, "unread_count": notification_policy.unread_count(request.user),
        })
    return redirect(request.POST.get("next") or "notifications:inbox")


@login_required
@require_POST
def mark_all_read(request):
    services.notification_mark_all_read(user=request.user)
    return redirect("notifications:inbox")
