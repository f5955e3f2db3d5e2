"""The requester's own list of cases."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from quntuan.cases.policies import case_policy
from quntuan.cases.views.common import decorate_rows, paginate


@require_GET
@login_required
def mine(request):
    user = request.user
    if user.is_staff_member:
        return redirect("cases:workbench")
    cases = (
        case_policy.visible(user)
        .filter(requester=user)
        .select_related("handling_org", "service")
        .annotate(n_ratings=Count("ratings"))
        .order_by("-received_at", "-id")
    )
    page = paginate(request, cases)
    page.object_list = decorate_rows(page.object_list)
    return render(request, "cases/pages/mine.html", {"page": page, "cases": page.object_list})
