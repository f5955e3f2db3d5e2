"""Turning request parameters (district, org, street, start, end) into a checked ``Scope``."""

from __future__ import annotations

from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _

from quntuan.assessment.charts import Scope
from quntuan.assessment.policies import assessment_policy
from quntuan.core.exceptions import ApplicationError, NotFound, PermissionDenied
from quntuan.organizations.models import Region

MAX_RANGE_DAYS = 3 * 366
MIN_YEAR, MAX_YEAR = 2000, 2100


def check_year(year: int | None) -> int | None:
    """A year the platform works with (2000–2100); anything else is bad input, not a 500."""
    if year is not None and not MIN_YEAR <= year <= MAX_YEAR:
        raise ApplicationError(_("年度应在 %(lo)s 至 %(hi)s 之间。") % {"lo": MIN_YEAR, "hi": MAX_YEAR},
                               code="invalid_year")
    return year


def parse_month(value: str | None, default: date) -> date:
    """'2026-03' → date(2026, 3, 1); the year must lie within 2000–2100."""
    if not value:
        return default.replace(day=1)
    try:
        first = date.fromisoformat(f"{value}-01")
    except ValueError as exc:
        raise ApplicationError(_("月份无效(格式:2026-03)。"), code="invalid_month") from exc
    check_year(first.year)
    return first


def parse_date(value: str | None, default: date, label: str) -> date:
    if not value:
        return default
    try:
        day = date.fromisoformat(str(value))
    except ValueError as exc:
        raise ApplicationError(_("%(label)s不是有效的日期(格式:2026-01-31)。") % {"label": label},
                               code="invalid_date") from exc
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ApplicationError(_("%(label)s的年份应在 %(lo)s 至 %(hi)s 之间。")
                               % {"label": label, "lo": MIN_YEAR, "hi": MAX_YEAR}, code="invalid_date")
    return day


def parse_int(value, label: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise ApplicationError(_("%(label)s无效。") % {"label": label}) from exc


def scope_from_params(user, params) -> Scope:
    """District-wide viewers (supervisor, auditor, administrator) pick any district they look
    after, and optionally one organization or street; organization staff see their own
    organization only."""
    today = timezone.localdate()
    start = parse_date(params.get("start"), date(today.year, 1, 1), _("开始日期"))
    end = parse_date(params.get("end"), today, _("结束日期"))
    if end < start:
        raise ApplicationError(_("结束日期不能早于开始日期。"), code="invalid_range")
    if (end - start).days > MAX_RANGE_DAYS:
        raise ApplicationError(_("时间范围不能超过三年。"), code="invalid_range")
    districts = assessment_policy.visible_districts(user)
    district_id = parse_int(params.get("district"), _("区"))
    district = (districts.filter(pk=district_id).first() if district_id else districts.order_by("code").first())
    if district is None:
        raise NotFound(_("没有可查看的区。"))
    org_id = parse_int(params.get("org"), _("组织"))
    street_id = parse_int(params.get("street"), _("街道"))
    whole = assessment_policy.sees_whole_district(user, district)
    organization = None
    if org_id is not None:
        organization = assessment_policy.visible_orgs(user).filter(pk=org_id, district=district).first()
        if organization is None:
            raise NotFound(_("未找到该组织,或您无权查看。"))
    elif not whole:
        organization = assessment_policy.visible_orgs(user).filter(district=district).order_by("id").first()
        if organization is None:
            raise PermissionDenied(_("您无权查看该区的数据。"))
    street = None
    if street_id is not None:
        if not whole:
            raise PermissionDenied(_("只有区督查和审计人员可以按街道查看。"))
        street = Region.objects.filter(pk=street_id, district=district, level=Region.Level.STREET).first()
        if street is None:
            raise NotFound(_("未找到该街道。"))
    return Scope(district=district, start=start, end=end, organization=organization, street=street)
