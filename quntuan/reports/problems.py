"""A default draft of 存在的问题及下一步打算 from live data, for staff to edit: overdue cases,
organizations with low satisfaction, supervision tasks past their deadline and work plans past
their end date that are not closed."""

from __future__ import annotations

from django.utils import timezone

from quntuan.assessment import queries as aq
from quntuan.assessment.models import Assignment
from quntuan.cases.models import Case
from quntuan.cases.queries import overdue_q
from quntuan.organizations.models import Organization
from quntuan.programs.models import Plan
from quntuan.reports.figures import Period, Scope

LOW_SATISFACTION = 0.9


def _names(items: list[str], limit: int = 3) -> str:
    text = "、".join(items[:limit])
    return text + ("等" if len(items) > limit else "")


def default_problems(scope: Scope, period: Period) -> str:
    today = timezone.localdate()
    org_ids = scope.organization_ids
    names = dict(Organization.objects.filter(pk__in=org_ids).values_list("pk", "name"))
    problems: list[str] = []
    plans_next: list[str] = []
    overdue_cases = Case.objects.filter(overdue_q(today), handling_org_id__in=org_ids).count()
    if overdue_cases:
        problems.append(f"尚有{overdue_cases}件群众诉求超过办理期限未办结")
        plans_next.append("逐件督办超期诉求，限时办结并回访")
    rates = aq.three_rates_by_org(org_ids, period.start, period.until)
    low = [names[pk] for pk, r in rates.items()
           if r["satisfaction_rate"] is not None and r["satisfaction_rate"] < LOW_SATISFACTION and pk in names]
    if low:
        problems.append(f"{_names(low)}{len(low)}个组织的群众满意率低于{LOW_SATISFACTION:.0%}")
        plans_next.append("针对满意率偏低的组织开展回访分析，改进服务方式")
    late = list(Assignment.objects.filter(organization_id__in=org_ids, status=Assignment.Status.IN_PROGRESS,
                                          due_date__lt=today).select_related("item").order_by("due_date"))
    if late:
        titles = list(dict.fromkeys(a.item.title for a in late))
        problems.append(f"{len(late)}项督查任务已过期限未完成（{_names(titles)}）")
        plans_next.append("对逾期督查任务挂牌督办，明确责任人和完成时限")
    behind = list(Plan.objects.filter(organization_id__in=org_ids, status=Plan.Status.PUBLISHED,
                                      end_date__lt=today).values_list("title", flat=True).order_by("end_date"))
    if behind:
        problems.append(f"{len(behind)}项工作计划已到结束日期仍未结项（{_names(behind)}）")
        plans_next.append("推进到期工作计划结项并登记成效")
    if not problems:
        return ("截至目前各项工作总体按计划推进，未发现超期诉求和逾期督查任务。"
                "下一步将继续巩固群团改革成果，提升服务群众的能力和水平。")
    numerals = "一二三四"
    body = "；".join(f"{numerals[i]}是{p}" if len(problems) > 1 else p for i, p in enumerate(problems))
    return f"存在的问题：{body}。下一步打算：{'；'.join(plans_next)}。"
