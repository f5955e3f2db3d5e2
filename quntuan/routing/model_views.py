"""The routing model versions page: the district supervisor and the platform administrator see
each trained version (held-out score, examples, whether active) and roll back to an older one."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from quntuan.accounts.decorators import staff_required
from quntuan.core.exceptions import ApplicationError
from quntuan.routing.models import RoutingLabel, RoutingModel
from quntuan.routing.policies import can_manage_models
from quntuan.routing.services import routing_activate, routing_label_counts


def _check(request) -> None:
    if not can_manage_models(request.user):
        raise PermissionDenied(_("只有区督查人员或平台管理员可以管理分派模型。"))


@staff_required
@require_GET
def models_page(request):
    _check(request)
    rows = RoutingModel.objects.defer("payload").order_by("-version")[:50]
    counts = routing_label_counts()
    labels = [(RoutingLabel.Source(source).label, n) for source, n in counts.items()]
    accepted = counts[RoutingLabel.Source.ACCEPTED]
    shown = accepted + counts[RoutingLabel.Source.OVERRIDDEN]
    return render(request, "routing/pages/models.html", {
        "rows": rows, "n_labels": sum(counts.values()), "labels": labels,
        "accept_pct": round(100 * accepted / shown) if shown else None,
    })


@staff_required
@require_POST
def models_activate(request, version: int):
    _check(request)
    try:
        row = routing_activate(actor=request.user, version=version)
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("已启用分派模型 v%(v)s。") % {"v": row.version})
    return redirect("routing:models")
