"""Activities, venues (阵地), bookings, registrations and attendance.

A venue booking blocks ``[start, end + buffer)``; on PostgreSQL an exclusion constraint (added by
migration 0002, PostgreSQL only) makes two active bookings of one venue with overlapping blocks
impossible, on SQLite the booking service checks inside its write transaction (IMMEDIATE mode,
so the check is serialized).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quntuan.core.models import TimeStampedModel


class AudienceGroup(models.TextChoices):
    WORKERS = "workers", _("职工")
    YOUTH = "youth", _("青年")
    WOMEN = "women", _("妇女")
    CHILDREN = "children", _("儿童")
    DISABLED = "disabled", _("残疾人")
    OVERSEAS = "overseas", _("归侨侨眷")
    ELDERLY = "elderly", _("老年人")


WEEKDAY_LABELS = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"]


def default_opening_hours() -> list:
    """Seven entries, Monday first; each a list of ["HH:MM", "HH:MM"] intervals (empty = closed)."""
    return [[["09:00", "21:00"]] for _ in range(7)]


def venue_photo_path(instance, filename: str) -> str:
    return f"venues/{timezone.now():%Y/%m}/{filename}"


class Venue(TimeStampedModel):
    owner = models.ForeignKey("organizations.Organization", verbose_name="所属单位", on_delete=models.PROTECT,
                              related_name="venues")
    community = models.ForeignKey("organizations.Region", verbose_name="所在社区", on_delete=models.PROTECT,
                                  related_name="venues")
    name = models.CharField("名称", max_length=64)
    address = models.CharField("地址", max_length=128)
    capacity = models.PositiveIntegerField("容纳人数")
    facilities = models.CharField("设施", max_length=256, blank=True)
    opening_hours = models.JSONField("开放时间", default=default_opening_hours,
                                     help_text="周一至周日,每天若干时段 [开始, 结束]")
    bookable_by = models.ManyToManyField("organizations.Organization", verbose_name="可预约单位", blank=True,
                                         related_name="bookable_venues", help_text="为空时仅所属单位可预约")
    buffer_minutes = models.PositiveSmallIntegerField("场地间隔(分钟)", default=30)
    photo = models.FileField("照片", upload_to=venue_photo_path, blank=True)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "阵地"
        verbose_name_plural = "阵地"
        ordering = ["community_id", "name", "id"]

    def __str__(self):
        return self.name


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("培训课程")
    VOLUNTEER = "volunteer", _("志愿服务")
    LECTURE = "lecture", _("讲座")
    CULTURE = "culture", _("文体活动")
    COMPETITION = "competition", _("评选竞赛")
    BRAND = "brand", _("品牌活动")


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", _("已取消")


class Activity(TimeStampedModel):
    district = models.ForeignKey("organizations.Region", verbose_name="所属区", on_delete=models.PROTECT,
                                 related_name="+")
    primary_host = models.ForeignKey("organizations.Organization", verbose_name="主办单位",
                                     on_delete=models.PROTECT, related_name="primary_activities")
    hosts = models.ManyToManyField("organizations.Organization", verbose_name="主办及协办单位",
                                   related_name="activities")
    kind = models.CharField("类型", max_length=16, choices=ActivityKind.choices)
    title = models.CharField("标题", max_length=100)
    description = models.TextField("简介", blank=True)
    start = models.DateTimeField("开始时间")
    end = models.DateTimeField("结束时间")
    venue = models.ForeignKey(Venue, verbose_name="阵地", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="activities")
    address = models.CharField("活动地址", max_length=128, blank=True, help_text="不使用阵地时填写")
    street = models.ForeignKey("organizations.Region", verbose_name="街道", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey("organizations.Region", verbose_name="社区", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    capacity = models.PositiveIntegerField("名额")
    age_min = models.PositiveSmallIntegerField("最小年龄", null=True, blank=True)
    age_max = models.PositiveSmallIntegerField("最大年龄", null=True, blank=True)
    audience_groups = models.JSONField("面向人群", default=list, blank=True)
    registration_opens = models.DateTimeField("报名开始", null=True, blank=True)
    registration_closes = models.DateTimeField("报名截止", null=True, blank=True)
    needs_approval = models.BooleanField("报名需审核", default=False)
    contact_name = models.CharField("联系人", max_length=32, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    status = models.CharField("状态", max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT)
    host_staff = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name="负责工作人员", blank=True,
                                        related_name="hosted_activities")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # Arrival counter for registrations; incremented under the activity's row lock.
    registration_seq = models.PositiveIntegerField(default=0, editable=False)
    published_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["start", "id"]
        indexes = [
            models.Index(fields=["district", "status", "start"]),
            models.Index(fields=["street", "start"]),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="activity_end_after_start"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="activity_capacity_positive"),
        ]

    def __str__(self):
        return self.title

    @property
    def place(self) -> str:
        if self.venue_id:
            return f"{self.venue.name}({self.venue.address})"
        return self.address

    @property
    def is_published(self) -> bool:
        return self.status == ActivityStatus.PUBLISHED


class Booking(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("有效")
        RELEASED = "released", _("已释放")

    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="bookings")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="bookings")
    start = models.DateTimeField("开始")
    end = models.DateTimeField("结束")
    # The blocked range: the activity plus the venue's turnaround buffer after it.
    block_start = models.DateTimeField()
    block_end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = "阵地预约"
        verbose_name_plural = "阵地预约"
        indexes = [models.Index(fields=["venue", "status", "block_start"])]
        constraints = [
            models.CheckConstraint(condition=Q(block_end__gt=models.F("block_start")), name="booking_range_valid"),
            models.UniqueConstraint(fields=["activity"], condition=Q(status="active"),
                                    name="booking_one_active_per_activity"),
        ]

    def __str__(self):
        return f"{self.venue} {self.start:%Y-%m-%d %H:%M}"


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("已报名")
    WAITLISTED = "waitlisted", _("候补中")
    PENDING = "pending", _("待审核")
    CANCELLED = "cancelled", _("已取消")
    REJECTED = "rejected", _("未通过")


HOLDING_STATUSES = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)


class Registration(TimeStampedModel):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="registrations")
    resident = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="registrations")
    status = models.CharField("状态", max_length=12, choices=RegistrationStatus.choices)
    seq = models.PositiveIntegerField("报名顺序", help_text="同一活动内的到达顺序,候补按此顺序递补")
    note = models.CharField("备注", max_length=200, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = "报名"
        ordering = ["activity_id", "seq"]
        indexes = [models.Index(fields=["activity", "status", "seq"])]
        constraints = [
            models.UniqueConstraint(fields=["activity", "resident"], name="registration_once_per_resident"),
        ]

    def __str__(self):
        return f"{self.resident} → {self.activity}"


class CheckIn(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="checkins")
    registration = models.OneToOneField(Registration, null=True, blank=True, on_delete=models.CASCADE,
                                        related_name="checkin")
    walk_in_name = models.CharField("现场登记姓名", max_length=32, blank=True)
    walk_in_mobile = models.CharField("现场登记手机号", max_length=11, blank=True)
    checked_in_at = models.DateTimeField("签到时间", default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+")

    class Meta:
        verbose_name = "签到"
        verbose_name_plural = "签到"
        ordering = ["activity_id", "checked_in_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(registration__isnull=False) | ~Q(walk_in_name=""),
                                   name="checkin_registration_or_walk_in"),
        ]

    def __str__(self):
        who = self.registration.resident if self.registration_id else self.walk_in_name
        return f"{who} @ {self.activity}"


class ActivityEvent(models.Model):
    class Kind(models.TextChoices):
        CREATED = "created", _("创建")
        UPDATED = "updated", _("修改")
        PUBLISHED = "published", _("发布")
        CANCELLED = "cancelled", _("取消")
        REGISTERED = "registered", _("报名")
        REGISTRATION_CANCELLED = "registration_cancelled", _("取消报名")
        PROMOTED = "promoted", _("候补递补")
        APPROVED = "approved", _("报名审核通过")
        REJECTED = "rejected", _("报名未通过")
        CHECKED_IN = "checked_in", _("签到")
        WALK_IN = "walk_in", _("现场登记")
        REMINDED = "reminded", _("提醒")

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    registration = models.ForeignKey(Registration, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="events")
    detail = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "活动记录"
        verbose_name_plural = "活动记录"
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.activity}"
