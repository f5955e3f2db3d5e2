"""Who may see which cases and do what to them.

``case_policy.visible(user)`` is the queryset of cases a user may see; the ``can_*`` methods
answer "may this user do X to this case?". Views, API endpoints and services ask the policy.
"""

from __future__ import annotations

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from quntuan.accounts.models import Role
from quntuan.cases.models import OPEN_STATUSES, Case, CaseStatus, CoHandling
from quntuan.core.policies import BasePolicy, compiled_for_user
from quntuan.core.text import mask_mobile
from quntuan.organizations.models import Membership, Region

REGION_ROLES = {Role.SUPERVISOR, Role.AUDITOR}


def _authenticated(user) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def user_memberships(user) -> QuerySet[Membership]:
    if not _authenticated(user):
        return Membership.objects.none()
    return Membership.objects.filter(user=user, organization__is_active=True)


def user_org_ids(user) -> set[int]:
    return set(user_memberships(user).values_list("organization_id", flat=True))


def user_leader_org_ids(user) -> set[int]:
    return set(
        user_memberships(user).filter(role=Membership.Role.LEADER).values_list("organization_id", flat=True)
    )


def is_member(user, organization_id: int | None) -> bool:
    return organization_id is not None and user_memberships(user).filter(organization_id=organization_id).exists()


def is_leader(user, organization_id: int | None) -> bool:
    return (
        organization_id is not None
        and user_memberships(user).filter(organization_id=organization_id, role=Membership.Role.LEADER).exists()
    )


def is_platform_admin(user) -> bool:
    return _authenticated(user) and (user.is_superuser or user.role == Role.PLATFORM_ADMIN)


def region_district_q(region: Region, prefix: str = "district") -> Q:
    """Cases (or rows) in ``region``: a district itself, or every district under a city."""
    if region.level == Region.Level.CITY:
        return Q(**{f"{prefix}__parent": region})
    if region.level == Region.Level.DISTRICT:
        return Q(**{prefix: region})
    # A street or community user looks after its district's cases only through an organization.
    return Q(pk__in=[])


class CasePolicy(BasePolicy):
    model = Case

    # --- which rows -----------------------------------------------------------------------
    def visible(self, user) -> QuerySet[Case]:
        if not _authenticated(user):
            return Case.objects.none()
        if is_platform_admin(user):
            return Case.objects.all()
        if user.role in REGION_ROLES:
            if user.region_id is None:
                return Case.objects.none()
            return Case.objects.filter(region_district_q(user.region))
        if user.role == Role.RESIDENT:
            return Case.objects.filter(requester=user)
        return Case.objects.filter(self.staff_q(user))

    def staff_q(self, user) -> Q:
        """Cases an organization's staff member may see: those their organizations handle,
        co-handle, first-inquired or are asked to take over, within those organizations'
        districts; and the cases they are personally first inquirer or handler of."""
        memberships = list(user_memberships(user).values_list("organization_id", "organization__district_id"))
        personal = Q(first_inquirer=user) | Q(handler=user)
        if not memberships:
            return personal
        org_ids = sorted({org for org, _ in memberships})
        district_ids = sorted({d for _, d in memberships})
        cohandled = Exists(CoHandling.objects.filter(case=OuterRef("pk"), organization_id__in=org_ids))
        by_org = (
            Q(handling_org_id__in=org_ids)
            | Q(first_inquirer_org_id__in=org_ids)
            | Q(status=CaseStatus.TRANSFERRING, transfer_to_org_id__in=org_ids)
            | Q(cohandled)
        )
        return personal | (Q(district_id__in=district_ids) & by_org)

    # --- may do X -----------------------------------------------------------------------------
    def can_view(self, user, case: Case) -> bool:
        if not _authenticated(user):
            return False
        if user.role == Role.RESIDENT:
            return case.requester_id == user.pk
        return self.visible(user).filter(pk=case.pk).exists()

    def can_handle(self, user, case: Case) -> bool:
        """Work on the case: a member of the organization that currently handles it."""
        return _authenticated(user) and case.is_open and is_member(user, case.handling_org_id)

    def can_transfer(self, user, case: Case) -> bool:
        return case.status in (CaseStatus.PENDING, CaseStatus.IN_PROGRESS) and self.can_handle(user, case)

    def can_accept_transfer(self, user, case: Case) -> bool:
        return (
            _authenticated(user)
            and case.status == CaseStatus.TRANSFERRING
            and is_member(user, case.transfer_to_org_id)
        )

    def can_confirm_informed(self, user, case: Case) -> bool:
        return _authenticated(user) and case.first_inquirer_id == user.pk

    def can_decide_extension(self, user, case: Case) -> bool:
        return _authenticated(user) and case.is_open and is_leader(user, case.handling_org_id)

    def can_rate(self, user, case: Case) -> bool:
        return (
            _authenticated(user)
            and case.requester_id is not None
            and case.requester_id == user.pk
            and case.status == CaseStatus.CLOSED
        )

    def can_merge(self, user, case: Case) -> bool:
        """Merge a repeat report (either side of the merge): the case's first inquirer, or a
        member of the organization that handles it."""
        return (
            _authenticated(user)
            and user.role != Role.RESIDENT
            and (case.first_inquirer_id == user.pk or is_member(user, case.handling_org_id))
        )

    def can_see_duplicates(self, user, case: Case) -> bool:
        """The likely-duplicates panel: whoever may merge the case while it is open."""
        return case.status in OPEN_STATUSES and case.merged_into_id is None and self.can_merge(user, case)

    def can_add_note(self, user, case: Case) -> bool:
        """Internal notes: staff who may see the case (not residents)."""
        return _authenticated(user) and user.role != Role.RESIDENT and self.can_view(user, case)

    def can_cohandle(self, user, cohandling: CoHandling) -> bool:
        return _authenticated(user) and is_member(user, cohandling.organization_id)

    def can_followup(self, user, case: Case) -> bool:
        return _authenticated(user) and (
            is_member(user, case.handling_org_id) or is_member(user, case.first_inquirer_org_id)
        )

    def can_supply_material(self, user, case: Case) -> bool:
        if not _authenticated(user) or case.status != CaseStatus.AWAITING_MATERIAL:
            return False
        return case.requester_id == user.pk or is_member(user, case.handling_org_id)

    def can_add_attachment(self, user, case: Case) -> bool:
        if not _authenticated(user) or not case.is_open:
            return False
        return (
            case.requester_id == user.pk
            or case.first_inquirer_id == user.pk
            or is_member(user, case.handling_org_id)
        )

    def can_see_full_mobile(self, user, case: Case) -> bool:
        """The requester's own number, the handling organization and the first inquirer see it
        whole; everyone else (co-handlers, supervisors, administrators) sees it masked."""
        if not _authenticated(user):
            return False
        if case.requester_id == user.pk or case.first_inquirer_id == user.pk or case.handler_id == user.pk:
            return True
        return is_member(user, case.handling_org_id)

    def requester_mobile_for(self, user, case: Case) -> str:
        if self.can_see_full_mobile(user, case):
            return case.requester_mobile
        return mask_mobile(case.requester_mobile)


case_policy = CasePolicy()


def visible_where(user, generation: int) -> tuple[str, tuple] | None:
    """The condition of ``case_policy.visible(user)`` as SQL on the cases table by its own name
    (``"cases_case"``) and its parameters: ``("", ())`` when every case is visible, None when none
    is. A policy that joins another table (a city's districts) comes as ``"cases_case"."id" IN
    (its statement)``. Compiled once per user within ``generation`` (``compiled_for_user``)."""

    def compile_sql():
        query = case_policy.visible(user).order_by().values_list("id").query
        if query.is_empty():
            return None
        table = Case._meta.db_table
        if any(alias != table and count for alias, count in query.alias_refcount.items()):
            sql, params = query.sql_with_params()
            return f'"{table}"."id" IN ({sql})', tuple(params)
        try:
            sql, params = query.get_compiler(connection=connection).compile(query.where)
        except EmptyResultSet:
            return None
        except FullResultSet:
            return "", ()
        return sql, tuple(params)

    return compiled_for_user("cases:visible", user, generation, compile_sql)


__all__ = [
    "OPEN_STATUSES",
    "CasePolicy",
    "case_policy",
    "is_leader",
    "is_member",
    "user_leader_org_ids",
    "user_org_ids",
    "visible_where",
]

