"""Volunteers (志愿者), their teams, shifts, service hours and certificates (志愿服务证明), and
training records (courses, sessions, trainees, attendance, completion and outcomes).

Hours are kept in minutes. A service record (志愿服务记录) belongs to one shift and one volunteer;
the volunteer reports it after the shift and the organizer (host staff of the activity) confirms
or corrects it, or staff record it directly for a whole shift. Only confirmed minutes count.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quntuan.core.models import TimeStampedModel

DEFAULT_STAR_HOURS = [100, 300, 600, 1000, 1500]


def default_star_hours() -> list[int]:
    return list(DEFAULT_STAR_HOURS)


class VolunteerRules(models.Model):
    """Rules with numbers a district may change (PRODUCT.md), with the defaults."""

    district = models.OneToOneField("organizations.Region", on_delete=models.CASCADE, related_name="volunteer_rules")
    star_hours = models.JSONField("星级时长(小时)", default=default_star_hours,
                                  help_text="一星至五星所需的累计志愿服务小时数,由低到高")
    completion_percent = models.PositiveSmallIntegerField("培训结业出勤比例(%)", default=80)

    class Meta:
        verbose_name = "志愿与培训规则"
        verbose_name_plural = "志愿与培训规则"
        constraints = [
            models.CheckConstraint(condition=Q(completion_percent__gt=0) & Q(completion_percent__lte=100),
                                   name="volunteer_rules_completion_range"),
        ]

    def __str__(self):
        return f"{self.district} 志愿与培训规则"

    def clean(self):
        from django.core.exceptions import ValidationError

        hours = self.star_hours
        if (not isinstance(hours, list) or len(hours) != 5 or not all(isinstance(h, int) and h > 0 for h in hours)
                or hours != sorted(set(hours))):
            raise ValidationError({"star_hours": "请填写 5 个由小到大的正整数小时数,如 [100, 300, 600, 1000, 1500]。"})


class IdType(models.TextChoices):
    RESIDENT_ID = "resident_id", _("居民身份证")
    HK_MACAO = "hk_macao", _("港澳居民来往内地通行证")
    TAIWAN = "taiwan", _("台湾居民来往大陆通行证")
    PASSPORT = "passport", _("护照")
    FOREIGN_PR = "foreign_pr", _("外国人永久居留身份证")


class Volunteer(TimeStampedModel):
    class Status(models.TextChoices):
        ACTIVE = "active", _("在册")
        SUSPENDED = "suspended", _("暂停")
        WITHDRAWN = "withdrawn", _("已注销")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="居民账户", on_delete=models.PROTECT,
                                related_name="volunteer")
    district = models.ForeignKey("organizations.Region", verbose_name="所属区", on_delete=models.PROTECT,
                                 related_name="+")
    number = models.CharField("志愿者编号", max_length=32, unique=True, null=True, blank=True)
    real_name = models.CharField("真实姓名", max_length=32)
    id_type = models.CharField("证件类型", max_length=16, choices=IdType.choices, default=IdType.RESIDENT_ID)
    id_number = models.CharField("证件号码", max_length=32)
    skills = models.CharField("技能特长", max_length=200, blank=True)
    availability = models.CharField("可服务时间", max_length=200, blank=True)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.ACTIVE)

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = "志愿者"
        ordering = ["district_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["id_type", "id_number"], name="volunteer_id_document_unique"),
        ]

    def __str__(self):
        return f"{self.real_name}({self.number or '待编号'})"

    @property
    def masked_id(self) -> str:
        from quntuan.volunteers.rules import mask_id_number

        return mask_id_number(self.id_number)


class VolunteerTeam(TimeStampedModel):
    organization = models.ForeignKey("organizations.Organization", verbose_name="所属组织", on_delete=models.PROTECT,
                                     related_name="volunteer_teams")
    name = models.CharField("队伍名称", max_length=64)
    description = models.CharField("简介", max_length=200, blank=True)
    members = models.ManyToManyField(Volunteer, verbose_name="队员", blank=True, related_name="teams")

    class Meta:
        verbose_name = "志愿服务队"
        verbose_name_plural = "志愿服务队"
        ordering = ["organization_id", "name", "id"]
        constraints = [models.UniqueConstraint(fields=["organization", "name"], name="volunteer_team_org_name")]

    def __str__(self):
        return self.name


class Shift(TimeStampedModel):
    """A time slot of a volunteer-service activity with a number of places."""

    activity = models.ForeignKey("activities.Activity", verbose_name="活动", on_delete=models.CASCADE,
                                 related_name="volunteer_shifts")
    title = models.CharField("岗位", max_length=64)
    start = models.DateTimeField("开始时间")
    end = models.DateTimeField("结束时间")
    slots = models.PositiveIntegerField("名额")
    team = models.ForeignKey(VolunteerTeam, verbose_name="限定队伍", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="shifts")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = "志愿岗位班次"
        verbose_name_plural = "志愿岗位班次"
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="shift_end_after_start"),
            models.CheckConstraint(condition=Q(slots__gt=0), name="shift_slots_positive"),
        ]

    def __str__(self):
        return f"{self.title} {timezone.localtime(self.start):%m-%d %H:%M}"

    @property
    def length_minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)


class ShiftSignup(TimeStampedModel):
    class Status(models.TextChoices):
        SIGNED_UP = "signed_up", _("已报名")
        CANCELLED = "cancelled", _("已取消")

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="signups")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.SIGNED_UP)

    class Meta:
        verbose_name = "班次报名"
        verbose_name_plural = "班次报名"
        ordering = ["shift_id", "id"]
        constraints = [models.UniqueConstraint(fields=["shift", "volunteer"], name="shift_signup_once")]

    def __str__(self):
        return f"{self.volunteer} → {self.shift}"


class ServiceRecord(TimeStampedModel):
    """志愿服务记录: one volunteer's service on one shift, in minutes."""

    class Status(models.TextChoices):
        REPORTED = "reported", _("待确认")
        CONFIRMED = "confirmed", _("已确认")
        REJECTED = "rejected", _("未认可")

    shift = models.ForeignKey(Shift, on_delete=models.PROTECT, related_name="records")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="records")
    status = models.CharField("状态", max_length=12, choices=Status.choices)
    reported_minutes = models.PositiveIntegerField("自报时长(分钟)", null=True, blank=True)
    reported_at = models.DateTimeField("自报时间", null=True, blank=True)
    minutes = models.PositiveIntegerField("认定时长(分钟)", default=0)
    content = models.CharField("服务内容", max_length=200)
    note = models.CharField("说明", max_length=200, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)

    class Meta:
        verbose_name = "志愿服务记录"
        verbose_name_plural = "志愿服务记录"
        ordering = ["shift_id", "id"]
        indexes = [models.Index(fields=["volunteer", "status"]), models.Index(fields=["status", "shift"])]
        constraints = [models.UniqueConstraint(fields=["shift", "volunteer"], name="service_record_once")]

    def __str__(self):
        return f"{self.volunteer} {self.shift} {self.minutes} 分钟"


class ActivityServiceSummary(TimeStampedModel):
    """The organizer's record of a volunteer activity as a whole: people served (服务人数)."""

    activity = models.OneToOneField("activities.Activity", on_delete=models.CASCADE,
                                    related_name="volunteer_summary")
    people_served = models.PositiveIntegerField("服务人数", default=0)
    summary = models.CharField("服务概况", max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = "志愿活动服务人数"
        verbose_name_plural = "志愿活动服务人数"

    def __str__(self):
        return f"{self.activity}: {self.people_served} 人"


class Certificate(models.Model):
    """志愿服务证明. The fields are copied when it is issued, so the document never changes."""

    number = models.CharField("证明编号", max_length=32, unique=True, null=True, blank=True)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates")
    organization = models.ForeignKey("organizations.Organization", verbose_name="出具组织",
                                     on_delete=models.PROTECT, related_name="volunteer_certificates")
    real_name = models.CharField("姓名", max_length=32)
    id_type = models.CharField("证件类型", max_length=16, choices=IdType.choices)
    id_masked = models.CharField("证件号码(隐去部分)", max_length=32)
    volunteer_number = models.CharField("志愿者编号", max_length=32)
    minutes = models.PositiveIntegerField("志愿服务时长(分钟)")
    period_start = models.DateField("服务起始日期", null=True, blank=True)
    period_end = models.DateField("服务截止日期", null=True, blank=True)
    content = models.CharField("服务内容", max_length=500)
    responsible_person = models.CharField("负责人", max_length=32)
    handler = models.CharField("经办人", max_length=32)
    contact = models.CharField("联系方式", max_length=32)
    issued_on = models.DateField("出具日期")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "志愿服务证明"
        verbose_name_plural = "志愿服务证明"
        ordering = ["-issued_on", "-id"]

    def __str__(self):
        return self.number or "志愿服务证明"


class VolunteerEvent(models.Model):
    class Kind(models.TextChoices):
        REGISTERED = "registered", _("注册")
        UPDATED = "updated", _("修改信息")
        STATUS = "status", _("状态变更")
        SIGNED_UP = "signed_up", _("报名班次")
        SIGNUP_CANCELLED = "signup_cancelled", _("取消报名")
        HOURS_REPORTED = "hours_reported", _("自报时长")
        HOURS_CONFIRMED = "hours_confirmed", _("确认时长")
        HOURS_CORRECTED = "hours_corrected", _("更正时长")
        HOURS_REJECTED = "hours_rejected", _("不予认可")
        HOURS_RECORDED = "hours_recorded", _("工作人员记录时长")
        CERTIFICATE = "certificate", _("出具证明")

    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    record = models.ForeignKey(ServiceRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="events")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "志愿者记录"
        verbose_name_plural = "志愿者记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.volunteer}"


# --- training ----------------------------------------------------------------------------------


class TrainingCourse(TimeStampedModel):
    organization = models.ForeignKey("organizations.Organization", verbose_name="举办组织", on_delete=models.PROTECT,
                                     related_name="training_courses")
    title = models.CharField("课程名称", max_length=100)
    audience = models.CharField("培训对象", max_length=100, blank=True)
    description = models.TextField("简介", blank=True)
    activity = models.ForeignKey("activities.Activity", verbose_name="对应活动", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="training_courses")
    completion_percent = models.PositiveSmallIntegerField("结业出勤比例(%)", default=80)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = "培训课程"
        verbose_name_plural = "培训课程"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(completion_percent__gt=0) & Q(completion_percent__lte=100),
                                   name="course_completion_range"),
        ]

    def __str__(self):
        return self.title


class TrainingSession(models.Model):
    course = models.ForeignKey(TrainingCourse, on_delete=models.CASCADE, related_name="sessions")
    topic = models.CharField("内容", max_length=100, blank=True)
    start = models.DateTimeField("开始时间")
    end = models.DateTimeField("结束时间")

    class Meta:
        verbose_name = "培训课次"
        verbose_name_plural = "培训课次"
        ordering = ["start", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="session_end_after_start"),
        ]

    def __str__(self):
        return f"{self.course} {timezone.localtime(self.start):%m-%d %H:%M}"


class Enrollment(TimeStampedModel):
    course = models.ForeignKey(TrainingCourse, on_delete=models.CASCADE, related_name="enrollments")
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="学员", on_delete=models.PROTECT,
                                related_name="training_enrollments")
    completed = models.BooleanField("已结业", default=False)
    completed_on = models.DateField("结业日期", null=True, blank=True)
    certificate_number = models.CharField("结业证书编号", max_length=32, unique=True, null=True, blank=True)

    class Meta:
        verbose_name = "培训学员"
        verbose_name_plural = "培训学员"
        ordering = ["course_id", "id"]
        constraints = [models.UniqueConstraint(fields=["course", "trainee"], name="enrollment_once")]

    def __str__(self):
        return f"{self.trainee} @ {self.course}"


class SessionAttendance(models.Model):
    """A trainee was present at a session (a row only for those present)."""

    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    enrollment = models.ForeignKey(Enrollment, on_delete=models.CASCADE, related_name="attendance")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "培训出勤"
        verbose_name_plural = "培训出勤"
        constraints = [models.UniqueConstraint(fields=["session", "enrollment"], name="attendance_once")]

    def __str__(self):
        return f"{self.enrollment} @ {self.session}"


class TrainingOutcome(TimeStampedModel):
    class Kind(models.TextChoices):
        REEMPLOYED = "reemployed", _("实现再就业")
        CHANGED_JOB = "changed_job", _("转岗换岗")
        STARTED_BUSINESS = "started_business", _("自主创业")
        NONE = "none", _("暂无变化")

    enrollment = models.OneToOneField(Enrollment, on_delete=models.CASCADE, related_name="outcome")
    kind = models.CharField("培训后去向", max_length=20, choices=Kind.choices)
    on = models.DateField("日期")
    note = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        verbose_name = "培训成效"
        verbose_name_plural = "培训成效"
        indexes = [models.Index(fields=["kind", "on"])]

    def __str__(self):
        return f"{self.enrollment}: {self.get_kind_display()}"
