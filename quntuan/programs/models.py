"""Plans shared across organizations, resident targeting attributes with consent, target groups,
targeted notices with their deliveries, and referrals between organizations.

Sensitive attributes (disability, household hardship) are stored only as ciphertext plus a keyed
hash (HMAC) per value, so that a target group can match them without decrypting anything."""

from datetime import time

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from quntuan.activities.models import AudienceGroup
from quntuan.core.models import TimeStampedModel


class Purpose(models.TextChoices):
    """Kinds of notices a resident may agree to receive."""

    EMPLOYMENT = "employment", _("就业培训")
    ENTREPRENEURSHIP = "entrepreneurship", _("创业扶持")
    VOLUNTEERING = "volunteering", _("志愿服务")
    ASSISTANCE = "assistance", _("帮扶救助")
    CULTURE = "culture", _("文体活动")
    POLICY = "policy", _("政策宣传")


class SensitiveCategory(models.TextChoices):
    DISABILITY = "disability", _("残疾信息")
    HARDSHIP = "hardship", _("家庭困难信息")


class ProgramRules(models.Model):
    """Targeted-notice rules a district may change."""

    district = models.OneToOneField("organizations.Region", on_delete=models.CASCADE, related_name="program_rules")
    weekly_cap = models.PositiveSmallIntegerField("每位居民每周最多推送条数", default=3)
    quiet_start = models.TimeField("免打扰开始", default=time(21, 0))
    quiet_end = models.TimeField("免打扰结束", default=time(8, 0))
    policy_version = models.CharField("个人信息处理规则版本", max_length=20, default="2026.1")

    class Meta:
        verbose_name = "精准推送规则"
        verbose_name_plural = "精准推送规则"

    def __str__(self):
        return f"{self.district} 精准推送规则"


class Plan(TimeStampedModel):
    class Kind(models.TextChoices):
        TRAINING = "training", _("就业培训")
        ENTREPRENEURSHIP = "entrepreneurship", _("创业扶持")
        VOLUNTEERING = "volunteering", _("志愿服务")
        ASSISTANCE = "assistance", _("帮扶救助")
        OTHER = "other", _("其他")

    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        PUBLISHED = "published", _("已发布")
        CLOSED = "closed", _("已结束")

    district = models.ForeignKey("organizations.Region", verbose_name="所属区", on_delete=models.PROTECT,
                                 related_name="+")
    organization = models.ForeignKey("organizations.Organization", verbose_name="发布组织",
                                     on_delete=models.PROTECT, related_name="plans")
    kind = models.CharField("类型", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField("名称", max_length=100)
    goal = models.TextField("目标")
    audience = models.CharField("面向人群", max_length=16, choices=AudienceGroup.choices, blank=True)
    community = models.ForeignKey("organizations.Region", verbose_name="社区", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+", help_text="全区范围时留空")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    capacity = models.PositiveIntegerField("计划人数", null=True, blank=True)
    budget_line = models.CharField("预算科目", max_length=100, blank=True)
    target_group = models.ForeignKey("TargetGroup", verbose_name="目标人群", null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="plans")
    contact_name = models.CharField("联系人", max_length=32, blank=True)
    contact_phone = models.CharField("联系电话", max_length=32, blank=True)
    activities = models.ManyToManyField("activities.Activity", verbose_name="关联活动", blank=True, related_name="plans")
    services = models.ManyToManyField("catalog.Service", verbose_name="关联服务", blank=True, related_name="plans")
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.PUBLISHED)
    # Outcomes: the figures the work report quotes.
    trained = models.PositiveIntegerField("培训人数", default=0)
    reemployed = models.PositiveIntegerField("再就业人数", default=0)
    businesses_started = models.PositiveIntegerField("创业户数", default=0)
    jobs_created = models.PositiveIntegerField("带动就业岗位", default=0)
    people_served = models.PositiveIntegerField("服务人次", default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = "工作计划"
        verbose_name_plural = "工作计划"
        ordering = ["-start_date", "-id"]
        indexes = [models.Index(fields=["district", "status", "start_date"])]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=models.F("start_date")), name="plan_end_after_start"),
        ]

    def __str__(self):
        return self.title


class PlanComment(models.Model):
    class Kind(models.TextChoices):
        COMMENT = "comment", _("留言")
        COHOST = "cohost", _("申请协办")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="comments")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, default=Kind.COMMENT)
    body = models.TextField("内容")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "计划留言"
        verbose_name_plural = "计划留言"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.organization}: {self.body[:20]}"


class ResidentProfile(models.Model):
    """A resident's targeting attributes and current consent, one-to-one with the user. Every
    attribute is optional. Consent history is in ``ConsentRecord``."""

    class Gender(models.TextChoices):
        MALE = "male", _("男")
        FEMALE = "female", _("女")

    class Employment(models.TextChoices):
        EMPLOYED = "employed", _("在职")
        UNEMPLOYED = "unemployed", _("失业")
        STUDENT = "student", _("学生")
        RETIRED = "retired", _("退休")

    class WorkerType(models.TextChoices):
        RIDER = "rider", _("外卖骑手")
        COURIER = "courier", _("快递员")
        DRIVER = "driver", _("网约车司机")
        TRUCKER = "trucker", _("货车司机")
        DOMESTIC = "domestic", _("家政服务员")
        STREAMER = "streamer", _("网络主播")

    class Overseas(models.TextChoices):
        RETURNED = "returned", _("归侨")
        RELATIVE = "relative", _("侨眷")

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resident_profile")
    district = models.ForeignKey("organizations.Region", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    community = models.ForeignKey("organizations.Region", verbose_name="所在社区", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    birth_date = models.DateField("出生日期", null=True, blank=True)
    gender = models.CharField("性别", max_length=8, choices=Gender.choices, blank=True)
    employment_status = models.CharField("就业状态", max_length=12, choices=Employment.choices, blank=True)
    worker_type = models.CharField("新就业形态劳动者类型", max_length=12, choices=WorkerType.choices, blank=True)
    union_member = models.BooleanField("工会会员", null=True, blank=True)
    league_member = models.BooleanField("共青团员", null=True, blank=True)
    overseas = models.CharField("归侨侨眷", max_length=10, choices=Overseas.choices, blank=True)
    # Sensitive: Fernet ciphertext of a JSON object, plus a keyed hash of each value for matching.
    disability_cipher = models.TextField(blank=True, default="")
    disability_type_hmac = models.CharField(max_length=64, blank=True, default="", db_index=True)
    disability_grade_hmac = models.CharField(max_length=64, blank=True, default="")
    hardship_cipher = models.TextField(blank=True, default="")
    hardship_hmac = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # Current consent (the latest ConsentRecord decides; kept here so a target query is one table).
    consent_employment = models.BooleanField(default=False)
    consent_entrepreneurship = models.BooleanField(default=False)
    consent_volunteering = models.BooleanField(default=False)
    consent_assistance = models.BooleanField(default=False)
    consent_culture = models.BooleanField(default=False)
    consent_policy = models.BooleanField(default=False)
    consent_disability = models.BooleanField(default=False)
    consent_hardship = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "居民画像"
        verbose_name_plural = "居民画像"
        indexes = [models.Index(fields=["district", "community"]), models.Index(fields=["birth_date"])]

    def __str__(self):
        return f"{self.user} 的画像"


class ConsentRecord(models.Model):
    """Append-only: every grant and withdrawal, with the policy version and purposes."""

    class Action(models.TextChoices):
        GRANT = "grant", _("同意")
        WITHDRAW = "withdraw", _("撤回")

    resident = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="consent_records")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    purposes = models.JSONField("用途或类别", default=list)
    policy_version = models.CharField("规则版本", max_length=20)
    source = models.CharField("来源", max_length=20, default="web")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "授权记录"
        verbose_name_plural = "授权记录"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.resident} {self.get_action_display()} {self.purposes}"


class TargetGroup(TimeStampedModel):
    district = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                     related_name="target_groups")
    name = models.CharField("名称", max_length=64)
    criteria = models.JSONField("筛选条件")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "目标人群"
        verbose_name_plural = "目标人群"
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


class Notice(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SENDING = "sending", _("推送中")
        DONE = "done", _("已完成")

    district = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="+")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="notices")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.SET_NULL, related_name="notices")
    # What a resident signs up for from the notice: at most one of an activity, a training course
    # or a catalogue service (a service sign-up opens a case through the cases intake).
    activity = models.ForeignKey("activities.Activity", verbose_name="报名活动", null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    course = models.ForeignKey("volunteers.TrainingCourse", verbose_name="报名培训课程", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    service = models.ForeignKey("catalog.Service", verbose_name="申请服务", null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    purpose = models.CharField("推送类别", max_length=20, choices=Purpose.choices)
    title = models.CharField("标题", max_length=100)
    body = models.TextField("内容")
    channels = models.JSONField("渠道", default=list)
    # Frozen copy of the target group's criteria at publication.
    criteria = models.JSONField("筛选条件", default=dict)
    target_group = models.ForeignKey(TargetGroup, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="notices")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT)
    audience_size = models.PositiveIntegerField("目标人数", default=0)
    not_before = models.DateTimeField("最早推送时间", null=True, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "精准推送"
        verbose_name_plural = "精准推送"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.title


class FanoutShard(models.Model):
    """A slice of a notice's audience by profile id (``start_pk`` <= id < ``end_pk``), fanned out
    by its own chain of batch tasks so that several workers share a large notice. ``cursor`` is
    the last profile id done."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="shards")
    start_pk = models.BigIntegerField()
    end_pk = models.BigIntegerField(null=True, blank=True)
    cursor = models.BigIntegerField(default=0)
    done = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "推送分片"
        verbose_name_plural = "推送分片"
        ordering = ["notice", "start_pk"]

    def __str__(self):
        return f"{self.notice_id}[{self.start_pk}, {self.end_pk})"


class NoticeDelivery(models.Model):
    class Status(models.TextChoices):
        SENT = "sent", _("已送达")
        CAPPED = "capped", _("超出频次未发送")

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="deliveries")
    resident = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notice_deliveries")
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.SENT)
    created_at = models.DateTimeField(default=timezone.now)
    opened_at = models.DateTimeField(null=True, blank=True)
    signed_up_at = models.DateTimeField(null=True, blank=True)
    # What the sign-up made: a case's tracking number, "activity:<registration id>" or
    # "course:<enrollment id>".
    signup_ref = models.CharField(max_length=40, blank=True, default="")

    class Meta:
        verbose_name = "推送送达"
        verbose_name_plural = "推送送达"
        constraints = [models.UniqueConstraint(fields=["notice", "resident"], name="notice_delivery_once")]
        indexes = [models.Index(fields=["resident", "created_at"], name="delivery_resident_time")]

    def __str__(self):
        return f"{self.notice_id} → {self.resident_id}"


class Referral(TimeStampedModel):
    """A referral to another organization's plan or service. It reaches the receiving organization
    only after the resident confirms it themself (PIPL art. 23: separate consent before personal
    information goes to another processor); the resident may withdraw later."""

    class Status(models.TextChoices):
        AWAITING_CONSENT = "awaiting_consent", _("待居民确认")
        REFUSED = "refused", _("居民不同意")
        PENDING = "pending", _("待接收")
        ACCEPTED = "accepted", _("已接收")
        DECLINED = "declined", _("已退回")
        COMPLETED = "completed", _("已办结")
        WITHDRAWN = "withdrawn", _("居民已撤回同意")

    district = models.ForeignKey("organizations.Region", on_delete=models.PROTECT, related_name="+")
    resident = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals")
    from_organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    to_organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT,
                                        related_name="referrals_received")
    plan = models.ForeignKey(Plan, null=True, blank=True, on_delete=models.PROTECT, related_name="referrals")
    service = models.ForeignKey("catalog.Service", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField("转介原因")
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.AWAITING_CONSENT)
    outcome = models.TextField("办理结果", blank=True)
    # The resident's own confirmation: until then the receiving organization does not see the
    # referral. ``shared_categories``: sensitive categories the resident let the receiving
    # organization see (masked for everyone else).
    consented_at = models.DateTimeField("居民同意时间", null=True, blank=True)
    shared_categories = models.JSONField("向接收组织提供的敏感信息", default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = "转介"
        verbose_name_plural = "转介"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(plan__isnull=False) | Q(service__isnull=False),
                                   name="referral_has_target"),
        ]

    def __str__(self):
        return f"{self.resident} → {self.to_organization}"
