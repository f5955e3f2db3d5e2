"""Ledgers (台账), supervision items (督查事项) and the yearly assessment (年度考核).

Ledgers: posts with authorized staffing (编制) and leadership positions (职数), cadres who are
full-time, part-time or seconded (专兼挂) with their periods, yearly budgets (专项经费), office
space, media reports and cadre trainings. Workstation coverage is not stored: it is counted
from organizations.Workstation against the communities (see queries.coverage_by_street).

Supervision: an item created by the district supervisor, assigned to organizations with a due
date; each assignment gets monthly progress reports with evidence.

Assessment: indicators with weights for one district and year, computed from platform data or
scored by hand; veto flags set an organization's total to fail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quntuan.core.models import TimeStampedModel

# --- ledgers -------------------------------------------------------------------------------------


class Post(TimeStampedModel):
    """A post line of an organization's staffing ledger: how many places are authorized and filled."""

    class Kind(models.TextChoices):
        ESTABLISHED = "established", _("编制")
        LEADERSHIP = "leadership", _("领导职数")

    organization = models.ForeignKey("organizations.Organization", verbose_name="组织", on_delete=models.CASCADE,
                                     related_name="posts")
    name = models.CharField("岗位", max_length=64)
    kind = models.CharField("类别", max_length=12, choices=Kind.choices, default=Kind.ESTABLISHED)
    authorized = models.PositiveSmallIntegerField("核定数", default=0)
    filled = models.PositiveSmallIntegerField("实有数", default=0)

    class Meta:
        verbose_name = "岗位编制"
        verbose_name_plural = "岗位编制"
        ordering = ["organization_id", "kind", "id"]

    def __str__(self):
        return f"{self.organization} {self.name}"


class Cadre(TimeStampedModel):
    """专职、兼职、挂职干部 with the period they serve."""

    class Kind(models.TextChoices):
        FULL_TIME = "full_time", _("专职")
        PART_TIME = "part_time", _("兼职")
        SECONDED = "seconded", _("挂职")

    organization = models.ForeignKey("organizations.Organization", verbose_name="组织", on_delete=models.CASCADE,
                                     related_name="cadres")
    name = models.CharField("姓名", max_length=64)
    kind = models.CharField("类别", max_length=12, choices=Kind.choices)
    position = models.CharField("职务", max_length=64, blank=True)
    from_unit = models.CharField("原单位", max_length=100, blank=True)
    start = models.DateField("起始日期")
    end = models.DateField("截止日期", null=True, blank=True)

    class Meta:
        verbose_name = "专兼挂干部"
        verbose_name_plural = "专兼挂干部"
        ordering = ["organization_id", "kind", "start", "id"]
        constraints = [models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                                              name="cadre_period_order")]

    def __str__(self):
        return f"{self.name}({self.get_kind_display()})"


class Budget(TimeStampedModel):
    """专项经费 of one organization for one year, in yuan."""

    organization = models.ForeignKey("organizations.Organization", verbose_name="组织", on_delete=models.CASCADE,
                                     related_name="budgets")
    year = models.PositiveSmallIntegerField("年度")
    amount = models.DecimalField("金额(元)", max_digits=14, decimal_places=2)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "专项经费"
        verbose_name_plural = "专项经费"
        ordering = ["organization_id", "year"]
        constraints = [models.UniqueConstraint(fields=["organization", "year"], name="budget_org_year"),
                       models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_nonnegative")]

    def __str__(self):
        return f"{self.organization} {self.year} 年专项经费"


class OfficeSpace(TimeStampedModel):
    organization = models.ForeignKey("organizations.Organization", verbose_name="组织", on_delete=models.CASCADE,
                                     related_name="office_spaces")
    address = models.CharField("地址", max_length=128)
    area = models.DecimalField("面积(平方米)", max_digits=8, decimal_places=1)
    rooms = models.PositiveSmallIntegerField("房间数", default=1)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = "办公场所"
        verbose_name_plural = "办公场所"
        ordering = ["organization_id", "id"]

    def __str__(self):
        return f"{self.organization} {self.address}"


class MediaReport(TimeStampedModel):
    class Level(models.TextChoices):
        CITY = "city", _("市级")
        PROVINCIAL = "provincial", _("省级")
        NATIONAL = "national", _("国家级")

    district = models.ForeignKey("organizations.Region", verbose_name="所属区", on_delete=models.PROTECT,
                                 related_name="+")
    organization = models.ForeignKey("organizations.Organization", verbose_name="组织", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="media_reports")
    title = models.CharField("标题", max_length=200)
    outlet = models.CharField("媒体", max_length=100)
    published_on = models.DateField("刊发日期")
    level = models.CharField("级别", max_length=12, choices=Level.choices)
    link = models.URLField("链接", max_length=500, blank=True)

    class Meta:
        verbose_name = "媒体报道"
        verbose_name_plural = "媒体报道"
        ordering = ["-published_on", "-id"]
        indexes = [models.Index(fields=["district", "published_on"])]

    def __str__(self):
        return self.title


class CadreTraining(TimeStampedModel):
    """A training of cadres (干部培训) with its trainee count."""

    district = models.ForeignKey("organizations.Region", verbose_name="所属区", on_delete=models.PROTECT,
                                 related_name="+")
    organization = models.ForeignKey("organizations.Organization", verbose_name="组织", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="cadre_trainings")
    title = models.CharField("培训名称", max_length=200)
    start = models.DateField("开始日期")
    days = models.PositiveSmallIntegerField("天数", default=1)
    trainees = models.PositiveIntegerField("参训人数")

    class Meta:
        verbose_name = "干部培训"
        verbose_name_plural = "干部培训"
        ordering = ["-start", "-id"]
        indexes = [models.Index(fields=["district", "start"])]

    def __str__(self):
        return self.title


# --- supervision ---------------------------------------------------------------------------------


class SupervisionItem(TimeStampedModel):
    """督查事项: created by the district supervisor."""

    district = models.ForeignKey("organizations.Region", verbose_name="所属区", on_delete=models.PROTECT,
                                 related_name="+")
    title = models.CharField("事项", max_length=200)
    description = models.TextField("要求", blank=True)
    is_key = models.BooleanField("重点任务", default=False, help_text="未按期完成的重点任务在年度考核中一票否决")
    due_date = models.DateField("完成时限")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = "督查事项"
        verbose_name_plural = "督查事项"
        ordering = ["due_date", "id"]

    def __str__(self):
        return self.title


class Assignment(TimeStampedModel):
    """One organization's part of a supervision item."""

    class Status(models.TextChoices):
        IN_PROGRESS = "in_progress", _("推进中")
        DONE = "done", _("已完成")

    item = models.ForeignKey(SupervisionItem, on_delete=models.CASCADE, related_name="assignments")
    organization = models.ForeignKey("organizations.Organization", verbose_name="责任单位", on_delete=models.PROTECT,
                                     related_name="supervision_assignments")
    due_date = models.DateField("完成时限")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.IN_PROGRESS)
    completed_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "督查任务分解"
        verbose_name_plural = "督查任务分解"
        ordering = ["due_date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["item", "organization"], name="assignment_item_org"),
            models.CheckConstraint(condition=Q(status="done", completed_on__isnull=False)
                                   | Q(status="in_progress", completed_on__isnull=True),
                                   name="assignment_done_has_date"),
        ]
        indexes = [models.Index(fields=["organization", "due_date"])]

    def __str__(self):
        return f"{self.item} · {self.organization}"

    def is_overdue(self, today=None) -> bool:
        today = today or timezone.localdate()
        if self.status == self.Status.DONE:
            return self.completed_on > self.due_date
        return self.due_date < today

    @property
    def on_time(self) -> bool:
        return self.status == self.Status.DONE and self.completed_on <= self.due_date


class ProgressReport(TimeStampedModel):
    """The monthly progress of one assignment; one per month (a second submission replaces the text)."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reports")
    month = models.DateField("月份", help_text="该月第一天")
    text = models.TextField("进展情况")
    percent = models.PositiveSmallIntegerField("完成进度(%)", default=0)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = "月度进展"
        verbose_name_plural = "月度进展"
        ordering = ["-month", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assignment", "month"], name="progress_assignment_month"),
            models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent_range"),
        ]

    def __str__(self):
        return f"{self.assignment} {self.month:%Y-%m}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        PHOTO = "photo", _("照片")
        DOCUMENT = "document", _("文件")
        VIDEO = "video", _("视频链接")

    report = models.ForeignKey(ProgressReport, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    file = models.FileField("文件", upload_to="supervision/%Y/%m/", blank=True)
    original_name = models.CharField("原文件名", max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    url = models.URLField("视频链接", max_length=500, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["id"]

    def __str__(self):
        return self.original_name or self.url


# --- assessment ----------------------------------------------------------------------------------


class Source(models.TextChoices):
    """Where an indicator's value comes from."""

    THREE_RATES = "three_rates", _("诉求三率综合得分")
    RESPONSE_RATE = "response_rate", _("响应率")
    RESOLUTION_RATE = "resolution_rate", _("解决率")
    SATISFACTION_RATE = "satisfaction_rate", _("满意率")
    ACTIVITIES = "activities", _("活动场次")
    PERSON_TIMES = "person_times", _("活动参与人次")
    VOLUNTEER_HOURS = "volunteer_hours", _("志愿服务时长(小时)")
    SUPERVISION_ON_TIME = "supervision_on_time", _("督查事项按期完成率")
    PLAN_OUTCOMES = "plan_outcomes", _("工作计划成效(五项成效之和)")
    COVERAGE = "coverage", _("工作站覆盖率")
    MANUAL = "manual", _("人工评分")


class Indicator(TimeStampedModel):
    """One line of a district's yearly assessment. Computed indicators score 100 at ``target``
    (counts) or rate × 100 (rates); manual ones take the score given with evidence."""

    class Scope(models.TextChoices):
        ORGANIZATION = "organization", _("组织")
        STREET = "street", _("街道")

    district = models.ForeignKey("organizations.Region", verbose_name="所属区", on_delete=models.PROTECT,
                                 related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    scope = models.CharField("考核对象", max_length=12, choices=Scope.choices, default=Scope.ORGANIZATION)
    name = models.CharField("指标", max_length=100)
    source = models.CharField("数据来源", max_length=24, choices=Source.choices)
    weight = models.PositiveSmallIntegerField("权重")
    target = models.DecimalField("满分目标值", max_digits=12, decimal_places=2, null=True, blank=True,
                                 help_text="计数类指标达到此值得满分;比率类留空")
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "考核指标"
        verbose_name_plural = "考核指标"
        ordering = ["district_id", "year", "scope", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weight__gte=1) & Q(weight__lte=100), name="indicator_weight_range"),
            models.CheckConstraint(condition=Q(target__isnull=True) | Q(target__gt=0), name="indicator_target_positive"),
        ]

    def __str__(self):
        return f"{self.year} {self.name}"


class ManualScore(TimeStampedModel):
    """A hand-given score (0–100) of one organization or street on a manual indicator, with evidence."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="manual_scores")
    organization = models.ForeignKey("organizations.Organization", null=True, blank=True, on_delete=models.CASCADE,
                                     related_name="+")
    street = models.ForeignKey("organizations.Region", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+")
    score = models.DecimalField("得分", max_digits=5, decimal_places=2)
    evidence = models.TextField("评分依据", blank=True)
    evidence_file = models.FileField("佐证材料", upload_to="assessment/evidence/%Y/", blank=True)
    evidence_name = models.CharField("原文件名", max_length=200, blank=True)
    scored_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")

    class Meta:
        verbose_name = "人工评分"
        verbose_name_plural = "人工评分"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "organization"], condition=Q(organization__isnull=False),
                                    name="manualscore_indicator_org"),
            models.UniqueConstraint(fields=["indicator", "street"], condition=Q(street__isnull=False),
                                    name="manualscore_indicator_street"),
            models.CheckConstraint(condition=Q(score__gte=0) & Q(score__lte=100), name="manualscore_range"),
            models.CheckConstraint(condition=Q(organization__isnull=False) ^ Q(street__isnull=False),
                                   name="manualscore_one_target"),
        ]

    def __str__(self):
        return f"{self.indicator} {self.score}"


class VetoFlag(TimeStampedModel):
    """一票否决: a flagged major incident (or another reason) fails the organization for the year.
    Unfinished key supervision tasks veto by themselves, without a flag."""

    class Kind(models.TextChoices):
        MAJOR_INCIDENT = "major_incident", _("发生重大事件")
        KEY_TASK = "key_task", _("重点任务未完成")
        OTHER = "other", _("其他")

    district = models.ForeignKey("organizations.Region", verbose_name="所属区", on_delete=models.PROTECT,
                                 related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    organization = models.ForeignKey("organizations.Organization", verbose_name="组织", on_delete=models.CASCADE,
                                     related_name="veto_flags")
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    reason = models.TextField("事由")
    evidence_file = models.FileField("佐证材料", upload_to="assessment/evidence/%Y/", blank=True)
    evidence_name = models.CharField("原文件名", max_length=200, blank=True)
    flagged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    withdrawn = models.BooleanField("已撤销", default=False)

    class Meta:
        verbose_name = "一票否决"
        verbose_name_plural = "一票否决"
        ordering = ["year", "id"]

    def __str__(self):
        return f"{self.organization} {self.year} {self.get_kind_display()}"


# --- rollups -------------------------------------------------------------------------------------
# Pre-aggregated counts the dashboards, the assessment and the work report read instead of
# scanning millions of rows. On PostgreSQL, triggers on the source tables append signed delta
# rows (+1 for the new state of a row, -1 for the old) in the same transaction as every change,
# so a sum over a rollup is always exact; ``rollups.compact()`` folds the deltas into one row per
# key from time to time. Plain integer columns, no foreign keys: these are derived data, rebuilt
# by ``rollups.rebuild_all()``. See quntuan/assessment/rollups.py.


class CaseMonthStat(models.Model):
    """Cases counted in statistics (not merged) by month received (local time), district, street
    (the community's parent), handling and first-inquirer organization and status."""

    month = models.DateField()
    district_id = models.IntegerField()
    street_id = models.IntegerField(null=True)
    handling_org_id = models.IntegerField(null=True)
    first_inquirer_org_id = models.IntegerField(null=True)
    status = models.CharField(max_length=20)
    received = models.IntegerField(default=0)
    contacted_ok = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["district_id", "month"], name="casemonth_district"),
            models.Index(fields=["first_inquirer_org_id", "month"], name="casemonth_first_org"),
            models.Index(fields=["handling_org_id", "month"], name="casemonth_handling_org"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} 区{self.district_id} {self.status} {self.received}"


class CaseClosedMonthStat(models.Model):
    """Closed cases (not merged) by month closed, district, street and handling organization."""

    month = models.DateField()
    district_id = models.IntegerField()
    street_id = models.IntegerField(null=True)
    handling_org_id = models.IntegerField(null=True)
    closed = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["district_id", "month"], name="closedmonth_district"),
            models.Index(fields=["handling_org_id", "month"], name="closedmonth_org"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} 区{self.district_id} 办结 {self.closed}"


class RatingMonthStat(models.Model):
    """Ratings by month rated, the organization the RATED event names (the one handling the case
    when rated) and the case's district and street."""

    month = models.DateField()
    district_id = models.IntegerField()
    street_id = models.IntegerField(null=True)
    organization_id = models.IntegerField(null=True)
    rated = models.IntegerField(default=0)
    solved = models.IntegerField(default=0)
    satisfied = models.IntegerField(default=0)  # satisfied or basically satisfied

    class Meta:
        indexes = [
            models.Index(fields=["district_id", "month"], name="ratingmonth_district"),
            models.Index(fields=["organization_id", "month"], name="ratingmonth_org"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} 组织{self.organization_id} 评价 {self.rated}"


class OpenCaseDueStat(models.Model):
    """Running cases (pending, transferring, in progress) by district, street, handling
    organization, deadline and red-flag day: the overdue chart for any day."""

    district_id = models.IntegerField()
    street_id = models.IntegerField(null=True)
    handling_org_id = models.IntegerField(null=True)
    due_date = models.DateField(null=True)
    red_flag_after = models.DateField(null=True)
    n = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["district_id", "due_date"], name="opendue_district")]

    def __str__(self):
        return f"区{self.district_id} {self.due_date} {self.n}"


class ResidentMonthStat(models.Model):
    """Resident accounts by month joined, district (the account's region), street and active flag."""

    month = models.DateField()
    district_id = models.IntegerField(null=True)
    street_id = models.IntegerField(null=True)
    is_active = models.BooleanField()
    n = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["district_id", "month"], name="residentmonth_district")]

    def __str__(self):
        return f"{self.month:%Y-%m} 区{self.district_id} {self.n}"


class ActivityMonthStat(models.Model):
    """Activities and their check-ins (person-times) by month of the activity's start (local),
    district, street, primary host, kind and status. An activity moved, re-hosted or cancelled
    takes its check-ins with it (the trigger on activities re-counts them)."""

    month = models.DateField()
    district_id = models.IntegerField()
    street_id = models.IntegerField(null=True)
    host_id = models.IntegerField()
    kind = models.CharField(max_length=16)
    status = models.CharField(max_length=12)
    activities = models.IntegerField(default=0)
    checkins = models.IntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["district_id", "month"], name="activitymonth_district"),
            models.Index(fields=["host_id", "month"], name="activitymonth_host"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} 组织{self.host_id} {self.activities} 场 {self.checkins} 人次"


class VolunteerMonthStat(models.Model):
    """Confirmed volunteer service minutes by month of the shift's start (local) and the
    activity's district, street and primary host."""

    month = models.DateField()
    district_id = models.IntegerField()
    street_id = models.IntegerField(null=True)
    host_id = models.IntegerField()
    minutes = models.BigIntegerField(default=0)

    class Meta:
        indexes = [
            models.Index(fields=["district_id", "month"], name="volunteermonth_district"),
            models.Index(fields=["host_id", "month"], name="volunteermonth_host"),
        ]

    def __str__(self):
        return f"{self.month:%Y-%m} 组织{self.host_id} {self.minutes} 分钟"
