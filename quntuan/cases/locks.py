"""Row locks for the cases app, in one place (Saleor's ``lock_objects`` habit).

Every state change locks the case row first, then re-reads its state from the locked row, so two
staff acting at once see each other's result instead of overwriting it."""

from __future__ import annotations

from quntuan.cases.models import Case, CoHandling, ExtensionRequest, FollowUp


def lock_case(case: Case | int) -> Case:
    pk = case.pk if isinstance(case, Case) else case
    return Case.objects.select_for_update().get(pk=pk)


def lock_cohandling(cohandling: CoHandling | int) -> CoHandling:
    pk = cohandling.pk if isinstance(cohandling, CoHandling) else cohandling
    return CoHandling.objects.select_for_update().get(pk=pk)


def lock_followup(followup: FollowUp | int) -> FollowUp:
    pk = followup.pk if isinstance(followup, FollowUp) else followup
    return FollowUp.objects.select_for_update().get(pk=pk)


def lock_extension(case: Case) -> ExtensionRequest | None:
    return ExtensionRequest.objects.select_for_update().filter(case=case).first()
