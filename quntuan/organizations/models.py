from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from quntuan.core.models import TimeStampedModel


class Region(models.Model):
    """city → district → street/town → community."""

    class Level(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区")
        STREET = "street", _("街道/镇")
        COMMUNITY = "community", _("社区")

    code = models.CharField("区划代码", max_length=32, unique=True)
    name = models.CharField("名称", max_length=64)
    level = models.CharField("层级", max_length=12, choices=Level.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Denormalised for scoping queries: the district every street and community belongs to.
    district = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        help_text="所属区(区本身指向自己;市为空)",
    )

    class Meta:
        verbose_name = "行政区域"
        verbose_name_plural = "行政区域"
        ordering = ["code"]

    def __str__(self):
        return self.name


class Organization(TimeStampedModel):
    class Kind(models.TextChoices):
        MASS = "mass", _("群团组织")
        SOCIAL = "social", _("社会组织")
        UNIT = "unit", _("驻区单位")
        GOVERNMENT = "government", _("政府部门")

    district = models.ForeignKey(Region, verbose_name="所属区", on_delete=models.PROTECT, related_name="organizations")
    code = models.CharField("代码", max_length=32, help_text="群团组织使用目录代码,如 union、youth")
    name = models.CharField("名称", max_length=64)
    kind = models.CharField("类型", max_length=12, choices=Kind.choices, default=Kind.MASS)
    phone = models.CharField("联系电话", max_length=32, blank=True)
    address = models.CharField("地址", max_length=128, blank=True)
    is_active = models.BooleanField("有效", default=True)

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"
        ordering = ["district_id", "id"]
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="organization_district_code")]

    def __str__(self):
        return self.name


class Workstation(TimeStampedModel):
    """群团工作站: one per community, staffed by several organizations."""

    community = models.OneToOneField(Region, verbose_name="社区", on_delete=models.PROTECT, related_name="workstation")
    name = models.CharField("名称", max_length=64)
    address = models.CharField("地址", max_length=128, blank=True)
    phone = models.CharField("电话", max_length=32, blank=True)

    class Meta:
        verbose_name = "群团工作站"
        verbose_name_plural = "群团工作站"

    def __str__(self):
        return self.name


class Membership(models.Model):
    class Role(models.TextChoices):
        STAFF = "staff", _("工作人员")
        LEADER = "leader", _("负责人")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="memberships")
    workstation = models.ForeignKey(Workstation, null=True, blank=True, on_delete=models.SET_NULL, related_name="memberships")
    role = models.CharField("岗位角色", max_length=10, choices=Role.choices, default=Role.STAFF)
    is_on_duty_receiver = models.BooleanField("值班受理人", default=False)

    class Meta:
        verbose_name = "人员任职"
        verbose_name_plural = "人员任职"
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "workstation"], name="membership_unique",
                                    nulls_distinct=False),
        ]

    def __str__(self):
        return f"{self.user} @ {self.organization}"


class DistrictRules(models.Model):
    """Rules with numbers (PRODUCT.md) that a district may change; defaults as the brief says."""

    district = models.OneToOneField(Region, on_delete=models.CASCADE, related_name="rules")
    limit_immediate_days = models.PositiveSmallIntegerField("即办时限(工作日)", default=0)
    limit_consult_days = models.PositiveSmallIntegerField("咨询时限(工作日)", default=1)
    limit_help_days = models.PositiveSmallIntegerField("求助时限(工作日)", default=5)
    limit_complaint_days = models.PositiveSmallIntegerField("投诉维权时限(工作日)", default=15)
    first_contact_days = models.PositiveSmallIntegerField("首次联系时限(工作日)", default=1)
    urgent_contact_hours = models.PositiveSmallIntegerField("紧急首次联系时限(小时)", default=2)
    reminder_ratio = models.DecimalField("提醒时点(时限比例)", max_digits=3, decimal_places=2, default=0.75)
    red_flag_days_late = models.PositiveSmallIntegerField("红牌(逾期工作日)", default=1)
    followup_days = models.PositiveSmallIntegerField("回访时限(工作日)", default=3)
    max_reopen = models.PositiveSmallIntegerField("重办次数", default=1)
    weight_response = models.PositiveSmallIntegerField("响应率权重", default=30)
    weight_resolution = models.PositiveSmallIntegerField("解决率权重", default=35)
    weight_satisfaction = models.PositiveSmallIntegerField("满意率权重", default=35)

    class Meta:
        verbose_name = "区规则设置"
        verbose_name_plural = "区规则设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(reminder_ratio__gt=0) & Q(reminder_ratio__lt=1), name="rules_reminder_ratio_range"
            ),
        ]

    def __str__(self):
        return f"{self.district} 规则设置"

    def limit_days(self, time_limit_class: str) -> int:
        return {
            "immediate": self.limit_immediate_days,
            "consult": self.limit_consult_days,
            "help": self.limit_help_days,
            "complaint": self.limit_complaint_days,
        }[time_limit_class]
