"""Helpers shared by the case pages."""

from __future__ import annotations

from bisect import bisect_right
from datetime import date

from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from quntuan.cases.models import CaseStatus
from quntuan.cases.policies import case_policy
from quntuan.cases.queries import case_deadline_state
from quntuan.cases.services._common import work_calendar

PAGE_SIZE = 20

FLAG_LABELS = {
    "normal": gettext_lazy("正常"),
    "reminder": gettext_lazy("临期"),
    "yellow": gettext_lazy("黄牌"),
    "red": gettext_lazy("红牌"),
    "done": gettext_lazy("已结束"),
}

# Which session key remembers the cases an anonymous requester submitted from this browser.
SESSION_RECEIPTS = "cases_submitted"
SESSION_VERIFIED_MOBILE = "cases_verified_mobile"


def client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def throttled(request, scope: str, limit: int, seconds: int) -> bool:
    """Count one attempt for this address; True once more than ``limit`` attempts were made
    within the window."""
    key = f"cases:throttle:{scope}:{client_ip(request)}"
    if cache.add(key, 1, seconds):
        return False
    try:
        count = cache.incr(key)
    except ValueError:
        cache.set(key, 1, seconds)
        return False
    return count > limit


def visible_case(user, tracking_no: str):
    """The case if the policy lets this user see it, else 404 (no hint whether it exists)."""
    case = (
        case_policy.visible(user)
        .select_related("service", "category", "first_inquirer", "first_inquirer_org", "handling_org",
                        "handler", "transfer_to_org", "community", "workstation", "district")
        .filter(tracking_no=tracking_no)
        .first()
    )
    if case is None:
        raise Http404(_("未找到该诉求,或您无权查看。"))
    return case


def confirm_informed_needed(user, case) -> bool:
    """The first inquirer must confirm the requester was told once the case left their
    organization (transferred to another one, or out to a government department)."""
    return (
        case.requester_informed_at is None
        and (case.handling_org_id != case.first_inquirer_org_id or case.status == CaseStatus.TRANSFERRED_OUT)
        and case_policy.can_confirm_informed(user, case)
    )


def local_today() -> date:
    return timezone.localdate()


class WorkdayCounter:
    """``cal.count_workdays`` in closed form: the weekdays of the range by arithmetic, then the
    calendar's exceptions in it (holidays on weekdays, make-up working days at weekends) by
    bisection, so a case months overdue costs the same as one due tomorrow."""

    def __init__(self, cal):
        self.cal = cal
        self.extra = sorted(d for d in cal.workdays if d.weekday() >= 5)
        self.missing = sorted(d for d in cal.holidays if d.weekday() < 5 and d not in cal.workdays)

    @staticmethod
    def _weekdays(start: date, end: date) -> int:
        """Monday to Friday in (start, end]."""
        days = (end - start).days
        weeks, rest = divmod(days, 7)
        first = (start.weekday() + 1) % 7  # weekday of start + 1 day
        return weeks * 5 + sum(1 for i in range(rest) if (first + i) % 7 < 5)

    def count(self, start: date, end: date) -> int:
        """Working days in the half-open range (start, end], as ``WorkCalendar.count_workdays``."""
        if end <= start:
            return 0

        def within(days):
            return bisect_right(days, end) - bisect_right(days, start)

        return self._weekdays(start, end) + within(self.extra) - within(self.missing)


def countdown(case, today: date, cal) -> str:
    """How much time is left, in working days, as a short Chinese phrase."""
    if not case.is_open:
        return _("已结束")
    if case.status == CaseStatus.AWAITING_MATERIAL:
        return _("计时暂停")
    count = cal.count if isinstance(cal, WorkdayCounter) else cal.count_workdays
    if case.due_date > today:
        n = count(today, case.due_date)
        return _("剩 %(n)s 个工作日") % {"n": n}
    if case.due_date == today:
        return _("今日到期")
    n = max(1, count(case.due_date, today))
    return _("逾期 %(n)s 个工作日") % {"n": n}


def decorate_rows(cases, today: date | None = None):
    """Add ``flag``, ``flag_label`` and ``countdown`` to each case for the lists."""
    today = today or local_today()
    cal = WorkdayCounter(work_calendar(today))  # cached per process, see services/_common.py
    rows = list(cases)
    # One reverse() for the whole list: tracking numbers are URL-safe (QT-YYYYMMDD-NNNNNN).
    url = reverse("cases:detail", args=["QT-00000000-000000"]).replace("QT-00000000-000000", "{}")
    for c in rows:
        c.url = url.format(c.tracking_no)
        c.flag = case_deadline_state(c, today)
        c.flag_label = FLAG_LABELS.get(c.flag, c.flag)
        c.countdown = countdown(c, today, cal)
    return rows


class CappedPaginator(Paginator):
    """Counts at most ``cap`` rows (and always past the page asked for), so a queue of tens of
    thousands of open cases is not counted on every view: below the cap the count is exact;
    above it ``capped`` is set and the page count reads "50+"."""

    def __init__(self, object_list, per_page, *, cap: int):
        super().__init__(object_list, per_page)
        self.cap = cap
        self.capped = False

    @cached_property
    def count(self):
        n = self.object_list.order_by()[: self.cap + 1].count()
        self.capped = n > self.cap
        return n

    @property
    def num_pages_label(self) -> str:
        pages = self.num_pages
        return f"{self.cap // self.per_page}+" if self.capped else str(pages)


COUNT_CAP = 1000


def paginate_capped(request, queryset, per_page: int = PAGE_SIZE, cap: int | None = None):
    """Like ``paginate``, for the big work queues: counts up to ``cap`` rows (COUNT_CAP), or up
    to the page asked for when it lies further."""
    raw = request.GET.get("page")
    wanted = int(raw) if raw and raw.isdigit() else 1
    cap = max(cap or COUNT_CAP, wanted * per_page)
    return CappedPaginator(queryset, per_page, cap=cap).get_page(raw)


def paginate(request, queryset, per_page: int = PAGE_SIZE):
    paginator = Paginator(queryset, per_page)
    page = paginator.get_page(request.GET.get("page"))
    return page
